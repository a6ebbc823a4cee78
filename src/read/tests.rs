//! Read-stage tests on the seed forms and the small fixtures in `tests/fixtures/read/`
//! (regenerate those with `tests/fixtures/read/make_fixtures.py`).

use super::*;
use crate::sheet::{CellRange, CellRef, CellValue, Date, Sheet};
use rust_decimal::Decimal;
use std::str::FromStr;

fn fixture(rel: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn xlsx(rel: &str) -> Workbook {
    read_xlsx(&fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn at(a1: &str) -> CellRef {
    CellRef::parse(a1).unwrap()
}

fn value<'a>(sheet: &'a Sheet, a1: &str) -> &'a CellValue {
    sheet.value(at(a1))
}

fn num(s: &str) -> CellValue {
    CellValue::Number(Decimal::from_str(s).unwrap())
}

fn text(s: &str) -> CellValue {
    CellValue::Text(s.to_string())
}

#[test]
fn format_by_extension() {
    assert_eq!(format_of("P1-办公设备采购.xlsx"), Some(Format::Xlsx));
    assert_eq!(format_of("a/b/FORM.XLSM"), Some(Format::Xlsx));
    assert_eq!(format_of("表.Csv"), Some(Format::Csv));
    assert_eq!(format_of("old.xls"), Some(Format::Xls));
    assert_eq!(format_of("wps.ET"), Some(Format::Xls));
    assert_eq!(format_of("form.ods"), Some(Format::Ods));
    assert_eq!(format_of("form.xlsb"), Some(Format::Xlsb));
    assert_eq!(format_of("xlsx"), None);
    assert_eq!(format_of("notes.txt"), None);
}

#[test]
fn seed_p1_values_formulas_and_merges() {
    let wb = xlsx("seed/P1-办公设备采购.xlsx");
    assert_eq!(wb.sheets.len(), 1);
    let s = &wb.sheets[0];
    assert_eq!(s.name, "自评表");

    // G21 =SUM(G13:G20)+G6 with cached 100.
    assert_eq!(value(s, "G21"), &num("100"));
    assert!(s.cell(at("G21")).unwrap().formula);
    assert!(s.cell(at("H6")).unwrap().formula);
    // Text that merely starts with '=' is not a formula.
    assert_eq!(value(s, "E13"), &text("=9台"));
    assert!(!s.cell(at("E13")).unwrap().formula);
    assert!(!s.cell(at("D6")).unwrap().formula);

    assert_eq!(value(s, "D6"), &num("56000"));
    assert_eq!(value(s, "A1"), &text("项目支出绩效自评表"));
    assert_eq!(value(s, "A5"), &text("项目资金\n（万元）"));

    // Merged B13:B16 gives its value to every cell and each cell knows the region.
    let b13_b16 = CellRange {
        start: at("B13"),
        end: at("B16"),
    };
    assert!(s.merges.contains(&b13_b16));
    assert_eq!(s.merges.len(), 26);
    for a1 in ["B13", "B14", "B16"] {
        assert_eq!(value(s, a1), &text("产出指标（50分）"), "{a1}");
        assert_eq!(s.cell(at(a1)).unwrap().merged, Some(b13_b16), "{a1}");
    }
    assert_eq!(s.cell(at("C13")).unwrap().merged, None);
    // Blank cells and cells past the grid read as Empty.
    assert_eq!(value(s, "I16"), &CellValue::Empty);
    assert_eq!(value(s, "Z99"), &CellValue::Empty);
}

#[test]
fn seed_p3_money_is_exact() {
    let wb = xlsx("seed/P3-贸易摩擦应对事务.xlsx");
    let CellValue::Number(d) = value(&wb.sheets[0], "F4") else {
        panic!("F4 not a number: {:?}", value(&wb.sheets[0], "F4"));
    };
    assert_eq!(d.to_string(), "82694.3");
}

#[test]
fn seed_workbook_has_nine_sheets_in_order() {
    let wb = xlsx("seed-workbook.xlsx");
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), 9);
    assert_eq!(names[0], "P1-办公设备采购");
    assert_eq!(names[2], "P3-贸易摩擦应对事务");
    assert_eq!(names[8], "P9-预算准备金");
    assert_eq!(value(&wb.sheets[0], "G21"), &num("100"));
}

