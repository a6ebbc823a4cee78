//! Rule-pack problems as plain data for the page: one entry per mistake, with the file, the
//! 1-based line and column of its span, and the text `formlint rules check` prints for it (the
//! same miette handler, no colour, width 100).

use miette::{Diagnostic, SourceCode, SourceSpan};
use serde::Serialize;

/// One diagnostic at its place.
#[derive(Debug, Clone, Serialize)]
pub struct Diag {
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// The diagnostic code (`formlint::rules::unknown-name`), when there is one.
    pub code: Option<String>,
    /// What is wrong.
    pub message: String,
    /// The file the span points into, as the pack names it (`shenzhen-2020/weights.rules`).
    pub file: Option<String>,
    /// 1-based line of the span's start.
    pub line: Option<usize>,
    /// 1-based column (in characters) of the span's start.
    pub column: Option<usize>,
    /// 1-based column in bytes of UTF-8, as `formlint rules check` prints it (`file:line:col`).
    pub cli_column: Option<usize>,
    /// 1-based line of the span's end.
    pub end_line: Option<usize>,
    /// 1-based column of the span's end (exclusive).
    pub end_column: Option<usize>,
    /// The label under the span.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
    /// The whole diagnostic as the command line prints it.
    pub rendered: String,
}

/// Renders a diagnostic the way the command line shows rule-pack problems (`src/cmd/packs.rs`).
pub fn render(d: &dyn Diagnostic) -> String {
    formlint::diag::render(d)
}

/// Every mistake in `d`: its related diagnostics when it gathers several (a pack's rule
/// errors), else itself.
pub fn flatten(d: &dyn Diagnostic, out: &mut Vec<Diag>) {
    if let Some(related) = d.related() {
        let related: Vec<&dyn Diagnostic> = related.collect();
        if !related.is_empty() {
            for r in related {
                flatten(r, out);
            }
            return;
        }
    }
    out.push(one(d));
}

fn one(d: &dyn Diagnostic) -> Diag {
    let severity = match d.severity() {
        Some(miette::Severity::Warning) => "warning",
        Some(miette::Severity::Advice) => "info",
        _ => "error",
    };
    let label = d.labels().and_then(|mut l| l.next());
    let mut diag = Diag {
        severity,
        code: d.code().map(|c| c.to_string()),
        message: d.to_string(),
        file: None,
        line: None,
        column: None,
        cli_column: None,
        end_line: None,
        end_column: None,
        label: label.as_ref().and_then(|l| l.label().map(str::to_string)),
        help: d.help().map(|h| h.to_string()),
        rendered: render(d),
    };
    if let (Some(label), Some(src)) = (&label, d.source_code()) {
        let start = label.offset();
        let end = start + label.len();
        if let Some((name, line, column, bytes)) = locate(src, start) {
            diag.file = name;
            diag.line = Some(line);
            diag.column = Some(column);
            diag.cli_column = Some(bytes);
        }
        if let Some((_, line, column, _)) = locate(src, end) {
            diag.end_line = Some(line);
            diag.end_column = Some(column);
        }
    }
    diag
}

/// The source's name, the 1-based line, and the 1-based column in characters and in bytes of
/// byte `offset`.
fn locate(src: &dyn SourceCode, offset: usize) -> Option<(Option<String>, usize, usize, usize)> {
    // All lines before the offset as context: the contents then start at the file's start.
    let contents = src
        .read_span(&SourceSpan::new(offset.into(), 0), usize::MAX, 0)
        .ok()?;
    let base = contents.span().offset();
    let data = contents.data();
    let upto = offset.checked_sub(base)?.min(data.len());
    let before = String::from_utf8_lossy(&data[..upto]);
    let line = contents.line() + before.matches('\n').count() + 1;
    let (column, bytes) = match before.rfind('\n') {
        Some(i) => (before[i + 1..].chars().count(), before.len() - i - 1),
        None => (
            contents.column() + before.chars().count(),
            contents.column() + before.len(),
        ),
    };
    Some((
        contents.name().map(str::to_string),
        line,
        column + 1,
        bytes + 1,
    ))
}
