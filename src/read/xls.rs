//! Reads legacy Excel 97-2003 workbooks (`.xls`, BIFF8; also WPS `.et`/`.ett`, which are the
//! same container) into a [`Workbook`] anchored at A1.
//!
//! Values, dates and merged regions come from calamine. calamine does not say which cells
//! have a percent number format (its formats are only "date", "duration" or "other"), and a
//! form's percent cells (`预算执行率`, `指标值 95%`) mean what their format shows, so the
//! Workbook stream is walked here too: the FORMAT and XF records give each style's number
//! format, and each NUMBER / RK / MULRK / FORMULA record its cell's style, so a cell whose
//! style shows `%` becomes [`CellValue::Percent`] exactly as the xlsx reader makes it. The
//! same walk marks formula cells, reads cell comments (NOTE, OBJ and TXO records; calamine
//! reads none) and checks every sheet's size before calamine allocates it.

use super::cfb::Cfb;
use super::grid::{GridBuilder, MAX_GRID_CELLS};
use super::number::{decimal_from_f64, is_percent_format};
use super::xlsx::{cell, cell_range, data_value, mark_formula};
use super::ReadError;
use crate::sheet::{CellRef, CellValue, ProblemKind, Sheet, Workbook};
use calamine::{Data, Range, Reader, SheetType, Xls, XlsError};
use std::collections::{HashMap, HashSet};
use std::io::Cursor;

/// What the advice for an unreadable legacy workbook says.
const RESAVE: &str = "请在 Excel 或 WPS 中打开，另存为 .xlsx 后再提交";

/// Reads an `.xls` (BIFF8) file's bytes into a workbook with every worksheet, in order.
pub(crate) fn read_xls(bytes: &[u8]) -> Result<Workbook, ReadError> {
    let cfb = Cfb::open(bytes).ok_or_else(|| {
        ReadError::Corrupt(format!(
            "文件以 Excel 97-2003（.xls）的复合文档文件头开头，但结构已损坏。{RESAVE}"
        ))
    })?;
    if cfb.has("EncryptionInfo") || cfb.has("EncryptedPackage") {
        return Err(ReadError::Encrypted);
    }
    let stream = cfb
        .stream("Workbook")
        .or_else(|| cfb.stream("Book"))
        .ok_or_else(|| {
            ReadError::Corrupt(format!(
                "复合文档中没有可读取的工作簿数据流（Workbook），不是 Excel 工作簿或已损坏。{RESAVE}"
            ))
        })?;
    // A workbook stream starts with its BOF record (0x0809 in BIFF5-8; 0x0009, 0x0209 and
    // 0x0409 in BIFF2-4).
    if !matches!(stream.get(..2), Some([0x09, 0x00 | 0x02 | 0x04 | 0x08])) {
        return Err(ReadError::Corrupt(format!(
            "工作簿数据流为空或不以 BOF 记录开头，不是有效的 Excel 97-2003 工作簿。{RESAVE}"
        )));
    }
    let styles = scan(&stream)?;
    let guarded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_with_calamine(bytes, &styles)
    }));
    guarded.unwrap_or_else(|_| {
        Err(ReadError::Corrupt(format!(
            "文件内容损坏，解析时出现内部错误。{RESAVE}"
        )))
    })
}

/// The sheets' values from calamine, with the percent styles and formula marks of [`scan`].
fn read_with_calamine(bytes: &[u8], scanned: &Scanned) -> Result<Workbook, ReadError> {
    let mut xls: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(xls_error)?;
    let sheets: Vec<(usize, String)> = xls
        .sheets_metadata()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.typ == SheetType::WorkSheet)
        .map(|(i, s)| (i, s.name.clone()))
        .collect();
    let mut out = Vec::with_capacity(sheets.len());
    for (i, name) in sheets {
        let range = xls.worksheet_range(&name).map_err(xls_error)?;
        let merges = xls
            .merge_cells_by_sheet_name(&name)
            .unwrap_or_default()
            .iter()
            .map(cell_range)
            .collect();
        let empty = SheetStyles::default();
        let styles = scanned.sheets.get(i).unwrap_or(&empty);
        out.push(sheet_from_range(&name, &range, merges, styles)?);
    }
    Ok(Workbook { sheets: out })
}

