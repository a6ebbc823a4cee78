//! `formlint.toml`, kept next to the submissions: which pack to use, codes to ignore everywhere
//! or per file, warnings raised to errors, and findings a reviewer has accepted on one form.
//! Suppressions that match nothing are reported, so stale ones do not pile up.

use crate::codes;
use crate::diag::{DiagKind, Problem, SourceFile, Span};
use crate::finding::{Finding, Severity};
use crate::form::{FormPath, Place};
use crate::outcome::{AcceptKind, Accepted, AcceptedBy, FileReport};
use globset::{Glob, GlobMatcher};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use toml::Spanned;

/// The file as written.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// The rule pack: a built-in `NAME[@VERSION]` or a folder relative to the config file.
    #[serde(default)]
    pub rules: Option<String>,
    /// Codes ignored on every file.
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    /// Glob (matched against the file path) → codes ignored on matching files.
    #[serde(default)]
    pub per_file_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    /// Raise warnings to errors: `true` for all, or a list of codes.
    #[serde(default)]
    pub warnings_as_errors: Option<Spanned<WarningsAsErrors>>,
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
    pub file: Spanned<String>,
    /// The rule code.
    pub code: Spanned<String>,
    /// The sheet (or canonical form name), when the file holds several forms.
    #[serde(default)]
    pub sheet: Option<String>,
    /// The cell (`H16`, or `自评表!H16` as reports print it) or YAML path.
    #[serde(default)]
    pub cell: Option<String>,
    /// Why the finding is accepted (the audit trail): an entry without one takes no effect
    /// and is reported (X007).
    #[serde(default)]
    pub reason: String,
}

impl Accept {
    /// The sheet and cell to match: `cell = "自评表!H16"` gives both.
    fn place(&self) -> (Option<&str>, Option<&str>) {
        let sheet = self.sheet.as_deref();
        match self.cell.as_deref().map(|c| c.rsplit_once('!')) {
            Some(Some((s, c))) => (sheet.or(Some(s.trim_matches('\''))), Some(c)),
            _ => (sheet, self.cell.as_deref()),
        }
    }
}

/// A config read and ready to apply.
#[derive(Debug)]
pub struct Suppressions {
    /// Where the config came from (for messages).
    pub path: String,
    config: Config,
    file: SourceFile,
    per_file: Vec<(String, GlobMatcher, Vec<String>)>,
    /// Accept entries without a reason: not applied, reported.
    unreasoned: Vec<Accept>,
    accept: Vec<(GlobMatcher, Accept)>,
    used_ignore: Vec<AtomicBool>,
    used_per_file: Vec<AtomicBool>,
    used_accept: Vec<AtomicBool>,
}

fn matcher(file: &SourceFile, pattern: &Spanned<String>) -> Result<GlobMatcher, Box<Problem>> {
    // a bare file name matches at any depth
    let p = if pattern.get_ref().contains('/') {
        pattern.get_ref().clone()
    } else {
        format!("**/{}", pattern.get_ref())
    };
    Glob::new(&p).map(|g| g.compile_matcher()).map_err(|e| {
        Box::new(Problem::new(
            DiagKind::Config,
            file,
            Some(span(pattern)),
            format!("无效的文件模式“{}”：{e}", pattern.get_ref()),
        ))
    })
}

/// Whether a place written in the config (`I16`, `forms[0].tables.指标[5].得分`) is `at`.
fn written_at(written: &str, at: &Place) -> bool {
    match at {
        Place::Cell(c) => crate::sheet::CellRef::parse(written.trim()) == Some(*c),
        Place::Path(p) => FormPath::parse(written, p.form).as_ref() == Some(p),
        Place::Elsewhere(e) => written_at(written, &e.at),
    }
}

fn span<T>(s: &Spanned<T>) -> Span {
    Span::new(s.span().start, s.span().end)
}

/// Parses `formlint.toml` text; `path` names it in messages. A mistake is a problem at its
/// place in the file, in Chinese.
pub fn parse(path: &str, text: &str) -> Result<Suppressions, Box<Problem>> {
    let file = SourceFile::new(path, text);
    let config: Config = toml::from_str(text)
        .map_err(|e| Box::new(Problem::from_toml(DiagKind::Config, path, text, &e)))?;
    let mut per_file = Vec::new();
    for (pattern, codes) in &config.per_file_ignores {
        per_file.push((
            pattern.get_ref().clone(),
            matcher(&file, pattern)?,
            codes.iter().map(|c| c.get_ref().clone()).collect(),
        ));
    }
    let mut accept = Vec::new();
    let mut unreasoned = Vec::new();
    for a in &config.accept {
        if a.reason.trim().is_empty() {
            unreasoned.push(a.clone());
            continue;
        }
        accept.push((matcher(&file, &a.file)?, a.clone()));
    }
    let flags = |n: usize| (0..n).map(|_| AtomicBool::new(false)).collect();
    Ok(Suppressions {
        path: path.to_string(),
        used_ignore: flags(config.ignore.len()),
        used_per_file: flags(per_file.len()),
        used_accept: flags(accept.len()),
        config,
        file,
        per_file,
        unreasoned,
        accept,
    })
}

