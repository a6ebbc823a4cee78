//! The cells of a worksheet and the shared strings read by scanning bytes, for the plain shape
//! nearly every writer produces (`<row>`s of `<c>`s holding `<v>`, `<f>` and one-`<t>` inline
//! strings; `<si>`s of one `<t>`): the same [`Walked`] as the event walk
//! ([`super::sheet::walk_events`]) and the same strings as the event reader, at a fraction of
//! their cost (quick-xml's events and attribute checks were most of the reading time).
//!
//! The part around `<sheetData>` (dimension, merged regions, what follows) is still read by the
//! event walk, over a copy of the part with the cells cut out; only the cells are scanned. The
//! scanner takes nothing on trust: any byte it is not sure the event walk reads the same way
//! (an entity in a `<v>`, a character reference, a rich-text run, a comment, a namespace
//! prefix, an attribute without double quotes or written twice, a `\r`, a tag it does not
//! know) makes it decline, and the event walk reads the whole part as before. The oracle tests
//! (`src/read/oracle_tests.rs`) compare the reader with and without the scanner, and both with
//! calamine, on every fixture and on generated and mutated workbooks.

use super::sheet::{on_sheet, read_v, walk_events, Walked};
use super::styles::digits;
use super::Context;
use crate::sheet::CellRef;
use calamine::Data;
use quick_xml::events::BytesStart;

/// Walks a worksheet part by scanning its cells; `None` where it declines (the caller then
/// walks the part's events).
pub(super) fn walk(xml: &[u8], ctx: &Context, name: &str) -> Option<Walked> {
    const OPEN: &[u8] = b"<sheetData>";
    const CLOSE: &[u8] = b"</sheetData>";
    let start = find(xml, OPEN)? + OPEN.len();
    let end = start + find(&xml[start..], CLOSE)?;
    let (head, body) = (&xml[..start], &xml[start..end]);
    // Comments, CDATA or a DOCTYPE before the cells could hide or fake the tags found above; a
    // second `<sheetData`, or a declared encoding other than UTF-8, is the event walk's.
    if find(&xml[..end], b"<!").is_some()
        || find(&xml[end..], b"<sheetData").is_some()
        || find(body, b"<sheetData").is_some()
        || !utf8_declared(head)
    {
        return None;
    }
    let body = std::str::from_utf8(body).ok()?;
    let mut outer = Vec::with_capacity(xml.len() - body.len());
    outer.extend_from_slice(head);
    outer.extend_from_slice(&xml[end..]);
    let mut out = walk_events(&outer, ctx, name)?;
    cells(body, ctx, &mut out)?;
    #[cfg(test)]
    TAKEN.with(|n| n.set(n.get() + 1));
    Some(out)
}

