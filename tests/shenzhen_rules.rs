//! Rule tests for the shipped `shenzhen-2020` pack: every rule fires on one small mutation of
//! a clean form and holds on the clean form (or on a near miss).
//!
//! The clean base form is seed P7 (世贸事务管理-对口交流综合事务) transcribed into the canonical
//! YAML format; each test changes one or two cells and checks the findings. Places are canonical
//! paths such as `forms[0].tables.指标[3].得分`.

use formlint::finding::{Finding, Severity};
use formlint::form::Place;
use formlint::pack::{self, Pack};
use formlint::run::{check_file, CheckOptions};

// ---------------------------------------------------------------------------------------------
// The base form and its mutations
// ---------------------------------------------------------------------------------------------

/// One row of a canonical table: column → value as text ("" = not filed).
#[derive(Clone, Debug)]
struct Row(Vec<(&'static str, String)>);

impl Row {
    /// Sets a cell ("" blanks it).
    fn set(&mut self, col: &'static str, value: &str) -> &mut Row {
        match self.0.iter_mut().find(|(k, _)| *k == col) {
            Some(cell) => cell.1 = value.to_string(),
            None => self.0.push((col, value.to_string())),
        }
        self
    }
}

/// A canonical form: fields, the funds rows (年度资金总额 first) and the indicator rows.
#[derive(Clone, Debug)]
struct Doc {
    fields: Vec<(&'static str, String)>,
    funds: Vec<Row>,
    ind: Vec<Row>,
}

const FUND_COLS: [&str; 7] = [
    "名称",
    "年初预算数",
    "全年预算数",
    "全年执行数",
    "分值",
    "执行率",
    "得分",
];
const IND_COLS: [&str; 8] = [
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因",
];

fn fund(vals: [&str; 7]) -> Row {
    Row(FUND_COLS
        .iter()
        .zip(vals)
        .map(|(k, v)| (*k, v.to_string()))
        .collect())
}

fn ind(vals: [&str; 8]) -> Row {
    Row(IND_COLS
        .iter()
        .zip(vals)
        .map(|(k, v)| (*k, v.to_string()))
        .collect())
}

/// Seed P7, which is clean: no error or warning, no info.
fn base() -> Doc {
    let fields = [
        ("项目名称", "世贸事务管理-对口交流综合事务"),
        ("项目金额", "180000"),
        ("主管部门", "深圳市商务局"),
        ("实施单位", "深圳市商务发展促进中心"),
        ("资金单位", "元"),
        ("预期目标", "按文件规定完成与兄弟省市的对口交流活动。"),
        ("实际完成情况", "按文件规定完成与兄弟省市的对口交流活动。"),
        ("总分分值", "100"),
        ("总分得分", "96.70"),
    ];
    Doc {
        fields: fields.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        funds: vec![
            fund([
                "年度资金总额",
                "180000",
                "180000",
                "137923.74",
                "10",
                "0.77",
                "7.70",
            ]),
            fund([
                "当年财政拨款",
                "180000",
                "180000",
                "137923.74",
                "",
                "0.77",
                "",
            ]),
            fund(["上年结转资金", "0", "0", "0", "", "0", ""]),
            fund(["其他资金", "0", "0", "0", "", "0", ""]),
        ],
        ind: vec![
            ind([
                "产出指标",
                "数量指标",
                "对外交流人次",
                "≥25人次",
                "22人次",
                "10",
                "9",
                "疫情原因",
            ]),
            ind([
                "产出指标",
                "质量指标",
                "对外交流管理合规性",
                "符合差旅费管理办法标准",
                "符合差旅费管理办法标准",
                "10",
                "10",
                "",
            ]),
            ind([
                "产出指标",
                "时效指标",
                "对外交流时间",
                "按照文件和任务时间执行",
                "按照文件和任务时间执行",
                "15",
                "15",
                "",
            ]),
            ind([
                "产出指标",
                "成本指标",
                "伙食补助和市内交通费用成本控制",
                "≤180元/人·天",
                "≤180元/人·天",
                "15",
                "15",
                "",
            ]),
            ind([
                "效益指标",
                "经济效益指标",
                "不适用",
                "不适用",
                "无",
                "0",
                "0",
                "",
            ]),
            ind([
                "效益指标",
                "社会效益指标",
                "保障外贸稳定",
                "有效保障",
                "有效保障",
                "20",
                "20",
                "",
            ]),
            ind([
                "效益指标",
                "生态效益指标",
                "不适用",
                "不适用",
                "无",
                "0",
                "0",
                "",
            ]),
            ind([
                "效益指标",
                "满意度指标",
                "交流人员满意度",
                "> 95%",
                "96%",
                "20",
                "20",
                "",
            ]),
        ],
    }
}

impl Doc {
    /// Sets a field ("" blanks it).
    fn field(&mut self, name: &'static str, value: &str) -> &mut Doc {
        match self.fields.iter_mut().find(|(k, _)| *k == name) {
            Some(f) => f.1 = value.to_string(),
            None => self.fields.push((name, value.to_string())),
        }
        self
    }

    /// The funds row with this 名称.
    fn fund(&mut self, name: &str) -> &mut Row {
        self.funds
            .iter_mut()
            .find(|r| r.0.iter().any(|(k, v)| *k == "名称" && v == name))
            .unwrap_or_else(|| panic!("no funds row {name}"))
    }

    /// The canonical YAML text.
    fn yaml(&self) -> String {
        let mut s = String::from("formlint: 1\nforms:\n  - name: P7\n    fields:\n");
        for (k, v) in &self.fields {
            s += &format!("      {k}: {}\n", scalar(v));
        }
        s += "    tables:\n      资金:\n";
        for r in &self.funds {
            s += &format!("        - {}\n", mapping(r));
        }
        s += "      指标:\n";
        for r in &self.ind {
            s += &format!("        - {}\n", mapping(r));
        }
        s
    }
}

/// A YAML scalar: numbers bare, blanks as `~`, everything else double-quoted.
fn scalar(v: &str) -> String {
    let numeric = !v.is_empty()
        && v.trim_start_matches('-')
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        && v.chars().any(|c| c.is_ascii_digit());
    if v.is_empty() {
        "~".into()
    } else if numeric {
        v.into()
    } else {
        format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

fn mapping(r: &Row) -> String {
    let cells: Vec<String> =
        r.0.iter()
            .map(|(k, v)| format!("{k}: {}", scalar(v)))
            .collect();
    format!("{{ {} }}", cells.join(", "))
}

// ---------------------------------------------------------------------------------------------
// Running and asserting
// ---------------------------------------------------------------------------------------------

fn shenzhen() -> Pack {
    pack::load(&pack::embedded(), "rules/shenzhen-2020/").unwrap_or_else(|e| panic!("{e:?}"))
}

/// All findings of one form.
fn check(doc: &Doc) -> Vec<Finding> {
    let yaml = doc.yaml();
    let checked = check_file(
        &shenzhen(),
        "x.yaml",
        yaml.as_bytes(),
        &CheckOptions::default(),
    );
    assert_eq!(checked.report.forms, 1, "{yaml}");
    checked.report.findings
}

fn field_path(name: &str) -> String {
    format!("forms[0].fields.{name}")
}

fn fund_path(i: usize, col: &str) -> String {
    format!("forms[0].tables.资金[{i}].{col}")
}

fn ind_path(i: usize, col: &str) -> String {
    format!("forms[0].tables.指标[{i}].{col}")
}

fn place(f: &Finding) -> String {
    f.at.as_ref().map(Place::to_string).unwrap_or_default()
}

fn listing(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("  {} {} {}", f.code, place(f), f.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Asserts that `code` fired at `path` with a message containing `part`; returns that finding.
#[track_caller]
fn fires<'a>(findings: &'a [Finding], code: &str, path: &str, part: &str) -> &'a Finding {
    let f = findings
        .iter()
        .find(|f| f.code == code && place(f) == path)
        .unwrap_or_else(|| panic!("no {code} at {path}; findings:\n{}", listing(findings)));
    assert!(
        f.message.contains(part),
        "{code} message {:?} lacks {part:?}",
        f.message
    );
    f
}

/// Asserts that `code` did not fire at all.
#[track_caller]
fn holds(findings: &[Finding], code: &str) {
    assert!(
        !findings.iter().any(|f| f.code == code),
        "{code} fired; findings:\n{}",
        listing(findings)
    );
}

/// The codes found, in order.
fn codes(findings: &[Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.code.as_str()).collect()
}

fn related_labels(f: &Finding) -> Vec<(String, String)> {
    f.related
        .iter()
        .map(|r| (r.label.clone(), r.at.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The base form
// ---------------------------------------------------------------------------------------------

#[test]
fn base_p7_is_clean() {
    let findings = check(&base());
    assert!(findings.is_empty(), "findings:\n{}", listing(&findings));
}

// ---------------------------------------------------------------------------------------------
// R001 R003 R004 R005: required cells and structure
// ---------------------------------------------------------------------------------------------

#[test]
fn r001_fires_on_blank_project_name() {
    let mut d = base();
    d.field("项目名称", "   ");
    let f = check(&d);
    fires(&f, "R001", &field_path("项目名称"), "项目名称未填写");
    assert_eq!(codes(&f), ["R001"]);
}

#[test]
fn r001_fires_on_blank_actual_summary() {
    let mut d = base();
    d.field("实际完成情况", "");
    fires(
        &check(&d),
        "R001",
        &field_path("实际完成情况"),
        "实际完成情况未填写",
    );
}

#[test]
fn r001_blank_total_weight_gives_the_expected_weight() {
    let mut d = base();
    d.field("总分分值", "");
    let f = check(&d);
    fires(
        &f,
        "R001",
        &field_path("总分分值"),
        "总分的分值未填写，应为 100",
    );
    holds(&f, "W002");
}

#[test]
fn r001_blank_total_score_gives_the_expected_total() {
    let mut d = base();
    d.field("总分得分", "");
    let f = check(&d);
    fires(
        &f,
        "R001",
        &field_path("总分得分"),
        "总分的得分未填写，应为 96.70",
    );
    holds(&f, "S003");
}

#[test]
fn r001_holds_on_base() {
    holds(&check(&base()), "R001");
}

#[test]
fn r003_fires_on_blank_actual_value() {
    let mut d = base();
    d.ind[2].set("实际完成值", "");
    let f = check(&d);
    fires(
        &f,
        "R003",
        &ind_path(2, "实际完成值"),
        "“对外交流时间”一行的实际完成值未填写",
    );
    assert_eq!(codes(&f), ["R003"]);
}

#[test]
fn r003_fires_on_blank_level2_naming_the_level3() {
    let mut d = base();
    d.ind[5].set("二级指标", "");
    let f = check(&d);
    fires(
        &f,
        "R003",
        &ind_path(5, "二级指标"),
        "“保障外贸稳定”一行的二级指标未填写",
    );
    holds(&f, "R004");
}

#[test]
fn r003_holds_on_blank_reason() {
    // 偏差原因 is not a required cell (S002 asks for it only when points are lost).
    let mut d = base();
    d.ind[0].set("偏差原因", "");
    let f = check(&d);
    holds(&f, "R003");
    fires(&f, "S002", &ind_path(0, "偏差原因"), "得分 9 低于分值 10");
}

#[test]
fn r004_fires_on_level2_of_the_other_level1() {
    let mut d = base();
    d.ind[5].set("二级指标", "数量指标");
    let f = check(&d);
    fires(
        &f,
        "R004",
        &ind_path(5, "二级指标"),
        "“数量指标”不是“效益指标”下的二级指标",
    );
}

#[test]
fn r004_fires_on_unknown_level2() {
    let mut d = base();
    d.ind[1].set("二级指标", "效率指标");
    fires(
        &check(&d),
        "R004",
        &ind_path(1, "二级指标"),
        "“效率指标”不是“产出指标”下的二级指标",
    );
}

#[test]
fn r004_holds_on_sustainable_impact() {
    let mut d = base();
    d.ind[4].set("二级指标", "可持续影响指标");
    holds(&check(&d), "R004");
}

#[test]
fn r005_fires_when_output_lacks_cost() {
    let mut d = base();
    d.ind[3].set("二级指标", "数量指标");
    let f = check(&d);
    fires(
        &f,
        "R005",
        &ind_path(0, "一级指标"),
        "产出指标下没有“成本指标”",
    );
    assert_eq!(codes(&f), ["R005"]);
}

#[test]
fn r005_holds_on_base() {
    holds(&check(&base()), "R005");
}

// ---------------------------------------------------------------------------------------------
// W001 W002 W003 W004: weights
// ---------------------------------------------------------------------------------------------

#[test]
fn w001_fires_on_param_weight() {
    let mut d = base();
    d.ind[2].set("分值", "17").set("得分", "17");
    d.field("总分分值", "102").field("总分得分", "98.70");
    let f = check(&d);
    let w = fires(
        &f,
        "W001",
        &ind_path(0, "一级指标"),
        "产出指标下三级指标分值合计 52，应等于 50",
    );
    assert_eq!(w.related.len(), 4);
    assert_eq!(w.related[2].at.to_string(), ind_path(2, "分值"));
}

#[test]
fn w001_uses_the_label_weight_over_the_param() {
    // 一级权重 from the label: 产出 45 while the param says 50 → the sum of 50 is wrong.
    let mut d = base();
    d.ind[0].set("一级指标", "产出指标（45分）");
    let f = check(&d);
    fires(&f, "W001", &ind_path(0, "一级指标"), "合计 50，应等于 45");
}

#[test]
fn w001_holds_on_label_weights_that_differ_from_the_param() {
    // 产出指标（60分）/ 效益指标（30分）, weights moved to match; the total stays 100.
    let mut d = base();
    for i in 0..4 {
        d.ind[i].set("一级指标", "产出指标（60分）");
    }
    for i in 4..8 {
        d.ind[i].set("一级指标", "效益指标（30分）");
    }
    d.ind[1].set("分值", "20").set("得分", "20");
    d.ind[5].set("分值", "10").set("得分", "10");
    let f = check(&d);
    holds(&f, "W001");
    assert!(f.is_empty(), "findings:\n{}", listing(&f));
}

#[test]
fn w001_holds_on_base() {
    holds(&check(&base()), "W001");
}

#[test]
fn w002_fires_on_total_weight_not_100() {
    let mut d = base();
    d.field("总分分值", "90");
    let f = check(&d);
    fires(
        &f,
        "W002",
        &field_path("总分分值"),
        "总分的分值为 90，应为 100",
    );
    assert_eq!(codes(&f), ["W002"]);
}

#[test]
fn w002_fires_on_100_that_is_not_the_sum() {
    let mut d = base();
    d.ind[5].set("分值", "25").set("得分", "25");
    d.field("总分得分", "101.70");
    let f = check(&d);
    fires(
        &f,
        "W002",
        &field_path("总分分值"),
        "指标分值合计 95 之和为 105",
    );
}

#[test]
fn w002_holds_on_base() {
    holds(&check(&base()), "W002");
}

#[test]
fn w003_fires_on_budget_weight_not_10() {
    let mut d = base();
    d.fund("年度资金总额")
        .set("分值", "20")
        .set("得分", "15.40");
    d.field("总分分值", "110").field("总分得分", "104.40");
    let f = check(&d);
    fires(
        &f,
        "W003",
        &fund_path(0, "分值"),
        "年度资金总额的分值为 20，应为 10",
    );
}

#[test]
fn w003_holds_on_base() {
    holds(&check(&base()), "W003");
}

#[test]
fn w004_fires_on_weighted_not_applicable() {
    let mut d = base();
    d.ind[4].set("分值", "5");
    let f = check(&d);
    fires(
        &f,
        "W004",
        &ind_path(4, "分值"),
        "“经济效益指标”指标不适用，分值应为 0，实际为 5",
    );
}

#[test]
fn w004_fires_on_not_applicable_target_only() {
    let mut d = base();
    d.ind[6].set("三级指标", "节能减排").set("分值", "5");
    fires(
        &check(&d),
        "W004",
        &ind_path(6, "分值"),
        "分值应为 0，实际为 5",
    );
}

#[test]
fn w004_holds_on_zero_weight() {
    holds(&check(&base()), "W004");
}

// ---------------------------------------------------------------------------------------------
// S001 … S006: scores
// ---------------------------------------------------------------------------------------------

#[test]
fn s001_fires_on_score_above_weight() {
    let mut d = base();
    d.ind[5].set("得分", "25");
    d.field("总分得分", "101.70");
    let f = check(&d);
    let s = fires(
        &f,
        "S001",
        &ind_path(5, "得分"),
        "得分 25 应在 0 到分值 20 之间",
    );
    assert_eq!(
        related_labels(s),
        [("分值".to_string(), ind_path(5, "分值"))]
    );
    assert_eq!(codes(&f), ["S001"]);
}

#[test]
fn s001_fires_on_negative_score() {
    let mut d = base();
    d.ind[4].set("得分", "-1");
    d.field("总分得分", "95.70");
    fires(
        &check(&d),
        "S001",
        &ind_path(4, "得分"),
        "得分 -1 应在 0 到分值 0 之间",
    );
}

#[test]
fn s001_holds_on_full_marks() {
    holds(&check(&base()), "S001");
}

#[test]
fn s002_fires_on_lost_points_without_reason() {
    let mut d = base();
    d.ind[5].set("得分", "18");
    d.field("总分得分", "94.70");
    let f = check(&d);
    let s = fires(
        &f,
        "S002",
        &ind_path(5, "偏差原因"),
        "“保障外贸稳定”得分 18 低于分值 20",
    );
    assert_eq!(s.related.len(), 2);
    assert_eq!(codes(&f), ["S002"]);
}

#[test]
fn s002_holds_with_a_reason() {
    let mut d = base();
    d.ind[5]
        .set("得分", "18")
        .set("偏差原因", "部分单位反馈延迟");
    d.field("总分得分", "94.70");
    let f = check(&d);
    holds(&f, "S002");
    assert!(f.is_empty(), "findings:\n{}", listing(&f));
}

#[test]
fn s003_fires_on_wrong_total_score() {
    let mut d = base();
    d.field("总分得分", "95");
    let f = check(&d);
    fires(
        &f,
        "S003",
        &field_path("总分得分"),
        "总分得分为 95，各项得分之和为 96.70",
    );
    assert_eq!(codes(&f), ["S003"]);
}

#[test]
fn s003_holds_within_tolerance() {
    let mut d = base();
    d.field("总分得分", "96.71");
    holds(&check(&d), "S003");
}

#[test]
fn s004_fires_on_postponed_but_scored() {
    let mut d = base();
    d.ind[0].set("实际完成值", "暂缓举办");
    let f = check(&d);
    let s = fires(
        &f,
        "S004",
        &ind_path(0, "得分"),
        "实际完成值为“暂缓举办”，得分却为 9",
    );
    assert_eq!(
        related_labels(s),
        [("实际完成值".to_string(), ind_path(0, "实际完成值"))]
    );
}

#[test]
fn s004_holds_on_postponed_with_zero() {
    let mut d = base();
    d.ind[0].set("实际完成值", "暂缓举办").set("得分", "0");
    d.field("总分得分", "87.70");
    let f = check(&d);
    holds(&f, "S004");
    assert!(f.is_empty(), "findings:\n{}", listing(&f));
}

#[test]
fn s005_fires_on_met_quantity_with_lost_points() {
    let mut d = base();
    d.ind[0].set("实际完成值", "26人次");
    let f = check(&d);
    let s = fires(
        &f,
        "S005",
        &ind_path(0, "得分"),
        "完成值 26人次 已达到指标值 ≥25人次，得分 9 却低于分值 10",
    );
    assert_eq!(s.severity, Severity::Info);
}

#[test]
fn s005_fires_on_met_date_bound() {
    let mut d = base();
    d.ind[2]
        .set("年度指标值", "2020年12月底前")
        .set("实际完成值", "2020年11月");
    d.ind[2].set("得分", "14").set("偏差原因", "部分延期");
    d.field("总分得分", "95.70");
    let f = check(&d);
    fires(
        &f,
        "S005",
        &ind_path(2, "得分"),
        "已达到指标值 2020年12月底前",
    );
    assert_eq!(codes(&f), ["S005"]);
}

#[test]
fn s005_holds_on_bare_number_money_actual() {
    // 50000 could be 元 or 万元: U002 reports it, S005 must not guess.
    let mut d = base();
    d.ind[3]
        .set("年度指标值", "≤6万元")
        .set("实际完成值", "50000");
    d.ind[3].set("得分", "14").set("偏差原因", "略有超支");
    d.field("总分得分", "95.70");
    let f = check(&d);
    holds(&f, "S005");
    holds(&f, "S006");
    fires(&f, "U002", &ind_path(3, "实际完成值"), "没有单位");
}

#[test]
fn s005_holds_on_missed_target() {
    // P7's own row: 22人次 of ≥25人次, 9 of 10 points.
    holds(&check(&base()), "S005");
}

#[test]
fn s006_fires_on_missed_at_least_target() {
    let mut d = base();
    d.ind[0].set("实际完成值", "15人次");
    let f = check(&d);
    let s = fires(
        &f,
        "S006",
        &ind_path(0, "得分"),
        "按比例应得约 6.00 分，实际 9 分",
    );
    assert_eq!(s.severity, Severity::Warning);
}

#[test]
fn s006_holds_on_proportional_at_least_score() {
    // 10 × 22/25 = 8.8, filed 9: within one point.
    holds(&check(&base()), "S006");
}

#[test]
fn s006_fires_on_missed_at_most_target() {
    let mut d = base();
    d.ind[3]
        .set("年度指标值", "≤1.5万元")
        .set("实际完成值", "2万元");
    let f = check(&d);
    fires(
        &f,
        "S006",
        &ind_path(3, "得分"),
        "按比例应得约 11.25 分，实际 15 分",
    );
}

#[test]
fn s006_holds_on_proportional_at_most_score() {
    // 15 × 1.5/2 = 11.25; 20000元 converts to 2万元.
    let mut d = base();
    d.ind[3]
        .set("年度指标值", "≤1.5万元")
        .set("实际完成值", "20000元");
    d.ind[3].set("得分", "11").set("偏差原因", "物价上涨");
    d.field("总分得分", "92.70");
    let f = check(&d);
    holds(&f, "S006");
    assert!(f.is_empty(), "findings:\n{}", listing(&f));
}

// ---------------------------------------------------------------------------------------------
// B001 … B006: funds
// ---------------------------------------------------------------------------------------------

#[test]
fn b001_fires_on_wrong_rate() {
    let mut d = base();
    d.fund("当年财政拨款").set("执行率", "0.70");
    let f = check(&d);
    let b = fires(
        &f,
        "B001",
        &fund_path(1, "执行率"),
        "当年财政拨款的执行率为 0.7，按 137923.74 / 180000 应为 0.77",
    );
    assert_eq!(b.related.len(), 2);
    assert_eq!(codes(&f), ["B001"]);
}

#[test]
fn b001_fires_on_nonzero_rate_with_zero_budget() {
    let mut d = base();
    d.fund("其他资金").set("执行率", "1");
    fires(&check(&d), "B001", &fund_path(3, "执行率"), "应为 0.00");
}

#[test]
fn b001_holds_on_zero_rate_with_zero_budget() {
    // 上年结转资金 0 / 0 filed as 0.
    holds(&check(&base()), "B001");
}

#[test]
fn b001_holds_on_half_up_rounding() {
    // 137925 / 180000 = 0.76625 → 0.77
    let mut d = base();
    for name in ["年度资金总额", "当年财政拨款"] {
        d.fund(name).set("全年执行数", "137925");
    }
    holds(&check(&d), "B001");
}

#[test]
fn b002_fires_on_wrong_budget_score() {
    let mut d = base();
    d.fund("年度资金总额").set("得分", "7");
    d.field("总分得分", "96");
    let f = check(&d);
    fires(
        &f,
        "B002",
        &fund_path(0, "得分"),
        "按分值 10 × 执行率 0.77 应为 7.70",
    );
    assert_eq!(codes(&f), ["B002"]);
}

#[test]
fn b002_caps_the_score_at_the_weight() {
    let mut d = base();
    for name in ["年度资金总额", "当年财政拨款"] {
        d.fund(name)
            .set("全年执行数", "216000")
            .set("执行率", "1.20");
    }
    d.fund("年度资金总额").set("得分", "10");
    d.field("总分得分", "99");
    let f = check(&d);
    holds(&f, "B002");
    holds(&f, "B001");
    fires(
        &f,
        "B004",
        &fund_path(0, "全年执行数"),
        "超过全年预算数 180000",
    );
}

#[test]
fn b002_fires_on_uncapped_score() {
    let mut d = base();
    for name in ["年度资金总额", "当年财政拨款"] {
        d.fund(name)
            .set("全年执行数", "216000")
            .set("执行率", "1.20");
    }
    d.fund("年度资金总额").set("得分", "12");
    d.field("总分得分", "101");
    fires(&check(&d), "B002", &fund_path(0, "得分"), "应为 10.00");
}

#[test]
fn b002_holds_on_base() {
    holds(&check(&base()), "B002");
}

#[test]
fn b003_fires_on_initial_budget_column() {
    let mut d = base();
    d.fund("年度资金总额").set("年初预算数", "190000");
    let f = check(&d);
    let b = fires(
        &f,
        "B003",
        &fund_path(0, "年初预算数"),
        "年度资金总额的年初预算数为 190000，分项之和为 180000",
    );
    assert_eq!(b.related.len(), 3);
    assert_eq!(f.iter().filter(|x| x.code == "B003").count(), 1);
}

#[test]
fn b003_fires_on_full_year_budget_column() {
    let mut d = base();
    d.fund("上年结转资金").set("全年预算数", "10000");
    let f = check(&d);
    fires(
        &f,
        "B003",
        &fund_path(0, "全年预算数"),
        "年度资金总额的全年预算数为 180000，分项之和为 190000",
    );
    assert_eq!(codes(&f), ["B003"]);
}

#[test]
fn b003_fires_on_executed_column() {
    let mut d = base();
    d.fund("其他资金").set("全年执行数", "5000");
    let f = check(&d);
    fires(
        &f,
        "B003",
        &fund_path(0, "全年执行数"),
        "分项之和为 142923.74",
    );
    assert_eq!(f.iter().filter(|x| x.code == "B003").count(), 1);
}

#[test]
fn b003_holds_when_parts_are_not_applicable() {
    let mut d = base();
    for name in ["上年结转资金", "其他资金"] {
        for col in ["年初预算数", "全年预算数", "全年执行数"] {
            d.fund(name).set(col, "—");
        }
    }
    let f = check(&d);
    holds(&f, "B003");
    assert!(f.is_empty(), "findings:\n{}", listing(&f));
}

#[test]
fn b004_fires_on_execution_over_budget() {
    let mut d = base();
    d.fund("其他资金").set("全年执行数", "5000");
    let f = check(&d);
    let b = fires(
        &f,
        "B004",
        &fund_path(3, "全年执行数"),
        "其他资金：全年执行数 5000 超过全年预算数 0",
    );
    assert_eq!(
        related_labels(b),
        [("全年预算数".to_string(), fund_path(3, "全年预算数"))]
    );
}

#[test]
fn b004_holds_on_base() {
    holds(&check(&base()), "B004");
}

#[test]
fn b005_fires_on_amount_unlike_initial_budget() {
    let mut d = base();
    d.field("项目金额", "200000");
    let f = check(&d);
    fires(
        &f,
        "B005",
        &field_path("项目金额"),
        "项目金额 200000 与年度资金总额的年初预算数 180000 不一致",
    );
    assert_eq!(codes(&f), ["B005"]);
}

#[test]
fn b005_holds_on_blank_amount() {
    let mut d = base();
    d.field("项目金额", "");
    let f = check(&d);
    holds(&f, "B005");
    assert_eq!(codes(&f), ["R001"]);
}

#[test]
fn b006_fires_on_heavily_raised_budget() {
    let mut d = base();
    for name in ["年度资金总额", "当年财政拨款"] {
        d.fund(name)
            .set("全年预算数", "300000")
            .set("执行率", "0.46");
    }
    d.fund("年度资金总额").set("得分", "4.60");
    d.field("总分得分", "93.60");
    let f = check(&d);
    let b = fires(
        &f,
        "B006",
        &fund_path(0, "全年预算数"),
        "全年预算数 300000 较年初预算数 180000 变动 +66.7%",
    );
    assert_eq!(b.severity, Severity::Info);
    assert_eq!(codes(&f), ["B006"]);
}

#[test]
fn b006_fires_on_heavily_cut_budget() {
    let mut d = base();
    for name in ["年度资金总额", "当年财政拨款"] {
        d.fund(name).set("全年预算数", "60000");
    }
    fires(
        &check(&d),
        "B006",
        &fund_path(0, "全年预算数"),
        "变动 -66.7%",
    );
}

#[test]
fn b006_holds_at_exactly_half() {
    let mut d = base();
    for name in ["年度资金总额", "当年财政拨款"] {
        d.fund(name)
            .set("全年预算数", "270000")
            .set("执行率", "0.51");
    }
    d.fund("年度资金总额").set("得分", "5.10");
    d.field("总分得分", "94.10");
    let f = check(&d);
    holds(&f, "B006");
    assert!(f.is_empty(), "findings:\n{}", listing(&f));
}

// ---------------------------------------------------------------------------------------------
// U001 U002: units
// ---------------------------------------------------------------------------------------------

#[test]
fn u001_fires_on_wan_label_over_yuan_amounts() {
    let mut d = base();
    d.field("资金单位", "万元");
    d.ind[3]
        .set("年度指标值", "≤5.6万元")
        .set("实际完成值", "5.58万元");
    let f = check(&d);
    fires(&f, "U001", &field_path("资金单位"), "资金单位标为“万元”");
    assert_eq!(codes(&f), ["U001"]);
}

#[test]
fn u001_holds_on_yuan_label() {
    let mut d = base();
    d.ind[3]
        .set("年度指标值", "≤5.6万元")
        .set("实际完成值", "5.58万元");
    let f = check(&d);
    holds(&f, "U001");
    assert!(f.is_empty(), "findings:\n{}", listing(&f));
}

#[test]
fn u001_holds_on_wan_label_with_wan_amounts() {
    let mut d = base();
    d.field("资金单位", "万元").field("项目金额", "18");
    for name in ["年度资金总额", "当年财政拨款"] {
        d.fund(name)
            .set("年初预算数", "18")
            .set("全年预算数", "18")
            .set("全年执行数", "13.79");
    }
    d.ind[3]
        .set("年度指标值", "≤5.6万元")
        .set("实际完成值", "5.58万元");
    let f = check(&d);
    holds(&f, "U001");
    assert!(f.is_empty(), "findings:\n{}", listing(&f));
}

#[test]
fn u002_fires_on_bare_number_money_actual() {
    let mut d = base();
    d.ind[3]
        .set("年度指标值", "≤6万元")
        .set("实际完成值", "50000");
    let f = check(&d);
    let u = fires(
        &f,
        "U002",
        &ind_path(3, "实际完成值"),
        "年度指标值为“≤6万元”，实际完成值“50000”没有单位",
    );
    assert_eq!(
        related_labels(u),
        [("年度指标值".to_string(), ind_path(3, "年度指标值"))]
    );
    assert_eq!(codes(&f), ["U002"]);
}

#[test]
fn u002_holds_on_money_actual_with_unit() {
    let mut d = base();
    d.ind[3]
        .set("年度指标值", "≤6万元")
        .set("实际完成值", "5万元");
    holds(&check(&d), "U002");
}

#[test]
fn u002_holds_on_bare_number_count_actual() {
    // a bare number takes the target's unit when that unit is not money
    let mut d = base();
    d.ind[0].set("实际完成值", "22");
    let f = check(&d);
    holds(&f, "U002");
    assert!(f.is_empty(), "findings:\n{}", listing(&f));
}

// ---------------------------------------------------------------------------------------------
// C001 C002: consistency
// ---------------------------------------------------------------------------------------------

#[test]
fn c001_fires_on_repeated_indicator() {
    let mut d = base();
    d.ind[7]
        .set("二级指标", "社会效益指标")
        .set("三级指标", "保障外贸稳定");
    let f = check(&d);
    let c = fires(
        &f,
        "C001",
        &ind_path(7, "三级指标"),
        "“保障外贸稳定”与第 6 行重复",
    );
    assert_eq!(
        related_labels(c),
        [("首次出现".to_string(), ind_path(5, "三级指标"))]
    );
    assert_eq!(codes(&f), ["C001"]);
}

#[test]
fn c001_holds_on_same_level3_under_another_level2() {
    let mut d = base();
    d.ind[7].set("三级指标", "保障外贸稳定");
    holds(&check(&d), "C001");
}

fn spending_row(d: &mut Doc, actual: &str) {
    d.ind[3]
        .set("三级指标", "实际资金投入金额")
        .set("年度指标值", "≤18万元")
        .set("实际完成值", actual);
}

#[test]
fn c002_fires_on_spending_unlike_execution() {
    let mut d = base();
    spending_row(&mut d, "10万元");
    let f = check(&d);
    let c = fires(
        &f,
        "C002",
        &ind_path(3, "实际完成值"),
        "折合 100000 元，与全年执行数 137923.74 元相差超过 0.01 万元",
    );
    assert_eq!(
        related_labels(c),
        [("全年执行数".to_string(), fund_path(0, "全年执行数"))]
    );
    assert_eq!(codes(&f), ["C002"]);
}

#[test]
fn c002_reads_a_bare_number_as_yuan() {
    let mut d = base();
    spending_row(&mut d, "100000");
    let f = check(&d);
    fires(&f, "C002", &ind_path(3, "实际完成值"), "折合 100000 元");
    fires(&f, "U002", &ind_path(3, "实际完成值"), "没有单位");
}

#[test]
fn c002_holds_within_a_hundred_yuan() {
    let mut d = base();
    spending_row(&mut d, "13.79万元");
    let f = check(&d);
    holds(&f, "C002");
    assert!(f.is_empty(), "findings:\n{}", listing(&f));
}

#[test]
fn c002_is_skipped_when_u001_fires() {
    let mut d = base();
    d.field("资金单位", "万元");
    spending_row(&mut d, "10万元");
    let f = check(&d);
    fires(&f, "U001", &field_path("资金单位"), "资金单位标为“万元”");
    holds(&f, "C002");
}

// ---------------------------------------------------------------------------------------------
// The seed forms: exactly the catalogue's findings
// ---------------------------------------------------------------------------------------------

/// Findings of one seed workbook as (code, cell) pairs.
fn seed(prefix: &str) -> Vec<Finding> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed");
    let path = std::fs::read_dir(&dir)
        .expect("seed folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .unwrap_or_else(|| panic!("no seed {prefix}"));
    let bytes = std::fs::read(&path).expect("seed file");
    let name = path.to_string_lossy().to_string();
    check_file(&shenzhen(), &name, &bytes, &CheckOptions::default())
        .report
        .findings
}

fn cells(findings: &[Finding]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = findings
        .iter()
        .map(|f| (f.code.clone(), place(f)))
        .collect();
    v.sort();
    v
}

fn expect(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(c, a)| (c.to_string(), a.to_string()))
        .collect();
    v.sort();
    v
}

#[test]
fn seed_p1_findings() {
    let f = seed("P1-");
    assert_eq!(
        cells(&f),
        expect(&[
            ("R001", "G3"),
            ("R001", "G4"),
            ("B004", "F9"),
            ("U001", "A5")
        ])
    );
}

#[test]
fn seed_p2_findings() {
    let f = seed("P2-");
    assert_eq!(
        cells(&f),
        expect(&[("R001", "B9"), ("R001", "F9"), ("B006", "E4")])
    );
}

#[test]
fn b001_holds_on_seed_p2() {
    holds(&seed("P2-"), "B001");
}

#[test]
fn seed_p3_findings() {
    let f = seed("P3-");
    assert_eq!(
        cells(&f),
        expect(&[
            ("S002", "I16"),
            ("U002", "F17"),
            ("C001", "D20"),
            ("S005", "H16")
        ])
    );
    fires(
        &f,
        "C001",
        "D20",
        "“促进我市对外贸易稳定发展”与第 19 行重复",
    );
}

#[test]
fn seed_p4_p5_p7_are_clean() {
    for p in ["P4-", "P5-", "P7-"] {
        let f = seed(p);
        assert!(f.is_empty(), "{p}:\n{}", listing(&f));
    }
}

#[test]
fn seed_p6_findings() {
    assert_eq!(cells(&seed("P6-")), expect(&[("B006", "E4")]));
}

#[test]
fn seed_p8_findings() {
    let f = seed("P8-");
    assert_eq!(
        cells(&f),
        expect(&[
            ("R001", "G26"),
            ("R001", "H26"),
            ("S002", "I12"),
            ("S005", "H19"),
            ("B006", "E4")
        ])
    );
    fires(&f, "R001", "H26", "应为 80.60");
}

#[test]
fn seed_p9_findings() {
    let f = seed("P9-");
    assert_eq!(
        cells(&f),
        expect(&[
            ("R003", "C14"),
            ("R005", "B11"),
            ("W004", "G16"),
            ("W004", "G18")
        ])
    );
}

#[test]
fn r005_lists_every_missing_category_in_one_finding() {
    let mut d = base();
    d.ind[1].set("二级指标", "数量指标");
    d.ind[3].set("二级指标", "数量指标");
    let f = check(&d);
    fires(
        &f,
        "R005",
        &ind_path(0, "一级指标"),
        "产出指标下没有“质量指标、成本指标”",
    );
    assert_eq!(codes(&f), ["R005"]);
}

// ---------------------------------------------------------------------------------------------
// Text in a number cell: X006 once, no sums built on it
// ---------------------------------------------------------------------------------------------

#[test]
fn text_in_a_weight_cell_is_reported_once() {
    let mut d = base();
    d.ind[0].set("分值", "暂缓");
    let f = check(&d);
    fires(
        &f,
        "X006",
        &ind_path(0, "分值"),
        "分值应为数字，实际填写“暂缓”",
    );
    assert_eq!(codes(&f), ["X006"]);
}

#[test]
fn text_in_a_score_cell_is_reported_once() {
    let mut d = base();
    d.ind[0]
        .set("实际完成值", "暂缓举办")
        .set("得分", "暂缓举办");
    let f = check(&d);
    fires(
        &f,
        "X006",
        &ind_path(0, "得分"),
        "得分应为数字，实际填写“暂缓举办”",
    );
    assert_eq!(codes(&f), ["X006"]);
}

#[test]
fn text_in_an_executed_amount_is_reported_once() {
    let mut d = base();
    d.fund("当年财政拨款").set("全年执行数", "待结算");
    let f = check(&d);
    fires(
        &f,
        "X006",
        &fund_path(1, "全年执行数"),
        "全年执行数应为数字，实际填写“待结算”",
    );
    assert_eq!(codes(&f), ["X006"]);
}

#[test]
fn text_in_a_budget_amount_is_reported_once() {
    let mut d = base();
    d.fund("当年财政拨款").set("全年预算数", "待批复");
    let f = check(&d);
    fires(
        &f,
        "X006",
        &fund_path(1, "全年预算数"),
        "全年预算数应为数字，实际填写“待批复”",
    );
    assert_eq!(codes(&f), ["X006"]);
}
