//! Formula marks and merged regions of every worksheet, from one walk of each sheet's XML.
//!
//! calamine 0.38 has no call that gives a cell's value, style and formula together, and reads
//! merged regions with a walk of its own: asking it for all three inflates and parses each sheet
//! three times. The reader keeps calamine for values (shared strings, dates, styles) and takes
//! formula marks and merges from this single, allocation-light scan instead. Whenever the
//! package or a sheet looks unusual (paths it cannot find, references it does not understand)
//! the scan gives up with `None` and the reader falls back to calamine's own walks, so errors
//! and edge cases behave exactly as before.

use crate::sheet::{CellRange, CellRef};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::{Cursor, Read};
use zip::ZipArchive;

/// What one walk of a worksheet finds besides values.
#[derive(Debug, Default)]
pub(super) struct SheetMarks {
    /// Cells holding a formula, as calamine numbers them (zero-based row, column).
    pub formulas: Vec<(u32, u32)>,
    /// Merged regions as written (not normalised).
    pub merges: Vec<CellRange>,
}

/// The marks of every sheet in workbook order (all sheet types, like calamine's metadata),
/// or `None` when the package is not laid out the usual way.
pub(super) fn scan_workbook(bytes: &[u8], sheet_count: usize) -> Option<Vec<SheetMarks>> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).ok()?;
    let paths = sheet_paths(&mut zip)?;
    if paths.len() != sheet_count {
        return None;
    }
    let mut xml = Vec::new();
    paths
        .iter()
        .map(|path| {
            xml.clear();
            zip.by_name(path).ok()?.read_to_end(&mut xml).ok()?;
            scan_sheet(&xml)
        })
        .collect()
}

/// Worksheet part paths in workbook order, from `xl/workbook.xml` and its relationships.
fn sheet_paths(zip: &mut ZipArchive<Cursor<&[u8]>>) -> Option<Vec<String>> {
    let rels = read_part(zip, "xl/_rels/workbook.xml.rels")?;
    let mut targets: HashMap<String, String> = HashMap::new();
    let mut reader = Reader::from_reader(rels.as_slice());
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                let id = attr(&e, "Id")?;
                let target = attr(&e, "Target")?;
                let path = match target.strip_prefix('/') {
                    Some(abs) => abs.to_string(),
                    None => format!("xl/{target}"),
                };
                targets.insert(id, path);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let workbook = read_part(zip, "xl/workbook.xml")?;
    let mut reader = Reader::from_reader(workbook.as_slice());
    let mut paths = Vec::new();
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                let id = e.attributes().find_map(|a| {
                    let a = a.ok()?;
                    (a.key.local_name().as_ref() == "id" && a.key.as_ref() != "sheetId")
                        .then(|| a.value.into_owned())
                })?;
                paths.push(targets.get(&id)?.clone());
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Some(paths)
}

/// One package part's bytes.
fn read_part(zip: &mut ZipArchive<Cursor<&[u8]>>, path: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    zip.by_name(path).ok()?.read_to_end(&mut out).ok()?;
    Some(out)
}

/// An attribute's raw value (these never hold entities in practice; one that does gives up).
fn attr(e: &BytesStart, key: &str) -> Option<String> {
    let a = e.try_get_attribute(key).ok()??;
    if a.value.contains('&') {
        return None;
    }
    Some(a.value.into_owned())
}

/// Walks one sheet's XML: the cells holding `<f>` and the `<mergeCell>` regions.
///
/// Positions follow calamine's rules (a cell's `r`, else the running row and column) so the
/// marks land on the cells calamine reports values for.
fn scan_sheet(xml: &[u8]) -> Option<SheetMarks> {
    let mut reader = Reader::from_reader(xml);
    let mut marks = SheetMarks::default();
    let (mut row, mut col) = (0u32, 0u32);
    let mut cell: Option<(u32, u32)> = None;
    let mut in_merges = false;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) => match e.local_name().as_ref() {
                "row" => row = row_start(&e, row)?,
                "c" => cell = Some(cell_start(&e, row, &mut col)?),
                "f" => {
                    check_formula(&e)?;
                    mark(&mut marks, cell);
                }
                "mergeCells" if marks.merges.is_empty() => in_merges = true,
                "mergeCell" if in_merges => marks.merges.push(merge(&e)?),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "row" => {
                    row = row_start(&e, row)?.checked_add(1)?;
                    col = 0;
                }
                "c" => {
                    cell_start(&e, row, &mut col)?;
                    col = col.wrapping_add(1);
                }
                "f" => {
                    check_formula(&e)?;
                    mark(&mut marks, cell);
                }
                "mergeCell" if in_merges => marks.merges.push(merge(&e)?),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "row" => {
                    row = row.checked_add(1)?;
                    col = 0;
                }
                "c" => {
                    cell = None;
                    col = col.wrapping_add(1);
                }
                "mergeCells" => in_merges = false,
                _ => {}
            },
            Event::Eof => return Some(marks),
            _ => {}
        }
    }
}

/// Marks the cell being read as a formula (once, whatever the `<f>` holds).
fn mark(marks: &mut SheetMarks, cell: Option<(u32, u32)>) {
    if let Some(at) = cell {
        if marks.formulas.last() != Some(&at) {
            marks.formulas.push(at);
        }
    }
}

/// Gives up on a shared formula calamine would reject (no numeric `si`, unreadable `ref`).
fn check_formula(e: &BytesStart) -> Option<()> {
    let shared = e.try_get_attribute("t").ok()?;
    if shared.is_some_and(|t| t.value == "shared") {
        let si = e.try_get_attribute("si").ok()??;
        si.value.parse::<usize>().ok()?;
        if let Some(r) = e.try_get_attribute("ref").ok()? {
            for part in r.value.split(':') {
                parse_ref(part)?;
            }
        }
    }
    Some(())
}

/// The row a `<row>` element starts (its `r`, else the running row).
fn row_start(e: &BytesStart, row: u32) -> Option<u32> {
    match e.try_get_attribute("r").ok()? {
        Some(r) => parse_row(&r.value),
        None => Some(row),
    }
}

/// A `<c>` element's position; moves the running column to it.
fn cell_start(e: &BytesStart, row: u32, col: &mut u32) -> Option<(u32, u32)> {
    match e.try_get_attribute("r").ok()? {
        Some(r) => {
            let at = parse_ref(&r.value)?;
            *col = at.1;
            Some(at)
        }
        None => Some((row, *col)),
    }
}

/// A `<mergeCell ref="A1:B2">` region, as written.
fn merge(e: &BytesStart) -> Option<CellRange> {
    let r = e.try_get_attribute("ref").ok()??;
    let mut parts = r.value.split(':');
    let start = parse_ref(parts.next()?)?;
    let end = match parts.next() {
        Some(p) => parse_ref(p)?,
        None => start,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(CellRange {
        start: CellRef::new(start.0, start.1),
        end: CellRef::new(end.0, end.1),
    })
}

/// `B7` → `(6, 1)`; letters then digits only, within Excel's limits.
fn parse_ref(s: &str) -> Option<(u32, u32)> {
    let split = s.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = s.as_bytes().split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for c in letters {
        if !c.is_ascii_alphabetic() {
            return None;
        }
        col = col * 26 + u32::from(c.to_ascii_uppercase() - b'A') + 1;
    }
    Some((parse_row(std::str::from_utf8(digits).ok()?)?, col - 1))
}

/// `7` → `6`; digits only, 1 ..= 1 048 576.
fn parse_row(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 7 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u32 = s.parse().ok()?;
    (1..=1_048_576).contains(&n).then(|| n - 1)
}