#[cfg(test)]
thread_local! {
    /// How many sheets the scanner took on this thread: the oracle tests check it takes the
    /// forms they read, so a scanner that always declined could not pass unnoticed.
    pub(in crate::read) static TAKEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Whether the part is UTF-8 as far as its start tells: no UTF-16 byte order mark, and an XML
/// declaration, if any, that names no encoding or UTF-8.
fn utf8_declared(head: &[u8]) -> bool {
    if head.starts_with(b"\xFE") || head.starts_with(b"\xFF") {
        return false;
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    if !head.starts_with(b"<?xml") {
        return true;
    }
    let Some(decl_end) = find(head, b"?>") else {
        return false;
    };
    let decl = &head[..decl_end];
    match find(decl, b"encoding=") {
        None => true,
        Some(i) => {
            let v = &decl[i + 9..];
            let v = v.strip_prefix(b"\"").or_else(|| v.strip_prefix(b"'"));
            v.is_some_and(|v| {
                v.len() > 5 && v[..5].eq_ignore_ascii_case(b"utf-8") && matches!(v[5], b'"' | b'\'')
            })
        }
    }
}

/// The first place of `needle` in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// A start tag read strictly (`key="value"` attributes, no entity, no key twice): the few
/// attributes the cells need, and whether it closes itself.
#[derive(Default)]
struct Tag<'a> {
    /// The tag's text after `<`, up to (not including) `>` or `/>`.
    content: &'a str,
    /// `r`: a row's number, a cell's reference.
    r: Option<&'a str>,
    /// `s`: a cell's style.
    s: Option<&'a str>,
    /// `t`: a cell's type.
    t: Option<&'a str>,
    /// `xml:space`, of a `<t>`.
    space: Option<&'a str>,
    /// `<…/>`.
    empty: bool,
}

/// Most attributes a tag may have before the scanner declines (Excel writes up to about ten on
/// a `<row>`).
const MAX_ATTRS: usize = 16;

/// The tag `name` starting at `s[at]` (`<` included), and the offset past it; `None` when it is
/// another tag or not written plainly.
fn tag<'a>(s: &'a str, at: usize, name: &str) -> Option<(Tag<'a>, usize)> {
    let b = s.as_bytes();
    if !b.get(at + 1..)?.starts_with(name.as_bytes()) {
        return None;
    }
    let mut i = at + 1 + name.len();
    let mut t = Tag::default();
    // attributes seen: the four the cells read as bits, any other by name (rare: `spans`,
    // `ht`, `customFormat` on rows), so that none is taken twice
    let mut known = 0u8;
    let mut others: [&[u8]; MAX_ATTRS] = [&[]; MAX_ATTRS];
    let (mut n, mut n_others) = (0, 0);
    loop {
        let ws = b[i..]
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t' | b'\n'))
            .count();
        i += ws;
        match *b.get(i)? {
            b'>' => {
                t.content = s.get(at + 1..i)?;
                return Some((t, i + 1));
            }
            b'/' if b.get(i + 1) == Some(&b'>') => {
                t.content = s.get(at + 1..i)?;
                t.empty = true;
                return Some((t, i + 2));
            }
            c if ws > 0 && (c.is_ascii_alphabetic() || c == b'_') => {
                let key_len = b[i..]
                    .iter()
                    .take_while(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'-' | b'.')
                    })
                    .count();
                let key = &b[i..i + key_len];
                i += key_len;
                if b.get(i) != Some(&b'=') || b.get(i + 1) != Some(&b'"') {
                    return None;
                }
                i += 2;
                // up to the closing quote, declining at an entity or a character the event walk
                // reads differently; one pass, as values are short (`B12`, `1`, `s`)
                let mut len = 0;
                loop {
                    match *b.get(i + len)? {
                        b'"' => break,
                        b'&' | b'<' | b'\r' | b'\t' | b'\n' => return None,
                        _ => len += 1,
                    }
                }
                if n == MAX_ATTRS {
                    return None;
                }
                n += 1;
                // the value lies between two ASCII quotes, so it is whole characters
                let value = s.get(i..i + len)?;
                let bit = match key {
                    b"r" => 1,
                    b"s" => 2,
                    b"t" => 4,
                    b"xml:space" => 8,
                    _ => 0,
                };
                if bit == 0 {
                    if others[..n_others].contains(&key) {
                        return None;
                    }
                    others[n_others] = key;
                    n_others += 1;
                } else if known & bit != 0 {
                    return None;
                } else {
                    known |= bit;
                    match bit {
                        1 => t.r = Some(value),
                        2 => t.s = Some(value),
                        4 => t.t = Some(value),
                        _ => t.space = Some(value),
                    }
                }
                i += len + 1;
            }
            _ => return None,
        }
    }
}

/// Text between tags up to the next `<`: the offset of that `<`; `None` at an entity or a
/// `\r` (the event walk reads those differently) or at the end.
fn text_to_tag(s: &str, at: usize) -> Option<usize> {
    let rest = &s.as_bytes()[at..];
    let len = memchr::memchr3(b'<', b'&', b'\r', rest)?;
    (rest[len] == b'<').then_some(at + len)
}

/// The cells between `<sheetData>` and `</sheetData>`, put into `out` as the event walk puts
/// them.
fn cells(s: &str, ctx: &Context, out: &mut Walked) -> Option<()> {
    let (mut row, mut col) = (0u32, 0u32);
    let mut in_row = false;
    let mut i = 0;
    loop {
        let Some(lt) = text_to_tag(s, i) else {
            // Only white space (or other text) may follow the last row.
            return (!in_row && !s[i..].contains(['&', '\r'])).then_some(());
        };
        i = lt;
        let rest = &s[i..];
        if rest.starts_with("</row>") && in_row {
            row = row.checked_add(1)?;
            col = 0;
            in_row = false;
            i += 6;
        } else if let Some((t, next)) = (!in_row).then(|| tag(s, i, "row")).flatten() {
            if let Some(v) = t.r {
                row = CellRef::row_from_a1(v)?;
            }
            if t.empty {
                row = row.checked_add(1)?;
                col = 0;
            } else {
                in_row = true;
            }
            i = next;
        } else if let Some((t, next)) = in_row.then(|| tag(s, i, "c")).flatten() {
            let at = match t.r {
                Some(a) => on_sheet(CellRef::from_a1(a)?)?,
                None => on_sheet(CellRef::new(row, col))?,
            };
            col = at.col;
            i = next;
            if !t.empty {
                i = cell(s, i, ctx, out, at, t.s, t.t)?;
            } else {
                let style_id = t.s.map(digits).unwrap_or(Some(0))? as usize;
                let percent = ctx.formats.get(style_id).is_some_and(|f| f.percent);
                out.put(at, Data::Empty, percent);
            }
            col += 1;
        } else {
            return None;
        }
    }
}

