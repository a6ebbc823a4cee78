//! CSV output, one row per finding, for people who track findings in a spreadsheet. UTF-8 with
//! a byte-order mark so Excel shows Chinese correctly; RFC 4180 quoting and CRLF line ends.
//! Findings a reviewer accepted follow each file's findings, with the reason in `accepted` and
//! the entry that accepted them in `accepted_by` (both empty on the other rows).

use super::FileReport;
use crate::form::Place;

/// The header row.
const HEADER: [&str; 9] = [
    "file",
    "sheet",
    "cell",
    "code",
    "severity",
    "title",
    "message",
    "accepted",
    "accepted_by",
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

/// Renders the header `file,sheet,cell,code,severity,title,message,accepted,accepted_by` and
/// one row per finding, then per accepted finding (files in the order given). `cell` holds the
/// A1 cell, or the path for canonical YAML input.
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

/// One file's rows: one per finding, then one per accepted finding.
pub(crate) fn rows(file: &FileReport) -> String {
    let mut out = String::new();
    let plain = file.findings.iter().map(|f| (f, None));
    let accepted = file.accepted.iter().map(|a| (&a.finding, Some(&a.by)));
    for (f, by) in plain.chain(accepted) {
        let cell = match &f.at {
            Some(Place::Cell(c)) => c.to_string(),
            Some(Place::Path(p)) => p.to_string(),
            Some(other @ Place::Elsewhere(_)) => other.to_string(),
            None => String::new(),
        };
        let (reason, place) = by.map_or((String::new(), String::new()), |b| {
            (b.reason.clone(), b.place())
        });
        row(
            &mut out,
            &[
                &file.path,
                f.sheet.as_deref().unwrap_or(""),
                &cell,
                &f.code,
                f.severity.as_str(),
                &f.title,
                &super::message_with_elsewhere(f),
                &reason,
                &place,
            ],
        );
    }
    out
}