/// Which cells of one sheet have a percent format, and which hold a formula.
#[derive(Default)]
pub(super) struct SheetStyles {
    /// Cells shown with `%`.
    pub(super) percent: HashSet<(u32, u32)>,
    /// Cells computed by a formula.
    pub(super) formulas: Vec<(u32, u32)>,
    /// Cell comments (NOTE records with the text of their TXO objects).
    pub(super) comments: Vec<(CellRef, String)>,
}

/// A calamine range (positions relative to its top-left cell) as a sheet anchored at A1.
pub(super) fn sheet_from_range(
    name: &str,
    range: &Range<Data>,
    merges: Vec<crate::sheet::CellRange>,
    styles: &SheetStyles,
) -> Result<Sheet, ReadError> {
    let mut grid = GridBuilder::new(name);
    let (top, left) = range.start().unwrap_or((0, 0));
    for (r, c, data) in range.used_cells() {
        let pos = (top.saturating_add(r as u32), left.saturating_add(c as u32));
        let at = CellRef::new(pos.0, pos.1);
        if let Data::Float(f) = data {
            if decimal_from_f64(*f).is_none() && at.on_sheet() {
                grid.problem_with(
                    ProblemKind::OutOfRange,
                    Some(at),
                    format!("单元格 {at} 的数值 {f} 超出可计算的范围，按无法识别处理"),
                );
            }
        }
        let value = data_value(data, styles.percent.contains(&pos));
        if value != CellValue::Empty {
            grid.put(at, cell(value, false))?;
        }
    }
    for &(row, col) in &styles.formulas {
        mark_formula(&mut grid, CellRef::new(row, col))?;
    }
    let mut sheet = grid.finish(merges)?;
    sheet.comments = styles.comments.clone();
    Ok(sheet)
}

/// Maps calamine's errors onto the reader's user-facing errors.
fn xls_error(e: XlsError) -> ReadError {
    match e {
        XlsError::Password => ReadError::Encrypted,
        other => ReadError::Corrupt(format!(
            "Excel 97-2003（.xls）工作簿内容损坏或版本过旧（{other}）。{RESAVE}"
        )),
    }
}

/// What one walk of the Workbook stream found, per sheet in BoundSheet order.
struct Scanned {
    sheets: Vec<SheetStyles>,
}

/// One BIFF record: its type and data.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
}

/// The records from `at` on (a truncated last record ends the walk).
fn records(stream: &[u8], at: usize) -> impl Iterator<Item = Record<'_>> {
    let mut pos = at;
    std::iter::from_fn(move || {
        let head = stream.get(pos..pos + 4)?;
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let data = stream.get(pos + 4..pos + 4 + len)?;
        pos += 4 + len;
        Some(Record { typ, data })
    })
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

/// Characters of a comment's text from one CONTINUE record (a flag byte, then Latin-1 or
/// UTF-16LE characters), at most `left` of them; returns the text and how many it took.
fn txo_piece(data: &[u8], left: usize) -> (String, usize) {
    let Some((&flags, chars)) = data.split_first() else {
        return (String::new(), 0);
    };
    if flags & 1 == 1 {
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .take(left)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        (String::from_utf16_lossy(&units), units.len())
    } else {
        let taken: String = chars.iter().take(left).map(|&c| char::from(c)).collect();
        let n = chars.len().min(left);
        (taken, n)
    }
}

/// The built-in number formats that show `%` (`0%`, `0.00%`).
fn builtin_percent(ifmt: u16) -> bool {
    matches!(ifmt, 9 | 10)
}

