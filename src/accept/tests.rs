use super::*;
use crate::finding::Severity;
use crate::form::{Form, FormPath};

fn line(codes: &[&str], reason: &str) -> AcceptLine {
    AcceptLine {
        codes: codes.iter().map(|c| c.to_string()).collect(),
        reason: reason.to_string(),
    }
}

fn cell(a1: &str) -> CellRef {
    CellRef::parse(a1).expect("cell")
}

fn finding(code: &str, at: Option<Place>) -> Finding {
    Finding {
        code: code.into(),
        severity: Severity::Error,
        title: String::new(),
        message: String::new(),
        sheet: Some("自评表".into()),
        at,
        related: Vec::new(),
        help: None,
    }
}

#[test]
fn chinese_line_with_author_first() {
    assert_eq!(
        parse_note("张三:\nformlint: 接受 S002 会议提前召开，扣分合理"),
        vec![line(&["S002"], "会议提前召开，扣分合理")]
    );
}

#[test]
fn english_line_full_width_colon_and_case() {
    assert_eq!(
        parse_note("FormLint：accept s002 meeting held early"),
        vec![line(&["S002"], "meeting held early")]
    );
    assert_eq!(
        parse_note("  formlint :ACCEPT B004: ok "),
        vec![line(&["B004"], "ok")]
    );
}

#[test]
fn several_codes() {
    assert_eq!(
        parse_note("formlint: 接受 S002,S005 理由"),
        vec![line(&["S002", "S005"], "理由")]
    );
    assert_eq!(
        parse_note("formlint：接受S002，S005 、 U002：已核实"),
        vec![line(&["S002", "S005", "U002"], "已核实")]
    );
    // a code-like word after a space is part of the reason
    assert_eq!(
        parse_note("formlint: accept S002 A4 paper"),
        vec![line(&["S002"], "A4 paper")]
    );
}

#[test]
fn missing_reason_or_code() {
    assert_eq!(parse_note("formlint: 接受 S002"), vec![line(&["S002"], "")]);
    assert_eq!(parse_note("formlint: 接受 理由"), vec![line(&[], "理由")]);
}

#[test]
fn ordinary_notes_are_not_acceptances() {
    assert!(parse_note("请核实得分").is_empty());
    assert!(parse_note("S002 偏差原因：会议提前召开").is_empty());
    assert!(parse_note("formlint: S002 自动批注").is_empty());
    assert!(parse_note("formlint: accepted S002 x").is_empty());
    assert!(parse_note("formlint 接受 S002 x").is_empty());
}

#[test]
fn comments_become_acceptances_at_the_merged_anchor() {
    let merges = [CellRange {
        start: cell("H16"),
        end: cell("I16"),
    }];
    let got = from_comments(
        &[
            (cell("I16"), "formlint: 接受 S002,S005 理由".into()),
            (cell("A1"), "备注".into()),
        ],
        &merges,
    );
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].at, Some(Place::Cell(cell("H16"))));
    assert_eq!(got[0].origin, Some(Place::Cell(cell("I16"))));
    assert_eq!(got[1].code, "S005");
}

#[test]
fn apply_drops_matches_and_reports_the_rest() {
    let merges = [CellRange {
        start: cell("H16"),
        end: cell("I16"),
    }];
    let form = Form {
        sheet: "自评表".into(),
        accepted: from_comments(
            &[
                (cell("I16"), "formlint: 接受 S002 合理".into()),
                (cell("H17"), "formlint: 接受 S005 理由".into()),
                (cell("H18"), "formlint: 接受 S003".into()),
            ],
            &merges,
        ),
        ..Form::default()
    };
    let mut findings = vec![
        finding("S002", Some(Place::Cell(cell("H16")))),
        finding("S002", Some(Place::Cell(cell("H18")))),
        finding("S003", Some(Place::Cell(cell("H18")))),
        finding("S005", Some(Place::Cell(cell("H19")))),
    ];
    let accepted = apply(&form, &merges, &mut findings, "P3.xlsx");
    assert_eq!(accepted.len(), 1, "{accepted:?}");
    assert_eq!(accepted[0].finding.code, "S002");
    assert_eq!(accepted[0].finding.at, Some(Place::Cell(cell("H16"))));
    assert_eq!(accepted[0].by.kind, crate::outcome::AcceptKind::Comment);
    assert_eq!(accepted[0].by.reason, "合理");
    assert_eq!(accepted[0].by.at, Some(Place::Cell(cell("I16"))));
    let got: Vec<(String, String, Severity)> = findings
        .iter()
        .map(|f| (f.code.clone(), f.location(), f.severity))
        .collect();
    let want = [
        ("S002", "自评表!H18", Severity::Error),
        ("S003", "自评表!H18", Severity::Error),
        ("S005", "自评表!H19", Severity::Error),
        ("X007", "自评表!H17", Severity::Warning),
        ("X007", "自评表!H18", Severity::Warning),
    ];
    let want: Vec<(String, String, Severity)> = want
        .iter()
        .map(|(c, l, s)| (c.to_string(), l.to_string(), *s))
        .collect();
    assert_eq!(got, want);
    assert!(findings[3].title.contains("未使用"), "{:?}", findings[3]);
    assert!(findings[4].title.contains("缺少理由"), "{:?}", findings[4]);
}

#[test]
fn acceptance_without_place_takes_the_code_anywhere() {
    let form = Form {
        accepted: vec![Acceptance {
            code: "S002".into(),
            at: None,
            reason: "整表接受".into(),
            origin: Some(Place::Path(
                FormPath::parse("forms[0].accept[0]", 0).expect("path"),
            )),
            unreadable_at: None,
        }],
        ..Form::default()
    };
    let mut findings = vec![
        finding(
            "S002",
            Some(Place::Path(FormPath::value(0, "指标", 5, "得分"))),
        ),
        finding("S002", None),
        finding("S005", None),
    ];
    let accepted = apply(&form, &[], &mut findings, "P3.yaml");
    assert_eq!(findings.len(), 1);
    assert_eq!(accepted.len(), 2);
    assert!(accepted
        .iter()
        .all(|a| a.by.kind == crate::outcome::AcceptKind::Form
            && a.by.place() == "P3.yaml › forms[0].accept[0]"
            && a.by.reason == "整表接受"));
    assert_eq!(findings[0].code, "S005");
}
