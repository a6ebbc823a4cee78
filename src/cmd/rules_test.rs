//! `formlint rules test DIR`: runs the rule tests in DIR/tests/*.yaml against the pack in DIR
//! and prints a `cargo test`-like report. Exit 0: all passed; 1: a test failed or a test file
//! is malformed; 2: the pack or the tests folder could not be read.

use crate::cmd::packs;
use formlint::ruletest::{self, CaseResult};
use std::path::Path;
use std::process::ExitCode;

/// Runs `rules test`.
pub fn run(dir: &Path) -> ExitCode {
    let spec = dir.to_string_lossy().to_string();
    if !dir.is_dir() {
        eprintln!("error: 找不到规则包目录 {spec} (no such folder)");
        return ExitCode::from(2);
    }
    let pack = match packs::load(Some(&spec)) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let tests_dir = dir.join("tests");
    let mut files: Vec<_> = match std::fs::read_dir(&tests_dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect(),
        Err(e) => {
            eprintln!(
                "error: 无法读取规则测试目录 {}：{e} (rule tests live in DIR/tests/*.yaml)",
                tests_dir.display()
            );
            return ExitCode::from(2);
        }
    };
    files.sort();
    let mut results: Vec<CaseResult> = Vec::new();
    let mut broken = 0;
    for path in &files {
        let Some((shown, text)) = crate::cmd::read_shown(path) else {
            broken += 1;
            continue;
        };
        let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let load = |rel: &str| std::fs::read(base.join(rel)).map_err(|e| e.to_string());
        match ruletest::run_file(&pack, &shown, &text, &load) {
            Ok(r) => results.extend(r),
            Err(e) => {
                eprintln!("{}", packs::render_diagnostic(e.as_ref()));
                broken += 1;
            }
        }
    }
    print!("{}", ruletest::render(&results, broken));
    if ruletest::summarize(&results).failed + broken > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
