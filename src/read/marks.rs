//! Formula marks and merged regions of every worksheet, from one walk of each sheet's XML.
//!
//! calamine 0.38 has no call that gives a cell's value, style and formula together, and reads
//! merged regions with a walk of its own: asking it for all three inflates and parses each sheet
//! three times. The reader keeps calamine for values (shared strings, dates, styles) and takes
//! formula marks and merges from this single, allocation-light scan instead. Whenever the
//! package or a sheet looks unusual (paths it cannot find, references it does not understand)
//! the scan gives up with `None` and the reader falls back to calamine's own walks, so errors
//! and edge cases behave exactly as before.

use crate::opc::Package;
use crate::sheet::{CellRange, CellRef};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

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
pub(super) fn scan_workbook(pkg: &mut Package<'_>, sheet_count: usize) -> Option<Vec<SheetMarks>> {
    let sheets = pkg.sheets().ok()??;
    if sheets.len() != sheet_count {
        return None;
    }
    sheets
        .iter()
        .map(|sheet| scan_sheet(&pkg.read(&sheet.part).ok()??))
        .collect()
}

/// Walks one sheet's XML: the cells holding `<f>` and the `<mergeCell>` regions.
///
/// Positions follow calamine's rules (a cell's `r`, else the running row and column) so the
/// marks land on the cells calamine reports values for.
pub(super) fn scan_sheet(xml: &[u8]) -> Option<SheetMarks> {
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
pub(super) fn check_formula(e: &BytesStart) -> Option<()> {
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
pub(super) fn merge(e: &BytesStart) -> Option<CellRange> {
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

/// `B7` → `(6, 1)`, with the one strict A1 parser ([`CellRef::from_a1`]).
fn parse_ref(s: &str) -> Option<(u32, u32)> {
    CellRef::from_a1(s).map(|c| (c.row, c.col))
}

/// `7` → `6`; digits only, 1 ..= 1 048 576.
fn parse_row(s: &str) -> Option<u32> {
    CellRef::row_from_a1(s)
}
