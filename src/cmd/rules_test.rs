//! `formlint rules test DIR`: runs the rule tests in DIR/tests/*.yaml against the pack in DIR
//! and prints a `cargo test`-like report. Exit 0: all passed; 1: a test failed or a test file
//! is malformed; 2: the pack or the tests folder could not be read.
//!
//! `--update` (the insta way): after the report, rewrites the `expect` of every test that
//! failed only because its findings differ, shows each change as a diff, runs the rewritten
//! files again and exits 0 when they pass.

use crate::cmd::packs;
use formlint::pack::Pack;
use formlint::ruletest::{self, update, CaseResult, Outcome};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// One test file as read, and its results.
struct Ran {
    path: PathBuf,
    shown: String,
    text: String,
    results: Vec<CaseResult>,
}

/// Runs the tests of one file; a malformed file is printed and gives `None`.
fn run_one(pack: &Pack, path: &Path, shown: &str, text: &str) -> Option<Vec<CaseResult>> {
    let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    let load = |rel: &str| std::fs::read(base.join(rel)).map_err(|e| e.to_string());
    match ruletest::run_file(pack, shown, text, &load) {
        Ok(r) => Some(r),
        Err(e) => {
            eprintln!("{}", packs::render_diagnostic(e.as_ref()));
            None
        }
    }
}

/// Runs `rules test`; with `update`, rewrites the expectations of failing tests.
pub fn run(dir: &Path, update: bool) -> ExitCode {
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
    let mut ran: Vec<Ran> = Vec::new();
    let mut broken = 0;
    for path in &files {
        let Some((shown, text)) = crate::cmd::read_shown(path) else {
            broken += 1;
            continue;
        };
        match run_one(&pack, path, &shown, &text) {
            Some(results) => ran.push(Ran {
                path: path.clone(),
                shown,
                text,
                results,
            }),
            None => broken += 1,
        }
    }
    let results: Vec<CaseResult> = ran.iter().flat_map(|r| r.results.clone()).collect();
    // with --update, a failure that gets rewritten is shown as its diff below instead
    let explain = |r: &CaseResult| !update || r.proposal.is_none();
    let report = ruletest::render_explaining(&results, broken, &explain);
    // a closed pipe (`… | head`) is no reason to stop, least of all before an update
    let _ = std::io::Write::write_all(&mut std::io::stdout(), report.as_bytes());
    let failed = ruletest::summarize(&results).failed + broken;
    if update && failed > 0 {
        return update_files(&pack, &ran, broken);
    }
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Rewrites the failing tests' `expect`, prints the diffs and a summary, runs the rewritten
/// files again. Exit 0 when every test now passes. Every file is written before anything is
/// printed, so a closed pipe (`… | head`) cannot leave the update half done.
fn update_files(pack: &Pack, ran: &[Ran], broken: usize) -> ExitCode {
    use std::fmt::Write as _;
    let mut out = String::from("\n更新期望结果 (updating expected findings):\n");
    let mut updated: Vec<(String, usize)> = Vec::new();
    let mut not_updated: Vec<String> = Vec::new();
    let mut still_failing = broken;
    for r in ran {
        let failing = r
            .results
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Failed(_)));
        let mut changes = Vec::new();
        for c in failing {
            match &c.proposal {
                Some(p) => changes.push((c.label.clone(), p)),
                None => not_updated.push(format!("{}（{}）", c.label, c.at)),
            }
        }
        if changes.is_empty() {
            continue;
        }
        let (text, done) = match update::rewrite(&r.shown, &r.text, &changes) {
            Ok(x) => x,
            Err(e) => {
                eprintln!("error: {}：{e}", r.shown);
                not_updated.extend(changes.iter().map(|(l, _)| format!("{l}（{}）", r.shown)));
                continue;
            }
        };
        if let Err(e) = std::fs::write(&r.path, &text) {
            eprintln!("error: 无法写入 {}：{e}", r.shown);
            not_updated.extend(changes.iter().map(|(l, _)| format!("{l}（{}）", r.shown)));
            continue;
        }
        for d in &done {
            let _ = write!(
                out,
                "\n---- {} ({}) ----\n{}",
                d.label,
                r.shown,
                update::diff(&d.old, &d.new)
            );
        }
        updated.push((r.shown.clone(), done.len()));
        // the rewritten file, run again: what the next `rules test` will say
        match run_one(pack, &r.path, &r.shown, &text) {
            Some(again) => still_failing += ruletest::summarize(&again).failed,
            None => still_failing += 1,
        }
    }
    let n: usize = updated.iter().map(|(_, n)| n).sum();
    let files: Vec<String> = updated
        .iter()
        .map(|(f, n)| format!("{f}（{n} 个）"))
        .collect();
    out.push('\n');
    if n > 0 {
        let _ = writeln!(
            out,
            "已更新 {n} 个测试的期望结果，涉及 {} 个文件：{} (updated {n} tests)",
            files.len(),
            files.join("、")
        );
        out.push_str("请逐条复核上面的差异：它们就是这次修改带来的变化。\n");
    } else {
        out.push_str("没有可以更新的测试 (nothing updated)\n");
    }
    if !not_updated.is_empty() {
        let _ = writeln!(
            out,
            "未更新 {} 个测试（测试本身写法有误或无法运行，请手工修改）：{}",
            not_updated.len(),
            not_updated.join("、")
        );
    }
    // a reader that went away (a closed pipe) must not turn into a panic
    let _ = std::io::Write::write_all(&mut std::io::stdout(), out.as_bytes());
    if still_failing + not_updated.len() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
