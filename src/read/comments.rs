//! Cell comments (notes, 批注) of an `.xlsx` workbook, read from the package itself: calamine
//! does not expose them, and a reviewer accepts a finding on one form by writing one.
//!
//! Only small parts are read: `xl/workbook.xml` and its relationships (sheet name → sheet part),
//! each sheet's relationships (sheet part → comments part), and the comments parts. The sheets'
//! own XML is never walked again. Anything odd (a missing part, bad XML, a dangling
//! relationship) means "no comments" for that sheet: comments are optional, never an error.

use crate::opc::{rels_path, resolve};
use crate::sheet::CellRef;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;
use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use zip::ZipArchive;

/// Largest part we read for comments (a comments part of a form is a few kilobytes).
const MAX_PART_BYTES: u64 = 16 * 1024 * 1024;

/// The comments of every worksheet that has any, by sheet name, each in the file's order.
pub(super) fn sheet_comments(bytes: &[u8]) -> BTreeMap<String, Vec<(CellRef, String)>> {
    let mut out = BTreeMap::new();
    let Ok(zip) = ZipArchive::new(Cursor::new(bytes)) else {
        return out;
    };
    let names: Vec<String> = (0..zip.len())
        .filter_map(|i| zip.name_for_index(i)?.ok().map(|n| n.into_owned()))
        .collect();
    let mut zip = Package { zip, names };
    // Cheap exit for the common case: no relationships of any worksheet mention comments.
    let sheet_rels: Vec<String> = zip
        .names
        .iter()
        .filter(|n| n.contains("_rels/") && n.ends_with(".xml.rels"))
        .cloned()
        .collect();
    let mut comment_parts = BTreeMap::new();
    for rels in sheet_rels {
        let Some(source) = source_of_rels(&rels) else {
            continue;
        };
        let Some(text) = read_part(&mut zip, &rels) else {
            continue;
        };
        if let Some(target) = relationships(&text)
            .into_iter()
            .find(|(_, kind, _)| kind.rsplit('/').next() == Some("comments"))
            .map(|(_, _, target)| resolve(&source, &target))
        {
            comment_parts.insert(source, target);
        }
    }
    if comment_parts.is_empty() {
        return out;
    }
    for (name, sheet_part) in sheet_parts(&mut zip) {
        let Some(part) = comment_parts.get(&sheet_part) else {
            continue;
        };
        let Some(text) = read_part(&mut zip, part) else {
            continue;
        };
        let comments = parse_comments(&text);
        if !comments.is_empty() {
            out.insert(name, comments);
        }
    }
    out
}

/// The zip archive and its entry names.
struct Package<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    names: Vec<String>,
}

/// Sheet name → sheet part, as `xl/workbook.xml` and its relationships list them.
fn sheet_parts(pkg: &mut Package<'_>) -> Vec<(String, String)> {
    let workbook = "xl/workbook.xml";
    let (Some(book), Some(rels)) = (
        read_part(pkg, workbook),
        read_part(pkg, &rels_path(workbook)),
    ) else {
        return Vec::new();
    };
    let rels = relationships(&rels);
    let mut out = Vec::new();
    let mut r = Reader::from_reader(book.as_bytes());
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sheet" => {
                let (Some(name), Some(id)) = (attr(&e, |k| k == "name"), rel_id(&e)) else {
                    continue;
                };
                if let Some((_, _, target)) = rels.iter().find(|(rid, _, _)| *rid == id) {
                    out.push((name, resolve(workbook, target)));
                }
            }
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// `(id, type, target)` of each relationship of a `.rels` part.
fn relationships(text: &str) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut r = Reader::from_reader(text.as_bytes());
    loop {
        match r.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                let external = attr(&e, |k| k == "TargetMode").is_some_and(|m| m == "External");
                if let (false, Some(id), Some(kind), Some(target)) = (
                    external,
                    attr(&e, |k| k == "Id"),
                    attr(&e, |k| k == "Type"),
                    attr(&e, |k| k == "Target"),
                ) {
                    out.push((id, kind, target));
                }
            }
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// `(cell, text)` of each `<comment ref="I16">` of a comments part; the text is every `<t>` run
/// of its `<text>` joined (phonetic `<rPh>` runs left out).
fn parse_comments(text: &str) -> Vec<(CellRef, String)> {
    let mut out = Vec::new();
    let mut r = Reader::from_reader(text.as_bytes());
    let mut current: Option<(CellRef, String)> = None;
    let (mut in_t, mut in_phonetic) = (false, false);
    loop {
        match r.read_event() {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "comment" => {
                    current = attr(&e, |k| k == "ref")
                        .and_then(|a| CellRef::parse(a.split(':').next().unwrap_or(&a)))
                        .map(|c| (c, String::new()));
                }
                "t" => in_t = true,
                "rPh" => in_phonetic = true,
                _ => {}
            },
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "comment" => out.extend(current.take()),
                "t" => in_t = false,
                "rPh" => in_phonetic = false,
                _ => {}
            },
            Ok(Event::Text(t)) if in_t && !in_phonetic => {
                if let Some((_, s)) = &mut current {
                    s.push_str(&t.xml10_content());
                }
            }
            Ok(Event::CData(t)) if in_t && !in_phonetic => {
                if let Some((_, s)) = &mut current {
                    s.push_str(&t.xml10_content());
                }
            }
            Ok(Event::GeneralRef(g)) if in_t && !in_phonetic => {
                if let (Some((_, s)), Some(c)) = (&mut current, entity(&g)) {
                    s.push(c);
                }
            }
            Ok(Event::Eof) | Err(_) => return out,
            _ => {}
        }
    }
}

