//! `--annotate`: the annotated copy keeps every value, formula and merge of the original, and
//! carries highlights, comments at the findings' cells and a findings sheet; the input is never
//! touched.

use crate::common;
use common::{formlint, root};

use calamine::{Data, Reader, Xlsx};
use formlint::annotate::{annotate_xlsx, SHEET_NAME};
use formlint::finding::Finding;
use formlint::form::Place;
use formlint::run::{check_file, CheckOptions};
use std::collections::BTreeSet;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

fn seeds() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures/seed"))
        .expect("seed dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    v.sort();
    v
}

fn findings(path: &Path, bytes: &[u8]) -> Vec<Finding> {
    let pack = formlint::pack::load(&formlint::pack::embedded(), "").expect("pack");
    let name = path.to_string_lossy().into_owned();
    check_file(&pack, &name, bytes, &CheckOptions::default())
        .report
        .findings
}

fn book(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("calamine opens it")
}

/// Non-empty cells with absolute positions.
fn values(b: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<(u32, u32, Data)> {
    let r = b.worksheet_range(sheet).expect("range");
    let (r0, c0) = r.start().unwrap_or((0, 0));
    r.used_cells()
        .map(|(r, c, d)| (r0 + r as u32, c0 + c as u32, d.clone()))
        .collect()
}

fn formulas(b: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<(u32, u32, String)> {
    let r = b.worksheet_formula(sheet).expect("formulas");
    let (r0, c0) = r.start().unwrap_or((0, 0));
    r.used_cells()
        .map(|(r, c, f)| (r0 + r as u32, c0 + c as u32, f.clone()))
        .collect()
}

fn merges(b: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> Vec<String> {
    let mut m: Vec<String> = b
        .merge_cells_by_sheet_name(sheet)
        .expect("merges")
        .iter()
        .map(|d| format!("{:?}-{:?}", d.start, d.end))
        .collect();
    m.sort();
    m
}

/// Every part of the package whose name matches, with its text.
fn parts(bytes: &[u8], keep: impl Fn(&str) -> bool) -> Vec<(String, String)> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("entry");
        let name = f.name().expect("name").to_string();
        if keep(&name) {
            let mut s = String::new();
            f.read_to_string(&mut s).expect("utf8 part");
            out.push((name, s));
        }
    }
    out
}

/// The `ref`s of every comment in the package.
fn comment_refs(bytes: &[u8]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, text) in parts(bytes, |n| n.contains("comment") && n.ends_with(".xml")) {
        for piece in text.split("<comment ref=\"").skip(1) {
            out.extend(piece.split('"').next().map(str::to_string));
        }
    }
    out
}

fn cell_of(f: &Finding) -> Option<String> {
    match &f.at {
        Some(Place::Cell(c)) => Some(c.to_string()),
        _ => None,
    }
}

#[test]
fn seed_copies_keep_every_value_formula_and_merge() {
    let mut annotated = 0;
    for path in seeds() {
        let original = std::fs::read(&path).expect("read seed");
        let found = findings(&path, &original);
        let copy = annotate_xlsx(&original, &found).expect("annotate");
        let (mut a, mut b) = (book(&original), book(&copy));
        let names = a.sheet_names();
        let mut expected_names = names.clone();
        expected_names.push(SHEET_NAME.to_string());
        assert_eq!(b.sheet_names(), expected_names, "{}", path.display());
        for sheet in &names {
            assert_eq!(values(&mut a, sheet), values(&mut b, sheet), "{sheet}");
            assert_eq!(formulas(&mut a, sheet), formulas(&mut b, sheet), "{sheet}");
            assert_eq!(merges(&mut a, sheet), merges(&mut b, sheet), "{sheet}");
        }
        let list = b.worksheet_range(SHEET_NAME).expect("findings sheet");
        assert_eq!(list.height(), found.len() + 1, "{}", path.display());
        let refs = comment_refs(&copy);
        for f in &found {
            if let Some(c) = cell_of(f) {
                assert!(refs.contains(&c), "{}: no comment at {c}", path.display());
            }
        }
        annotated += 1;
    }
    assert_eq!(annotated, 9);
}

fn seed(prefix: &str) -> PathBuf {
    seeds()
        .into_iter()
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .expect("seed form")
}

