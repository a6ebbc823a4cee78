//! Snapshot tests of the report stage on a hand-made copy of a seed form's sheet.

use super::*;
use crate::finding::Related;
use crate::finding::Severity;
use crate::form::{FormPath, Place};
use crate::sheet::{Cell, CellRange, CellRef, CellValue, Sheet};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Builds a sheet from rows of texts: `""` is empty, a decimal is a number, `p:0.36` a percent.
fn sheet(name: &str, rows: &[(u32, &[&str])], merges: &[&str]) -> Sheet {
    let mut s = Sheet {
        name: name.to_string(),
        ..Sheet::default()
    };
    for (row1, cells) in rows {
        for (c, text) in cells.iter().enumerate() {
            let value = if text.is_empty() {
                continue;
            } else if let Some(p) = text.strip_prefix("p:") {
                CellValue::Percent(Decimal::from_str(p).expect("test percent"))
            } else if let Ok(d) = Decimal::from_str(text) {
                CellValue::Number(d)
            } else {
                CellValue::Text(text.to_string())
            };
            s.set(
                CellRef::new(row1 - 1, c as u32),
                Cell {
                    value,
                    merged: None,
                    formula: false,
                },
            );
        }
    }
    s.merges = merges
        .iter()
        .map(|m| {
            let (a, b) = m.split_once(':').expect("test range");
            CellRange {
                start: CellRef::parse(a).expect("test cell"),
                end: CellRef::parse(b).expect("test cell"),
            }
        })
        .collect();
    s.spread_merges();
    s
}

/// The 自评表 of the seed form P3 (贸易摩擦应对事务), with H16 changed to 7.
fn p3() -> Sheet {
    sheet(
        "自评表",
        &[
            (
                1,
                &[
                    "项目名称",
                    "世贸事务管理-贸易摩擦应对事务",
                    "",
                    "",
                    "",
                    "项目金额",
                    "230000",
                ],
            ),
            (
                2,
                &[
                    "主管部门",
                    "深圳市商务局",
                    "",
                    "",
                    "",
                    "实施单位",
                    "深圳市商务发展促进中心",
                ],
            ),
            (
                3,
                &[
                    "项目资金\n（元）",
                    "",
                    "",
                    "年初预算数",
                    "全年预算数",
                    "全年执行数",
                    "分值",
                    "执行率",
                    "得分",
                ],
            ),
            (
                4,
                &[
                    "",
                    "年度资金总额",
                    "",
                    "230000",
                    "230000",
                    "82694.3",
                    "10",
                    "p:0.36",
                    "3.6",
                ],
            ),
            (
                5,
                &[
                    "",
                    "其中：当年财政拨款",
                    "",
                    "230000",
                    "230000",
                    "82694.3",
                    "—",
                    "p:0.36",
                    "—",
                ],
            ),
            (6, &["", "上年结转资金", "", "0", "0", "0", "—", "p:0", "—"]),
            (7, &["", "其他资金", "", "0", "0", "0", "—", "p:0", "—"]),
            (8, &["年度总体目标", "预期目标", "", "", "", "实际完成情况"]),
            (
                9,
                &[
                    "",
                    "协调我市企业积极应对各类贸易摩擦案件，向涉案企业告知相关贸易摩擦应对知识。",
                    "",
                    "",
                    "",
                    "1.妥善处理我市企业遭遇贸易摩擦案件34起。",
                ],
            ),
            (
                10,
                &[
                    "年度绩效指标",
                    "一级指标",
                    "二级指标",
                    "三级指标",
                    "年度指标值",
                    "实际完成值",
                    "分值",
                    "得分",
                    "偏差原因分析及改进措施",
                ],
            ),
            (
                11,
                &[
                    "",
                    "产出指标",
                    "数量指标",
                    "组织召开当前形势分析与应对工作研讨会",
                    "=1场",
                    "2场",
                    "8",
                    "8",
                ],
            ),
            (
                12,
                &[
                    "",
                    "",
                    "",
                    "组织召开应对工作预警会和协调会场次",
                    "≥8场次",
                    "25场",
                    "8",
                    "8",
                ],
            ),
            (
                13,
                &[
                    "",
                    "",
                    "质量指标",
                    "贸易摩擦应对处理率",
                    "> 95%",
                    "96%",
                    "7",
                    "7",
                ],
            ),
            (
                14,
                &[
                    "",
                    "",
                    "",
                    "研讨会完成情况",
                    "1次顺利组织召开",
                    "2次",
                    "8",
                    "8",
                ],
            ),
            (
                15,
                &[
                    "",
                    "",
                    "时效指标",
                    "接到预警信息，通知涉案企业参加会议",
                    "按照上级主管部门组织会议时间执行",
                    "已举办多场相关会议，各项会议均及时开展",
                    "7",
                    "7",
                ],
            ),
            (
                16,
                &[
                    "",
                    "",
                    "",
                    "会议召开时间",
                    "2020年10月前",
                    "2020年9月",
                    "6",
                    "7",
                ],
            ),
            (
                17,
                &[
                    "",
                    "",
                    "成本指标",
                    "实际资金投入金额",
                    "≥20万元",
                    "82694.30",
                    "6",
                    "5",
                    "因疫情调减",
                ],
            ),
            (23, &["", "总分", "", "", "", "", "100", "91.6"]),
        ],
        &[
            "B1:E1", "G1:I1", "B2:E2", "G2:I2", "A3:A7", "B3:C3", "B4:C4", "B5:C5", "B6:C6",
            "B7:C7", "A8:A9", "B8:E8", "F8:I8", "B9:E9", "F9:I9", "A10:A23", "B11:B17", "C11:C12",
            "C13:C14", "C15:C16", "B23:F23",
        ],
    )
}