/// A BIFF8 `XLUnicodeString` (2-byte count, flags, Latin-1 or UTF-16LE characters).
fn unicode_string(b: &[u8]) -> Option<String> {
    let cch = usize::from(u16_at(b, 0)?);
    let flags = *b.get(2)?;
    let chars = b.get(3..)?;
    if flags & 1 == 1 {
        let units: Vec<u16> = chars
            .get(..cch * 2)?
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(chars.get(..cch)?.iter().map(|&c| char::from(c)).collect())
    }
}

/// Walks the globals (FORMAT, XF, BoundSheet8) and every worksheet's cell records.
fn scan(stream: &[u8]) -> Result<Scanned, ReadError> {
    let mut percent_formats = HashSet::new();
    let mut xf_percent = Vec::new();
    let mut sheet_pos = Vec::new();
    for r in records(stream, 0) {
        match r.typ {
            // FilePass: the workbook is encrypted (or obfuscated) with a password.
            0x002F => return Err(ReadError::Encrypted),
            0x041E => {
                let (Some(ifmt), Some(code)) = (u16_at(r.data, 0), r.data.get(2..)) else {
                    continue;
                };
                if unicode_string(code).is_some_and(|c| is_percent_format(&c)) {
                    percent_formats.insert(ifmt);
                }
            }
            0x00E0 => {
                let ifmt = u16_at(r.data, 2).unwrap_or(0);
                xf_percent.push(builtin_percent(ifmt) || percent_formats.contains(&ifmt));
            }
            0x0085 => {
                if let Some(pos) = u32_at(r.data, 0) {
                    sheet_pos.push((pos as usize, r.data.get(5).copied().unwrap_or(0)));
                }
            }
            0x000A => break,
            _ => {}
        }
    }
    let mut sheets = Vec::with_capacity(sheet_pos.len());
    for (pos, kind) in sheet_pos {
        // Only worksheets (dt = 0) hold cells; charts and macro sheets are skipped.
        if kind != 0 {
            sheets.push(SheetStyles::default());
            continue;
        }
        sheets.push(scan_sheet(stream, pos, &xf_percent, sheets.len())?);
    }
    Ok(Scanned { sheets })
}

/// The cells calamine reserves for a DIMENSIONS record, computed as calamine computes it
/// (wrapping, as its release build does): a reversed or absurd record means a huge area.
fn dimensions_area(data: &[u8]) -> u64 {
    let fields = match data.len() {
        10 => (
            u16_at(data, 0).map(u32::from),
            u16_at(data, 2).map(u32::from),
            u16_at(data, 4).map(u32::from),
            u16_at(data, 6).map(u32::from),
        ),
        14 | 16 => (
            u32_at(data, 0),
            u32_at(data, 4),
            u16_at(data, 8).map(u32::from),
            u16_at(data, 10).map(u32::from),
        ),
        // calamine refuses other lengths.
        _ => return 0,
    };
    let (Some(rf), Some(rl), Some(mut cf), Some(cl)) = fields else {
        return 0;
    };
    if cf > 0xFF || cl < cf {
        cf = 0;
    }
    if rl < 1 || cl < 1 {
        return 1;
    }
    let rows = u64::from((rl - 1).wrapping_sub(rf).wrapping_add(1));
    let cols = u64::from((cl - 1).wrapping_sub(cf).wrapping_add(1));
    // calamine multiplies as usize (saturating): a wrapped count of 0 still reserves nothing.
    rows.saturating_mul(cols)
}

