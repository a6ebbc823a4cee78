//! What the YAML rule tests of `shenzhen-2020` cannot say: the **related cells** a finding
//! points to and its **severity**.
//!
//! The rule tests in `rules/shenzhen-2020/tests/*.yaml` are the source of truth for what each
//! rule reports (code, place, message; `formlint rules test`). Their `expect` items have no key
//! for a finding's related cells (`related` in the rules, shown as “相关单元格” in reports) or its
//! severity, so those checks stay here, on the same cases as `*-p7.yaml`: the base form is read
//! from `rules/shenzhen-2020/tests/forms/基准表单-P7.yaml` and changed as those tests change it.
//! Code, place and message of these findings are asserted by the YAML tests, not again here.

use formlint::finding::{Finding, Severity};
use formlint::pack;
use formlint::run::{check_file, CheckOptions};
use serde_json::{json, Value};

/// The P7 base form of the pack's rule tests: `{fields, tables}`.
fn base() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/shenzhen-2020/tests/forms/基准表单-P7.yaml"
    );
    let text = std::fs::read_to_string(path).expect("base form");
    serde_saphyr::from_str(&text).expect("base form YAML")
}

/// Sets a field.
fn field(form: &mut Value, name: &str, v: Value) {
    form["fields"][name] = v;
}

/// Sets a cell of row `row` (from 0) of a table.
fn cell(form: &mut Value, table: &str, row: usize, col: &str, v: Value) {
    form["tables"][table][row][col] = v;
}

/// All findings of the form under the embedded shenzhen-2020 pack.
fn check(form: &Value) -> Vec<Finding> {
    let pack = pack::load(&pack::embedded(), "rules/shenzhen-2020/").expect("pack");
    let doc = json!({ "formlint": 1, "forms": [{ "name": "P7", "fields": form["fields"], "tables": form["tables"] }] });
    let text = doc.to_string();
    let checked = check_file(&pack, "p7.json", text.as_bytes(), &CheckOptions::default());
    assert_eq!(checked.report.forms, 1);
    checked.report.findings
}

/// The one finding of `code`.
#[track_caller]
fn one<'a>(findings: &'a [Finding], code: &str) -> &'a Finding {
    let of: Vec<&Finding> = findings.iter().filter(|f| f.code == code).collect();
    assert_eq!(of.len(), 1, "{code}: {findings:#?}");
    of[0]
}

/// The related cells as (label, place), places short: `指标[5].分值`.
fn related(f: &Finding) -> Vec<(String, String)> {
    f.related
        .iter()
        .map(|r| {
            let at = r.at.to_string();
            let short = at.strip_prefix("forms[0].").unwrap_or(&at);
            let short = short
                .strip_prefix("tables.")
                .or_else(|| short.strip_prefix("fields."))
                .unwrap_or(short);
            (r.label.clone(), short.to_string())
        })
        .collect()
}

fn places(f: &Finding) -> Vec<String> {
    related(f).into_iter().map(|(_, at)| at).collect()
}

fn labelled(label: &str, at: &str) -> Vec<(String, String)> {
    vec![(label.to_string(), at.to_string())]
}

// weights-p7.yaml: 产出指标分值合计 52，参数规定 50
#[test]
fn w001_relates_every_weight_of_the_group() {
    let mut f = base();
    cell(&mut f, "指标", 2, "分值", json!(17));
    cell(&mut f, "指标", 2, "得分", json!(17));
    field(&mut f, "总分分值", json!(102));
    field(&mut f, "总分得分", json!(98.70));
    let w = check(&f);
    assert_eq!(
        places(one(&w, "W001")),
        [
            "指标[0].分值",
            "指标[1].分值",
            "指标[2].分值",
            "指标[3].分值"
        ]
    );
}

// scores-p7.yaml: S001 得分 25 高于分值 20
#[test]
fn s001_relates_the_weight() {
    let mut f = base();
    cell(&mut f, "指标", 5, "得分", json!(25));
    field(&mut f, "总分得分", json!(101.70));
    assert_eq!(
        related(one(&check(&f), "S001")),
        labelled("分值", "指标[5].分值")
    );
}

