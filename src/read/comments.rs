//! Cell comments (notes, 批注) of an `.xlsx` workbook, read from the package itself: calamine
//! does not expose them, and a reviewer accepts a finding on one form by writing one.
//!
//! Only small parts are read, through the one package reader (`crate::opc`): the workbook and
//! its relationships (sheet name → sheet part), each sheet's relationships (sheet part →
//! comments part), and the comments parts. The sheets' own XML is never walked again. Anything odd (a missing part, bad XML, a dangling
//! relationship) means "no comments" for that sheet: comments are optional, never an error.

use crate::opc::{attr, Package, SheetPart};
use crate::sheet::CellRef;
use quick_xml::events::{BytesRef, Event};
use quick_xml::Reader;
use std::collections::BTreeMap;

/// The comments of every worksheet that has any, by sheet name, each in the file's order.
pub(super) fn sheet_comments(pkg: &mut Package<'_>) -> BTreeMap<String, Vec<(CellRef, String)>> {
    match pkg.sheets() {
        Ok(Some(sheets)) => comments_of(pkg, sheets),
        _ => BTreeMap::new(),
    }
}

/// [`sheet_comments`] of sheets already listed by [`Package::sheets`].
pub(super) fn comments_of(
    pkg: &mut Package<'_>,
    sheets: Vec<SheetPart>,
) -> BTreeMap<String, Vec<(CellRef, String)>> {
    let mut out = BTreeMap::new();
    for sheet in sheets {
        let Ok(rels) = pkg.rels(&sheet.part) else {
            continue;
        };
        let Some(part) = rels.iter().find(|r| r.is("comments") && !r.external) else {
            continue;
        };
        let Ok(Some(text)) = pkg.read_text(&part.part) else {
            continue;
        };
        let comments = parse_comments(&text);
        if !comments.is_empty() {
            out.insert(sheet.name, comments);
        }
    }
    out
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
pub(super) fn entity(g: &BytesRef<'_>) -> Option<char> {
    if let Ok(Some(c)) = g.resolve_char_ref() {
        return Some(c);
    }
    super::rawxml::predefined_entity(g.xml10_content().as_ref())
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
    fn garbage_has_no_comments() {
        assert!(parse_comments("<comments><comment ref=\"A1\"><text><t>x").is_empty());
    }
}
