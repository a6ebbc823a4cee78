//! Checks an xlsx package before anything parses it: every XML part is inflated once under a
//! cap and its CRC verified, so a zip bomb or a damaged entry is refused with the part's name
//! instead of exhausting memory or being read as if intact.
//!
//! Media (images, embedded objects) are never read by formlint and are not inflated here.

use super::ReadError;
use std::io::{Cursor, Read};
use zip::ZipArchive;

/// Most bytes one XML part of a workbook may inflate to (a real form's sheet is ~100 KB).
pub const MAX_PART_BYTES: u64 = 64 << 20;
/// Most bytes all XML parts of one workbook may inflate to together.
pub const MAX_WORKBOOK_XML_BYTES: u64 = 256 << 20;
/// Most entries a package may hold (a form has about a dozen).
pub const MAX_ENTRIES: usize = 10_000;

/// Whether the reader (or calamine for it) parses this part.
fn is_xml_part(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".xml") || lower.ends_with(".rels") || lower.ends_with(".vml")
}

/// Inflates every XML part under the caps and verifies its CRC.
pub(super) fn verify(bytes: &[u8]) -> Result<(), ReadError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        ReadError::Corrupt(format!(
            "文件不是有效的 xlsx 压缩包，可能已损坏或不完整（{e}）"
        ))
    })?;
    if zip.len() > MAX_ENTRIES {
        return Err(ReadError::Unsupported(format!(
            "压缩包中有 {} 个部件，超过上限 {MAX_ENTRIES}，不像是一张自评表",
            zip.len()
        )));
    }
    let mut total: u64 = 0;
    let mut sink = std::io::sink();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| {
            ReadError::Corrupt(format!("压缩包中的第 {} 个部件无法读取（{e}）", i + 1))
        })?;
        let name = part.name().map(|n| n.to_string()).unwrap_or_default();
        if part.is_dir() || !is_xml_part(&name) {
            continue;
        }
        let copied = std::io::copy(&mut (&mut part).take(MAX_PART_BYTES + 1), &mut sink)
            .map_err(|e| {
                ReadError::Corrupt(format!(
                    "部件“{name}”已损坏（解压失败或校验和不符：{e}），文件可能在传输中损坏"
                ))
            })?;
        if copied > MAX_PART_BYTES {
            return Err(ReadError::Unsupported(format!(
                "部件“{name}”解压后超过 {} MB 上限，不像是一张自评表（可能是压缩炸弹）",
                MAX_PART_BYTES >> 20
            )));
        }
        total += copied;
        if total > MAX_WORKBOOK_XML_BYTES {
            return Err(ReadError::Unsupported(format!(
                "工作簿解压后的内容超过 {} MB 上限，不像是一张自评表（可能是压缩炸弹）",
                MAX_WORKBOOK_XML_BYTES >> 20
            )));
        }
    }
    Ok(())
}
