//! The XML conventions of calamine's xlsx reader, kept exactly so the own reader
//! (`src/read/own/`) reads every part as calamine would: a quick-xml reader configured the same
//! way, attributes taken raw (no entity decoding) with calamine's small attribute scanner, the
//! entities it resolves, and Excel's `_xHHHH_` escapes. Where calamine would fail, these
//! return `None`, and the own reader gives the workbook back to calamine.
//!
//! Ported from calamine 0.38 (`attrs.rs`, `utils.rs`; MIT, © Johann Tuffe).

use quick_xml::events::{BytesRef, BytesStart};
use quick_xml::Reader;

/// A reader over one part, configured as calamine's (`xml_reader` in its `xlsx/mod.rs`).
pub(super) fn reader(xml: &[u8]) -> Reader<&[u8]> {
    let mut r = Reader::from_reader(xml);
    let config = r.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    r
}

/// [`reader`], also checking that end tags match their start tags, as the marks walk's
/// reader (quick-xml's defaults) does: for worksheets, which both walks read.
pub(super) fn sheet_reader(xml: &[u8]) -> Reader<&[u8]> {
    let mut r = reader(xml);
    r.config_mut().check_end_names = true;
    r
}

/// calamine's raw attribute scanner over an element's attribute text: `(key, raw value)`
/// pairs, `Err` where calamine's scanner reports an error (no `=`, an unquoted value).
pub(super) struct RawAttrs<'a> {
    raw: &'a str,
    pos: usize,
}

impl<'a> RawAttrs<'a> {
    /// The attributes of `e`.
    pub(super) fn of(e: &'a BytesStart<'_>) -> Self {
        RawAttrs {
            raw: e.attributes_raw(),
            pos: 0,
        }
    }
}

impl<'a> Iterator for RawAttrs<'a> {
    type Item = Result<(&'a str, &'a str), ()>;

    fn next(&mut self) -> Option<Self::Item> {
        let raw = self.raw;
        let bytes = raw.as_bytes();
        let len = bytes.len();
        let mut pos = self.pos;
        while pos < len && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= len {
            self.pos = pos;
            return None;
        }
        let key_start = pos;
        while pos < len && bytes[pos] != b'=' {
            pos += 1;
        }
        if pos >= len {
            self.pos = len;
            return Some(Err(()));
        }
        let key = raw[key_start..pos].trim_ascii_end();
        pos += 1;
        while pos < len && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        let quote = match bytes.get(pos) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => {
                self.pos = len;
                return Some(Err(()));
            }
        };
        pos += 1;
        let val_start = pos;
        while pos < len && bytes[pos] != quote {
            pos += 1;
        }
        let val = &raw[val_start..pos];
        if pos < len {
            pos += 1;
        }
        self.pos = pos;
        Some(Ok((key, val)))
    }
}

/// Whether every attribute of `e` scans (calamine fails on the ones it reads when they do
/// not; the own reader asks this of every element, which is stricter).
pub(super) fn attrs_ok(e: &BytesStart<'_>) -> bool {
    RawAttrs::of(e).all(|a| a.is_ok())
}

/// calamine's `raw_attr`: the raw value of the first attribute named exactly `name`.
pub(super) fn raw_attr<'a>(e: &'a BytesStart<'_>, name: &str) -> Option<Option<&'a str>> {
    for item in RawAttrs::of(e) {
        let (k, v) = item.ok()?;
        if k == name {
            return Some(Some(v));
        }
    }
    Some(None)
}

/// calamine's `get_attrs!` for N keys: each key's raw value, a later duplicate replacing an
/// earlier one until every key was seen `N` times in all (its counting, kept as is).
pub(super) fn get_attrs<'a, const N: usize>(
    e: &'a BytesStart<'_>,
    keys: [&str; N],
) -> Option<[Option<&'a str>; N]> {
    let mut out = [None; N];
    let mut found = 0;
    for item in RawAttrs::of(e) {
        let (k, v) = item.ok()?;
        if let Some(i) = keys.iter().position(|key| *key == k) {
            out[i] = Some(v);
            found += 1;
        }
        if found == N {
            break;
        }
    }
    Some(out)
}

