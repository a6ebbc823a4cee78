//! JUnit XML output, for CI servers that show test results (GitLab merge requests, Jenkins,
//! Azure Pipelines): one `<testsuite>` per file, one `<testcase>` per form. A form with errors
//! fails (one `<failure>` listing them); its warnings and notes go to `<system-out>`, and so do
//! findings a reviewer accepted (`已接受 …`, with the reason): they never fail a testcase.

use super::{FileReport, Ruleset};
use crate::codes::NOT_A_FORM;
use crate::finding::{Finding, Severity};
use crate::outcome::Accepted;

/// Escapes text for XML content and attribute values; characters XML 1.0 forbids (most
/// control characters) become U+FFFD so the document stays well-formed.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            // Other control characters are not allowed in XML 1.0: shown escaped, as in every
            // text report.
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c if matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// One line of a failure or output block: `自评表!I16 [S002] 标题：message`.
fn line(f: &Finding) -> String {
    let here = f.location();
    let mut s = format!("{} [{}] {}", f.severity, f.code, f.title);
    if !f.message.is_empty() && f.message != f.title {
        s.push('：');
        s.push_str(&super::message_with_elsewhere(f));
    }
    if !here.is_empty() {
        s = format!("{here} {s}");
    }
    s
}

/// An accepted finding's line: `已接受 自评表!I16 [S002] 标题：message（理由：…；formlint.toml:12）`.
fn accepted_line(a: &Accepted) -> String {
    format!(
        "已接受 {}（理由：{}；{}）",
        line(&a.finding),
        a.by.reason,
        a.by.place()
    )
}

/// A testcase being built: its name, findings and accepted findings.
struct Case<'a> {
    name: String,
    findings: Vec<&'a Finding>,
    accepted: Vec<&'a Accepted>,
}

/// The names of the file's forms: its sheets (then sheets named by findings) that are not
/// skipped as "not a form", padded with `#n` for forms whose name is unknown.
fn form_names(file: &FileReport, sheets: &[String]) -> Vec<String> {
    if file.forms == 0 {
        return Vec::new();
    }
    let skipped: Vec<&str> = file
        .findings
        .iter()
        .filter(|f| f.code == NOT_A_FORM.code)
        .filter_map(|f| f.sheet.as_deref())
        .collect();
    let mut names: Vec<String> = Vec::new();
    let candidates = sheets
        .iter()
        .map(String::as_str)
        .chain(file.findings.iter().filter_map(|f| f.sheet.as_deref()));
    for s in candidates {
        if !skipped.contains(&s) && !names.iter().any(|n| n == s) {
            names.push(s.to_string());
        }
    }
    names.truncate(file.forms);
    while names.len() < file.forms {
        names.push(format!("#{}", names.len() + 1));
    }
    names
}

fn testcase(out: &mut String, classname: &str, case: &Case) {
    let errors: Vec<&&Finding> = case
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let others: Vec<&&Finding> = case
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Error)
        .collect();
    out.push_str(&format!(
        "    <testcase classname=\"{}\" name=\"{}\"",
        escape(classname),
        escape(&case.name)
    ));
    if errors.is_empty() && others.is_empty() && case.accepted.is_empty() {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    if !errors.is_empty() {
        let mut codes: Vec<&str> = Vec::new();
        for f in &errors {
            if !codes.contains(&f.code.as_str()) {
                codes.push(&f.code);
            }
        }
        let message = format!("{} 个错误（{}）", errors.len(), codes.join("、"));
        let body: Vec<String> = errors.iter().map(|f| line(f)).collect();
        out.push_str(&format!(
            "      <failure type=\"error\" message=\"{}\">{}</failure>\n",
            escape(&message),
            escape(&body.join("\n"))
        ));
    }
    if !others.is_empty() || !case.accepted.is_empty() {
        let body: Vec<String> = others
            .iter()
            .map(|f| line(f))
            .chain(case.accepted.iter().map(|a| accepted_line(a)))
            .collect();
        out.push_str(&format!(
            "      <system-out>{}</system-out>\n",
            escape(&body.join("\n"))
        ));
    }
    out.push_str("    </testcase>\n");
}

