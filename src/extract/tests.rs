//! Extraction tests over the seed forms and the hand-made fixtures in tests/fixtures/extract/.

use super::*;
use crate::form::{FieldValue, FormPath, Kind, Place};
use crate::sheet::{Cell, CellRange, CellRef, CellValue, Sheet};
use calamine::{open_workbook, Data, Reader, Xlsx};
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::str::FromStr;

/// Test-only, minimal xlsx loader: values and merges (the real reader lives in `read`).
fn load(path: &str, sheet: &str) -> Sheet {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path);
    let mut wb: Xlsx<_> = open_workbook(&path).expect("open fixture");
    let name = if sheet.is_empty() {
        wb.sheet_names()[0].clone()
    } else {
        sheet.to_string()
    };
    let range = wb.worksheet_range(&name).expect("sheet");
    let mut out = Sheet {
        name: name.clone(),
        ..Sheet::default()
    };
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, v) in range.used_cells() {
        let value = match v {
            Data::Int(i) => CellValue::Number((*i).into()),
            Data::Float(f) => CellValue::Number(Decimal::from_str(&format!("{f}")).unwrap()),
            Data::String(s) => CellValue::Text(s.clone()),
            Data::Bool(b) => CellValue::Bool(*b),
            _ => CellValue::Empty,
        };
        let cell = Cell {
            value,
            merged: None,
            formula: false,
        };
        out.set(CellRef::new(r0 + r as u32, c0 + c as u32), cell);
    }
    out.merges = wb
        .merge_cells_by_sheet_name(&name)
        .expect("merges")
        .iter()
        .map(|d| CellRange {
            start: CellRef::new(d.start.0, d.start.1),
            end: CellRef::new(d.end.0, d.end.1),
        })
        .collect();
    out.spread_merges();
    out
}

fn layout() -> Layout {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules/shenzhen-2020/layout.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    parse_layout("layout.yaml", &text).unwrap_or_else(|e| panic!("{e:?}"))
}

fn seed(prefix: &str) -> Sheet {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed");
    let file = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|n| n.starts_with(&format!("{prefix}-")))
        .unwrap();
    load(&format!("tests/fixtures/seed/{file}"), "")
}

fn form_of(sheet: &Sheet) -> (Form, Vec<Finding>) {
    match extract(sheet, &layout()) {
        Extracted::Form(f, p) => (f, p),
        other => panic!("{}: {other:?}", sheet.name),
    }
}

fn num(s: &str) -> FieldValue {
    FieldValue::Number(Decimal::from_str(s).unwrap())
}

fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.into())
}

fn at(a1: &str) -> Option<Place> {
    Some(Place::Cell(CellRef::parse(a1).unwrap()))
}

/// (value, place) of a field.
fn field(f: &Form, name: &str) -> (FieldValue, Option<Place>) {
    let x = &f.fields[name];
    (x.value.clone(), x.at.clone())
}

/// (value, place) of a table cell.
fn cell(f: &Form, table: &str, row: usize, col: &str) -> (FieldValue, Option<Place>) {
    let x = &f.tables[table].rows[row].cells[col];
    (x.value.clone(), x.at.clone())
}

#[test]
fn all_seed_forms_extract() {
    let counts = [8, 23, 12, 8, 9, 8, 8, 15, 8]; // indicator rows, as in the seed data
    for (i, n) in counts.into_iter().enumerate() {
        let p = format!("P{}", i + 1);
        let (f, findings) = form_of(&seed(&p));
        assert_eq!(f.tables["指标"].rows.len(), n, "{p}");
        assert!(findings.is_empty(), "{p}: {findings:?}");
        assert_eq!(f.tables["资金"].rows.len(), 4, "{p}");
        assert!(!f.tables["指标"].rows.is_empty(), "{p}");
        assert_eq!(f.fields.len(), layout().schema().fields.len(), "{p}");
        for row in &f.tables["指标"].rows {
            assert_eq!(row.cells.len(), 9, "{p}");
        }
        assert_eq!(f.fields["主管部门"].value, text("深圳市商务局"), "{p}");
    }
}

