//! Generality: forms the seed does not show — another department, other row counts, numbers
//! typed as text, percentages and dates typed into Excel, several forms and other sheets in
//! one workbook, a stale cached formula, words in a score cell, and a batch with a corrupt
//! file and an empty folder. Fixtures: `tests/fixtures/varied/` (made by `make_varied.py`).

use formlint::finding::{Finding, Severity};
use formlint::form::Place;
use formlint::pack::{self, Pack};
use formlint::run::{check_file, CheckOptions, Checked};
use std::path::{Path, PathBuf};
use std::process::Command;

fn varied(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/varied")
        .join(name)
}

fn shenzhen() -> Pack {
    pack::load(&pack::embedded(), "rules/shenzhen-2020/").unwrap_or_else(|e| panic!("{e:?}"))
}

fn checked(name: &str) -> Checked {
    let bytes = std::fs::read(varied(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    check_file(&shenzhen(), name, &bytes, &CheckOptions::default())
}

fn place(f: &Finding) -> String {
    f.at.as_ref().map(Place::to_string).unwrap_or_default()
}

/// (code, sheet, cell) of every finding, in report order.
fn found(findings: &[Finding]) -> Vec<(String, String, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f.code.clone(),
                f.sheet.clone().unwrap_or_default(),
                place(f),
            )
        })
        .collect()
}

fn want(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|(c, s, a)| (c.to_string(), s.to_string(), a.to_string()))
        .collect()
}

#[track_caller]
fn message_of<'a>(findings: &'a [Finding], code: &str, cell: &str) -> &'a str {
    findings
        .iter()
        .find(|f| f.code == code && place(f) == cell)
        .map(|f| f.message.as_str())
        .unwrap_or_else(|| panic!("no {code} at {cell}"))
}

/// The indicator rows extracted from each form sheet.
fn indicator_rows(c: &Checked) -> Vec<usize> {
    formlint::run::forms_of(&shenzhen(), &c.sheets)
        .iter()
        .map(|f| f.tables["指标"].rows.len())
        .collect()
}

// a) another department, other row counts -------------------------------------------------------

#[test]
fn another_department_twenty_rows_is_clean() {
    let c = checked("工信局-20行.xlsx");
    assert_eq!(c.report.forms, 1);
    assert_eq!(indicator_rows(&c), [20]);
    assert_eq!(found(&c.report.findings), want(&[]));
}

#[test]
fn another_department_three_rows_in_wan_yuan_template() {
    let c = checked("工信局-3行.xlsx");
    assert_eq!(indicator_rows(&c), [3]);
    let f = &c.report.findings;
    assert_eq!(found(f), want(&[("R005", "自评表", "B13")]));
    assert_eq!(
        message_of(f, "R005", "B13"),
        "产出指标下没有“质量指标、时效指标、成本指标”"
    );
}

// b) numbers stored as text ----------------------------------------------------------------------

#[test]
fn text_numbers_on_a_clean_form_stay_clean() {
    let c = checked("文本数字-P7.xlsx");
    assert_eq!(indicator_rows(&c), [8]);
    assert_eq!(found(&c.report.findings), want(&[]));
}

#[test]
fn text_numbers_give_the_same_findings_as_numbers() {
    let c = checked("文本数字-P2.xlsx");
    let f = &c.report.findings;
    assert_eq!(
        found(f),
        want(&[
            ("B006", "自评表", "E4"),
            ("R001", "自评表", "B9"),
            ("R001", "自评表", "F9")
        ])
    );
    assert_eq!(
        message_of(f, "B006", "E4"),
        "全年预算数 2260000 较年初预算数 1330000 变动 +69.9%"
    );
}

// c) percentages and dates typed into Excel -------------------------------------------------------

#[test]
fn percent_and_date_cells_read_as_the_filer_sees_them() {
    // Both targets are met, both rows lost a point: S005 (info) on each, nothing else.
    // Read as 0.96 % the satisfaction row would miss "> 95%" (S006); read as a serial
    // number the date row could not be compared at all (no S005).
    let c = checked("百分比与日期.xlsx");
    let f = &c.report.findings;
    assert_eq!(
        found(f),
        want(&[("S005", "自评表", "H13"), ("S005", "自评表", "H18")])
    );
    assert!(message_of(f, "S005", "H13")
        .starts_with("完成值 2020年11月30日 已达到指标值 2020年12月底前"));
    assert!(message_of(f, "S005", "H18").starts_with("完成值 96% 已达到指标值 > 95%"));
}

