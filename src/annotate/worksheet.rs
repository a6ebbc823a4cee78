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
pub struct SheetScan {
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
pub fn scan(part: &str, text: &str) -> Result<SheetScan, AnnotateError> {
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
pub fn parse_range(s: &str) -> Option<CellRange> {
    let (a, b) = s.split_once(':').unwrap_or((s, s));
    Some(CellRange {
        start: CellRef::parse(a)?,
        end: CellRef::parse(b)?,
    })
}

struct Patch<'b> {
    w: Writer<Vec<u8>>,
    pending: BTreeMap<CellRef, Severity>,
    book: &'b mut StyleBook,
    scan: &'b SheetScan,
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

    fn legacy(&mut self, rid: &str) {
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
pub fn patch(
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
    };
    let mut r = xml::reader(text);
    let mut depth = 0usize;
    let (mut in_data, mut past_data, mut inserted) = (false, false, legacy.is_none());
    let (mut last_row, mut cur_row, mut last_col) = (0u32, 0u32, 0u32);
    let mut row_style: Option<u32> = None;
    loop {
        let ev = next(&mut r, part)?;
        let is_start = matches!(ev, Event::Start(_));
        match ev {
            Event::Start(e) | Event::Empty(e)
                if depth == 1
                    && !inserted
                    && (AFTER_LEGACY.contains(&local(&e).as_str())
                        || (past_data && local(&e) == "AlternateContent")) =>
            {
                if let Some(rid) = legacy {
                    p.legacy(rid);
                }
                inserted = true;
                let ev = if is_start {
                    Event::Start(e)
                } else {
                    Event::Empty(e)
                };
                xml::put(&mut p.w, ev);
                if is_start {
                    depth += 1;
                }
            }
            Event::Start(e) | Event::Empty(e) if depth == 1 && local(&e) == "sheetData" => {
                if is_start {
                    in_data = true;
                    depth += 1;
                    xml::put(&mut p.w, Event::Start(e));
                } else {
                    let end = e.to_end().into_owned();
                    xml::put(&mut p.w, Event::Start(e));
                    p.rows(None);
                    xml::put(&mut p.w, Event::End(end));
                    past_data = true;
                }
            }
            Event::Start(e) | Event::Empty(e) if in_data && depth == 2 && local(&e) == "row" => {
                let r1 = attr(&e, "r")
                    .and_then(|v| v.parse::<u32>().ok())
                    .unwrap_or(last_row + 1);
                p.rows(Some(r1));
                (cur_row, last_row, last_col) = (r1, r1, 0);
                let custom = attr(&e, "customFormat").is_some_and(|v| v == "1" || v == "true");
                row_style = custom.then(|| style_of(&e));
                let mut e2: BytesStart<'static> = xml::with_attr(&e, "r", &r1.to_string());
                let grows = p.has_row(r1);
                if grows {
                    e2 = xml::without_attr(&e2, "spans");
                }
                if is_start {
                    depth += 1;
                    xml::put(&mut p.w, Event::Start(e2));
                } else if grows {
                    let end = e2.to_end().into_owned();
                    xml::put(&mut p.w, Event::Start(e2));
                    p.cells(r1, None, row_style);
                    xml::put(&mut p.w, Event::End(end));
                } else {
                    xml::put(&mut p.w, Event::Empty(e2));
                }
            }
            Event::Start(e) | Event::Empty(e) if in_data && depth == 3 && local(&e) == "c" => {
                let col1 = attr(&e, "r")
                    .and_then(|v| CellRef::parse(&v))
                    .map(|c| c.col + 1)
                    .unwrap_or(last_col + 1);
                p.cells(cur_row, Some(col1), row_style);
                last_col = col1;
                let cell = CellRef::new(cur_row.saturating_sub(1), col1 - 1);
                let mut e2 = xml::with_attr(&e, "r", &cell.to_string());
                if let Some(sev) = p.pending.remove(&cell) {
                    let s = p.book.restyle(style_of(&e), sev);
                    e2 = xml::with_attr(&e2, "s", &s.to_string());
                }
                if is_start {
                    depth += 1;
                    xml::put(&mut p.w, Event::Start(e2));
                } else {
                    xml::put(&mut p.w, Event::Empty(e2));
                }
            }
            Event::Start(e) => {
                depth += 1;
                xml::put(&mut p.w, Event::Start(e));
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                let name = e.local_name().as_ref().to_string();
                if in_data && depth == 2 && name == "row" {
                    p.cells(cur_row, None, row_style);
                } else if depth == 1 && name == "sheetData" {
                    p.rows(None);
                    in_data = false;
                    past_data = true;
                } else if depth == 0 && !inserted {
                    if let Some(rid) = legacy {
                        p.legacy(rid);
                    }
                    inserted = true;
                }
                xml::put(&mut p.w, Event::End(e));
            }
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
