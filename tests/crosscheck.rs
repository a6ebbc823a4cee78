//! Each self-evaluation checked against the declaration it reports against: the seed pairs
//! give exactly the findings of docs/target-catalogue.md §3.5, pairing goes by name and year
//! (never by position), `--no-crosscheck` turns it off, and a K finding shows both workbooks.

use crate::common;
use common::{formlint, root};
use std::path::Path;

/// (form, code, self-evaluation cell, declaration cell) of every finding §3.5 expects.
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    ("P1", "K003", "E15", "E13"),
    ("P2", "K002", "D11", "C11"),
    ("P2", "K005", "G14", "F13"),
    ("P2", "K008", "D19", "D18"),
    ("P3", "K001", "C19", "D20"),
    ("P4", "K004", "E16", "E16"),
    ("P7", "K006", "D4", "D6"),
    ("P8", "K003", "E12", "E12"),
    ("P9", "K007", "B1", ""),
];

/// A folder holding the seed self-evaluations and the seed declarations, the declarations
/// under `names` (their stems kept by default).
fn batch(rename: impl Fn(&str) -> String) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    common::copy_dir(&root().join("tests/fixtures/seed"), tmp.path());
    for e in std::fs::read_dir(root().join("tests/fixtures/declarations")).expect("dir") {
        let p = e.expect("entry").path();
        let name = p.file_name().and_then(|n| n.to_str()).expect("name");
        std::fs::copy(&p, tmp.path().join(rename(name))).expect("copy");
    }
    tmp
}

