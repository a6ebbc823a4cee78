//! The second kind of form, 项目支出绩效目标申报表: the seed declarations give exactly the
//! catalogue's findings (docs/target-catalogue.md §2), the template variants read the same, and
//! a batch of both kinds gives each form to the pack of its kind.

use crate::common;
use common::{formlint, root};

/// (form, code, cell) of every finding §2 expects on the seed declarations.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("P2", "T007", "E11"),
    ("P2", "T008", "E25"),
    ("P3", "T007", "E15"),
    ("P3", "T008", "E17"),
    ("P5", "T007", "E14"),
    ("P7", "T007", "E13"),
];

fn findings(stdout: &str) -> Vec<(String, String, String)> {
    common::json_fields(stdout, &["form", "code", "cell"])
        .into_iter()
        .map(|v| (v[0].clone(), v[1].clone(), v[2].clone()))
        .collect()
}

fn want(list: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    list.iter()
        .map(|(f, c, cell)| (f.to_string(), c.to_string(), cell.to_string()))
        .collect()
}

#[test]
fn seed_declarations_yield_exactly_the_catalogue_findings() {
    let (code, stdout, stderr) =
        formlint(&["check", "tests/fixtures/declarations", "--format", "json"]);
    assert_eq!(code, 0, "warnings only → exit 0; {stderr}");
    assert_eq!(findings(&stdout), want(EXPECTED));
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    for file in doc["files"].as_array().expect("files") {
        let checked = &file["forms_checked"][0];
        assert_eq!(checked["kind"], "declaration", "{file}");
        assert_eq!(checked["pack"]["name"], "target-2020", "{file}");
    }
    assert_eq!(doc["summary"]["forms"], 8);
}

#[test]
fn a_batch_of_both_kinds_checks_each_form_with_the_pack_of_its_kind() {
    let tmp = tempfile::tempdir().expect("tmp");
    for dir in ["seed", "declarations"] {
        common::copy_dir(&root().join("tests/fixtures").join(dir), tmp.path());
    }
    let (_, stdout, _) = formlint(&[
        "check",
        tmp.path().to_str().expect("utf8"),
        "--format",
        "json",
        "--no-crosscheck",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let mut kinds = std::collections::BTreeMap::new();
    for file in doc["files"].as_array().expect("files") {
        let name = file["file"].as_str().expect("name");
        let checked = &file["forms_checked"][0];
        let kind = checked["kind"].as_str().expect("kind").to_string();
        let pack = checked["pack"]["name"].as_str().expect("pack").to_string();
        assert_eq!(
            (kind.as_str(), pack.as_str()),
            if name.ends_with("-申报表.xlsx") {
                ("declaration", "target-2020")
            } else {
                ("self-evaluation", "shenzhen-2020")
            },
            "{name}"
        );
        *kinds.entry(kind).or_insert(0) += 1;
    }
    assert_eq!(kinds["declaration"], 8);
    assert_eq!(kinds["self-evaluation"], 9);
    // without the cross-check: the self-evaluations' findings of a run on them alone, plus the T findings
    let codes: Vec<String> = common::json_fields(&stdout, &["code"])
        .into_iter()
        .map(|v| v[0].clone())
        .collect();
    assert_eq!(
        codes.iter().filter(|c| c.starts_with('T')).count(),
        EXPECTED.len()
    );
    assert_eq!(doc["summary"]["errors"], 11);
    // the human summary names both packs
    let (_, human, _) = formlint(&[
        "check",
        tmp.path().to_str().expect("utf8"),
        "--no-crosscheck",
    ]);
    let last = human.lines().last().unwrap_or_default();
    assert!(
        last.contains("自评表 9 张按 shenzhen-2020 1.0.0，申报表 8 张按 target-2020 1.0.0"),
        "{last}"
    );
}

#[test]
fn a_given_self_evaluation_pack_leaves_declarations_to_the_builtin_one() {
    let (_, stdout, _) = formlint(&[
        "check",
        "--rules",
        "rules/central-2020",
        "tests/fixtures/declarations/P2-WTO事务系列服务体系-申报表.xlsx",
        "tests/fixtures/seed/P4-进出口预警事务.xlsx",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let packs: Vec<&str> = doc["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            f["forms_checked"][0]["pack"]["name"]
                .as_str()
                .expect("pack")
        })
        .collect();
    assert_eq!(packs, ["target-2020", "central-2020"]);
}

#[test]
fn template_variants_read_as_the_standard_declaration() {
    // no 分值 column: no weight rule fires, the target findings stay
    let (_, stdout, _) = formlint(&[
        "check",
        "tests/fixtures/declaration-variants/P2-无分值列.xlsx",
        "--format",
        "json",
    ]);
    assert_eq!(
        findings(&stdout),
        want(&[("P2", "T007", "E11"), ("P2", "T008", "E25")])
    );
    // 计算符号 / 指标值 / 计量单位 in three cells are read as one target, at the 指标值 cell
    let (_, stdout, _) = formlint(&[
        "check",
        "tests/fixtures/declaration-variants/P8-拆分指标值.csv",
        "--format",
        "json",
    ]);
    let got = common::json_fields(&stdout, &["code", "cell", "message"]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0][..2], ["T008".to_string(), "F14".to_string()]);
    assert!(got[0][2].contains("“≥15万元”"), "{}", got[0][2]);
}

#[test]
fn a_canonical_declaration_states_its_kind() {
    let tmp = tempfile::tempdir().expect("tmp");
    let base = std::fs::read_to_string(root().join("rules/target-2020/tests/forms/基准表单.yaml"))
        .expect("base form");
    let body: String = base
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("    {l}\n"))
        .collect();
    let doc = format!("formlint: 1\nkind: 申报表\nforms:\n  - name: 基准\n{body}");
    let path = tmp.path().join("申报.yaml");
    std::fs::write(&path, &doc).expect("write");
    let (code, stdout, stderr) =
        formlint(&["check", path.to_str().expect("utf8"), "--format", "json"]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let parsed: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(
        parsed["files"][0]["forms_checked"][0]["kind"],
        "declaration"
    );
    assert_eq!(parsed["summary"]["warnings"], 0, "{stdout}");
}
