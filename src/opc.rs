//! The Office Open XML package (Open Packaging Conventions): one reader for every part of
//! formlint that looks inside an xlsx — the cell reader's checks, the formula/merge walk, the
//! comment reader, the repair of malformed cells and the annotator. It opens the zip once,
//! finds parts case-insensitively, reads each under a size cap, resolves relationship targets
//! against their source part, and finds the workbook through the root relationships (not by
//! assuming `xl/workbook.xml`). Path helpers for part names sit below it.

mod inflate;
#[cfg(test)]
mod inflate_tests;

use inflate::{with_thread_inflater, Inflated, Inflater};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::HashMap;
use std::io::{Cursor, Read};
use zip::ZipArchive;

/// Most bytes one part may inflate to (a real form's sheet is ~100 KB).
pub(crate) const MAX_PART_BYTES: u64 = 64 << 20;
/// Most bytes all XML parts of one package may inflate to together.
pub(crate) const MAX_PACKAGE_XML_BYTES: u64 = 256 << 20;
/// Most entries a package may hold (a form has about a dozen).
pub(crate) const MAX_ENTRIES: usize = 10_000;
/// Most inflated bytes [`Package::verify`] keeps for later reads, so a form's parts are
/// inflated once (a form's XML is ~100 KB; larger packages inflate the rest again on demand).
const MAX_KEPT_BYTES: usize = 16 << 20;

/// Why a package or one of its parts cannot be read; messages for the filer, Chinese first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpcError {
    /// Not a zip archive, or its directory is damaged.
    #[error("文件不是有效的 xlsx 压缩包，可能已损坏或不完整（{0}）")]
    NotZip(String),
    /// More entries than any workbook has.
    #[error("压缩包中有 {0} 个部件，超过上限 {MAX_ENTRIES}，不像是一张自评表")]
    TooManyEntries(usize),
    /// A part cannot be inflated, or its CRC does not match.
    #[error("部件“{part}”已损坏（解压失败或校验和不符：{why}），文件可能在传输中损坏")]
    Damaged {
        /// The part's name.
        part: String,
        /// What the zip reader said.
        why: String,
    },
    /// A part inflates past [`MAX_PART_BYTES`].
    #[error("部件“{0}”解压后超过 64 MB 上限，不像是一张自评表（可能是压缩炸弹）")]
    PartTooLarge(String),
    /// All XML parts together inflate past [`MAX_PACKAGE_XML_BYTES`].
    #[error("工作簿解压后的内容超过 256 MB 上限，不像是一张自评表（可能是压缩炸弹）")]
    PackageTooLarge,
    /// A part that must be text is not UTF-8.
    #[error("部件“{0}”不是 UTF-8 文本")]
    NotText(String),
    /// A relationships part is not well-formed XML.
    #[error("部件“{part}”不是有效的 XML：{why}")]
    Xml {
        /// The part's name.
        part: String,
        /// What the XML reader said.
        why: String,
    },
}

/// One relationship of a `.rels` part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rel {
    /// `rId…`.
    pub id: String,
    /// The type URI.
    pub kind: String,
    /// The target as written.
    pub target: String,
    /// Whether the target is outside the package (then it names no part).
    pub external: bool,
    /// The part the target names, resolved against the source part.
    pub part: String,
}

impl Rel {
    /// Whether the type URI ends with `/name` (transitional or strict namespace alike).
    pub(crate) fn is(&self, name: &str) -> bool {
        self.kind.rsplit('/').next() == Some(name)
    }
}

/// A sheet of the workbook, in workbook order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SheetPart {
    /// The sheet's name.
    pub name: String,
    /// Its part (`xl/worksheets/sheet1.xml`).
    pub part: String,
    /// The relationship type's last segment: `worksheet`, `chartsheet`, `dialogsheet` …
    pub kind: String,
}

/// An opened package.
pub(crate) struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    /// The package's bytes, where [`Package::verify`] finds each part's deflate stream.
    bytes: &'a [u8],
    /// Whether `verify` inflates with one reused state ([`Inflater`]); off only in the test
    /// that compares it with the zip reader.
    reuse_inflate: bool,
    /// Entry names in archive order.
    names: Vec<String>,
    /// Entry index by lower-cased name without a leading `/` (the first such entry).
    by_name: HashMap<String, usize>,
    /// Parts [`Package::verify`] inflated and kept, by entry index.
    kept: Vec<Option<Vec<u8>>>,
}

