//! SARIF 2.1.0 output, for code-scanning dashboards (GitHub code scanning, Azure DevOps, IDE
//! viewers). One run; the pack's rules are the driver's rules. Spreadsheets have no lines, so a
//! finding's cell is a logical location (`自评表!I16`) and also sits in the result's properties.
//! Validated against the SARIF schema in `tests/sarif_schema.rs`.

use super::{FileReport, RuleMeta, Ruleset};
use crate::finding::{Finding, Severity};
use crate::form::Place;
use crate::outcome::{AcceptKind, Accepted};
use serde::Serialize;
use std::collections::BTreeMap;

/// The schema URI written into the log's `$schema`.
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool,
    results: Vec<SarifResult<'a>>,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct RunProperties<'a> {
    ruleset: &'a Ruleset,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    full_description: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<Text>,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    /// A reviewer's acceptance: the result stays, marked suppressed, with the reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct Suppression {
    /// `external` (formlint.toml) or `inSource` (a cell comment, a form's `accept:`).
    kind: &'static str,
    status: &'static str,
    justification: String,
    location: Location,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    sheet: Option<&'a str>,
    cell: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    severity: Severity,
    title: &'a str,
}

/// SARIF's level for a severity (`info` is `note`).
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A rule name SARIF viewers can show: the English title in UpperCamelCase
/// (`ScoreAboveItsWeightOrBelowZero`), or the code when there is no English title.
fn rule_name(meta: &RuleMeta) -> String {
    let Some(en) = meta.title_en.as_deref() else {
        return meta.code.clone();
    };
    let name: String = en
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect();
    if name.is_empty() {
        meta.code.clone()
    } else {
        name
    }
}

/// A file path as a URI reference: relative paths stay relative, absolute ones become `file:`
/// URIs; `\` becomes `/` and everything but unreserved characters and `/` is percent-encoded
/// (UTF-8), so Chinese file names are valid URIs.
pub(crate) fn path_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let (prefix, rest) = if let Some(rest) = path.strip_prefix('/') {
        ("file:///", rest.to_string())
    } else if path.len() >= 2
        && path.as_bytes()[1] == b':'
        && path.as_bytes()[0].is_ascii_alphabetic()
    {
        // A Windows drive path (`C:/forms/a.xlsx`): the drive letter and colon stay as they are.
        let (drive, rest) = path.split_at(2);
        return format!("file:///{drive}{}", encode(rest));
    } else {
        ("", path)
    };
    format!("{prefix}{}", encode(&rest))
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The rules of the run: the pack's, then any other code that occurs (input codes such as
/// `X001`, titled and graded by their first finding), by code.
fn run_rules(rules: &[RuleMeta], files: &[FileReport]) -> Vec<RuleMeta> {
    let mut out = rules.to_vec();
    let mut extra: BTreeMap<&str, &Finding> = BTreeMap::new();
    let accepted = files
        .iter()
        .flat_map(|f| f.accepted.iter().map(|a| &a.finding));
    for f in files.iter().flat_map(|f| &f.findings).chain(accepted) {
        if !rules.iter().any(|r| r.code == f.code) {
            extra.entry(&f.code).or_insert(f);
        }
    }
    out.extend(
        extra
            .into_values()
            .map(|f| match crate::codes::lookup(&f.code) {
                Some(c) => RuleMeta {
                    code: c.code.to_string(),
                    severity: c.severity,
                    title: c.title.to_string(),
                    title_en: Some(c.title_en.to_string()),
                    description: Some(c.description.to_string()),
                    source: None,
                },
                None => RuleMeta {
                    code: f.code.clone(),
                    severity: f.severity,
                    title: f.title.clone(),
                    title_en: None,
                    description: None,
                    source: None,
                },
            }),
    );
    out
}

fn rule(meta: &RuleMeta) -> Rule {
    let text = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| Text {
                text: t.to_string(),
            })
    };
    Rule {
        id: meta.code.clone(),
        name: rule_name(meta),
        short_description: Text {
            text: meta.title.clone(),
        },
        full_description: text(&meta.description),
        help: text(&meta.source).map(|t| Text {
            text: format!("依据：{}", t.text),
        }),
        default_configuration: Configuration {
            level: level(meta.severity),
        },
    }
}

