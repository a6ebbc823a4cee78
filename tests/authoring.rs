//! Starting and changing a pack without a checkout: `rules init --from` (a self-contained copy
//! of a built-in pack) and `--extend` (a pack that only overrides), and `rules test --update`
//! rewriting the expectations a policy change breaks, in place.

use crate::common;
use common::{formlint_at, root};
use std::collections::BTreeMap;
use std::path::Path;

const PACKS: [&str; 2] = ["shenzhen-2020", "central-2020"];

/// Every file below `dir`, by relative path.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(dir: &Path, rel: &str, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).expect("read dir").flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let rel = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if e.path().is_dir() {
                walk(&e.path(), &rel, out);
            } else {
                out.insert(rel, std::fs::read(e.path()).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, "", &mut out);
    out
}

#[test]
fn init_from_writes_a_self_contained_copy_that_passes_check_and_test() {
    for pack in PACKS {
        let tmp = tempfile::tempdir().expect("tmp");
        let (code, out, err) =
            formlint_at(tmp.path(), &["rules", "init", "我的规则", "--from", pack]);
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("规则包 我的规则 0.1.0"), "{out}");
        assert!(
            out.contains("取自文件夹名"),
            "says where the name came from: {out}"
        );
        let dir = tmp.path().join("我的规则");
        let manifest = std::fs::read_to_string(dir.join("pack.yaml")).expect("manifest");
        assert!(manifest.contains("\nname: 我的规则\n"), "{manifest}");
        assert!(manifest.contains("\nversion: 0.1.0\n"), "{manifest}");
        // every shipped file is there, the manifest aside as shipped, tests and forms included
        let shipped = tree(&root().join("rules").join(pack));
        let written = tree(&dir);
        assert_eq!(
            shipped.keys().collect::<Vec<_>>(),
            written.keys().collect::<Vec<_>>(),
            "{pack}"
        );
        for (name, bytes) in &shipped {
            if name != "pack.yaml" {
                assert!(written[name] == *bytes, "{pack}: {name} differs");
            }
        }
        let (code, out, err) = formlint_at(tmp.path(), &["rules", "check", "我的规则"]);
        assert_eq!(code, 0, "{pack}: {out}{err}");
        assert!(out.contains("规则包 我的规则 0.1.0 检查通过"), "{out}");
        let (code, out, err) = formlint_at(tmp.path(), &["rules", "test", "我的规则"]);
        assert_eq!(code, 0, "{pack}: {out}{err}");
        assert!(out.trim_end().ends_with("passed, 0 failed"), "{out}");
    }
}

