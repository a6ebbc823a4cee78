//! The shared strings table and the number formats of `styles.xml`, by calamine's rules.
//!
//! Strings: rich-text runs joined, phonetic runs (`rPh`) left out, text trimmed of ASCII
//! whitespace unless `xml:space="preserve"`, entities and Excel's `_xHHHH_` escapes resolved.
//! Styles: of each cell style (`xf`), only whether its number format shows a date, a duration
//! or a percent; fonts, fills and borders are walked only as far as calamine's parser would fail
//! on them. `None` wherever calamine would refuse the part.

use super::sheet::structural_event;
use crate::read::number::is_percent_format;
use crate::read::rawxml::{
    attrs_ok, decode_attr, get_attrs, push_entity, raw_attr, reader, unescape_excel,
};
use quick_xml::events::Event;
use quick_xml::name::QName;
use quick_xml::Reader;
use std::collections::HashMap;

/// calamine's date detection of a number format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateKind {
    /// Not a date.
    Other,
    /// A date or time of day.
    DateTime,
    /// A duration (`[h]:mm:ss`).
    TimeDelta,
}

/// What a cell style's number format means for its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct XfFormat {
    /// Date detection (calamine's `CellFormat`).
    pub date: DateKind,
    /// Shown with `%` (the calamine path's `cell_value`).
    pub percent: bool,
}

/// The next event, `None` on an XML error or an element whose attributes do not scan (for
/// `styles.xml`, whose elements calamine's style parser reads many attributes of).
fn next<'a>(r: &mut Reader<&'a [u8]>) -> Option<Event<'a>> {
    match r.read_event().ok()? {
        Event::Start(e) if !attrs_ok(&e) => None,
        ev => Some(ev),
    }
}

/// Digits read as calamine's integer parser reads them (leading zeros allowed); `None` for
/// anything else, where the own reader is not sure to agree with it.
pub(super) fn digits(s: &str) -> Option<u64> {
    let t = s.trim_start_matches('0');
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || t.len() > 9 {
        return None;
    }
    Some(t.parse().unwrap_or(0))
}

/// The shared strings of `sharedStrings.xml` in order.
pub(super) fn shared_strings(xml: &[u8]) -> Option<Vec<String>> {
    let mut r = reader(xml);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "sst" => {
                raw_attr(&e, "uniqueCount")?;
                break;
            }
            Event::Eof => return None,
            _ => {}
        }
    }
    let mut out = Vec::new();
    loop {
        match r.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                out.push(read_string(&mut r, e.name(), false)?)
            }
            Event::End(e) if e.local_name().as_ref() == "sst" => return Some(out),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// A plain or rich-text string up to the end of `closing` (an `<si>` or an inline `<is>`);
