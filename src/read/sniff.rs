//! Tells file types apart by their bytes; the name's extension is only a hint.
//!
//! A zip is an OOXML workbook (`xl/workbook.xml`), an `.xlsb` (`xl/workbook.bin`) or an
//! OpenDocument spreadsheet (its `mimetype` entry); an OLE compound file is an encrypted OOXML
//! package (`EncryptionInfo`) or a legacy `.xls`/`.et` (`Workbook`); text is a canonical
//! YAML/JSON form or CSV. When the content says one format and the extension another, the
//! content wins and [`Sniffed::note`] says so (an info finding, X016). Bytes that say nothing
//! certain (garbage, a damaged zip) are left to the reader the extension names, whose message
//! explains the damage.

use super::cfb::{Cfb, MAGIC};
use super::{format_of, Format, ReadError};
use crate::opc::Package;

/// What the bytes of a file were found to be.
#[derive(Debug)]
pub(crate) struct Sniffed {
    /// The reader to use, or why no reader can take the file.
    pub format: Result<Format, ReadError>,
    /// The content contradicts the name's extension: what to tell the filer (Chinese).
    pub note: Option<String>,
}

/// What the content alone says.
enum Guess {
    /// A format the readers handle.
    Known(Format),
    /// An encrypted OOXML package (password to open).
    Encrypted,
    /// A file that is not a spreadsheet at all: what it is.
    Other(&'static str),
    /// Nothing certain: the extension decides.
    Unknown,
}

/// How reports name a format.
pub(crate) fn format_name(f: Format) -> &'static str {
    match f {
        Format::Xlsx => "Excel 工作簿（.xlsx）",
        Format::Xlsb => "Excel 二进制工作簿（.xlsb）",
        Format::Xls => "Excel 97-2003 工作簿（.xls）",
        Format::Ods => "OpenDocument 电子表格（.ods）",
        Format::Csv => "CSV 文本",
        Format::Canonical => "YAML/JSON 表单文本",
    }
}

/// The format of `bytes` named `file_name` (a path, `-` or `<stdin>` for standard input).
pub(crate) fn sniff(file_name: &str, bytes: &[u8]) -> Sniffed {
    let by_name = format_of(file_name);
    let ext = extension(file_name);
    let guess = guess(bytes, by_name);
    let format = match guess {
        Guess::Known(f) => Ok(f),
        Guess::Encrypted => Err(ReadError::Encrypted),
        Guess::Other(what) => Err(ReadError::Unsupported(format!(
            "这是{what}，不是电子表格；请提交自评表的 .xlsx 文件"
        ))),
        Guess::Unknown => by_name.ok_or_else(|| {
            ReadError::Unsupported(format!(
                "不支持的文件类型：{file_name}。请用 Excel、WPS 或 LibreOffice 另存为 .xlsx 后再提交（可读取 .xlsx .xlsm .xls .xlsb .ods .et .csv .yaml .json）"
            ))
        }),
    };
    let note = match (&format, by_name, ext) {
        (Ok(f), named, Some(ext)) if Some(*f) != named && !both_text(*f, named) => Some(format!(
            "文件扩展名是 .{ext}，但内容是 {}，已按内容读取；请改正扩展名",
            format_name(*f)
        )),
        _ => None,
    };
    Sniffed { format, note }
}

/// CSV and YAML/JSON are all text: the extension chooses between them, never a note.
fn both_text(f: Format, named: Option<Format>) -> bool {
    matches!(f, Format::Csv | Format::Canonical)
        && matches!(named, Some(Format::Csv | Format::Canonical))
}

/// The extension of a file name (after the last dot of its last component).
fn extension(file_name: &str) -> Option<&str> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    base.rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| !e.is_empty())
}

fn guess(bytes: &[u8], by_name: Option<Format>) -> Guess {
    if bytes.starts_with(b"PK\x03\x04") {
        return zip_guess(bytes);
    }
    if bytes.starts_with(&MAGIC) {
        return match Cfb::open(bytes) {
            Some(c) if c.has("EncryptionInfo") || c.has("EncryptedPackage") => Guess::Encrypted,
            Some(c) if c.has("Workbook") || c.has("Book") => Guess::Known(Format::Xls),
            Some(c) if c.has("WordDocument") => Guess::Other("一个 Word 97-2003 文档（.doc）"),
            Some(c) if c.has("PowerPoint Document") => {
                Guess::Other("一个 PowerPoint 97-2003 演示文稿（.ppt）")
            }
            _ => Guess::Unknown,
        };
    }
    for (magic, what) in [
        (&b"%PDF-"[..], "一个 PDF 文件"),
        (b"\x89PNG", "一张图片（PNG）"),
        (b"\xFF\xD8\xFF", "一张图片（JPEG）"),
        (b"GIF8", "一张图片（GIF）"),
        (b"{\\rtf", "一个 RTF 文档"),
    ] {
        if bytes.starts_with(magic) {
            return Guess::Other(what);
        }
    }
    text_guess(bytes, by_name)
}

