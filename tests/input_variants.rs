//! Submissions as real bureaus send them, made from the seed forms by scripts/make-variants.py
//! (openpyxl): forms stacked on one sheet, comparators written in words, the goal block as
//! label-and-value rows, amounts typed with their unit. Each gives the findings of the plain
//! form, at the same cells; what cannot be read with confidence is X005 at its cell.

use crate::common;
use common::formlint;
use serde_json::Value;

/// The JSON report of checking `path`; stderr must be quiet.
fn report(path: &str) -> Value {
    let (_, stdout, stderr) = formlint(&["check", path, "--format", "json", "--no-progress"]);
    assert!(stderr.is_empty(), "{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

/// Each finding as `[code, severity, cell]`, in report order.
fn cells(doc: &Value) -> Vec<[String; 3]> {
    common::json_fields(&doc.to_string(), &["code", "severity", "cell"])
        .into_iter()
        .map(|f| <[String; 3]>::try_from(f).expect("three fields"))
        .collect()
}

/// The first finding of `code` in the report, at `cell` when one is given.
fn finding<'d>(doc: &'d Value, code: &str, cell: Option<&str>) -> &'d Value {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["code"] == code && cell.is_none_or(|c| f["cell"] == c))
        .unwrap_or_else(|| panic!("no {code} at {cell:?}"))
}

/// `B16` moved down `rows` rows: `B81`.
fn shifted(cell: &str, rows: u32) -> String {
    let split = cell.find(|c: char| c.is_ascii_digit()).expect("a row");
    let (col, row) = cell.split_at(split);
    format!("{col}{}", row.parse::<u32>().expect("row") + rows)
}

fn seed(name: &str) -> String {
    format!("tests/fixtures/seed/{name}")
}

#[test]
fn nine_stacked_forms_give_each_forms_findings_at_its_own_rows() {
    let stacked = report("tests/fixtures/stacked/自评表汇编.xlsx");
    let offsets =
        std::fs::read_to_string(common::root().join("tests/fixtures/stacked/offsets.txt"))
            .expect("offsets.txt");
    let mut expected = Vec::new();
    let mut projects = Vec::new();
    for line in offsets.lines() {
        let (name, offset) = line.split_once('\t').expect("name<TAB>offset");
        let offset: u32 = offset.parse().expect("offset");
        let plain = report(&seed(name));
        projects.push(plain["files"][0]["forms_checked"][0]["project"].clone());
        for [code, severity, cell] in cells(&plain) {
            assert!(!cell.is_empty(), "{name}: a finding without a cell");
            expected.push([code, severity, shifted(&cell, offset)]);
        }
    }
    let row = |c: &[String; 3]| {
        c[2][1..]
            .trim_start_matches(char::is_alphabetic)
            .parse::<u32>()
            .unwrap_or(0)
    };
    let mut got = cells(&stacked);
    got.sort_by_key(|c| (row(c), c.clone()));
    expected.sort_by_key(|c| (row(c), c.clone()));
    assert_eq!(got, expected);
    // each form under its own 项目名称, all on the one sheet
    let checked = stacked["files"][0]["forms_checked"]
        .as_array()
        .expect("forms_checked");
    assert_eq!(checked.len(), 9);
    let names: Vec<Value> = checked.iter().map(|c| c["project"].clone()).collect();
    assert_eq!(names, projects);
    assert!(checked.iter().all(|c| c["sheet"] == "2020年度自评表"));
    assert_eq!(stacked["files"][0]["forms"], 9);
}

#[test]
fn comparators_written_in_words_give_the_findings_of_their_symbols() {
    let dir = common::root().join("tests/fixtures/comparator-words");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("comparator-words")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files.len(), 9, "{files:?}");
    for file in &files {
        let id = file.split('-').next().expect("P1");
        let plain = std::fs::read_dir(common::root().join("tests/fixtures/seed"))
            .expect("seed")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with(&format!("{id}-")))
            .expect("the plain form");
        let worded = report(&format!("tests/fixtures/comparator-words/{file}"));
        assert_eq!(cells(&worded), cells(&report(&seed(&plain))), "{file}");
    }
    // a finding that needs the bound read: P8's ≤15万元 is written 5万元以内-style in words
    let p8 = report("tests/fixtures/comparator-words/P8-比较词.xlsx");
    let s005 = finding(&p8, "S005", Some("H19"));
    let message = s005["message"].as_str().expect("message");
    assert!(
        ["以内", "不超过", "不高于", "以下"]
            .iter()
            .any(|w| message.contains(w)),
        "the message quotes the target as written: {message}"
    );
}

