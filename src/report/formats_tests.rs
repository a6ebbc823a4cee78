//! Snapshot and round-trip tests of the CI formats (SARIF, JUnit, GitHub, CSV, statistics) on
//! the seed forms, plus a few hand-made findings that exercise input codes and escaping.

use super::*;
use crate::finding::Related;
use crate::finding::Severity;
use crate::form::Place;
use crate::pack;
use crate::run::{self, CheckOptions};
use crate::sheet::CellRef;

/// The seed forms' folder and their file names, sorted: what the report tests check.
pub(super) fn seed_names() -> (&'static str, Vec<String>) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seed");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("seed folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xlsx"))
        .collect();
    names.sort();
    (dir, names)
}

/// The seed forms checked with the embedded pack (sorted by name), their sheet names, the
/// pack's ruleset and rule metadata.
fn seed() -> (Ruleset, Vec<RuleMeta>, Vec<FileReport>, Vec<Vec<String>>) {
    let pack = pack::load(&pack::embedded(), "<embedded>/").expect("embedded pack loads");
    let (dir, names) = seed_names();
    let mut files = Vec::new();
    let mut sheets = Vec::new();
    for n in names {
        let bytes = std::fs::read(format!("{dir}/{n}")).expect("seed form");
        let name = format!("tests/fixtures/seed/{n}");
        let checked = run::check_file(&pack, &name, &bytes, &CheckOptions::default());
        sheets.push(checked.sheets.iter().map(|s| s.name.clone()).collect());
        files.push(checked.report);
    }
    let ruleset = Ruleset {
        name: pack.manifest.name.clone(),
        version: pack.manifest.version.clone(),
    };
    (ruleset, pack.rule_meta(), files, sheets)
}

/// Files that are not forms, and a finding whose texts need escaping in every format.
fn odd_files() -> Vec<FileReport> {
    vec![
        FileReport {
            checked: Vec::new(),
            accepted: Vec::new(),
            path: "missing, \"quoted\".xlsx".to_string(),
            forms: 0,
            findings: vec![crate::codes::UNREADABLE.finding("文件不存在 (no such file)")],
        },
        FileReport {
            checked: Vec::new(),
            accepted: Vec::new(),
            path: "in/说明 100%.xlsx".to_string(),
            forms: 1,
            findings: vec![
                Finding {
                    code: "S001".into(),
                    severity: Severity::Error,
                    title: "得分超过分值".into(),
                    message: "=1+1 <b>&</b>: a, b\n第二行 100%".into(),
                    sheet: Some("表 A".into()),
                    at: Some(Place::Cell(CellRef::new(15, 8))),
                    related: vec![Related {
                        at: Place::Cell(CellRef::new(15, 6)),
                        label: "分值".into(),
                    }],
                    help: None,
                },
                crate::extract::not_a_form_finding("说明", "自评表"),
            ],
        },
    ]
}

fn all() -> (Ruleset, Vec<RuleMeta>, Vec<FileReport>, Vec<Vec<String>>) {
    let (ruleset, rules, mut files, mut sheets) = seed();
    files.extend(odd_files());
    sheets.extend([vec![], vec!["说明".to_string(), "表 A".to_string()]]);
    (ruleset, rules, files, sheets)
}

#[test]
fn sarif_seed_forms() {
    let (ruleset, rules, files, _) = all();
    insta::assert_snapshot!(render_sarif(&ruleset, &rules, &files));
}

#[test]
fn junit_seed_forms() {
    let (ruleset, _, files, sheets) = all();
    insta::assert_snapshot!(render_junit(&ruleset, &files, &sheets));
}

#[test]
fn github_seed_forms() {
    let (_, _, files, _) = all();
    insta::assert_snapshot!(render_github(&files));
}

#[test]
fn csv_seed_forms() {
    let (_, _, files, _) = all();
    insta::assert_snapshot!(render_csv(&files));
}

#[test]
fn statistics_seed_forms() {
    let (_, _, files, _) = all();
    insta::assert_snapshot!(render_statistics(&files));
}

