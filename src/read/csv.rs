//! Reads CSV text into a one-sheet [`Workbook`]: every field is text, at (line, field).
//!
//! Forms exported to CSV come as UTF-8 (with or without BOM) or, from Chinese Excel, as GBK /
//! GB18030. Blank lines keep their row so addresses match what Excel shows when it opens the file.

use super::grid::GridBuilder;
use super::ReadError;
use crate::sheet::{Cell, CellRef, CellValue, Workbook};
use encoding_rs::{Encoding, GB18030};
use std::borrow::Cow;

/// Reads a CSV file's bytes as a workbook with one sheet named `sheet_name`.
///
/// `encoding` is a WHATWG label (`"utf-8"`, `"gbk"`, `"gb18030"`); without it a BOM decides, then
/// valid UTF-8, then GB18030 (a superset of GBK). Fields are never trimmed or converted: a CSV
/// has no types, so numbers stay [`CellValue::Text`] for later stages to interpret.
pub(crate) fn read_csv(
    bytes: &[u8],
    sheet_name: &str,
    encoding: Option<&str>,
) -> Result<Workbook, ReadError> {
    let text = decode(bytes, encoding)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut grid = GridBuilder::new(sheet_name);
    // The csv crate skips blank lines; count them back in so rows match the file's lines.
    let mut row: u64 = 0;
    for record in reader.records() {
        let record = record.map_err(|e| ReadError::Corrupt(format!("CSV 内容无法解析（{e}）")))?;
        if let Some(pos) = record.position() {
            let byte = usize::try_from(pos.byte()).unwrap_or(usize::MAX);
            row += blank_lines_at(text.as_bytes(), byte);
        }
        let row_index =
            u32::try_from(row).map_err(|_| ReadError::Unsupported("CSV 行数超出上限".into()))?;
        for (col, field) in record.iter().enumerate() {
            if field.is_empty() {
                continue;
            }
            let col = u32::try_from(col)
                .map_err(|_| ReadError::Unsupported("CSV 列数超出上限".into()))?;
            grid.put(
                CellRef::new(row_index, col),
                Cell {
                    value: CellValue::Text(field.to_string()),
                    merged: None,
                    formula: false,
                },
            )?;
        }
        row += 1;
    }
    Ok(Workbook {
        sheets: vec![grid.finish(Vec::new())?],
    })
}

/// Counts the blank lines the csv crate skipped before the record it started reading at `pos`.
///
/// The reader reports a record's position as the byte after the previous record's terminator,
/// where `\r\n` may have been consumed only up to its `\r`. Any of `\r\n`, `\n`, `\r` ends a line.
fn blank_lines_at(text: &[u8], pos: usize) -> u64 {
    let mut i = pos;
    if pos > 0 && text.get(pos - 1) == Some(&b'\r') && text.get(pos) == Some(&b'\n') {
        i += 1;
    }
    let mut blank = 0;
    while let Some(&b) = text.get(i) {
        match b {
            b'\r' if text.get(i + 1) == Some(&b'\n') => i += 2,
            b'\r' | b'\n' => i += 1,
            _ => break,
        }
        blank += 1;
    }
    blank
}

/// Decodes the file to text, by explicit label or by detection.
fn decode<'a>(bytes: &'a [u8], label: Option<&str>) -> Result<Cow<'a, str>, ReadError> {
    if let Some(label) = label {
        let encoding = Encoding::for_label(label.trim().as_bytes())
            .ok_or_else(|| ReadError::Encoding(format!("不认识的编码名称“{label}”")))?;
        // A BOM, when present, wins over the label (as browsers and Excel do).
        let (text, used, had_errors) = encoding.decode(bytes);
        if had_errors {
            return Err(ReadError::Encoding(format!(
                "文件内容不是有效的 {} 编码",
                used.name()
            )));
        }
        return Ok(text);
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        return encoding
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or_else(|| {
                ReadError::Encoding(format!(
                    "文件以 {} 的 BOM 开头，但内容不是有效的 {0} 编码",
                    encoding.name()
                ))
            });
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Cow::Borrowed(text));
    }
    GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| {
            ReadError::Encoding(
                "文件既不是 UTF-8 也不是 GBK/GB18030 编码，请另存为 UTF-8 CSV 后再提交".into(),
            )
        })
}
