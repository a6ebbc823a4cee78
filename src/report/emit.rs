//! Every report format behind one interface, so a run writes its report the same way whatever
//! `--format` says: [`Emitter::new`] picks the format, then [`Emitter::begin`], one
//! [`Emitter::file`] per file in input order, and [`Emitter::finish`], each handing its text to
//! an `out` callback (a terminal, a pipe or a buffer: the caller decides).
//!
//! Formats that can stream write as each file completes: human (its miette reports), JSON
//! ([`JsonWriter`]), GitHub workflow commands and CSV rows. JUnit renders each file's
//! `<testsuite>` at once but holds the text, because its root element states the totals first.
//! SARIF (whose rule list depends on every code that occurred) and HTML (one page with totals
//! at the top) keep the reports, and HTML the sheets, until the end.
//!
//! A batch checks files on worker threads and drops each form's cells there, so what a format
//! needs from the sheets is taken on the worker: [`Emitter::sheet_use`] says what, as plain data
//! that crosses threads, and [`SheetUse::take`] takes it.

use super::{
    csv, github, junit, render_human, render_sarif, render_statistics_of, render_summary_of,
    FileReport, HumanOptions, JsonWriter, RuleMeta, Ruleset, Skipped, Totals,
};
use crate::sheet::Sheet;

/// A report format, as `formlint check --format` names it (docs/formats.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// miette reports with a snippet of the sheet, then the summary line.
    Human,
    /// One JSON document (docs/json-report.md).
    Json,
    /// A SARIF 2.1.0 log for code-scanning dashboards.
    Sarif,
    /// JUnit XML for CI test views.
    Junit,
    /// GitHub Actions workflow commands.
    Github,
    /// One CSV row per finding.
    Csv,
    /// One self-contained HTML page (docs/html-report.md).
    Html,
}

/// What the formats need to know about the run before its first file.
#[derive(Debug, Clone, Copy)]
pub struct RunInfo<'r> {
    /// The pack the run checks with (named by JSON, SARIF, JUnit and HTML).
    pub ruleset: &'r Ruleset,
    /// The pack's rules: SARIF lists them as the driver's rules.
    pub rules: &'r [RuleMeta],
    /// How to draw human output.
    pub human: HumanOptions,
    /// Human output: only the summary line, no findings.
    pub quiet: bool,
    /// `--statistics`: human output ends with the counts per code; other formats leave them to
    /// [`Emitter::statistics_aside`].
    pub statistics: bool,
    /// `--show-accepted`: human output lists the accepted findings with their reasons before
    /// the summary (which otherwise only counts them).
    pub show_accepted: bool,
}

/// What a format takes from a file's sheets before they are dropped (the sheets are by far the
/// largest part of a checked file, so a batch keeps only this).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetUse {
    /// Nothing: the report alone will do (JSON, SARIF, GitHub, CSV, quiet human output).
    Nothing,
    /// The human report, rendered at once with snippets of the sheets.
    Snippets(HumanOptions),
    /// The sheets' names (JUnit names a testcase after each form).
    Names,
    /// The whole sheets (HTML draws them as grids).
    Whole,
}

/// What [`SheetUse::take`] kept of one file for its format.
#[derive(Debug, Clone, Default)]
pub enum FromSheets {
    /// Nothing kept.
    #[default]
    Nothing,
    /// The file's human report; absent when it has no findings.
    Text(Option<String>),
    /// The names of the file's sheets, in workbook order.
    Names(Vec<String>),
    /// The file's sheets.
    Sheets(Vec<Sheet>),
}

impl SheetUse {
    /// Takes what the format needs of a checked file while its sheets are still there.
    pub fn take(self, report: &FileReport, sheets: &[Sheet]) -> FromSheets {
        match self {
            SheetUse::Nothing => FromSheets::Nothing,
            SheetUse::Snippets(opts) => FromSheets::Text(
                (!report.findings.is_empty()).then(|| render_human(report, sheets, &opts)),
            ),
            SheetUse::Names => FromSheets::Names(sheets.iter().map(|s| s.name.clone()).collect()),
            SheetUse::Whole => FromSheets::Sheets(sheets.to_vec()),
        }
    }
}

