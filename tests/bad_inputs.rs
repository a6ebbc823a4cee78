//! The bad-input corpus (tests/fixtures/bad, made by its make.py; tests/fixtures/bad/README.md):
//! every file, alone and in a batch with good forms, exits 0, 1 or 2 with a complete JSON report
//! that names it and gives coded findings, leaves its bytes unchanged, and has its diagnostic
//! snapshotted. Cases that cannot be committed (FIFOs, devices, symlink loops) are made here.

use crate::common;
use common::{formlint, root};
use std::path::{Path, PathBuf};

/// `(file, kind)` of every committed case, from cases.tsv.
fn cases() -> Vec<(String, String)> {
    let tsv = std::fs::read_to_string(root().join("tests/fixtures/bad/cases.tsv")).expect("tsv");
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            let file = cols.next().expect("file").to_string();
            let kind = cols.next().expect("kind").to_string();
            (file, kind)
        })
        .collect()
}

fn json(stdout: &str) -> serde_json::Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("report is not JSON ({e}): {stdout}"))
}

/// One line per finding: `CODE severity sheet!cell message` (the diagnostic a user sees).
fn diagnostic(report: &serde_json::Value) -> String {
    let mut out = String::new();
    for f in report["findings"].as_array().expect("findings") {
        let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
        let place = match (s("sheet"), s("cell"), s("path")) {
            (sheet, cell, _) if !cell.is_empty() => format!("{sheet}!{cell}"),
            (sheet, _, path) if !path.is_empty() => format!("{sheet} › {path}"),
            (sheet, _, _) => sheet,
        };
        out.push_str(&format!(
            "{} {} {} {}\n",
            s("code"),
            s("severity"),
            place,
            s("message")
        ));
    }
    out
}

/// Runs a JSON check of `paths` and checks what every run must give: a known exit code, a
/// complete report, and every path named by at least one coded finding or a file entry.
fn check_json(paths: &[&str]) -> serde_json::Value {
    let mut args = vec!["check", "--format", "json", "--no-config", "--"];
    args.extend(paths);
    let (code, stdout, stderr) = formlint(&args);
    assert!(matches!(code, 0..=2), "exit {code} for {paths:?}: {stderr}");
    let report = json(&stdout);
    assert_eq!(
        report["summary"]["files"].as_u64(),
        Some(paths.len() as u64),
        "{paths:?}: {stdout}"
    );
    for f in report["findings"].as_array().expect("findings") {
        let code = f["code"].as_str().unwrap_or("");
        assert!(
            code.len() == 4 && code.chars().next().is_some_and(|c| c.is_ascii_uppercase()),
            "uncoded finding {f}"
        );
    }
    report
}

#[test]
fn every_bad_input_is_reported_with_a_code_and_left_unchanged() {
    let cases = cases();
    assert!(cases.len() >= 40, "only {} cases", cases.len());
    let mut kinds = std::collections::BTreeSet::new();
    for (file, kind) in &cases {
        kinds.insert(kind.clone());
        let rel = format!("tests/fixtures/bad/{file}");
        let before = std::fs::read(root().join(&rel)).expect("case file");
        let report = check_json(&[&rel]);
        let findings = report["findings"].as_array().expect("findings");
        assert!(
            findings
                .iter()
                .all(|f| f["file"].as_str() == Some(rel.as_str())),
            "{rel}: a finding names another file"
        );
        assert!(!findings.is_empty(), "{rel}: no finding at all");
        assert_eq!(
            std::fs::read(root().join(&rel)).expect("case file"),
            before,
            "{rel} was modified"
        );
        insta::assert_snapshot!(format!("bad__{kind}"), diagnostic(&report));
    }
    assert!(kinds.len() >= 40, "only {} kinds", kinds.len());
}

