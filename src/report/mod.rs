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
pub use json::{render_json, JsonWriter};
pub use junit::render_junit;
pub use sarif::render_sarif;
pub use statistics::{render_statistics, render_statistics_of};

use crate::finding::Finding;

// The pipeline's outcome types live below the report stage (src/outcome.rs); they are
// re-exported here because every report format takes them.
pub use crate::outcome::{sort_findings, Counts, FileReport, RuleMeta, Ruleset, Skipped, Totals};

/// The closing line of a human report: how much was checked and what was found, Chinese first,
/// e.g. `检查了 9 个文件、9 张表：2 个错误，1 个警告，5 条提示`.
pub fn render_summary(files: &[FileReport]) -> String {
    render_summary_of(&Totals::of(files))
}

/// [`render_summary`] from totals kept along the way.
pub fn render_summary_of(totals: &Totals) -> String {
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
    match totals.skipped.len() {
        0 => line,
        k => format!("{line}；另跳过 {k} 个（共发现 {} 个）", totals.files + k),
    }
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
