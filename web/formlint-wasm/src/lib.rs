//! formlint in the browser: a wasm-bindgen binding of the engine for the static page in `web/`
//! and for filing portals (docs/embedding.md). It only wires the library's public pipeline —
//! `run::check_chosen` with a `pack::PackChoice`, the report `Emitter`, `annotate_xlsx`, the rule
//! tests — to bytes and strings, so the page gets exactly what `formlint check` gets.
//!
//! Results cross to JavaScript as JSON text (the JSON report document of
//! docs/report.schema.json for checks), bytes as `Uint8Array`.

mod diag;
mod packfiles;

pub use packfiles::PackFiles;

use formlint::config::{self, Suppressions};
use formlint::outcome::{FileReport, RuleMeta, Ruleset};
use formlint::pack::{self, Pack, PackChoice};
use formlint::report::{Emitter, Format, HumanOptions, RunInfo};
use formlint::run::{self, CheckOptions, Checked};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The message of the last panic. In WebAssembly a panic aborts the module (the command line's
/// per-file X015 isolation cannot catch it), so the hook keeps the message for the worker to
/// report before it starts a fresh module.
static LAST_PANIC: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

fn keep_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let why = run::panic_text(info.payload());
            let at = info
                .location()
                .map(|l| format!(" ({}:{})", l.file(), l.line()))
                .unwrap_or_default();
            if let Ok(mut last) = LAST_PANIC.lock() {
                *last = format!("{why}{at}");
            }
        }));
    });
}

/// The message of the panic that aborted the module, if any (read it after a trap).
#[wasm_bindgen]
pub fn last_panic() -> String {
    LAST_PANIC.lock().map(|s| s.clone()).unwrap_or_default()
}

/// Panics, for the browser test of what happens after a trap (the worker's restart). Not API.
#[wasm_bindgen]
pub fn trap_for_tests() {
    panic!("故意的 panic (trap_for_tests)");
}

/// Why `formlint check DIR` would not check a file of this name found in a folder (a lock
/// file, a hidden file, not a spreadsheet), or nothing when it would.
#[wasm_bindgen]
pub fn skip_reason(file_name: &str) -> Option<String> {
    run::skip_reason(file_name.rsplit('/').next().unwrap_or(file_name))
}

/// The formlint version the reports name.
#[wasm_bindgen]
pub fn version() -> String {
    keep_panics();
    // the JSON report's own `version`, so the two never disagree
    let doc = formlint::report::render_json(
        &Ruleset {
            name: String::new(),
            version: String::new(),
        },
        &[],
    );
    serde_json::from_str::<serde_json::Value>(&doc)
        .ok()
        .and_then(|v| v.get("version")?.as_str().map(str::to_string))
        .unwrap_or_default()
}

#[derive(Serialize)]
struct PackInfo {
    name: String,
    version: String,
    title: String,
    description: String,
    fiscal_years: Vec<i32>,
    default: bool,
}

impl PackInfo {
    fn of(p: &Pack) -> PackInfo {
        let m = &p.manifest;
        PackInfo {
            name: m.name.clone(),
            version: m.version.clone(),
            title: m.title.clone(),
            description: m.description.trim().to_string(),
            fiscal_years: m.fiscal_years.clone(),
            default: m.name == pack::DEFAULT_PACK,
        }
    }
}

/// The built-in packs (JSON array: name, version, title, description, fiscal_years, default),
/// the default first.
#[wasm_bindgen]
pub fn builtin_packs() -> Result<String, JsError> {
    let mut out = Vec::new();
    for name in pack::embedded_names() {
        let (files, prefix) = pack::embedded_files(name).map_err(err)?;
        let p = pack::load(&files, &prefix).map_err(|e| JsError::new(&diag::render(&e)))?;
        out.push(PackInfo::of(&p));
    }
    Ok(json(&out))
}

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// A check session: the pack choice (a built-in pack, the built-in pack for each file's fiscal
/// year, or a loaded pack), an optional formlint.toml, and the files checked so far, from which
/// the reports of every format are rendered as `formlint check` renders them.
#[wasm_bindgen]
pub struct Engine {
    choice: PackChoice,
    ruleset: Ruleset,
    rules: Vec<RuleMeta>,
    info: PackInfo,
    config: Option<(String, String)>,
    suppressions: Option<Suppressions>,
    opts: CheckOptions,
    checked: Vec<Checked>,
    /// Files of a picked folder not checked, with why (as `formlint check DIR` lists them).
    skipped: Vec<formlint::outcome::Skipped>,
}

