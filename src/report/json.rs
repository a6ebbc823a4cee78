//! JSON output: one document per run, described in `docs/json-report.md` and
//! `docs/report.schema.json`. Serde structs (not maps) keep the key order stable.

use super::{Counts, FileReport, Ruleset};
use crate::finding::{Finding, Severity};
use crate::form::Place;
use serde::Serialize;

/// The whole document.
#[derive(Serialize)]
struct Document<'a> {
    tool: &'static str,
    version: &'static str,
    ruleset: &'a Ruleset,
    summary: Summary,
    findings: Vec<JsonFinding<'a>>,
    files: Vec<JsonFile<'a>>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    forms: usize,
    #[serde(flatten)]
    counts: Counts,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    file: &'a str,
    sheet: Option<&'a str>,
    cell: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
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
    path: Option<&'a str>,
    label: &'a str,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: &'a str,
    forms: usize,
    #[serde(flatten)]
    counts: Counts,
}

/// Splits a place into its JSON `cell` (A1) and `path` members.
fn place(at: Option<&Place>) -> (Option<String>, Option<&str>) {
    match at {
        Some(Place::Cell(c)) => (Some(c.to_string()), None),
        Some(Place::Path(p)) => (None, Some(p.as_str())),
        None => (None, None),
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
                JsonRelated {
                    cell,
                    path,
                    label: &r.label,
                }
            })
            .collect(),
        help: f.help.as_deref(),
    }
}

/// Renders the run as one pretty-printed JSON document: tool, version, rule pack, summary, every
/// finding (files in the order given, each file's findings in its order) and per-file counts.
pub fn render_json(ruleset: &Ruleset, files: &[FileReport]) -> String {
    let mut total = Counts::default();
    let per_file: Vec<JsonFile> = files
        .iter()
        .map(|f| {
            let counts = Counts::of(&f.findings);
            total.add(counts);
            JsonFile {
                file: &f.path,
                forms: f.forms,
                counts,
            }
        })
        .collect();
    let doc = Document {
        tool: "formlint",
        version: env!("CARGO_PKG_VERSION"),
        ruleset,
        summary: Summary {
            files: files.len(),
            forms: files.iter().map(|f| f.forms).sum(),
            counts: total,
        },
        findings: files
            .iter()
            .flat_map(|file| file.findings.iter().map(|f| finding(&file.path, f)))
            .collect(),
        files: per_file,
    };
    // Serialising plain structs of strings and numbers cannot fail; keep a valid document anyway.
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_string())
}