fn location(
    uri: &str,
    file: &str,
    sheet: Option<&str>,
    at: Option<&Place>,
    id: Option<usize>,
    message: Option<&str>,
) -> Location {
    // a related place in another workbook has that workbook as its artifact
    let (uri, file, sheet, at) = match at {
        Some(Place::Elsewhere(e)) => (
            path_uri(&e.file),
            e.file.as_str(),
            Some(e.sheet.as_str()),
            Some(&e.at),
        ),
        _ => (uri.to_string(), file, sheet, at),
    };
    let name = Place::location(sheet, at);
    let logical_locations = if name.is_empty() {
        Vec::new()
    } else {
        vec![LogicalLocation {
            fully_qualified_name: format!("{file}›{name}"),
            name,
            kind: "member",
        }]
    };
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation { uri },
            region: None,
        },
        logical_locations,
        message: message.map(|m| Text {
            text: m.to_string(),
        }),
    }
}

fn result<'a>(file: &'a str, f: &'a Finding, rules: &[RuleMeta]) -> SarifResult<'a> {
    let uri = path_uri(file);
    let here = f.location();
    let body = if f.message.trim().is_empty() {
        &f.title
    } else {
        &f.message
    };
    let text = if here.is_empty() {
        body.clone()
    } else {
        format!("{here}：{body}")
    };
    let (cell, path) = match f.at.as_ref().map(Place::local) {
        Some(Place::Cell(c)) => (Some(c.to_string()), None),
        Some(Place::Path(p)) => (None, Some(p.to_string())),
        Some(Place::Elsewhere(_)) | None => (None, None),
    };
    let related_locations = f
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            location(
                &uri,
                file,
                f.sheet.as_deref(),
                Some(&r.at),
                Some(i + 1),
                Some(&r.label),
            )
        })
        .collect();
    SarifResult {
        rule_id: &f.code,
        rule_index: rules.iter().position(|r| r.code == f.code).unwrap_or(0),
        level: level(f.severity),
        message: Text { text },
        locations: [location(
            &uri,
            file,
            f.sheet.as_deref(),
            f.at.as_ref(),
            None,
            None,
        )],
        related_locations,
        partial_fingerprints: BTreeMap::from([(
            "formlintLocation/v1",
            format!("{}|{}", f.code, here),
        )]),
        suppressions: Vec::new(),
        properties: ResultProperties {
            sheet: f.sheet.as_deref(),
            cell,
            path,
            severity: f.severity,
            title: &f.title,
        },
    }
}

/// An accepted finding's result: suppressed, with where the acceptance is written and why.
fn accepted_result<'a>(file: &'a str, a: &'a Accepted, rules: &[RuleMeta]) -> SarifResult<'a> {
    let mut r = result(file, &a.finding, rules);
    let by = &a.by;
    let mut at = match by.kind {
        AcceptKind::Config => location(&path_uri(&by.file), &by.file, None, None, None, None),
        AcceptKind::Comment | AcceptKind::Form => location(
            &path_uri(&by.file),
            &by.file,
            by.sheet.as_deref(),
            by.at.as_ref(),
            None,
            None,
        ),
    };
    at.physical_location.region = by.line.map(|start_line| Region { start_line });
    at.message = Some(Text { text: by.place() });
    r.suppressions.push(Suppression {
        kind: match by.kind {
            AcceptKind::Config => "external",
            AcceptKind::Comment | AcceptKind::Form => "inSource",
        },
        status: "accepted",
        justification: by.reason.clone(),
        location: at,
    });
    r
}

/// Renders the run as one pretty-printed SARIF 2.1.0 log: every rule of the pack (plus input
/// codes that occur) as `tool.driver.rules`, every finding as a result, files in the order given;
/// each file's accepted findings follow its findings, with `suppressions` (kind `external` for
/// a formlint.toml entry, `inSource` for a cell comment or a form's `accept:`, the reason as
/// the justification).
pub fn render_sarif(ruleset: &Ruleset, rules: &[RuleMeta], files: &[FileReport]) -> String {
    let all = run_rules(rules, files);
    let results = files
        .iter()
        .flat_map(|file| {
            let found = file.findings.iter().map(|f| result(&file.path, f, &all));
            let accepted = file
                .accepted
                .iter()
                .map(|a| accepted_result(&file.path, a, &all));
            found.chain(accepted).collect::<Vec<_>>()
        })
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "formlint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: all.iter().map(rule).collect(),
                },
            },
            results,
            properties: RunProperties { ruleset },
        }],
    };
    // Serialising plain structs of strings and numbers cannot fail; keep a valid document anyway.
    serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_string())
}