#[test]
fn p1_import_template() {
    let (f, _) = form_of(&seed("P1"));
    assert_eq!(field(&f, "项目名称"), (text("办公设备采购"), at("B3")));
    assert_eq!(field(&f, "项目金额"), (FieldValue::Blank, at("G3")));
    assert_eq!(field(&f, "实施单位"), (FieldValue::Blank, at("G4")));
    assert_eq!(field(&f, "资金单位"), (text("万元"), at("A5")));
    assert_eq!(field(&f, "实际完成情况").1, at("F11"));
    assert_eq!(field(&f, "总分分值"), (num("100"), at("G21")));
    assert_eq!(field(&f, "总分得分"), (num("100"), at("H21")));
    let ind = &f.tables["指标"];
    assert_eq!(ind.rows.len(), 8);
    assert_eq!(ind.at, at("B12"));
    assert_eq!(
        cell(&f, "指标", 0, "一级指标"),
        (text("产出指标"), at("B13"))
    );
    assert_eq!(cell(&f, "指标", 0, "一级权重"), (num("50"), at("B13")));
    // merged down: every row of the group carries the label, placed at the merged cell
    assert_eq!(
        cell(&f, "指标", 2, "一级指标"),
        (text("产出指标"), at("B13"))
    );
    assert_eq!(cell(&f, "指标", 4, "一级权重"), (num("40"), at("B17")));
    assert_eq!(cell(&f, "指标", 0, "分值"), (num("15"), at("G13")));
    assert_eq!(cell(&f, "指标", 0, "年度指标值"), (text("=9台"), at("E13")));
    assert_eq!(ind.rows[0].line, Some(12));
    let funds = &f.tables["资金"];
    assert_eq!(
        cell(&f, "资金", 1, "名称"),
        (text("当年财政拨款"), at("B7"))
    );
    assert_eq!(cell(&f, "资金", 0, "执行率"), (num("1"), at("H6")));
    assert_eq!(
        cell(&f, "资金", 3, "年初预算数"),
        (FieldValue::Blank, at("D9"))
    );
    assert_eq!(cell(&f, "资金", 3, "全年执行数"), (num("55871"), at("F9")));
    assert_eq!(funds.rows[3].line, Some(8));
}

#[test]
fn p3_published_layout() {
    let (f, _) = form_of(&seed("P3"));
    assert_eq!(f.tables["指标"].rows.len(), 12);
    assert_eq!(field(&f, "资金单位"), (text("元"), at("A3")));
    assert_eq!(field(&f, "项目金额"), (num("230000"), at("G1")));
    assert_eq!(
        cell(&f, "指标", 9, "三级指标"),
        (text("促进我市对外贸易稳定发展"), at("D20"))
    );
    assert_eq!(
        cell(&f, "指标", 6, "实际完成值"),
        (text("82694.30"), at("F17"))
    );
    assert_eq!(
        cell(&f, "指标", 5, "偏差原因"),
        (FieldValue::Blank, at("I16"))
    );
    assert_eq!(
        cell(&f, "指标", 0, "一级权重"),
        (FieldValue::Blank, at("B11"))
    );
    assert_eq!(
        cell(&f, "指标", 1, "二级指标"),
        (text("数量指标"), at("C11"))
    );
    // a dash in a number cell is "not applicable"
    assert_eq!(cell(&f, "资金", 1, "分值"), (FieldValue::Blank, at("G5")));
    assert_eq!(cell(&f, "资金", 0, "得分"), (num("3.6"), at("I4")));
}