impl<'a> Package<'a> {
    /// Opens a zip package (its directory only; no part is inflated yet).
    pub(crate) fn open(bytes: &'a [u8]) -> Result<Self, OpcError> {
        let archive =
            ZipArchive::new(Cursor::new(bytes)).map_err(|e| OpcError::NotZip(e.to_string()))?;
        if archive.len() > MAX_ENTRIES {
            return Err(OpcError::TooManyEntries(archive.len()));
        }
        let mut names = Vec::with_capacity(archive.len());
        let mut by_name = HashMap::with_capacity(archive.len());
        for i in 0..archive.len() {
            match archive.name_for_index(i) {
                Some(Ok(n)) => {
                    let key = n.trim_start_matches('/').to_ascii_lowercase();
                    by_name.entry(key).or_insert(i);
                    names.push(n.into_owned());
                }
                _ => return Err(OpcError::NotZip(format!("无法读取第 {} 个压缩条目", i + 1))),
            }
        }
        let kept = vec![None; names.len()];
        Ok(Package {
            archive,
            bytes,
            reuse_inflate: true,
            names,
            by_name,
            kept,
        })
    }

    /// Entry names in archive order.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    /// The zip archive, for copying entries raw (the annotator, the repair of cells).
    pub(crate) fn archive(&mut self) -> &mut ZipArchive<Cursor<&'a [u8]>> {
        &mut self.archive
    }

    /// The entry name of a part, matched case-insensitively as OPC requires.
    pub(crate) fn entry(&self, part: &str) -> Option<&str> {
        self.entry_index(part).map(|i| self.names[i].as_str())
    }

    /// The zip's own index of the entry named exactly `name`.
    pub(crate) fn index_for_name(&self, name: &str) -> Option<usize> {
        self.archive.index_for_name(name)
    }

    /// The index of a part's entry (the first one, matched case-insensitively).
    fn entry_index(&self, part: &str) -> Option<usize> {
        let part = part.trim_start_matches('/');
        match self.by_name.get(part) {
            Some(&i) => Some(i),
            None if part.bytes().any(|b| b.is_ascii_uppercase()) => {
                self.by_name.get(&part.to_ascii_lowercase()).copied()
            }
            None => None,
        }
    }

    /// A part's bytes (inflated, at most [`MAX_PART_BYTES`]), or `None` when it does not exist.
    pub(crate) fn read(&mut self, part: &str) -> Result<Option<Vec<u8>>, OpcError> {
        // The zip's own index for that name (for duplicate names it is the zip's choice, as
        // it always was).
        let index = self
            .entry_index(part)
            .and_then(|i| self.archive.index_for_name(&self.names[i]));
        match index {
            Some(i) => self.read_at(i).map(Some),
            None => Ok(None),
        }
    }

    /// [`Package::read_at`], handing over the kept bytes instead of copying them (a later read
    /// inflates the part again).
    pub(crate) fn take_at(&mut self, i: usize) -> Result<Vec<u8>, OpcError> {
        match self.kept.get_mut(i).and_then(Option::take) {
            Some(bytes) => Ok(bytes),
            None => self.read_at(i),
        }
    }

    /// The bytes of entry `i` (inflated, at most [`MAX_PART_BYTES`]): kept by
    /// [`Package::verify`] when it could, else inflated now.
    pub(crate) fn read_at(&mut self, i: usize) -> Result<Vec<u8>, OpcError> {
        if let Some(bytes) = self.kept.get(i).and_then(Option::as_ref) {
            return Ok(bytes.clone());
        }
        let name = self.names[i].clone();
        let damaged = |e: &dyn std::fmt::Display| OpcError::Damaged {
            part: name.clone(),
            why: e.to_string(),
        };
        let file = self.archive.by_index(i).map_err(|e| damaged(&e))?;
        let mut bytes = Vec::new();
        file.take(MAX_PART_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| damaged(&e))?;
        if bytes.len() as u64 > MAX_PART_BYTES {
            return Err(OpcError::PartTooLarge(name));
        }
        Ok(bytes)
    }

    /// A part's text (UTF-8, a byte-order mark dropped), or `None` when it does not exist.
    pub(crate) fn read_text(&mut self, part: &str) -> Result<Option<String>, OpcError> {
        let Some(bytes) = self.read(part)? else {
            return Ok(None);
        };
        let bytes = bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&bytes)
            .to_vec();
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| OpcError::NotText(part.trim_start_matches('/').to_string()))
    }

    /// The relationships of `part` (`""` for the package's own), empty when it has none.
    pub(crate) fn rels(&mut self, part: &str) -> Result<Vec<Rel>, OpcError> {
        let path = rels_path(part);
        match self.read_text(&path)? {
            Some(text) => parse_rels(part, &text),
            None => Ok(Vec::new()),
        }
    }

    /// The workbook part: the target of the package's `officeDocument` relationship, or
    /// `xl/workbook.xml` when the package has no root relationships.
    pub(crate) fn workbook_part(&mut self) -> Result<String, OpcError> {
        let root = self.rels("")?;
        Ok(root
            .into_iter()
            .find(|r| r.is("officeDocument") && !r.external)
            .map(|r| r.part)
            .unwrap_or_else(|| "xl/workbook.xml".to_string()))
    }

    /// Every sheet of the workbook in workbook order (all kinds), with its part; `None` when
    /// the workbook part is missing or a sheet's relationship cannot be found.
    pub(crate) fn sheets(&mut self) -> Result<Option<Vec<SheetPart>>, OpcError> {
        let workbook = self.workbook_part()?;
        let Some(book) = self.read_text(&workbook)? else {
            return Ok(None);
        };
        // By id: a workbook may list thousands of sheets (a linear search per sheet was
        // quadratic, found by fuzzing).
        let rels: std::collections::HashMap<String, Rel> = self
            .rels(&workbook)?
            .into_iter()
            .filter(|r| !r.external)
            .map(|r| (r.id.clone(), r))
            .collect();
        let mut out = Vec::new();
        let mut r = Reader::from_reader(book.as_bytes());
        loop {
            match r.read_event() {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sheet" => {
                    let (Some(name), Some(id)) = (attr(&e, |k| k == "name"), rel_id(&e)) else {
                        return Ok(None);
                    };
                    let Some(rel) = rels.get(&id) else {
                        return Ok(None);
                    };
                    let kind = rel.kind.rsplit('/').next().unwrap_or("").to_string();
                    out.push(SheetPart {
                        name,
                        part: rel.part.clone(),
                        kind,
                    });
                }
                Ok(Event::Eof) => return Ok(Some(out)),
                Err(_) => return Ok(None),
                _ => {}
            }
        }
    }

    /// Inflates every XML part (`.xml`, `.rels`, `.vml`) once under the caps and verifies its
    /// CRC, so a bomb or a damaged entry is refused, naming the part, before anything parses
    /// it. Media are never read by formlint and are skipped. The inflated parts are kept (up to
    /// [`MAX_KEPT_BYTES`] in all) so that reading them later does not inflate them again.
    pub(crate) fn verify(&mut self) -> Result<(), OpcError> {
        // One inflate state for every part of every package a thread reads (a fresh state per
        // part zeroes its window each time, which cost more than inflating a small part).
        with_thread_inflater(|inflater| self.verify_with(inflater))
    }

    /// [`Package::verify`] with `inflater` for the parts it takes.
    fn verify_with(&mut self, inflater: &mut Inflater) -> Result<(), OpcError> {
        let mut total: u64 = 0;
        let mut kept_bytes = 0usize;
        for i in 0..self.archive.len() {
            let name = self.names[i].clone();
            let lower = name.to_ascii_lowercase();
            if lower.ends_with('/')
                || !(lower.ends_with(".xml") || lower.ends_with(".rels") || lower.ends_with(".vml"))
            {
                continue;
            }
            let room = MAX_KEPT_BYTES - kept_bytes;
            let fast = if self.reuse_inflate {
                self.inflate_raw(i, inflater, room)
            } else {
                None
            };
            let (copied, bytes) = match fast {
                Some(Inflated::Whole { size, bytes }) => (size, bytes),
                Some(Inflated::TooLarge) => return Err(OpcError::PartTooLarge(name)),
                None => self.inflate_by_zip(i, &name, room)?,
            };
            if copied > MAX_PART_BYTES {
                return Err(OpcError::PartTooLarge(name));
            }
            total += copied;
            if total > MAX_PACKAGE_XML_BYTES {
                return Err(OpcError::PackageTooLarge);
            }
            if let Some(bytes) = bytes {
                kept_bytes += bytes.len();
                self.kept[i] = Some(bytes);
            }
        }
        Ok(())
    }

    /// Part `i` inflated with the reused state, straight from the package's bytes, when it is
    /// a plain deflated part that inflates whole (see [`Inflater::inflate`]); `None` leaves it
    /// to the zip reader.
    fn inflate_raw(&mut self, i: usize, inflater: &mut Inflater, room: usize) -> Option<Inflated> {
        let part = self.archive.by_index_raw(i).ok()?;
        if part.encrypted() || part.compression() != zip::CompressionMethod::Deflated {
            return None;
        }
        let start = usize::try_from(part.data_start()?).ok()?;
        let len = usize::try_from(part.compressed_size()).ok()?;
        let (declared, crc) = (part.size(), part.crc32());
        drop(part);
        let data = self.bytes.get(start..start.checked_add(len)?)?;
        let limit = usize::try_from(declared)
            .ok()
            .filter(|d| *d <= room)
            .unwrap_or(0);
        inflater.inflate(data, declared, crc, limit, MAX_PART_BYTES)
    }

    /// Part `i` inflated by the zip reader in pieces under the part cap, so a bomb is stopped
    /// at the cap without holding it: its size (at most one byte past the cap) and its bytes
    /// when its declared size fits `room` and it keeps to it (a declared size may lie).
    fn inflate_by_zip(
        &mut self,
        i: usize,
        name: &str,
        room: usize,
    ) -> Result<(u64, Option<Vec<u8>>), OpcError> {
        let mut chunk = [0u8; 16 << 10];
        let damaged = |e: &dyn std::fmt::Display| OpcError::Damaged {
            part: name.to_string(),
            why: e.to_string(),
        };
        let part = self.archive.by_index(i).map_err(|e| damaged(&e))?;
        let declared = usize::try_from(part.size()).unwrap_or(usize::MAX);
        let limit = if declared <= room { declared } else { 0 };
        let hint = limit.min(1 << 20);
        let mut limited = part.take(MAX_PART_BYTES + 1);
        let mut bytes = Vec::with_capacity(hint);
        let mut keep = limit > 0;
        let mut copied: u64 = 0;
        loop {
            let n = match limited.read(&mut chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(damaged(&e)),
            };
            if n == 0 {
                break;
            }
            copied += n as u64;
            keep = keep && bytes.len() + n <= limit;
            if keep {
                bytes.extend_from_slice(&chunk[..n]);
            } else {
                bytes = Vec::new();
            }
        }
        Ok((copied, keep.then_some(bytes)))
    }
}