/// The character an entity or character reference in text stands for.
fn entity(g: &BytesRef<'_>) -> Option<char> {
    if let Ok(Some(c)) = g.resolve_char_ref() {
        return Some(c);
    }
    match g.xml10_content().as_ref() {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

/// The unescaped value of the first attribute whose full name `key` accepts.
fn attr(e: &BytesStart<'_>, key: impl Fn(&str) -> bool) -> Option<String> {
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

/// The `r:id` of a `<sheet>`, whatever prefix the relationships namespace has.
fn rel_id(e: &BytesStart<'_>) -> Option<String> {
    attr(e, |k| k.ends_with(":id") && !k.starts_with("xmlns"))
}

/// A part's text (UTF-8, optional byte-order mark), or `None` if missing, too large or not text.
fn read_part(pkg: &mut Package<'_>, part: &str) -> Option<String> {
    let name = pkg
        .names
        .iter()
        .find(|n| n.trim_start_matches('/').eq_ignore_ascii_case(part))?
        .clone();
    let file = pkg.zip.by_name(&name).ok()?;
    if file.size() > MAX_PART_BYTES {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES).read_to_end(&mut bytes).ok()?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).ok()
}

/// `xl/worksheets/_rels/sheet1.xml.rels` → `xl/worksheets/sheet1.xml`.
fn source_of_rels(rels: &str) -> Option<String> {
    let rels = rels.trim_start_matches('/');
    let (dir, file) = rels.rsplit_once("_rels/")?;
    Some(format!("{dir}{}", file.strip_suffix(".rels")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_runs_are_joined() {
        let xml = r#"<?xml version="1.0"?><comments xmlns="x"><authors><author>张</author></authors>
<commentList><comment ref="I16" authorId="0"><text><r><rPr><b/></rPr><t>张三:</t></r><r><t xml:space="preserve">
formlint: 接受 S002 A&amp;B&#x4E00;</t></r><rPh><t>ふり</t></rPh></text></comment>
<comment ref="bad"><text><t>x</t></text></comment>
<comment ref="H17"><text><t>note</t></text></comment></commentList></comments>"#;
        let got = parse_comments(xml);
        assert_eq!(
            got,
            vec![
                (
                    CellRef::parse("I16").unwrap(),
                    "张三:\nformlint: 接受 S002 A&B一".to_string()
                ),
                (CellRef::parse("H17").unwrap(), "note".to_string()),
            ]
        );
    }

    #[test]
    fn paths_resolve() {
        assert_eq!(
            resolve("xl/worksheets/sheet1.xml", "../comments1.xml"),
            "xl/comments1.xml"
        );
        assert_eq!(
            resolve("xl/worksheets/sheet1.xml", "/xl/comments2.xml"),
            "xl/comments2.xml"
        );
        assert_eq!(
            source_of_rels("xl/worksheets/_rels/sheet1.xml.rels").as_deref(),
            Some("xl/worksheets/sheet1.xml")
        );
        assert_eq!(rels_path("xl/workbook.xml"), "xl/_rels/workbook.xml.rels");
    }

    #[test]
    fn garbage_has_no_comments() {
        assert!(sheet_comments(b"PK\x03\x04 not really").is_empty());
        assert!(parse_comments("<comments><comment ref=\"A1\"><text><t>x").is_empty());
    }
}