#[test]
fn a_goal_block_as_label_and_value_rows_reads_the_text_right_of_each_label() {
    let plain = cells(&report(&seed("P3-贸易摩擦应对事务.xlsx")));
    let rows = cells(&report("tests/fixtures/label-variants/P3-目标两行.xlsx"));
    assert_eq!(rows, plain);
    // left blank, the goal is reported at its own cell (it used to take the label under it)
    let blank = report("tests/fixtures/label-variants/P3-目标两行-未填.xlsx");
    let mut expected = vec![["R001".to_string(), "error".to_string(), "C8".to_string()]];
    expected.extend(plain);
    assert_eq!(cells(&blank), expected);
    assert!(blank["findings"][0]["message"]
        .as_str()
        .expect("message")
        .contains("预期目标未填写"));
}

#[test]
fn amounts_typed_with_their_unit_are_read_in_the_forms_funds_unit() {
    // 23万元 in a form kept in 元 is 230000; 8.26943万元 is 82694.30; 230,000.00元 is 230000
    let plain = cells(&report(&seed("P3-贸易摩擦应对事务.xlsx")));
    let units = report("tests/fixtures/label-variants/P3-金额带单位.xlsx");
    assert_eq!(cells(&units), plain);
    assert!(!cells(&units).iter().any(|c| c[0] == "X006"));
}

#[test]
fn a_header_that_half_matches_is_reported_and_its_column_not_read() {
    let doc = report("tests/fixtures/label-variants/P3-表头部分相符.xlsx");
    let found = cells(&doc);
    let x005 = finding(&doc, "X005", None);
    assert_eq!(x005["cell"], "I10");
    let message = x005["message"].as_str().expect("message");
    assert!(
        message.contains("偏差原因及措施") && message.contains("只部分相符"),
        "{message}"
    );
    // the reason rule still fires, each finding at a cell of its row (never nowhere)
    let s002: Vec<&String> = found
        .iter()
        .filter(|c| c[0] == "S002")
        .map(|c| &c[2])
        .collect();
    assert_eq!(s002, ["G16", "G17"]);
    assert!(found.iter().all(|c| !c[2].is_empty()), "{found:?}");
}

#[test]
fn a_value_cell_holding_another_label_is_x005_not_the_value() {
    let doc = report("tests/fixtures/label-variants/P3-标签错位.xlsx");
    let first = &doc["findings"][0];
    assert_eq!(first["code"], "X005");
    assert_eq!(first["cell"], "A1");
    assert_eq!(
        first["message"],
        "无法确定“项目名称”的值：B1 是另一个标签“项目金额”，未读取"
    );
    // the project name is not taken to be 项目金额, nor reported blank
    assert_eq!(doc["files"][0]["forms_checked"][0]["project"], Value::Null);
    assert!(
        !cells(&doc).iter().any(|c| c[0] == "R001"),
        "{:?}",
        cells(&doc)
    );
}

#[test]
fn an_incomplete_form_in_a_stack_is_x005_at_its_first_label_and_the_others_are_checked() {
    let doc = report("tests/fixtures/stacked/第二张缺表头.xlsx");
    let x005 = finding(&doc, "X005", None);
    assert_eq!(x005["cell"], "A27");
    assert_eq!(
        x005["message"],
        "工作表“2020年度自评表”中自 A27 起的一张表像是自评表，但找不到：三级指标"
    );
    // P3, the first form, is checked as when filed alone (one title row above it)
    let p3: Vec<[String; 3]> = cells(&report(&seed("P3-贸易摩擦应对事务.xlsx")))
        .into_iter()
        .map(|[c, s, cell]| [c, s, shifted(&cell, 1)])
        .collect();
    let got: Vec<[String; 3]> = cells(&doc).into_iter().filter(|c| c[0] != "X005").collect();
    assert_eq!(got, p3);
    assert_eq!(doc["files"][0]["forms"], 2);
}

#[test]
fn a_required_header_cut_short_is_named_beside_the_missing_one() {
    let doc = report("tests/fixtures/label-variants/P3-表头缺字.xlsx");
    assert_eq!(
        cells(&doc),
        [["X005".to_string(), "error".to_string(), String::new()]]
    );
    assert_eq!(
        doc["findings"][0]["message"],
        "工作表“自评表”像是自评表，但找不到：年度指标值（E10 的“指标值”只部分相符）"
    );
}
