//! `formlint rules check|doc|explain` on the shipped pack and on broken copies.

use crate::common;
use common::{copy_dir, copy_tree, formlint, root};

const PACKS: &[&str] = &[
    "shenzhen-2020",
    "central-2020",
    "target-2020",
    "crosscheck-2020",
];

#[test]
fn shipped_packs_check_clean() {
    for pack in PACKS {
        let (code, stdout, stderr) = formlint(&["rules", "check", &format!("rules/{pack}")]);
        assert_eq!(code, 0, "{pack}: {stderr}");
        assert!(stdout.contains("0 个警告"), "{pack}: {stdout}{stderr}");
    }
}

#[test]
fn committed_catalogues_match_the_packs() {
    for pack in PACKS {
        let (code, stdout, _) = formlint(&["rules", "doc", &format!("rules/{pack}")]);
        assert_eq!(code, 0);
        let committed =
            std::fs::read_to_string(root().join(format!("docs/{pack}.md"))).expect("catalogue");
        assert_eq!(
            stdout, committed,
            "regenerate with: formlint rules doc rules/{pack} > docs/{pack}.md"
        );
    }
}

#[test]
fn explain_shows_title_source_and_severity() {
    let (code, stdout, _) = formlint(&["rules", "explain", "S002"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(stdout);
    let (code, _, stderr) = formlint(&["rules", "explain", "Z999"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("Z999"));
}

#[test]
fn broken_pack_fails_check_with_every_mistake() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pack = tmp.path().join("pack");
    copy_dir(&root().join("rules/shenzhen-2020"), &pack);
    let path = pack.join("scores.rules");
    let text = std::fs::read_to_string(&path).expect("scores");
    let broken = text
        .replacen(
            "when r.得分 > r.分值 or r.得分 < 0",
            "when r.得分 > r.分值 or r.得分 < 0 or r.三级指标 * 2 > 1",
            1,
        )
        .replacen("rule S004 warning", "rule S004 severe", 1);
    std::fs::write(&path, broken).expect("write");
    let (code, _, stderr) = formlint(&["rules", "check", pack.to_str().expect("utf8")]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(stderr.replace(pack.to_str().expect("utf8"), "[pack]"));
}

#[test]
fn lint_warns_about_unused_params_and_rules_that_can_never_fire() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pack = tmp.path().join("pack");
    copy_dir(&root().join("rules/shenzhen-2020"), &pack);
    let path = pack.join("funds.rules");
    let text = std::fs::read_to_string(&path).expect("funds");
    let edited = text.replacen("where r.名称 != \"年度资金总额\"]", "where r.名称 != \"年度资金总额\"]\n  let 多余 = 1", 1)
        + "\nparam 没人用 = 3\n\nrule B099 info \"拼错的行名\" {\n  for r in 资金 where r.名称 = \"年度资金合计\"\n  when r.得分 > 0\n  at r.得分\n  message \"x\"\n}\n";
    std::fs::write(&path, edited).expect("write");
    let (code, stdout, stderr) = formlint(&["rules", "check", pack.to_str().expect("utf8")]);
    assert_eq!(code, 0, "warnings do not fail the check");
    assert!(stdout.contains("2 个警告"), "{stdout}");
    insta::assert_snapshot!(stderr.replace(pack.to_str().expect("utf8"), "[pack]"));
}

#[test]
fn shipped_rule_tests_pass_and_cover_every_rule() {
    for pack in PACKS {
        let (code, stdout, stderr) = formlint(&["rules", "test", &format!("rules/{pack}")]);
        assert_eq!(code, 0, "{pack}: {stdout}\n{stderr}");
        let last = stdout.lines().last().unwrap_or_default();
        assert!(
            last.ends_with("passed, 0 failed"),
            "{pack}: last line: {last}"
        );
        let (_, doc, _) = formlint(&["rules", "doc", &format!("rules/{pack}")]);
        // every rule of the pack (as its catalogue lists them) has at least a firing and a holding case
        let codes: Vec<String> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("| ").and_then(|r| r.split(' ').next()))
            .filter(|c| c.len() == 4 && c.chars().next().is_some_and(|ch| ch.is_ascii_uppercase()))
            .map(str::to_string)
            .collect();
        assert!(codes.len() >= 10, "{pack}: {codes:?}");
        for code in codes {
            let n = stdout
                .lines()
                .filter(|l| l.starts_with(&format!("test {code}/")))
                .count();
            assert!(n >= 2, "{pack}: {code} has {n} test(s)");
        }
    }
}

/// A shipped pack carries what its tests need: a copy in an unrelated folder passes them all,
/// and its workbooks (`tests/forms/*.xlsx`) are the same files as the repository's fixtures.
#[test]
fn copied_packs_pass_their_own_tests() {
    for (pack, fixture_dirs, count) in [
        ("shenzhen-2020", &["seed"][..], 9),
        ("central-2020", &["central"][..], 9),
        ("target-2020", &["declarations"][..], 8),
        ("crosscheck-2020", &["seed", "declarations"][..], 17),
    ] {
        let tmp = tempfile::tempdir().expect("tmp");
        let copy = tmp.path().join(pack);
        copy_tree(&root().join("rules").join(pack), &copy);
        let (code, stdout, stderr) = formlint(&["rules", "test", copy.to_str().expect("utf8")]);
        assert_eq!(code, 0, "{pack}: {stdout}\n{stderr}");
        assert!(
            stdout.trim_end().ends_with("passed, 0 failed"),
            "{pack}: {stdout}"
        );
        let mut n = 0;
        for e in fixture_dirs.iter().flat_map(|d| {
            std::fs::read_dir(root().join("tests/fixtures").join(d)).expect("fixtures")
        }) {
            let path = e.expect("entry").path();
            if path.extension().is_some_and(|x| x == "xlsx") {
                let name = path.file_name().expect("name");
                let in_pack = root()
                    .join("rules")
                    .join(pack)
                    .join("tests/forms")
                    .join(name);
                assert!(
                    std::fs::read(&in_pack).ok() == std::fs::read(&path).ok(),
                    "{} differs from {}: copy it again",
                    in_pack.display(),
                    path.display()
                );
                n += 1;
            }
        }
        assert_eq!(n, count, "{pack}");
    }
}

#[test]
fn deep_rules_are_refused_by_check_fmt_and_check_of_forms_without_a_crash() {
    let tmp = tempfile::tempdir().expect("tmp");
    let pack = tmp.path().join("pack");
    copy_dir(&root().join("rules/shenzhen-2020"), &pack);
    let path = pack.join("params.rules");
    let mut text = std::fs::read_to_string(&path).expect("params");
    text.push_str(&format!(
        "\nparam 深 = {}1{}\n",
        "(".repeat(800),
        ")".repeat(800)
    ));
    text.push_str(&format!("\nparam 长 = {}\n", vec!["1"; 15_000].join(" + ")));
    std::fs::write(&path, text).expect("write");
    let dir = pack.to_str().expect("utf8");
    let (code, _, stderr) = formlint(&["rules", "check", dir]);
    assert_eq!(code, 1, "{stderr:.2000}");
    assert_eq!(
        stderr.matches("formlint::rules::too-deep").count(),
        2,
        "{stderr:.2000}"
    );
    let (code, _, stderr) = formlint(&["rules", "fmt", "--check", dir]);
    assert!(matches!(code, 1 | 2), "{stderr:.2000}");
    let (code, _, stderr) = formlint(&[
        "check",
        "--rules",
        dir,
        "tests/fixtures/seed/P4-进出口预警事务.xlsx",
    ]);
    assert_eq!(code, 2, "{stderr:.2000}");
    assert!(stderr.contains("表达式嵌套过深"), "{stderr:.2000}");
}

#[test]
fn explain_shows_an_engine_code_from_the_registry() {
    let (code, stdout, _) = formlint(&["rules", "explain", "X006"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(stdout);
}

/// A copy of the shipped pack with `params.rules` edited, for the integrity checks below.
fn edited_pack(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tmp");
    copy_tree(&root().join("rules/shenzhen-2020"), tmp.path());
    let params = tmp.path().join("params.rules");
    let text = std::fs::read_to_string(&params).expect("params");
    std::fs::write(&params, edit(&text)).expect("write");
    tmp
}

#[test]
fn a_weight_changed_without_the_total_breaks_the_packs_invariant_at_its_line() {
    let tmp = edited_pack(|t| t.replace("效益指标: 40}", "效益指标: 30}"));
    let dir = tmp.path().to_str().expect("utf8");
    let (code, _, stderr) = formlint(&["rules", "check", dir]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("formlint::pack::invariant"), "{stderr}");
    assert!(
        stderr.contains("权重之和 90 不等于总分满分 100"),
        "{stderr}"
    );
    assert!(stderr.contains("params.rules:8:"), "{stderr}");
    // changing the other weight too keeps the total: the pack is fine again
    let tmp = edited_pack(|t| {
        t.replace(
            "{产出指标: 50, 效益指标: 40}",
            "{产出指标: 60, 效益指标: 30}",
        )
    });
    let (code, stdout, stderr) = formlint(&["rules", "check", tmp.path().to_str().expect("utf8")]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn rule_files_present_but_unlisted_warn_and_listed_but_missing_fail() {
    let tmp = edited_pack(str::to_string);
    std::fs::write(tmp.path().join("新规则.rules"), "param 新参数 = 1\n").expect("write");
    let dir = tmp.path().to_str().expect("utf8");
    let (code, stdout, stderr) = formlint(&["rules", "check", dir]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("新规则.rules 不在 pack.yaml 的 rules 列表中"),
        "{stderr}"
    );
    assert!(stdout.contains("1 个警告"), "{stdout}");
    std::fs::remove_file(tmp.path().join("units.rules")).expect("rm");
    let (code, _, stderr) = formlint(&["rules", "check", dir]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("列出的规则文件"), "{stderr}");
    assert!(stderr.contains("units.rules 不存在"), "{stderr}");
    assert!(
        stderr.contains("pack.yaml:"),
        "points into the manifest: {stderr}"
    );
}