/// Renders the run as a JUnit XML document. `sheets[i]` names the sheets of `files[i]` (empty
/// or missing when unknown, as for YAML input), so forms without findings still get a testcase.
/// A file without a form gets one testcase named after the file; findings outside any form
/// become that testcase when they are errors, and the suite's `<system-out>` otherwise.
pub fn render_junit(ruleset: &Ruleset, files: &[FileReport], sheets: &[Vec<String>]) -> String {
    let mut suites = Suites::new(ruleset);
    for (i, file) in files.iter().enumerate() {
        suites.add(file, sheets.get(i).map(Vec::as_slice).unwrap_or(&[]));
    }
    suites.finish()
}

/// The JUnit document as a batch goes: each file's `<testsuite>` is rendered as the file
/// completes (so its sheet names need not be kept), and only that text waits for the end,
/// because the root element states the run's totals before any suite.
pub(crate) struct Suites<'r> {
    ruleset: &'r Ruleset,
    text: String,
    tests: usize,
    failures: usize,
}

impl<'r> Suites<'r> {
    /// No suites yet, for a run under `ruleset`.
    pub(crate) fn new(ruleset: &'r Ruleset) -> Self {
        Suites {
            ruleset,
            text: String::new(),
            tests: 0,
            failures: 0,
        }
    }

    /// Renders one file's `<testsuite>`; `sheets` names its sheets (empty when unknown).
    pub(crate) fn add(&mut self, file: &FileReport, sheets: &[String]) {
        let (cases, loose) = cases(file, sheets);
        let failures = cases
            .iter()
            .filter(|c| c.findings.iter().any(|f| f.severity == Severity::Error))
            .count();
        self.tests += cases.len();
        self.failures += failures;
        let suites = &mut self.text;
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n",
            escape(&file.path),
            cases.len()
        ));
        suites.push_str(&format!(
            "    <properties>\n      <property name=\"ruleset\" value=\"{}\"/>\n      <property name=\"ruleset.version\" value=\"{}\"/>\n    </properties>\n",
            escape(&self.ruleset.name),
            escape(&self.ruleset.version)
        ));
        for case in &cases {
            testcase(suites, &file.path, case);
        }
        if !loose.is_empty() {
            let body: Vec<String> = loose.iter().map(|f| line(f)).collect();
            suites.push_str(&format!(
                "    <system-out>{}</system-out>\n",
                escape(&body.join("\n"))
            ));
        }
        suites.push_str("  </testsuite>\n");
    }

    /// The whole document: the root element with the run's totals around every suite.
    pub(crate) fn finish(self) -> String {
        let (tests, failures, suites) = (self.tests, self.failures, self.text);
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"formlint\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n{suites}</testsuites>\n"
        )
    }
}

/// A file's testcases (the file's own first, when it has errors outside a form or no form) and
/// the findings that belong to no testcase (warnings and notes outside any form).
fn cases<'a>(file: &'a FileReport, sheets: &[String]) -> (Vec<Case<'a>>, Vec<&'a Finding>) {
    let mut cases: Vec<Case> = form_names(file, sheets)
        .into_iter()
        .map(|name| Case {
            name,
            findings: Vec::new(),
            accepted: Vec::new(),
        })
        .collect();
    let mut file_case = Case {
        name: file.path.clone(),
        findings: Vec::new(),
        accepted: Vec::new(),
    };
    let mut loose: Vec<&Finding> = Vec::new();
    for f in &file.findings {
        let form = f
            .sheet
            .as_deref()
            .and_then(|s| cases.iter_mut().find(|c| c.name == s));
        match form {
            Some(case) if f.code != NOT_A_FORM.code => case.findings.push(f),
            _ if f.severity == Severity::Error => file_case.findings.push(f),
            _ => loose.push(f),
        }
    }
    for a in &file.accepted {
        let form = a
            .finding
            .sheet
            .as_deref()
            .and_then(|s| cases.iter_mut().find(|c| c.name == s));
        match form {
            Some(case) => case.accepted.push(a),
            None => match cases.first_mut() {
                Some(case) => case.accepted.push(a),
                None => file_case.accepted.push(a),
            },
        }
    }
    if cases.is_empty() || !file_case.findings.is_empty() {
        cases.insert(0, file_case);
    }
    (cases, loose)
}