/// One `<c>`'s children from `s[i]` to its `</c>` (the offset past it): the last `<v>` or `<f>`
/// gives the value, as in the event walk's `cell_body`.
fn cell(
    s: &str,
    mut i: usize,
    ctx: &Context,
    out: &mut Walked,
    at: CellRef,
    style: Option<&str>,
    kind: Option<&str>,
) -> Option<usize> {
    let style_id = match style {
        Some(v) => digits(v)? as usize,
        None => 0,
    };
    let mut value = Data::Empty;
    loop {
        i = text_to_tag(s, i)?;
        let rest = &s[i..];
        if let Some(after) = rest.strip_prefix("</c>") {
            i = s.len() - after.len();
            break;
        } else if let Some(after) = rest.strip_prefix("<v>") {
            let v_start = s.len() - after.len();
            let v_end = text_to_tag(s, v_start)?;
            if !s[v_end..].starts_with("</v>") {
                return None;
            }
            let text = &s[v_start..v_end];
            value = match kind {
                Some("inlineStr" | "is") => Data::Empty,
                Some("n" | "s" | "b" | "e") | None if text.is_empty() => Data::Empty,
                _ => read_v(ctx, text, style, kind)?,
            };
            i = v_end + 4;
        } else if let Some(after) = rest.strip_prefix("<is>") {
            let (text, next) = inline_string(s, s.len() - after.len())?;
            value = Data::String(text);
            i = next;
        } else if let Some((t, next)) = tag(s, i, "f") {
            super::super::marks::check_formula(&BytesStart::from_content(t.content, 1))?;
            out.mark_formula(at)?;
            i = next;
            if !t.empty {
                i = formula_end(s, i)?;
            }
            value = Data::Empty;
        } else {
            return None;
        }
    }
    let percent = ctx.formats.get(style_id).is_some_and(|f| f.percent);
    out.put(at, value, percent);
    Some(i)
}

/// Past the `</f>` closing a formula's text at `s[i]`; the text may hold the five predefined
/// entities and character references (`&gt;` in `A1&gt;0`), nothing else that needs a parser.
fn formula_end(s: &str, mut i: usize) -> Option<usize> {
    let b = s.as_bytes();
    loop {
        let rest = &b[i..];
        let at = memchr::memchr3(b'<', b'&', b'\r', rest)?;
        i += at;
        match b[i] {
            b'<' => {
                return s[i..].starts_with("</f>").then_some(i + 4);
            }
            b'&' => {
                let len = b[i + 1..].iter().position(|c| *c == b';')?;
                let name = &s[i + 1..i + 1 + len];
                let ok = matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
                    || name
                        .strip_prefix("#x")
                        .is_some_and(|h| !h.is_empty() && h.bytes().all(|c| c.is_ascii_hexdigit()))
                    || name
                        .strip_prefix('#')
                        .is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()));
                if !ok {
                    return None;
                }
                i += len + 2;
            }
            _ => return None,
        }
    }
}

/// An inline string's one `<t>` from `s[i]` (just past `<is>`) to past its `</is>`: see
/// [`string_item`].
fn inline_string(s: &str, i: usize) -> Option<(String, usize)> {
    string_item(s, i, "</is>")
}

/// A string item (`<is>` of a cell, `<si>` of the shared strings) from `s[i]`, just past its
/// opening tag, to past `close`: its one `<t>`'s text as the event walk's `read_string` keeps
/// it (trimmed unless `xml:space="preserve"`, Excel's `_xHHHH_` escapes undone), an empty
/// `<phoneticPr/>` after it allowed. Rich-text runs, phonetic runs and several `<t>` are
/// declined.
fn string_item(s: &str, i: usize, close: &str) -> Option<(String, usize)> {
    let i = text_to_tag(s, i)?;
    let (t, i) = tag(s, i, "t").filter(|(t, _)| !t.empty)?;
    let (text, end) = entity_text(s, i)?;
    let rest = s[end..].strip_prefix("</t>")?;
    let mut at = text_to_tag(s, s.len() - rest.len())?;
    if let Some((p, next)) = tag(s, at, "phoneticPr") {
        if !p.empty {
            return None;
        }
        at = text_to_tag(s, next)?;
    }
    let after = s[at..].strip_prefix(close)?;
    let kept = if t.space == Some("preserve") {
        &text[..]
    } else {
        text.trim_matches([' ', '\t', '\r', '\n'])
    };
    let text = crate::read::rawxml::unescape_excel(kept).into_owned();
    Some((text, s.len() - after.len()))
}

