//! Reads `.xlsx` / `.xlsm` workbooks through calamine into a [`Workbook`] anchored at A1.
//!
//! Cells are streamed with their absolute positions (calamine's `Range` would be relative to the
//! used range's top-left cell, and dense). Number formats come from calamine's cell styles:
//! percent formats turn a number into [`CellValue::Percent`]; calamine already recognises dates.
//! Cell comments are read from the package separately (calamine does not expose them).

use super::comments::sheet_comments;
use super::grid::GridBuilder;
use super::marks::{scan_workbook, SheetMarks};
use super::number::{decimal_from_f64, is_percent_format, parse_iso_date};
use super::ReadError;
use crate::opc::{OpcError, Package};
use crate::sheet::{
    Cell, CellProblem, CellRange, CellRef, CellValue, Date, ProblemKind, Sheet, Workbook,
};
use calamine::{
    open_workbook_from_rs, Data, Dimensions, ExcelDateTime, Reader, SheetType, Style, Xlsx,
    XlsxError,
};
use rust_decimal::Decimal;
use std::io::Cursor;

/// The first bytes of an OLE compound file (CFB): legacy `.xls` files and encrypted OOXML.
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads an `.xlsx` / `.xlsm` file's bytes into a workbook with every sheet, in workbook order.
///
/// Only worksheets are read (chart sheets and dialog sheets hold no cells). Encrypted files and
/// legacy binary `.xls` files are recognised and reported, garbage is [`ReadError::Corrupt`].
pub(crate) fn read_xlsx(bytes: &[u8]) -> Result<Workbook, ReadError> {
    read_bytes(bytes, Path::Own)
}

/// Reads with calamine's walks only (no one-walk scan), so tests can check the scan changes
/// nothing.
#[cfg(test)]
pub(super) fn read_xlsx_unscanned(bytes: &[u8]) -> Result<Workbook, ReadError> {
    read_bytes(bytes, Path::Calamine { scan: false })
}

/// Reads through calamine (values) and the marks walk, never the own reader: the oracle the
/// own reader is tested against.
#[cfg(test)]
pub(super) fn read_xlsx_calamine(bytes: &[u8]) -> Result<Workbook, ReadError> {
    read_bytes(bytes, Path::Calamine { scan: true })
}

/// The own reader alone: its workbook, or `None` where it declines (or the package is refused).
#[cfg(test)]
pub(super) fn read_xlsx_own(bytes: &[u8]) -> Option<Workbook> {
    let mut pkg = Package::open(bytes).ok()?;
    pkg.verify().ok()?;
    super::own::read(&mut pkg)
}

/// The own reader with every worksheet walked event by event (no byte scanner).
#[cfg(test)]
pub(super) fn read_xlsx_own_events(bytes: &[u8]) -> Option<Workbook> {
    let mut pkg = Package::open(bytes).ok()?;
    pkg.verify().ok()?;
    super::own::read_with(&mut pkg, false)
}

/// Which reader reads a package's cells.
#[derive(Clone, Copy)]
enum Path {
    /// The own reader (`read::own`), calamine's path where it declines.
    Own,
    /// calamine for values; formula marks and merges from the one-walk scan (`read::marks`)
    /// when `scan`, else from calamine's walks too.
    #[cfg_attr(not(test), allow(dead_code))]
    Calamine {
        /// Whether to use the one-walk scan.
        scan: bool,
    },
}

/// [`read_xlsx`] by the given path.
fn read_bytes(bytes: &[u8], path: Path) -> Result<Workbook, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Corrupt("文件为空".into()));
    }
    if bytes.starts_with(&CFB_MAGIC) {
        return Err(compound_file_error(bytes));
    }
    if !bytes.starts_with(b"PK") {
        return Err(ReadError::Corrupt(
            "文件不是 xlsx 格式（缺少 ZIP 文件头），可能已损坏或扩展名有误".into(),
        ));
    }
    // One package reader for the whole workbook; bombs and damaged parts are refused before
    // any XML is parsed.
    let mut pkg = Package::open(bytes).map_err(package_error)?;
    pkg.verify().map_err(package_error)?;
    let scan = match path {
        Path::Own => match super::own::read(&mut pkg) {
            Some(book) => return Ok(book),
            None => true,
        },
        Path::Calamine { scan } => scan,
    };
    match guarded_read(bytes, &mut pkg, scan) {
        // A few malformed cells: read a copy without them, and report each at its cell.
        Err(ReadError::Corrupt(why)) => match super::repair::repair(&mut pkg) {
            Some((fixed, cuts)) => {
                let mut fixed_pkg = Package::open(&fixed).map_err(package_error)?;
                let mut book = guarded_read(&fixed, &mut fixed_pkg, scan)
                    .map_err(|_| ReadError::Corrupt(why))?;
                let names: Vec<(String, String)> = match pkg.sheets() {
                    Ok(Some(sheets)) => sheets.into_iter().map(|s| (s.part, s.name)).collect(),
                    _ => Vec::new(),
                };
                for cut in cuts {
                    let name = names.iter().find(|(p, _)| *p == cut.part).map(|(_, n)| n);
                    let sheet = match book.sheets.iter_mut().position(|s| Some(&s.name) == name) {
                        Some(i) => &mut book.sheets[i],
                        None => match book.sheets.first_mut() {
                            Some(s) => s,
                            None => break,
                        },
                    };
                    sheet.problems.push(CellProblem {
                        at: cut.at,
                        kind: ProblemKind::Malformed,
                        message: cut.message,
                    });
                }
                Ok(book)
            }
            None => Err(ReadError::Corrupt(why)),
        },
        other => other,
    }
}

