//! Bad values inside a form get codes of their own and never stop the check.

use crate::common;
use common::{formlint, root};

fn check_yaml(edit: impl Fn(String) -> String) -> Vec<(String, String, String)> {
    let base = std::fs::read_to_string(root().join("tests/fixtures/cli/warnings-only.yaml"))
        .expect("fixture");
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("form.yaml");
    std::fs::write(&path, edit(base)).expect("write");
    let (_, stdout, stderr) =
        formlint(&["check", path.to_str().expect("utf8"), "--format", "json"]);
    let doc: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stderr}"));
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
            (s("code"), s("path"), s("message"))
        })
        .collect()
}

#[test]
fn a_number_where_a_name_belongs_is_a_warning_of_its_own() {
    let got = check_yaml(|t| t.replacen("三级指标: 企业满意度", "三级指标: 12345", 1));
    let x010: Vec<_> = got.iter().filter(|f| f.0 == "X010").collect();
    assert_eq!(x010.len(), 1, "{got:?}");
    assert_eq!(x010[0].1, "forms[0].tables.指标[11].三级指标");
    assert!(x010[0].2.contains("12345"));
}

#[test]
fn text_where_a_number_belongs_is_reported_once_and_rules_skip_it() {
    let got = check_yaml(|t| {
        t.replacen(
            "得分: 5\n      偏差原因: 会议提前召开",
            "得分: 暂缓举办\n      偏差原因: 会议提前召开",
            1,
        )
    });
    let at = "forms[0].tables.指标[5].得分";
    let here: Vec<&str> = got
        .iter()
        .filter(|f| f.1 == at)
        .map(|f| f.0.as_str())
        .collect();
    assert_eq!(here, vec!["X006"], "{got:?}");
    // the total is not re-checked against a sum with a hole in it
    assert!(!got.iter().any(|f| f.0 == "S003"), "{got:?}");
}