/// Where a part's text begins after its XML declaration (0 without one); `None` when the
/// declaration names an encoding other than UTF-8, or `<?xml…` is a processing instruction
/// rather than the declaration (quick-xml tells them apart by the white space after `xml`).
pub(super) fn after_declaration(s: &str) -> Option<usize> {
    if !s.starts_with("<?xml") {
        return Some(0);
    }
    if !matches!(s.as_bytes().get(5), Some(b' ' | b'\t' | b'\n')) || !utf8_declared(s.as_bytes()) {
        return None;
    }
    Some(s.find("?>")? + 2)
}

/// The shared strings of `sharedStrings.xml` in order, scanned where the part is written
/// plainly (an XML declaration, `<sst>`, `<si>`s of one `<t>` each); `None` to leave it to
/// the event reader (`styles::shared_strings`).
pub(super) fn shared_strings(xml: &[u8]) -> Option<Vec<String>> {
    let s = std::str::from_utf8(xml).ok()?;
    let mut i = after_declaration(s)?;
    let head_end = i;
    i = text_to_tag(s, i)?;
    if !s[head_end..i]
        .bytes()
        .all(|c| matches!(c, b' ' | b'\t' | b'\n'))
    {
        return None;
    }
    let (_, mut i) = tag(s, i, "sst").filter(|(t, _)| !t.empty)?;
    let mut out = Vec::new();
    loop {
        i = text_to_tag(s, i)?;
        let rest = &s[i..];
        if rest.starts_with("</sst>") {
            return Some(out);
        }
        let after = rest.strip_prefix("<si>")?;
        let (text, next) = string_item(s, s.len() - after.len(), "</si>")?;
        out.push(text);
        i = next;
    }
}

