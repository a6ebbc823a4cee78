//! JSON output: one document per run, described in `docs/json-report.md` and
//! `docs/report.schema.json`. Serde structs (not maps) keep the key order stable.

use super::{Counts, FileReport, Ruleset, Skipped};
use crate::finding::{Finding, Severity};
use crate::form::Place;
use crate::outcome::{AcceptKind, Accepted};
use serde::Serialize;

/// The document's opening members, written before any finding.
#[derive(Serialize)]
struct Head<'a> {
    tool: &'static str,
    version: &'static str,
    ruleset: &'a Ruleset,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    forms: usize,
    #[serde(flatten)]
    counts: Counts,
    #[serde(skip_serializing_if = "is_zero")]
    accepted: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// An accepted finding: the finding's members, then the acceptance.
#[derive(Serialize)]
struct JsonAccepted<'a> {
    #[serde(flatten)]
    finding: JsonFinding<'a>,
    accepted: JsonAcceptance<'a>,
}

/// Which entry accepted a finding, where it is written, and why.
#[derive(Serialize)]
struct JsonAcceptance<'a> {
    by: AcceptKind,
    file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sheet: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    reason: &'a str,
}

fn accepted<'a>(file: &'a str, a: &'a Accepted) -> JsonAccepted<'a> {
    let (cell, path) = place(a.by.at.as_ref());
    JsonAccepted {
        finding: finding(file, &a.finding),
        accepted: JsonAcceptance {
            by: a.by.kind,
            file: &a.by.file,
            line: a.by.line,
            sheet: a.by.sheet.as_deref(),
            cell,
            path,
            reason: &a.by.reason,
        },
    }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    file: &'a str,
    sheet: Option<&'a str>,
    cell: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    code: &'a str,
    severity: Severity,
    title: &'a str,
    message: &'a str,
    related: Vec<JsonRelated<'a>>,
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    cell: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    /// Only for a related place in another file (a cross-form finding): that file and sheet.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sheet: Option<&'a str>,
    label: &'a str,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: &'a str,
    forms: usize,
    forms_checked: &'a [crate::outcome::FormSummary],
    #[serde(flatten)]
    counts: Counts,
    #[serde(skip_serializing_if = "is_zero")]
    accepted: usize,
}

/// Splits a place into its JSON `cell` (A1) and `path` members (of the place it points at,
/// for a place in another file).
fn place(at: Option<&Place>) -> (Option<String>, Option<String>) {
    match at.map(Place::local) {
        Some(Place::Cell(c)) => (Some(c.to_string()), None),
        Some(Place::Path(p)) => (None, Some(p.to_string())),
        Some(Place::Elsewhere(_)) | None => (None, None),
    }
}

fn finding<'a>(file: &'a str, f: &'a Finding) -> JsonFinding<'a> {
    let (cell, path) = place(f.at.as_ref());
    JsonFinding {
        file,
        sheet: f.sheet.as_deref(),
        cell,
        path,
        code: &f.code,
        severity: f.severity,
        title: &f.title,
        message: &f.message,
        related: f
            .related
            .iter()
            .map(|r| {
                let (cell, path) = place(Some(&r.at));
                let (file, sheet) = match &r.at {
                    Place::Elsewhere(e) => (Some(e.file.as_str()), Some(e.sheet.as_str())),
                    _ => (None, None),
                };
                JsonRelated {
                    cell,
                    path,
                    file,
                    sheet,
                    label: &r.label,
                }
            })
            .collect(),
        help: f.help.as_deref(),
    }
}

/// Renders the run as one pretty-printed JSON document: tool, version, rule pack, every finding
/// (files in the order given, each file's findings in its order), then the summary and per-file
/// counts. The same text as [`JsonWriter`] streams.
pub fn render_json(ruleset: &Ruleset, files: &[FileReport]) -> String {
    let mut w = JsonWriter::new(ruleset);
    let mut out = w.head();
    for f in files {
        out.push_str(&w.file(f));
    }
    w.finish(&mut |piece| out.push_str(piece));
    out
}

/// Writes the JSON document piece by piece as files complete, so a batch never holds every
/// finding: [`JsonWriter::head`] first, [`JsonWriter::file`] for each file in order, then
/// [`JsonWriter::finish`]. Only the closing `files` member is kept, already rendered into one
/// buffer (one allocation that grows by doubling, rather than a small string per file that
/// would pin the allocator's heap as the batch goes on). The pieces concatenated are exactly
/// what `serde_json::to_string_pretty` would print.
pub struct JsonWriter<'r> {
    ruleset: &'r Ruleset,
    findings: usize,
    total: Counts,
    files: usize,
    forms: usize,
    files_json: Box<dyn Spill + 'r>,
    skipped: usize,
    skipped_json: String,
    accepted: usize,
    accepted_json: String,
}

