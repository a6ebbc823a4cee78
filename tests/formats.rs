//! One form, many file formats: the seed and varied forms saved by LibreOffice as xls, ods and
//! CSV (tests/fixtures/formats/make.sh) give the findings the xlsx gives; content decides the
//! reader; standard input; a folder scan accounts for every file it finds.

use crate::common;
use common::{formlint, root};
use formlint::run::{self, CheckOptions, Input};
use formlint::sheet::{CellValue, Workbook};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn pack() -> formlint::pack::Pack {
    formlint::pack::load(&formlint::pack::embedded(), "<embedded>/").expect("default pack")
}

/// The forms with variants: every seed form and the varied ones LibreOffice can open.
fn forms() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for dir in ["seed", "varied"] {
        for e in std::fs::read_dir(root().join("tests/fixtures").join(dir)).expect("fixtures") {
            let path = e.expect("entry").path();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.extension().is_some_and(|x| x == "xlsx") && stem != "损坏" {
                out.push((stem, path));
            }
        }
    }
    out.sort();
    assert_eq!(out.len(), 18, "{out:?}");
    out
}

fn variant(kind: &str, stem: &str) -> PathBuf {
    let ext = if kind.starts_with("csv") { "csv" } else { kind };
    root().join(format!("tests/fixtures/formats/{kind}/{stem}.{ext}"))
}

/// (sheet, cell, code, severity, message) of every finding, the file's own name left out.
type Found = Vec<(Option<String>, Option<String>, String, String, String)>;

fn found(report: &formlint::outcome::FileReport, stem: &str) -> Found {
    report
        .findings
        .iter()
        .map(|f| {
            (
                f.sheet.clone(),
                f.at.as_ref().map(|p| p.to_string()),
                f.code.clone(),
                f.severity.to_string(),
                f.message.replace(stem, "<stem>"),
            )
        })
        .collect()
}

fn check(pack: &formlint::pack::Pack, path: &Path) -> formlint::outcome::FileReport {
    let bytes = std::fs::read(path).expect("fixture");
    let name = path.to_string_lossy();
    run::check_file(pack, &name, &bytes, &CheckOptions::default()).report
}

#[test]
fn xls_and_ods_give_the_findings_of_the_xlsx() {
    let pack = pack();
    let mut compared = 0;
    for (stem, xlsx) in forms() {
        let want = found(&check(&pack, &xlsx), &stem);
        for kind in ["xls", "ods"] {
            let got = found(&check(&pack, &variant(kind, &stem)), &stem);
            assert_eq!(got, want, "{stem}.{kind}");
            compared += want.len();
        }
    }
    assert!(
        compared > 50,
        "the forms have findings to compare: {compared}"
    );
}

#[test]
fn acceptances_in_cell_comments_work_in_xls_and_ods() {
    // A reviewer's 批注 `formlint: 接受 S002 …` accepts the finding in every format; one
    // without a reason, or on a cell without the finding, is X007 in every format.
    let pack = pack();
    for stem in ["P3-批注接受", "P3-批注缺理由"] {
        let xlsx = root().join(format!("tests/fixtures/accept/{stem}.xlsx"));
        let want = found(&check(&pack, &xlsx), stem);
        assert!(want.iter().any(|f| f.2 == "X007"), "{stem}: {want:?}");
        for kind in ["xls", "ods"] {
            let got = found(&check(&pack, &variant(kind, stem)), stem);
            assert_eq!(got, want, "{stem}.{kind}");
        }
    }
}

/// The workbook a CSV export keeps of an xlsx: the same cells, without merged regions (a CSV
/// has none, so a merged label is in its first cell only), one sheet named after the file.
fn as_csv_keeps(book: Workbook, stem: &str) -> Workbook {
    let mut sheet = book.sheets.into_iter().next().expect("a sheet");
    for (r, row) in sheet.rows.iter_mut().enumerate() {
        for (c, cell) in row.iter_mut().enumerate() {
            if let Some(m) = cell.merged.take() {
                if (m.start.row, m.start.col) != (r as u32, c as u32) {
                    cell.value = CellValue::Empty;
                }
            }
            // CSV has no types: what the readers give as numbers is typed by the layout.
            cell.formula = false;
        }
    }
    sheet.merges.clear();
    sheet.comments.clear();
    sheet.name = stem.to_string();
    Workbook {
        sheets: vec![sheet],
    }
}