// d) several forms beside other sheets -------------------------------------------------------------

#[test]
fn several_forms_and_other_sheets_in_one_workbook() {
    let c = checked("多表.xlsx");
    assert_eq!(c.report.forms, 2);
    assert_eq!(indicator_rows(&c), [8, 12]);
    let p3 = "P3-贸易摩擦应对事务";
    let f = &c.report.findings;
    assert_eq!(
        found(f),
        want(&[
            ("X003", "封面", ""),
            ("S005", p3, "H16"),
            ("S002", p3, "I16"),
            ("U002", p3, "F17"),
            ("C001", p3, "D20"),
            ("X003", "说明", ""),
        ])
    );
    for x in f.iter().filter(|x| x.code == "X003") {
        assert_eq!(x.severity, Severity::Info);
    }
}

// e) a stale cached formula result ----------------------------------------------------------------

#[test]
fn stale_cached_total_is_read_and_reported() {
    let c = checked("公式缓存.xlsx");
    let f = &c.report.findings;
    assert_eq!(found(f), want(&[("S003", "自评表", "H21")]));
    assert_eq!(
        message_of(f, "S003", "H21"),
        "总分得分为 90，各项得分之和为 96.70"
    );
}

// f) words in a score cell ------------------------------------------------------------------------

#[test]
fn words_in_a_score_cell_are_reported_once() {
    let c = checked("得分文字.xlsx");
    let f = &c.report.findings;
    assert_eq!(found(f), want(&[("X006", "自评表", "H11")]));
    assert_eq!(
        message_of(f, "X006", "H11"),
        "得分应为数字，实际填写“暂缓举办”"
    );
}

// g) a corrupt file and an empty folder in a batch ------------------------------------------------

#[test]
fn cli_batch_goes_on_past_a_corrupt_file_and_an_empty_folder() {
    let empty = tempfile::tempdir().expect("temp dir");
    let out = Command::new(env!("CARGO_BIN_EXE_formlint"))
        .arg("check")
        .arg(varied("损坏.xlsx"))
        .arg(empty.path())
        .arg(varied("工信局-3行.xlsx"))
        .arg(varied("工信局-20行.xlsx"))
        .args(["--format", "json"])
        .output()
        .expect("run formlint");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let files: Vec<(String, u64)> = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            let name = f["file"]
                .as_str()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            (name, f["forms"].as_u64().unwrap_or(99))
        })
        .collect();
    let empty_name = empty
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    assert_eq!(
        files,
        [
            (empty_name.clone(), 0),
            ("损坏.xlsx".to_string(), 0),
            ("工信局-3行.xlsx".to_string(), 1),
            ("工信局-20行.xlsx".to_string(), 1),
        ]
    );
    let findings: Vec<(String, String, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let file = f["file"]
                .as_str()
                .unwrap_or("")
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            let code = f["code"].as_str().unwrap_or("").to_string();
            let cell = f["cell"].as_str().unwrap_or("").to_string();
            (file, code, cell)
        })
        .collect();
    assert_eq!(
        findings,
        [
            (empty_name, "X008".to_string(), String::new()),
            ("损坏.xlsx".to_string(), "X001".to_string(), String::new()),
            (
                "工信局-3行.xlsx".to_string(),
                "R005".to_string(),
                "B13".to_string()
            ),
        ]
    );
}

// h) a form that does not start at A1 -------------------------------------------------------------

#[test]
fn shifted_form_with_an_extra_column_reports_the_shifted_cells() {
    // Seed P3's findings (S005 H16, S002 I16, U002 F17, C001 D20) three rows down, two right.
    let c = checked("偏移-P3.xlsx");
    assert_eq!(indicator_rows(&c), [12]);
    let f = &c.report.findings;
    assert_eq!(
        found(f),
        want(&[
            ("S005", "自评表", "J19"),
            ("S002", "自评表", "K19"),
            ("U002", "自评表", "H20"),
            ("C001", "自评表", "F23"),
        ])
    );
    assert_eq!(
        message_of(f, "C001", "F23"),
        "“促进我市对外贸易稳定发展”与第 22 行重复"
    );
}