const P3: &str = "tests/fixtures/seed/P3-贸易摩擦应对事务.xlsx";

fn cell(a1: &str) -> Option<Place> {
    CellRef::parse(a1).map(Place::Cell)
}

fn finding(code: &str, severity: Severity, sheet: Option<&str>, at: Option<Place>) -> Finding {
    Finding {
        code: code.to_string(),
        severity,
        title: format!("{code} 的标题"),
        message: String::new(),
        sheet: sheet.map(str::to_string),
        at,
        related: vec![],
        help: None,
    }
}

fn score_over_weight() -> Finding {
    Finding {
        code: "S002".into(),
        severity: Severity::Error,
        title: "得分不得超过分值".into(),
        message: "三级指标「会议召开时间」的得分 7 超过分值 6".into(),
        sheet: Some("自评表".into()),
        at: cell("H16"),
        related: vec![Related {
            at: cell("G16").expect("G16"),
            label: "分值".into(),
        }],
        help: Some("得分应在 0 到该指标的分值之间；请核对评分。".into()),
    }
}

fn opts(width: usize) -> HumanOptions {
    HumanOptions {
        width,
        color: false,
    }
}

fn file(findings: Vec<Finding>) -> FileReport {
    FileReport {
        checked: Vec::new(),
        accepted: Vec::new(),
        path: P3.into(),
        forms: 1,
        findings,
    }
}

#[test]
fn human_finding_with_related_cell() {
    let out = render_human(&file(vec![score_over_weight()]), &[p3()], &opts(100));
    insta::assert_snapshot!(out);
}

#[test]
fn human_funds_table_with_related_cells_on_two_rows() {
    let f = Finding {
        code: "F003".into(),
        severity: Severity::Warning,
        title: "预算执行率偏低".into(),
        message: "年度资金总额的执行率 36%（82694.3 / 230000）低于 60%".into(),
        sheet: Some("自评表".into()),
        at: cell("H4"),
        related: vec![
            Related {
                at: cell("F4").expect("F4"),
                label: "全年执行数".into(),
            },
            Related {
                at: cell("E4").expect("E4"),
                label: "全年预算数".into(),
            },
            Related {
                at: cell("F5").expect("F5"),
                label: "当年财政拨款执行数".into(),
            },
        ],
        help: None,
    };
    let out = render_human(&file(vec![f]), &[p3()], &opts(100));
    insta::assert_snapshot!(out);
}

