//! The number formats of `styles.xml` read by scanning bytes, for the plain shape every writer
//! produces: the same [`XfFormat`]s as the event walk ([`super::styles::number_formats`]) at a
//! fraction of its cost (quick-xml's events and the attribute check of every start tag were
//! most of it).
//!
//! The scanner runs the event walk's own state machine (which list it is in, which item,
//! which border side) over tags it reads itself, and reads only tags written plainly: names of
//! ASCII letters, digits and `_ - . :`, attributes as `key="value"` separated by spaces, tabs
//! or line feeds, `</name>` closing the tag it opened. Anything else (a comment, CDATA, a
//! DOCTYPE, a processing instruction, an entity in text, a single-quoted attribute, a start tag
//! left open, a declared encoding other than UTF-8, a byte-order mark, invalid UTF-8) makes it
//! decline, and the event walk reads the part as before. Such tags are exactly what quick-xml
//! reads as the same start and end events and calamine's attribute scanner (`attrs_ok`) takes,
//! so the state machine sees what the event walk sees. The formats' codes and the fonts' names
//! are decoded with the five predefined entities only; a character reference, any other entity
//! or an attribute the walk reads (`numFmtId`, `formatCode`, `val`, and the style ids read with
//! `numFmtId`) written twice declines too.

use super::scan::after_declaration;
use super::styles::{
    builtin_format_by_id, detect_custom_number_format, digits, DateKind, XfFormat,
};
use crate::read::number::is_percent_format;
use std::borrow::Cow;

/// Where the event walk is in `styles.xml`: one state per loop of `styles::number_formats`
/// and its helpers, left on the same end tags.
#[derive(Clone, Copy)]
enum At<'a> {
    /// The main loop, up to `</styleSheet>`.
    Top,
    /// In `<numFmts>`.
    NumFmts,
    /// In `<fonts>`, between fonts.
    Fonts,
    /// In a `<font>`.
    Font,
    /// In `<fills>`, between fills.
    Fills,
    /// In a `<fill>` (read up to its end tag).
    Fill,
    /// In `<borders>`, between borders.
    Borders,
    /// In a `<border>`, between sides.
    Border,
    /// In a side of a border (`left` …), read up to an end tag of that local name.
    Side(&'a str),
    /// In `<cellXfs>`, between cell styles.
    CellXfs,
    /// In a cell style `<xf>` (read up to its end tag).
    Xf,
}

/// One tag as the event walk's reader would report it (an empty element gives a start, then
/// an end), with the raw values of the attributes the walk reads.
#[derive(Clone, Copy)]
struct Tag<'a> {
    /// The name as written.
    name: &'a str,
    /// The local name (after the first `:`, as quick-xml's `local_name`).
    local: &'a str,
    /// Start, empty or end.
    kind: Kind,
    /// `numFmtId` (of a `numFmt` or an `xf`).
    id: Option<&'a str>,
    /// `formatCode` (of a `numFmt`).
    code: Option<&'a str>,
    /// `val` (of a font's `name`).
    val: Option<&'a str>,
}

/// What a tag is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `<name …>`.
    Start,
    /// `<name …/>`.
    Empty,
    /// `</name>`.
    End,
}

/// Deepest nesting the scanner follows (`styles.xml` nests about five deep).
const MAX_DEPTH: usize = 32;