/// A zip: which package it is, from its entry names (and the ODF `mimetype` entry).
fn zip_guess(bytes: &[u8]) -> Guess {
    let Ok(mut pkg) = Package::open(bytes) else {
        return Guess::Unknown;
    };
    if pkg.entry("mimetype").is_some() {
        if let Ok(Some(m)) = pkg.read("mimetype") {
            let m = String::from_utf8_lossy(&m);
            if m.contains("opendocument.spreadsheet") {
                return Guess::Known(Format::Ods);
            }
            if m.contains("opendocument.text") {
                return Guess::Other("一个 OpenDocument 文本文档（.odt）");
            }
            if m.contains("opendocument.presentation") {
                return Guess::Other("一个 OpenDocument 演示文稿（.odp）");
            }
        }
    }
    let has = |prefix: &str| {
        pkg.names().iter().any(|n| {
            n.trim_start_matches('/')
                .to_ascii_lowercase()
                .starts_with(prefix)
        })
    };
    if has("xl/workbook.bin") {
        Guess::Known(Format::Xlsb)
    } else if has("xl/") {
        Guess::Known(Format::Xlsx)
    } else if has("word/") {
        Guess::Other("一个 Word 文档（.docx）")
    } else if has("ppt/") {
        Guess::Other("一个 PowerPoint 演示文稿（.pptx）")
    } else {
        Guess::Unknown
    }
}

/// Text: YAML/JSON when the name says so or the text opens like a canonical form, else CSV
/// when it has a field or line separator. Binary bytes (a NUL, or neither UTF-8 nor GB18030
/// nor a byte-order mark) are unknown.
fn text_guess(bytes: &[u8], by_name: Option<Format>) -> Guess {
    let sample = &bytes[..bytes.len().min(8192)];
    let bom = sample.starts_with(b"\xEF\xBB\xBF")
        || sample.starts_with(b"\xFF\xFE")
        || sample.starts_with(b"\xFE\xFF");
    if !bom && (sample.is_empty() || sample.contains(&0) || !decodes(sample)) {
        return Guess::Unknown;
    }
    if matches!(by_name, Some(Format::Csv | Format::Canonical)) {
        return Guess::Known(by_name.unwrap_or(Format::Csv));
    }
    let text = String::from_utf8_lossy(sample.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(sample));
    let opening = text.trim_start();
    let canonical = opening.starts_with('{')
        || opening.starts_with("---")
        || text.lines().any(|l| {
            let l = l.trim_end();
            l.starts_with("formlint:") || l == "forms:" || l.starts_with("fiscal_year:")
        });
    if canonical {
        return Guess::Known(Format::Canonical);
    }
    if bom || text.contains([',', '\t', '\n']) {
        Guess::Known(Format::Csv)
    } else {
        Guess::Unknown
    }
}

/// Whether a sample is UTF-8 or GB18030 text (a character cut at the sample's end is fine).
fn decodes(sample: &[u8]) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) if e.error_len().is_none() => true,
        Err(_) => {
            // A GB18030 character is at most 4 bytes: one cut at the sample's end is no error.
            let cuts = if sample.len() == 8192 { 0..4 } else { 0..1 };
            cuts.into_iter().any(|cut| {
                let (_, _, bad) = encoding_rs::GB18030.decode(&sample[..sample.len() - cut]);
                !bad
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_told_apart() {
        let f = |name: &str, b: &[u8]| sniff(name, b).format.ok();
        assert_eq!(f("-", b"a,b\n1,2\n"), Some(Format::Csv));
        assert_eq!(f("-", b"formlint: 1\nforms:\n"), Some(Format::Canonical));
        assert_eq!(f("-", b"{\"formlint\": 1}"), Some(Format::Canonical));
        assert_eq!(f("x.json", b"a,b\n"), Some(Format::Canonical));
        assert_eq!(f("x.csv", b"formlint: 1\n"), Some(Format::Csv));
        // One byte says nothing: the extension's reader explains.
        assert_eq!(f("x.xlsx", b"P"), Some(Format::Xlsx));
        assert!(sniff("x.pdf", b"%PDF-1.7\n").format.is_err());
        assert!(sniff("-", b"\x00\x01\x02").format.is_err());
    }

    #[test]
    fn a_mismatch_is_noted_only_across_families() {
        let n = |name: &str, b: &[u8]| sniff(name, b).note;
        assert!(n("x.xlsx", b"a,b\n1,2\n").is_some_and(|t| t.contains(".xlsx")));
        assert_eq!(n("x.json", b"a,b\n"), None);
        assert_eq!(n("-", b"a,b\n"), None);
        assert_eq!(n("x.csv", b"a,b\n"), None);
    }
}
