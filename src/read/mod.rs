//! The read stage: file bytes → [`Workbook`], every value at its exact cell.
//!
//! Two formats: `.xlsx`/`.xlsm` (through calamine) and `.csv` (through the csv crate, with
//! UTF-8 or GBK/GB18030 text). The stage knows nothing about forms: it only turns files into
//! grids anchored at A1, with merged regions spread and formulas marked.

mod comments;
mod csv;
mod grid;
mod marks;
mod number;
mod repair;
mod xlsx;

#[cfg(test)]
mod tests;

pub(crate) use self::csv::read_csv;
pub(crate) use self::xlsx::read_xlsx;

use crate::sheet::Workbook;

/// The file formats the reader understands; picks the reader for a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Office Open XML workbook (`.xlsx`, and `.xlsm` with macros).
    Xlsx,
    /// Comma-separated text, one sheet.
    Csv,
}

/// The format a file name's extension names (case-insensitive), or `None` if unsupported.
pub(crate) fn format_of(file_name: &str) -> Option<Format> {
    let (_, ext) = file_name.rsplit_once('.')?;
    match ext.to_ascii_lowercase().as_str() {
        "xlsx" | "xlsm" => Some(Format::Xlsx),
        "csv" => Some(Format::Csv),
        _ => None,
    }
}

/// Reads a file's bytes with the reader its name calls for, so callers need one entry point.
///
/// A CSV's single sheet is named after the file stem (`P1.csv` → `P1`); `encoding` applies to
/// CSV only. Unknown extensions (including legacy `.xls`) are [`ReadError::Unsupported`].
pub(crate) fn read_file_bytes(
    file_name: &str,
    bytes: &[u8],
    encoding: Option<&str>,
) -> Result<Workbook, ReadError> {
    match format_of(file_name) {
        Some(Format::Xlsx) => read_xlsx(bytes),
        Some(Format::Csv) => read_csv(bytes, file_stem(file_name), encoding),
        None => Err(ReadError::Unsupported(format!(
            "不支持的文件类型：{file_name}"
        ))),
    }
}

/// The file name without directories and extension.
fn file_stem(file_name: &str) -> &str {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    base.rsplit_once('.').map_or(base, |(stem, _)| stem)
}

/// Why a file could not be read; messages are for the filer, Chinese first.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    /// The bytes are not a readable workbook (garbage, truncated zip, broken XML).
    #[error("无法读取工作簿：{0}")]
    Corrupt(String),
    /// The workbook is encrypted / has an open password.
    #[error(
        "无法读取工作簿：文件已加密或设置了打开密码。请在 Excel 中取消密码后另存为 .xlsx 再提交"
    )]
    Encrypted,
    /// The CSV text is not in a supported encoding (or not the one named).
    #[error("无法识别文件编码：{0}")]
    Encoding(String),
    /// A format or size the reader does not handle (legacy `.xls`, unknown extension).
    #[error("不支持的文件：{0}")]
    Unsupported(String),
    /// One sheet would need more cells than the grid budget allows (the other sheets of the
    /// workbook are still read).
    #[error("{0}")]
    SheetTooLarge(String),
}
