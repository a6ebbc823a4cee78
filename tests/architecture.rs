//! Keeps docs/architecture.md true: every `crate::…` path a module of `src/` uses (outside tests
//! and comments) must be one its row allows, and every module must have a row.

use crate::common;
use common::root;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The allowed imports per module, from the table between `<!-- modules -->` markers.
fn allowed() -> BTreeMap<String, BTreeSet<String>> {
    let doc = std::fs::read_to_string(root().join("docs/architecture.md")).expect("doc");
    let start = doc.find("<!-- modules -->").expect("start marker");
    let end = doc.find("<!-- /modules -->").expect("end marker");
    let mut out = BTreeMap::new();
    for line in doc[start..end].lines().filter(|l| l.starts_with("| `")) {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        let module = cols[1].trim_matches('`').to_string();
        let may: BTreeSet<String> = cols[4]
            .split(',')
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty() && m != "—")
            .collect();
        out.insert(module, may);
    }
    out
}

/// Source text without `//` comments and without `#[cfg(test)]` items that close the file.
fn code_of(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The crate modules named by `crate::NAME` in `code`.
fn used(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let after = &rest[i + "crate::".len()..];
        let ident = |s: &str| -> String {
            s.trim_start()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        };
        match after.strip_prefix('{') {
            // `use crate::{a::X, b};`: the first name of each item (nested braces are inside
            // one item, so only top-level commas split).
            Some(group) => {
                let (mut depth, mut item_start) = (0usize, 0usize);
                for (j, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            out.insert(ident(&group[item_start..j]));
                            break;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            out.insert(ident(&group[item_start..j]));
                            item_start = j + 1;
                        }
                        _ => {}
                    }
                }
            }
            None => {
                out.insert(ident(after));
            }
        }
        out.remove("");
        rest = after;
    }
    out
}

fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).expect("dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, files);
        } else if p.extension().is_some_and(|x| x == "rs") {
            files.push(p);
        }
    }
}

#[test]
fn modules_import_only_what_docs_architecture_allows() {
    let allowed = allowed();
    assert!(allowed.len() >= 10, "table not found: {allowed:?}");
    let src = root().join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut wrong = Vec::new();
    let mut seen = BTreeSet::new();
    for f in files {
        let rel = f
            .strip_prefix(&src)
            .expect("in src")
            .to_string_lossy()
            .replace('\\', "/");
        let name = rel.rsplit('/').next().unwrap_or(&rel);
        if name.contains("tests") || rel == "lib.rs" || rel == "main.rs" || rel.starts_with("cmd/")
        {
            continue;
        }
        let module = rel
            .split('/')
            .next()
            .unwrap_or("")
            .trim_end_matches(".rs")
            .to_string();
        seen.insert(module.clone());
        let Some(may) = allowed.get(&module) else {
            wrong.push(format!(
                "src/{rel}: module `{module}` has no row in docs/architecture.md"
            ));
            continue;
        };
        let text = std::fs::read_to_string(&f).expect("read");
        for m in used(&code_of(&text)) {
            if m != module && !may.contains(&m) {
                wrong.push(format!(
                    "src/{rel}: `{module}` uses crate::{m}, not in its row"
                ));
            }
        }
    }
    for m in allowed.keys() {
        assert!(
            seen.contains(m),
            "docs/architecture.md lists `{m}`, which is not a module"
        );
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_direction_check_sees_imports() {
    // The checker itself: a use line and a path in code count, comments do not.
    let code = code_of(
        "use crate::report::x;\nuse crate::{form::{A, B}, sheet};\nlet a = crate::read::f(); // crate::pack\n",
    );
    assert_eq!(
        used(&code),
        ["form", "read", "report", "sheet"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}
