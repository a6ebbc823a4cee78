//! The OOXML package as a zip: parts read on demand, patched parts replaced, new parts appended.
//! Untouched parts are copied raw, so their bytes (and compression) stay exactly as they were.

use super::xml::{self, attr, local, next};
use super::AnnotateError;
use quick_xml::events::Event;
use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Relationship type URIs of the parts we create.
pub(super) mod rel_type {
    /// A worksheet of the workbook.
    pub(crate) const WORKSHEET: &str =
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet";
    /// A sheet's legacy comments.
    pub(crate) const COMMENTS: &str =
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
    /// A sheet's VML drawing (comment boxes).
    pub(crate) const VML: &str =
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/vmlDrawing";
    /// The workbook's styles.
    pub(crate) const STYLES: &str =
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles";
}

pub(super) use crate::opc::Rel;

/// An opened package with its pending changes.
pub(super) struct Package<'a> {
    /// The original package, read through the one package reader.
    original: crate::opc::Package<'a>,
    /// Patched or new parts by entry name.
    changed: BTreeMap<String, Vec<u8>>,
    /// New parts in creation order.
    added: Vec<String>,
}

impl<'a> Package<'a> {
    /// Opens a zip package.
    pub(super) fn open(bytes: &'a [u8]) -> Result<Self, AnnotateError> {
        Ok(Package {
            original: crate::opc::Package::open(bytes)?,
            changed: BTreeMap::new(),
            added: Vec::new(),
        })
    }

    /// The entry name of a part, matched case-insensitively as OPC requires.
    fn entry(&self, part: &str) -> Option<String> {
        let part = part.trim_start_matches('/');
        if self.changed.contains_key(part) {
            return Some(part.to_string());
        }
        self.original.entry(part).map(str::to_string).or_else(|| {
            self.added
                .iter()
                .find(|n| n.eq_ignore_ascii_case(part))
                .cloned()
        })
    }

    /// How many parts end with `.ext` (case-insensitive).
    pub(super) fn count_ext(&self, ext: &str) -> usize {
        let dot = format!(".{}", ext.to_ascii_lowercase());
        self.original
            .names()
            .iter()
            .chain(self.added.iter())
            .filter(|n| n.to_ascii_lowercase().ends_with(&dot))
            .count()
    }

    /// Whether a part exists (original or new).
    pub(super) fn exists(&self, part: &str) -> bool {
        self.entry(part).is_some()
    }

    /// A part's current text, or `None` when it does not exist.
    pub(super) fn read(&mut self, part: &str) -> Result<Option<String>, AnnotateError> {
        let Some(name) = self.entry(part) else {
            return Ok(None);
        };
        if let Some(b) = self.changed.get(&name) {
            return xml::text(&name, b).map(Some);
        }
        match self.original.read(&name)? {
            Some(buf) => xml::text(&name, &buf).map(Some),
            None => Ok(None),
        }
    }

    /// Replaces or creates a part.
    pub(super) fn write(&mut self, part: &str, text: String) {
        let name = self
            .entry(part)
            .unwrap_or_else(|| part.trim_start_matches('/').to_string());
        if self.original.entry(&name).is_none() && !self.added.contains(&name) {
            self.added.push(name.clone());
        }
        self.changed.insert(name, text.into_bytes());
    }

    /// The first `stem{N}.ext` (N from 1) that no part uses.
    pub(super) fn free_name(&self, stem: &str, ext: &str) -> String {
        (1..)
            .map(|n| format!("{stem}{n}.{ext}"))
            .find(|p| !self.exists(p))
            .unwrap_or_default()
    }

    /// The relationships of `part` (empty when it has no `.rels`).
    pub(super) fn rels(&mut self, part: &str) -> Result<Vec<Rel>, AnnotateError> {
        let path = rels_path(part);
        match self.read(&path)? {
            Some(text) => Ok(crate::opc::parse_rels(part, &text)?),
            None => Ok(Vec::new()),
        }
    }

    /// Adds relationships to `part`'s `.rels` (creating it); returns nothing, ids are the caller's.
    pub(super) fn add_rels(&mut self, part: &str, new: &[Rel]) -> Result<(), AnnotateError> {
        let path = rels_path(part);
        let body: String = new
            .iter()
            .map(|r| {
                format!(
                    "<Relationship Id=\"{}\" Type=\"{}\" Target=\"{}\"/>",
                    xml::esc(&r.id),
                    xml::esc(&r.kind),
                    xml::esc(&r.target)
                )
            })
            .collect();
        let text = match self.read(&path)? {
            Some(old) => insert_before_close(&path, &old, "Relationships", &body)?,
            None => format!(
                "{}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">{body}</Relationships>",
                xml::DECL
            ),
        };
        self.write(&path, text);
        Ok(())
    }

