//! What a check produces, below every report format: one file's findings in report order
//! ([`FileReport`]), the run's closing counts ([`Totals`]), and what machine formats say about a
//! rule ([`RuleMeta`]). The pipeline (run, config, pack) makes these; report only renders them,
//! so no stage has to import the report stage to hand over its results.

use crate::finding::{Finding, Severity};
use crate::form::Place;
use std::cmp::Ordering;

/// Which rule pack produced the report, so a JSON report says what it was checked against.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Ruleset {
    /// The pack's name (`shenzhen-2020`).
    pub name: String,
    /// The pack's version (`1.0.0`).
    pub version: String,
}

/// What the machine formats (SARIF) say about a rule: the pack's metadata, free of the rule
/// language's types. Built by `Pack::rule_meta`, read by the SARIF format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleMeta {
    /// The rule code (`B001`).
    pub code: String,
    /// The rule's default severity.
    pub severity: Severity,
    /// Chinese title.
    pub title: String,
    /// English title (`title_en`), when the pack gives one.
    pub title_en: Option<String>,
    /// What the rule checks (`description`).
    pub description: Option<String>,
    /// The clause of the regulation the rule comes from (`source`).
    pub source: Option<String>,
}

/// The findings of one input file (a workbook, CSV or canonical YAML), in report order.
#[derive(Debug, Clone, PartialEq)]
pub struct FileReport {
    /// The file as the user named it (shown as is).
    pub path: String,
    /// How many forms the file held.
    pub forms: usize,
    /// Its findings, sorted with [`sort_findings`].
    pub findings: Vec<Finding>,
    /// The forms read and checked, in sheet order: each one's kind and pack.
    pub checked: Vec<FormSummary>,
    /// Findings a reviewer accepted (a formlint.toml `[[accept]]`, a cell comment, a form's
    /// `accept:`): not counted, not failing, but kept with the acceptance so every report can
    /// show what was accepted, by which entry and why.
    pub accepted: Vec<Accepted>,
}

impl FileReport {
    /// The report of a file with nothing found yet.
    pub fn new(path: &str) -> FileReport {
        FileReport {
            path: path.to_string(),
            forms: 0,
            findings: Vec::new(),
            checked: Vec::new(),
            accepted: Vec::new(),
        }
    }
}

/// Where an acceptance is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AcceptKind {
    /// An `[[accept]]` entry of a `formlint.toml`.
    Config,
    /// A cell comment (批注) `formlint: 接受 CODE 理由` in the workbook itself.
    Comment,
    /// An `accept:` entry of a canonical YAML/JSON form.
    Form,
}

/// The acceptance that took a finding out of the count: which entry, where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedBy {
    /// What kind of entry.
    pub kind: AcceptKind,
    /// The file it is written in: the `formlint.toml` (as the run names it), or the form's own
    /// file for a comment or an `accept:` entry.
    pub file: String,
    /// The line of a formlint.toml entry (1-based).
    pub line: Option<usize>,
    /// The sheet of a comment.
    pub sheet: Option<String>,
    /// The comment's cell, or the `accept:` entry's path (`forms[0].accept[1]`).
    pub at: Option<Place>,
    /// The reason the reviewer wrote.
    pub reason: String,
}

impl AcceptedBy {
    /// Where the acceptance is, for people: `forms/formlint.toml:12`, `P3.xlsx › 自评表!I16 的批注`,
    /// `P3.yaml › forms[0].accept[0]`.
    pub fn place(&self) -> String {
        match (self.kind, &self.line, &self.sheet, &self.at) {
            (_, Some(l), _, _) => format!("{}:{l}", self.file),
            (AcceptKind::Comment, _, Some(s), Some(at)) => {
                format!("{} › {s}!{at} 的批注", self.file)
            }
            (_, _, _, Some(at)) => format!("{} › {at}", self.file),
            _ => self.file.clone(),
        }
    }
}

/// One form of a file as it was checked, so a report on a mixed folder says which forms were
/// self-evaluations and which declarations, and which pack checked each.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FormSummary {
    /// The sheet (or canonical form name) holding it.
    pub sheet: String,
    /// What form it is.
    #[serde(serialize_with = "kind_str")]
    pub kind: crate::form::FormKind,
    /// The pack that checked it.
    pub pack: Ruleset,
    /// Its 项目名称, when filed.
    pub project: Option<String>,
    /// The fiscal year its file states (`（2020年度）`), which chose its pack.
    pub fiscal_year: Option<i32>,
}