impl Suppressions {
    /// The pack the config selects, if any.
    pub fn rules(&self) -> Option<&str> {
        self.config.rules.as_deref()
    }

    fn raised(&self, code: &str) -> bool {
        match self
            .config
            .warnings_as_errors
            .as_ref()
            .map(Spanned::get_ref)
        {
            Some(WarningsAsErrors::All(b)) => *b,
            Some(WarningsAsErrors::Codes(c)) => c.iter().any(|x| x == code),
            Some(WarningsAsErrors::None) | None => false,
        }
    }

    /// Drops ignored findings of one file, moves accepted ones to its `accepted` (with the
    /// entry and its reason) and raises warnings; remembers which suppressions were used (files
    /// may be checked on several threads).
    pub fn apply(&self, file: &mut FileReport) {
        let path = file.path.clone();
        self.apply_as(file, &path);
    }

    /// [`Suppressions::apply`], with the file's globs matched against `path`: the file's path
    /// relative to the folder of the formlint.toml, so a pattern means the same files whatever
    /// folder formlint is run from.
    pub fn apply_as(&self, file: &mut FileReport, path: &str) {
        let path = path.replace('\\', "/");
        let mut accepted: Vec<Accepted> = Vec::new();
        file.findings.retain(|f| {
            if let Some(i) = self
                .config
                .ignore
                .iter()
                .position(|c| c.get_ref() == &f.code)
            {
                self.used_ignore[i].store(true, Ordering::Relaxed);
                return false;
            }
            for (i, (_, m, codes)) in self.per_file.iter().enumerate() {
                if m.is_match(&path) && codes.contains(&f.code) {
                    self.used_per_file[i].store(true, Ordering::Relaxed);
                    return false;
                }
            }
            for (i, (m, a)) in self.accept.iter().enumerate() {
                let (sheet, cell) = a.place();
                if m.is_match(&path)
                    && a.code.get_ref() == &f.code
                    && sheet.is_none_or(|s| f.sheet.as_deref() == Some(s))
                    && cell.is_none_or(|c| f.at.as_ref().is_some_and(|at| written_at(c, at)))
                {
                    self.used_accept[i].store(true, Ordering::Relaxed);
                    accepted.push(Accepted {
                        finding: f.clone(),
                        by: AcceptedBy {
                            kind: AcceptKind::Config,
                            file: self.path.clone(),
                            line: Some(self.file.line_col(span(&a.file).start).0),
                            sheet: None,
                            at: None,
                            reason: a.reason.trim().to_string(),
                        },
                    });
                    return false;
                }
            }
            true
        });
        if !accepted.is_empty() {
            file.accepted.extend(accepted);
            let mut sheets: Vec<String> = Vec::new();
            for a in &file.accepted {
                if let Some(s) = &a.finding.sheet {
                    if !sheets.contains(s) {
                        sheets.push(s.clone());
                    }
                }
            }
            crate::outcome::sort_accepted(&mut file.accepted, &sheets);
        }
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
                note(format!("ignore 中的 {}", code.get_ref()));
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
                note(format!(
                    "accept 中 {} 的 {}{at}",
                    a.file.get_ref(),
                    a.code.get_ref()
                ));
            }
        }
        for a in &self.unreasoned {
            unused.push(Finding {
                message: format!(
                    "accept 中 {} 的 {} 缺少理由 reason，未生效：接受一个问题必须写明理由 (an acceptance needs a reason)",
                    a.file.get_ref(),
                    a.code.get_ref()
                ),
                ..codes::UNUSED_SUPPRESSION.finding(String::new())
            });
        }
        unused
    }

    /// Every code the config names that is neither a rule of `rules` nor an engine code: a
    /// mistyped code would otherwise be called "unused" and the suppression silently lost.
    pub fn unknown_codes(&self, rules: &[&str]) -> Vec<Problem> {
        let known = |c: &str| rules.contains(&c) || codes::lookup(c).is_some();
        let mut named: Vec<(&str, Span)> = Vec::new();
        fn spanned(c: &Spanned<String>) -> (&str, Span) {
            (c.get_ref().as_str(), span(c))
        }
        named.extend(self.config.ignore.iter().map(spanned));
        named.extend(self.config.per_file_ignores.values().flatten().map(spanned));
        if let Some(w) = &self.config.warnings_as_errors {
            if let WarningsAsErrors::Codes(c) = w.get_ref() {
                named.extend(c.iter().map(|c| (c.as_str(), span(w))));
            }
        }
        named.extend(self.config.accept.iter().map(|a| spanned(&a.code)));
        let candidates: Vec<&str> = rules
            .iter()
            .copied()
            .chain(codes::ALL.iter().map(|c| c.code))
            .collect();
        named
            .into_iter()
            .filter(|(c, _)| !known(c))
            .map(|(c, at)| {
                let help = crate::text::did_you_mean(c, candidates.iter().copied())
                    .map(|near| format!("是否想写“{near}”？ Did you mean `{near}`?"));
                Problem::new(
                    DiagKind::Config,
                    &self.file,
                    Some(at),
                    format!("没有代码为“{c}”的规则 (unknown code)"),
                )
                .with_label("未知代码")
                .with_help(help)
            })
            .collect()
    }
}