    /// Registers a new part's content type (an `Override`), and a `Default` for its extension
    /// when `default_for_ext` is given and the extension has none.
    pub(super) fn add_content_type(
        &mut self,
        part: &str,
        content_type: &str,
        default_for_ext: bool,
    ) -> Result<(), AnnotateError> {
        const CT: &str = "[Content_Types].xml";
        let text = self
            .read(CT)?
            .ok_or_else(|| AnnotateError::Zip("缺少 [Content_Types].xml".into()))?;
        let ext = part.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        let mut has_default = false;
        let mut r = xml::reader(&text);
        loop {
            match next(&mut r, CT)? {
                Event::Empty(e) | Event::Start(e)
                    if local(&e) == "Default"
                        && attr(&e, "Extension").is_some_and(|x| x.eq_ignore_ascii_case(&ext)) =>
                {
                    has_default = true;
                }
                Event::Eof => break,
                _ => {}
            }
        }
        let entry = if default_for_ext {
            if has_default {
                return Ok(());
            }
            format!(
                "<Default Extension=\"{}\" ContentType=\"{}\"/>",
                xml::esc(&ext),
                xml::esc(content_type)
            )
        } else {
            format!(
                "<Override PartName=\"/{}\" ContentType=\"{}\"/>",
                xml::esc(part.trim_start_matches('/')),
                xml::esc(content_type)
            )
        };
        let text = insert_before_close(CT, &text, "Types", &entry)?;
        self.write(CT, text);
        Ok(())
    }

    /// The finished package: original entries in order (untouched ones copied raw), then new ones.
    pub(super) fn finish(mut self) -> Result<Vec<u8>, AnnotateError> {
        let zerr = |e: zip::result::ZipError| AnnotateError::Zip(e.to_string());
        let ioerr = |e: std::io::Error| AnnotateError::Zip(e.to_string());
        let mut out = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        let archive = self.original.archive();
        for i in 0..archive.len() {
            let file = archive.by_index_raw(i).map_err(zerr)?;
            let name = file.name().map_err(zerr)?.into_owned();
            match self.changed.get(&name) {
                Some(bytes) => {
                    drop(file);
                    out.start_file(name.as_str(), options).map_err(zerr)?;
                    out.write_all(bytes).map_err(ioerr)?;
                }
                None => out.raw_copy_file(file).map_err(zerr)?,
            }
        }
        for name in &self.added {
            if let Some(bytes) = self.changed.get(name) {
                out.start_file(name.as_str(), options).map_err(zerr)?;
                out.write_all(bytes).map_err(ioerr)?;
            }
        }
        Ok(out.finish().map_err(zerr)?.into_inner())
    }
}

pub(super) use crate::opc::{relative, rels_path};

/// A relationship id not yet used in `rels`.
pub(super) fn free_id(rels: &[Rel], taken: &[String]) -> String {
    (1..)
        .map(|n| format!("rId{n}"))
        .find(|id| !rels.iter().any(|r| &r.id == id) && !taken.contains(id))
        .unwrap_or_default()
}

/// Inserts serialised children before the root element's end tag (expanding `<root/>`).
pub(super) fn insert_before_close(
    part: &str,
    text: &str,
    root: &str,
    body: &str,
) -> Result<String, AnnotateError> {
    let mut r = xml::reader(text);
    let mut w = xml::writer();
    let mut depth = 0usize;
    loop {
        match next(&mut r, part)? {
            Event::Start(e) => {
                depth += 1;
                xml::put(&mut w, Event::Start(e));
            }
            Event::End(e) => {
                if depth == 1 && e.local_name().as_ref() == root {
                    xml::raw(&mut w, body);
                }
                depth = depth.saturating_sub(1);
                xml::put(&mut w, Event::End(e));
            }
            Event::Empty(e) if depth == 0 && local(&e) == root => {
                let end = e.to_end().into_owned();
                xml::put(&mut w, Event::Start(e));
                xml::raw(&mut w, body);
                xml::put(&mut w, Event::End(end));
            }
            Event::Eof => break,
            e => xml::put(&mut w, e),
        }
    }
    Ok(xml::finish(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_and_relativise() {
        assert_eq!(
            relative("xl/worksheets/sheet1.xml", "xl/comments1.xml"),
            "../comments1.xml"
        );
        assert_eq!(
            relative("xl/worksheets/sheet1.xml", "xl/drawings/vmlDrawing1.vml"),
            "../drawings/vmlDrawing1.vml"
        );
        assert_eq!(
            relative("xl/workbook.xml", "xl/worksheets/sheet2.xml"),
            "worksheets/sheet2.xml"
        );
        assert_eq!(
            rels_path("xl/worksheets/sheet1.xml"),
            "xl/worksheets/_rels/sheet1.xml.rels"
        );
    }
}