#[test]
fn every_seed_form_reads() {
    for i in 1..=9 {
        let dir = format!("{}/tests/fixtures/seed", env!("CARGO_MANIFEST_DIR"));
        let entry = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .find(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("P{i}-"))
            })
            .unwrap();
        let bytes = std::fs::read(entry.path()).unwrap();
        let wb = read_xlsx(&bytes).unwrap();
        let s = &wb.sheets[0];
        assert!(s.height() >= 19, "P{i}: {} rows", s.height());
        assert_eq!(s.width(), 9, "P{i}");
        let names_project = (0..5).any(|r| s.value(CellRef::new(r, 0)) == &text("项目名称"));
        assert!(names_project, "P{i}: no 项目名称 in A1:A5");
    }
}

#[test]
fn used_range_offset_keeps_absolute_addresses() {
    let wb = xlsx("read/offset.xlsx");
    let names: Vec<&str> = wb.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["偏移", "第二页"]);
    let s = &wb.sheets[0];
    assert_eq!(value(s, "C3"), &text("项目名称"));
    assert_eq!(value(s, "D3"), &num("82694.3"));
    assert_eq!(value(s, "A1"), &CellValue::Empty);
    assert_eq!(value(s, "C4"), &num("165388.6"));
    assert!(s.cell(at("C4")).unwrap().formula);
    // Text is kept exactly, spaces included.
    assert_eq!(value(s, "E5"), &text("  带空格  "));
    // Merged C6:D7 in absolute coordinates.
    let c6_d7 = CellRange {
        start: at("C6"),
        end: at("D7"),
    };
    assert_eq!(s.merges, vec![c6_d7]);
    assert_eq!(value(s, "D7"), &text("合并"));
    assert_eq!(s.cell(at("D7")).unwrap().merged, Some(c6_d7));
    // A formula whose cached result is an empty string: Empty, but still a formula.
    let f8 = s.cell(at("F8")).unwrap();
    assert_eq!(f8.value, CellValue::Empty);
    assert!(f8.formula);
    assert_eq!(value(&wb.sheets[1], "A1"), &text("第二页内容"));
}

#[test]
fn number_formats_give_percents_and_dates() {
    let wb = xlsx("read/formats.xlsx");
    let s = &wb.sheets[0];
    let pct = |v: &str| CellValue::Percent(Decimal::from_str(v).unwrap());
    assert_eq!(value(s, "A1"), &pct("0.96"));
    assert_eq!(value(s, "A1").display(), "96%");
    assert_eq!(value(s, "A2"), &pct("0.9612"));
    assert_eq!(value(s, "A3"), &pct("0.955"));
    let date = |year, month, day| CellValue::Date(Date { year, month, day });
    assert_eq!(value(s, "A4"), &date(2020, 8, 31));
    assert_eq!(value(s, "A5"), &date(2020, 12, 1));
    assert_eq!(value(s, "A6"), &num("1234.5"));
    assert_eq!(value(s, "A7"), &text("96%"));
    assert_eq!(value(s, "A8"), &CellValue::Bool(true));
    assert_eq!(value(s, "A9"), &CellValue::Error("#DIV/0!".into()));
    assert!(s.cell(at("A9")).unwrap().formula);
    assert_eq!(value(s, "A10"), &text("12:00:00"));
    assert_eq!(value(s, "A11"), &num("1.5"));
    assert_eq!(value(s, "A12"), &num("12"));
}

#[test]
fn garbage_is_corrupt() {
    for rel in ["read/corrupt.xlsx", "read/truncated.xlsx"] {
        let err = read_xlsx(&fixture(rel)).unwrap_err();
        assert!(matches!(err, ReadError::Corrupt(_)), "{rel}: {err:?}");
        assert!(err.to_string().starts_with("无法读取工作簿："), "{err}");
    }
    assert!(matches!(read_xlsx(b""), Err(ReadError::Corrupt(_))));
    assert!(matches!(read_xlsx(b"PK"), Err(ReadError::Corrupt(_))));
}

#[test]
fn encrypted_compound_file_is_reported() {
    let bytes = fixture("read/encrypted.xlsx");
    let err = read_xlsx(&bytes).unwrap_err();
    assert!(matches!(err, ReadError::Encrypted), "{err:?}");
    assert!(err.to_string().contains("加密"), "{err}");
    // The fixture is a well-formed compound file: calamine's own check agrees.
    let calamine_says = calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(
        std::io::Cursor::new(bytes.as_slice()),
    );
    assert!(matches!(calamine_says, Err(calamine::XlsxError::Password)));

    let legacy = read_xlsx(&fixture("read/legacy-xls.xlsx")).unwrap_err();
    assert!(matches!(legacy, ReadError::Unsupported(_)), "{legacy:?}");
    assert!(legacy.to_string().contains(".xls"), "{legacy}");

    let junk = read_xlsx(&fixture("read/cfb-junk.xlsx")).unwrap_err();
    assert!(
        matches!(junk, ReadError::Encrypted | ReadError::Corrupt(_)),
        "{junk:?}"
    );
}

