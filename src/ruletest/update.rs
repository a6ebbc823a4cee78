//! `rules test --update`, the insta way: for a test whose findings differ from its `expect`,
//! the `expect` that would pass, and the test file with only that value rewritten in place
//! (comments, order and every other test byte for byte as they were).

use super::form;
use super::spec::{Expect, Expected, TestFileSpec};
use crate::diag::{from_yaml_str, DiagKind};
use crate::finding::Finding;
use crate::form::Place;

/// One entry of a rewritten `expect`.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// The test's own expected entry at this index, which a finding still matches: kept as
    /// written.
    Kept(usize),
    /// An entry written anew: a finding nothing expected, or an old entry whose message
    /// fragment no longer matches (its place kept as written, the message now the finding's).
    New(Expected),
}

/// What a failing test's `expect` would have to say to pass.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// Byte offset in the test file where the test's `expect` value starts.
    pub at: usize,
    /// The test's `expect` entries as they were.
    pub old: Vec<Expected>,
    /// The entries: the old ones in their order, new ones among them in report order; empty
    /// means `expect: none`.
    pub items: Vec<Item>,
}

/// The `expect` that the findings `got` satisfy, keeping every old entry that still matches.
/// `fixture`: the form came from a file, so places are cells.
pub(super) fn propose(
    expected: &[Expected],
    got: &[&Finding],
    inline: Option<&super::spec::InlineForm>,
) -> Vec<Item> {
    let place_of = |e: &Expected| -> Option<String> {
        match (&e.cell, &e.path) {
            (Some(c), _) => Some(c.trim().to_uppercase()),
            (None, Some(p)) => form::resolve(p, inline).ok(),
            (None, None) => None,
        }
    };
    let at_place = |e: &Expected, f: &Finding| {
        f.code == e.code
            && place_of(e)
                .is_none_or(|p| f.at.as_ref().is_some_and(|at| form::short_place(at) == p))
    };
    let with_message = |e: &Expected, f: &Finding| {
        e.message
            .as_ref()
            .is_none_or(|m| f.message.contains(m.as_str()))
    };
    let mut by_finding: Vec<Option<(usize, Item)>> = vec![None; got.len()];
    let mut used = vec![false; expected.len()];
    // first the entries that match outright, then those only their message fragment fails
    for exact in [true, false] {
        for (i, e) in expected.iter().enumerate() {
            if used[i] {
                continue;
            }
            let hit = got.iter().enumerate().position(|(k, f)| {
                by_finding[k].is_none() && at_place(e, f) && (!exact || with_message(e, f))
            });
            if let Some(k) = hit {
                used[i] = true;
                let item = if exact {
                    Item::Kept(i)
                } else {
                    Item::New(Expected {
                        message: Some(got[k].message.clone()),
                        ..e.clone()
                    })
                };
                by_finding[k] = Some((i, item));
            }
        }
    }
    // old entries stay where they were written; a new one goes before the first old entry
    // whose finding comes after it in report order
    let mut anchored: Vec<(usize, usize, Item)> = Vec::new();
    let mut fresh: Vec<(usize, Item)> = Vec::new();
    for (k, slot) in by_finding.into_iter().enumerate() {
        match slot {
            Some((i, item)) => anchored.push((i, k, item)),
            None => fresh.push((k, Item::New(expected_of(got[k])))),
        }
    }
    anchored.sort_by_key(|(i, _, _)| *i);
    let mut out = Vec::new();
    let mut fresh = fresh.into_iter().peekable();
    for (_, k, item) in anchored {
        while let Some((_, new)) = fresh.next_if(|(f, _)| *f < k) {
            out.push(new);
        }
        out.push(item);
    }
    out.extend(fresh.map(|(_, new)| new));
    out
}

/// A finding as an expected entry: its code and place (a cell, or a path of an inline form).
fn expected_of(f: &Finding) -> Expected {
    let (cell, path) = match f.at.as_ref().map(Place::local) {
        Some(p @ Place::Cell(_)) => (Some(form::short_place(p)), None),
        Some(p @ Place::Path(_)) => (None, Some(form::short_place(p))),
        Some(Place::Elsewhere(_)) | None => (None, None),
    };
    Expected {
        code: f.code.clone(),
        cell,
        path,
        message: None,
    }
}