#[test]
fn csv_exports_in_utf8_and_gbk_give_the_findings_of_the_xlsx_without_its_merges() {
    // LibreOffice's CSV export ("as shown") keeps every cell's text but no merged region: a
    // label merged down the 一级指标 / 二级指标 columns is in its group's first row only, and
    // formlint reads a blank cell outside a merge as blank (docs/layout.md). So the CSV gives
    // exactly the findings of the same workbook with its merges undone, no more and no less.
    let pack = pack();
    for (stem, xlsx) in forms() {
        if stem == "多表" {
            continue; // a CSV export holds the first sheet only (a cover page here)
        }
        let bytes = std::fs::read(&xlsx).expect("fixture");
        let Ok(Input::Book(book)) = run::read_input("f.xlsx", &bytes, &Default::default()) else {
            panic!("{stem}: not read as a workbook");
        };
        let unmerged = as_csv_keeps(book, &stem);
        let want = run::check_input(&pack, "f.xlsx", Input::Book(unmerged)).report;
        let want = found(&want, &stem);
        for kind in ["csv-utf8", "csv-gbk"] {
            let got = found(&check(&pack, &variant(kind, &stem)), &stem);
            assert_eq!(got, want, "{stem} {kind}");
        }
    }
}

/// Runs formlint with `stdin` as its standard input.
fn formlint_stdin(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_formlint"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run formlint");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(stdout: &str, stderr: &str) -> serde_json::Value {
    let doc: serde_json::Value =
        serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}\n{stdout}\n{stderr}"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/report.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}\n{stdout}");
    doc
}

fn codes_at(doc: &serde_json::Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["file"].as_str().unwrap_or(""),
                f["cell"],
                f["code"]
            )
        })
        .collect()
}

#[test]
fn standard_input_is_read_by_content_and_named_by_the_flag() {
    let xls = std::fs::read(variant("xls", "P3-贸易摩擦应对事务")).expect("fixture");
    let xlsx = "tests/fixtures/seed/P3-贸易摩擦应对事务.xlsx";
    let (_, out, err) = formlint(&["check", xlsx, "--format", "json", "--no-config"]);
    let want: Vec<String> = codes_at(&json(&out, &err))
        .iter()
        .map(|l| l.replacen(xlsx, "P3.xls", 1))
        .collect();
    let args = [
        "check",
        "-",
        "--stdin-filename",
        "P3.xls",
        "--format",
        "json",
        "--no-config",
    ];
    let (code, out, err) = formlint_stdin(&args, &xls);
    assert_eq!(code, 1, "{err}");
    let doc = json(&out, &err);
    assert_eq!(codes_at(&doc), want);
    assert_eq!(doc["files"][0]["file"], "P3.xls");
    // Without a name: `-`, the type from the content alone, no note.
    let (_, out, err) = formlint_stdin(&["check", "-", "--format", "json", "--no-config"], &xls);
    let doc = json(&out, &err);
    assert_eq!(doc["files"][0]["file"], "-");
    assert!(!codes_at(&doc).iter().any(|c| c.contains("X016")));
    // A name whose extension contradicts the content: read by content, with an info note.
    let args = [
        "check",
        "-",
        "--stdin-filename",
        "P3.csv",
        "--format",
        "json",
        "--no-config",
    ];
    let (_, out, err) = formlint_stdin(&args, &xls);
    let doc = json(&out, &err);
    let first = &doc["findings"][0];
    assert_eq!(first["code"], "X016", "{out}");
    assert_eq!(first["severity"], "info");
    assert_eq!(
        doc["findings"].as_array().map(Vec::len),
        Some(want.len() + 1)
    );
}

#[test]
fn a_renamed_workbook_is_read_by_its_content_with_a_note() {
    let tmp = tempfile::tempdir().expect("tmp");
    for (kind, wrong) in [("xls", "xlsx"), ("ods", "xls"), ("xls", "et")] {
        let from = variant(kind, "P1-办公设备采购");
        let to = tmp.path().join(format!("P1.{wrong}"));
        std::fs::copy(&from, &to).expect("copy");
        let (_, out, err) = formlint(&[
            "check",
            to.to_str().unwrap(),
            "--format",
            "json",
            "--no-config",
        ]);
        let doc = json(&out, &err);
        let codes: Vec<&str> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        // .et is the WPS name of the same container as .xls: no note.
        let noted = wrong != "et";
        assert_eq!(
            codes.first() == Some(&"X016"),
            noted,
            "{kind} as .{wrong}: {codes:?}"
        );
        assert!(
            codes.contains(&"R001"),
            "{kind} as .{wrong}: read and checked: {codes:?}"
        );
    }
}