#[test]
fn statistics_empty_without_findings() {
    assert_eq!(render_statistics(&[]), "");
}

#[test]
fn csv_parses_back_to_the_findings() {
    let (_, _, files, _) = all();
    let text = render_csv(&files);
    let body = text
        .strip_prefix('\u{FEFF}')
        .expect("csv starts with a BOM");
    let mut reader = ::csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        header,
        [
            "file",
            "sheet",
            "cell",
            "code",
            "severity",
            "title",
            "message",
            "accepted",
            "accepted_by"
        ]
    );
    let rows: Vec<::csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let findings: Vec<(&FileReport, &Finding)> = files
        .iter()
        .flat_map(|f| f.findings.iter().map(move |x| (f, x)))
        .collect();
    assert_eq!(rows.len(), findings.len());
    for (row, (file, f)) in rows.iter().zip(&findings) {
        assert_eq!(&row[0], file.path);
        assert_eq!(&row[1], f.sheet.as_deref().unwrap_or(""));
        assert_eq!(&row[3], f.code);
        assert_eq!(&row[4], f.severity.as_str());
        // Formula-looking text is defused with a leading quote, nothing else changes.
        let message = row[6].strip_prefix('\'').unwrap_or(&row[6]);
        assert_eq!(message, f.message);
        // nothing was accepted: both acceptance columns are empty
        assert_eq!((&row[7], &row[8]), ("", ""));
    }
}

#[test]
fn junit_is_well_formed_xml() {
    use quick_xml::events::Event;
    let (ruleset, _, files, sheets) = all();
    let xml = render_junit(&ruleset, &files, &sheets);
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut suites, mut cases, mut failures, mut depth) = (0, 0, 0, 0i32);
    let mut count = |name: &str| match name {
        "testsuite" => suites += 1,
        "testcase" => cases += 1,
        "failure" => failures += 1,
        _ => {}
    };
    loop {
        // The reader checks that every end tag matches its start tag.
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) => {
                depth += 1;
                count(e.name().into_inner());
            }
            Event::Empty(e) => count(e.name().into_inner()),
            Event::End(_) => depth -= 1,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    assert_eq!(suites, files.len());
    // One testcase per seed form (9), one for the missing file, one for the odd form.
    assert_eq!(cases, 11);
    // Seed forms with errors (P1 P2 P3 P8 P9), the missing file, the odd form.
    assert_eq!(failures, 7);
}

#[test]
fn junit_names_forms_without_findings() {
    let ruleset = Ruleset {
        name: "p".into(),
        version: "1".into(),
    };
    let clean = FileReport {
        checked: Vec::new(),
        accepted: Vec::new(),
        path: "a.yaml".into(),
        forms: 2,
        findings: Vec::new(),
    };
    let xml = render_junit(&ruleset, &[clean], &[]);
    assert!(xml.contains("name=\"#1\"/>"), "{xml}");
    assert!(xml.contains("name=\"#2\"/>"), "{xml}");
}

#[test]
fn github_escapes_properties_and_data() {
    let files = odd_files();
    let out = render_github(&files);
    assert!(out.starts_with("::error file=missing%2C \"quoted\".xlsx,title=X001 无法读取文件::"));
    assert!(out.contains("file=in/说明 100%25.xlsx,"), "{out}");
    assert!(out.contains("a, b%0A第二行 100%25\n"), "{out}");
    assert!(out.contains("::notice file="), "{out}");
    assert_eq!(out.lines().count(), 3);
}

#[test]
fn sarif_uris_are_percent_encoded() {
    assert_eq!(sarif::path_uri("a/b c.xlsx"), "a/b%20c.xlsx");
    assert_eq!(sarif::path_uri("表.xlsx"), "%E8%A1%A8.xlsx");
    assert_eq!(sarif::path_uri("/tmp/x.xlsx"), "file:///tmp/x.xlsx");
    assert_eq!(sarif::path_uri("C:\\f\\x.xlsx"), "file:///C:/f/x.xlsx");
}