#[test]
fn human_narrow_terminal_drops_far_columns() {
    let out = render_human(&file(vec![score_over_weight()]), &[p3()], &opts(60));
    insta::assert_snapshot!(out);
}

#[test]
fn human_finding_without_place() {
    let mut f = finding("T001", Severity::Info, Some("自评表"), None);
    f.title = "未找到总分行".into();
    f.message = "指标表下方没有「总分」行，总分检查已跳过".into();
    let out = render_human(&file(vec![f]), &[p3()], &opts(100));
    insta::assert_snapshot!(out);
}

#[test]
fn human_file_level_error() {
    let mut f = finding("X001", Severity::Error, None, None);
    f.title = "无法读取文件".into();
    f.message = "文件不是有效的 xlsx 工作簿（zip 结构损坏）".into();
    f.help = Some("请用 Excel 或 WPS 重新另存为 .xlsx 后再检查。".into());
    let report = FileReport {
        checked: Vec::new(),
        accepted: Vec::new(),
        path: "tests/fixtures/broken.xlsx".into(),
        forms: 0,
        findings: vec![f],
    };
    let out = render_human(&report, &[], &opts(100));
    insta::assert_snapshot!(out);
}

#[test]
fn human_path_finding_has_no_snippet() {
    let mut f = finding(
        "S002",
        Severity::Error,
        Some("贸易摩擦应对事务"),
        Some(Place::Path(
            FormPath::parse("forms[2].tables.指标[5].得分", 0).expect("path"),
        )),
    );
    f.title = "得分不得超过分值".into();
    f.message = "得分 7 超过分值 6".into();
    let report = FileReport {
        checked: Vec::new(),
        accepted: Vec::new(),
        path: "shenzhen-commerce-2020.yaml".into(),
        forms: 9,
        findings: vec![f],
    };
    let out = render_human(&report, &[], &opts(100));
    insta::assert_snapshot!(out);
}

#[test]
fn human_cell_past_the_grid_and_blank_cell() {
    // I16 is blank (偏差原因 not filled): the underline covers the empty cell.
    let mut f = finding("S010", Severity::Warning, Some("自评表"), cell("I16"));
    f.title = "扣分未说明原因".into();
    f.message = "得分低于分值时应填写偏差原因分析及改进措施".into();
    let out = render_human(&file(vec![f]), &[p3()], &opts(100));
    assert!(out.contains("I16 此处"), "{out}");
    assert!(out.contains(" 16 │"), "{out}");
    assert!(out.contains(" 10 │ 一级指标"), "{out}");
    // A cell far outside the sheet still renders, without panicking.
    let f = finding("Z001", Severity::Info, Some("自评表"), cell("AZ300"));
    let out = render_human(&file(vec![f]), &[p3()], &opts(100));
    assert!(out.contains("AZ300 此处"), "{out}");
}

#[test]
fn human_with_colour_keeps_row_numbers() {
    let o = HumanOptions {
        width: 100,
        color: true,
    };
    let out = render_human(&file(vec![score_over_weight()]), &[p3()], &o);
    assert!(out.contains("\u{1b}["), "colour codes expected");
    assert!(out.contains(" 16 │"), "{out}");
}

#[test]
fn summary_line() {
    let mut a = file(vec![
        score_over_weight(),
        finding("W1", Severity::Warning, None, None),
        finding("I1", Severity::Info, None, None),
        finding("I2", Severity::Info, None, None),
    ]);
    a.forms = 2;
    let b = file(vec![]);
    assert_eq!(
        render_summary(&[a, b.clone()]),
        "检查了 2 个文件、3 张表：1 个错误，1 个警告，2 条提示"
    );
    assert_eq!(render_summary(&[b]), "检查了 1 个文件、1 张表：未发现问题");
}

