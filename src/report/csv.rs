//! CSV output, one row per finding, for people who track findings in a spreadsheet. UTF-8 with
//! a byte-order mark so Excel shows Chinese correctly; RFC 4180 quoting and CRLF line ends.

use super::FileReport;
use crate::form::Place;

/// The header row.
const HEADER: [&str; 7] = [
    "file", "sheet", "cell", "code", "severity", "title", "message",
];

/// Quotes a field when RFC 4180 needs it (comma, quote, CR, LF), doubling quotes. A field that
/// Excel would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a leading
/// `'`, so a form's text cannot become a formula in the reviewer's spreadsheet.
fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn row(out: &mut String, fields: &[&str]) {
    let cells: Vec<String> = fields
        .iter()
        .map(|f| field(&super::escape_controls(f)))
        .collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

/// Renders the header `file,sheet,cell,code,severity,title,message` and one row per finding
/// (files in the order given). `cell` holds the A1 cell, or the path for canonical YAML input.
pub fn render_csv(files: &[FileReport]) -> String {
    let mut out = head();
    for file in files {
        out.push_str(&rows(file));
    }
    out
}

/// The start of the document: the byte-order mark and the header row.
pub(crate) fn head() -> String {
    let mut out = String::from("\u{FEFF}");
    row(&mut out, &HEADER);
    out
}

/// One file's rows, one per finding.
pub(crate) fn rows(file: &FileReport) -> String {
    let mut out = String::new();
    for f in &file.findings {
        let cell = match &f.at {
            Some(Place::Cell(c)) => c.to_string(),
            Some(Place::Path(p)) => p.to_string(),
            Some(other @ Place::Elsewhere(_)) => other.to_string(),
            None => String::new(),
        };
        row(
            &mut out,
            &[
                &file.path,
                f.sheet.as_deref().unwrap_or(""),
                &cell,
                &f.code,
                f.severity.as_str(),
                &f.title,
                &f.message,
            ],
        );
    }
    out
}