#[test]
fn a_folder_scan_accounts_for_every_file_it_finds() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("forms");
    std::fs::create_dir_all(dir.join(".git")).expect("mkdir");
    let seed = root().join("tests/fixtures/seed/P1-办公设备采购.xlsx");
    std::fs::copy(&seed, dir.join("P1.xlsx")).expect("copy");
    std::fs::copy(variant("xls", "P1-办公设备采购"), dir.join("P1.xls")).expect("copy");
    std::fs::copy(variant("ods", "P1-办公设备采购"), dir.join("P1.ods")).expect("copy");
    std::fs::write(dir.join("说明.pdf"), b"%PDF-1.7\n").expect("write");
    std::fs::write(dir.join("照片.png"), b"\x89PNG\r\n").expect("write");
    std::fs::write(dir.join("~$P1.xlsx"), b"lock").expect("write");
    std::fs::write(dir.join(".DS_Store"), b"x").expect("write");
    std::fs::write(dir.join(".git/config"), b"[core]").expect("write");
    std::fs::write(dir.join("P1.numbers"), b"PK\x03\x04not really").expect("write");
    let d = dir.to_str().unwrap();
    let (code, out, err) = formlint(&["check", d, "--format", "json", "--no-config"]);
    assert_eq!(code, 1, "{err}");
    let doc = json(&out, &err);
    let files: Vec<String> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["file"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(files, ["P1.numbers", "P1.ods", "P1.xls", "P1.xlsx"]);
    let numbers = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"].as_str().unwrap().ends_with("P1.numbers"))
        .expect("the .numbers file has its finding");
    assert_eq!(numbers["code"], "X001");
    assert!(
        numbers["message"]
            .as_str()
            .unwrap()
            .contains("另存为 .xlsx"),
        "{numbers}"
    );
    let skipped: Vec<(String, String)> = doc["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .map(|s| {
            let path = s["path"].as_str().unwrap();
            let name = path.rsplit('/').next().unwrap().to_string();
            (name, s["reason"].as_str().unwrap().to_string())
        })
        .collect();
    let names: Vec<&str> = skipped.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [".DS_Store", ".git", "~$P1.xlsx", "照片.png", "说明.pdf"]
    );
    assert!(skipped.iter().all(|(_, r)| !r.is_empty()));
    assert!(skipped[2].1.contains("锁定文件"), "{skipped:?}");
    assert!(skipped[4].1.contains(".pdf"), "{skipped:?}");
    // The three formats of P1 give the same findings.
    let per_file = |ext: &str| -> Vec<String> {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"].as_str().unwrap().ends_with(&format!("P1.{ext}")))
            .map(|f| format!("{} {} {}", f["cell"], f["code"], f["message"]))
            .collect()
    };
    assert_eq!(per_file("xls"), per_file("xlsx"));
    assert_eq!(per_file("ods"), per_file("xlsx"));
    // The human summary counts what was found: 4 checked + 5 skipped.
    let (_, out, _) = formlint(&["check", d, "--no-config", "--color", "never"]);
    assert!(out.contains("跳过 5 个（未检查）"), "{out}");
    assert!(
        out.contains("检查了 4 个文件") && out.contains("另跳过 5 个（共发现 9 个）"),
        "{out}"
    );
    let (_, out, _) = formlint(&["check", d, "--no-config", "--format", "html"]);
    assert!(
        out.contains("跳过 5 个（未检查）") && out.contains("说明.pdf"),
        "html"
    );
    let (_, out, _) = formlint(&["check", d, "--no-config", "-q"]);
    assert!(
        out.contains("另跳过 5 个（共发现 9 个）") && !out.contains("说明.pdf"),
        "{out}"
    );
}

#[test]
fn annotating_a_workbook_that_is_not_xlsx_says_so() {
    let tmp = tempfile::tempdir().expect("tmp");
    let xls = variant("xls", "P1-办公设备采购");
    let out_dir = tmp.path().join("checked");
    let (code, _, err) = formlint(&[
        "check",
        xls.to_str().unwrap(),
        "--annotate",
        out_dir.to_str().unwrap(),
        "--no-config",
    ]);
    assert_eq!(code, 1, "findings, not a usage error: {err}");
    assert!(err.contains("批注副本只能为 .xlsx/.xlsm"), "{err}");
    assert!(!out_dir.join("P1-办公设备采购.xls").exists());
}