/// Element text from `s[i]` to the next `<` (its offset), with the five predefined entities
/// resolved (`&gt;95%`, the way writers store `>95%`); a character reference, any other `&`
/// or a `\r` declines.
fn entity_text(s: &str, mut i: usize) -> Option<(std::borrow::Cow<'_, str>, usize)> {
    let b = s.as_bytes();
    let start = i;
    let mut out: Option<String> = None;
    loop {
        let at = i + memchr::memchr3(b'<', b'&', b'\r', &b[i..])?;
        match b[at] {
            b'<' => {
                return Some(match out {
                    Some(mut o) => {
                        o.push_str(&s[i..at]);
                        (o.into(), at)
                    }
                    None => (s[start..at].into(), at),
                })
            }
            b'&' => {
                let len = b[at + 1..].iter().take(5).position(|c| *c == b';')?;
                let ch = crate::read::rawxml::predefined_entity(&s[at + 1..at + 1 + len])?;
                let o = out.get_or_insert_with(String::new);
                o.push_str(&s[i..at]);
                o.push(ch);
                i = at + len + 2;
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shapes real writers use for shared strings: the scanner takes them and reads what
    /// the event reader reads.
    #[test]
    fn shared_strings_as_the_event_reader_reads_them() {
        let decl = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;
        let sst = r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="5" uniqueCount="5">"#;
        let items = [
            "<si><t>项目名称</t></si>",
            r#"<si><t xml:space="preserve"> 保留 </t></si>"#,
            "<si><t> 去空格 </t></si>",
            "<si><t>&gt;95%&amp;&lt;5&quot;&apos;</t><phoneticPr fontId=\"1\"/></si>",
            "<si><t>_x000D_换行</t></si>",
        ];
        let xml = format!("{decl}\n{sst}{}</sst>", items.concat());
        let scanned = shared_strings(xml.as_bytes()).expect("scanned");
        assert_eq!(
            Some(scanned.clone()),
            super::super::styles::shared_strings(xml.as_bytes())
        );
        assert_eq!(scanned[1], " 保留 ");
        assert_eq!(scanned[2], "去空格");
        assert_eq!(scanned[3], ">95%&<5\"'");
        // What it leaves to the event reader.
        for odd in [
            "<si><r><t>富</t></r><r><t>文本</t></r></si>",
            "<si><t>a</t><rPh sb=\"0\" eb=\"1\"><t>ア</t></rPh></si>",
            "<si><t>&#20013;</t></si>",
            "<si><t><![CDATA[x]]></t></si>",
            "<si><t>a</t><t>b</t></si>",
            "<si><t>a\r\nb</t></si>",
            "<si><t/></si>",
            "<!-- c --><si><t>a</t></si>",
        ] {
            let xml = format!("{decl}{sst}{odd}</sst>");
            assert_eq!(shared_strings(xml.as_bytes()), None, "{odd}");
        }
    }

    /// A sheet as writers write it (formulas with entities, inline and shared strings, empty
    /// styled cells, merges after the cells): the scanner takes it and gives the event walk's
    /// sheet; each oddity put into it makes the scanner decline.
    #[test]
    fn sheet_cells_as_the_event_walk_reads_them() {
        use super::super::styles::{DateKind, XfFormat};
        let ctx = Context {
            strings: vec!["项目名称".into(), "得分".into()],
            formats: vec![
                XfFormat {
                    date: DateKind::Other,
                    percent: false,
                },
                XfFormat {
                    date: DateKind::Other,
                    percent: true,
                },
            ],
            is_1904: false,
        };
        let cells = concat!(
            r#"<row r="1" spans="1:3" ht="20" customHeight="1"><c r="A1" t="s"><v>0</v></c>"#,
            r#"<c r="B1" s="1"><v>0.95</v></c><c r="C1" s="1"/></row>"#,
            "\n<row r=\"2\">",
            r#"<c r="A2" t="inlineStr"><is><t>&gt;95%</t></is></c>"#,
            r#"<c r="B2"><f>IF(B1&gt;0,"是","否")</f><v>1</v></c>"#,
            r#"<c r="C2" t="str"><f t="shared" ref="C2:C3" si="0">A2&amp;"x"</f><v>&gt;95%x</v></c></row>"#,
            r#"<row r="3"><c r="C3" t="str"><f t="shared" si="0"/><v>y</v></c><c t="s"><v>1</v></c></row>"#,
        );
        let sheet = |cells: &str| {
            format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="x"><dimension ref="A1:D3"/><sheetData>{cells}</sheetData><mergeCells count="1"><mergeCell ref="A1:A2"/></mergeCells></worksheet>"#
            )
        };
        let shown = |w: Option<Walked>| w.map(|w| format!("{:?}", w.into_sheet()));
        let plain = sheet(cells);
        let events = shown(walk_events(plain.as_bytes(), &ctx, "表"));
        assert!(
            events.as_deref().is_some_and(|s| s.contains("95")),
            "{events:?}"
        );
        // `<v>&gt;95%x</v>` holds an entity: declined; the rest of the sheet is taken.
        assert_eq!(shown(walk(plain.as_bytes(), &ctx, "表")), None);
        let taken = plain.replace("<v>&gt;95%x</v>", "<v>95%x</v>");
        let events = shown(walk_events(taken.as_bytes(), &ctx, "表"));
        assert!(events.is_some());
        assert_eq!(shown(walk(taken.as_bytes(), &ctx, "表")), events);
        for (from, to) in [
            ("<row r=\"2\">", "<row r=\"2\"><!-- x -->"),
            (r#"<c r="A1" t="s">"#, r#"<x:c r="A1" t="s">"#),
            ("<v>0</v>", "<v>0</v><extLst/>"),
            ("<v>0.95</v>", "<v>0.95\r</v>"),
            (r#"t="inlineStr"><is><t>"#, r#"t="inlineStr"><is><r><t>"#),
            ("</row>\n", "</row>&#10;"),
            (r#"<c r="B1" s="1">"#, r#"<c r="B1" s="1" s="2">"#),
        ] {
            let odd = taken.replacen(from, to, 1);
            assert_ne!(odd, taken, "{from}");
            assert_eq!(shown(walk(odd.as_bytes(), &ctx, "表")), None, "{to}");
        }
    }

    /// Tags are read strictly: anything the event walk might read another way declines.
    #[test]
    fn tags_read_strictly() {
        let ok = r#"<c r="B3" s="4" t="s">"#;
        let (t, end) = tag(ok, 0, "c").unwrap();
        assert_eq!(
            (t.r, t.s, t.t, t.empty, end),
            (Some("B3"), Some("4"), Some("s"), false, ok.len())
        );
        let (t, _) = tag(r#"<c r="C3" s="11" t="n" />"#, 0, "c").unwrap();
        assert!(t.empty);
        for odd in [
            r#"<c r="A1" r="A2">"#,
            r#"<c r='A1'>"#,
            r#"<c r = "A1">"#,
            r#"<c r="A&amp;1">"#,
            r#"<c r="A1"s="1">"#,
            r#"<cx r="A1">"#,
            r#"<c r="A1""#,
        ] {
            assert!(tag(odd, 0, "c").is_none(), "{odd}");
        }
    }
}