#[test]
fn init_takes_a_name_and_a_version_and_says_what_it_chose() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (code, out, err) = formlint_at(
        tmp.path(),
        &[
            "rules",
            "init",
            "p",
            "--from",
            "shenzhen-2020@1.0.0",
            "--name",
            "深圳 2021: 试行",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("由 --name 指定"), "{out}");
    let manifest = std::fs::read_to_string(tmp.path().join("p/pack.yaml")).expect("manifest");
    assert!(
        manifest.contains("\nname: \"深圳 2021: 试行\"\n"),
        "{manifest}"
    );
    let (code, out, err) = formlint_at(tmp.path(), &["rules", "check", "p"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("深圳 2021: 试行 0.1.0"), "{out}");
}

#[test]
fn init_extend_writes_a_pack_that_only_overrides() {
    for pack in PACKS {
        let tmp = tempfile::tempdir().expect("tmp");
        let (code, out, err) = formlint_at(
            tmp.path(),
            &["rules", "init", "继承", "--from", pack, "--extend"],
        );
        assert_eq!(code, 0, "{out}{err}");
        let dir = tmp.path().join("继承");
        let written = tree(&dir);
        assert!(
            !written
                .keys()
                .any(|k| k.ends_with(".rules") || k == "layout.yaml"),
            "{pack}: no rules copied: {:?}",
            written.keys()
        );
        let manifest = String::from_utf8(written["pack.yaml"].clone()).expect("utf8");
        assert!(
            manifest.contains(&format!("\nextends: {pack}@1.0.0\n")),
            "{manifest}"
        );
        for args in [["rules", "check", "继承"], ["rules", "test", "继承"]] {
            let (code, out, err) = formlint_at(tmp.path(), &args);
            assert_eq!(code, 0, "{pack} {args:?}: {out}{err}");
        }
        // the commented examples are valid as written: uncomment every one-line example
        let uncommented: String = manifest
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.starts_with("params:") || rest.starts_with("severity:") => {
                    rest.to_string()
                }
                Some(rest) if rest.starts_with("disable:") => rest.to_string(),
                Some(rest) if rest.starts_with("  ") && !rest.contains('…') => rest.to_string(),
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(uncommented.contains("\nparams:\n"), "{uncommented}");
        std::fs::write(dir.join("pack.yaml"), &uncommented).expect("write");
        let (code, out, err) = formlint_at(tmp.path(), &["rules", "check", "继承"]);
        assert_eq!(
            code, 0,
            "{pack}: the examples load: {out}{err}\n{uncommented}"
        );
    }
}

#[test]
fn init_refuses_a_folder_in_use_and_names_the_built_in_packs() {
    let tmp = tempfile::tempdir().expect("tmp");
    std::fs::create_dir(tmp.path().join("旧")).expect("mkdir");
    std::fs::write(tmp.path().join("旧/笔记.txt"), "保留").expect("write");
    let (code, _, err) = formlint_at(
        tmp.path(),
        &["rules", "init", "旧", "--from", "shenzhen-2020"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("已存在且不是空文件夹"), "{err}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("旧/笔记.txt")).expect("kept"),
        "保留"
    );
    assert_eq!(tree(&tmp.path().join("旧")).len(), 1, "nothing written");
    // an empty folder is fine
    std::fs::create_dir(tmp.path().join("空")).expect("mkdir");
    let (code, out, err) = formlint_at(
        tmp.path(),
        &["rules", "init", "空", "--from", "central-2020"],
    );
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = formlint_at(
        tmp.path(),
        &["rules", "init", "新", "--from", "shenzen-2020"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("没有名为“shenzen-2020”的内置规则包"), "{err}");
    assert!(err.contains("shenzhen-2020、central-2020"), "{err}");
    assert!(err.contains("是不是“shenzhen-2020”？"), "{err}");
    assert!(!tmp.path().join("新").exists());
    let (code, _, err) = formlint_at(
        tmp.path(),
        &["rules", "init", "新", "--from", "shenzhen-2020@2.0.0"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("版本是 1.0.0，不是 2.0.0"), "{err}");
}

/// A fresh copy of the default pack in `tmp/pack` with 一级权重 changed to 60/30.
fn reweighted(tmp: &Path) -> std::path::PathBuf {
    let (code, out, err) = formlint_at(tmp, &["rules", "init", "pack", "--from", "shenzhen-2020"]);
    assert_eq!(code, 0, "{out}{err}");
    let dir = tmp.join("pack");
    let params = dir.join("params.rules");
    let text = std::fs::read_to_string(&params).expect("params");
    let changed = text.replace(
        "{产出指标: 50, 效益指标: 40}",
        "{产出指标: 60, 效益指标: 30}",
    );
    assert_ne!(text, changed);
    std::fs::write(&params, changed).expect("write");
    dir
}

/// Lines of `a` not in `b` (as a multiset).
fn lines_gone(a: &str, b: &str) -> Vec<String> {
    let mut left: Vec<&str> = b.lines().collect();
    let mut gone = Vec::new();
    for l in a.lines() {
        match left.iter().position(|x| *x == l) {
            Some(i) => {
                left.remove(i);
            }
            None => gone.push(l.to_string()),
        }
    }
    gone
}

#[test]
fn update_rewrites_only_the_expectations_of_failing_tests_and_the_next_run_is_green() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = reweighted(tmp.path());
    let before = tree(&dir.join("tests"));
    let (code, out, _) = formlint_at(tmp.path(), &["rules", "test", "pack"]);
    assert_eq!(code, 1, "{out}");
    let failed: Vec<&str> = out.lines().filter(|l| l.ends_with(" ... FAILED")).collect();
    assert!(failed.len() > 4, "{out}");
    let (code, out, err) = formlint_at(tmp.path(), &["rules", "test", "pack", "--update"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!("已更新 {} 个测试的期望结果", failed.len())),
        "{out}"
    );
    assert!(out.contains("pack/tests/weights.yaml（3 个）"), "{out}");
    // the diff is shown: every line added or removed is about W001
    let section = out.split("更新期望结果").nth(1).expect("update section");
    for l in section
        .lines()
        .filter(|l| l.starts_with("+ ") || l.starts_with("- "))
    {
        assert!(
            l.contains("W001") || l.trim_end().ends_with("expect:") || l.ends_with("expect: none"),
            "{l}"
        );
    }
    let (code, out, err) = formlint_at(tmp.path(), &["rules", "test", "pack"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.trim_end().ends_with(" passed, 0 failed"), "{out}");
    // files without a failing test are byte for byte as they were; in the others only
    // expectations changed, comments and every other line kept
    let after = tree(&dir.join("tests"));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let mut unchanged = 0;
    for (name, old) in &before {
        let new = &after[name];
        if old == new {
            unchanged += 1;
            continue;
        }
        let (old, new) = (String::from_utf8_lossy(old), String::from_utf8_lossy(new));
        let expectation = |l: &String| {
            let t = l.trim();
            t.starts_with("- {") || t.starts_with("expect:")
        };
        for l in lines_gone(&old, &new).iter().chain(&lines_gone(&new, &old)) {
            assert!(expectation(l), "{name}: {l}");
        }
        let comments = |t: &str| {
            t.lines()
                .filter(|l| l.trim_start().starts_with('#'))
                .count()
        };
        assert_eq!(comments(&old), comments(&new), "{name}");
    }
    assert!(unchanged > 0, "some test files had no failing test");
    insta::assert_snapshot!(String::from_utf8_lossy(&after["weights.yaml"]));
}

#[test]
fn update_leaves_tests_it_cannot_fix_and_says_so() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = reweighted(tmp.path());
    // a mistyped patch is the author's to fix, not an expectation to rewrite
    let file = dir.join("tests/weights.yaml");
    let text = std::fs::read_to_string(&file).expect("read");
    let broken = text.replace("patch: { 总分分值: 90 }", "patch: { 总分分数: 90 }");
    assert_ne!(text, broken);
    std::fs::write(&file, &broken).expect("write");
    let (code, out, _) = formlint_at(tmp.path(), &["rules", "test", "pack", "--update"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("未更新 1 个测试"), "{out}");
    // only the test it cannot fix is explained; the others are shown as their diffs
    assert_eq!(out.matches("  期望 (expected):").count(), 0, "{out}");
    assert!(out.contains("测试写法有误：patch “总分分数”"), "{out}");
    assert!(out.contains("W002/总分的分值不是 100"), "{out}");
    let now = std::fs::read_to_string(&file).expect("read");
    assert!(now.contains("patch: { 总分分数: 90 }"), "left as written");
    let (_, out, _) = formlint_at(tmp.path(), &["rules", "test", "pack"]);
    assert!(out.trim_end().ends_with(" passed, 1 failed"), "{out}");
}

#[test]
fn a_pack_that_disables_a_rule_skips_the_inherited_tests_of_that_rule() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (code, out, err) = formlint_at(
        tmp.path(),
        &["rules", "init", "p", "--from", "shenzhen-2020", "--extend"],
    );
    assert_eq!(code, 0, "{out}{err}");
    let manifest = tmp.path().join("p/pack.yaml");
    let text = std::fs::read_to_string(&manifest).expect("manifest");
    std::fs::write(&manifest, format!("{text}\ndisable: [U001]\n")).expect("write");
    let (code, out, err) = formlint_at(tmp.path(), &["rules", "test", "p"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("test U001/标“万元”而金额按元填写 ... skipped (规则 U001 已在 pack.yaml 的 disable 中停用 (rule disabled))"),
        "{out}"
    );
    // the forms on which U001 was expected fail: the rule is off now
    assert!(
        out.trim_end().ends_with("passed, 2 failed; 3 skipped"),
        "{out}"
    );
    let (code, out, err) = formlint_at(tmp.path(), &["rules", "test", "p", "--update"]);
    assert_eq!(code, 0, "{out}{err}");
    for l in out
        .lines()
        .filter(|l| l.starts_with("- ") || l.starts_with("+ "))
    {
        let gone = l.starts_with("- ") && l.contains("U001");
        let expect_line = l.contains("expect:");
        assert!(gone || expect_line, "only U001 goes: {l}");
    }
    let (code, out, _) = formlint_at(tmp.path(), &["rules", "test", "p"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.trim_end().ends_with("passed, 0 failed; 3 skipped"),
        "{out}"
    );
}