#[test]
fn damaged_seed_bytes_never_panic() {
    let good = fixture("seed/P1-办公设备采购.xlsx");
    // Truncations at many lengths.
    for len in (0..good.len()).step_by(97) {
        let _ = read_xlsx(&good[..len]);
    }
    // Byte flips spread over the file (a tiny deterministic LCG, no extra crates).
    let mut seed: u64 = 0x2020_0831;
    for _ in 0..300 {
        let mut bad = good.clone();
        for _ in 0..4 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let i = (seed >> 33) as usize % bad.len();
            bad[i] ^= (seed >> 13) as u8 | 1;
        }
        let _ = read_xlsx(&bad);
    }
}

#[test]
fn far_cells_and_huge_merges_do_not_exhaust_memory() {
    let wb = xlsx("read/far-cell.xlsx");
    let s = &wb.sheets[0];
    assert_eq!(value(s, "XFD1048576"), &text("远"));
    assert_eq!(value(s, "D3"), &num("82694.3"));
    assert_eq!(s.height(), 1_048_576);

    // A merge over the whole sheet is what Excel shows (one cell); only its used part is
    // filled, so the grid stays the size of the form.
    let wb = read_xlsx(&fixture("read/huge-merge.xlsx")).unwrap();
    let s = &wb.sheets[0];
    assert_eq!(s.merges[0].to_string(), "A1:XFD1048576");
    assert!(
        s.height() < 100 && s.width() < 30,
        "{}x{}",
        s.height(),
        s.width()
    );
    assert_eq!(s.cell(at("D3")).and_then(|c| c.merged), Some(s.merges[0]));
}

#[test]
fn malformed_references_never_panic() {
    // calamine overflows on these in debug builds (caught and reported as Corrupt); release
    // builds wrap instead, which the grid budget and merge normalisation absorb.
    match read_xlsx(&fixture("read/bad-ref.xlsx")) {
        Ok(_) | Err(ReadError::Corrupt(_)) | Err(ReadError::Unsupported(_)) => {}
        Err(e) => panic!("{e:?}"),
    }
    match read_xlsx(&fixture("read/reversed-merge.xlsx")) {
        Ok(wb) => assert_eq!(wb.sheets[0].merges[0].start, at("C6")),
        Err(e) => assert!(matches!(e, ReadError::Corrupt(_)), "{e:?}"),
    }
}

#[test]
fn csv_utf8_bom_and_gbk_read_the_same() {
    for rel in ["read/utf8-bom.csv", "read/gbk.csv"] {
        let wb = read_csv(&fixture(rel), "表", None).unwrap_or_else(|e| panic!("{rel}: {e}"));
        assert_eq!(wb.sheets.len(), 1);
        let s = &wb.sheets[0];
        assert_eq!(s.name, "表");
        assert_eq!(value(s, "A1"), &text("项目名称"), "{rel}");
        assert_eq!(value(s, "B1"), &text("办公设备采购"), "{rel}");
        assert_eq!(value(s, "C2"), &text("55871"), "{rel}");
        assert_eq!(value(s, "B3"), &text("99.77%"), "{rel}");
        assert!(s.merges.is_empty());
    }
    // Explicit labels.
    let gbk = fixture("read/gbk.csv");
    for label in ["gbk", "GB18030", " gb2312 "] {
        let wb = read_csv(&gbk, "x", Some(label)).unwrap();
        assert_eq!(value(&wb.sheets[0], "A1"), &text("项目名称"), "{label}");
    }
    assert!(matches!(
        read_csv(&gbk, "x", Some("utf-8")),
        Err(ReadError::Encoding(_))
    ));
    assert!(matches!(
        read_csv(&gbk, "x", Some("no-such-encoding")),
        Err(ReadError::Encoding(_))
    ));
    // A BOM'd file read with a GBK label still decodes as UTF-8 (the BOM wins).
    let bom = read_csv(&fixture("read/utf8-bom.csv"), "x", Some("gbk")).unwrap();
    assert_eq!(value(&bom.sheets[0], "A1"), &text("项目名称"));
}