#[test]
fn p8_p9_blanks() {
    let (f, _) = form_of(&seed("P8"));
    assert_eq!(field(&f, "总分分值"), (FieldValue::Blank, at("G26")));
    assert_eq!(field(&f, "总分得分"), (FieldValue::Blank, at("H26")));
    assert_eq!(f.tables["指标"].rows.len(), 15);
    let (f, _) = form_of(&seed("P9"));
    assert_eq!(
        cell(&f, "指标", 3, "二级指标"),
        (FieldValue::Blank, at("C14"))
    );
    assert_eq!(
        cell(&f, "指标", 3, "一级指标"),
        (text("产出指标"), at("B11"))
    );
    let (f, _) = form_of(&seed("P2"));
    assert_eq!(field(&f, "预期目标"), (FieldValue::Blank, at("B9")));
}

const CASES: &str = "tests/fixtures/extract/extract-cases.xlsx";

#[test]
fn rows_added_and_text_problems() {
    let (f, findings) = form_of(&load(CASES, "增行"));
    let ind = &f.tables["指标"];
    assert_eq!(ind.rows.len(), 11);
    assert_eq!(field(&f, "项目金额"), (num("1330000.00"), at("G3")));
    // the 得分 filed as words
    let bad = ind
        .rows
        .iter()
        .find(|r| r.cells["得分"].value == FieldValue::Invalid("暂缓举办".into()))
        .expect("invalid 得分");
    let place = bad.cells["得分"].at.clone();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].code, crate::codes::TEXT_IN_NUMBER.code);
    assert_eq!(findings[0].at, place);
    assert_eq!(findings[0].message, "得分应为数字，实际填写“暂缓举办”");
    assert_eq!(findings[0].sheet.as_deref(), Some("增行"));
    let last = ind.rows.last().unwrap();
    assert_eq!(
        field(&f, "总分分值").1.unwrap().to_string(),
        format!("G{}", last.line.unwrap() + 2)
    );
}

#[test]
fn blank_rows_inside_the_table_are_skipped() {
    let mut sheet = load(CASES, "减行");
    // insert a blank sheet row 13 (zero-based 12), shifting rows and merges below it
    sheet.rows.insert(12, Vec::new());
    for m in &mut sheet.merges {
        if m.start.row >= 12 {
            m.start.row += 1;
        }
        if m.end.row >= 12 {
            m.end.row += 1;
        }
    }
    sheet
        .rows
        .iter_mut()
        .flatten()
        .for_each(|c| c.merged = None);
    sheet.spread_merges();
    let (f, _) = form_of(&sheet);
    let lines: Vec<_> = f.tables["指标"].rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![Some(10), Some(11), Some(13)]);
    assert_eq!(field(&f, "总分分值").1, at("G15"));
}

#[test]
fn rows_removed() {
    let (f, findings) = form_of(&load(CASES, "减行"));
    assert!(findings.is_empty());
    assert_eq!(f.tables["指标"].rows.len(), 3);
    assert_eq!(field(&f, "总分分值"), (num("100"), at("G14")));
    assert_eq!(
        cell(&f, "指标", 2, "一级指标"),
        (text("效益指标"), at("B13"))
    );
}

