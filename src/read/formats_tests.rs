//! The same form saved as xlsx, xls (BIFF8) and ods by a real writer (LibreOffice, see
//! `tests/fixtures/formats/make.sh`) reads into the same sheets: values (numbers, percents,
//! dates, text), formula marks and merged regions, cell by cell.

use super::*;
use crate::sheet::{Cell, CellRef, CellValue, ProblemKind, Sheet};

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The forms that have variants: the seed forms and the varied ones LibreOffice can open.
fn forms() -> Vec<(String, std::path::PathBuf)> {
    let mut out = Vec::new();
    for dir in ["seed", "varied"] {
        for e in std::fs::read_dir(root().join(dir)).expect("fixtures") {
            let path = e.expect("entry").path();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.extension().is_some_and(|x| x == "xlsx") && stem != "损坏" {
                out.push((stem, path));
            }
        }
    }
    out.sort();
    assert!(out.len() >= 17, "{out:?}");
    out
}

fn read(path: &std::path::Path) -> Workbook {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read_file_bytes(&path.to_string_lossy(), &bytes, None)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every cell of `a` and `b` over both sheets' extents (a missing cell is a blank one).
fn differences(a: &Sheet, b: &Sheet) -> Vec<String> {
    let blank = Cell::empty();
    let height = a.rows.len().max(b.rows.len());
    let mut out = Vec::new();
    for r in 0..height {
        let width = a
            .rows
            .get(r)
            .map_or(0, Vec::len)
            .max(b.rows.get(r).map_or(0, Vec::len));
        for c in 0..width {
            let at = CellRef::new(r as u32, c as u32);
            let (x, y) = (a.cell(at).unwrap_or(&blank), b.cell(at).unwrap_or(&blank));
            if x != y {
                out.push(format!("{at}: {x:?} ≠ {y:?}"));
            }
        }
    }
    let (mut ma, mut mb) = (a.merges.clone(), b.merges.clone());
    ma.sort_by_key(|m| (m.start, m.end));
    mb.sort_by_key(|m| (m.start, m.end));
    if ma != mb {
        out.push(format!("merges {ma:?} ≠ {mb:?}"));
    }
    if a.problems != b.problems {
        out.push(format!("problems {:?} ≠ {:?}", a.problems, b.problems));
    }
    out
}

#[test]
fn xls_and_ods_read_as_the_xlsx_reads() {
    let mut percents = 0;
    let mut dates = 0;
    let mut formulas = 0;
    for (stem, xlsx) in forms() {
        let want = read(&xlsx);
        for ext in ["xls", "ods"] {
            let path = root().join(format!("formats/{ext}/{stem}.{ext}"));
            let got = read(&path);
            let names = |b: &Workbook| b.sheets.iter().map(|s| s.name.clone()).collect::<Vec<_>>();
            assert_eq!(names(&got), names(&want), "{stem}.{ext}");
            for (w, g) in want.sheets.iter().zip(&got.sheets) {
                let diff = differences(w, g);
                assert!(
                    diff.is_empty(),
                    "{stem}.{ext} sheet {}:\n{}",
                    w.name,
                    diff.join("\n")
                );
            }
        }
        for s in &want.sheets {
            for c in s.rows.iter().flatten() {
                percents += usize::from(matches!(c.value, CellValue::Percent(_)));
                dates += usize::from(matches!(c.value, CellValue::Date(_)));
                formulas += usize::from(c.formula);
            }
        }
    }
    // The comparison covers what it is for: percent cells, dates and formulas.
    assert!(
        percents >= 1 && dates >= 1 && formulas >= 7,
        "{percents} {dates} {formulas}"
    );
}

#[test]
fn an_xlsb_from_calamine_reads() {
    // calamine's own test workbook (MIT, see tests/fixtures/formats/xlsb/README.md).
    let book = read(&root().join("formats/xlsb/date.xlsb"));
    let sheet = &book.sheets[0];
    let values: Vec<&CellValue> = sheet.rows.iter().flatten().map(|c| &c.value).collect();
    assert!(
        values.iter().any(|v| matches!(v, CellValue::Date(_))),
        "{values:?}"
    );
}

#[test]
fn percent_formats_of_biff_records() {
    // The same percent cell the xlsx reader makes: the stored fraction, as Percent.
    let (stem, _) = forms()
        .into_iter()
        .find(|(s, _)| s == "百分比与日期")
        .expect("form");
    for ext in ["xls", "ods"] {
        let book = read(&root().join(format!("formats/{ext}/{stem}.{ext}")));
        let found: Vec<String> = book.sheets[0]
            .rows
            .iter()
            .flatten()
            .filter(|c| matches!(c.value, CellValue::Percent(_)))
            .map(|c| c.value.display())
            .collect();
        assert!(!found.is_empty(), "{ext}");
        assert!(found.iter().all(|p| p.ends_with('%')), "{ext}: {found:?}");
    }
}

#[test]
fn number_formats_read_the_same_from_every_format() {
    // Percents (builtin 9 and 10, custom 0.0%), dates, a time of day, text "96%", a logical
    // value, #DIV/0!, a literal "%" (not a percent) and 1234.5 with a thousands format.
    let want = read(&root().join("read/formats.xlsx"));
    for ext in ["xls", "ods"] {
        let got = read(&root().join(format!("formats/{ext}/formats.{ext}")));
        let mut diff = differences(&want.sheets[0], &got.sheets[0]);
        // A duration ([h]:mm:ss) is a number in xlsx and xls; ODS stores it as a time
        // (PT36H) without saying it is a duration: its text is the one known difference.
        diff.retain(|d| !d.starts_with("A11:"));
        // LibreOffice has no logical cell type: it turns the xlsx's TRUE into the formula
        // =TRUE() (xls: a FORMULA record with a logical result; ods: the number 1 with a
        // boolean style). The writer changed the cell, not the reader; forms hold none.
        diff.retain(|d| !(d.starts_with("A8:") && d.ends_with("formula: true }")));
        assert!(diff.is_empty(), "formats.{ext}:\n{}", diff.join("\n"));
    }
}

/// An `.ods` package whose `content.xml` is `body` inside a spreadsheet.
fn ods_with(body: &str) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("content.xml", stored).unwrap();
    let xml = format!(
        r#"<?xml version="1.0"?><office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="表">{body}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    zip.write_all(xml.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

/// Reads `bytes` named `name`, asserting it takes less than a few seconds (debug build).
fn timed(name: &str, bytes: &[u8]) -> Result<Workbook, ReadError> {
    let start = std::time::Instant::now();
    let got = read_file_bytes(name, bytes, None);
    assert!(
        start.elapsed().as_secs() < 5,
        "{name}: {:?}",
        start.elapsed()
    );
    got
}

#[test]
fn hostile_ods_are_bounded() {
    // A million rows of 16,384 repeated numbers: the sheet is refused, not allocated.
    let book = timed(
        "r.ods",
        &ods_with(
            r#"<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#,
        ),
    )
    .expect("read");
    assert_eq!(book.sheets[0].problems[0].kind, ProblemKind::SheetNotRead);
    // Spans repeated over the whole sheet: counted against the same budget.
    let book = timed(
        "s.ods",
        &ods_with(
            r#"<table:table-row table:number-rows-repeated="4000000000"><table:table-cell table:number-columns-spanned="16384" table:number-rows-spanned="1048576" table:number-columns-repeated="4000000000"/></table:table-row>"#,
        ),
    )
    .expect("read");
    assert_eq!(book.sheets[0].problems[0].kind, ProblemKind::SheetNotRead);
    // Empty rows repeated past the last row cost nothing; a cell after them is off the sheet.
    let book = timed(
        "e.ods",
        &ods_with(
            r#"<table:table-row table:number-rows-repeated="4000000000"/><table:table-row><table:table-cell office:value-type="string"><text:p>远</text:p></table:table-cell></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="99999999"/><table:table-cell office:value-type="float" office:value="2"/></table:table-row>"#,
        ),
    )
    .expect("read");
    assert!(
        book.sheets[0].rows.is_empty(),
        "nothing placed on the sheet"
    );
    // Undeclared entities are not expanded; text, spaces and paragraphs are kept.
    let book = timed(
        "t.ods",
        &ods_with(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>a&lol;b<text:s text:c="2"/>c</text:p><text:p>第二段</text:p></table:table-cell><table:table-cell office:value-type="percentage" office:value="0.95"/></table:table-row>"#,
        ),
    )
    .expect("read");
    let s = &book.sheets[0];
    assert_eq!(
        s.value(CellRef::new(0, 0)),
        &CellValue::Text("ab  c\n第二段".into())
    );
    assert_eq!(s.value(CellRef::new(0, 1)).display(), "95%");
    // No content.xml, or not XML: damaged, never a panic.
    assert!(matches!(
        timed("x.ods", &ods_with("<table:table-row>")),
        Err(ReadError::Corrupt(_)) | Ok(_)
    ));
}

#[test]
fn hostile_xls_are_refused_before_calamine_allocates() {
    let good = std::fs::read(root().join("formats/xls/P1-办公设备采购.xls")).unwrap();
    // Dimensions of 16 million rows × 9 columns: calamine would reserve them all.
    let at = good
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
        .expect("a DIMENSIONS record");
    let mut huge = good.clone();
    huge[at + 8..at + 12].copy_from_slice(&0x00FF_FFFFu32.to_le_bytes());
    assert!(matches!(
        timed("d.xls", &huge),
        Err(ReadError::Unsupported(_))
    ));
    // Truncated, or junk after the signature: damaged.
    assert!(timed("t.xls", &good[..good.len() / 2]).is_err());
    let mut junk = cfb::MAGIC.to_vec();
    junk.extend((0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    assert!(timed("j.xls", &junk).is_err());
    // Every FAT entry pointing at itself: chains end, no loop.
    let mut looped = good.clone();
    let fat_sector = u32::from_le_bytes(looped[0x4C..0x50].try_into().unwrap()) as usize;
    let fat = (fat_sector + 1) * 512;
    for i in 0..128 {
        looped[fat + 4 * i..fat + 4 * i + 4].copy_from_slice(&(i as u32).to_le_bytes());
    }
    assert!(timed("l.xls", &looped).is_err());
}

#[test]
fn cell_comments_read_the_same_from_xls_and_ods() {
    for stem in ["P3-批注接受", "P3-批注缺理由"] {
        let sorted = |b: Workbook| {
            let mut c = b.sheets[0].comments.clone();
            c.sort_by_key(|(at, _)| *at);
            c
        };
        let want = sorted(read(&root().join(format!("accept/{stem}.xlsx"))));
        assert!(!want.is_empty(), "{stem}");
        for ext in ["xls", "ods"] {
            let got = sorted(read(&root().join(format!("formats/{ext}/{stem}.{ext}"))));
            assert_eq!(got, want, "{stem}.{ext}");
        }
    }
}