/// Writes one run's report in one format, file by file, and keeps the run's [`Totals`] (the
/// summary line, statistics and exit code need them whatever the format).
pub struct Emitter<'r> {
    state: State<'r>,
    sheet_use: SheetUse,
    totals: Totals,
    /// Whether `--statistics` was asked for.
    statistics: bool,
    /// Whether the report is for people (human), so the statistics belong at its end.
    human: bool,
    /// Human output: only the summary line.
    quiet: bool,
    /// Human output with `--show-accepted`: the accepted findings so far, with their files.
    accepted: Option<Vec<(String, crate::outcome::Accepted)>>,
}

/// Each format's state between files: what it must still write at the end, and no more.
enum State<'r> {
    /// Writes each file's report as it comes, the summary at the end.
    Human,
    /// Writes each file's findings as they come; keeps the per-file counts.
    Json(JsonWriter<'r>),
    /// Keeps every report: the rule list before the results depends on all of them.
    Sarif {
        ruleset: &'r Ruleset,
        rules: &'r [RuleMeta],
        reports: Vec<FileReport>,
    },
    /// Keeps the rendered suites until the totals are known.
    Junit(junit::Suites<'r>),
    /// Writes each file's commands as they come.
    Github,
    /// Writes each file's rows as they come.
    Csv,
    /// Keeps every report with its sheets for the one page.
    Html {
        ruleset: &'r Ruleset,
        files: Vec<(FileReport, Vec<Sheet>)>,
    },
}

impl<'r> Emitter<'r> {
    /// The emitter for `format` in a run described by `run`.
    pub fn new(format: Format, run: RunInfo<'r>) -> Self {
        let (state, sheet_use) = match format {
            Format::Human if run.quiet => (State::Human, SheetUse::Nothing),
            Format::Human => (State::Human, SheetUse::Snippets(run.human)),
            Format::Json => (State::Json(JsonWriter::new(run.ruleset)), SheetUse::Nothing),
            Format::Sarif => (
                State::Sarif {
                    ruleset: run.ruleset,
                    rules: run.rules,
                    reports: Vec::new(),
                },
                SheetUse::Nothing,
            ),
            Format::Junit => (
                State::Junit(junit::Suites::new(run.ruleset)),
                SheetUse::Names,
            ),
            Format::Github => (State::Github, SheetUse::Nothing),
            Format::Csv => (State::Csv, SheetUse::Nothing),
            Format::Html => (
                State::Html {
                    ruleset: run.ruleset,
                    files: Vec::new(),
                },
                SheetUse::Whole,
            ),
        };
        Emitter {
            state,
            sheet_use,
            totals: Totals::default(),
            statistics: run.statistics,
            human: format == Format::Human,
            quiet: run.quiet,
            accepted: (format == Format::Human && run.show_accepted).then(Vec::new),
        }
    }

    /// Keeps what the format may only write at the end (JSON's `files` member) in `store`
    /// instead of memory; other formats ignore it.
    pub fn keep_in(&mut self, store: Box<dyn super::Spill + 'r>) {
        if let State::Json(w) = &mut self.state {
            w.keep_files_in(store);
        }
    }

    /// What this format needs from each file's sheets; hand it to the workers.
    pub fn sheet_use(&self) -> SheetUse {
        self.sheet_use
    }

    /// Writes the start of the report (JSON's head, CSV's header row).
    pub fn begin(&mut self, out: &mut dyn FnMut(&str)) {
        match &self.state {
            State::Json(w) => out(&w.head()),
            State::Csv => out(&csv::head()),
            _ => {}
        }
    }

    /// Takes one file's report, in input order, with what [`SheetUse::take`] kept of it: writes
    /// what the format can write now and counts the file.
    pub fn file(&mut self, report: FileReport, kept: FromSheets, out: &mut dyn FnMut(&str)) {
        self.totals.add(&report);
        if let Some(list) = &mut self.accepted {
            list.extend(
                report
                    .accepted
                    .iter()
                    .map(|a| (report.path.clone(), a.clone())),
            );
        }
        match &mut self.state {
            State::Human => {
                if let FromSheets::Text(Some(text)) = kept {
                    out(&format!("{text}\n"));
                }
            }
            State::Json(w) => out(&w.file(&report)),
            State::Sarif { reports, .. } => reports.push(report),
            State::Junit(suites) => {
                let names = match kept {
                    FromSheets::Names(names) => names,
                    _ => Vec::new(),
                };
                suites.add(&report, &names);
            }
            State::Github => out(&github::annotations(&report)),
            State::Csv => out(&csv::rows(&report)),
            State::Html { files, .. } => {
                let sheets = match kept {
                    FromSheets::Sheets(sheets) => sheets,
                    _ => Vec::new(),
                };
                files.push((report, sheets));
            }
        }
    }

    /// Takes a report that has no sheets (a path that could not be checked, unused
    /// suppressions), as [`Emitter::file`] does.
    pub fn file_without_sheets(&mut self, report: FileReport, out: &mut dyn FnMut(&str)) {
        let kept = self.sheet_use.take(&report, &[]);
        self.file(report, kept, out);
    }

    /// A file found but not checked (a folder scan's PDF, lock file, hidden file): counted, and
    /// listed by the human summary and the JSON report's `skipped`.
    pub fn skipped(&mut self, skipped: Skipped) {
        if let State::Json(w) = &mut self.state {
            w.skip(&skipped);
        }
        self.totals.skipped.push(skipped);
    }

    /// What the run has counted so far.
    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// Writes the rest of the report: the human summary (and statistics), the end of the JSON
    /// document, or the whole SARIF log, JUnit document or HTML page. Returns the run's totals.
    pub fn finish(self, out: &mut dyn FnMut(&str)) -> Totals {
        match self.state {
            State::Human => {
                if !self.quiet && !self.totals.skipped.is_empty() {
                    out(&render_skipped(&self.totals.skipped));
                }
                match &self.accepted {
                    Some(list) if !list.is_empty() => {
                        out(&super::render_accepted(list));
                        out(&format!("{}\n", super::summary_line(&self.totals, false)));
                    }
                    _ => out(&format!("{}\n", render_summary_of(&self.totals))),
                }
                if self.statistics {
                    out(&render_statistics_of(&self.totals));
                }
            }
            State::Json(mut w) => {
                w.finish(out);
                out("\n");
            }
            State::Sarif {
                ruleset,
                rules,
                reports,
            } => out(&format!("{}\n", render_sarif(ruleset, rules, &reports))),
            State::Junit(suites) => out(&suites.finish()),
            State::Github | State::Csv => {}
            State::Html { ruleset, files } => out(&super::html::render_html_with_skipped(
                ruleset,
                &files,
                &self.totals.skipped,
            )),
        }
        self.totals
    }

    /// The `--statistics` lines that go beside the report rather than in it (to stderr): those
    /// of every format but human, whose report ends with them. Empty when not asked for.
    pub fn statistics_aside(&self) -> String {
        if self.statistics && !self.human {
            render_statistics_of(&self.totals)
        } else {
            String::new()
        }
    }
}

/// The human report's list of files found but not checked, before its summary line.
fn render_skipped(skipped: &[Skipped]) -> String {
    let mut out = format!("跳过 {} 个（未检查）：\n", skipped.len());
    for s in skipped {
        out.push_str(&format!(
            "  {}：{}\n",
            super::escape_controls(&s.path),
            s.reason
        ));
    }
    out
}