#[test]
fn not_a_form_and_incomplete() {
    assert_eq!(
        extract(&load(CASES, "说明"), &layout()),
        Extracted::NotAForm
    );
    assert_eq!(extract(&Sheet::default(), &layout()), Extracted::NotAForm);
    match extract(&load(CASES, "缺表头"), &layout()) {
        Extracted::Incomplete(m) => assert_eq!(m, vec!["年度指标值".to_string()]),
        other => panic!("{other:?}"),
    }
    // the whole indicator header row gone: half the form labels remain
    let mut sheet = load(CASES, "减行");
    for c in 1..9 {
        sheet.set(CellRef::new(9, c), Cell::empty());
    }
    match extract(&sheet, &layout()) {
        Extracted::Incomplete(m) => {
            assert!(
                m.starts_with(&["一级指标".to_string(), "三级指标".to_string()]),
                "{m:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    let f = incomplete_finding("缺表头", "自评表", &["年度指标值".into()], None);
    assert_eq!(f.code, crate::codes::INCOMPLETE.code);
    assert!(f.message.contains("年度指标值"));
    assert_eq!(
        not_a_form_finding("说明", "自评表").code,
        crate::codes::NOT_A_FORM.code
    );
}

#[test]
fn schema_lists_derived_columns() {
    let s = layout().schema();
    assert_eq!(s.fields["项目金额"], Kind::Money);
    assert_eq!(s.fields["资金单位"], Kind::Text);
    assert_eq!(s.tables["指标"]["一级权重"], Kind::Number);
    assert_eq!(s.tables["指标"]["偏差原因"], Kind::Text);
    assert_eq!(s.tables["资金"]["名称"], Kind::Text);
    assert_eq!(s.tables["资金"]["全年执行数"], Kind::Money);
    assert_eq!(s.tables["资金"].len(), 7);
    assert_eq!(s.tables["指标"].len(), 9);
}

#[test]
fn layout_errors_point_into_the_file() {
    let bad = "form:\n  labels: [项目名称]\nfields:\n  总分: { label: 总分, value: column, table: 指表, column: 分值 }\ntables:\n  指标:\n    columns:\n      分值: { header: 分值 }\n";
    let e = parse_layout("bad.yaml", bad).unwrap_err();
    assert!(e.message.contains("指表"), "{}", e.message);
    let span = e.span.unwrap();
    assert_eq!(&bad[span.start..span.end], "指表");
    assert!(e.help.as_deref().unwrap_or("").contains("指标"));

    let bad = "form:\n  labels: [项目名称]\nfields:\n  x: { label: a, value: lefft }\n";
    let e = parse_layout("bad.yaml", bad).unwrap_err();
    assert!(e.span.is_some(), "{e:?}");
    assert!(e.span.unwrap().start >= bad.find("lefft").unwrap() - 8);

    let bad = "form:\n  labels: [项目名称]\n  extra: 1\n";
    assert!(parse_layout("bad.yaml", bad).is_err());
    let bad = "form:\n  labels: [项目名称]\ntables:\n  t:\n    columns: { a: { header: a, weight: a } }\n";
    assert!(parse_layout("bad.yaml", bad).is_err());

    // `or` only beside right/below, and only right or below
    let bad = "form:\n  labels: [项目名称]\nfields:\n  x: { label: a, value: suffix, or: right }\n";
    let e = parse_layout("bad.yaml", bad).unwrap_err();
    assert!(e.message.contains("or 只用于"), "{}", e.message);
    assert_eq!(&bad[e.span.unwrap().start..][..5], "right");
    // money_unit names a field
    let bad = "form:\n  labels: [项目名称]\nmoney_unit: 资金单元\nfields:\n  资金单位: { label: 项目资金, value: suffix }\n";
    let e = parse_layout("bad.yaml", bad).unwrap_err();
    assert!(e.message.contains("没有字段“资金单元”"), "{}", e.message);
    assert!(
        e.help.as_deref().unwrap_or("").contains("资金单位"),
        "{e:?}"
    );
}

const CANONICAL: &str = r#"
formlint: 1
forms:
  - name: P1-办公设备采购
    fields: { 项目名称: 办公设备采购, 项目金额: 56000, 资金单位: 元, 总分分值: 100, 总分得分: "—" }
    tables:
      资金:
        - { 名称: 年度资金总额, 年初预算数: 56000, 全年预算数: "56,000.00", 全年执行数: 55871, 分值: 10, 执行率: 1.00, 得分: 10 }
        - { 名称: "其中：当年财政拨款", 年初预算数: 56000 }
      指标:
        - { 一级指标: "产出指标（50分）", 二级指标: 数量指标, 三级指标: 采购办公设备数量, 年度指标值: "=9台", 实际完成值: 9, 分值: 15, 得分: 暂缓举办 }
        - { 一级指标: 效益指标, 一级权重: 40, 实际完成值: 82694.30, 分值: ~ }
"#;

#[test]
fn reads_canonical_yaml() {
    let forms = read_canonical(CANONICAL, &layout()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(forms.len(), 1);
    let (f, findings) = &forms[0];
    let path = |p: &str| Some(Place::Path(FormPath::parse(p, 0).expect("path")));
    assert_eq!(f.sheet, "P1-办公设备采购");
    assert_eq!(
        field(f, "项目金额"),
        (num("56000"), path("forms[0].fields.项目金额"))
    );
    assert_eq!(field(f, "总分得分").0, FieldValue::Blank);
    assert_eq!(
        field(f, "实施单位"),
        (FieldValue::Blank, path("forms[0].fields.实施单位"))
    );
    assert_eq!(f.fields.len(), layout().schema().fields.len());
    assert_eq!(cell(f, "资金", 0, "全年预算数").0, num("56000"));
    assert_eq!(cell(f, "资金", 0, "执行率").0, num("1"));
    assert_eq!(cell(f, "资金", 1, "名称").0, text("当年财政拨款"));
    assert_eq!(cell(f, "资金", 1, "全年执行数").0, FieldValue::Blank);
    assert_eq!(cell(f, "指标", 0, "一级指标").0, text("产出指标"));
    assert_eq!(cell(f, "指标", 0, "一级权重").0, num("50"));
    assert_eq!(cell(f, "指标", 0, "实际完成值").0, text("9"));
    assert_eq!(
        cell(f, "指标", 1, "一级权重"),
        (num("40"), path("forms[0].tables.指标[1].一级权重"))
    );
    assert_eq!(cell(f, "指标", 1, "实际完成值").0, text("82694.3"));
    assert_eq!(cell(f, "指标", 1, "分值").0, FieldValue::Blank);
    assert_eq!(
        f.tables["指标"].rows[1].line,
        Some(1),
        "position in the list orders YAML rows"
    );
    assert_eq!(f.tables["指标"].rows[0].cells.len(), 9);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].code, crate::codes::TEXT_IN_NUMBER.code);
    assert_eq!(findings[0].at, path("forms[0].tables.指标[0].得分"));
    assert_eq!(findings[0].sheet.as_deref(), Some("P1-办公设备采购"));
}

#[test]
fn canonical_money_written_with_a_unit_is_read_in_the_forms_unit() {
    let mut l = layout();
    let mut units = crate::value::Units::new();
    units.add_unit("元");
    units.add_unit("万元");
    units.add_scale("万元", Decimal::from(10_000), "元");
    l.set_units(units);
    let doc = |unit: &str| {
        format!("formlint: 1\nforms:\n  - name: P\n    fields: {{ 项目金额: 5.6万元{unit} }}\n    tables:\n      资金: [ {{ 名称: 年度资金总额, 年初预算数: \"56,000.00元\" }} ]\n")
    };
    let forms = read_canonical(&doc(", 资金单位: 元"), &l).unwrap_or_else(|e| panic!("{e:?}"));
    let (f, findings) = &forms[0];
    assert_eq!(field(f, "项目金额").0, num("56000"));
    assert_eq!(cell(f, "资金", 0, "年初预算数").0, num("56000"));
    assert!(findings.is_empty(), "{findings:?}");
    // a form that states no funds unit cannot convert: X006, as for any other text
    let forms = read_canonical(&doc(""), &l).unwrap_or_else(|e| panic!("{e:?}"));
    let (f, findings) = &forms[0];
    assert_eq!(
        field(f, "项目金额").0,
        FieldValue::Invalid("5.6万元".into())
    );
    assert_eq!(findings.len(), 2, "{findings:?}");
}

#[test]
fn reads_canonical_json() {
    let json = r#"{"formlint": 1, "forms": [{"name": "J", "fields": {"项目金额": "1,330,000.00", "项目名称": "x"},
        "tables": {"指标": [{"一级指标": "产出指标", "分值": 15.5, "得分": null}]}}]}"#;
    let forms = read_canonical(json, &layout()).unwrap_or_else(|e| panic!("{e:?}"));
    let (f, findings) = &forms[0];
    assert!(findings.is_empty());
    assert_eq!(field(f, "项目金额").0, num("1330000.00"));
    assert_eq!(cell(f, "指标", 0, "分值").0, num("15.5"));
    assert_eq!(cell(f, "指标", 0, "得分").0, FieldValue::Blank);
    assert!(f.tables["资金"].rows.is_empty());
}

