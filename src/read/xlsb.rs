//! Reads Excel binary workbooks (`.xlsb`) through calamine into a [`Workbook`] anchored at A1.
//!
//! Values, dates and formula marks come from calamine's cell stream (absolute positions).
//! Not read: merged regions and percent number formats (calamine exposes neither for `.xlsb`,
//! so a `95%` cell reads as the number 0.95) and cell comments. docs/formats.md says so.

use super::grid::GridBuilder;
use super::number::decimal_from_f64;
use super::xlsx::{cell, data_value, mark_formula};
use super::ReadError;
use crate::sheet::{CellRef, CellValue, ProblemKind, Workbook};
use calamine::{Data, Reader, Xlsb, XlsbError};
use std::io::Cursor;

/// Reads an `.xlsb` file's bytes into a workbook with every worksheet, in workbook order.
pub(crate) fn read_xlsb(bytes: &[u8]) -> Result<Workbook, ReadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(bytes))).unwrap_or_else(|_| {
        Err(ReadError::Corrupt(
            "文件内容损坏，解析时出现内部错误".into(),
        ))
    })
}

fn read(bytes: &[u8]) -> Result<Workbook, ReadError> {
    let mut xlsb: Xlsb<_> = Xlsb::new(Cursor::new(bytes)).map_err(xlsb_error)?;
    let names = super::worksheet_names(xlsb.sheets_metadata());
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let mut grid = GridBuilder::new(&name);
        let mut cells = xlsb.worksheet_cells_reader(&name).map_err(xlsb_error)?;
        let mut too_large = None;
        while let Some(c) = cells.next_cell().map_err(xlsb_error)? {
            let data: Data = c.get_value().clone().into();
            let (row, col) = c.get_position();
            let at = CellRef::new(row, col);
            if let Data::Float(f) = data {
                if decimal_from_f64(f).is_none() && at.on_sheet() {
                    grid.problem_with(
                        ProblemKind::OutOfRange,
                        Some(at),
                        format!("单元格 {at} 的数值 {f} 超出可计算的范围，按无法识别处理"),
                    );
                }
            }
            let value = data_value(&data, false);
            if value != CellValue::Empty {
                if let Err(e) = grid.put(at, cell(value, false)) {
                    too_large = Some(e);
                    break;
                }
            }
        }
        drop(cells);
        // Formula marks: a second walk (the first one consumed the stream).
        let mut cells = xlsb.worksheet_cells_reader(&name).map_err(xlsb_error)?;
        while too_large.is_none() {
            match cells.next_formula() {
                Ok(Some(f)) if !f.get_value().is_empty() => {
                    let (row, col) = f.get_position();
                    if let Err(e) = mark_formula(&mut grid, CellRef::new(row, col)) {
                        too_large = Some(e);
                    }
                }
                Ok(Some(_)) => {}
                _ => break,
            }
        }
        drop(cells);
        match too_large {
            None => sheets.push(grid.finish(Vec::new())?),
            Some(ReadError::SheetTooLarge(why)) => sheets.push(GridBuilder::not_read(&name, &why)?),
            Some(e) => return Err(e),
        }
    }
    Ok(Workbook { sheets })
}

/// Maps calamine's errors onto the reader's user-facing errors.
fn xlsb_error(e: XlsbError) -> ReadError {
    match e {
        XlsbError::Password => ReadError::Encrypted,
        other => ReadError::Corrupt(format!(
            "Excel 二进制工作簿（.xlsb）内容损坏（{other}）。请在 Excel 中另存为 .xlsx 后再提交"
        )),
    }
}
