//! `formlint.toml` next to the submissions: pack choice, ignores, per-file ignores, accepted
//! findings with reasons, warnings raised to errors, and unused suppressions reported.

use crate::common;
use common::{formlint, root};

fn codes(stdout: &str) -> Vec<(String, String, String)> {
    common::json_fields(stdout, &["form", "code", "severity"])
        .into_iter()
        .map(|v| (v[0].clone(), v[1].clone(), v[2].clone()))
        .collect()
}

fn setup(config: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    for f in ["P1-办公设备采购.xlsx", "P3-贸易摩擦应对事务.xlsx"] {
        std::fs::copy(
            root().join("tests/fixtures/seed").join(f),
            tmp.path().join(f),
        )
        .expect("copy");
    }
    std::fs::write(tmp.path().join("formlint.toml"), config).expect("config");
    tmp
}

#[test]
fn ignores_accepts_and_raises() {
    let tmp = setup(
        r#"
ignore = ["B004"]
warnings-as-errors = ["C001"]

[per-file-ignores]
"P1-*.xlsx" = ["U001"]

[[accept]]
file = "P3-贸易摩擦应对事务.xlsx"
code = "S002"
cell = "I16"
reason = "会议提前一个月召开，扣 1 分合理，已电话核实"
"#,
    );
    let dir = tmp.path().to_str().expect("utf8");
    let (code, stdout, stderr) = formlint(&["check", dir, "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let got = codes(&stdout);
    let want: Vec<(String, String, String)> = [
        ("P1", "R001", "error"),
        ("P1", "R001", "error"),
        ("P3", "S005", "info"),
        ("P3", "U002", "warning"),
        ("P3", "C001", "error"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn unused_suppressions_are_reported() {
    let tmp = setup(
        r#"
ignore = ["B006"]

[per-file-ignores]
"P9-*.xlsx" = ["W004"]

[[accept]]
file = "P3-贸易摩擦应对事务.xlsx"
code = "S002"
cell = "I17"
reason = "写错了单元格"
"#,
    );
    let dir = tmp.path().to_str().expect("utf8");
    let (_, stdout, _) = formlint(&["check", dir, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let unused: Vec<String> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "X007")
        .map(|f| f["message"].as_str().expect("message").to_string())
        .collect();
    assert_eq!(unused.len(), 3, "{unused:?}");
    assert!(
        unused[0].contains("B006") && unused[1].contains("P9-*.xlsx") && unused[2].contains("I17"),
        "{unused:?}"
    );
    // the accept pointed at the wrong cell, so S002 at I16 is still reported
    assert!(codes(&stdout).iter().any(|c| c.1 == "S002"));
}

#[test]
fn config_selects_the_pack_and_can_be_turned_off() {
    let tmp = setup("rules = \"mypack\"\n");
    let pack = tmp.path().join("mypack");
    std::fs::create_dir(&pack).expect("mkdir");
    std::fs::write(
        pack.join("pack.yaml"),
        "name: mine\nversion: 2.0.0\nextends: shenzhen-2020\ndisable: [R001]\n",
    )
    .expect("pack");
    let dir = tmp.path().to_str().expect("utf8");
    let (_, stdout, stderr) = formlint(&["check", dir, "--format", "json"]);
    let doc: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stderr}"));
    assert_eq!(doc["ruleset"]["name"], "mine");
    assert!(!codes(&stdout).iter().any(|c| c.1 == "R001"));
    let (_, stdout, _) = formlint(&["check", dir, "--format", "json", "--no-config"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(doc["ruleset"]["name"], "shenzhen-2020");
}

#[test]
fn an_accept_without_a_reason_takes_no_effect_and_is_an_x007_warning() {
    let tmp = setup("[[accept]]\nfile = \"P3-*.xlsx\"\ncode = \"S002\"\nreason = \" \"\n");
    let dir = tmp.path().to_str().expect("utf8");
    let (code, stdout, stderr) = formlint(&["check", dir, "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let found = codes(&stdout);
    assert!(
        found.iter().any(|c| c.1 == "S002"),
        "not accepted: {found:?}"
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let x007: Vec<String> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "X007")
        .map(|f| f["message"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(x007.iter().any(|m| m.contains("缺少理由")), "{x007:?}");
}

#[test]
fn a_mistyped_code_is_an_error_at_its_place_with_the_near_code() {
    let tmp = setup("ignore = [\"B04\"]\n");
    let (code, _, stderr) = formlint(&["check", tmp.path().to_str().expect("utf8")]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("没有代码为“B04”的规则"), "{stderr}");
    assert!(stderr.contains("formlint.toml:1:"), "{stderr}");
    assert!(stderr.contains("是否想写“B004”"), "{stderr}");
}

#[test]
fn a_toml_mistake_is_in_chinese_at_its_line() {
    let tmp = setup("ignroe = [\"B004\"]\n");
    let (code, _, stderr) = formlint(&["check", tmp.path().to_str().expect("utf8")]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("不认识的键“ignroe”"), "{stderr}");
    assert!(stderr.contains("是否想写“ignore”"), "{stderr}");
}

#[test]
fn an_accept_cell_written_as_reports_print_it_matches() {
    let tmp = setup(
        "[[accept]]\nfile = \"P3-*.xlsx\"\ncode = \"S002\"\ncell = \"自评表!I16\"\nreason = \"已核实\"\n",
    );
    let dir = tmp.path().to_str().expect("utf8");
    let (_, stdout, _) = formlint(&["check", dir, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let s002_at_i16 = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .any(|f| f["code"] == "S002" && f["cell"] == "I16");
    assert!(!s002_at_i16, "自评表!I16 should match the S002 at I16");
    assert!(!stdout.contains("X007"), "the accept was used: {stdout}");
}

/// Each input uses the nearest formlint.toml at or above it, whatever the order of the
/// arguments, and a config's globs are relative to its own folder (as ruff's are).
#[test]
fn each_input_uses_its_nearest_config_with_globs_relative_to_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let seed = root().join("tests/fixtures/seed");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    std::fs::create_dir_all(a.join("sub")).expect("mkdir");
    std::fs::create_dir_all(&b).expect("mkdir");
    for dir in [&a, &b] {
        std::fs::copy(
            seed.join("P1-办公设备采购.xlsx"),
            dir.join("P1-办公设备采购.xlsx"),
        )
        .expect("copy");
    }
    std::fs::copy(
        seed.join("P3-贸易摩擦应对事务.xlsx"),
        a.join("sub/P3-贸易摩擦应对事务.xlsx"),
    )
    .expect("copy");
    std::fs::write(
        a.join("formlint.toml"),
        "ignore = [\"B004\"]\n\n[per-file-ignores]\n\"sub/P3-*.xlsx\" = [\"S002\"]\n",
    )
    .expect("config a");
    std::fs::write(b.join("formlint.toml"), "ignore = [\"U001\"]\n").expect("config b");
    let (sa, sb) = (a.to_str().expect("utf8"), b.to_str().expect("utf8"));
    for args in [[sb, sa], [sa, sb]] {
        let (_, stdout, stderr) = formlint(&["check", args[0], args[1], "--format", "json"]);
        let doc: serde_json::Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        let found: Vec<(String, String)> = doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| {
                let file = f["file"].as_str().unwrap_or("");
                let folder = if file.contains("/a/") { "a" } else { "b" };
                (
                    folder.to_string(),
                    f["code"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let has = |folder: &str, code: &str| found.iter().any(|(f, c)| f == folder && c == code);
        assert!(
            !has("a", "B004") && has("b", "B004"),
            "B004 ignored in a only: {found:?}"
        );
        assert!(
            has("a", "U001") && !has("b", "U001"),
            "U001 ignored in b only: {found:?}"
        );
        assert!(
            !has("a", "S002"),
            "sub/P3-*.xlsx is relative to a/: {found:?}"
        );
        assert!(
            !found.iter().any(|(_, c)| c == "X007"),
            "every suppression used: {found:?}"
        );
    }
}