#[test]
fn canonical_errors_name_the_problem() {
    let lay = layout();
    let unknown_col = CANONICAL.replace("得分: 暂缓举办", "得份: 5");
    let e = read_canonical(&unknown_col, &lay).unwrap_err();
    assert!(e.message.contains("得份"), "{}", e.message);
    assert!(e.help.as_deref().unwrap_or("").contains("得分"));
    let span = e.span.unwrap();
    assert_eq!(&unknown_col[span.start..span.end], "得份");

    let unknown_field = CANONICAL.replace("项目名称: 办公", "项目名: 办公");
    let e = read_canonical(&unknown_field, &lay).unwrap_err();
    assert!(
        e.help.as_deref().unwrap_or("").contains("项目名称"),
        "{e:?}"
    );

    let unknown_table = CANONICAL.replace("      指标:", "      指表:");
    assert!(read_canonical(&unknown_table, &lay)
        .unwrap_err()
        .message
        .contains("指表"));

    let bad_key = CANONICAL.replace("其中：当年财政拨款", "当年拨款");
    assert!(read_canonical(&bad_key, &lay)
        .unwrap_err()
        .message
        .contains("当年拨款"));

    let version = CANONICAL.replace("formlint: 1", "formlint: 2");
    assert!(read_canonical(&version, &lay)
        .unwrap_err()
        .message
        .contains("版本"));

    let nested = CANONICAL.replace("项目金额: 56000", "项目金额: { a: 1 }");
    let e = read_canonical(&nested, &lay).unwrap_err();
    assert!(e.span.is_some(), "{e:?}");
}

