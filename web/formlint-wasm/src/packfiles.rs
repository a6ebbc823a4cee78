//! A rule pack as the page holds it: files by path inside the pack folder (`pack.yaml`,
//! `weights.rules`, `tests/basics.yaml`, `tests/forms/P1.xlsx`), opened from a built-in pack,
//! a folder or a zip, edited, checked (`formlint rules check`), tested (`formlint rules test`)
//! and saved as a zip.

use crate::diag::{self, Diag};
use crate::{err, json};
use formlint::pack::{self, Pack, PackError};
use formlint::ruletest::{self, CaseResult, Outcome};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use wasm_bindgen::prelude::*;

include!(concat!(env!("OUT_DIR"), "/pack_folders.rs"));

/// Most bytes one file of a pack may have, and a whole pack (a zip bomb stops here).
const MAX_FILE: u64 = 16 << 20;
const MAX_TOTAL: u64 = 64 << 20;

/// A pack's files, by path inside its folder.
#[wasm_bindgen]
pub struct PackFiles {
    prefix: String,
    files: BTreeMap<String, Vec<u8>>,
}

#[derive(Serialize)]
struct FileEntry<'a> {
    name: &'a str,
    size: usize,
    text: bool,
}

#[derive(Serialize)]
struct CheckResult {
    ok: bool,
    name: Option<String>,
    version: Option<String>,
    rules: usize,
    errors: usize,
    warnings: usize,
    diagnostics: Vec<Diag>,
    /// Everything as the command line prints it.
    text: String,
}

#[derive(Serialize)]
struct TestCase<'a> {
    label: &'a str,
    at: &'a str,
    /// `passed`, `failed` or `skipped`.
    status: &'static str,
    detail: Option<&'a str>,
}

#[derive(Serialize)]
struct TestResult<'a> {
    ok: bool,
    passed: usize,
    failed: usize,
    skipped: usize,
    cases: Vec<TestCase<'a>>,
    diagnostics: Vec<Diag>,
    text: String,
}

/// `a/b/../c` → `a/c`; `None` when it climbs out of the pack.
fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[wasm_bindgen]
impl PackFiles {
    /// An empty pack whose files are shown as `PREFIX<name>` (e.g. `my-pack/`).
    #[wasm_bindgen(constructor)]
    pub fn new(prefix: String) -> PackFiles {
        PackFiles {
            prefix,
            files: BTreeMap::new(),
        }
    }

