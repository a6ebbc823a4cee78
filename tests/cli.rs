//! The command line as submission workflows use it: exit codes, rule packs on disk edited
//! without a rebuild, rule-file errors, bad input that never stops a batch.

use crate::common;
use common::{copy_dir, formlint, root};

#[test]
fn clean_form_exits_zero() {
    let (code, stdout, _) = formlint(&["check", "tests/fixtures/seed/P4-进出口预警事务.xlsx"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("未发现问题") || stdout.contains("0 个错误"),
        "{stdout}"
    );
}

#[test]
fn errors_exit_one() {
    let (code, _, _) = formlint(&["check", "tests/fixtures/seed/P9-预算准备金.xlsx"]);
    assert_eq!(code, 1);
}

#[test]
fn warnings_alone_exit_zero_unless_denied() {
    let dir = tempfile::tempdir().expect("tmp");
    // P3 without its S002 error: give 会议召开时间 a reason → only warnings and info remain
    let yaml = std::fs::read_to_string(root().join("tests/fixtures/cli/warnings-only.yaml"))
        .expect("fixture");
    let path = dir.path().join("warnings-only.yaml");
    std::fs::write(&path, yaml).expect("write");
    let p = path.to_str().expect("utf8");
    let (code, stdout, _) = formlint(&["check", p]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("警告[U002]"), "{stdout}");
    let (code, _, _) = formlint(&["check", p, "--deny-warnings"]);
    assert_eq!(code, 1);
}

#[test]
fn missing_path_is_a_usage_error_and_the_batch_goes_on() {
    let (code, stdout, _) = formlint(&[
        "check",
        "no/such/file.xlsx",
        "tests/fixtures/seed/P9-预算准备金.xlsx",
        "--format",
        "json",
    ]);
    assert_eq!(code, 2);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes.first(), Some(&"X001"));
    assert!(codes.contains(&"W004"), "P9 still checked: {codes:?}");
}

#[test]
fn corrupt_and_empty_inputs_get_their_own_codes() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("broken.xlsx"), b"this is not a workbook").expect("write");
    std::fs::create_dir(dir.path().join("empty")).expect("mkdir");
    let broken = dir.path().join("broken.xlsx");
    let empty = dir.path().join("empty");
    let (code, stdout, _) = formlint(&[
        "check",
        broken.to_str().expect("utf8"),
        empty.to_str().expect("utf8"),
        "--format",
        "json",
    ]);
    assert_eq!(code, 1, "{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("code"))
        .collect();
    assert!(
        codes.contains(&"X001") && codes.contains(&"X008"),
        "{codes:?}"
    );
}

#[test]
fn editing_a_parameter_in_a_copy_changes_findings_without_rebuild() {
    let dir = tempfile::tempdir().expect("tmp");
    let pack = dir.path().join("pack");
    copy_dir(&root().join("rules/shenzhen-2020"), &pack);
    let params = pack.join("params.rules");
    let text = std::fs::read_to_string(&params).expect("params");
    assert!(text.contains("效益指标: 40"));
    std::fs::write(&params, text.replace("效益指标: 40", "效益指标: 30")).expect("edit");
    let form = "tests/fixtures/seed/P4-进出口预警事务.xlsx";
    let (code, stdout, _) = formlint(&["check", form, "--format", "json"]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("\"W001\""));
    let (code, stdout, stderr) = formlint(&[
        "check",
        form,
        "--format",
        "json",
        "--rules",
        pack.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("warning: ") && stderr.contains("不等于总分满分 100"),
        "the broken invariant is said: {stderr}"
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let w001: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "W001")
        .collect();
    assert_eq!(w001.len(), 1, "{stdout}");
    assert_eq!(w001[0]["cell"], "B15", "the 效益指标 label cell");
    assert!(w001[0]["message"]
        .as_str()
        .expect("msg")
        .contains("应等于 30"));
}

#[test]
fn rule_file_with_three_mistakes_reports_all_three() {
    let dir = tempfile::tempdir().expect("tmp");
    let pack = dir.path().join("pack");
    copy_dir(&root().join("rules/shenzhen-2020"), &pack);
    let funds = pack.join("funds.rules");
    let text = std::fs::read_to_string(&funds).expect("funds");
    let broken = text
        .replacen(
            "when (r.全年执行数 ?? 0) > (r.全年预算数 ?? 0)",
            "when (r.全年执行 ?? 0) > (r.全年预算数 ?? 0)",
            1,
        )
        .replacen("let 应为 = min(round(", "let 应为 = minimum(round(", 1)
        .replacen("rule B006 info", "rule B005 info", 1);
    std::fs::write(&funds, broken).expect("edit");
    let (code, stdout, stderr) = formlint(&[
        "check",
        "tests/fixtures/seed",
        "--rules",
        pack.to_str().expect("utf8"),
    ]);
    assert_eq!(code, 2, "{stdout}");
    let shown = stderr.replace(pack.to_str().expect("utf8"), "[pack]");
    insta::assert_snapshot!(shown);
}

#[test]
fn output_never_overwrites_an_input_and_reports_are_not_read_back() {
    let dir = tempfile::tempdir().expect("tmp");
    let form = dir.path().join("P3.xlsx");
    std::fs::copy(
        root().join("tests/fixtures/seed/P3-贸易摩擦应对事务.xlsx"),
        &form,
    )
    .expect("copy");
    let before = std::fs::read(&form).expect("read");
    let d = dir.path().to_str().expect("utf8");
    // `-o` naming the input itself, or through another spelling of its path: refused.
    let twisted = format!("{d}/./P3.xlsx");
    for out in [form.to_str().expect("utf8"), twisted.as_str()] {
        let (code, _, stderr) = formlint(&["check", "--format", "json", d, "-o", out]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("不会覆盖"), "{stderr}");
        assert_eq!(
            std::fs::read(&form).expect("read"),
            before,
            "the form was overwritten"
        );
    }
    // Reports written into the scanned folder are skipped with a note on the next run.
    let json = dir.path().join("report.json");
    let csv = dir.path().join("report.csv");
    for (format, path) in [("json", &json), ("csv", &csv)] {
        let (code, _, stderr) = formlint(&[
            "check",
            "--format",
            format,
            d,
            "-o",
            path.to_str().expect("utf8"),
        ]);
        assert!(matches!(code, 0 | 1), "{stderr}");
    }
    let (_, stdout, _) = formlint(&["check", "--format", "json", "--no-config", d]);
    let fields = common::json_fields(&stdout, &["file", "code", "message"]);
    for report in [&json, &csv] {
        let name = report.to_str().expect("utf8");
        let of: Vec<&Vec<String>> = fields.iter().filter(|f| f[0] == name).collect();
        assert_eq!(of.len(), 1, "{name}: {fields:?}");
        assert_eq!(of[0][1], "X003", "{name}: {fields:?}");
        assert!(of[0][2].contains("formlint 的"), "{name}: {fields:?}");
    }
    assert_eq!(std::fs::read(&form).expect("read"), before);
}

#[test]
fn help_is_in_chinese_for_every_subcommand() {
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["rules", "--help"],
        &["rules", "check", "--help"],
        &["rules", "test", "--help"],
    ] {
        let (code, stdout, stderr) = formlint(args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        for word in ["用法 (usage)", "选项 (options)", "显示帮助"] {
            assert!(stdout.contains(word), "{args:?} lacks {word}: {stdout}");
        }
        for english in ["Usage:", "Options:", "Print help", "Commands:"] {
            assert!(
                !stdout.contains(english),
                "{args:?} has {english}: {stdout}"
            );
        }
    }
}