#[wasm_bindgen]
impl Engine {
    /// A session with the built-in packs, as `formlint check [--rules NAME] [--year YEAR]`:
    /// `pack` (`NAME[@VERSION]`) wins, else the pack for `year`, else the built-in pack for
    /// the fiscal year each file states (the default pack when it states none).
    #[wasm_bindgen(constructor)]
    pub fn new(pack: Option<String>, year: Option<i32>) -> Result<Engine, JsError> {
        let choice = match pack.as_deref().filter(|p| !p.is_empty()) {
            Some(spec) => {
                let (files, prefix) = pack::embedded_files(spec).map_err(err)?;
                let p = pack::load(&files, &prefix).map_err(|e| JsError::new(&diag::render(&e)))?;
                PackChoice::fixed(p).map_err(err)?
            }
            None => PackChoice::builtin(year).map_err(|e| match e {
                pack::ChoiceError::Pack(e) => JsError::new(&diag::render(&*e)),
                e => err(e),
            })?,
        };
        Ok(Engine::of(choice))
    }

    /// A session with a loaded pack (as `formlint check --rules DIR`); the error is the
    /// pack's problems as the command line prints them (use `PackFiles.check` for them as data).
    pub fn with_pack(files: &PackFiles) -> Result<Engine, JsError> {
        let p = files.load().map_err(|e| JsError::new(&diag::render(&e)))?;
        Ok(Engine::of(PackChoice::fixed(p).map_err(err)?))
    }

    fn of(choice: PackChoice) -> Engine {
        let main = choice.main();
        Engine {
            ruleset: Ruleset {
                name: main.manifest.name.clone(),
                version: main.manifest.version.clone(),
            },
            rules: main.rule_meta(),
            info: PackInfo::of(main),
            choice,
            config: None,
            suppressions: None,
            opts: CheckOptions::default(),
            checked: Vec::new(),
            skipped: Vec::new(),
        }
    }

