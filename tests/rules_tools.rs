//! Tools for rule authors: `rules test` over the shipped pack's tests, `rules fmt` keeping the
//! shipped pack canonical (idempotent, same syntax tree), and what authors see when a test
//! fails, a file is badly formatted, or a test file is malformed.

use crate::common;
use common::{copy_dir, formlint, root};
use formlint::lang::fmt::{ast_dump, format_rules};
use std::path::Path;

const PACK: &str = "rules/shenzhen-2020";

/// Runs `formlint ARGS` in `dir` (so paths in the output are relative and stable).
fn formlint_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    common::formlint_at(dir, args)
}

/// A copy of the shipped pack (rule files and the base test form, no tests) in `dir/pack`.
fn pack_copy(dir: &Path) {
    let pack = dir.join("pack");
    copy_dir(&root().join(PACK), &pack);
    copy_dir(
        &root().join(PACK).join("tests/forms"),
        &pack.join("tests/forms"),
    );
}

#[test]
fn shipped_rule_tests_pass() {
    let (code, stdout, stderr) = formlint(&["rules", "test", PACK]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.ends_with("passed, 0 failed"),
        "last line: {last}\n{stdout}"
    );
    // every rule of the pack has a test where it fires and one where it holds
    for code in [
        "R001", "R003", "R004", "R005", "W001", "W002", "W003", "W004", "S001", "S002", "S003",
        "S004", "S005", "S006", "B001", "B002", "B003", "B004", "B005", "B006", "U001", "U002",
        "C001", "C002",
    ] {
        let n = stdout
            .lines()
            .filter(|l| l.starts_with(&format!("test {code}/")))
            .count();
        assert!(n >= 2, "{code} has {n} test(s)");
    }
}

/// The shipped packs, whose rule files are kept in the canonical layout.
const SHIPPED: [&str; 4] = [
    "rules/central-2020",
    "rules/shenzhen-2020",
    "rules/target-2020",
    "rules/crosscheck-2020",
];

#[test]
fn shipped_packs_are_formatted() {
    for pack in SHIPPED {
        let (code, stdout, stderr) = formlint(&["rules", "fmt", "--check", pack]);
        assert_eq!(code, 0, "{pack}\n{stdout}\n{stderr}");
    }
}

