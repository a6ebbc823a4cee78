//! Small helpers over quick-xml for streaming a part through unchanged except where patched.

use super::AnnotateError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};

/// The main SpreadsheetML namespace, for parts we create.
pub(super) const NS_MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
/// The relationships namespace used by `r:id` attributes.
pub(super) const NS_REL: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
/// The XML declaration every part we create starts with.
pub(super) const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// A reader over a part's text that keeps every byte (no trimming, no expansion).
pub(super) fn reader(xml: &str) -> Reader<&[u8]> {
    Reader::from_reader(xml.as_bytes())
}

/// Reads the next event, naming the part on error.
pub(super) fn next<'a>(r: &mut Reader<&'a [u8]>, part: &str) -> Result<Event<'a>, AnnotateError> {
    r.read_event()
        .map_err(|e| AnnotateError::Xml(part.to_string(), e.to_string()))
}

/// A writer collecting bytes.
pub(super) fn writer() -> Writer<Vec<u8>> {
    Writer::new(Vec::new())
}

/// Writes one event, which cannot fail on a `Vec`.
pub(super) fn put(w: &mut Writer<Vec<u8>>, e: Event<'_>) {
    let _ = w.write_event(e);
}

/// Appends already-serialised XML.
pub(super) fn raw(w: &mut Writer<Vec<u8>>, s: &str) {
    w.get_mut().extend_from_slice(s.as_bytes());
}

/// The writer's bytes as a string (they came from `&str` input and escaped text).
pub(super) fn finish(w: Writer<Vec<u8>>) -> String {
    String::from_utf8_lossy(&w.into_inner()).into_owned()
}

/// An element's local name (without any namespace prefix).
pub(super) fn local(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_string()
}

/// The namespace prefix of an element (`x` for `<x:worksheet>`), if any.
pub(super) fn prefix_of(e: &BytesStart<'_>) -> Option<String> {
    let name = e.name();
    name.as_ref().split_once(':').map(|(p, _)| p.to_string())
}

/// Prefixes a local name as the part's root element does.
pub(super) fn tag(prefix: &Option<String>, local: &str) -> String {
    match prefix {
        Some(p) => format!("{p}:{local}"),
        None => local.to_string(),
    }
}

/// An attribute's unescaped value by its full name (`r`, `r:id`).
pub(super) fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The value of a namespaced `…:id` attribute (the relationship id, whatever its prefix).
pub(super) fn rel_id(e: &BytesStart<'_>) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| {
            let k = a.key.as_ref();
            k.ends_with(":id") && !k.starts_with("xmlns")
        })
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

/// The prefix bound to `uri` by `xmlns:…` attributes of `e`.
pub(super) fn ns_prefix(e: &BytesStart<'_>, uri: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        let k = a.key.as_ref().to_string();
        let v = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()?;
        match k.strip_prefix("xmlns:") {
            Some(p) if v == uri => Some(p.to_string()),
            _ => None,
        }
    })
}

/// A copy of `e` with attribute `name` set to `value` (replaced in place, or appended).
pub(super) fn with_attr(e: &BytesStart<'_>, name: &str, value: &str) -> BytesStart<'static> {
    let mut out = BytesStart::new(e.name().as_ref().to_string());
    let mut done = false;
    for a in e.attributes().with_checks(false).flatten() {
        if a.key.as_ref() == name {
            out.push_attribute((name, value));
            done = true;
        } else {
            out.push_attribute(a);
        }
    }
    if !done {
        out.push_attribute((name, value));
    }
    out
}

/// A copy of `e` without attribute `name`.
pub(super) fn without_attr(e: &BytesStart<'_>, name: &str) -> BytesStart<'static> {
    let mut out = BytesStart::new(e.name().as_ref().to_string());
    for a in e.attributes().with_checks(false).flatten() {
        if a.key.as_ref() != name {
            out.push_attribute(a);
        }
    }
    out
}

/// Escapes text for element content or attribute values, dropping characters XML 1.0 forbids.
pub(super) fn esc(s: &str) -> String {
    let clean: String = s
        .chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect();
    quick_xml::escape::escape(clean.as_str()).into_owned()
}

/// A part's bytes as text (UTF-8, optional byte-order mark).
pub(super) fn text(part: &str, bytes: &[u8]) -> Result<String, AnnotateError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    String::from_utf8(bytes.to_vec())
        .map_err(|_| AnnotateError::Xml(part.to_string(), "不是 UTF-8 编码".into()))
}
