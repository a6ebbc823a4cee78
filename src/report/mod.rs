//! The report stage: findings → what people read (miette reports with a snippet of the sheet)
//! and what programs read (one JSON document per run, see `docs/json-report.md`; SARIF, JUnit
//! XML, GitHub workflow commands and CSV for CI, see `docs/formats.md`). A run writes any of
//! them through one [`Emitter`] (begin, each file, finish).
//!
//! Nothing here decides what is wrong; it only orders, counts and renders [`Finding`]s.

mod csv;
mod emit;
mod github;
mod html;
mod human;
mod json;
mod junit;
mod sarif;
mod snippet;
mod statistics;

pub use self::csv::render_csv;
pub use emit::{Emitter, Format, FromSheets, RunInfo, SheetUse};
pub use github::render_github;
pub use html::{render_html, render_html_with_skipped};
pub use human::{render_human, HumanOptions};
pub use json::{render_json, JsonWriter, Spill};
pub use junit::render_junit;
pub use sarif::render_sarif;
pub use statistics::{render_statistics, render_statistics_of};

use crate::finding::Finding;

// The pipeline's outcome types live below the report stage (src/outcome.rs); they are
// re-exported here because every report format takes them.
pub use crate::outcome::{sort_findings, Counts, FileReport, RuleMeta, Ruleset, Skipped, Totals};

/// A finding's message with the places it was compared with in other workbooks (a
/// cross-check's related cells, `对照：批复的指标值 P8-申报表.xlsx › 申报表!E12`), for the
/// formats that show no related places of their own (CSV, JUnit, GitHub).
pub(crate) fn message_with_elsewhere(f: &crate::finding::Finding) -> std::borrow::Cow<'_, str> {
    let away: Vec<String> = f
        .related
        .iter()
        .filter_map(|r| match &r.at {
            crate::form::Place::Elsewhere(e) => Some(format!("{} {e}", r.label)),
            _ => None,
        })
        .collect();
    if away.is_empty() {
        std::borrow::Cow::Borrowed(&f.message)
    } else {
        std::borrow::Cow::Owned(format!("{}（对照：{}）", f.message, away.join("；")))
    }
}

/// The closing line of a human report: how much was checked and what was found, Chinese first,
/// e.g. `检查了 9 个文件、9 张表：2 个错误，1 个警告，5 条提示`.
pub fn render_summary(files: &[FileReport]) -> String {
    render_summary_of(&Totals::of(files))
}

/// [`render_summary`] from totals kept along the way. Accepted findings are counted apart:
/// `；已接受 N 条（--show-accepted 查看）`.
pub fn render_summary_of(totals: &Totals) -> String {
    summary_line(totals, true)
}

/// The summary line; `hint`: point at `--show-accepted` (not when the list is shown).
fn summary_line(totals: &Totals, hint: bool) -> String {
    let c = totals.counts;
    let mut checked = format!("检查了 {} 个文件、{} 张表", totals.files, totals.forms);
    // a batch of more than one kind of form says which pack checked how many of each
    let kinds: std::collections::BTreeSet<_> = totals.by_kind.keys().map(|k| k.0).collect();
    if kinds.len() > 1 {
        let parts: Vec<String> = totals
            .by_kind
            .iter()
            .map(|((kind, name, version), n)| format!("{kind} {n} 张按 {name} {version}"))
            .collect();
        checked.push_str(&format!("（{}）", parts.join("，")));
    }
    let line = if c == Counts::default() {
        format!("{checked}：未发现问题")
    } else {
        format!(
            "{checked}：{} 个错误，{} 个警告，{} 条提示",
            c.errors, c.warnings, c.info
        )
    };
    let line = match totals.skipped.len() {
        0 => line,
        k => format!("{line}；另跳过 {k} 个（共发现 {} 个）", totals.files + k),
    };
    match totals.accepted {
        0 => line,
        n if hint => format!("{line}；已接受 {n} 条（--show-accepted 查看）"),
        n => format!("{line}；已接受 {n} 条"),
    }
}

/// The human report's list of accepted findings (`--show-accepted`), before its summary line:
/// each finding with where it is, then the reason and the entry that accepted it.
pub fn render_accepted(accepted: &[(String, crate::outcome::Accepted)]) -> String {
    let mut out = format!("已接受 {} 条（不计入问题数）：\n", accepted.len());
    for (file, a) in accepted {
        let f = escaped_finding(&a.finding);
        let here = match f.location() {
            l if l.is_empty() => escape_controls(file).to_string(),
            l => format!("{} › {l}", escape_controls(file)),
        };
        out.push_str(&format!(
            "  {here}  {}[{}]：{}\n    理由：{}（{}）\n",
            f.severity.label(),
            f.code,
            f.message,
            escape_controls(&a.by.reason),
            escape_controls(&a.by.place()),
        ));
    }
    out
}

#[cfg(test)]
mod emit_tests;
#[cfg(test)]
mod formats_tests;
#[cfg(test)]
mod tests;

/// Text from a form shown on a terminal or in a log: control characters other than tab and
/// newline (ESC, BEL, NUL, CR …) and the Unicode bidirectional overrides appear as `\u{1b}`,
/// so a cell cannot move the cursor, recolour or hide what the report says.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\t' && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A finding with every text field passed through [`escape_controls`].
pub fn escaped_finding(f: &Finding) -> Finding {
    let e = |s: &str| escape_controls(s).into_owned();
    Finding {
        title: e(&f.title),
        message: e(&f.message),
        sheet: f.sheet.as_deref().map(e),
        help: f.help.as_deref().map(e),
        related: f
            .related
            .iter()
            .map(|r| crate::finding::Related {
                at: r.at.clone(),
                label: e(&r.label),
            })
            .collect(),
        ..f.clone()
    }
}
