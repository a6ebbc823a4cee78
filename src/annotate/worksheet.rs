//! A worksheet part: offending cells point at their highlighted format (cells created where the
//! sheet has none), and a `<legacyDrawing>` is added for the comment boxes. Everything else
//! streams through unchanged.

use super::styles::{style_of, StyleBook};
use super::xml::{self, attr, local, next, NS_REL};
use super::AnnotateError;
use crate::finding::Severity;
use crate::sheet::{CellRange, CellRef};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Writer;
use std::collections::BTreeMap;

/// What must be known of a sheet before patching it.
#[derive(Debug, Default)]
pub(super) struct SheetScan {
    /// Merged regions (a finding inside one goes to its top-left cell).
    pub merges: Vec<CellRange>,
    /// The relationship id of an existing `<legacyDrawing>`.
    pub legacy_rid: Option<String>,
    prefix: Option<String>,
    r_prefix: Option<String>,
    /// Column formats: 1-based `min`, `max`, `style`.
    col_styles: Vec<(u32, u32, u32)>,
}

/// Worksheet children that must come after `<legacyDrawing>` (ECMA-376 CT_Worksheet order).
const AFTER_LEGACY: &[&str] = &[
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
];

/// Reads merges, an existing legacy drawing and column formats.
pub(super) fn scan(part: &str, text: &str) -> Result<SheetScan, AnnotateError> {
    let mut out = SheetScan::default();
    let mut r = xml::reader(text);
    let mut root = true;
    loop {
        match next(&mut r, part)? {
            Event::Start(e) | Event::Empty(e) => {
                if root {
                    root = false;
                    out.prefix = xml::prefix_of(&e);
                    out.r_prefix = xml::ns_prefix(&e, NS_REL);
                    continue;
                }
                match local(&e).as_str() {
                    "mergeCell" => {
                        let range = attr(&e, "ref").and_then(|v| parse_range(&v));
                        out.merges.extend(range);
                    }
                    "legacyDrawing" => out.legacy_rid = xml::rel_id(&e),
                    "col" => {
                        let num = |n: &str| attr(&e, n).and_then(|v| v.parse::<u32>().ok());
                        if let (Some(min), Some(max), Some(s)) =
                            (num("min"), num("max"), num("style"))
                        {
                            out.col_styles.push((min, max, s));
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// `B1:E1` (or a single `B1`) as a range.
pub(super) fn parse_range(s: &str) -> Option<CellRange> {
    let (a, b) = s.split_once(':').unwrap_or((s, s));
    Some(CellRange {
        start: CellRef::parse(a)?,
        end: CellRef::parse(b)?,
    })
}

/// One pass over a worksheet: the output so far, the cells still to restyle or create, and
/// where the walk is (element depth, inside `<sheetData>`, the current row and column).
struct Patch<'b> {
    w: Writer<Vec<u8>>,
    pending: BTreeMap<CellRef, Severity>,
    book: &'b mut StyleBook,
    scan: &'b SheetScan,
    /// The `<legacyDrawing>` relationship id still to place (`None` once placed, or when none).
    legacy: Option<&'b str>,
    depth: usize,
    in_data: bool,
    past_data: bool,
    last_row: u32,
    cur_row: u32,
    last_col: u32,
    /// The current row's own format, when it has one (`customFormat`): new cells take it.
    row_style: Option<u32>,
}

impl Patch<'_> {
    fn tag(&self, n: &str) -> String {
        xml::tag(&self.scan.prefix, n)
    }

    fn col_style(&self, col1: u32) -> u32 {
        self.scan
            .col_styles
            .iter()
            .find(|(min, max, _)| (*min..=*max).contains(&col1))
            .map(|c| c.2)
            .unwrap_or(0)
    }

    /// Emits new cells of `row1` (1-based) left of `limit` (1-based column; all when `None`).
    fn cells(&mut self, row1: u32, limit: Option<u32>, row_style: Option<u32>) {
        let due: Vec<(CellRef, Severity)> = self
            .pending
            .iter()
            .filter(|(c, _)| c.row + 1 == row1 && limit.is_none_or(|l| c.col + 1 < l))
            .map(|(c, s)| (*c, *s))
            .collect();
        for (cell, sev) in due {
            self.pending.remove(&cell);
            let base = row_style.unwrap_or_else(|| self.col_style(cell.col + 1));
            let s = self.book.restyle(base, sev);
            let c = self.tag("c");
            xml::raw(&mut self.w, &format!("<{c} r=\"{cell}\" s=\"{s}\"/>"));
        }
    }

    /// Emits new rows for pending cells above `row1` (all remaining when `None`).
    fn rows(&mut self, row1: Option<u32>) {
        while let Some(first) = self.pending.keys().next().copied() {
            if row1.is_some_and(|r| first.row + 1 >= r) {
                break;
            }
            let r = first.row + 1;
            let row = self.tag("row");
            xml::raw(&mut self.w, &format!("<{row} r=\"{r}\">"));
            self.cells(r, None, None);
            xml::raw(&mut self.w, &format!("</{row}>"));
        }
    }

    fn has_row(&self, row1: u32) -> bool {
        self.pending.keys().any(|c| c.row + 1 == row1)
    }

    /// Writes a `<legacyDrawing>` naming relationship `rid`.
    fn write_legacy(&mut self, rid: &str) {
        let tag = self.tag("legacyDrawing");
        let el = match &self.scan.r_prefix {
            Some(p) => format!("<{tag} {p}:id=\"{}\"/>", xml::esc(rid)),
            None => format!("<{tag} xmlns:r=\"{NS_REL}\" r:id=\"{}\"/>", xml::esc(rid)),
        };
        xml::raw(&mut self.w, &el);
    }
}

/// The sheet with `targets` highlighted (format from `book`) and, when `legacy` is given, a
/// `<legacyDrawing r:id=legacy/>` in its schema position.
pub(super) fn patch(
    part: &str,
    text: &str,
    scan: &SheetScan,
    targets: &BTreeMap<CellRef, Severity>,
    book: &mut StyleBook,
    legacy: Option<&str>,
) -> Result<String, AnnotateError> {
    let mut p = Patch {
        w: xml::writer(),
        pending: targets.clone(),
        book,
        scan,
        legacy,
        depth: 0,
        in_data: false,
        past_data: false,
        last_row: 0,
        cur_row: 0,
        last_col: 0,
        row_style: None,
    };
    let mut r = xml::reader(text);
    loop {
        let ev = next(&mut r, part)?;
        let is_start = matches!(ev, Event::Start(_));
        match ev {
            Event::Start(e) | Event::Empty(e) if p.depth == 1 && p.legacy_goes_before(&e) => {
                p.place_legacy();
                p.copy(e, is_start);
            }
            Event::Start(e) | Event::Empty(e) if p.depth == 1 && local(&e) == "sheetData" => {
                p.sheet_data(e, is_start)
            }
            Event::Start(e) | Event::Empty(e)
                if p.in_data && p.depth == 2 && local(&e) == "row" =>
            {
                p.row(e, is_start)
            }
            Event::Start(e) | Event::Empty(e) if p.in_data && p.depth == 3 && local(&e) == "c" => {
                p.cell(e, is_start)
            }
            Event::Start(e) => p.copy(e, true),
            Event::End(e) => p.end(e),
            Event::Eof => break,
            e => xml::put(&mut p.w, e),
        }
    }
    if !p.pending.is_empty() {
        return Err(AnnotateError::Unsupported(format!(
            "{part} 中没有 sheetData，无法标记单元格"
        )));
    }
    Ok(xml::finish(p.w))
}

impl Patch<'_> {
    /// Whether a drawing still to place goes before this child of `<worksheet>`.
    fn legacy_goes_before(&self, e: &BytesStart<'_>) -> bool {
        self.legacy.is_some()
            && (AFTER_LEGACY.contains(&local(e).as_str())
                || (self.past_data && local(e) == "AlternateContent"))
    }

    /// Writes the `<legacyDrawing>` still to place, once.
    fn place_legacy(&mut self) {
        if let Some(rid) = self.legacy.take() {
            self.write_legacy(rid);
        }
    }

    /// Copies an element's start (or empty element) unchanged.
    fn copy(&mut self, e: BytesStart<'_>, is_start: bool) {
        if is_start {
            self.depth += 1;
            xml::put(&mut self.w, Event::Start(e));
        } else {
            xml::put(&mut self.w, Event::Empty(e));
        }
    }

    /// `<sheetData>`: an empty one is opened to hold every new row.
    fn sheet_data(&mut self, e: BytesStart<'_>, is_start: bool) {
        if is_start {
            self.in_data = true;
            self.copy(e, true);
        } else {
            let end = e.to_end().into_owned();
            xml::put(&mut self.w, Event::Start(e));
            self.rows(None);
            xml::put(&mut self.w, Event::End(end));
            self.past_data = true;
        }
    }

    /// A `<row>`: new rows above it first; it loses `spans` when it gains cells, and an empty
    /// row that gains cells is opened to hold them.
    fn row(&mut self, e: BytesStart<'_>, is_start: bool) {
        let r1 = attr(&e, "r")
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(self.last_row + 1);
        self.rows(Some(r1));
        (self.cur_row, self.last_row, self.last_col) = (r1, r1, 0);
        let custom = attr(&e, "customFormat").is_some_and(|v| v == "1" || v == "true");
        self.row_style = custom.then(|| style_of(&e));
        let mut e2: BytesStart<'static> = xml::with_attr(&e, "r", &r1.to_string());
        let grows = self.has_row(r1);
        if grows {
            e2 = xml::without_attr(&e2, "spans");
        }
        if is_start || !grows {
            self.copy(e2, is_start);
        } else {
            let end = e2.to_end().into_owned();
            xml::put(&mut self.w, Event::Start(e2));
            self.cells(r1, None, self.row_style);
            xml::put(&mut self.w, Event::End(end));
        }
    }

    /// A `<c>`: new cells left of it first; restyled when it has findings.
    fn cell(&mut self, e: BytesStart<'_>, is_start: bool) {
        let col1 = attr(&e, "r")
            .and_then(|v| CellRef::parse(&v))
            .map(|c| c.col + 1)
            .unwrap_or(self.last_col + 1);
        self.cells(self.cur_row, Some(col1), self.row_style);
        self.last_col = col1;
        let cell = CellRef::new(self.cur_row.saturating_sub(1), col1 - 1);
        let mut e2 = xml::with_attr(&e, "r", &cell.to_string());
        if let Some(sev) = self.pending.remove(&cell) {
            let s = self.book.restyle(style_of(&e), sev);
            e2 = xml::with_attr(&e2, "s", &s.to_string());
        }
        self.copy(e2, is_start);
    }

    /// An end tag: the rest of a row's new cells, the remaining new rows at `</sheetData>`, the
    /// drawing at `</worksheet>` when nothing came after which it must go.
    fn end(&mut self, e: quick_xml::events::BytesEnd<'_>) {
        self.depth = self.depth.saturating_sub(1);
        let name = e.local_name().as_ref().to_string();
        if self.in_data && self.depth == 2 && name == "row" {
            self.cells(self.cur_row, None, self.row_style);
        } else if self.depth == 1 && name == "sheetData" {
            self.rows(None);
            self.in_data = false;
            self.past_data = true;
        } else if self.depth == 0 {
            self.place_legacy();
        }
        xml::put(&mut self.w, Event::End(e));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHEET: &str = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData><row r="2"><c r="B2" s="1"><v>1</v></c><c r="D2"/></row><row r="4"/></sheetData><mergeCells count="1"><mergeCell ref="B2:C2"/></mergeCells><pageMargins left="0.7"/><tableParts count="0"/></worksheet>"#;

    #[test]
    fn cells_are_restyled_created_and_the_drawing_placed() {
        let mut book = StyleBook::parse(super::super::styles::MINIMAL.to_string()).expect("styles");
        let scan = scan("s", SHEET).expect("scan");
        assert_eq!(scan.merges.len(), 1);
        let mut targets = BTreeMap::new();
        for (a1, sev) in [
            ("A1", Severity::Info),
            ("B2", Severity::Error),
            ("C2", Severity::Warning),
            ("E2", Severity::Error),
            ("A4", Severity::Error),
            ("A9", Severity::Error),
        ] {
            targets.insert(CellRef::parse(a1).expect("a1"), sev);
        }
        let out = patch("s", SHEET, &scan, &targets, &mut book, Some("rId9")).expect("patch");
        assert!(out.contains(r#"<row r="1"><c r="A1" s="#), "{out}");
        assert!(out.contains(r#"<c r="B2" s="2"><v>1</v></c>"#), "{out}");
        assert!(out.contains(r#"<c r="C2" s=""#), "{out}");
        assert!(out.contains(r#"<c r="D2"/><c r="E2" s=""#), "{out}");
        assert!(out.contains(r#"<row r="4"><c r="A4""#), "{out}");
        assert!(out.contains(r#"</row><row r="9"><c r="A9""#), "{out}");
        assert!(
            out.contains(r#"<pageMargins left="0.7"/><legacyDrawing r:id="rId9"/><tableParts"#),
            "{out}"
        );
    }
}
