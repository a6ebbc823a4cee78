//! Versioned packs that build on each other: a pack in a folder that extends the shipped one
//! overrides a parameter, switches a rule off and changes a severity — no rebuild, no copy.

use crate::common;
use common::formlint;

fn findings(stdout: &str) -> Vec<(String, String, String, String)> {
    common::json_fields(stdout, &["form", "code", "cell", "severity"])
        .into_iter()
        .map(|v| (v[0].clone(), v[1].clone(), v[2].clone(), v[3].clone()))
        .collect()
}

fn write_pack(dir: &std::path::Path, manifest: &str) -> String {
    std::fs::create_dir_all(dir).expect("mkdir");
    std::fs::write(dir.join("pack.yaml"), manifest).expect("write");
    dir.to_str().expect("utf8").to_string()
}

#[test]
fn extending_pack_overrides_a_param_disables_a_rule_and_changes_a_severity() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pack = write_pack(
        &tmp.path().join("shenzhen-2021"),
        "name: shenzhen-2021\nversion: 0.1.0\nextends: shenzhen-2020@1.0.0\nfiscal_years: [2021]\n\
         params:\n  一级权重: {产出指标: 50, 效益指标: 30}\nseverity:\n  B006: warning\ndisable: [U001]\n",
    );
    let (_, base, _) = formlint(&["check", "tests/fixtures/seed", "--format", "json"]);
    let (code, child, stderr) = formlint(&[
        "check",
        "tests/fixtures/seed",
        "--format",
        "json",
        "--rules",
        &pack,
    ]);
    assert_eq!(code, 1, "{stderr}");
    let doc: serde_json::Value = serde_json::from_str(&child).expect("json");
    assert_eq!(doc["ruleset"]["name"], "shenzhen-2021");
    assert_eq!(doc["ruleset"]["version"], "0.1.0");
    let base = findings(&base);
    let child = findings(&child);
    // U001 is off
    assert!(base.iter().any(|f| f.1 == "U001"));
    assert!(!child.iter().any(|f| f.1 == "U001"));
    // B006 is now a warning
    assert!(child
        .iter()
        .filter(|f| f.1 == "B006")
        .all(|f| f.3 == "warning"));
    assert_eq!(child.iter().filter(|f| f.1 == "B006").count(), 3);
    // 效益指标 30: every published form (no weight in its labels) now breaks W001; P1 keeps its （40分）
    let w001: Vec<&str> = child
        .iter()
        .filter(|f| f.1 == "W001")
        .map(|f| f.0.as_str())
        .collect();
    assert_eq!(w001, vec!["P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9"]);
    assert!(!base.iter().any(|f| f.1 == "W001"));
    // everything else is unchanged
    let rest = |v: &[(String, String, String, String)]| -> Vec<(String, String, String)> {
        v.iter()
            .filter(|f| !["U001", "B006", "W001"].contains(&f.1.as_str()))
            .map(|f| (f.0.clone(), f.1.clone(), f.2.clone()))
            .collect()
    };
    assert_eq!(rest(&base), rest(&child));
}

#[test]
fn a_rule_given_again_in_the_extending_pack_replaces_the_base_rule() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("strict");
    let pack = write_pack(
        &dir,
        "name: strict\nversion: 1.0.0\nextends: shenzhen-2020\nrules: [strict.rules]\n",
    );
    std::fs::write(
        dir.join("strict.rules"),
        "rule B006 error \"全年预算数有调整\" {\n  when 总额.全年预算数 != 总额.年初预算数\n  at 总额.全年预算数\n  message \"全年预算数 {总额.全年预算数} 与年初预算数 {总额.年初预算数} 不同\"\n}\n",
    )
    .expect("write");
    let (_, out, stderr) = formlint(&[
        "check",
        "tests/fixtures/seed",
        "--format",
        "json",
        "--rules",
        &pack,
    ]);
    let b006: Vec<(String, String)> = findings(&out)
        .into_iter()
        .filter(|f| f.1 == "B006")
        .map(|f| (f.0, f.3))
        .collect();
    // any adjustment now counts, as an error: P2, P4 (−33 %, below the old 50 % threshold), P6, P8
    let want: Vec<(String, String)> = ["P2", "P4", "P6", "P8"]
        .iter()
        .map(|p| (p.to_string(), "error".to_string()))
        .collect();
    assert_eq!(b006, want, "{stderr}");
}

#[test]
fn mistakes_in_an_extending_manifest_point_into_it() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pack = write_pack(
        &tmp.path().join("bad"),
        "name: bad\nversion: 0.0.1\nextends: shenzhen-2020\nparams:\n  一级权利: {产出指标: 50}\n  金额容差: \"一分钱\"\nseverity:\n  B0006: warning\ndisable: [C001]\n",
    );
    let (code, _, stderr) = formlint(&["check", "tests/fixtures/seed", "--rules", &pack]);
    assert_eq!(code, 2);
    let shown = stderr.replace(&pack, "[pack]");
    insta::assert_snapshot!(shown);
}