#[test]
fn pack_folder_with_tests_still_loads() {
    let (code, stdout, stderr) = formlint(&[
        "check",
        "--rules",
        PACK,
        "tests/fixtures/seed/P4-进出口预警事务.xlsx",
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
}

#[test]
fn fmt_is_idempotent_and_keeps_the_syntax_tree() {
    let mut squashed = 0;
    for pack in SHIPPED {
        let mut n = 0;
        for e in std::fs::read_dir(root().join(pack)).expect("pack") {
            let path = e.expect("entry").path();
            if path.extension().is_none_or(|x| x != "rules") {
                continue;
            }
            n += 1;
            let name = path.display().to_string();
            let text = std::fs::read_to_string(&path).expect("read");
            // from the shipped text, and from the same tokens joined onto as few lines as
            // possible: the layout depends on the tokens only
            squashed += usize::from(squash(&text) != text);
            for input in [text.clone(), squash(&text)] {
                let once = format_rules(&name, &input).expect("formats");
                let twice = format_rules(&name, &once).expect("formats again");
                assert_eq!(once, twice, "{name}: not idempotent");
                assert_eq!(once, text, "{name}: not canonical");
                assert_eq!(
                    ast_dump(&name, &input).expect("parses"),
                    ast_dump(&name, &once).expect("formatted parses"),
                    "{name}: meaning changed"
                );
                let comments = |t: &str| t.lines().filter(|l| l.contains('#')).count();
                assert_eq!(comments(&text), comments(&once), "{name}: comments lost");
                assert!(
                    once.lines().all(|l| !l.ends_with(' ')),
                    "{name}: trailing spaces"
                );
            }
        }
        assert!(n >= 5, "{pack}: found {n} rule files");
    }
    assert!(squashed >= 5, "only {squashed} files have long statements");
}

/// A rule file with each statement's continuation lines joined onto its first line (lines
/// indented deeper than four spaces, or starting with a closing bracket, are continuations).
fn squash(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let continuation = !trimmed.is_empty()
            && !trimmed.starts_with('#')
            && !out.ends_with("{\n")
            && ((indent >= 4 && !trimmed.starts_with('}')) || trimmed.starts_with([']', ')']));
        if continuation && out.ends_with('\n') && !last_line(&out).contains('#') {
            out.pop();
            out.push(' ');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn last_line(text: &str) -> &str {
    text.trim_end_matches('\n')
        .rsplit('\n')
        .next()
        .unwrap_or_default()
}

const MESSY: &str = r#"# 文件头注释


param   a=1   # 一
param b   = { x :1,y: 2 , }
param c = [ "一" ,"二",
  # 第三项之前
  "三",   # 第三项
]
let d = -a+ (b.x*2)
rule   X001   warning  "标题" {   # 规则
  title_en   "t"
  for r in 资金 where r.名称!="a"   # 循环
  # when 之前
  when not blank( r.分值 )and r.分值>=-1 && !(r.得分 ≥ 2)
  let q = [ v for v in [1,2,3] where v>1 ]
  at   r.分值
  related [r.分值,r.得分] "x"


  message "值 {r.分值 ?? 0} {if a > 0 then "+" else ""} {{x}}"  # 消息
} # 结束
rule X002 info "b" {
  check { when 项目名称 = null
    at 项目名称
    message "m" }
  check {
    when sum( r.分值 for r in 指标 )>100  at 总分分值 message “{总分分值}”
  }
}
param 很长的表 = {产出指标: ["数量指标", "质量指标", "时效指标", "成本指标"], 效益指标: ["经济效益指标", "社会效益指标"]}
"#;

#[test]
fn fmt_canonical_layout() {
    let once = format_rules("messy.rules", MESSY).expect("formats");
    assert_eq!(
        format_rules("messy.rules", &once).expect("again"),
        once,
        "idempotent"
    );
    assert_eq!(
        ast_dump("m", MESSY).expect("parses"),
        ast_dump("m", &once).expect("parses")
    );
    insta::assert_snapshot!(once);
}

/// Long statements, each written on one line.
const LONG: &str = r#"
let 等级 = if 总分得分 >= 优下限 then "优" else if 总分得分 >= 良下限 then "良" else if 总分得分 >= 中下限 then "中" else "差"
let 合计 = [money(value(r.年度指标值)) for r in 指标 where r.二级指标 = "成本指标"] + [money(value(r.实际完成值)) for r in 指标 where r.二级指标 = "成本指标"]
rule X001 warning "长语句" {
  for r in 指标 where r.一级指标 = "产出指标" and r.二级指标 = "数量指标" and not blank(r.三级指标) and r.分值 > 0
  when blank(r.年度指标值) or blank(r.实际完成值) or (r.得分 < r.分值 and r.实际完成值 in ["达成预期指标", "达成", "已达成"])
  let 应得 = if 方向 = "正向" then (if B >= A then w else round(B * w / A, 2)) else if 方向 = "反向" then (if B <= A then w else if B >= 2 * A then 0 else round((2 * A - B) * w / A, 2)) else (if B <= 0 then w else 0)
  let 重复 = first([x for x in 指标 where row(x) < row(r) and x.一级指标 = r.一级指标 and x.二级指标 = r.二级指标 and x.三级指标 = r.三级指标])
  at r.得分
  related [r.一级指标, r.二级指标, r.三级指标, r.年度指标值, r.实际完成值, r.分值, r.得分, r.偏差原因分析]
  message "“{r.三级指标}”得分 {r.得分}"
}
let 余额 = if 总额 = null then -1 # 没有总额行
  else 总额.年初预算数 + 总额.全年预算数 - 总额.全年执行数 - 总额.年初预算数 - 总额.全年预算数 - 总额.全年执行数 - -1
let 说明 = join(["年度资金总额", "财政拨款", "其他资金", "年初预算数", "全年预算数", "全年执行数"], "、", "（单位：万元）")
"#;

#[test]
fn fmt_long_statements() {
    let once = format_rules("long.rules", LONG).expect("formats");
    assert_eq!(
        format_rules("long.rules", &once).expect("again"),
        once,
        "idempotent"
    );
    assert_eq!(
        ast_dump("l", LONG).expect("parses"),
        ast_dump("l", &once).expect("parses")
    );
    insta::assert_snapshot!(once);
}

#[test]
fn fmt_reports_syntax_errors_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let bad = "rule X001 error \"t\" {\n  when 1 +\n}\n";
    std::fs::write(dir.path().join("bad.rules"), bad).expect("write");
    let (code, _, stderr) = formlint_in(dir.path(), &["rules", "fmt", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("bad.rules"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bad.rules")).expect("read"),
        bad
    );
}

#[test]
fn fmt_check_on_a_badly_formatted_copy() {
    let dir = tempfile::tempdir().expect("tmp");
    pack_copy(dir.path());
    let funds = dir.path().join("pack/funds.rules");
    let text = std::fs::read_to_string(&funds).expect("read");
    let messy = text.replace(
        "  when (r.全年执行数 ?? 0) > (r.全年预算数 ?? 0)",
        "    when (r.全年执行数??0)>(r.全年预算数 ?? 0)",
    );
    assert_ne!(messy, text);
    std::fs::write(&funds, &messy).expect("write");
    let (code, stdout, stderr) = formlint_in(dir.path(), &["rules", "fmt", "--check", "pack"]);
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!(stdout);
    assert_eq!(
        std::fs::read_to_string(&funds).expect("read"),
        messy,
        "--check writes nothing"
    );
    // without --check the file is rewritten, and then the check passes
    let (code, stdout, _) = formlint_in(dir.path(), &["rules", "fmt", "pack"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("funds.rules"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&funds).expect("read"), text);
    let (code, _, _) = formlint_in(dir.path(), &["rules", "fmt", "--check", "pack"]);
    assert_eq!(code, 0);
}

#[test]
fn failing_rule_test_output() {
    let dir = tempfile::tempdir().expect("tmp");
    pack_copy(dir.path());
    let tests = r#"# 一个会失败的测试
base: forms/基准表单.yaml
tests:
  - name: 执行数未超预算
    rule: B004
    expect: none
  - name: 期望写错了位置
    rule: B004
    patch: { "资金[其他资金].全年执行数": 30 }
    expect:
      - { code: B004, path: "资金[2].全年执行数" }
  - name: 整张表单只应有 B004
    patch: { "资金[其他资金].全年执行数": 30, 主管部门: null }
    expect:
      - B004
  - name: 暂不运行
    skip: 等待政策确认
    expect: none
"#;
    std::fs::write(dir.path().join("pack/tests/funds.yaml"), tests).expect("write");
    let (code, stdout, stderr) = formlint_in(dir.path(), &["rules", "test", "pack"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout.lines().last(), Some("1 passed, 2 failed; 1 skipped"));
    insta::assert_snapshot!(stdout);
}

#[test]
fn malformed_test_file_names_file_and_line() {
    let dir = tempfile::tempdir().expect("tmp");
    pack_copy(dir.path());
    let tests =
        "base: forms/基准表单.yaml\ntests:\n  - name: 拼错了键\n    rule: B004\n    expcet: none\n";
    std::fs::write(dir.path().join("pack/tests/broken.yaml"), tests).expect("write");
    let (code, stdout, stderr) = formlint_in(dir.path(), &["rules", "test", "pack"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("broken.yaml:5"), "{stderr}");
    assert_eq!(stdout.lines().last(), Some("0 passed, 1 failed"));
    insta::assert_snapshot!(stderr);
}

/// A rule test must not pass for the wrong reason: a patch or expected path that names no field
/// or column of the layout, and a patch that changes nothing, fail the test with the reason.
#[test]
fn misspelt_test_paths_and_empty_patches_fail_the_test() {
    let tmp = tempfile::tempdir().expect("tmp");
    pack_copy(tmp.path());
    let tests = tmp.path().join("pack/tests");
    std::fs::write(
        tests.join("paths.yaml"),
        r#"base: forms/基准表单.yaml
tests:
  - name: 列名写错
    rule: S005
    patch: { "指标[0].得份": 3 }
    expect: none
  - name: 字段名写错
    rule: S005
    patch: { "项目名字": 某项目 }
    expect: none
  - name: 补丁没改
    rule: S005
    patch: { "指标[0].得分": 15 }
    expect: none
  - name: 期望位置写错
    rule: S005
    patch: { "指标[0].得分": 14, "指标[0].偏差原因": 自评从严 }
    expect:
      - { code: S005, path: "指标[0].得份" }
"#,
    )
    .expect("write");
    let (code, stdout, _) = formlint_in(tmp.path(), &["rules", "test", "pack"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("0 passed, 4 failed"), "{stdout}");
    assert!(stdout.contains("表格“指标”没有列“得份”"), "{stdout}");
    assert!(stdout.contains("是否想写“得分”"), "{stdout}");
    assert!(
        stdout.contains("版式中没有字段或表格“项目名字”"),
        "{stdout}"
    );
    assert!(stdout.contains("是否想写“项目名称”"), "{stdout}");
    assert!(stdout.contains("补丁没有改变表单"), "{stdout}");
    assert!(stdout.contains("期望位置“指标[0].得份”"), "{stdout}");
}