#[test]
fn comments_and_links_sit_at_the_catalogue_cells() {
    for (form, cells, codes) in [
        (
            "P3",
            &["I16", "H16", "F17", "D20"][..],
            &["S002", "S005"][..],
        ),
        (
            "P9",
            &["G16", "G18", "C14", "B11"][..],
            &["W004", "R003"][..],
        ),
    ] {
        let path = seed(form);
        let original = std::fs::read(&path).expect("read");
        let copy = annotate_xlsx(&original, &findings(&path, &original)).expect("annotate");
        let refs = comment_refs(&copy);
        for c in cells {
            assert!(refs.contains(*c), "{form}: {refs:?}");
        }
        let comments: String = parts(&copy, |n| n.starts_with("xl/comments"))
            .into_iter()
            .map(|p| p.1)
            .collect();
        for code in codes {
            assert!(comments.contains(&format!(">{code} ")), "{form} {code}");
        }
        let sheets: String = parts(&copy, |n| n.starts_with("xl/worksheets/sheet"))
            .into_iter()
            .map(|p| p.1)
            .collect();
        for c in cells {
            let link = format!("location=\"&apos;自评表&apos;!{c}\"");
            let plain = format!("location=\"'自评表'!{c}\"");
            assert!(
                sheets.contains(&link) || sheets.contains(&plain),
                "{form}: no link to {c}"
            );
        }
        assert!(sheets.contains("<legacyDrawing"), "{form}");
        let styles = parts(&copy, |n| n == "xl/styles.xml").remove(0).1;
        assert!(styles.contains("FFFFC7CE") && styles.contains("FFFFD966"));
    }
}

#[test]
fn existing_comments_are_kept_and_merged() {
    let path = root().join("tests/fixtures/annotate/P3-已有批注.xlsx");
    let original = std::fs::read(&path).expect("fixture");
    let before = comment_refs(&original);
    assert!(before.contains("I16") && before.contains("A1"));
    let found = findings(&path, &original);
    let copy = annotate_xlsx(&original, &found).expect("annotate");
    let comments = parts(&copy, |n| n.contains("comment") && n.ends_with(".xml"));
    assert_eq!(
        comments.len(),
        1,
        "merged into the sheet's own comments part"
    );
    let text = &comments[0].1;
    assert!(text.contains("模板说明"), "{text}");
    assert!(text.contains("审核人：请补充说明"), "{text}");
    let i16 = text
        .split("<comment ref=\"I16\"")
        .nth(1)
        .and_then(|s| s.split("</comment>").next())
        .expect("I16 comment");
    assert!(
        i16.contains("审核人：请补充说明") && i16.contains("S002"),
        "{i16}"
    );
    assert!(text.contains("<author>formlint</author>"));
    let vml: String = parts(&copy, |n| n.ends_with(".vml"))
        .into_iter()
        .map(|p| p.1)
        .collect();
    // two boxes of the original, one for each new commented cell (H16, F17, D20)
    assert_eq!(vml.matches("ObjectType=\"Note\"").count(), 5, "{vml}");
    let (mut a, mut b) = (book(&original), book(&copy));
    for sheet in a.sheet_names() {
        assert_eq!(values(&mut a, &sheet), values(&mut b, &sheet), "{sheet}");
    }
    let list = b.worksheet_range(SHEET_NAME).expect("findings sheet");
    assert_eq!(list.height(), found.len() + 1);
}

#[test]
fn openpyxl_loads_the_copy_with_comments_and_fills() {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import openpyxl"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: python3 with openpyxl not available");
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    for form in ["P3", "P9"] {
        let path = seed(form);
        let original = std::fs::read(&path).expect("read");
        let copy = annotate_xlsx(&original, &findings(&path, &original)).expect("annotate");
        std::fs::write(dir.path().join(format!("{form}.xlsx")), copy).expect("write");
    }
    let script = r#"
import sys, openpyxl
d = sys.argv[1]
for form, cell, rgb, code, rows in [("P3", "I16", "FFFFC7CE", "S002", 5), ("P3", "F17", "FFFFD966", "U002", 5),
                                    ("P3", "H16", "FFBDD7EE", "S005", 5), ("P9", "G16", "FFFFC7CE", "W004", 5),
                                    ("P9", "G18", "FFFFC7CE", "W004", 5)]:
    wb = openpyxl.load_workbook(f"{d}/{form}.xlsx")
    c = wb["自评表"][cell]
    assert c.comment is not None and c.comment.text.startswith(code), (form, cell, c.comment)
    assert c.fill.fgColor.rgb == rgb, (form, cell, c.fill.fgColor.rgb)
    assert c.border.left.style == "thin", (form, cell)
    ws = wb["formlint检查结果"]
    assert ws.max_row == rows, (form, ws.max_row)
    links = [x.hyperlink.location for x in ws["B"] if x.hyperlink]
    assert f"'自评表'!{cell}" in links, (form, links)
print("ok")
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script, dir.path().to_str().expect("utf8")])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn digest(p: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::fs::read(p).expect("read").hash(&mut h);
    h.finish()
}