#[test]
fn a_batch_with_every_bad_input_still_reports_the_good_forms() {
    let good = [
        "tests/fixtures/seed/P3-贸易摩擦应对事务.xlsx",
        "tests/fixtures/seed/P9-预算准备金.xlsx",
    ];
    let alone = check_json(&good);
    let cases: Vec<String> = cases()
        .into_iter()
        .map(|(f, _)| format!("tests/fixtures/bad/{f}"))
        .collect();
    let mut all: Vec<&str> = vec![good[0]];
    all.extend(cases.iter().map(String::as_str));
    all.push(good[1]);
    for jobs in ["1", "2"] {
        let mut args = vec![
            "check",
            "--format",
            "json",
            "--no-config",
            "--jobs",
            jobs,
            "--",
        ];
        args.extend(&all);
        let (code, stdout, _) = formlint(&args);
        assert!(matches!(code, 1 | 2), "exit {code}");
        let batch = json(&stdout);
        let of = |r: &serde_json::Value, file: &str| -> Vec<serde_json::Value> {
            r["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .filter(|f| f["file"].as_str() == Some(file))
                .cloned()
                .collect()
        };
        for g in good {
            assert_eq!(of(&batch, g), of(&alone, g), "{g} with --jobs {jobs}");
        }
        assert_eq!(batch["summary"]["files"].as_u64(), Some(all.len() as u64));
    }
}

#[test]
fn control_characters_never_reach_the_terminal() {
    for (file, _) in cases() {
        let rel = format!("tests/fixtures/bad/{file}");
        for format in ["human", "github", "junit", "csv"] {
            let (_, stdout, _) = formlint(&[
                "check",
                "--format",
                format,
                "--color",
                "never",
                "--no-config",
                "--",
                &rel,
            ]);
            let raw = stdout
                .chars()
                .find(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'));
            assert_eq!(
                raw, None,
                "{rel} in {format}: a raw control character in\n{stdout}"
            );
        }
    }
    let (_, stdout, _) = formlint(&[
        "check",
        "--color",
        "never",
        "tests/fixtures/bad/val-ctrl-sst.xlsx",
    ]);
    assert!(stdout.contains("\\u{1b}"), "{stdout}");
}

/// A folder for cases made at run time, and a good form in it.
#[cfg(unix)]
fn runtime_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tmp");
    let good = dir.path().join("P4.xlsx");
    std::fs::copy(
        root().join("tests/fixtures/seed/P4-进出口预警事务.xlsx"),
        &good,
    )
    .expect("copy");
    (dir, good)
}

#[cfg(unix)]
fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_are_refused_without_reading() {
    use std::os::unix::fs::symlink;
    let (dir, good) = runtime_dir();
    let fifo = dir.path().join("pipe.xlsx");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let zero = dir.path().join("zero.xlsx");
    symlink("/dev/zero", &zero).expect("symlink");
    let mut paths = vec![path_str(&good), "/dev/zero", path_str(&zero)];
    if made.is_ok_and(|s| s.success()) {
        paths.push(path_str(&fifo));
    }
    // A FIFO opened for reading would block forever and /dev/zero never ends: the run finishes.
    let report = check_json(&paths);
    let messages = diagnostic(&report);
    for p in &paths[1..] {
        let f: Vec<&serde_json::Value> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["file"].as_str() == Some(p))
            .collect();
        assert_eq!(f.len(), 1, "{p}: {messages}");
        assert_eq!(f[0]["code"], "X001", "{p}: {messages}");
        assert!(
            f[0]["message"]
                .as_str()
                .unwrap_or("")
                .contains("不是普通文件"),
            "{p}: {messages}"
        );
    }
}

#[cfg(unix)]
#[test]
fn symlinks_in_folders_are_followed_and_loops_reported() {
    use std::os::unix::fs::symlink;
    let (dir, good) = runtime_dir();
    let d = dir.path();
    // A link to a form is checked as the form; a link loop and a dangling link are reported.
    symlink(&good, d.join("link-to-P4.xlsx")).expect("symlink");
    symlink("b.xlsx", d.join("a.xlsx")).expect("symlink");
    symlink("a.xlsx", d.join("b.xlsx")).expect("symlink");
    symlink("missing.xlsx", d.join("dangling.xlsx")).expect("symlink");
    std::fs::create_dir(d.join("sub")).expect("mkdir");
    symlink("..", d.join("sub/up")).expect("symlink");
    let (code, stdout, _) = formlint(&["check", "--format", "json", "--no-config", path_str(d)]);
    assert!(matches!(code, 0..=2));
    let report = json(&stdout);
    let text = diagnostic(&report);
    let files: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            f["file"]
                .as_str()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    for name in ["a.xlsx", "b.xlsx", "dangling.xlsx", "up"] {
        assert!(
            files.iter().any(|f| f == name),
            "{name} not reported: {text}"
        );
    }
    assert!(text.contains("符号链接形成循环"), "{text}");
    // The form and its link are both checked (P4 is clean: X-free), each once.
    let checked = report["summary"]["files"].as_u64().unwrap_or(0);
    assert_eq!(checked, 6, "{text}");
}

#[cfg(unix)]
#[test]
fn a_sparse_huge_file_is_refused_by_its_size() {
    let (dir, good) = runtime_dir();
    let huge = dir.path().join("huge.csv");
    std::fs::File::create(&huge)
        .and_then(|f| f.set_len(5 << 30))
        .expect("sparse file");
    let report = check_json(&[path_str(&good), path_str(&huge)]);
    let text = diagnostic(&report);
    assert!(
        text.contains("X001 error  无法读取文件：文件超过 64 MB 上限"),
        "{text}"
    );
}