#[test]
fn csv_quotes_blank_lines_and_multiline_fields() {
    let wb = read_csv(&fixture("read/quoted.csv"), "q", None).unwrap();
    let s = &wb.sheets[0];
    assert_eq!(value(s, "A1"), &text("指标"));
    assert_eq!(value(s, "B1"), &text("完成值, 含逗号"));
    // Line 2 is blank and keeps its row.
    assert_eq!(value(s, "A2"), &CellValue::Empty);
    assert_eq!(value(s, "A3"), &text("多行\r\n说明"));
    assert_eq!(value(s, "B3"), &text("b"));
    assert_eq!(value(s, "A4"), &text("x"));
    assert_eq!(value(s, "B4"), &CellValue::Empty);
    assert_eq!(value(s, "C4"), &text("z"));
    assert_eq!(value(s, "A5"), &text(" 前后空格 "));
    assert_eq!(value(s, "B5"), &text("end"));
    assert_eq!(s.height(), 5);
}

#[test]
fn csv_edge_cases() {
    let wb = read_csv(b"", "empty", None).unwrap();
    assert_eq!(wb.sheets[0].height(), 0);
    // Ragged rows, LF endings, several blank lines, trailing blank line.
    let wb = read_csv(b"a\n\n\nb,c,d\n\n", "s", None).unwrap();
    let s = &wb.sheets[0];
    assert_eq!(value(s, "A1"), &text("a"));
    assert_eq!(value(s, "A4"), &text("b"));
    assert_eq!(value(s, "C4"), &text("d"));
    // Not UTF-8 and not GB18030 either.
    assert!(matches!(
        read_csv(&[0x81, 0x30, 0x81, 0x30, 0xFF, 0xFF], "x", None),
        Err(ReadError::Encoding(_))
    ));
}

#[test]
fn read_file_bytes_dispatches_by_content() {
    let wb = read_file_bytes("dir/P1.CSV", "a,b".as_bytes(), None).unwrap();
    assert_eq!(wb.sheets[0].name, "P1");
    let wb = read_file_bytes("P1.xlsx", &fixture("seed/P1-办公设备采购.xlsx"), None).unwrap();
    assert_eq!(wb.sheets[0].name, "自评表");
    // An empty file says nothing: the extension's reader explains.
    assert!(matches!(
        read_file_bytes("old.xls", b"", None),
        Err(ReadError::Corrupt(_))
    ));
    // The content wins over the name.
    let wb = read_file_bytes("P1.csv", &fixture("seed/P1-办公设备采购.xlsx"), None).unwrap();
    assert_eq!(wb.sheets[0].name, "自评表");
    assert!(matches!(
        read_file_bytes("x.pdf", b"", None),
        Err(ReadError::Unsupported(_))
    ));
}

#[test]
fn cell_comments_are_read_with_their_cells() {
    let book = xlsx("accept/P3-批注接受.xlsx");
    let sheet = &book.sheets[0];
    let mut got: Vec<(String, String)> = sheet
        .comments
        .iter()
        .map(|(c, t)| (c.to_string(), t.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("B2".to_string(), "请单位核实项目名称".to_string()),
            ("H17".to_string(), "formlint: 接受 S005 理由".to_string()),
            (
                "I16".to_string(),
                "审核员:\nformlint: 接受 S002 会议提前召开，扣分合理".to_string()
            ),
        ]
    );
    // comments written by `formlint annotate` next to the original ones
    let annotated = xlsx("annotate/P3-已有批注.xlsx");
    assert!(annotated.sheets.iter().any(|s| !s.comments.is_empty()));
    // a workbook without comments
    assert!(xlsx("seed/P3-贸易摩擦应对事务.xlsx").sheets[0]
        .comments
        .is_empty());
}

#[test]
fn one_walk_scan_matches_calamine_walks() {
    let mut files = Vec::new();
    for dir in ["seed", "read"] {
        let path = format!("{}/tests/fixtures/{dir}", env!("CARGO_MANIFEST_DIR"));
        for entry in std::fs::read_dir(path).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "xlsx") {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 5);
    for p in files {
        let bytes = std::fs::read(&p).unwrap();
        let scanned = read_xlsx(&bytes);
        let unscanned = super::xlsx::read_xlsx_unscanned(&bytes);
        match (scanned, unscanned) {
            (Ok(a), Ok(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{}", p.display()),
            (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{}", p.display()),
            // calamine's merge walk overflows on reversed regions in debug builds only
            (Ok(_), Err(ReadError::Corrupt(m))) if m.contains("内部错误") => {}
            (a, b) => panic!("{}: {a:?} vs {b:?}", p.display()),
        }
    }
}