/// `in_cell` declines on a sheet's structure inside it (see `sheet::structural`).
pub(super) fn read_string(
    r: &mut Reader<&[u8]>,
    closing: QName<'_>,
    in_cell: bool,
) -> Option<String> {
    let mut rich: Option<String> = None;
    let mut phonetic = false;
    loop {
        let ev = r.read_event().ok()?;
        if in_cell && structural_event(&ev) {
            return None;
        }
        match ev {
            Event::Start(e) if e.local_name().as_ref() == "r" && rich.is_none() => {
                rich = Some(String::new())
            }
            Event::Start(e) if e.local_name().as_ref() == "rPh" => phonetic = true,
            Event::End(e) if e.name() == closing => return Some(rich.unwrap_or_default()),
            Event::End(e) if e.local_name().as_ref() == "rPh" => phonetic = false,
            Event::Start(e) if e.local_name().as_ref() == "t" && !phonetic => {
                let preserve = raw_attr(&e, "xml:space")? == Some("preserve");
                let mut value = String::new();
                loop {
                    let ev = r.read_event().ok()?;
                    if in_cell && structural_event(&ev) {
                        return None;
                    }
                    match ev {
                        Event::Text(t) => value.push_str(&t.xml10_content()),
                        Event::CData(t) => value.push_str(&t.xml10_content()),
                        Event::GeneralRef(g) => push_entity(&g, &mut value)?,
                        Event::End(end) if end.name() == e.name() => break,
                        Event::Eof => return None,
                        _ => {}
                    }
                }
                let kept = if preserve {
                    &value[..]
                } else {
                    value.trim_matches([' ', '\t', '\r', '\n'])
                };
                let kept = unescape_excel(kept);
                match &mut rich {
                    Some(s) => s.push_str(&kept),
                    None => rich = Some(kept.into_owned()),
                }
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// The number format of every cell style (`cellXfs/xf`) in order.
pub(super) fn number_formats(xml: &[u8]) -> Option<Vec<XfFormat>> {
    let mut r = reader(xml);
    let mut custom: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    loop {
        match next(&mut r)? {
            Event::Start(e) if e.local_name().as_ref() == "numFmts" => loop {
                match next(&mut r)? {
                    Event::Start(e) if e.local_name().as_ref() == "numFmt" => {
                        if let [Some(id), Some(code)] = get_attrs(&e, ["numFmtId", "formatCode"])? {
                            custom.insert(id.to_string(), decode_attr(code)?);
                        }
                    }
                    Event::End(e) if e.local_name().as_ref() == "numFmts" => break,
                    Event::Eof => return None,
                    _ => {}
                }
            },
            Event::Start(e) if e.local_name().as_ref() == "fonts" => {
                list(&mut r, "fonts", "font", |r, _| font(r))?
            }
            Event::Start(e) if e.local_name().as_ref() == "fills" => {
                list(&mut r, "fills", "fill", |r, _| until_end(r, "fill"))?
            }
            Event::Start(e) if e.local_name().as_ref() == "borders" => {
                list(&mut r, "borders", "border", |r, _| border(r))?
            }
            Event::Start(e) if e.local_name().as_ref() == "cellXfs" => loop {
                match next(&mut r)? {
                    Event::Start(e) if e.local_name().as_ref() == "xf" => {
                        let date = match raw_attr(&e, "numFmtId")? {
                            None => DateKind::Other,
                            Some(v) => match custom.get(v) {
                                Some(code) => detect_custom_number_format(code),
                                None => builtin_format_by_id(v),
                            },
                        };
                        // calamine's percent reads the id with the style's other ids, so a
                        // second `numFmtId` counts as it does there
                        let [id, ..] = get_attrs(&e, ["numFmtId", "fontId", "fillId", "borderId"])?;
                        let percent = match id {
                            None => false,
                            Some(v) => {
                                let n = digits(v).filter(|n| *n <= u64::from(u32::MAX))?;
                                matches!(n, 9 | 10)
                                    || custom.get(v).is_some_and(|c| is_percent_format(c))
                            }
                        };
                        out.push(XfFormat { date, percent });
                        until_end(&mut r, "xf")?;
                    }
                    Event::End(e) if e.local_name().as_ref() == "cellXfs" => break,
                    Event::Eof => return None,
                    _ => {}
                }
            },
            Event::End(e) if e.local_name().as_ref() == "styleSheet" => return Some(out),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// A list such as `<fonts>`: each `item` handed to `each`, up to the list's end.
fn list(
    r: &mut Reader<&[u8]>,
    name: &str,
    item: &str,
    mut each: impl FnMut(&mut Reader<&[u8]>, ()) -> Option<()>,
) -> Option<()> {
    loop {
        match next(r)? {
            Event::Start(e) if e.local_name().as_ref() == item => each(r, ())?,
            Event::End(e) if e.local_name().as_ref() == name => return Some(()),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Reads up to the first end tag whose local name is `name` (nesting not counted).
fn until_end(r: &mut Reader<&[u8]>, name: &str) -> Option<()> {
    loop {
        match next(r)? {
            Event::End(e) if e.local_name().as_ref() == name => return Some(()),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// A `<font>`: calamine decodes its `<name val>`.
fn font(r: &mut Reader<&[u8]>) -> Option<()> {
    loop {
        match next(r)? {
            Event::Start(e) if e.local_name().as_ref() == "name" => {
                if let Some(v) = raw_attr(&e, "val")? {
                    decode_attr(v)?;
                }
            }
            Event::End(e) if e.local_name().as_ref() == "font" => return Some(()),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// A `<border>`: each side read up to its own end tag.
fn border(r: &mut Reader<&[u8]>) -> Option<()> {
    loop {
        match next(r)? {
            Event::Start(e) => {
                let side = e.local_name();
                if matches!(
                    side.as_ref(),
                    "left" | "right" | "top" | "bottom" | "diagonal"
                ) {
                    let side = side.as_ref().to_string();
                    until_end(r, &side)?;
                }
            }
            Event::End(e) if e.local_name().as_ref() == "border" => return Some(()),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// calamine's `builtin_format_by_id`: the built-in number formats that are dates or durations.
pub(super) fn builtin_format_by_id(id: &str) -> DateKind {
    match id {
        "14" | "15" | "16" | "17" | "18" | "19" | "20" | "21" | "22" | "45" | "47" => {
            DateKind::DateTime
        }
        "27" | "28" | "29" | "30" | "31" | "32" | "33" | "34" | "35" | "36" | "50" | "51"
        | "52" | "53" | "54" | "55" | "56" | "57" | "58" => DateKind::DateTime,
        "46" => DateKind::TimeDelta,
        _ => DateKind::Other,
    }
}

/// calamine's `detect_custom_number_format` (its `formats.rs`, MIT): whether a custom format
/// code shows a date or a duration, from its first section.
pub(super) fn detect_custom_number_format(format: &str) -> DateKind {
    let mut escaped = false;
    let mut is_quote = false;
    let mut brackets = 0u8;
    let mut prev = ' ';
    let mut hms = false;
    let mut ap = false;
    for s in format.chars() {
        match (s, escaped, is_quote, ap, brackets) {
            (_, true, ..) => escaped = false,
            ('_' | '\\' | '*', ..) => escaped = true,
            ('"', _, true, _, _) => is_quote = false,
            (_, _, true, _, _) => (),
            ('"', _, _, _, _) => is_quote = true,
            (';', ..) => return DateKind::Other,
            ('[', ..) => brackets += 1,
            (']', .., 1) if hms => return DateKind::TimeDelta,
            (']', ..) => brackets = brackets.saturating_sub(1),
            ('a' | 'A', _, _, false, 0) => ap = true,
            ('p' | 'm' | '/' | 'P' | 'M', _, _, true, 0) => return DateKind::DateTime,
            ('d' | 'm' | 'h' | 'y' | 's' | 'D' | 'M' | 'H' | 'Y' | 'S', _, _, false, 0) => {
                return DateKind::DateTime
            }
            _ => {
                if !(hms && s.eq_ignore_ascii_case(&prev)) {
                    hms = prev == '[' && matches!(s, 'm' | 'h' | 's' | 'M' | 'H' | 'S');
                }
            }
        }
        prev = s;
    }
    DateKind::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_formats_as_calamine() {
        use DateKind::*;
        for (code, kind) in [
            ("DD/MM/YY", DateTime),
            ("H:MM:SS;@", DateTime),
            ("[h]:mm:ss", TimeDelta),
            ("0.00%", Other),
            ("\\Y000000", Other),
            ("*-yyyy-mm-dd", DateTime),
            ("[>=100][Magenta].00", Other),
            ("[Blue]\\+[h]:mm;[Red]\\-[h]:mm;[Green][h]:mm", TimeDelta),
        ] {
            assert_eq!(detect_custom_number_format(code), kind, "{code}");
        }
    }

    /// calamine's percent reads `numFmtId` with the three other style ids and stops at the
    /// fourth it sees; its date detection reads the first `numFmtId`.
    #[test]
    fn percent_id_read_as_calamine_reads_it() {
        let xml = concat!(
            r#"<styleSheet><cellXfs><xf numFmtId="10" numFmtId="0" fontId="0" fillId="0"/>"#,
            r#"<xf fontId="0" fontId="1" fillId="0" borderId="0" numFmtId="10"/>"#,
            r#"<xf numFmtId="10" fontId="0" fillId="0" borderId="0" numFmtId="0"/>"#,
            r#"<xf numFmtId="14" numFmtId="9"/></cellXfs></styleSheet>"#,
        );
        let formats = number_formats(xml.as_bytes()).expect("read");
        let percent: Vec<bool> = formats.iter().map(|f| f.percent).collect();
        assert_eq!(percent, [false, false, true, true]);
        assert_eq!(formats[3].date, DateKind::DateTime);
    }

    #[test]
    fn strings_as_calamine() {
        let xml = br#"<sst uniqueCount="3"><si><t> a </t></si><si><r><t xml:space="preserve"> b</t></r><r><t>c&amp;_x000D_</t></r><rPh><t>x</t></rPh></si><si/></sst>"#;
        assert_eq!(
            shared_strings(xml),
            Some(vec!["a".into(), " bc&\r".into(), String::new()])
        );
        assert_eq!(shared_strings(b"<sst><si><t>&bogus;</t></si></sst>"), None);
        assert_eq!(shared_strings(b"<sst><si><t>a</t></si>"), None);
    }
}
