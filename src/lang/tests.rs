//! Unit tests of the rule language on hand-made forms.

use crate::diag::DiagKind;
use crate::form::{Field, FieldValue, Form, Kind, Place, Row, Schema, Table};
use crate::lang::{compile, Problems, SourceFile};
use crate::sheet::CellRef;
use crate::value::Units;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::str::FromStr;

fn schema() -> Schema {
    let mut s = Schema::default();
    s.fields.insert("项目名称".into(), Kind::Text);
    s.fields.insert("总分分值".into(), Kind::Number);
    let cols: BTreeMap<String, Kind> = [
        ("一级指标", Kind::Text),
        ("三级指标", Kind::Text),
        ("年度指标值", Kind::Text),
        ("实际完成值", Kind::Text),
        ("分值", Kind::Number),
        ("得分", Kind::Number),
    ]
    .into_iter()
    .map(|(n, k)| (n.to_string(), k))
    .collect();
    s.tables.insert("指标".into(), cols);
    s
}

fn cell(a1: &str, v: FieldValue) -> Field {
    Field::new(v, Some(Place::Cell(CellRef::parse(a1).expect("a1"))))
}

fn num(s: &str) -> FieldValue {
    FieldValue::Number(Decimal::from_str(s).expect("decimal"))
}

fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.into())
}

fn form() -> Form {
    let mut f = Form {
        sheet: "自评表".into(),
        ..Form::default()
    };
    f.fields
        .insert("项目名称".into(), cell("B1", FieldValue::Blank));
    f.fields.insert("总分分值".into(), cell("G9", num("100")));
    let rows = [
        (5, "产出指标", "数量", "≥25人次", "22人次", "10", "9"),
        (6, "产出指标", "成本", "≤5.6万元", "5.58万元", "15", "16"),
        (7, "效益指标", "满意度", "> 95%", "96%", "20", "20"),
    ];
    let mut t = Table::default();
    for (line, l1, l3, target, actual, w, s) in rows {
        let r = line + 1;
        let mut row = Row {
            line: Some(line),
            ..Row::default()
        };
        row.cells
            .insert("一级指标", cell(&format!("B{r}"), text(l1)));
        row.cells
            .insert("三级指标", cell(&format!("D{r}"), text(l3)));
        row.cells
            .insert("年度指标值", cell(&format!("E{r}"), text(target)));
        row.cells
            .insert("实际完成值", cell(&format!("F{r}"), text(actual)));
        row.cells.insert("分值", cell(&format!("G{r}"), num(w)));
        row.cells.insert("得分", cell(&format!("H{r}"), num(s)));
        t.rows.push(row);
    }
    f.tables.insert("指标".into(), t);
    f
}

fn units() -> Units {
    let mut u = Units::new();
    for k in ["人次", "元", "万元", "%"] {
        u.add_unit(k);
    }
    u.add_scale("万元", Decimal::from(10000), "元");
    u
}

fn run(src: &str) -> Vec<String> {
    let program =
        compile(&[SourceFile::new("t.rules", src)], &schema(), units()).expect("compiles");
    program
        .check(&form())
        .into_iter()
        .map(|f| format!("{} {} {}", f.code, f.location(), f.message))
        .collect()
}

fn errors(src: &str) -> Problems {
    compile(&[SourceFile::new("t.rules", src)], &schema(), units()).expect_err("must not compile")
}

