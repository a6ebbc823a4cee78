//! Human output: one miette report per finding, with a snippet of the sheet around its cell.
//!
//! miette numbers the lines of a snippet 1, 2, 3…; the snippet's lines are sheet rows, so the
//! rendered gutter is rewritten to show Excel row numbers (blank for the column letters).

use super::snippet::{self, Extra, Snippet};
use super::FileReport;
use crate::finding::{Finding, Severity};
use crate::form::Place;
use crate::sheet::{CellRef, Sheet};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
    ThemeCharacters, ThemeStyles,
};
use std::fmt;
use unicode_width::UnicodeWidthStr;

/// How to draw the human report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanOptions {
    /// Terminal width in columns; text wraps and snippets narrow to fit it.
    pub width: usize,
    /// Whether to use ANSI colours (off for pipes, files and snapshots).
    pub color: bool,
}

impl Default for HumanOptions {
    fn default() -> Self {
        HumanOptions {
            width: 100,
            color: false,
        }
    }
}

/// Renders one file's findings (in the order given) as miette reports separated by blank lines.
/// `sheets` are the file's sheets, used for snippets; findings on sheets not given, on YAML
/// paths or without a cell are shown without one.
pub fn render_human(file: &FileReport, sheets: &[Sheet], opts: &HumanOptions) -> String {
    let mut out = String::new();
    for (i, f) in file.findings.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let f = super::escaped_finding(f);
        out.push_str(&render_finding(
            &super::escape_controls(&file.path),
            &f,
            sheets,
            opts,
        ));
    }
    out
}

/// Where a finding is, for people: `file › sheet!I16`, `file › form › path`, `file › sheet`, `file`.
fn location(file: &str, f: &Finding) -> String {
    match f.location() {
        here if here.is_empty() => file.to_string(),
        here => format!("{file} › {here}"),
    }
}

fn render_finding(file: &str, f: &Finding, sheets: &[Sheet], opts: &HumanOptions) -> String {
    let loc = location(file, f);
    let mut head = format!("{}[{}]：{}", f.severity.label(), f.code, f.title);
    if !f.message.is_empty() && f.message != f.title {
        head.push('\n');
        head.push_str(&f.message);
    }
    let snippet = match (&f.at, find_sheet(f, sheets)) {
        (Some(Place::Cell(at)), Some(sheet)) => Some(make_snippet(f, *at, sheet, opts.width)),
        _ => None,
    };
    if snippet.is_none() {
        head.push_str(&format!("\n位置：{loc}"));
    }
    // related places in another workbook (a cross-form finding) cannot be in the snippet
    for r in &f.related {
        if let Place::Elsewhere(e) = &r.at {
            head.push_str(&format!("\n对照：{} {e}", r.label));
        }
    }
    let report = FindingReport {
        head,
        severity: match f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help: f.help.clone().filter(|h| !h.trim().is_empty()),
        labels: snippet.as_ref().map(labels).unwrap_or_default(),
        source: snippet
            .as_ref()
            .map(|s| NamedSource::new(loc.clone(), s.text.clone())),
    };

    let mut theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Plain line numbers, so the gutter can be rewritten below.
    theme.styles.linum = ThemeStyles::none().linum;
    let chars = theme.characters.clone();
    let lines = snippet.as_ref().map_or(1, |s| s.gutter.len());
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_context_lines(lines)
        .without_primary_span_start();
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        // miette could not lay the snippet out: say it plainly rather than lose the finding.
        out = format!("{}\n  位置：{loc}\n", report.head);
    }
    if let Some(s) = &snippet {
        out = regutter(&out, &s.gutter, &chars);
    }
    trim_lines(&out)
}

/// The sheet a finding is on: by name, or the only sheet when the finding names none.
fn find_sheet<'a>(f: &Finding, sheets: &'a [Sheet]) -> Option<&'a Sheet> {
    match &f.sheet {
        Some(name) => sheets.iter().find(|s| &s.name == name),
        None if sheets.len() == 1 => sheets.first(),
        None => None,
    }
}

fn make_snippet(f: &Finding, at: CellRef, sheet: &Sheet, width: usize) -> Snippet {
    let extras: Vec<Extra> = f
        .related
        .iter()
        .filter_map(|r| match &r.at {
            Place::Cell(c) => Some(Extra {
                at: *c,
                label: format!("{c} {}", r.label),
            }),
            Place::Path(_) | Place::Elsewhere(_) => None,
        })
        .collect();
    // Gutter: a space, the widest row number, a space, the bar, a space.
    let gutter = (at.row + 1)
        .max(extras.iter().map(|e| e.at.row + 1).max().unwrap_or(0))
        .to_string()
        .len()
        .max(1);
    let budget = width.saturating_sub(gutter + 4).max(20);
    snippet::build(sheet, at, &format!("{at} 此处"), &extras, budget)
}

fn labels(s: &Snippet) -> Vec<LabeledSpan> {
    let mut out = vec![LabeledSpan::new_primary_with_span(
        Some(s.primary.label.clone()),
        (s.primary.offset, s.primary.len),
    )];
    out.extend(
        s.secondary
            .iter()
            .map(|m| LabeledSpan::new_with_span(Some(m.label.clone()), (m.offset, m.len))),
    );
    out
}

/// Replaces miette's line numbers (1, 2, 3…) inside the snippet box with `gutter`'s labels and
/// widens the box's left margin to match.
fn regutter(rendered: &str, gutter: &[String], chars: &ThemeCharacters) -> String {
    let w = gutter.len().to_string().len();
    let big = gutter.iter().map(|g| g.width()).max().unwrap_or(0).max(1);
    let old_blank = " ".repeat(w + 2);
    let new_blank = " ".repeat(big + 2);
    let top = format!("{old_blank}{}", chars.ltop);
    let mut out = String::new();
    let mut in_box = false;
    let mut next = 1;
    for line in rendered.split('\n') {
        if !in_box {
            if line.starts_with(&top) {
                in_box = true;
                out.push_str(&new_blank);
                out.push_str(&line[old_blank.len()..]);
            } else {
                out.push_str(line);
            }
        } else {
            let numbered = format!(" {next:>w$} {}", chars.vbar);
            if next <= gutter.len() && line.starts_with(&numbered) {
                let label = &gutter[next - 1];
                let pad = big - label.width();
                out.push_str(&format!(" {}{label} ", " ".repeat(pad)));
                out.push_str(&line[numbered.len() - chars.vbar.len_utf8()..]);
                next += 1;
            } else if let Some(rest) = line.strip_prefix(&old_blank) {
                out.push_str(&new_blank);
                out.push_str(rest);
                if rest.starts_with(chars.lbot) {
                    in_box = false;
                    next = 1;
                }
            } else {
                out.push_str(line);
            }
        }
        out.push('\n');
    }
    out.pop();
    out
}

fn trim_lines(s: &str) -> String {
    crate::diag::chinese_help(s)
}

/// A finding as miette sees it.
#[derive(Debug)]
struct FindingReport {
    head: String,
    severity: miette::Severity,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: Option<NamedSource<String>>,
}

impl fmt::Display for FindingReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.head)
    }
}

impl std::error::Error for FindingReport {}

impl Diagnostic for FindingReport {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}