/// A YAML scalar in a flow mapping: as written when YAML reads it back as the same text
/// (`F9`, `项目名称`, `合计 55，应等于 50`), else double-quoted (JSON's escapes are YAML's).
fn quoted(s: &str) -> String {
    let reserved = [
        "null", "true", "false", "~", "none", "yes", "no", "on", "off",
    ];
    let plain = !s.is_empty()
        && s.trim() == s
        && !s.starts_with(['-', '?', '&', '*', '!', '|', '>', '%', '@', '`', '.'])
        && !s
            .chars()
            .any(|c| c.is_control() || ":,[]{}#\"'\\".contains(c))
        && s.parse::<f64>().is_err()
        && !reserved.iter().any(|r| r.eq_ignore_ascii_case(s));
    if plain {
        s.to_string()
    } else {
        serde_json::Value::String(s.to_string()).to_string()
    }
}

/// One expected entry as a flow mapping: `{ code: B004, path: "资金[3].全年执行数" }`.
pub(super) fn render_entry(e: &Expected) -> String {
    let mut parts = vec![format!("code: {}", e.code)];
    if let Some(c) = &e.cell {
        parts.push(format!("cell: {}", quoted(c)));
    }
    if let Some(p) = &e.path {
        parts.push(format!("path: {}", quoted(p)));
    }
    if let Some(m) = &e.message {
        parts.push(format!("message: {}", quoted(m)));
    }
    format!("{{ {} }}", parts.join(", "))
}

