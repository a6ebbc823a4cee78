//! docs/tutorial-zh.md done for real, command by command: every command of its ```sh blocks
//! runs in order in a fresh folder (the seed forms as 收到的自评表/), after the edits its text
//! describes, with the exit code the text implies; the outputs it shows are what the commands
//! print. The list of commands run here must be the tutorial's, so it cannot show one that
//! does not work.

use crate::common;
use common::{blocks, formlint_at, root};
use std::path::Path;

/// The tutorial's commands: each line of its ```sh blocks, without its `# comment`.
fn commands(doc: &str) -> Vec<String> {
    blocks(doc, "sh")
        .iter()
        .flat_map(|b| b.lines().map(str::to_string).collect::<Vec<_>>())
        .map(|l| l.split(" #").next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Each line of a shown output that is not an ellipsis must be a line the command printed.
fn shown_in(doc_output: &str, printed: &str) {
    for line in doc_output
        .lines()
        .filter(|l| l.trim() != "…" && !l.trim().is_empty())
    {
        let line = line.trim_end();
        let line = line.strip_suffix("：… (updated 47 tests)").unwrap_or(line);
        assert!(
            printed.contains(line),
            "the tutorial shows\n{line}\nbut the command printed\n{printed}"
        );
    }
}

/// The tutorial's ```text output block that contains `marker`.
fn output_with(doc: &str, marker: &str) -> String {
    blocks(doc, "text")
        .into_iter()
        .find(|b| b.contains(marker))
        .unwrap_or_else(|| panic!("the tutorial shows no output with {marker}"))
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{}: no {from}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

fn append(path: &Path, more: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    std::fs::write(path, format!("{text}\n{more}")).expect("write");
}

/// Lines of an `--update` run's diffs (`+ …`, `- …`).
fn diff_lines(out: &str) -> Vec<&str> {
    let section = out.split("更新期望结果").nth(1).expect("update section");
    section
        .lines()
        .filter(|l| l.starts_with("+ ") || l.starts_with("- "))
        .collect()
}

#[test]
fn tutorial_walkthrough_works() {
    let doc = std::fs::read_to_string(root().join("docs/tutorial-zh.md")).expect("tutorial");
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let forms = dir.join("收到的自评表");
    common::copy_dir(&root().join("tests/fixtures/seed"), &forms);
    let pack = dir.join("我的规则");
    let mut ran: Vec<String> = Vec::new();
    let mut run = |cmd: &str, want: i32| -> (String, String) {
        ran.push(cmd.to_string());
        let (cmd, to_file) = match cmd.split_once(" > ") {
            Some((c, f)) => (c, Some(f)),
            None => (cmd, None),
        };
        let args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
        let (code, out, err) = formlint_at(dir, &args);
        assert_eq!(code, want, "{cmd}\n{out}\n{err}");
        if let Some(f) = to_file {
            std::fs::write(dir.join(f), &out).expect("write");
        }
        (out, err)
    };

    // 0. a pack of one's own, renamed
    let (out, _) = run("formlint rules init 我的规则 --from shenzhen-2020", 0);
    shown_in(&output_with(&doc, "已在 我的规则 写入规则包"), &out);
    let manifest = pack.join("pack.yaml");
    let rename = blocks(&doc, "yaml")
        .into_iter()
        .find(|b| b.starts_with("name: shenzhen-2021\n"))
        .expect("the rename");
    for line in rename.lines() {
        let key = line.split(':').next().expect("key");
        let text = std::fs::read_to_string(&manifest).expect("manifest");
        let old = text
            .lines()
            .find(|l| l.starts_with(&format!("{key}:")))
            .expect("the key is in the manifest")
            .to_string();
        edit(&manifest, &old, line);
    }
    let (check, _) = run("formlint rules check 我的规则", 0);
    let (test, _) = run("formlint rules test 我的规则", 0);
    shown_in(
        &output_with(&doc, "132 passed, 0 failed"),
        &format!("{check}{test}"),
    );

    // 1. 效益指标 40 → 30 breaks the weight total, then 产出指标 50 → 60 restores it
    let params = pack.join("params.rules");
    for line in [
        "param 一级权重 = {产出指标: 50, 效益指标: 40}",
        "param 一级权重 = {产出指标: 50, 效益指标: 30}",
        "param 一级权重 = {产出指标: 60, 效益指标: 30}",
    ] {
        assert!(doc.contains(&format!("\n{line}\n")), "{line}");
    }
    edit(
        &params,
        "{产出指标: 50, 效益指标: 40}",
        "{产出指标: 50, 效益指标: 30}",
    );
    let (_, err) = run("formlint rules check 我的规则", 1);
    let shown = "规则包的不变式不成立：权重之和 90 不等于总分满分 100 (invariant does not hold)";
    assert!(doc.contains(shown) && err.contains(shown), "{err}");
    edit(
        &params,
        "{产出指标: 50, 效益指标: 30}",
        "{产出指标: 60, 效益指标: 30}",
    );
    run("formlint rules check 我的规则", 0);
    let (out, _) = run("formlint rules test 我的规则", 1);
    shown_in(&output_with(&doc, "85 passed, 47 failed"), &out);
    let (out, _) = run("formlint rules test 我的规则 --update", 0);
    shown_in(&output_with(&doc, "已更新 47 个测试"), &out);
    // the review the tutorial asks for: every change is a W001
    for l in diff_lines(&out) {
        assert!(l.contains("W001") || l.contains("expect"), "{l}");
    }
    let (out, _) = run("formlint rules test 我的规则", 0);
    assert!(out.trim_end().ends_with("\n132 passed, 0 failed"), "{out}");
    let (out, _) = run("formlint check 收到的自评表/ --rules 我的规则", 1);
    assert!(out.contains("错误[") || out.contains("警告[W001]"), "{out}");
    assert!(
        out.contains("效益指标下三级指标分值合计 40，应等于 30"),
        "{out}"
    );

    // 2. a new rule
    let rule = blocks(&doc, "formlint")
        .into_iter()
        .next()
        .expect("the new rule");
    append(&pack.join("scores.rules"), &rule);
    // the mistake the tutorial shows, made and undone (the same command)
    let scores = pack.join("scores.rules");
    edit(
        &scores,
        "when r.得分 < r.分值 * 0.6",
        "when r.得份 < r.分值 * 0.6",
    );
    let (code, _, err) = formlint_at(dir, &["rules", "check", "我的规则"]);
    assert_eq!(code, 1, "{err}");
    shown_in(&output_with(&doc, "没有“得份”这一列"), &err);
    edit(
        &scores,
        "when r.得份 < r.分值 * 0.6",
        "when r.得分 < r.分值 * 0.6",
    );
    run("formlint rules check 我的规则", 0);
    let (out, _) = run("formlint rules explain S101 --rules 我的规则", 0);
    assert!(out.contains("S101 满意度得分偏低"), "{out}");

    // 3. its tests; 4. run them: three seed forms get the new finding
    let tests = blocks(&doc, "yaml")
        .into_iter()
        .find(|b| b.contains("S101") && b.contains("满意度得分偏低"))
        .expect("its tests");
    append(&pack.join("tests/scores.yaml"), &tests);
    let (out, _) = run("formlint rules test 我的规则", 1);
    assert!(out.contains("test S101/满意度得分偏低 ... ok"), "{out}");
    assert!(out.contains("test S101/满意度得分正常 ... ok"), "{out}");
    let failed: Vec<&str> = out.lines().filter(|l| l.ends_with(" ... FAILED")).collect();
    assert_eq!(failed.len(), 3, "{out}");
    assert!(failed.iter().all(|l| l.starts_with("test seed/P")), "{out}");
    shown_in(&output_with(&doc, "131 passed, 3 failed"), &out);
    let (out, _) = run("formlint rules test 我的规则 --update", 0);
    shown_in(&output_with(&doc, "已更新 3 个测试"), &out);
    for l in diff_lines(&out) {
        assert!(l.starts_with("+ ") && l.contains("S101"), "{l}");
    }
    run("formlint rules fmt 我的规则", 0);
    run("formlint rules fmt --check 我的规则", 0);
    run("formlint rules doc 我的规则 > 深圳市2021年自评规则.md", 0);
    let catalogue = std::fs::read_to_string(dir.join("深圳市2021年自评规则.md")).expect("doc");
    assert!(catalogue.contains("S101"), "{catalogue}");

    // 5. a pack that only overrides, written as the tutorial shows it
    run(
        "formlint rules init 我的继承包 --from shenzhen-2020 --extend",
        0,
    );
    let manifest = blocks(&doc, "yaml")
        .into_iter()
        .find(|b| b.contains("extends: shenzhen-2020@1.0.0"))
        .expect("the extending manifest");
    std::fs::write(dir.join("我的继承包/pack.yaml"), manifest).expect("write");
    run("formlint rules check 我的继承包", 0);
    let (out, _) = run("formlint rules test 我的继承包 --update", 0);
    assert!(out.contains("已在 pack.yaml 的 disable 中停用"), "{out}");
    let (out, _) = run("formlint rules test 我的继承包", 0);
    assert!(
        out.contains(" passed, 0 failed; "),
        "skipped counted: {out}"
    );

    // 6. a reviewer's formlint.toml; the acceptance is listed, not lost
    let config = blocks(&doc, "toml")
        .into_iter()
        .next()
        .expect("formlint.toml");
    std::fs::write(forms.join("formlint.toml"), config).expect("write");
    let (out, _) = run("formlint check 收到的自评表/ --show-accepted", 1);
    shown_in(&output_with(&doc, "已接受 1 条（不计入问题数）"), &out);

    // 7. the self-evaluations against their approved declarations
    std::fs::remove_file(forms.join("formlint.toml")).expect("remove");
    common::copy_dir(
        &root().join("tests/fixtures/declarations"),
        &dir.join("批复的申报表"),
    );
    let (out, _) = run("formlint check 收到的自评表/ 批复的申报表/ --statistics", 1);
    shown_in(
        &output_with(&doc, "2  K003  年度指标值比批复的目标容易"),
        &out,
    );
    shown_in(&output_with(&doc, "对照：批复的指标值"), &out);
    run("formlint rules init 我的对照规则 --from crosscheck-2020", 0);
    let (out, _) = run("formlint rules test 我的对照规则", 0);
    assert!(out.trim_end().ends_with("\n41 passed, 0 failed"), "{out}");

    assert_eq!(
        ran,
        commands(&doc),
        "the tutorial's commands, in order, are the ones run here"
    );
}