#[test]
fn cli_writes_copies_and_never_touches_the_input() {
    let out = root().join("target/tmp-annot");
    let _ = std::fs::remove_dir_all(&out);
    let before: Vec<u64> = seeds().iter().map(|p| digest(p)).collect();
    let (code, stdout, stderr) = formlint(&[
        "check",
        "tests/fixtures/seed",
        "--annotate",
        "target/tmp-annot",
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let after: Vec<u64> = seeds().iter().map(|p| digest(p)).collect();
    assert_eq!(before, after, "inputs changed");
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .expect("output dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let prefixes: Vec<&str> = written.iter().map(|n| &n[..2]).collect();
    // P4, P5 and P7 are clean: no copy
    assert_eq!(
        prefixes,
        ["P1", "P2", "P3", "P6", "P8", "P9"],
        "{written:?}"
    );
    let copy = std::fs::read(out.join(&written[2])).expect("P3 copy");
    assert!(comment_refs(&copy).contains("I16"));
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn cli_refuses_to_overwrite_the_input() {
    let dir = tempfile::tempdir().expect("tmp");
    let input = dir.path().join("P9.xlsx");
    std::fs::copy(seed("P9"), &input).expect("copy");
    let before = digest(&input);
    let d = dir.path().to_str().expect("utf8");
    let (code, _, stderr) = formlint(&["check", input.to_str().expect("utf8"), "--annotate", d]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("不会覆盖原表"), "{stderr}");
    assert_eq!(digest(&input), before);
}

fn finding(
    code: &str,
    sev: formlint::finding::Severity,
    sheet: Option<&str>,
    at: Option<Place>,
) -> Finding {
    Finding {
        code: code.into(),
        severity: sev,
        title: "标题".into(),
        message: format!("{code} 的说明 <a & \"b\">"),
        sheet: sheet.map(str::to_string),
        at,
        related: Vec::new(),
        help: None,
    }
}

fn at(a1: &str) -> Option<Place> {
    formlint::CellRef::parse(a1).map(Place::Cell)
}

#[test]
fn tables_merges_new_rows_and_other_sheets() {
    use formlint::finding::Severity::*;
    let original =
        std::fs::read(root().join("tests/fixtures/annotate/structures.xlsx")).expect("fixture");
    let found = vec![
        finding("T001", Error, Some("自评表"), at("B2")),
        finding("T002", Warning, Some("自评表"), at("C1")),
        finding("T003", Info, Some("自评表"), at("D7")),
        finding("T004", Warning, Some("自评表"), at("E2")),
        finding("T005", Error, Some("表格"), at("A2")),
        finding(
            "T006",
            Error,
            Some("自评表"),
            Some(Place::Path(formlint::form::FormPath::field(0, "x"))),
        ),
        finding("T007", Error, None, None),
        finding("T008", Error, Some("没有这张表"), at("A1")),
    ];
    let copy = annotate_xlsx(&original, &found).expect("annotate");
    let (mut a, mut b) = (book(&original), book(&copy));
    for sheet in a.sheet_names() {
        assert_eq!(values(&mut a, &sheet), values(&mut b, &sheet), "{sheet}");
        assert_eq!(
            formulas(&mut a, &sheet),
            formulas(&mut b, &sheet),
            "{sheet}"
        );
        assert_eq!(merges(&mut a, &sheet), merges(&mut b, &sheet), "{sheet}");
    }
    let list = b.worksheet_range(SHEET_NAME).expect("findings sheet");
    assert_eq!(list.height(), found.len() + 1);
    let refs = comment_refs(&copy);
    for c in ["B1", "B2", "D7", "E2", "A2"] {
        assert!(refs.contains(c), "{refs:?}");
    }
    assert!(
        !refs.contains("C1"),
        "merged cell annotated at its top-left"
    );
    let sheets = parts(&copy, |n| n.starts_with("xl/worksheets/sheet"));
    let tables = &sheets
        .iter()
        .find(|(n, _)| n == "xl/worksheets/sheet2.xml")
        .expect("sheet2")
        .1;
    let legacy = tables.find("<legacyDrawing").expect("legacyDrawing added");
    assert!(tables.find("</headerFooter>").expect("hf") < legacy);
    assert!(legacy < tables.find("<tableParts").expect("table"));
    let first = &sheets
        .iter()
        .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
        .expect("sheet1")
        .1;
    assert_eq!(
        first.matches("<legacyDrawing").count(),
        1,
        "existing drawing reused"
    );
    assert!(
        first.contains("<row r=\"7\"><c r=\"D7\" s=\""),
        "new row for D7"
    );
}
