//! The shipped pack on the nine seed forms: exactly the catalogue's findings, and snapshots of
//! the human and JSON reports as users see them.

use crate::common;
use common::formlint;

/// (form, code, cell) of every finding the catalogue expects on the seed forms, info included.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("P1", "R001", "G3"),
    ("P1", "R001", "G4"),
    ("P1", "U001", "A5"),
    ("P1", "B004", "F9"),
    ("P2", "B006", "E4"),
    ("P2", "R001", "B9"),
    ("P2", "R001", "F9"),
    ("P3", "S005", "H16"),
    ("P3", "S002", "I16"),
    ("P3", "U002", "F17"),
    ("P3", "C001", "D20"),
    ("P6", "B006", "E4"),
    ("P8", "B006", "E4"),
    ("P8", "S002", "I12"),
    ("P8", "S005", "H19"),
    ("P8", "R001", "G26"),
    ("P8", "R001", "H26"),
    ("P9", "R005", "B11"),
    ("P9", "R003", "C14"),
    ("P9", "W004", "G16"),
    ("P9", "W004", "G18"),
];

fn json_findings(stdout: &str) -> Vec<(String, String, String)> {
    common::json_fields(stdout, &["form", "code", "cell"])
        .into_iter()
        .map(|v| (v[0].clone(), v[1].clone(), v[2].clone()))
        .collect()
}

#[test]
fn seed_forms_yield_exactly_the_catalogue_findings() {
    let (code, stdout, stderr) = formlint(&["check", "tests/fixtures/seed", "--format", "json"]);
    assert_eq!(code, 1, "errors found → exit 1; stderr: {stderr}");
    let got = json_findings(&stdout);
    let want: Vec<(String, String, String)> = EXPECTED
        .iter()
        .map(|(f, c, cell)| (f.to_string(), c.to_string(), cell.to_string()))
        .collect();
    assert_eq!(got, want);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(doc["ruleset"]["name"], "shenzhen-2020");
    assert_eq!(doc["summary"]["errors"], 11);
    assert_eq!(doc["summary"]["warnings"], 5);
    assert_eq!(doc["summary"]["info"], 5);
}

#[test]
fn seed_json_report_snapshot() {
    let (_, stdout, _) = formlint(&["check", "tests/fixtures/seed", "--format", "json"]);
    let stable = stdout.replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!(stable);
}

#[test]
fn seed_human_report_snapshot() {
    let (_, stdout, _) = formlint(&[
        "check",
        "tests/fixtures/seed",
        "--color",
        "never",
        "--width",
        "100",
    ]);
    insta::assert_snapshot!(stdout);
}

#[test]
fn the_one_workbook_with_nine_sheets_gives_the_same_findings() {
    let (_, stdout, _) = formlint(&[
        "check",
        "tests/fixtures/seed-workbook.xlsx",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let got: Vec<(String, String, String)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let form = f["sheet"]
                .as_str()
                .expect("sheet")
                .split('-')
                .next()
                .expect("id")
                .to_string();
            (
                form,
                f["code"].as_str().expect("code").to_string(),
                f["cell"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String, String)> = EXPECTED
        .iter()
        .map(|(f, c, cell)| (f.to_string(), c.to_string(), cell.to_string()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(doc["summary"]["forms"], 9);
}