/// Where an `expect` value sits in the file: the byte just after the key's colon, the value's
/// end, the key's indentation, and the block sequence's lines when it is one.
struct ValueAt {
    after_colon: usize,
    end: usize,
    key_indent: usize,
    /// Each entry's line (without indentation) and the entries' indentation, when the value is
    /// a block sequence of one-line entries.
    lines: Option<(usize, Vec<String>)>,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Where the text after a flow collection or quoted scalar starting at `at` begins.
fn flow_end(text: &str, at: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut chars = text[at..].char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some('"'), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => {
                quote = None;
                if depth == 0 {
                    return Some(at + i + 1);
                }
            }
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at + i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

fn locate(text: &str, value: usize) -> Result<ValueAt, String> {
    let before = &text[..value];
    let keys: Vec<usize> = before
        .rmatch_indices("expect")
        .map(|(i, _)| i)
        .filter(|&i| {
            text[i + "expect".len()..value]
                .trim_start_matches(' ')
                .starts_with(':')
        })
        .collect();
    let lead_of = |i: usize| &text[line_start(text, i)..i];
    // the key starts its line (or follows the `- ` of its test); one inside `{…}` does not
    let key = match keys
        .iter()
        .find(|&&i| matches!(lead_of(i).trim(), "" | "-"))
    {
        Some(&k) => k,
        None if !keys.is_empty() => {
            return Err("expect 写在流式映射 {…} 中，无法自动更新 (flow mapping)".into())
        }
        None => return Err("找不到 expect 键 (no `expect:` key)".into()),
    };
    let lead = lead_of(key);
    let key_indent = if lead.trim() == "-" {
        lead.chars().count()
    } else {
        indent_of(lead)
    };
    let after_colon = text[key..].find(':').map(|i| key + i + 1).unwrap_or(value);
    let same_line = !text[after_colon..value].contains('\n');
    if same_line {
        let end = match text[value..].chars().next() {
            Some('[' | '{' | '"' | '\'') => {
                flow_end(text, value).ok_or("expect 的值没有结束 (unclosed value)")?
            }
            _ => {
                let eol = text[value..].find('\n').map_or(text.len(), |i| value + i);
                let v = &text[value..eol];
                let v = v.find(" #").map_or(v, |i| &v[..i]);
                value + v.trim_end().len()
            }
        };
        return Ok(ValueAt {
            after_colon,
            end,
            key_indent,
            lines: None,
        });
    }
    // a block sequence: lines indented past the key, or `- ` at its indentation
    let mut end = after_colon;
    let mut pos = line_start(text, value);
    let mut entries: Vec<(usize, String)> = Vec::new();
    let mut one_line = true;
    while pos < text.len() {
        let eol = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[pos..eol];
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            pos = eol + 1;
            continue;
        }
        let ind = indent_of(line);
        let item = t == "-" || t.starts_with("- ");
        if ind < key_indent || (ind == key_indent && !item) {
            break;
        }
        match entries.first() {
            Some((first, _)) if item && ind == *first => entries.push((ind, t.to_string())),
            None if item => entries.push((ind, t.to_string())),
            _ => one_line = false,
        }
        // a CRLF file keeps its `\r` before the line break
        end = if line.ends_with('\r') { eol - 1 } else { eol };
        pos = eol + 1;
    }
    let lines = one_line.then(|| {
        let ind = entries.first().map_or(key_indent + 2, |(i, _)| *i);
        (ind, entries.into_iter().map(|(_, l)| l).collect())
    });
    Ok(ValueAt {
        after_colon,
        end,
        key_indent,
        lines,
    })
}

/// One rewritten test: its label and the old and new text of its `expect`.
#[derive(Debug, Clone, PartialEq)]
pub struct Rewritten {
    /// The test (`W001/产出指标分值合计超过 50`).
    pub label: String,
    /// The `expect` lines as they were.
    pub old: String,
    /// The `expect` lines as they are now.
    pub new: String,
}

/// Rewrites the `expect` of each `(label, proposal)` in `text`, a test file as read; gives the
/// new text and each change. The result is read back as a test file before it is returned.
pub fn rewrite(
    name: &str,
    text: &str,
    changes: &[(String, &Proposal)],
) -> Result<(String, Vec<Rewritten>), String> {
    let mut order: Vec<(usize, &String, &Proposal)> = changes
        .iter()
        .enumerate()
        .map(|(i, (l, p))| (i, l, *p))
        .collect();
    order.sort_by_key(|(_, _, p)| std::cmp::Reverse(p.at));
    let mut out = text.to_string();
    let mut done: Vec<(usize, Rewritten)> = Vec::new();
    for (i, label, p) in order {
        let at = locate(&out, p.at).map_err(|e| format!("{label}：{e}"))?;
        let old_entries = &p.old;
        let written = |k: usize| -> String {
            match &at.lines {
                Some((_, lines)) if lines.len() == old_entries.len() => lines[k].clone(),
                _ => format!("- {}", render_entry(&old_entries[k])),
            }
        };
        // the file's own line breaks (Notepad writes CRLF)
        let nl = if out.contains("\r\n") { "\r\n" } else { "\n" };
        let replacement = if p.items.is_empty() {
            " none".to_string()
        } else {
            let ind = at.lines.as_ref().map_or(at.key_indent + 2, |(i, _)| *i);
            let key_line_end = out[at.after_colon..]
                .find('\n')
                .map_or(out.len(), |k| at.after_colon + k);
            // a comment after `expect:` stays on its line
            let keep = if key_line_end < at.end {
                out[at.after_colon..key_line_end].trim_end().to_string()
            } else {
                String::new()
            };
            let mut s = keep;
            for item in &p.items {
                let line = match item {
                    Item::Kept(k) => written(*k),
                    Item::New(e) => format!("- {}", render_entry(e)),
                };
                s.push_str(nl);
                s.push_str(&" ".repeat(ind));
                s.push_str(&line);
            }
            s
        };
        let from = line_start(&out, at.after_colon);
        let old_text = out[from..at.end].to_string();
        out.replace_range(at.after_colon..at.end, &replacement);
        let new_end = at.after_colon + replacement.len();
        let new_text = out[from..new_end].to_string();
        done.push((
            i,
            Rewritten {
                label: label.clone(),
                old: old_text,
                new: new_text,
            },
        ));
    }
    from_yaml_str::<TestFileSpec>(DiagKind::RuleTest, name, &out, "规则测试文件")
        .map_err(|e| format!("改写后的文件无法读取，未写入：{}", e.message_with_place()))?;
    done.sort_by_key(|(i, _)| *i);
    Ok((out, done.into_iter().map(|(_, r)| r).collect()))
}

/// The old `expect` entries of a test as parsed (for keeping them as written).
pub(super) fn entries(e: &Expect) -> Vec<Expected> {
    match e {
        Expect::Nothing => Vec::new(),
        Expect::Findings(v) => v.clone(),
    }
}

/// A line diff of two texts, `-`/`+`/` ` before each line (a longest common subsequence).
pub fn diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = String::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        } else {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests;
