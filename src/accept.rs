//! Findings a reviewer accepted inside the form itself: a cell comment (批注) with a line
//! `formlint: 接受 S002 理由…` on the cell the finding points at, or an `accept:` entry of a
//! canonical YAML/JSON form. The engine takes the findings they match out of the count — kept,
//! with the acceptance, for the reports — and reports (X007) an acceptance that matched nothing
//! or that gives no reason, so stale notes do not pile up.

use crate::codes;
use crate::finding::Finding;
use crate::form::{Acceptance, Form, Place};
use crate::outcome::{AcceptKind, Accepted, AcceptedBy};
use crate::sheet::{CellRange, CellRef};

/// One `formlint: 接受 CODE[,CODE…] 理由` line of a comment, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AcceptLine {
    /// The codes, upper case; empty when the line names none.
    pub codes: Vec<String>,
    /// The reason, trimmed; empty when the line gives none.
    pub reason: String,
}

/// The accept lines of a comment's text: `formlint: 接受 S002 理由`, `formlint：accept S002, S005
/// reason` (any case of `formlint`, half- or full-width colon, codes separated by `,` `，` `、`).
/// Other lines (the author's name Excel puts first, ordinary remarks) are ignored.
pub(crate) fn parse_note(text: &str) -> Vec<AcceptLine> {
    text.lines().filter_map(parse_line).collect()
}

fn parse_line(line: &str) -> Option<AcceptLine> {
    let rest = strip_prefix_ci(line.trim(), "formlint")?.trim_start();
    let rest = rest
        .strip_prefix(':')
        .or_else(|| rest.strip_prefix('：'))?
        .trim_start();
    let rest = match rest.strip_prefix("接受") {
        Some(r) => r,
        None => {
            let r = strip_prefix_ci(rest, "accept")?;
            if r.starts_with(|c: char| c.is_ascii_alphanumeric()) {
                return None;
            }
            r
        }
    };
    let is_sep = |c: char| matches!(c, ',' | '，' | '、');
    let mut codes = Vec::new();
    let mut rest = rest.trim_start();
    loop {
        let end = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if !is_code(&rest[..end]) {
            break;
        }
        codes.push(rest[..end].to_ascii_uppercase());
        let after = rest[end..].trim_start();
        match after.strip_prefix(is_sep) {
            Some(more) => rest = more.trim_start(),
            None => {
                rest = after;
                break;
            }
        }
    }
    let reason = rest
        .trim_start_matches(|c: char| c.is_whitespace() || is_sep(c) || ":：;；-—".contains(c))
        .trim_end();
    Some(AcceptLine {
        codes,
        reason: reason.to_string(),
    })
}

