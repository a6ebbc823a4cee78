//! A reviewer accepts a finding inside the form itself: a cell comment (批注)
//! `formlint: 接受 S002 理由` in a workbook, or an `accept:` entry of a canonical YAML form.
//! Accepted findings leave the findings (every report keeps them as accepted, tests/accepted.rs);
//! acceptances that match nothing or lack a reason are X007.

use crate::common;
use common::{formlint, root};

/// `(code, cell or path, severity, title)` of each finding of a check run on `path`.
fn check(path: &str) -> Vec<(String, String, String, String)> {
    let (_, stdout, stderr) = formlint(&["check", path, "--format", "json"]);
    let doc: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stderr}"));
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
            let at = if s("cell").is_empty() {
                s("path")
            } else {
                s("cell")
            };
            (s("code"), at, s("severity"), s("title"))
        })
        .collect()
}

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/accept")
        .join(name)
        .to_str()
        .expect("utf8")
        .to_string()
}

fn brief(got: &[(String, String, String, String)]) -> Vec<(&str, &str, &str)> {
    got.iter()
        .map(|(c, a, s, _)| (c.as_str(), a.as_str(), s.as_str()))
        .collect()
}

#[test]
fn a_comment_accepts_the_finding_on_its_cell() {
    let got = check(&fixture("P3-批注接受.xlsx"));
    assert_eq!(
        brief(&got),
        vec![
            ("S005", "H16", "info"),
            ("U002", "F17", "warning"),
            ("X007", "H17", "warning"),
            ("C001", "D20", "warning"),
        ],
        "{got:#?}"
    );
    assert_eq!(got[2].3, "未使用的接受批注");
}

#[test]
fn a_comment_without_a_reason_accepts_nothing() {
    let got = check(&fixture("P3-批注缺理由.xlsx"));
    assert!(brief(&got).contains(&("S002", "I16", "error")), "{got:#?}");
    let x007: Vec<_> = got.iter().filter(|f| f.0 == "X007").collect();
    assert_eq!(x007.len(), 1, "{got:#?}");
    assert_eq!(x007[0].1, "I16");
    assert_eq!(x007[0].2, "warning");
    assert!(x007[0].3.contains("缺少理由"), "{x007:?}");
}

#[test]
fn ordinary_comments_change_nothing() {
    // the seed form with comments of its own (written by `formlint annotate`)
    let got = check(
        root()
            .join("tests/fixtures/annotate/P3-已有批注.xlsx")
            .to_str()
            .expect("utf8"),
    );
    assert!(got.iter().all(|f| f.0 != "X007"), "{got:#?}");
    assert!(got.iter().any(|f| f.0 == "S002"), "{got:#?}");
}

#[test]
fn a_canonical_form_accepts_by_path_or_anywhere() {
    let base = std::fs::read_to_string(root().join("tests/fixtures/cli/warnings-only.yaml"))
        .expect("fixture");
    let text = format!(
        "{}\n  accept:\n{}",
        base.trim_end(),
        r#"  - { code: U002, at: "tables.指标[6].实际完成值", reason: 已电话核实 }
  - { code: c001, reason: 两项指标分属不同任务 }
  - { code: S005, at: "forms[0].tables.指标[4].得分", reason: 无 }
  - { code: S002 }
"#
    );
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("form.yaml");
    std::fs::write(&path, text).expect("write");
    let got = check(path.to_str().expect("utf8"));
    assert_eq!(
        brief(&got),
        vec![
            ("S005", "forms[0].tables.指标[5].得分", "info"),
            ("X007", "forms[0].accept[2]", "warning"),
            ("X007", "forms[0].accept[3]", "warning"),
        ],
        "{got:#?}"
    );
    assert_eq!(got[1].3, "未使用的接受记录");
    assert!(got[2].3.contains("缺少理由"), "{got:#?}");
}

#[test]
fn an_unknown_key_in_an_accept_entry_is_an_error() {
    let base = std::fs::read_to_string(root().join("tests/fixtures/cli/warnings-only.yaml"))
        .expect("fixture");
    let text = format!(
        "{}\n  accept:\n  - {{ code: S005, cell: H16, reason: x }}\n",
        base.trim_end()
    );
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("form.yaml");
    std::fs::write(&path, text).expect("write");
    let got = check(path.to_str().expect("utf8"));
    assert!(got.iter().any(|f| f.0 == "X001"), "{got:#?}");
}