/// The number format of every cell style (`cellXfs/xf`) in order, scanned where the part is
/// written plainly; `None` to leave it to the event walk, which then decides (it may refuse).
pub(super) fn number_formats(xml: &[u8]) -> Option<Vec<XfFormat>> {
    let s = std::str::from_utf8(xml).ok()?;
    let b = s.as_bytes();
    let mut i = after_declaration(s)?;
    let mut custom: Vec<(&str, Cow<'_, str>)> = Vec::new();
    let mut out = Vec::new();
    let mut at = At::Top;
    let mut open: [&str; MAX_DEPTH] = [""; MAX_DEPTH];
    let mut depth = 0usize;
    loop {
        // Text between tags is not read by the event walk; an entity in it might not parse.
        let lt = match b.get(i) {
            Some(b'<') => i,
            _ => i + memchr::memchr2(b'<', b'&', b.get(i..)?)?,
        };
        if b.get(lt) != Some(&b'<') {
            return None;
        }
        let (t, next) = tag(s, lt)?;
        i = next;
        match t.kind {
            Kind::End => {
                depth = depth.checked_sub(1)?;
                if open.get(depth) != Some(&t.name) {
                    return None;
                }
            }
            Kind::Start => {
                *open.get_mut(depth)? = t.name;
                depth += 1;
            }
            Kind::Empty => {}
        }
        let mut done = step(&mut at, &t, t.kind == Kind::End, &mut custom, &mut out)?;
        if t.kind == Kind::Empty && !done {
            done = step(&mut at, &t, true, &mut custom, &mut out)?;
        }
        if done {
            #[cfg(test)]
            TAKEN.with(|n| n.set(n.get() + 1));
            return Some(out);
        }
    }
}

#[cfg(test)]
thread_local! {
    /// How many style sheets the scanner took on this thread: the oracle tests check it takes
    /// the workbooks they read, so a scanner that always declined could not pass unnoticed.
    pub(in crate::read) static TAKEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// One event of the event walk (`t` as a start tag, or as an end tag when `end`): its state
/// moved on, a numFmt or xf read; `Some(true)` at the end of the style sheet, `None` where
/// the scanner declines.
fn step<'a>(
    at: &mut At<'a>,
    t: &Tag<'a>,
    end: bool,
    custom: &mut Vec<(&'a str, Cow<'a, str>)>,
    out: &mut Vec<XfFormat>,
) -> Option<bool> {
    let l = t.local;
    *at = match (*at, end) {
        (At::Top, false) => match l {
            "numFmts" => At::NumFmts,
            "fonts" => At::Fonts,
            "fills" => At::Fills,
            "borders" => At::Borders,
            "cellXfs" => At::CellXfs,
            _ => At::Top,
        },
        (At::Top, true) => return Some(l == "styleSheet"),
        (At::NumFmts, false) if l == "numFmt" => {
            if let (Some(id), Some(code)) = (t.id, t.code) {
                custom.push((id, decode(code)?));
            }
            At::NumFmts
        }
        (At::NumFmts, true) if l == "numFmts" => At::Top,
        (At::Fonts, false) if l == "font" => At::Font,
        (At::Fonts, true) if l == "fonts" => At::Top,
        (At::Font, false) if l == "name" => {
            if let Some(v) = t.val {
                decode(v)?;
            }
            At::Font
        }
        (At::Font, true) if l == "font" => At::Fonts,
        (At::Fills, false) if l == "fill" => At::Fill,
        (At::Fills, true) if l == "fills" => At::Top,
        (At::Fill, true) if l == "fill" => At::Fills,
        (At::Borders, false) if l == "border" => At::Border,
        (At::Borders, true) if l == "borders" => At::Top,
        (At::Border, false) if matches!(l, "left" | "right" | "top" | "bottom" | "diagonal") => {
            At::Side(l)
        }
        (At::Border, true) if l == "border" => At::Borders,
        (At::Side(side), true) if l == side => At::Border,
        (At::CellXfs, false) if l == "xf" => {
            out.push(xf(t.id, custom)?);
            At::Xf
        }
        (At::CellXfs, true) if l == "cellXfs" => At::Top,
        (At::Xf, true) if l == "xf" => At::CellXfs,
        (same, _) => same,
    };
    Some(false)
}

/// A cell style's number format, as the event walk reads it from the `<xf>`'s `numFmtId`.
fn xf(id: Option<&str>, custom: &[(&str, Cow<'_, str>)]) -> Option<XfFormat> {
    let Some(v) = id else {
        return Some(XfFormat {
            date: DateKind::Other,
            percent: false,
        });
    };
    let n = digits(v)?;
    // The last definition of an id wins, as in the walk's map.
    let code = custom.iter().rev().find(|(k, _)| *k == v).map(|(_, c)| c);
    Some(XfFormat {
        date: match code {
            Some(c) => detect_custom_number_format(c),
            None => builtin_format_by_id(v),
        },
        percent: matches!(n, 9 | 10) || code.is_some_and(|c| is_percent_format(c)),
    })
}

/// The bytes of a name: ASCII letters and digits, `_ - . :` (a table: names are most of the
/// bytes the scanner reads).
const NAME: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':');
        c += 1;
    }
    t
};