/// `S002`, `X007`, `B12`: one to four ASCII letters, then one to five digits.
fn is_code(s: &str) -> bool {
    let letters = s.chars().take_while(char::is_ascii_alphabetic).count();
    let digits = s.len() - letters;
    (1..=4).contains(&letters)
        && (1..=5).contains(&digits)
        && s[letters..].chars().all(|c| c.is_ascii_digit())
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// The acceptances a sheet's comments carry: one per code of each accept line, at the comment's
/// cell (the top-left of its merged region, where a finding on the region points).
pub(crate) fn from_comments(
    comments: &[(CellRef, String)],
    merges: &[CellRange],
) -> Vec<Acceptance> {
    let mut out = Vec::new();
    for (cell, text) in comments {
        for line in parse_note(text) {
            let codes = if line.codes.is_empty() {
                vec![String::new()]
            } else {
                line.codes
            };
            for code in codes {
                out.push(Acceptance {
                    code,
                    at: Some(Place::Cell(anchor(*cell, merges))),
                    reason: line.reason.clone(),
                    origin: Some(Place::Cell(*cell)),
                    unreadable_at: None,
                });
            }
        }
    }
    out
}

/// The top-left cell of the merged region holding `c`, or `c` itself.
fn anchor(c: CellRef, merges: &[CellRange]) -> CellRef {
    merges.iter().find(|m| m.contains(c)).map_or(c, |m| m.start)
}

/// Whether an acceptance takes effect: it names a code and gives a reason.
fn complete(a: &Acceptance) -> bool {
    !a.code.is_empty() && !a.reason.trim().is_empty() && a.unreadable_at.is_none()
}

fn matches(a: &Acceptance, f: &Finding, merges: &[CellRange]) -> bool {
    if !f.code.eq_ignore_ascii_case(&a.code) {
        return false;
    }
    match (&a.at, &f.at) {
        (None, _) => true,
        (Some(Place::Cell(c)), Some(Place::Cell(fc))) => anchor(*c, merges) == anchor(*fc, merges),
        (Some(Place::Path(p)), Some(Place::Path(fp))) => p == fp,
        _ => false,
    }
}

/// The acceptance as reports show it; `file` is the form's file.
fn accepted_by(form: &Form, a: &Acceptance, file: &str) -> AcceptedBy {
    let comment = matches!(a.origin, Some(Place::Cell(_)));
    AcceptedBy {
        kind: if comment {
            AcceptKind::Comment
        } else {
            AcceptKind::Form
        },
        file: file.to_string(),
        line: None,
        sheet: comment.then(|| form.sheet.clone()),
        at: a.origin.clone(),
        reason: a.reason.trim().to_string(),
    }
}

/// Takes the findings of `form` that its acceptances match out of `findings` and returns them
/// with the (first) acceptance that matched (`merges`: the sheet's merged regions, empty for a
/// canonical form; `file`: the form's file, as reports name it); then adds an X007 warning for
/// each acceptance that matched nothing or that lacks a code or a reason.
pub(crate) fn apply(
    form: &Form,
    merges: &[CellRange],
    findings: &mut Vec<Finding>,
    file: &str,
) -> Vec<Accepted> {
    if form.accepted.is_empty() {
        return Vec::new();
    }
    let mut used = vec![false; form.accepted.len()];
    let mut accepted = Vec::new();
    let mut kept = Vec::with_capacity(findings.len());
    for f in findings.drain(..) {
        let mut by: Option<&Acceptance> = None;
        for (i, a) in form.accepted.iter().enumerate() {
            if complete(a) && matches(a, &f, merges) {
                used[i] = true;
                by.get_or_insert(a);
            }
        }
        match by {
            Some(a) => accepted.push(Accepted {
                finding: f,
                by: accepted_by(form, a, file),
            }),
            None => kept.push(f),
        }
    }
    *findings = kept;
    for (a, used) in form.accepted.iter().zip(used) {
        if !used {
            findings.push(unused_finding(&form.sheet, a));
        }
    }
    accepted
}

/// The X007 warning for an acceptance that did not take effect.
fn unused_finding(sheet: &str, a: &Acceptance) -> Finding {
    let comment = matches!(a.origin, Some(Place::Cell(_)));
    let what = if comment { "批注" } else { "记录" };
    let (title, message) = if let Some(at) = &a.unreadable_at {
        (
            format!("接受{what}的位置无法识别"),
            format!(
                "接受{what}中 {} 的位置“{at}”无法识别，未予接受；请写成 tables.指标[5].偏差原因 或 fields.项目名称 (unreadable place)",
                a.code
            ),
        )
    } else if a.code.is_empty() {
        (
            format!("接受{what}缺少问题代码"),
            format!("接受{what}没有写问题代码（如 S002），未予接受 (acceptance without a code)"),
        )
    } else if a.reason.trim().is_empty() {
        (
            format!("接受{what}缺少理由"),
            format!(
                "接受{what}中的 {} 没有写理由，未予接受；请在代码后写明理由 (acceptance without a reason)",
                a.code
            ),
        )
    } else {
        let place = match &a.at {
            Some(p) => format!(" {p} "),
            None => String::new(),
        };
        let drop = if comment { "这行批注" } else { "该记录" };
        (
            format!("未使用的接受{what}"),
            format!(
                "{what}接受 {}，但本表{place}没有该问题，可以删除{drop} (unused acceptance)",
                a.code
            ),
        )
    };
    Finding {
        code: codes::UNUSED_SUPPRESSION.code.into(),
        severity: codes::UNUSED_SUPPRESSION.severity,
        title,
        message,
        sheet: Some(sheet.to_string()),
        at: a.origin.clone(),
        related: Vec::new(),
        help: Some(if comment {
            "在问题所在单元格的批注中写一行“formlint: 接受 代码 理由”，例如“formlint: 接受 S002 会议提前召开，扣分合理”".into()
        } else {
            "accept: 中每条写 code、reason，可选 at（问题所在的路径）".into()
        }),
    }
}

#[cfg(test)]
mod tests;