/// calamine's `decode_attr`: an attribute value with its XML entities decoded.
pub(super) fn decode_attr(val: &str) -> Option<String> {
    quick_xml::escape::unescape(val)
        .ok()
        .map(|s| s.into_owned())
}

/// calamine's `unescape_entity_to_buffer`: the five XML entities, then character references;
/// anything else is an error (`None`).
pub(super) fn push_entity(g: &BytesRef<'_>, out: &mut String) -> Option<()> {
    if let Some(s) = quick_xml::escape::resolve_xml_entity(g.as_ref()) {
        out.push_str(s);
        return Some(());
    }
    out.push(g.resolve_char_ref().ok()??);
    Some(())
}

/// The character one of XML's five predefined entities stands for (`amp` → `&`), by name.
pub(super) fn predefined_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

/// Length of an `_xHHHH_` escape.
const ESCAPE_LEN: usize = 7;

/// calamine's `unescape_xml`: Excel's `_xHHHH_` escapes of UTF-16 code units (a surrogate
/// pair as two escapes; a lone surrogate becomes U+FFFD).
pub(super) fn unescape_excel(original: &str) -> std::borrow::Cow<'_, str> {
    let Some((mut index, mut unit)) = find_escape(original, 0) else {
        return std::borrow::Cow::Borrowed(original);
    };
    let mut out = String::with_capacity(original.len());
    let mut copied = 0;
    loop {
        out.push_str(&original[copied..index]);
        index += ESCAPE_LEN;
        match unit {
            0xD800..=0xDBFF => match parse_escape(original, index) {
                Some(low @ 0xDC00..=0xDFFF) => {
                    let code =
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                    out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
                    index += ESCAPE_LEN;
                }
                _ => out.push(char::REPLACEMENT_CHARACTER),
            },
            0xDC00..=0xDFFF => out.push(char::REPLACEMENT_CHARACTER),
            _ => out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        copied = index;
        match find_escape(original, index) {
            Some(next) => (index, unit) = next,
            None => break,
        }
    }
    out.push_str(&original[copied..]);
    std::borrow::Cow::Owned(out)
}

/// The first `_xHHHH_` escape at or after byte `start`: its index and code unit.
fn find_escape(s: &str, mut start: usize) -> Option<(usize, u16)> {
    while let Some(offset) = s[start..].find('_') {
        let index = start + offset;
        if let Some(unit) = parse_escape(s, index) {
            return Some((index, unit));
        }
        start = index + 1;
    }
    None
}

/// The code unit of an `_xHHHH_` escape at byte `index`, if there is one.
fn parse_escape(s: &str, index: usize) -> Option<u16> {
    let b = s.as_bytes().get(index..index + ESCAPE_LEN)?;
    if b[0] != b'_' || b[1] != b'x' || b[6] != b'_' || !b[2..6].iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u16::from_str_radix(std::str::from_utf8(&b[2..6]).ok()?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_escapes_as_calamine() {
        assert_eq!(unescape_excel("a_x000D_b"), "a\rb");
        assert_eq!(unescape_excel("_x005F_x000D_"), "_x000D_");
        assert_eq!(unescape_excel("_xD83D__xDCF7_"), "\u{1F4F7}");
        assert_eq!(unescape_excel("_xD83D_x"), "\u{FFFD}x");
        assert_eq!(unescape_excel("_x00g0_"), "_x00g0_");
    }

    #[test]
    fn raw_attributes_as_calamine() {
        let mut r = reader(br#"<c r="A1" s = '2' t="s" x></c>"#);
        let quick_xml::events::Event::Start(e) = r.read_event().unwrap() else {
            panic!()
        };
        let got: Vec<_> = RawAttrs::of(&e).collect();
        assert_eq!(
            got,
            vec![Ok(("r", "A1")), Ok(("s", "2")), Ok(("t", "s")), Err(())]
        );
        assert_eq!(get_attrs(&e, ["r", "t"]), Some([Some("A1"), Some("s")]));
        assert_eq!(raw_attr(&e, "x"), None);
        assert!(!attrs_ok(&e));
    }
}
