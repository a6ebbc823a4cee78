//! The read stage: file bytes → [`Workbook`], every value at its exact cell.
//!
//! Formats: `.xlsx`/`.xlsm` (calamine and the package reader), `.xls`/`.et` (calamine, with
//! percent formats from the BIFF records), `.xlsb` (calamine), `.ods` (its `content.xml`) and
//! `.csv` (the csv crate, UTF-8 or GBK/GB18030 text); [`sniff`] tells them apart by content.
//! The stage knows nothing about forms: it only turns files into grids anchored at A1, with
//! merged regions spread and formulas marked.

mod cfb;
mod comments;
mod csv;
mod grid;
mod marks;
mod number;
mod ods;
mod own;
mod rawxml;
mod repair;
mod sniff;
mod xls;
mod xlsb;
mod xlsx;

#[cfg(test)]
mod formats_tests;
#[cfg(test)]
mod oracle_styles;
#[cfg(test)]
mod oracle_tests;
#[cfg(test)]
mod tests;

pub(crate) use self::csv::read_csv;
pub(crate) use self::ods::read_ods;
pub(crate) use self::sniff::{format_name, sniff, Sniffed};
pub(crate) use self::xls::read_xls;
pub(crate) use self::xlsb::read_xlsb;
pub(crate) use self::xlsx::read_xlsx;

use crate::sheet::Workbook;

/// The names of a calamine workbook's worksheets (chart sheets and macro sheets left out), in
/// workbook order: what every calamine-backed reader reads.
pub(crate) fn worksheet_names(sheets: &[calamine::Sheet]) -> Vec<String> {
    sheets
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}

/// The file formats the reader understands; picks the reader for a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// Office Open XML workbook (`.xlsx`, and `.xlsm` with macros; templates `.xltx`/`.xltm`).
    Xlsx,
    /// Excel binary workbook (`.xlsb`).
    Xlsb,
    /// Legacy Excel 97-2003 workbook (`.xls`, `.xlt`), also WPS `.et`/`.ett`.
    Xls,
    /// OpenDocument spreadsheet (`.ods`, `.ots`).
    Ods,
    /// Comma-separated text, one sheet.
    Csv,
    /// A canonical form as YAML or JSON text (read by the extract stage, not here).
    Canonical,
}

/// The format a file name's extension names (case-insensitive), or `None` if unsupported.
pub(crate) fn format_of(file_name: &str) -> Option<Format> {
    let (_, ext) = file_name.rsplit_once('.')?;
    match ext.to_ascii_lowercase().as_str() {
        "xlsx" | "xlsm" | "xltx" | "xltm" => Some(Format::Xlsx),
        "xlsb" => Some(Format::Xlsb),
        "xls" | "xlt" | "et" | "ett" => Some(Format::Xls),
        "ods" | "ots" => Some(Format::Ods),
        "csv" => Some(Format::Csv),
        "yaml" | "yml" | "json" => Some(Format::Canonical),
        _ => None,
    }
}

/// Reads a file's bytes with the reader its content calls for (the name is a hint, see
/// [`sniff`]): the readers' tests' one entry point (the engine goes through `run::read_input`).
///
/// A CSV's single sheet is named after the file stem (`P1.csv` → `P1`); `encoding` applies to
/// CSV only. Canonical YAML/JSON text is not a workbook: [`ReadError::Unsupported`].
#[cfg(test)]
pub(crate) fn read_file_bytes(
    file_name: &str,
    bytes: &[u8],
    encoding: Option<&str>,
) -> Result<Workbook, ReadError> {
    read_as(sniff(file_name, bytes).format?, file_name, bytes, encoding)
}

/// Reads a file's bytes with the reader for `format`.
pub(crate) fn read_as(
    format: Format,
    file_name: &str,
    bytes: &[u8],
    encoding: Option<&str>,
) -> Result<Workbook, ReadError> {
    match format {
        Format::Xlsx => read_xlsx(bytes),
        Format::Xlsb => read_xlsb(bytes),
        Format::Xls => read_xls(bytes),
        Format::Ods => read_ods(bytes),
        Format::Csv => read_csv(bytes, file_stem(file_name), encoding),
        Format::Canonical => Err(ReadError::Unsupported(format!(
            "{file_name} 是 YAML/JSON 表单文本，不是工作簿"
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
    /// A format or size the reader does not handle (a PDF, an unknown extension, too large).
    #[error("不支持的文件：{0}")]
    Unsupported(String),
    /// One sheet would need more cells than the grid budget allows (the other sheets of the
    /// workbook are still read).
    #[error("{0}")]
    SheetTooLarge(String),
}