fn kind_str<S: serde::Serializer>(k: &crate::form::FormKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.as_str())
}

/// A finding a reviewer accepted, with the acceptance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The finding as it would have been reported.
    pub finding: Finding,
    /// Who accepted it, where, and why.
    pub by: AcceptedBy,
}

/// Counts of findings by severity, for summaries and exit codes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub info: usize,
}

impl Counts {
    /// Counts the findings by severity.
    pub fn of(findings: &[Finding]) -> Counts {
        let mut c = Counts::default();
        for f in findings {
            match f.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.info += 1,
            }
        }
        c
    }

    /// Adds another count to this one.
    pub fn add(&mut self, other: Counts) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.info += other.info;
    }
}

/// Sorts findings into report order, so output follows the sheet as a reader scans it: findings
/// without a sheet first (file-level), then by sheet in `sheet_order` (sheets not listed come
/// after, by name), then findings without a place, then by row, column (or path, numbers in
/// paths compared as numbers), then code. The sort is stable.
pub fn sort_findings(findings: &mut [Finding], sheet_order: &[String]) {
    sort_by_finding(findings, |f| f, sheet_order);
}

/// Sorts accepted findings into report order, as [`sort_findings`] does.
pub fn sort_accepted(accepted: &mut [Accepted], sheet_order: &[String]) {
    sort_by_finding(accepted, |a| &a.finding, sheet_order);
}

fn sort_by_finding<T>(items: &mut [T], get: impl Fn(&T) -> &Finding, sheet_order: &[String]) {
    // Sheet positions looked up once: a workbook may have thousands of sheets (a linear
    // search per comparison made sorting quadratic, found by fuzzing).
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, s) in sheet_order.iter().enumerate() {
        index.entry(s.as_str()).or_insert(i);
    }
    items.sort_by(|a, b| {
        let (a, b) = (get(a), get(b));
        sheet_key(a, &index)
            .cmp(&sheet_key(b, &index))
            .then_with(|| place_cmp(a.at.as_ref(), b.at.as_ref()))
            .then_with(|| a.code.cmp(&b.code))
    });
}

/// Sheet position: (0, 0, "") for none, (1, index, "") for listed sheets, (2, 0, name) otherwise.
fn sheet_key<'a>(
    f: &'a Finding,
    order: &std::collections::HashMap<&str, usize>,
) -> (u8, usize, &'a str) {
    match &f.sheet {
        None => (0, 0, ""),
        Some(s) => match order.get(s.as_str()) {
            Some(&i) => (1, i, ""),
            None => (2, 0, s.as_str()),
        },
    }
}

fn place_cmp(a: Option<&Place>, b: Option<&Place>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(y),
    }
}

/// A file a folder scan found but did not check (not a spreadsheet, a lock file, hidden), so
/// every file found is accounted for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The file as reports show paths.
    pub path: String,
    /// Why it was not checked (Chinese).
    pub reason: String,
}

/// What a run's closing lines (summary, statistics, exit code) need from every file, kept
/// instead of the files' findings so a long batch does not grow in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Files reported.
    pub files: usize,
    /// Forms checked.
    pub forms: usize,
    /// Findings by severity.
    pub counts: Counts,
    /// Per code: how many findings, and the title of the first one.
    pub by_code: std::collections::BTreeMap<String, (usize, String)>,
    /// Files found but not checked, in the order found.
    pub skipped: Vec<Skipped>,
    /// Forms checked per kind and pack (name, version), for the summary of a mixed batch.
    pub by_kind: std::collections::BTreeMap<(crate::form::FormKind, String, String), usize>,
    /// Findings accepted by a reviewer (not in `counts`).
    pub accepted: usize,
}

impl Totals {
    /// Adds one file's report.
    pub fn add(&mut self, file: &FileReport) {
        self.files += 1;
        self.forms += file.forms;
        self.counts.add(Counts::of(&file.findings));
        for c in &file.checked {
            let key = (c.kind, c.pack.name.clone(), c.pack.version.clone());
            *self.by_kind.entry(key).or_default() += 1;
        }
        self.accepted += file.accepted.len();
        for f in &file.findings {
            match self.by_code.get_mut(&f.code) {
                Some(entry) => entry.0 += 1,
                None => {
                    self.by_code.insert(f.code.clone(), (1, f.title.clone()));
                }
            }
        }
    }

    /// The totals of a list of reports.
    pub fn of(files: &[FileReport]) -> Totals {
        let mut t = Totals::default();
        for f in files {
            t.add(f);
        }
        t
    }
}
