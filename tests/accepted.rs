//! Acceptances are kept, not dropped: a finding accepted by a formlint.toml `[[accept]]`, a
//! cell comment or a form's `accept:` leaves the counts and the exit code, but every output
//! still shows it as accepted, with the entry that accepted it and the reason.

use crate::common;
use calamine::{Data, Reader, Xlsx};
use common::{formlint_at, root};
use std::path::Path;

const REASON: &str = "会议提前一个月召开，扣 1 分合理，已电话核实";

/// A folder `forms/` with three ways of accepting: P3 of the seed accepted in formlint.toml,
/// a P3 whose comment accepts S002, and a YAML form with `accept:` entries.
fn reviewed(tmp: &Path) {
    let forms = tmp.join("forms");
    std::fs::create_dir_all(&forms).expect("mkdir");
    std::fs::copy(
        root().join("tests/fixtures/seed/P3-贸易摩擦应对事务.xlsx"),
        forms.join("P3-贸易摩擦应对事务.xlsx"),
    )
    .expect("copy");
    std::fs::copy(
        root().join("tests/fixtures/accept/P3-批注接受.xlsx"),
        forms.join("P3-批注接受.xlsx"),
    )
    .expect("copy");
    let base = std::fs::read_to_string(root().join("tests/fixtures/cli/warnings-only.yaml"))
        .expect("fixture");
    let yaml = format!(
        "{}\n  accept:\n  - {{ code: U002, at: \"tables.指标[6].实际完成值\", reason: 已电话核实 }}\n",
        base.trim_end()
    );
    std::fs::write(forms.join("P3-表单.yaml"), yaml).expect("write");
    std::fs::write(
        forms.join("formlint.toml"),
        format!(
            "# 审核记录\n[[accept]]\nfile = \"P3-贸易摩擦应对事务.xlsx\"\ncode = \"S002\"\ncell = \"I16\"\nreason = \"{REASON}\"\n"
        ),
    )
    .expect("write");
}

fn json(tmp: &Path) -> serde_json::Value {
    let (_, out, err) = formlint_at(tmp, &["check", "forms", "--format", "json"]);
    let doc: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}\n{out}\n{err}"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/report.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}\n{out}");
    doc
}

#[test]
fn the_json_report_lists_each_accepted_finding_with_its_entry_and_reason() {
    let tmp = tempfile::tempdir().expect("tmp");
    reviewed(tmp.path());
    let doc = json(tmp.path());
    let accepted = doc["accepted"].as_array().expect("accepted");
    let brief: Vec<(String, String, String)> = accepted
        .iter()
        .map(|a| {
            let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
            (s(&a["file"]), s(&a["code"]), s(&a["accepted"]["by"]))
        })
        .collect();
    assert_eq!(
        brief,
        [
            ("forms/P3-批注接受.xlsx", "S002", "comment"),
            ("forms/P3-表单.yaml", "U002", "form"),
            ("forms/P3-贸易摩擦应对事务.xlsx", "S002", "config"),
        ]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())),
        "{accepted:#?}"
    );
    insta::assert_json_snapshot!(doc["accepted"]);
    assert_eq!(doc["summary"]["accepted"], 3);
    // not counted: the findings and the counts are what they were without the acceptances
    let n = |d: &serde_json::Value| d["findings"].as_array().expect("findings").len();
    assert!(!doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["code"] == "S002"));
    let files = doc["files"].as_array().expect("files");
    let per_file: Vec<u64> = files
        .iter()
        .map(|f| f["accepted"].as_u64().unwrap_or(0))
        .collect();
    assert_eq!(per_file, [1, 1, 1]);
    assert!(n(&doc) > 0);
}