// scores-p7.yaml: S002 扣分但未说明原因
#[test]
fn s002_relates_score_and_weight() {
    let mut f = base();
    cell(&mut f, "指标", 5, "得分", json!(18));
    field(&mut f, "总分得分", json!(94.70));
    assert_eq!(one(&check(&f), "S002").related.len(), 2);
}

// scores-p7.yaml: 暂缓举办却得分
#[test]
fn s004_relates_the_actual_value() {
    let mut f = base();
    cell(&mut f, "指标", 0, "实际完成值", json!("暂缓举办"));
    assert_eq!(
        related(one(&check(&f), "S004")),
        labelled("实际完成值", "指标[0].实际完成值")
    );
}

// scores-p7.yaml: 数量指标已达标却扣分; “不少于”指标未达标，得分高于按比例应得
#[test]
fn s005_is_info_and_s006_a_warning() {
    let mut f = base();
    cell(&mut f, "指标", 0, "实际完成值", json!("26人次"));
    assert_eq!(one(&check(&f), "S005").severity, Severity::Info);
    cell(&mut f, "指标", 0, "实际完成值", json!("15人次"));
    assert_eq!(one(&check(&f), "S006").severity, Severity::Warning);
}

// funds-p7.yaml: B001 执行率填 0.70
#[test]
fn b001_relates_budget_and_execution() {
    let mut f = base();
    cell(&mut f, "资金", 1, "执行率", json!(0.70));
    assert_eq!(
        places(one(&check(&f), "B001")),
        ["资金[1].全年预算数", "资金[1].全年执行数"]
    );
}

// funds-p7.yaml: 年初预算数一列合计不符
#[test]
fn b003_relates_the_three_parts() {
    let mut f = base();
    cell(&mut f, "资金", 0, "年初预算数", json!(190000));
    assert_eq!(
        places(one(&check(&f), "B003")),
        [
            "资金[1].年初预算数",
            "资金[2].年初预算数",
            "资金[3].年初预算数"
        ]
    );
}

// funds-p7.yaml: 其他资金预算为 0 却有执行数
#[test]
fn b004_relates_the_budget() {
    let mut f = base();
    cell(&mut f, "资金", 3, "全年执行数", json!(5000));
    assert_eq!(
        related(one(&check(&f), "B004")),
        labelled("全年预算数", "资金[3].全年预算数")
    );
}

// funds-p7.yaml: B006 全年预算数调增 66.7%
#[test]
fn b006_is_info() {
    let mut f = base();
    for row in [0, 1] {
        cell(&mut f, "资金", row, "全年预算数", json!(300000));
        cell(&mut f, "资金", row, "执行率", json!(0.46));
    }
    cell(&mut f, "资金", 0, "得分", json!(4.60));
    field(&mut f, "总分得分", json!(93.60));
    assert_eq!(one(&check(&f), "B006").severity, Severity::Info);
}

// units-p7.yaml: U002 金额完成值只写了数字
#[test]
fn u002_relates_the_target() {
    let mut f = base();
    cell(&mut f, "指标", 3, "年度指标值", json!("≤6万元"));
    cell(&mut f, "指标", 3, "实际完成值", json!(50000));
    assert_eq!(
        related(one(&check(&f), "U002")),
        labelled("年度指标值", "指标[3].年度指标值")
    );
}

// consistency-p7.yaml: C001 同一指标填了两行
#[test]
fn c001_relates_the_first_row() {
    let mut f = base();
    cell(&mut f, "指标", 7, "二级指标", json!("社会效益指标"));
    cell(&mut f, "指标", 7, "三级指标", json!("保障外贸稳定"));
    assert_eq!(
        related(one(&check(&f), "C001")),
        labelled("首次出现", "指标[5].三级指标")
    );
}

// consistency-p7.yaml: C002 资金投入 10万元，执行数 137923.74 元
#[test]
fn c002_relates_the_executed_amount() {
    let mut f = base();
    cell(&mut f, "指标", 3, "三级指标", json!("实际资金投入金额"));
    cell(&mut f, "指标", 3, "年度指标值", json!("≤18万元"));
    cell(&mut f, "指标", 3, "实际完成值", json!("10万元"));
    assert_eq!(
        related(one(&check(&f), "C002")),
        labelled("全年执行数", "资金[0].全年执行数")
    );
}