/// One worksheet's substream: percent cells, formula cells, and its size checked.
fn scan_sheet(
    stream: &[u8],
    pos: usize,
    xf_percent: &[bool],
    index: usize,
) -> Result<SheetStyles, ReadError> {
    let mut styles = SheetStyles::default();
    let mut extent: Option<(u32, u32, u32, u32)> = None;
    let mut depth = 0usize;
    let mut seen_bof = false;
    // Comments: an OBJ record names a comment object, its TXO record and the CONTINUE records
    // after it hold the text, and a NOTE record at the end ties the object to its cell.
    let mut texts: HashMap<u16, String> = HashMap::new();
    let mut object: Option<u16> = None;
    let mut reading: Option<(u16, usize, String)> = None;
    let mut notes = Vec::new();
    let mut note = |row: u32, col: u32, ixfe: Option<u16>, styles: &mut SheetStyles| {
        extent = Some(match extent {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
        if ixfe.is_some_and(|x| xf_percent.get(usize::from(x)) == Some(&true)) {
            styles.percent.insert((row, col));
        }
    };
    let too_large = || {
        ReadError::Unsupported(format!(
            "第 {} 张工作表的数据范围过大（超过 {MAX_GRID_CELLS} 个单元格），不像是一张自评表",
            index + 1
        ))
    };
    for r in records(stream, pos) {
        if let Some((id, left, mut text)) = reading.take() {
            if r.typ == 0x003C && left > 0 {
                let (piece, used) = txo_piece(r.data, left);
                text.push_str(&piece);
                let left = left - used.min(left);
                if left > 0 && used > 0 {
                    reading = Some((id, left, text));
                } else {
                    texts.insert(id, text);
                }
                continue;
            }
            texts.insert(id, text);
        }
        match r.typ {
            0x0809 if seen_bof => depth += 1,
            0x0809 => seen_bof = true,
            0x000A if depth > 0 => depth -= 1,
            0x000A => break,
            _ if depth > 0 => {}
            // Dimensions: calamine reserves this area before reading a cell.
            0x0200 if dimensions_area(r.data) > MAX_GRID_CELLS => return Err(too_large()),
            0x0203 | 0x027E | 0x0006 | 0x00FD | 0x0204 | 0x00D6 | 0x0205 => {
                let (Some(row), Some(col)) = (u16_at(r.data, 0), u16_at(r.data, 2)) else {
                    continue;
                };
                let (row, col) = (u32::from(row), u32::from(col));
                let styled = matches!(r.typ, 0x0203 | 0x027E | 0x0006);
                note(
                    row,
                    col,
                    styled.then(|| u16_at(r.data, 4)).flatten(),
                    &mut styles,
                );
                if r.typ == 0x0006 {
                    styles.formulas.push((row, col));
                }
            }
            // OBJ: its first subrecord (FtCmo) gives the object's kind and id; 0x19 is a comment.
            0x005D => {
                object = (u16_at(r.data, 0) == Some(0x15) && u16_at(r.data, 4) == Some(0x19))
                    .then(|| u16_at(r.data, 6))
                    .flatten();
            }
            // TXO: the text of the object just declared, cchText characters in CONTINUEs.
            0x01B6 => {
                if let (Some(id), Some(cch)) = (object.take(), u16_at(r.data, 10)) {
                    reading = Some((id, usize::from(cch), String::new()));
                }
            }
            // NOTE: row, column, flags, the object id.
            0x001C => {
                if let (Some(row), Some(col), Some(id)) =
                    (u16_at(r.data, 0), u16_at(r.data, 2), u16_at(r.data, 6))
                {
                    notes.push((CellRef::new(u32::from(row), u32::from(col)), id));
                }
            }
            0x00BD => {
                let (Some(row), Some(first)) = (u16_at(r.data, 0), u16_at(r.data, 2)) else {
                    continue;
                };
                let n = r.data.len().saturating_sub(6) / 6;
                for i in 0..n {
                    let ixfe = u16_at(r.data, 4 + 6 * i);
                    let col = u32::from(first) + i as u32;
                    note(u32::from(row), col, ixfe, &mut styles);
                }
            }
            _ => {}
        }
    }
    if let Some((id, _, text)) = reading {
        texts.insert(id, text);
    }
    styles.comments = notes
        .into_iter()
        .filter_map(|(at, id)| {
            Some((
                at,
                texts.get(&id)?.replace("\r\n", "\n").replace('\r', "\n"),
            ))
        })
        .collect();
    // calamine allocates the cells' bounding box densely.
    if let Some((r0, r1, c0, c1)) = extent {
        if u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1) > MAX_GRID_CELLS {
            return Err(too_large());
        }
    }
    Ok(styles)
}