#[test]
fn accepted_findings_do_not_change_the_exit_code_and_the_summary_counts_them() {
    let tmp = tempfile::tempdir().expect("tmp");
    reviewed(tmp.path());
    let p3 = "forms/P3-贸易摩擦应对事务.xlsx";
    let (code, out, _) = formlint_at(tmp.path(), &["check", p3, "--no-config", "-q"]);
    assert_eq!(code, 1, "S002 is an error: {out}");
    let (code, out, _) = formlint_at(tmp.path(), &["check", p3, "-q"]);
    assert_eq!(code, 0, "accepted, it fails nothing: {out}");
    assert!(out.contains("0 个错误"), "{out}");
    assert!(
        out.contains("；已接受 1 条（--show-accepted 查看）"),
        "{out}"
    );
    let (code, out, _) = formlint_at(tmp.path(), &["check", "forms", "--show-accepted"]);
    assert_eq!(code, 0, "{out}");
    let list = out
        .split("已接受 3 条（不计入问题数）：\n")
        .nth(1)
        .expect("the list");
    insta::assert_snapshot!(list);
}

#[test]
fn machine_formats_mark_accepted_findings_as_accepted() {
    let tmp = tempfile::tempdir().expect("tmp");
    reviewed(tmp.path());
    let run = |format: &str| formlint_at(tmp.path(), &["check", "forms", "--format", format]).1;
    // SARIF: the result stays, suppressed, with the reason as justification
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).expect("sarif");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let suppressed: Vec<(&str, &str, &str)> = results
        .iter()
        .filter_map(|r| {
            let s = r["suppressions"].as_array()?.first()?;
            Some((
                r["ruleId"].as_str()?,
                s["kind"].as_str()?,
                s["justification"].as_str()?,
            ))
        })
        .collect();
    assert_eq!(suppressed.len(), 3, "{suppressed:?}");
    assert!(
        suppressed.contains(&("S002", "external", REASON)),
        "{suppressed:?}"
    );
    assert!(
        suppressed.iter().filter(|s| s.1 == "inSource").count() == 2,
        "{suppressed:?}"
    );
    // CSV: accepted rows carry the reason and the entry; the others leave both empty
    let csv = run("csv");
    let header = csv.lines().next().expect("header");
    assert!(
        header.ends_with(",message,accepted,accepted_by"),
        "{header}"
    );
    let accepted: Vec<&str> = csv.lines().filter(|l| l.contains(REASON)).collect();
    assert_eq!(accepted.len(), 1, "{csv}");
    assert!(
        accepted[0].ends_with(&format!(",{REASON},forms/formlint.toml:3")),
        "{csv}"
    );
    assert!(
        csv.lines().filter(|l| l.ends_with(",,")).count() > 3,
        "{csv}"
    );
    // JUnit: accepted findings are output, never failures
    let junit = run("junit");
    assert!(junit.contains("已接受 自评表!I16 error [S002]"), "{junit}");
    assert!(!junit.contains("<failure"), "no error is left: {junit}");
    // GitHub: annotations are for what is to be fixed; accepted findings get none
    let github = run("github");
    assert!(!github.contains("S002"), "{github}");
    // HTML: listed greyed, with the reason, behind their own toggle
    let html = run("html");
    assert_eq!(
        html.matches(" accepted\" id=").count(),
        3,
        "three accepted items"
    );
    assert!(html.contains("data-filter=\"accepted\""), "the toggle");
    assert!(html.contains(&format!("已接受：{REASON}（forms/formlint.toml:3）")));
    assert!(html.contains("<b id=\"total-accepted\">3</b>"));
}

#[test]
fn annotated_copies_list_accepted_findings_as_accepted() {
    let tmp = tempfile::tempdir().expect("tmp");
    reviewed(tmp.path());
    let (code, out, err) = formlint_at(
        tmp.path(),
        &["check", "forms", "--annotate", "checked", "-q"],
    );
    assert_eq!(code, 0, "{out}{err}");
    let copy = std::fs::read(tmp.path().join("checked/P3-贸易摩擦应对事务.xlsx")).expect("copy");
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(copy)).expect("opens");
    let sheet = book
        .worksheet_range(formlint::annotate::SHEET_NAME)
        .expect("findings sheet");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let row = rows
        .iter()
        .find(|r| r.get(2).is_some_and(|c| c == "S002"))
        .expect("S002 row");
    assert_eq!(row[3], "已接受（错误）", "{rows:?}");
    assert!(
        row[5].ends_with(&format!("（已接受：{REASON}；forms/formlint.toml:3）")),
        "{rows:?}"
    );
}