#[test]
fn json_document() {
    let yaml = FileReport {
        checked: Vec::new(),
        accepted: Vec::new(),
        path: "shenzhen-commerce-2020.yaml".into(),
        forms: 9,
        findings: vec![Finding {
            related: vec![Related {
                at: Place::Path(FormPath::parse("forms[2].tables.指标[5].分值", 0).expect("path")),
                label: "分值".into(),
            }],
            message: "得分 7 超过分值 6".into(),
            ..finding(
                "S002",
                Severity::Error,
                Some("贸易摩擦应对事务"),
                Some(Place::Path(
                    FormPath::parse("forms[2].tables.指标[5].得分", 0).expect("path"),
                )),
            )
        }],
    };
    let broken = FileReport {
        checked: Vec::new(),
        accepted: Vec::new(),
        path: "tests/fixtures/broken.xlsx".into(),
        forms: 0,
        findings: vec![finding("X001", Severity::Error, None, None)],
    };
    let mut p3_file = file(vec![score_over_weight()]);
    p3_file
        .findings
        .push(finding("T001", Severity::Info, Some("自评表"), None));
    let ruleset = Ruleset {
        name: "shenzhen-2020".into(),
        version: "1.0.0".into(),
    };
    let out = render_json(&ruleset, &[p3_file, yaml, broken]);
    let parsed: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(parsed["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(parsed["summary"]["errors"], 3);
    let out = out.replacen(
        &format!("\"version\": \"{}\"", env!("CARGO_PKG_VERSION")),
        "\"version\": \"[crate version]\"",
        1,
    );
    insta::assert_snapshot!(out);
}

#[test]
fn sort_order() {
    let order = vec!["自评表".to_string(), "第二张".to_string()];
    let mut fs = vec![
        finding("B002", Severity::Info, Some("第二张"), cell("A1")),
        finding("B001", Severity::Error, Some("自评表"), cell("H16")),
        finding("A001", Severity::Error, Some("自评表"), cell("H16")),
        finding("C001", Severity::Error, Some("自评表"), cell("A17")),
        finding("C002", Severity::Error, Some("自评表"), cell("I4")),
        finding("D001", Severity::Error, Some("自评表"), cell("G16")),
        finding("E001", Severity::Error, Some("自评表"), None),
        finding("X001", Severity::Error, None, None),
        finding("Y001", Severity::Error, Some("别的表"), cell("A1")),
        finding(
            "P010",
            Severity::Error,
            Some("第二张"),
            Some(Place::Path(
                FormPath::parse("tables.指标[10].得分", 0).expect("path"),
            )),
        ),
        finding(
            "P002",
            Severity::Error,
            Some("第二张"),
            Some(Place::Path(
                FormPath::parse("tables.指标[2].得分", 0).expect("path"),
            )),
        ),
    ];
    sort_findings(&mut fs, &order);
    let got: Vec<String> = fs
        .iter()
        .map(|f| format!("{} {}", f.code, f.location()))
        .collect();
    assert_eq!(
        got,
        [
            "X001 ",
            "E001 自评表",
            "C002 自评表!I4",
            "D001 自评表!G16",
            "A001 自评表!H16",
            "B001 自评表!H16",
            "C001 自评表!A17",
            "B002 第二张!A1",
            "P002 第二张 › forms[0].tables.指标[2].得分",
            "P010 第二张 › forms[0].tables.指标[10].得分",
            "Y001 别的表!A1",
        ]
    );
}

#[test]
fn human_total_row_far_below_header() {
    let f = Finding {
        code: "S004".into(),
        severity: Severity::Error,
        title: "总分得分应等于各项得分之和".into(),
        message: "总分得分 91.6，各项得分之和为 94.6".into(),
        sheet: Some("自评表".into()),
        at: cell("H23"),
        related: vec![Related {
            at: cell("G23").expect("G23"),
            label: "总分分值".into(),
        }],
        help: None,
    };
    let out = render_human(&file(vec![f]), &[p3()], &opts(100));
    insta::assert_snapshot!(out);
}

#[test]
fn human_tiny_widths_do_not_panic() {
    for w in [0, 1, 10, 30, 400] {
        let out = render_human(&file(vec![score_over_weight()]), &[p3()], &opts(w));
        assert!(out.contains("H16 此处"), "{out}");
    }
}
