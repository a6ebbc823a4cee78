//! `formlint.toml`, kept next to the submissions: which pack to use, codes to ignore everywhere
//! or per file, warnings raised to errors, and findings a reviewer has accepted on one form.
//! Suppressions that match nothing are reported, so stale ones do not pile up.

use crate::codes;
use crate::finding::{Finding, Severity};
use crate::form::Place;
use crate::outcome::FileReport;
use globset::{Glob, GlobMatcher};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// The file as written.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The rule pack: a built-in `NAME[@VERSION]` or a folder relative to the config file.
    #[serde(default)]
    pub rules: Option<String>,
    /// Codes ignored on every file.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Glob (matched against the file path) → codes ignored on matching files.
    #[serde(default)]
    pub per_file_ignores: BTreeMap<String, Vec<String>>,
    /// Raise warnings to errors: `true` for all, or a list of codes.
    #[serde(default)]
    pub warnings_as_errors: WarningsAsErrors,
    /// Findings accepted by a reviewer on one form.
    #[serde(default)]
    pub accept: Vec<Accept>,
}

/// `warnings-as-errors = true` or `= ["S004", …]`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(untagged)]
pub enum WarningsAsErrors {
    /// All or none.
    All(bool),
    /// These codes.
    Codes(Vec<String>),
    /// Not given.
    #[default]
    #[serde(skip)]
    None,
}

/// One accepted finding: a code on one form (and, optionally, one sheet and cell), with the reason.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accept {
    /// Glob matched against the file path (`P3-*.xlsx`, `**/P3-贸易摩擦应对事务.xlsx`).
    pub file: String,
    /// The rule code.
    pub code: String,
    /// The sheet (or canonical form name), when the file holds several forms.
    #[serde(default)]
    pub sheet: Option<String>,
    /// The cell (`H16`) or YAML path.
    #[serde(default)]
    pub cell: Option<String>,
    /// Why the finding is accepted (required: the audit trail).
    pub reason: String,
}

/// A config read and ready to apply.
#[derive(Debug)]
pub struct Suppressions {
    /// Where the config came from (for messages).
    pub path: String,
    config: Config,
    per_file: Vec<(String, GlobMatcher, Vec<String>)>,
    accept: Vec<(GlobMatcher, Accept)>,
    used_ignore: Vec<AtomicBool>,
    used_per_file: Vec<AtomicBool>,
    used_accept: Vec<AtomicBool>,
}

fn matcher(pattern: &str) -> Result<GlobMatcher, String> {
    // a bare file name matches at any depth
    let p = if pattern.contains('/') {
        pattern.to_string()
    } else {
        format!("**/{pattern}")
    };
    Glob::new(&p)
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("无效的文件模式“{pattern}”：{e}"))
}

/// Parses `formlint.toml` text; `path` names it in messages.
pub fn parse(path: &str, text: &str) -> Result<Suppressions, String> {
    let config: Config = toml::from_str(text).map_err(|e| format!("{path}：{e}"))?;
    let mut per_file = Vec::new();
    for (pattern, codes) in &config.per_file_ignores {
        per_file.push((
            pattern.clone(),
            matcher(pattern).map_err(|e| format!("{path}：{e}"))?,
            codes.clone(),
        ));
    }
    let mut accept = Vec::new();
    for a in &config.accept {
        if a.reason.trim().is_empty() {
            return Err(format!("{path}：接受 {} 的记录缺少理由 reason", a.code));
        }
        accept.push((
            matcher(&a.file).map_err(|e| format!("{path}：{e}"))?,
            a.clone(),
        ));
    }
    let flags = |n: usize| (0..n).map(|_| AtomicBool::new(false)).collect();
    Ok(Suppressions {
        path: path.to_string(),
        used_ignore: flags(config.ignore.len()),
        used_per_file: flags(per_file.len()),
        used_accept: flags(accept.len()),
        config,
        per_file,
        accept,
    })
}

impl Suppressions {
    /// The pack the config selects, if any.
    pub fn rules(&self) -> Option<&str> {
        self.config.rules.as_deref()
    }

    fn raised(&self, code: &str) -> bool {
        match &self.config.warnings_as_errors {
            WarningsAsErrors::All(b) => *b,
            WarningsAsErrors::Codes(c) => c.iter().any(|x| x == code),
            WarningsAsErrors::None => false,
        }
    }

    /// Drops ignored and accepted findings of one file and raises warnings; remembers which
    /// suppressions were used (files may be checked on several threads).
    pub fn apply(&self, file: &mut FileReport) {
        let path = file.path.replace('\\', "/");
        file.findings.retain(|f| {
            if let Some(i) = self.config.ignore.iter().position(|c| c == &f.code) {
                self.used_ignore[i].store(true, Ordering::Relaxed);
                return false;
            }
            for (i, (_, m, codes)) in self.per_file.iter().enumerate() {
                if m.is_match(&path) && codes.contains(&f.code) {
                    self.used_per_file[i].store(true, Ordering::Relaxed);
                    return false;
                }
            }
            let place = f.at.as_ref().map(|p| match p {
                Place::Cell(c) => c.to_string(),
                Place::Path(p) => p.clone(),
            });
            for (i, (m, a)) in self.accept.iter().enumerate() {
                if m.is_match(&path)
                    && a.code == f.code
                    && a.sheet.as_ref().is_none_or(|s| f.sheet.as_ref() == Some(s))
                    && a.cell
                        .as_ref()
                        .is_none_or(|c| place.as_deref().is_some_and(|p| p.eq_ignore_ascii_case(c)))
                {
                    self.used_accept[i].store(true, Ordering::Relaxed);
                    return false;
                }
            }
            true
        });
        for f in &mut file.findings {
            if f.severity == Severity::Warning && self.raised(&f.code) {
                f.severity = Severity::Error;
            }
        }
    }

    /// Findings about suppressions that matched nothing in the run (warnings, code X007).
    pub fn unused(&self) -> Vec<Finding> {
        let mut unused = Vec::new();
        let mut note = |what: String| {
            unused.push(Finding {
                code: codes::UNUSED_SUPPRESSION.code.into(),
                severity: codes::UNUSED_SUPPRESSION.severity,
                title: codes::UNUSED_SUPPRESSION.title.into(),
                message: format!("{what} 没有匹配任何问题，可以删除 (unused suppression)"),
                sheet: None,
                at: None,
                related: Vec::new(),
                help: None,
            })
        };
        let used = |v: &[AtomicBool], i: usize| v[i].load(Ordering::Relaxed);
        for (i, code) in self.config.ignore.iter().enumerate() {
            if !used(&self.used_ignore, i) {
                note(format!("ignore 中的 {code}"));
            }
        }
        for (i, (pattern, _, codes)) in self.per_file.iter().enumerate() {
            if !used(&self.used_per_file, i) {
                note(format!(
                    "per-file-ignores 中的“{pattern}” = {}",
                    codes.join(", ")
                ));
            }
        }
        for (i, (_, a)) in self.accept.iter().enumerate() {
            if !used(&self.used_accept, i) {
                let at = [a.sheet.clone(), a.cell.clone()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("!");
                let at = if at.is_empty() {
                    String::new()
                } else {
                    format!("（{at}）")
                };
                note(format!("accept 中 {} 的 {}{at}", a.file, a.code));
            }
        }
        unused
    }
}