/// The reader's error for a package problem: too large is unsupported, anything else damaged.
fn package_error(e: OpcError) -> ReadError {
    match e {
        OpcError::TooManyEntries(_) | OpcError::PartTooLarge(_) | OpcError::PackageTooLarge => {
            ReadError::Unsupported(e.to_string())
        }
        OpcError::NotZip(_)
        | OpcError::Damaged { .. }
        | OpcError::NotText(_)
        | OpcError::Xml { .. } => ReadError::Corrupt(e.to_string()),
    }
}

/// [`read_zip`], with a panic inside calamine (not ours) reported as a damaged file.
fn guarded_read(bytes: &[u8], pkg: &mut Package<'_>, scan: bool) -> Result<Workbook, ReadError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_zip(bytes, pkg, scan))) {
        Ok(result) => result,
        Err(_) => Err(ReadError::Corrupt(
            "文件内容损坏，解析时出现内部错误".into(),
        )),
    }
}

/// Explains why an OLE compound file cannot be read as a workbook.
///
/// Directory entry names are stored as UTF-16LE, so a byte search for them is enough to tell an
/// encrypted OOXML package from a legacy `.xls` without parsing the whole container.
fn compound_file_error(bytes: &[u8]) -> ReadError {
    let has_entry = |name: &str| {
        let needle: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
        bytes.windows(needle.len()).any(|w| w == needle.as_slice())
    };
    if has_entry("EncryptionInfo") || has_entry("EncryptedPackage") {
        return ReadError::Encrypted;
    }
    if has_entry("Workbook") || has_entry("Book") {
        return ReadError::Unsupported(
            "这是旧版 Excel 97-2003（.xls）文件，请在 Excel 中另存为 .xlsx 后再提交".into(),
        );
    }
    // Some other compound file given as a workbook: most often a protected workbook whose
    // directory we could not recognise.
    ReadError::Encrypted
}

/// Opens the zip package and reads every worksheet; `scan` takes formula marks and merges
/// from one walk of each sheet instead of calamine's two extra walks.
fn read_zip(bytes: &[u8], pkg: &mut Package<'_>, scan: bool) -> Result<Workbook, ReadError> {
    let mut xlsx: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).map_err(xlsx_error)?;
    let names = super::worksheet_names(xlsx.sheets_metadata());
    // One walk per sheet for formula marks and merges; calamine's own walks if that fails.
    let kinds: Vec<SheetType> = xlsx.sheets_metadata().iter().map(|s| s.typ).collect();
    let scanned = if scan {
        scan_workbook(pkg, kinds.len())
    } else {
        None
    };
    let mut marks = scanned.map(|all| {
        all.into_iter()
            .zip(kinds)
            .filter(|(_, k)| *k == SheetType::WorkSheet)
            .map(|(m, _)| m)
    });
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let sheet_marks = marks.as_mut().and_then(Iterator::next);
        match read_sheet(&mut xlsx, &name, sheet_marks) {
            Ok(sheet) => sheets.push(sheet),
            // One oversized sheet is skipped and reported; the workbook's other sheets are read.
            Err(ReadError::SheetTooLarge(why)) => sheets.push(GridBuilder::not_read(&name, &why)?),
            Err(e) => return Err(e),
        }
    }
    let mut comments = sheet_comments(pkg);
    for sheet in &mut sheets {
        sheet.comments = comments.remove(&sheet.name).unwrap_or_default();
    }
    Ok(Workbook { sheets })
}

/// Reads one worksheet: values with their number formats, formula marks, merged regions.
///
/// Cells are streamed (calamine's `worksheet_range` would allocate the whole used rectangle
/// densely before we could check its size); positions from the stream are absolute. Formula
/// marks and merges come from `marks` when the one-walk scan managed, else from calamine.
fn read_sheet(
    xlsx: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    marks: Option<SheetMarks>,
) -> Result<Sheet, ReadError> {
    let mut grid = GridBuilder::new(name);

    let mut cells = xlsx.worksheet_cells_reader(name).map_err(xlsx_error)?;
    while let Some((c, style_id)) = cells.next_cell_with_style_id().map_err(xlsx_error)? {
        let data: Data = c.get_value().clone().into();
        let at = cell_ref(c.get_position());
        let value = cell_value(&data, cells.styles().get(style_id));
        if let Data::Float(f) = data {
            if decimal_from_f64(f).is_none() && at.on_sheet() {
                grid.problem_with(
                    ProblemKind::OutOfRange,
                    Some(at),
                    format!("单元格 {at} 的数值 {f} 超出可计算的范围，按无法识别处理"),
                );
            }
        }
        if value != CellValue::Empty {
            grid.put(at, cell(value, false))?;
        }
    }
    drop(cells);

    if let Some(marks) = marks {
        for at in marks.formulas {
            mark_formula(&mut grid, cell_ref(at))?;
        }
        return grid.finish(marks.merges);
    }

    let mut cells = xlsx.worksheet_cells_reader(name).map_err(xlsx_error)?;
    while let Some(record) = cells
        .next_cell_with_formula_metadata()
        .map_err(xlsx_error)?
    {
        if record.formula.is_none() {
            continue;
        }
        mark_formula(&mut grid, cell_ref(record.pos))?;
    }
    drop(cells);

    let merges = xlsx
        .merge_cells_by_sheet_name(name)
        .map_err(xlsx_error)?
        .iter()
        .map(cell_range)
        .collect();
    grid.finish(merges)
}