#[test]
fn for_when_at_message() {
    let out = run(r#"
param 容差 = 0
rule S001 error "得分超出分值" {
  for r in 指标
  when r.得分 > r.分值 + 容差
  at r.得分
  related r.分值 "分值"
  message "得分 {r.得分} 超过分值 {r.分值}"
}"#);
    assert_eq!(out, vec!["S001 自评表!H7 得分 16 超过分值 15"]);
}

#[test]
fn blank_fields_and_multiple_checks() {
    let out = run(r#"
rule R001 error "必填" {
  check { when blank(项目名称) at 项目名称 message "{name(项目名称)}未填写" }
  check { when blank(总分分值) at 总分分值 message "不会触发" }
}"#);
    assert_eq!(out, vec!["R001 自评表!B1 项目名称未填写"]);
}

#[test]
fn null_spreads_and_comparisons_with_blank_are_unknown() {
    // 项目名称 is blank: `!=` against it is unknown, so nothing fires
    let out = run(r#"rule T001 error "t" { when 项目名称 != "x" at 项目名称 message "m" }"#);
    assert!(out.is_empty());
    let out = run(r#"rule T001 error "t" { when 项目名称 = null at 项目名称 message "空" }"#);
    assert_eq!(out.len(), 1);
}

#[test]
fn comprehensions_groups_and_value_grammar() {
    let out = run(r#"
param 一级权重 = {产出指标: 20, 效益指标: 20}
rule W001 error "权重" {
  for k in distinct([r.一级指标 for r in 指标])
  let 合计 = sum([r.分值 for r in 指标 where r.一级指标 = k])
  when 合计 != 一级权重[k]
  at k
  related [r.分值 for r in 指标 where r.一级指标 = k] "分值"
  message "{k} 合计 {合计}，应为 {一级权重[k]}"
}
rule S006 warning "比例" {
  for r in 指标
  let t = value(r.年度指标值)
  let a = value(r.实际完成值)
  when met(t, a) = false
  message "{r.三级指标}: {fixed(r.分值 * measure(a, t) / amount(t), 2)}"
  at r.得分
}"#);
    assert_eq!(
        out,
        vec![
            "W001 自评表!B6 产出指标 合计 25，应为 20",
            "S006 自评表!H6 数量: 8.80"
        ]
    );
}

#[test]
fn rounding_is_half_up() {
    let out = run(
        r#"rule T001 info "t" { when true at 总分分值 message "{round(0.865, 2)} {round(2.5, 0)} {fixed(80.6, 2)} {round(-0.125)}" }"#,
    );
    assert_eq!(out, vec!["T001 自评表!G9 0.87 3 80.60 -0.13"]);
}

#[test]
fn reports_all_mistakes_at_once() {
    let e = errors(
        r#"
rule A001 error "a" {
  for r in 指标
  when r.得份 > 1
  at r.得分
  message "{r.分值}"
}
rule A001 error "b" {
  when sume([1]) > 0
  at 总分分值
  message "x"
}
rule A002 error "c" {
  when 项目名称 + 1 > 0
  at 总份分值
  message "x"
}"#,
    );
    let messages: Vec<DiagKind> = e.errors.iter().map(|e| e.kind).collect();
    assert_eq!(
        messages,
        vec![
            DiagKind::UnknownField,
            DiagKind::DuplicateCode,
            DiagKind::UnknownFunction,
            DiagKind::Type,
            DiagKind::UnknownName
        ]
    );
    assert_eq!(e.errors[0].help.as_deref(), Some("是不是“得分”？"));
}

#[test]
fn syntax_errors_in_several_items_are_all_reported() {
    let e = errors(
        "param a = \nrule B001 error \"x\" { when at 总分分值 message \"m\" }\nparam b = 1\n",
    );
    assert_eq!(e.errors.len(), 2, "{e:?}");
    assert!(e.errors.iter().all(|e| e.kind == DiagKind::Syntax));
}

fn render(e: &Problems) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100);
    let mut out = String::new();
    handler.render_report(&mut out, e).expect("render");
    out
}

#[test]
fn three_mistakes_render_as_three_labelled_reports() {
    let src = r#"# 三处错误 (three mistakes)
param 阈值 = 0.5

rule B006 info "全年预算数调整幅度大" {
  for r in 指标
  when r.得份 > 阈值
  at r.得分
  message "得分 {r.得分}"
}

rule B007 warning "未知函数" {
  when sume([r.分值 for r in 指标]) > 100
  at 总分分值
  message "合计超过 100"
}

rule B008 error "缺少 message" {
  when 总分分值 != 100
  at 总分分值
}
"#;
    let e = compile(
        &[SourceFile::new("rules/example.rules", src)],
        &schema(),
        units(),
    )
    .expect_err("three mistakes");
    assert_eq!(e.errors.len(), 3);
    insta::assert_snapshot!(render(&e));
}

#[test]
fn deep_nesting_and_long_chains_are_refused_at_their_place_not_overflowed() {
    // 700 nested parentheses (pest's descent overflowed near here), deep `if`s, a 15,000-term
    // sum, and 10,000 `not`s: each one error naming the place, nothing overflows.
    let parens = format!("param 深 = {}1{}\n", "(".repeat(700), ")".repeat(700));
    let ifs = format!("param 如果 = {}0\n", "if true then 1 else ".repeat(300));
    let sum = format!("param 和 = {}\n", vec!["1"; 15_000].join(" + "));
    let nots = format!("param 非 = {}true\n", "not ".repeat(10_000));
    for (src, expect_at) in [
        (parens.as_str(), "(".repeat(10)),
        (ifs.as_str(), "if true then".to_string()),
        (sum.as_str(), "+ 1".to_string()),
        (nots.as_str(), "not not".to_string()),
    ] {
        let e =
            compile(&[SourceFile::new("t.rules", src)], &schema(), units()).expect_err("too deep");
        assert_eq!(e.errors.len(), 1, "{src:.40}: {e:?}");
        let err = &e.errors[0];
        assert_eq!(err.kind, DiagKind::TooDeep);
        let at = err.span.expect("span").start;
        assert!(
            src[at..].starts_with(&expect_at),
            "{src:.40} at {:?}",
            &src[at..(at + 20).min(src.len())]
        );
    }
    // Right below the limits everything compiles and runs.
    let fine = format!(
        "param 浅 = {}1{}\nparam 长 = {}\n",
        "(".repeat(100),
        ")".repeat(100),
        vec!["1"; 90].join(" + ")
    );
    compile(&[SourceFile::new("t.rules", &fine)], &schema(), units()).expect("compiles");
}

#[test]
fn the_deepest_allowed_expression_checks_and_runs_on_a_small_stack() {
    // 120 brackets inside a chain just under the tree limit, evaluated on a 2 MB test thread.
    let deep = format!("{}r.得分{}", "(".repeat(120), ")".repeat(120));
    let chain = vec![deep.as_str(); crate::lang::depth::MAX_TREE_DEPTH - 5].join(" + ");
    let src = format!(
        "rule Z001 error \"深\" {{\n  for r in 指标\n  when {chain} > 1000000\n  at r.得分\n  message \"x\"\n}}\n"
    );
    let out = run(&src);
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn a_params_type_error_is_reported_at_the_param_with_its_use_labelled() {
    let src = r#"param 满分 = "100"

rule S009 error "总分分值不是满分" {
  when 总分分值 != 满分 + 0
  at 总分分值
  message "总分分值 {总分分值}"
}
"#;
    let e = errors(src);
    assert_eq!(e.errors.len(), 1, "{e:?}");
    let p = &e.errors[0];
    assert_eq!(p.kind, DiagKind::Type);
    let at = p.span.expect("span");
    assert!(src[at.start..].starts_with("param 满分"), "{p:?}");
    assert!(p.message.contains("参数“满分”"), "{}", p.message);
    let (used, label) = &p.related[0];
    assert_eq!(&src[used.start..used.end], "满分");
    assert!(label.starts_with("在此使用"), "{label}");
    insta::assert_snapshot!(render(&e));
}

#[test]
fn full_width_brackets_commas_colons_and_percent_from_an_ime_parse_as_half_width() {
    let ime = r#"let 权重 = {产出指标：60，效益指标：30}
rule S101 warning "IME 标点" {
  for r in 指标
  when len（r.三级指标） > 50 or round(r.得分，2) > 1％ * 权重.产出指标
  at r.得分
  message "得分 {round(r.得分，2)}"
}
"#;
    let half = r#"let 权重 = {产出指标: 60, 效益指标: 30}
rule S101 warning "IME 标点" {
  for r in 指标
  when len(r.三级指标) > 50 or round(r.得分, 2) > 1% * 权重.产出指标
  at r.得分
  message "得分 {round(r.得分, 2)}"
}
"#;
    assert!(!run(half).is_empty(), "the rule fires on the test form");
    assert_eq!(run(ime), run(half));
    // the formatter prints code half-width; text inside strings is kept as written
    let formatted = crate::lang::fmt::format_rules("t.rules", ime).expect("formats");
    let expected = crate::lang::fmt::format_rules("t.rules", half)
        .expect("formats")
        .replace("{round(r.得分, 2)}", "{round(r.得分，2)}");
    assert_eq!(formatted, expected);
}

#[test]
fn other_full_width_punctuation_is_named_with_its_half_width_replacement() {
    let e = errors(
        "rule S102 warning \"分号\" {\n  when 总分分值 > 1；\n  at 总分分值\n  message \"x\"\n}\n",
    );
    let p = &e.errors[0];
    assert_eq!(p.message, "全角“；”，请改为半角“;” (full-width character)");
    assert_eq!(p.label, "改为“;”");
}

#[test]
fn an_unclosed_string_is_reported_at_its_opening_quote() {
    let src = "rule S103 warning \"引号\" {\n  when 总分分值 > 1\n  at 总分分值\n  message \"没有结束\n}\n";
    let e = errors(src);
    let p = &e.errors[0];
    assert!(p.message.starts_with("字符串没有结束"), "{}", p.message);
    let at = p.span.expect("span").start;
    assert!(src[at..].starts_with("\"没有结束"), "{:?}", &src[at..]);
}

#[test]
fn an_indicator_value_compares_with_a_percent_literal_as_written() {
    let rule = |cond: &str| {
        format!(
            "rule S201 info \"百分比\" {{\n  for r in 指标\n  when {cond}\n  at r.实际完成值\n  message \"{{r.实际完成值}}\"\n}}\n"
        )
    };
    // the 满意度 row's 实际完成值 is 96%
    assert_eq!(
        run(&rule("value(r.实际完成值) > 90%")),
        vec!["S201 自评表!F8 96%"]
    );
    assert_eq!(
        run(&rule("value(r.实际完成值) < 90％")),
        Vec::<String>::new()
    );
    assert_eq!(
        run(&rule("95% < value(r.实际完成值)")),
        vec!["S201 自评表!F8 96%"]
    );
}

#[test]
fn amount_of_a_percent_against_a_percent_literal_is_refused_with_the_forms_that_work() {
    let e = errors(
        "rule S202 info \"百分比\" {\n  for r in 指标\n  when amount(value(r.实际完成值)) < 90%\n  at r.实际完成值\n  message \"x\"\n}\n",
    );
    let p = &e.errors[0];
    assert!(
        p.message.contains("amount(…) 是按表中写法的数"),
        "{}",
        p.message
    );
    assert_eq!(
        p.help.as_deref(),
        Some("直接比较指标值：value(…) < 90%；或与写法一致的数比较：amount(…) < 90")
    );
}

/// `first` and `any` over rows, stopped at the row that decides them, give what the whole
/// list gives: an unknown element (a number compared with null) is not true and does not stop the
/// search, a filter still applies, and the first row found is the first in the table.
#[test]
fn first_and_any_over_rows_decide_as_the_whole_list() {
    let out = run(r#"
rule A001 info "没有为真的元素" {
  let 空 = null
  when not any([r.得分 > 空 for r in 指标])
  at 项目名称
  message "无"
}
rule A002 info "筛选后有为真的元素" {
  when any([r.得分 > 19 for r in 指标 where r.一级指标 = "效益指标"])
  when not any([r.得分 > 19 for r in 指标 where r.一级指标 = "产出指标"])
  at 项目名称
  message "有"
}
rule A004 info "未知之后为真" {
  let 空 = null
  when any([r.得分 > 空 or r.得分 > 18 for r in 指标])
  at 项目名称
  message "有"
}
rule A003 info "第一行" {
  let a = first([r for r in 指标 where r.得分 > 15])
  when a != null
  at a.得分
  message "{a.三级指标}"
}"#);
    assert_eq!(
        out,
        vec![
            "A001 自评表!B1 无",
            "A002 自评表!B1 有",
            "A004 自评表!B1 有",
            "A003 自评表!H7 成本"
        ]
    );
}

/// Conditions read as truths (`when`, `not`, `and`, `or`, `if`) and as values (`let v = …`)
/// follow the same three-valued logic: cells compared in place (`r.得分 < r.分值`) and
/// operands that are unknown through the general path (a null, a blank field).
#[test]
fn conditions_follow_three_valued_logic_as_truths_and_as_values() {
    let and = |x: Option<bool>, y: Option<bool>| match (x, y) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    };
    let or = |x: Option<bool>, y: Option<bool>| match (x, y) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    };
    let atoms = [
        ("r.得分 < r.分值", Some(true)),
        ("r.得分 > r.分值", Some(false)),
        ("r.得分 > 空", None),
        ("r.得分 = 项目名称", None),
    ];
    let mut cases: Vec<(String, Option<bool>)> = Vec::new();
    for (a, x) in atoms {
        cases.push((format!("not ({a})"), x.map(|b| !b)));
        cases.push((format!("if {a} then true else false"), x));
        for (b, y) in atoms {
            cases.push((format!("({a}) and ({b})"), and(x, y)));
            cases.push((format!("({a}) or ({b})"), or(x, y)));
            cases.push((
                format!("not (({a}) and not ({b}))"),
                and(x, y.map(|b| !b)).map(|b| !b),
            ));
        }
    }
    let mut src = String::new();
    for (i, (e, _)) in cases.iter().enumerate() {
        for (code, when) in [
            ('T', format!("when {e}")),
            ('F', format!("when not ({e})")),
            ('N', format!("let v = {e}\n  when v = null")),
        ] {
            src.push_str(&format!(
                "rule {code}{i:03} info \"t\" {{\n  let 空 = null\n  for r in 指标 where r.三级指标 = \"数量\"\n  {when}\n  at r.得分\n  message \"m\"\n}}\n"
            ));
        }
    }
    let fired: Vec<String> = run(&src)
        .into_iter()
        .map(|f| f.split(' ').next().unwrap_or_default().to_string())
        .collect();
    for (i, (e, truth)) in cases.iter().enumerate() {
        let expected = match truth {
            Some(true) => 'T',
            Some(false) => 'F',
            None => 'N',
        };
        let got: Vec<&String> = fired
            .iter()
            .filter(|c| c[1..] == format!("{i:03}"))
            .collect();
        assert_eq!(got, vec![&format!("{expected}{i:03}")], "{e}");
    }
}
