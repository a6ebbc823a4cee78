//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding, so
//! a `formlint check` step annotates the workflow run (and the pull request's changed files).

use super::FileReport;
use crate::finding::{Finding, Severity};

/// Escapes a command's message, as GitHub's toolkit does: `%`, CR and LF.
fn escape_data(s: &str) -> String {
    super::escape_controls(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property (`file=`, `title=`): the message escapes plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// `::error file=PATH,title=CODE 标题::自评表!I16 message`.
fn annotation(file: &str, f: &Finding) -> String {
    let here = f.location();
    let shown = super::message_with_elsewhere(f);
    let body = if f.message.trim().is_empty() {
        f.title.as_str()
    } else {
        shown.as_ref()
    };
    let message = if here.is_empty() {
        body.to_string()
    } else {
        format!("{here} {body}")
    };
    format!(
        "::{} file={},title={}::{}\n",
        command(f.severity),
        escape_property(file),
        escape_property(&format!("{} {}", f.code, f.title)),
        escape_data(&message)
    )
}

/// Renders every finding as a GitHub workflow command line, files in the order given.
pub fn render_github(files: &[FileReport]) -> String {
    files.iter().map(annotations).collect()
}

/// One file's workflow command lines, one per finding.
pub(crate) fn annotations(file: &FileReport) -> String {
    file.findings
        .iter()
        .map(|f| annotation(&file.path, f))
        .collect()
}