/// Marks a cell as computed by a formula.
pub(super) fn mark_formula(grid: &mut GridBuilder, at: CellRef) -> Result<(), ReadError> {
    match grid.cell_mut(at) {
        Some(c) => c.formula = true,
        // A formula whose cached result is empty (or was never computed).
        None => grid.put(at, cell(CellValue::Empty, true))?,
    }
    Ok(())
}

/// calamine's absolute `(row, col)` as a cell reference.
fn cell_ref((row, col): (u32, u32)) -> CellRef {
    CellRef::new(row, col)
}

/// A cell outside any merged region (merges are spread afterwards).
pub(super) fn cell(value: CellValue, formula: bool) -> Cell {
    Cell {
        value,
        merged: None,
        formula,
    }
}

/// calamine's inclusive `(row, col)` dimensions as a merged region.
pub(super) fn cell_range(d: &Dimensions) -> CellRange {
    CellRange {
        start: CellRef::new(d.start.0, d.start.1),
        end: CellRef::new(d.end.0, d.end.1),
    }
}

/// Converts calamine's value and the cell's style into what the filer sees.
fn cell_value(data: &Data, style: Option<&Style>) -> CellValue {
    let percent = style
        .and_then(|s| s.number_format.as_ref())
        .is_some_and(|f| matches!(f.format_id, Some(9 | 10)) || is_percent_format(&f.format_code));
    data_value(data, percent)
}

/// Converts calamine's value into what the filer sees; `percent` when the cell's number format
/// shows it with `%` (every reader finds that out its own way, calamine only for xlsx).
pub(super) fn data_value(data: &Data, percent: bool) -> CellValue {
    match data {
        Data::Empty => CellValue::Empty,
        Data::String(s) if s.is_empty() => CellValue::Empty,
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Int(i) => number_value(Decimal::from(*i), percent),
        Data::Float(f) => match decimal_from_f64(*f) {
            Some(d) => number_value(d, percent),
            // Outside Decimal's range: keep what the file holds rather than invent a number.
            None => CellValue::Text(format!("{f}")),
        },
        Data::Bool(b) => CellValue::Bool(*b),
        Data::Error(e) => CellValue::Error(e.to_string()),
        Data::DateTime(dt) => date_time_value(dt),
        Data::DateTimeIso(s) => match parse_iso_date(s) {
            Some(d) => CellValue::Date(d),
            None => CellValue::Text(s.clone()),
        },
        Data::DurationIso(s) => CellValue::Text(s.clone()),
    }
}

/// A number, or a percent when the cell's number format shows it with `%`.
pub(super) fn number_value(d: Decimal, percent: bool) -> CellValue {
    if percent {
        CellValue::Percent(d)
    } else {
        CellValue::Number(d)
    }
}

/// A serial number with a date or time format.
///
/// Dates (with or without a time part) become [`CellValue::Date`]; durations (`[h]:mm:ss`) stay
/// numbers; a time of day alone (serial below 1) becomes its `H:MM:SS` text, since the sheet
/// model has no time type and a form never needs one.
fn date_time_value(dt: &ExcelDateTime) -> CellValue {
    let serial = dt.as_f64();
    let as_number = || match decimal_from_f64(serial) {
        Some(d) => CellValue::Number(d),
        None => CellValue::Text(format!("{serial}")),
    };
    if dt.is_duration() || !serial.is_finite() || serial < 0.0 {
        return as_number();
    }
    let (year, month, day, hour, minute, second, _) = dt.to_ymd_hms_milli();
    if serial < 1.0 {
        return CellValue::Text(format!("{hour}:{minute:02}:{second:02}"));
    }
    CellValue::Date(Date {
        year: i32::from(year),
        month: u32::from(month),
        day: u32::from(day),
    })
}

/// Maps calamine's errors onto the reader's user-facing errors.
fn xlsx_error(e: XlsxError) -> ReadError {
    match e {
        XlsxError::Password => ReadError::Encrypted,
        XlsxError::Zip(z) => ReadError::Corrupt(format!(
            "文件不是有效的 xlsx 压缩包，可能已损坏或不完整（{z}）"
        )),
        other => ReadError::Corrupt(format!("工作簿内容损坏（{other}）")),
    }
}