fn k_findings(dir: &Path, extra: &[&str]) -> Vec<(String, String, String, String)> {
    let mut args = vec!["check", dir.to_str().expect("utf8"), "--format", "json"];
    args.extend(extra);
    let (_, stdout, stderr) = formlint(&args);
    let doc: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"].as_str().is_some_and(|c| c.starts_with('K')))
        .map(|f| {
            let file = f["file"].as_str().expect("file");
            let form = Path::new(file)
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.split('-').next())
                .unwrap_or_default()
                .to_string();
            let related = &f["related"][0];
            // a related cell in the declaration's workbook names that file
            if !related.is_null() {
                let other = related["file"].as_str().expect("related file");
                assert_ne!(other, file, "{f}");
            }
            (
                form,
                f["code"].as_str().unwrap_or_default().to_string(),
                f["cell"].as_str().unwrap_or_default().to_string(),
                related["cell"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn want() -> Vec<(String, String, String, String)> {
    EXPECTED
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect()
}

#[test]
fn seed_pairs_yield_exactly_the_catalogue_findings() {
    let dir = batch(|n| n.to_string());
    assert_eq!(k_findings(dir.path(), &[]), want());
}

#[test]
fn pairing_goes_by_project_name_not_by_file_name_or_order() {
    // declarations renamed so that their order and names say nothing about their project
    let dir = batch(|n| {
        let digit = n.chars().nth(1).expect("P<n>");
        format!("申报-{}.xlsx", (b'9' - digit as u8 + b'0') as char)
    });
    assert_eq!(k_findings(dir.path(), &[]), want());
}

#[test]
fn no_crosscheck_turns_it_off_and_a_batch_of_one_kind_has_none() {
    let dir = batch(|n| n.to_string());
    assert!(k_findings(dir.path(), &["--no-crosscheck"]).is_empty());
    assert!(k_findings(&root().join("tests/fixtures/seed"), &[]).is_empty());
}

#[test]
fn forms_of_different_fiscal_years_do_not_pair() {
    let tmp = tempfile::tempdir().expect("tmp");
    let base = |p: &str| {
        std::fs::read_to_string(root().join(p))
            .expect("base form")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    };
    let selfs = base("rules/crosscheck-2020/tests/forms/自评表.yaml");
    let decl = base("rules/crosscheck-2020/tests/forms/申报表.yaml");
    let write =
        |name: &str, text: String| std::fs::write(tmp.path().join(name), text).expect("write");
    write(
        "自评.yaml",
        format!("formlint: 1\nfiscal_year: 2020\nforms:\n  - name: 自评\n{selfs}"),
    );
    write(
        "申报-2021.yaml",
        format!("formlint: 1\nfiscal_year: 2021\nkind: 申报表\nforms:\n  - name: 申报\n{decl}"),
    );
    let found = k_findings(tmp.path(), &[]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "K007");
    // the same declaration for 2020 pairs, and the pair is clean
    write(
        "申报-2021.yaml",
        format!("formlint: 1\nfiscal_year: 2020\nkind: 申报表\nforms:\n  - name: 申报\n{decl}"),
    );
    assert!(k_findings(tmp.path(), &[]).is_empty());
}

#[test]
fn human_report_of_a_lowered_target() {
    let tmp = tempfile::tempdir().expect("tmp");
    for (dir, name) in [
        ("seed", "P8-综合管理事务.xlsx"),
        ("declarations", "P8-综合管理事务-申报表.xlsx"),
    ] {
        std::fs::copy(
            root().join("tests/fixtures").join(dir).join(name),
            tmp.path().join(name),
        )
        .expect("copy");
    }
    let (_, stdout, _) = formlint(&[
        "check",
        tmp.path().to_str().expect("utf8"),
        "--color",
        "never",
        "--width",
        "100",
    ]);
    let shown = stdout.replace(tmp.path().to_str().expect("utf8"), "<dir>");
    let k003: String = shown
        .split("\n\n")
        .filter(|block| block.contains("[K003]"))
        .collect::<Vec<_>>()
        .join("\n\n");
    assert!(!k003.is_empty(), "{shown}");
    insta::assert_snapshot!(k003);
}

/// The texts of a workbook's comment parts.
fn comments(path: &Path) -> String {
    let file = std::fs::File::open(path).expect("copy");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let mut out = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).expect("part");
        if part.name().is_ok_and(|n| n.starts_with("xl/comments")) {
            std::io::Read::read_to_string(&mut part, &mut out).expect("read");
        }
    }
    out
}

#[test]
fn annotated_copies_mark_both_workbooks() {
    let tmp = tempfile::tempdir().expect("tmp");
    let forms = tmp.path().join("表");
    std::fs::create_dir(&forms).expect("mkdir");
    for (dir, name) in [
        ("seed", "P8-综合管理事务.xlsx"),
        ("declarations", "P8-综合管理事务-申报表.xlsx"),
    ] {
        std::fs::copy(
            root().join("tests/fixtures").join(dir).join(name),
            forms.join(name),
        )
        .expect("copy");
    }
    let out = tmp.path().join("批注");
    let (code, _, stderr) = formlint(&[
        "check",
        forms.to_str().expect("utf8"),
        "--annotate",
        out.to_str().expect("utf8"),
        "--quiet",
    ]);
    assert_eq!(code, 1, "{stderr}");
    let own = comments(&out.join("P8-综合管理事务.xlsx"));
    assert!(own.contains("ref=\"E12\"") && own.contains("K003"), "{own}");
    // the declaration's copy marks the approved target the self-evaluation lowered
    let other = comments(&out.join("P8-综合管理事务-申报表.xlsx"));
    assert!(other.contains("ref=\"E12\""), "{other}");
    assert!(
        other.contains("K003") && other.contains("自评表!E12"),
        "{other}"
    );
}

#[test]
fn every_format_names_the_declarations_cell() {
    let files = [
        "tests/fixtures/seed/P8-综合管理事务.xlsx",
        "tests/fixtures/declarations/P8-综合管理事务-申报表.xlsx",
    ];
    for format in ["human", "json", "sarif", "csv", "junit", "github", "html"] {
        let (_, stdout, _) = formlint(&["check", files[0], files[1], "--format", format]);
        assert!(
            stdout.contains("K003") && stdout.contains("P8-综合管理事务-申报表.xlsx"),
            "{format}: {stdout}"
        );
        assert!(
            stdout.contains("申报表!E12") || stdout.contains("\"cell\": \"E12\""),
            "{format}: the declaration's cell\n{stdout}"
        );
    }
}