#[test]
fn unknown_base_pack_and_wrong_version_are_usage_errors() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pack = write_pack(
        &tmp.path().join("a"),
        "name: a\nversion: 1.0.0\nextends: shenzhen-2020@9.9.9\n",
    );
    let (code, _, stderr) = formlint(&["check", "tests/fixtures/seed", "--rules", &pack]);
    assert_eq!(code, 2);
    assert!(stderr.contains("9.9.9"), "{stderr}");
    let (code, _, stderr) = formlint(&["check", "tests/fixtures/seed", "--rules", "no-such-pack"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no-such-pack"), "{stderr}");
}

#[test]
fn the_pack_follows_the_fiscal_year() {
    // P1 says （2020年度）: the default 2020 pack, no note
    let (_, out, _) = formlint(&[
        "check",
        "tests/fixtures/seed/P1-办公设备采购.xlsx",
        "--format",
        "json",
    ]);
    assert!(!out.contains("X011") && !out.contains("X012"), "{out}");
    // --year picks a built-in pack for that year, or refuses
    let (code, out, _) = formlint(&[
        "check",
        "tests/fixtures/seed/P4-进出口预警事务.xlsx",
        "--year",
        "2020",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{out}");
    let (code, _, stderr) = formlint(&[
        "check",
        "tests/fixtures/seed/P4-进出口预警事务.xlsx",
        "--year",
        "2031",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("2031"), "{stderr}");
    // a canonical form for a year no pack covers: checked by the default pack, with a note
    let base =
        std::fs::read_to_string(common::root().join("tests/fixtures/cli/warnings-only.yaml"))
            .expect("fixture");
    let tmp = tempfile::tempdir().expect("tmp");
    let path = tmp.path().join("form-2031.yaml");
    std::fs::write(
        &path,
        base.replacen("formlint: 1\n", "formlint: 1\nfiscal_year: 2031\n", 1),
    )
    .expect("write");
    let (_, out, stderr) = formlint(&["check", path.to_str().expect("utf8"), "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{stderr}"));
    let first = &doc["findings"][0];
    assert_eq!(first["code"], "X011");
    assert_eq!(first["severity"], "info");
    assert!(first["message"].as_str().expect("msg").contains("2031"));
    assert!(
        out.contains("\"U002\""),
        "still checked by the default pack: {out}"
    );
}

/// Loads a pack that extends the shipped one from a manifest text alone.
fn load_extending(manifest: &str) -> Result<formlint::Pack, formlint::pack::PackError> {
    let files = [("pack.yaml".to_string(), manifest.to_string())].into();
    formlint::pack::load(&files, "my-pack/")
}

fn manifest_problem(manifest: &str) -> formlint::diag::Problem {
    match load_extending(manifest) {
        Err(formlint::pack::PackError::Manifest(p)) => *p,
        other => panic!("expected a manifest problem, got {other:?}"),
    }
}

#[test]
fn a_misspelt_manifest_key_is_named_in_chinese_at_its_line_with_the_near_key() {
    let text = "name: p\nversion: 0.1.0\nextends: shenzhen-2020\nrulez: [a.rules]\n";
    let p = manifest_problem(text);
    assert!(p.message.contains("不认识的键“rulez”"), "{}", p.message);
    assert_eq!(
        p.help.as_deref(),
        Some("是否想写“rules”？ Did you mean `rules`?")
    );
    let at = p.span.expect("span").start;
    assert!(text[at..].starts_with("rulez"), "{:?}", &text[at..]);
    assert_eq!(p.kind.code(), "formlint::pack::manifest");
}

#[test]
fn an_unknown_base_pack_is_reported_at_extends() {
    let text = "name: p\nversion: 0.1.0\nextends: shenzhen-2030\n";
    let p = manifest_problem(text);
    assert!(
        p.message.contains("找不到基础规则包“shenzhen-2030”"),
        "{}",
        p.message
    );
    let at = p.span.expect("span").start;
    assert!(text[at..].starts_with("shenzhen-2030"), "{:?}", &text[at..]);
}

#[test]
fn pack_yaml_takes_the_chinese_severity_words_rule_files_take() {
    let pack = load_extending(
        "name: p\nversion: 0.1.0\nextends: shenzhen-2020\nseverity:\n  B006: 警告\n  B004: 提示\n",
    )
    .expect("警告 and 提示 are severities");
    let severity = |code: &str| {
        pack.rule_meta()
            .into_iter()
            .find(|r| r.code == code)
            .map(|r| r.severity)
    };
    assert_eq!(severity("B006"), Some(formlint::Severity::Warning));
    assert_eq!(severity("B004"), Some(formlint::Severity::Info));
    let p = manifest_problem(
        "name: p\nversion: 0.1.0\nextends: shenzhen-2020\nseverity:\n  B006: 严重\n",
    );
    assert!(p.message.contains("无效的取值“严重”"), "{}", p.message);
    assert!(
        p.help.as_deref().unwrap_or("").contains("警告"),
        "{:?}",
        p.help
    );
}

#[test]
fn an_override_of_an_unknown_param_points_at_its_key_in_the_manifest() {
    let text = "name: p\nversion: 0.1.0\nextends: shenzhen-2020\nparams:\n  一级权重x: 3\n";
    let e = load_extending(text).expect_err("unknown param");
    let formlint::pack::PackError::Rules(errors) = e else {
        panic!("expected rule errors, got {e:?}");
    };
    let p = &errors.errors[0];
    assert_eq!(p.kind.code(), "formlint::pack::unknown-param");
    let at = p.span.expect("span").start;
    assert!(text[at..].starts_with("一级权重x"), "{:?}", &text[at..]);
}

#[test]
fn a_comparator_word_must_mean_a_comparator_and_is_reported_at_it() {
    let text = "name: p\nversion: 0.1.0\nextends: shenzhen-2020\nunits:\n  comparators:\n    before: { 不逊于: 大约 }\n";
    let p = manifest_problem(text);
    assert!(p.message.contains("“大约”不是比较符"), "{}", p.message);
    let at = p.span.expect("span").start;
    assert!(text[at..].starts_with("大约"), "{:?}", &text[at..]);
    // a word meaning a comparator loads
    let pack = load_extending(
        "name: p\nversion: 0.1.0\nextends: shenzhen-2020\nunits:\n  comparators:\n    before: { 不逊于: ≥ }\n",
    )
    .expect("≥ is a comparator");
    assert_eq!(pack.manifest.units.comparators.before.len(), 1);
}