/// The relationships of a `.rels` part whose source is `source`.
pub(crate) fn parse_rels(source: &str, text: &str) -> Result<Vec<Rel>, OpcError> {
    let mut out = Vec::new();
    let mut r = Reader::from_reader(text.as_bytes());
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                let [id, kind, target, mode] = attrs(&e, ["Id", "Type", "Target", "TargetMode"]);
                let external = mode.is_some_and(|m| m == "External");
                let target = target.unwrap_or_default();
                out.push(Rel {
                    id: id.unwrap_or_default(),
                    kind: kind.unwrap_or_default(),
                    part: if external {
                        String::new()
                    } else {
                        resolve(source, &target)
                    },
                    target,
                    external,
                });
            }
            Ok(Event::Eof) => return Ok(out),
            Err(e) => {
                return Err(OpcError::Xml {
                    part: rels_path(source),
                    why: e.to_string(),
                })
            }
            _ => {}
        }
    }
}

/// The unescaped value of the first attribute whose full name `key` accepts.
pub(crate) fn attr(e: &BytesStart<'_>, key: impl Fn(&str) -> bool) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| key(a.key.as_ref()))
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The attributes named `keys` of an element, each as [`attr`] finds it (its first occurrence,
/// unescaped), in one pass over the attributes instead of one per key.
fn attrs<const N: usize>(e: &BytesStart<'_>, keys: [&str; N]) -> [Option<String>; N] {
    let mut out = [const { None }; N];
    let mut seen = [false; N];
    for a in e.attributes().with_checks(false).flatten() {
        let Some(k) = keys.iter().position(|k| a.key.as_ref() == *k) else {
            continue;
        };
        if !std::mem::replace(&mut seen[k], true) {
            out[k] = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned());
        }
    }
    out
}

/// The `r:id` of an element, whatever prefix the relationships namespace has.
pub(crate) fn rel_id(e: &BytesStart<'_>) -> Option<String> {
    attr(e, |k| k.ends_with(":id") && !k.starts_with("xmlns"))
}

/// `xl/worksheets/sheet1.xml` → `xl/worksheets/_rels/sheet1.xml.rels` (`""` → `_rels/.rels`).
pub(crate) fn rels_path(part: &str) -> String {
    let part = part.trim_start_matches('/');
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// Resolves a relationship target written in `source`'s `.rels` to a part name (no leading
/// `/`, `..` and `.` folded, any `#fragment` dropped).
pub(crate) fn resolve(source: &str, target: &str) -> String {
    let target = target.split('#').next().unwrap_or(target);
    let mut parts: Vec<&str> = match target.strip_prefix('/') {
        Some(_) => Vec::new(),
        None => source
            .trim_start_matches('/')
            .rsplit_once('/')
            .map(|(d, _)| d.split('/').collect())
            .unwrap_or_default(),
    };
    parts.extend(target.trim_start_matches('/').split('/'));
    let mut out: Vec<&str> = Vec::new();
    for p in parts {
        match p {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out.join("/")
}

/// A target for a part as seen from `source` (relative, `../` where needed).
pub(crate) fn relative(source: &str, part: &str) -> String {
    let from: Vec<&str> = source
        .trim_start_matches('/')
        .rsplit_once('/')
        .map(|(d, _)| d.split('/').collect())
        .unwrap_or_default();
    let to: Vec<&str> = part.trim_start_matches('/').split('/').collect();
    let common = from
        .iter()
        .zip(to.iter())
        .take_while(|(a, b)| a == b)
        .count()
        .min(to.len().saturating_sub(1));
    let mut out = vec![".."; from.len() - common];
    out.extend(&to[common..]);
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_in_one_pass_as_one_at_a_time() {
        let keys = ["Id", "Type", "Target", "TargetMode"];
        for xml in [
            r#"<Relationship Id="rId1" Type="t/worksheet" Target="worksheets/sheet1.xml"/>"#,
            r#"<Relationship Target="a&amp;b.xml" Id="x" Id="y" TargetMode="External"/>"#,
            r#"<Relationship Id='q' Type="bad&bogus;" Target="&#x41;.xml" Target="second"/>"#,
            r#"<Relationship id="lower" r:Id="prefixed" Type=""/>"#,
            "<Relationship/>",
        ] {
            let mut r = Reader::from_reader(xml.as_bytes());
            let Ok(Event::Empty(e)) = r.read_event() else {
                panic!("an empty element: {xml}");
            };
            let one_by_one = keys.map(|k| attr(&e, |a| a == k));
            assert_eq!(attrs(&e, keys), one_by_one, "{xml}");
        }
    }

    #[test]
    fn resolves_relative_absolute_and_fragment_targets() {
        assert_eq!(
            resolve("xl/workbook.xml", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/worksheets/sheet1.xml", "../comments1.xml"),
            "xl/comments1.xml"
        );
        assert_eq!(
            resolve("xl/workbook.xml", "/xl/styles.xml"),
            "xl/styles.xml"
        );
        assert_eq!(resolve("", "xl/workbook.xml#x"), "xl/workbook.xml");
        assert_eq!(rels_path("xl/workbook.xml"), "xl/_rels/workbook.xml.rels");
        assert_eq!(rels_path(""), "_rels/.rels");
    }
}
