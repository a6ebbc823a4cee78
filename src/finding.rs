//! What every stage reports: a [`Finding`] at a place of a form, with a code and a severity.

use crate::form::Place;
use std::fmt;

/// How serious a finding is; decides the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Must be fixed before the form is accepted.
    Error,
    /// Probably wrong; a reviewer should look.
    Warning,
    /// Worth knowing, not a defect.
    Info,
}

impl Severity {
    /// Lower-case English name (`error`, `warning`, `info`), as used in JSON and rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }

    /// The word users read: 错误, 警告, 提示.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }

    /// Parses `error|warning|info` (also 错误/警告/提示).
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" | "错误" => Some(Severity::Error),
            "warning" | "警告" => Some(Severity::Warning),
            "info" | "提示" => Some(Severity::Info),
            _ => None,
        }
    }
}

/// Read as rule files write it: `error|warning|info` or 错误/警告/提示 (pack.yaml,
/// formlint.toml, test files and reports all take the same words).
impl<'de> serde::Deserialize<'de> for Severity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let word = String::deserialize(d)?;
        Severity::parse(word.trim()).ok_or_else(|| {
            serde::de::Error::unknown_variant(
                &word,
                &["error", "warning", "info", "错误", "警告", "提示"],
            )
        })
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A cell that explains a finding without being its cause (the 分值 beside a wrong 得分).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// The related place.
    pub at: Place,
    /// What it is (`分值`, `全年预算数` …).
    pub label: String,
}

/// One problem found on one form (or in one input file), at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule code (`B001`), or an input code (`X001`) for unreadable input.
    pub code: String,
    /// Severity after the pack's configuration.
    pub severity: Severity,
    /// The rule's title (Chinese).
    pub title: String,
    /// The message, with the values found and expected.
    pub message: String,
    /// The sheet (or canonical form name), when the finding is inside one.
    pub sheet: Option<String>,
    /// The primary place, when there is one.
    pub at: Option<Place>,
    /// Other places that explain the finding.
    pub related: Vec<Related>,
    /// Optional help text (the rule's description or a hint).
    pub help: Option<String>,
}

impl Finding {
    /// Where the finding is: `自评表!I16`, `form › path`, the sheet alone, or nothing
    /// ([`Place::location`], the one rendering every format uses).
    pub fn location(&self) -> String {
        Place::location(self.sheet.as_deref(), self.at.as_ref())
    }
}