    /// A copy of a built-in pack's whole folder (rules, layout, tests and their forms), shown
    /// as `NAME/`.
    pub fn builtin(name: &str) -> Result<PackFiles, JsError> {
        let (_, files) = PACK_FOLDERS
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| {
                err(format!(
                    "找不到内置规则包“{name}”（内置：{}）",
                    pack::embedded_names().join("、")
                ))
            })?;
        Ok(PackFiles {
            prefix: format!("{name}/"),
            files: files
                .iter()
                .map(|(n, b)| (n.to_string(), b.to_vec()))
                .collect(),
        })
    }

    /// A pack from a zip: the folder holding the shallowest `pack.yaml` is the pack's root.
    pub fn from_zip(bytes: &[u8], name: &str) -> Result<PackFiles, JsError> {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| err(format!("无法读取压缩包 {name}：{e}")))?;
        let mut all = BTreeMap::new();
        let mut total = 0u64;
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).map_err(err)?;
            if f.is_dir() {
                continue;
            }
            let Some(path) = f.enclosed_name().map(|p| p.to_string_lossy().replace('\\', "/"))
            else {
                continue;
            };
            let mut data = Vec::new();
            (&mut f).take(MAX_FILE + 1).read_to_end(&mut data).map_err(err)?;
            total += data.len() as u64;
            if data.len() as u64 > MAX_FILE || total > MAX_TOTAL {
                return Err(err(format!("压缩包 {name} 中的文件过大，不像是规则包")));
            }
            all.insert(path, data);
        }
        let root = all
            .keys()
            .filter(|k| *k == "pack.yaml" || k.ends_with("/pack.yaml"))
            .min_by_key(|k| k.matches('/').count())
            .map(|k| k.trim_end_matches("pack.yaml").to_string())
            .ok_or_else(|| err(format!("压缩包 {name} 中没有 pack.yaml，不是规则包")))?;
        let stem = name.trim_end_matches(".zip").trim_end_matches(".ZIP");
        let prefix = if root.is_empty() {
            format!("{stem}/")
        } else {
            root.clone()
        };
        Ok(PackFiles {
            prefix,
            files: all
                .into_iter()
                .filter_map(|(k, v)| k.strip_prefix(&root).map(|k| (k.to_string(), v)))
                .collect(),
        })
    }

    /// How file names are shown (`my-pack/`).
    pub fn prefix(&self) -> String {
        self.prefix.clone()
    }

    /// Sets (adds or replaces) a file.
    pub fn set(&mut self, name: &str, bytes: Vec<u8>) {
        if let Some(n) = normalize(name) {
            self.files.insert(n, bytes);
        }
    }

    /// Sets a text file.
    pub fn set_text(&mut self, name: &str, text: &str) {
        self.set(name, text.as_bytes().to_vec());
    }

    /// Removes a file.
    pub fn remove(&mut self, name: &str) {
        self.files.remove(name);
    }

    /// A file's bytes.
    pub fn get(&self, name: &str) -> Option<Vec<u8>> {
        self.files.get(name).cloned()
    }

    /// A file's text (`None` when absent or not UTF-8).
    pub fn get_text(&self, name: &str) -> Option<String> {
        String::from_utf8(self.files.get(name)?.clone()).ok()
    }

    /// The files (JSON array: name, size, text), in path order.
    pub fn list(&self) -> String {
        json(
            &self
                .files
                .iter()
                .map(|(n, b)| FileEntry {
                    name: n,
                    size: b.len(),
                    text: std::str::from_utf8(b).is_ok(),
                })
                .collect::<Vec<_>>(),
        )
    }

    /// A copy of this pack (sessions keep their own).
    pub fn copy(&self) -> PackFiles {
        PackFiles {
            prefix: self.prefix.clone(),
            files: self.files.clone(),
        }
    }

    /// The pack as a zip, its files inside the folder `folder`.
    pub fn to_zip(&self, folder: &str) -> Result<Vec<u8>, JsError> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        let folder = folder.trim_matches('/');
        for (name, bytes) in &self.files {
            let path = if folder.is_empty() {
                name.clone()
            } else {
                format!("{folder}/{name}")
            };
            w.start_file(path, options).map_err(err)?;
            w.write_all(bytes).map_err(err)?;
        }
        Ok(w.finish().map_err(err)?.into_inner())
    }

    /// `formlint rules check`: every problem of the pack, or its lint warnings when it loads
    /// (JSON: ok, name, version, rules, errors, warnings, diagnostics, text).
    pub fn check(&self) -> String {
        match self.load() {
            Ok(p) => {
                let warnings = p.program.lint(&p.layout.schema());
                let mut diagnostics = Vec::new();
                let mut text = String::new();
                for w in &warnings {
                    diag::flatten(w, &mut diagnostics);
                    text.push_str(&diag::render(w));
                    text.push('\n');
                }
                let rules = p.program.rules().count();
                text.push_str(&format!(
                    "规则包 {} {} 检查通过：{rules} 条规则，{} 个警告 (pack OK: {rules} rules, {} warnings)\n",
                    p.manifest.name,
                    p.manifest.version,
                    warnings.len(),
                    warnings.len()
                ));
                json(&CheckResult {
                    ok: true,
                    name: Some(p.manifest.name.clone()),
                    version: Some(p.manifest.version.clone()),
                    rules,
                    errors: 0,
                    warnings: diagnostics.len(),
                    diagnostics,
                    text,
                })
            }
            Err(e) => {
                let mut diagnostics = Vec::new();
                diag::flatten(&e, &mut diagnostics);
                json(&CheckResult {
                    ok: false,
                    name: None,
                    version: None,
                    rules: 0,
                    errors: diagnostics.len(),
                    warnings: 0,
                    diagnostics,
                    text: diag::render(&e),
                })
            }
        }
    }

    /// `formlint rules test`: runs `tests/*.yaml` against the pack (JSON: ok, passed, failed,
    /// skipped, cases, diagnostics of test files that could not be read, text).
    pub fn test(&self) -> String {
        let pack = match self.load() {
            Ok(p) => p,
            Err(e) => {
                let mut diagnostics = Vec::new();
                diag::flatten(&e, &mut diagnostics);
                return json(&TestResult {
                    ok: false,
                    passed: 0,
                    failed: 0,
                    skipped: 0,
                    cases: Vec::new(),
                    diagnostics,
                    text: diag::render(&e),
                });
            }
        };
        let mut results: Vec<CaseResult> = Vec::new();
        let mut diagnostics = Vec::new();
        let mut text = String::new();
        let mut broken = 0;
        let tests: Vec<(&String, &Vec<u8>)> = self
            .files
            .iter()
            .filter(|(n, _)| {
                n.strip_prefix("tests/").is_some_and(|rest| {
                    !rest.contains('/') && (rest.ends_with(".yaml") || rest.ends_with(".yml"))
                })
            })
            .collect();
        for (name, bytes) in tests {
            let shown = format!("{}{name}", self.prefix);
            let Ok(source) = std::str::from_utf8(bytes) else {
                text.push_str(&format!("error: 无法读取 {shown}：不是 UTF-8 文本\n"));
                broken += 1;
                continue;
            };
            let load = |rel: &str| {
                normalize(&format!("tests/{rel}"))
                    .and_then(|p| self.files.get(&p).cloned())
                    .ok_or_else(|| "文件不存在 (No such file or directory)".to_string())
            };
            match ruletest::run_file(&pack, &shown, source, &load) {
                Ok(r) => results.extend(r),
                Err(e) => {
                    diag::flatten(&e, &mut diagnostics);
                    text.push_str(&diag::render(&e));
                    text.push('\n');
                    broken += 1;
                }
            }
        }
        text.push_str(&ruletest::render(&results, broken));
        let s = ruletest::summarize(&results);
        let cases = results
            .iter()
            .map(|r| {
                let (status, detail) = match &r.outcome {
                    Outcome::Passed => ("passed", None),
                    Outcome::Failed(why) => ("failed", Some(why.as_str())),
                    Outcome::Skipped(why) => ("skipped", Some(why.as_str())),
                };
                TestCase {
                    label: &r.label,
                    at: &r.at,
                    status,
                    detail,
                }
            })
            .collect();
        json(&TestResult {
            ok: s.failed + broken == 0,
            passed: s.passed,
            failed: s.failed + broken,
            skipped: s.skipped,
            cases,
            diagnostics,
            text,
        })
    }
}

impl PackFiles {
    /// Loads the pack as `formlint --rules DIR` does: the files at the folder's top level; a
    /// base pack in `extends` is a built-in pack (a page has no folders to look in).
    pub fn load(&self) -> Result<Pack, PackError> {
        let top: BTreeMap<String, String> = self
            .files
            .iter()
            .filter(|(n, _)| !n.contains('/'))
            .map(|(n, b)| (n.clone(), String::from_utf8_lossy(b).into_owned()))
            .collect();
        let resolve = |spec: &str| -> Result<(BTreeMap<String, String>, String), String> {
            pack::embedded_files(spec).map_err(|e| {
                format!("{e}（在网页中，基础规则包只能是内置规则包 (in the page, a base pack must be built in)）")
            })
        };
        pack::load_with(&top, &self.prefix, &resolve)
    }
}