/// The end of a name starting at `b[i]`: bytes of [`NAME`], the first a letter or `_` (else
/// `None`).
fn name_end(b: &[u8], mut i: usize) -> Option<usize> {
    if !b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        return None;
    }
    while b.get(i).is_some_and(|c| NAME[usize::from(*c)]) {
        i += 1;
    }
    Some(i)
}

/// The tag at `s[at]` (a `<`) and the offset past it; `None` for anything not written plainly
/// (see the module's doc), or with an attribute the walk or calamine reads written twice.
fn tag(s: &str, at: usize) -> Option<(Tag<'_>, usize)> {
    let b = s.as_bytes();
    let closing = b.get(at + 1) == Some(&b'/');
    let first = at + 1 + usize::from(closing);
    let end = name_end(b, first)?;
    let name = s.get(first..end)?;
    let local = match b.get(first..end)?.iter().position(|c| *c == b':') {
        Some(c) => s.get(first + c + 1..end)?,
        None => name,
    };
    let mut t = Tag {
        name,
        local,
        kind: Kind::End,
        id: None,
        code: None,
        val: None,
    };
    if closing {
        return (b.get(end) == Some(&b'>')).then_some((t, end + 1));
    }
    let mut i = end;
    let mut seen = 0u8;
    loop {
        let mut spaced = false;
        while let Some(b' ' | b'\t' | b'\n') = b.get(i) {
            spaced = true;
            i += 1;
        }
        match *b.get(i)? {
            b'>' => {
                t.kind = Kind::Start;
                return Some((t, i + 1));
            }
            b'/' if b.get(i + 1) == Some(&b'>') => {
                t.kind = Kind::Empty;
                return Some((t, i + 2));
            }
            _ if spaced => {
                // `key="value"`, the value up to the next `"` and without a `<`
                let key_start = i;
                i = name_end(b, i)?;
                let key = b.get(key_start..i)?;
                if b.get(i..i + 2) != Some(b"=\"") {
                    return None;
                }
                i += 2;
                let value_start = i;
                loop {
                    match *b.get(i)? {
                        b'"' => break,
                        b'<' => return None,
                        _ => i += 1,
                    }
                }
                // The walk reads the first `numFmtId`, `formatCode` and `val`; calamine's
                // percent reads `numFmtId` with the three other style ids, up to the fourth
                // seen: any of them twice declines.
                let (bit, slot) = match key {
                    b"numFmtId" => (1, Some(&mut t.id)),
                    b"formatCode" => (2, Some(&mut t.code)),
                    b"val" => (4, Some(&mut t.val)),
                    b"fontId" => (8, None),
                    b"fillId" => (16, None),
                    b"borderId" => (32, None),
                    _ => (0, None),
                };
                if seen & bit != 0 {
                    return None;
                }
                seen |= bit;
                if let Some(slot) = slot {
                    *slot = Some(s.get(value_start..i)?);
                }
                i += 1;
            }
            _ => return None,
        }
    }
}

/// An attribute value with the five predefined entities decoded, as `rawxml::decode_attr`
/// decodes it; `None` at a character reference or any other `&`.
fn decode(v: &str) -> Option<Cow<'_, str>> {
    let Some(first) = v.find('&') else {
        return Some(Cow::Borrowed(v));
    };
    let mut out = String::with_capacity(v.len());
    out.push_str(&v[..first]);
    let mut rest = &v[first..];
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let (name, next) = after.split_once(';')?;
        out.push(crate::read::rawxml::predefined_entity(name)?);
        rest = next;
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}