impl<'r> JsonWriter<'r> {
    /// A writer for a run under `ruleset`.
    pub fn new(ruleset: &'r Ruleset) -> Self {
        JsonWriter {
            ruleset,
            findings: 0,
            total: Counts::default(),
            files: 0,
            forms: 0,
            files_json: Box::new(String::new()),
            skipped: 0,
            skipped_json: String::new(),
            accepted: 0,
            accepted_json: String::new(),
        }
    }

    /// Keeps the closing `files` member in `store` rather than in memory (the command line
    /// gives a temporary file, so a batch's memory does not grow with its files).
    pub fn keep_files_in(&mut self, store: Box<dyn Spill + 'r>) {
        self.files_json = store;
    }

    /// The opening of the document, up to the start of the `findings` array.
    pub fn head(&self) -> String {
        let head = pretty(&Head {
            tool: "formlint",
            version: env!("CARGO_PKG_VERSION"),
            ruleset: self.ruleset,
        });
        // drop the closing brace: the document goes on
        let open = head.strip_suffix("\n}").unwrap_or(&head);
        format!("{open},\n  \"findings\": [")
    }

    /// One file's findings, as members of the `findings` array.
    pub fn file(&mut self, file: &FileReport) -> String {
        let counts = Counts::of(&file.findings);
        self.total.add(counts);
        let entry = JsonFile {
            file: &file.path,
            forms: file.forms,
            forms_checked: &file.checked,
            counts,
            accepted: file.accepted.len(),
        };
        for a in &file.accepted {
            self.accepted_json
                .push_str(if self.accepted == 0 { "\n" } else { ",\n" });
            indent_into(
                &mut self.accepted_json,
                &pretty(&accepted(&file.path, a)),
                "    ",
            );
            self.accepted += 1;
        }
        let mut entry_json = String::from(if self.files == 0 { "\n" } else { ",\n" });
        indent_into(&mut entry_json, &pretty(&entry), "    ");
        self.files_json.push(&entry_json);
        self.files += 1;
        self.forms += file.forms;
        let mut out = String::new();
        for f in &file.findings {
            out.push_str(if self.findings == 0 { "\n" } else { ",\n" });
            self.findings += 1;
            indent_into(&mut out, &pretty(&finding(&file.path, f)), "    ");
        }
        out
    }

    /// A file found but not checked: listed in the closing `skipped` member, which is written
    /// only when the run skipped a file.
    pub fn skip(&mut self, skipped: &Skipped) {
        self.skipped_json
            .push_str(if self.skipped == 0 { "\n" } else { ",\n" });
        indent_into(&mut self.skipped_json, &pretty(skipped), "    ");
        self.skipped += 1;
    }

    /// The end of the document: closes `findings`, then `summary`, `files`, (when a finding
    /// was accepted) `accepted` and (when a file was skipped) `skipped`, handed to `write`.
    pub fn finish(&mut self, write: &mut dyn FnMut(&str)) {
        let mut out = String::from(if self.findings == 0 { "]" } else { "\n  ]" });
        let summary = Summary {
            files: self.files,
            forms: self.forms,
            counts: self.total,
            accepted: self.accepted,
        };
        out.push_str(",\n  \"summary\": ");
        indent_rest(&mut out, &pretty(&summary), "  ");
        out.push_str(",\n  \"files\": [");
        write(&out);
        self.files_json.drain(write);
        write(if self.files == 0 { "]" } else { "\n  ]" });
        if self.accepted > 0 {
            write(",\n  \"accepted\": [");
            write(&std::mem::take(&mut self.accepted_json));
            write("\n  ]");
        }
        if self.skipped > 0 {
            write(",\n  \"skipped\": [");
            write(&std::mem::take(&mut self.skipped_json));
            write("\n  ]");
        }
        write("\n}");
    }
}

/// Where a writer keeps rendered text it may only write at the end of the report: pieces
/// pushed in order, handed back in that order by [`Spill::drain`].
pub trait Spill {
    /// Keeps `piece` after the pieces before it.
    fn push(&mut self, piece: &str);
    /// Writes everything kept, in order, to `out`, and forgets it.
    fn drain(&mut self, out: &mut dyn FnMut(&str));
}

/// In memory: one buffer that grows by doubling.
impl Spill for String {
    fn push(&mut self, piece: &str) {
        self.push_str(piece);
    }

    fn drain(&mut self, out: &mut dyn FnMut(&str)) {
        out(&std::mem::take(self));
    }
}

/// Serde's pretty printing (two-space indent); plain structs of strings and numbers cannot fail.
fn pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_string())
}

/// Appends `text` with every line indented (JSON strings hold no raw newlines).
fn indent_into(out: &mut String, text: &str, pad: &str) {
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(pad);
        out.push_str(line);
    }
}

/// Appends `text` with every line but the first indented (a member's value after its key).
fn indent_rest(out: &mut String, text: &str, pad: &str) {
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(pad);
        }
        out.push_str(line);
    }
}