/// The layout index and the first form of what `extract_any` found.
fn first((i, mut found): (usize, Vec<(Extracted, Option<CellRef>)>)) -> (usize, Extracted) {
    (i, found.remove(0).0)
}

fn layout_of(pack: &str) -> Layout {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("rules/{pack}/layout.yaml"));
    let text = std::fs::read_to_string(path).unwrap();
    parse_layout("layout.yaml", &text).unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn each_sheet_goes_to_the_layout_it_fits_best() {
    let (selfs, decls) = (layout_of("shenzhen-2020"), layout_of("target-2020"));
    let both = [&selfs, &decls];
    let declaration = load(
        "tests/fixtures/declarations/P2-WTO事务系列服务体系-申报表.xlsx",
        "",
    );
    let (i, got) = first(extract_any(&declaration, &both));
    assert_eq!(i, 1);
    assert!(matches!(got, Extracted::Form(..)));
    // in either order: the fit decides, not the order of the packs
    assert_eq!(extract_any(&declaration, &[&decls, &selfs]).0, 0);
    for prefix in ["P1", "P3"] {
        let (i, got) = first(extract_any(&seed(prefix), &both));
        assert_eq!(i, 0, "{prefix}");
        assert!(matches!(got, Extracted::Form(..)), "{prefix}");
    }
    // a note that only names the declaration is not its title
    let mut noted = seed("P3");
    noted.set(
        CellRef::new(0, 10),
        Cell {
            value: CellValue::Text("指标按项目支出绩效目标申报表填写".into()),
            merged: None,
            formula: false,
        },
    );
    assert_eq!(extract_any(&noted, &both).0, 0);
    // a titled sheet missing the declaration's labels is an incomplete declaration, not skipped
    let mut titled = Sheet::default();
    titled.set(
        CellRef::new(0, 0),
        Cell {
            value: CellValue::Text("2020年度项目支出绩效目标申报表".into()),
            merged: None,
            formula: false,
        },
    );
    let (i, got) = first(extract_any(&titled, &both));
    assert_eq!(i, 1);
    assert!(matches!(got, Extracted::Incomplete(_)), "{got:?}");
}