    /// The run's pack (JSON: name, version, title, description, fiscal_years, default, rules).
    pub fn pack_info(&self) -> String {
        #[derive(Serialize)]
        struct Rule<'a> {
            code: &'a str,
            severity: formlint::finding::Severity,
            title: &'a str,
        }
        #[derive(Serialize)]
        struct Info<'a> {
            #[serde(flatten)]
            info: &'a PackInfo,
            by_year: bool,
            rules: Vec<Rule<'a>>,
        }
        json(&Info {
            info: &self.info,
            by_year: !self.choice.is_fixed(),
            rules: self
                .rules
                .iter()
                .map(|r| Rule {
                    code: &r.code,
                    severity: r.severity,
                    title: &r.title,
                })
                .collect(),
        })
    }

    /// A formlint.toml for the files checked from now on (`path` is how it is named in
    /// findings); `None` removes it. Its `rules` key is not followed here: choose the pack
    /// when making the session.
    pub fn set_config(
        &mut self,
        path: Option<String>,
        text: Option<String>,
    ) -> Result<(), JsError> {
        self.config = match (path, text) {
            (Some(p), Some(t)) => Some((p, t)),
            (None, Some(t)) => Some((config_name(), t)),
            _ => None,
        };
        self.reset_suppressions()
    }

    /// The pack a formlint.toml names with its `rules` key, if any.
    pub fn config_rules(text: &str) -> Option<String> {
        config::parse(&config_name(), text)
            .ok()?
            .rules()
            .map(str::to_string)
    }

    fn reset_suppressions(&mut self) -> Result<(), JsError> {
        self.suppressions = match &self.config {
            Some((p, t)) => {
                let s = config::parse(p, t).map_err(err)?;
                // as the command line: a code no pack in use has is a mistake, not "unused"
                let codes: Vec<String> = self
                    .choice
                    .packs()
                    .iter()
                    .flat_map(|p| p.rule_meta().into_iter().map(|r| r.code))
                    .collect();
                let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
                if let Some(unknown) = s.unknown_codes(&codes).first() {
                    return Err(JsError::new(&unknown.one_line()));
                }
                Some(s)
            }
            None => None,
        };
        Ok(())
    }

    /// The encoding of CSV input (`utf-8`, `gbk`, `gb18030`); detected when `None`.
    pub fn set_encoding(&mut self, encoding: Option<String>) {
        self.opts.csv_encoding = encoding.filter(|e| !e.is_empty());
    }

    /// Checks one file (its name's extension picks the reader) with the pack chosen for it,
    /// keeps it for the reports, and returns its JSON report document.
    pub fn check(&mut self, name: &str, bytes: &[u8]) -> String {
        let checked = self.check_one(name, bytes);
        let doc = self.render(Format::Json, std::slice::from_ref(&checked), false);
        self.checked.push(checked);
        doc
    }

    fn check_one(&self, name: &str, bytes: &[u8]) -> Checked {
        let mut checked = run::check_chosen(&self.choice, name, bytes, &self.opts);
        if let Some(s) = &self.suppressions {
            s.apply(&mut checked.report);
        }
        checked
    }

    /// How many files are kept.
    pub fn len(&self) -> usize {
        self.checked.len()
    }

    /// Whether no file is kept.
    pub fn is_empty(&self) -> bool {
        self.checked.is_empty()
    }

    /// A file found in a picked folder that `formlint check DIR` would not check (a lock file,
    /// a hidden file, not a spreadsheet): kept for the reports' skipped list; `true` if so.
    pub fn skip(&mut self, name: &str) -> bool {
        let base = name.rsplit('/').next().unwrap_or(name);
        match run::skip_reason(base) {
            Some(reason) => {
                self.skipped.push(formlint::outcome::Skipped {
                    path: name.to_string(),
                    reason,
                });
                true
            }
            None => false,
        }
    }

    /// Forgets the files checked (and which suppressions were used).
    pub fn clear(&mut self) -> Result<(), JsError> {
        self.checked.clear();
        self.skipped.clear();
        self.reset_suppressions()
    }

    /// The report of every kept file in `format` (`json`, `csv`, `html`, `sarif`, `junit`,
    /// `github`, `human`), as `formlint check --format FORMAT` writes it, unused suppressions
    /// of the formlint.toml last.
    pub fn report(&self, format: &str) -> Result<String, JsError> {
        let format = match format {
            "json" => Format::Json,
            "csv" => Format::Csv,
            "html" => Format::Html,
            "sarif" => Format::Sarif,
            "junit" => Format::Junit,
            "github" => Format::Github,
            "human" | "text" => Format::Human,
            other => return Err(err(format!("未知的报告格式 {other}"))),
        };
        Ok(self.render(format, &self.checked, true))
    }

    fn render(&self, format: Format, files: &[Checked], with_unused: bool) -> String {
        let mut emitter = Emitter::new(
            format,
            RunInfo {
                ruleset: &self.ruleset,
                rules: &self.rules,
                human: HumanOptions {
                    width: 100,
                    color: false,
                },
                quiet: false,
                statistics: false,
                show_accepted: false,
            },
        );
        let mut out = String::new();
        let mut push = |piece: &str| out.push_str(piece);
        emitter.begin(&mut push);
        let sheet_use = emitter.sheet_use();
        // the whole batch's report runs the cross-check, as `formlint check DIR` does
        let mut reports: Vec<FileReport> = files.iter().map(|c| c.report.clone()).collect();
        if let (true, Some(cross)) = (with_unused, self.choice.crosscheck(None)) {
            let forms: Vec<formlint::form::FiledForm> = files
                .iter()
                .flat_map(|c| formlint::crosscheck::filed(&c.report, &c.forms))
                .collect();
            let mut refs: Vec<&mut FileReport> = reports.iter_mut().collect();
            formlint::crosscheck::add_to(cross, &forms, &mut refs, &|more: &mut FileReport| {
                if let Some(s) = &self.suppressions {
                    s.apply(more);
                }
            });
        }
        for (c, report) in files.iter().zip(reports) {
            let kept = sheet_use.take(&report, &c.sheets);
            emitter.file(report, kept, &mut push);
        }
        if with_unused {
            for s in &self.skipped {
                emitter.skipped(s.clone());
            }
        }
        if let (true, Some(s)) = (with_unused, &self.suppressions) {
            let unused = s.unused();
            if !unused.is_empty() {
                emitter.file_without_sheets(
                    FileReport {
                        checked: Vec::new(),
                        accepted: Vec::new(),
                        path: s.path.clone(),
                        forms: 0,
                        findings: unused,
                    },
                    &mut push,
                );
            }
        }
        emitter.finish(&mut push);
        out
    }

    /// The annotated copy of an `.xlsx`/`.xlsm` workbook (docs/annotate.md), from checking it
    /// as [`Engine::check`] would (the file is not kept).
    pub fn annotate(&self, name: &str, bytes: &[u8]) -> Result<Vec<u8>, JsError> {
        let lower = name.to_lowercase();
        if !(lower.ends_with(".xlsx") || lower.ends_with(".xlsm")) {
            return Err(err("只能为 .xlsx/.xlsm 工作簿生成批注副本"));
        }
        let checked = self.check_one(name, bytes);
        let findings = &checked.report.findings;
        if let Some(f) = findings.iter().find(|f| {
            f.code == formlint::codes::UNREADABLE.code || f.code == formlint::codes::ENCRYPTED.code
        }) {
            return Err(err(format!("{} {}：{}", f.code, f.title, f.message)));
        }
        formlint::annotate::annotate_report(bytes, &checked.report).map_err(err)
    }
}

fn config_name() -> String {
    "formlint.toml".to_string()
}
