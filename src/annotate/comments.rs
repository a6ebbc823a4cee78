//! Legacy cell comments: the `xl/commentsN.xml` part (new, or merged into the sheet's own) and
//! the VML shapes Excel needs to show each comment box.

use super::xml::{self, attr, local, next, NS_MAIN};
use super::AnnotateError;
use crate::sheet::CellRef;
use quick_xml::events::{BytesEnd, BytesStart, Event};
use std::collections::{BTreeMap, BTreeSet};

/// The author our comments carry.
pub(super) const AUTHOR: &str = "formlint";

fn run(text: &str, prefix: &Option<String>) -> String {
    let t = |n: &str| xml::tag(prefix, n);
    format!(
        "<{r}><{rpr}><{sz} val=\"9\"/><{font} val=\"宋体\"/></{rpr}><{tt} xml:space=\"preserve\">{}</{tt}></{r}>",
        xml::esc(text),
        r = t("r"),
        rpr = t("rPr"),
        sz = t("sz"),
        font = t("rFont"),
        tt = t("t")
    )
}

fn comment(cell: CellRef, author: usize, text: &str, prefix: &Option<String>) -> String {
    let c = xml::tag(prefix, "comment");
    let tx = xml::tag(prefix, "text");
    format!(
        "<{c} ref=\"{cell}\" authorId=\"{author}\"><{tx}>{}</{tx}></{c}>",
        run(text, prefix)
    )
}

/// A new comments part holding `notes` (cell → text).
pub(super) fn new_part(notes: &BTreeMap<CellRef, String>) -> String {
    let body: String = notes
        .iter()
        .map(|(c, t)| comment(*c, 0, t, &None))
        .collect();
    format!(
        "{}<comments xmlns=\"{NS_MAIN}\"><authors><author>{AUTHOR}</author></authors><commentList>{body}</commentList></comments>",
        xml::DECL
    )
}

/// The cells an existing comments part already comments on.
pub(super) fn existing_refs(part: &str, text: &str) -> Result<BTreeSet<CellRef>, AnnotateError> {
    let mut out = BTreeSet::new();
    let mut r = xml::reader(text);
    loop {
        match next(&mut r, part)? {
            Event::Start(e) | Event::Empty(e) if local(&e) == "comment" => {
                out.extend(attr(&e, "ref").and_then(|v| CellRef::parse(&v)));
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// An existing comments part with `notes` merged in: a cell that already has a comment gets
/// our text appended as a new run; other cells get new comments by author `formlint`.
pub(super) fn merge(
    part: &str,
    text: &str,
    notes: &BTreeMap<CellRef, String>,
) -> Result<String, AnnotateError> {
    let authors = Authors::read(part, text)?;
    let author_id = authors.ours.unwrap_or(authors.count);
    let prefix = authors.prefix;
    let new_author = authors
        .ours
        .is_none()
        .then(|| format!("<{a}>{AUTHOR}</{a}>", a = xml::tag(&prefix, "author")));
    let fresh: String = {
        let existing = existing_refs(part, text)?;
        notes
            .iter()
            .filter(|(c, _)| !existing.contains(c))
            .map(|(c, t)| comment(*c, author_id, t, &prefix))
            .collect()
    };
    let mut m = Merge {
        w: xml::writer(),
        notes,
        r_tag: xml::tag(&prefix, "r"),
        prefix,
        new_author,
        fresh,
        current: None,
        appended: false,
        stack: Vec::new(),
        wrapped: false,
    };
    let mut r = xml::reader(text);
    loop {
        match next(&mut r, part)? {
            Event::Start(e) => m.start(e),
            Event::Empty(e) => m.empty(e),
            Event::End(e) => m.end(e),
            Event::Eof => break,
            e => xml::put(&mut m.w, e),
        }
    }
    Ok(xml::finish(m.w))
}

/// The authors of an existing comments part: how many, which is ours (if any), and the
/// namespace prefix the part uses.
struct Authors {
    count: usize,
    ours: Option<usize>,
    prefix: Option<String>,
}

impl Authors {
    /// Reads them from the part's text.
    fn read(part: &str, text: &str) -> Result<Authors, AnnotateError> {
        let mut out = Authors {
            count: 0,
            ours: None,
            prefix: None,
        };
        let mut r = xml::reader(text);
        let mut in_author = false;
        let mut root = true;
        loop {
            match next(&mut r, part)? {
                Event::Start(e) => {
                    if root {
                        out.prefix = xml::prefix_of(&e);
                        root = false;
                    }
                    if local(&e) == "author" {
                        in_author = true;
                        out.count += 1;
                    }
                }
                Event::Empty(e) if local(&e) == "author" => out.count += 1,
                Event::Text(t) if in_author && t.as_ref() == AUTHOR && out.ours.is_none() => {
                    out.ours = Some(out.count - 1);
                }
                Event::End(_) => in_author = false,
                Event::Eof => return Ok(out),
                _ => {}
            }
        }
    }
}

/// The second pass of [`merge`]: the output so far, what to add (our author, fresh comments,
/// notes to append), and where the walk is (the comment it is in, the open elements).
struct Merge<'n> {
    w: quick_xml::Writer<Vec<u8>>,
    notes: &'n BTreeMap<CellRef, String>,
    prefix: Option<String>,
    r_tag: String,
    new_author: Option<String>,
    fresh: String,
    current: Option<CellRef>,
    appended: bool,
    stack: Vec<String>,
    /// Whether a plain `<t>` directly under a `<text>` we append to was wrapped in a run, so
    /// the comment is runs only (Excel's own shape for rich comments).
    wrapped: bool,
}

impl Merge<'_> {
    /// Whether the comment being walked is one we add a note to.
    fn ours(&self) -> bool {
        self.current.is_some_and(|c| self.notes.contains_key(&c))
    }

    /// Whether `name` is a plain `<t>` of a comment we append to (wrapped in a run).
    fn wraps(&self, name: &str) -> bool {
        name == "t" && self.stack.last().is_some_and(|p| p == "text") && self.ours()
    }

    /// An element's start: a comment begins, or our note goes before its phonetic runs.
    fn start(&mut self, e: BytesStart<'_>) {
        let name = local(&e);
        if self.wraps(&name) {
            xml::raw(&mut self.w, &format!("<{}>", self.r_tag));
            self.wrapped = true;
        }
        match name.as_str() {
            "comment" => {
                self.current = attr(&e, "ref").and_then(|v| CellRef::parse(&v));
                self.appended = false;
            }
            "rPh" | "phoneticPr" => self.append(),
            _ => {}
        }
        self.stack.push(name);
        xml::put(&mut self.w, Event::Start(e));
    }

    /// An empty element: an empty `<authors>` or `<commentList>` is opened to hold ours.
    fn empty(&mut self, e: BytesStart<'_>) {
        let name = local(&e);
        if name == "rPh" || name == "phoneticPr" {
            self.append();
        }
        let wrap = self.wraps(&name);
        if wrap {
            xml::raw(&mut self.w, &format!("<{}>", self.r_tag));
        }
        let inside = match name.as_str() {
            "authors" => self.new_author.clone(),
            "commentList" => Some(self.fresh.clone()),
            _ => None,
        };
        match inside {
            Some(inside) => {
                let end = e.to_end().into_owned();
                xml::put(&mut self.w, Event::Start(e));
                xml::raw(&mut self.w, &inside);
                xml::put(&mut self.w, Event::End(end));
            }
            None => xml::put(&mut self.w, Event::Empty(e)),
        }
        if wrap {
            xml::raw(&mut self.w, &format!("</{}>", self.r_tag));
        }
    }

    /// An end tag: our author, our note or our fresh comments go before it.
    fn end(&mut self, e: BytesEnd<'_>) {
        self.stack.pop();
        match e.local_name().as_ref() {
            "authors" => {
                if let Some(a) = &self.new_author {
                    xml::raw(&mut self.w, a);
                }
            }
            "text" => self.append(),
            "comment" => self.current = None,
            "commentList" => xml::raw(&mut self.w, &self.fresh),
            _ => {}
        }
        let close_run = self.wrapped && e.local_name().as_ref() == "t";
        xml::put(&mut self.w, Event::End(e));
        if close_run {
            xml::raw(&mut self.w, &format!("</{}>", self.r_tag));
            self.wrapped = false;
        }
    }

    /// Appends our note to the current comment, once.
    fn append(&mut self) {
        if self.appended {
            return;
        }
        if let Some(text) = self.current.and_then(|c| self.notes.get(&c)) {
            xml::raw(
                &mut self.w,
                &run(&format!("\n{AUTHOR}:\n{text}"), &self.prefix),
            );
            self.appended = true;
        }
    }
}

const URI_V: &str = "urn:schemas-microsoft-com:vml";
const URI_O: &str = "urn:schemas-microsoft-com:office:office";
const URI_X: &str = "urn:schemas-microsoft-com:office:excel";

/// The prefixes a VML drawing binds to the VML, Office and Excel namespaces.
struct VmlNs {
    v: String,
    o: String,
    x: String,
}

impl Default for VmlNs {
    fn default() -> Self {
        VmlNs {
            v: "v".into(),
            o: "o".into(),
            x: "x".into(),
        }
    }
}

fn shapetype(n: &VmlNs) -> String {
    let VmlNs { v, o, .. } = n;
    format!("<{v}:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" {o}:spt=\"202\" path=\"m,l,21600r21600,l21600,xe\"><{v}:stroke joinstyle=\"miter\"/><{v}:path gradientshapeok=\"t\" {o}:connecttype=\"rect\"/></{v}:shapetype>")
}

fn shape(id: u32, cell: CellRef, n: &VmlNs) -> String {
    let VmlNs { v, o, x } = n;
    let (row, col) = (cell.row, cell.col);
    let top = row.saturating_sub(1);
    format!(
        "<{v}:shape id=\"_x0000_s{id}\" type=\"#_x0000_t202\" style=\"position:absolute;margin-left:80pt;margin-top:2pt;width:240pt;height:96pt;z-index:{id};visibility:hidden\" fillcolor=\"#ffffe1\" {o}:insetmode=\"auto\"><{v}:fill color2=\"#ffffe1\"/><{v}:shadow on=\"t\" color=\"black\" obscured=\"t\"/><{v}:path {o}:connecttype=\"none\"/><{v}:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div></{v}:textbox><{x}:ClientData ObjectType=\"Note\"><{x}:MoveWithCells/><{x}:SizeWithCells/><{x}:Anchor>{}, 15, {top}, 10, {}, 15, {}, 4</{x}:Anchor><{x}:AutoFill>False</{x}:AutoFill><{x}:Row>{row}</{x}:Row><{x}:Column>{col}</{x}:Column></{x}:ClientData></{v}:shape>",
        col + 1,
        col + 4,
        top + 6
    )
}

/// A new VML drawing with a (hidden) comment box per cell; `block` keeps shape ids unique
/// across the workbook's drawings (ids `1024*block+1…`).
pub(super) fn new_vml(cells: &[CellRef], block: u32) -> String {
    let n = VmlNs::default();
    let shapes: String = cells
        .iter()
        .enumerate()
        .map(|(i, c)| shape(block * 1024 + 1 + i as u32, *c, &n))
        .collect();
    format!(
        "<xml xmlns:v=\"{URI_V}\" xmlns:o=\"{URI_O}\" xmlns:x=\"{URI_X}\"><o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" data=\"{block}\"/></o:shapelayout>{}{shapes}</xml>",
        shapetype(&n)
    )
}

/// An existing VML drawing with comment boxes for `cells` added before its closing `</xml>`,
/// written with the prefixes the drawing already uses (declaring any it lacks). VML is not
/// always well-formed XML, so this works on the text.
pub(super) fn append_vml(
    part: &str,
    text: &str,
    cells: &[CellRef],
) -> Result<String, AnnotateError> {
    let bad = || AnnotateError::Unsupported(format!("{part} 不是可识别的 VML 绘图"));
    let close = text.rfind("</xml>").ok_or_else(bad)?;
    let open = text.find("<xml").ok_or_else(bad)?;
    let open_end = open + text[open..].find('>').ok_or_else(bad)?;
    let root = &text[open..open_end];
    let mut declare = String::new();
    let mut find = |uri: &str, default: &str| {
        let bound = root.split("xmlns:").skip(1).find_map(|decl| {
            let (p, rest) = decl.split_once('=')?;
            let q = rest.chars().next()?;
            let value = rest[1..].split(q).next()?;
            (value == uri).then(|| p.trim().to_string())
        });
        bound.unwrap_or_else(|| {
            declare.push_str(&format!(" xmlns:{default}=\"{uri}\""));
            default.to_string()
        })
    };
    let n = VmlNs {
        v: find(URI_V, "v"),
        o: find(URI_O, "o"),
        x: find(URI_X, "x"),
    };
    let max_id = text
        .match_indices("_x0000_s")
        .filter_map(|(i, m)| {
            let digits: String = text[i + m.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse::<u32>().ok()
        })
        .max()
        .unwrap_or(1024);
    let mut add = String::new();
    if !text.contains("spt=\"202\"") {
        add.push_str(&shapetype(&n));
    }
    for (i, c) in cells.iter().enumerate() {
        add.push_str(&shape(max_id + 1 + i as u32, *c, &n));
    }
    let root_end = if text[..open_end].ends_with('/') {
        open_end - 1
    } else {
        open_end
    };
    Ok(format!(
        "{}{declare}{}{add}{}",
        &text[..root_end],
        &text[root_end..close],
        &text[close..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_appends_to_a_commented_cell_and_adds_the_others() {
        let old = r#"<?xml version="1.0"?><comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors><author>张三</author></authors><commentList><comment ref="A1" authorId="0"><text><t>原有批注</t></text></comment></commentList></comments>"#;
        let mut notes = BTreeMap::new();
        notes.insert(CellRef::new(0, 0), "R001 必填项为空：x".to_string());
        notes.insert(CellRef::new(1, 1), "B004 超支：y".to_string());
        let out = merge("c", old, &notes).expect("merge");
        assert!(
            out.contains("<author>张三</author><author>formlint</author>"),
            "{out}"
        );
        assert!(out.contains("<r><t>原有批注</t></r><r>"), "{out}");
        assert!(out.contains(r#"<comment ref="B2" authorId="1">"#), "{out}");
        assert_eq!(existing_refs("c", &out).expect("refs").len(), 2);
    }

    #[test]
    fn vml_shapes_get_fresh_ids() {
        let old = new_vml(&[CellRef::new(0, 0)], 1);
        let out = append_vml("v", &old, &[CellRef::new(4, 2)]).expect("vml");
        assert!(out.contains("_x0000_s1026"));
        assert_eq!(out.matches("o:spt=\"202\"").count(), 1);
        assert!(out.ends_with("</xml>"));
        let foreign = r#"<xml xmlns:ns0="urn:schemas-microsoft-com:office:office" xmlns:ns1="urn:schemas-microsoft-com:vml"><ns1:shape id="_x0000_s1030"/></xml>"#;
        let out = append_vml("v", foreign, &[CellRef::new(0, 0)]).expect("vml");
        assert!(out.starts_with(r#"<xml xmlns:ns0="urn:schemas-microsoft-com:office:office" xmlns:ns1="urn:schemas-microsoft-com:vml" xmlns:x="urn:schemas-microsoft-com:office:excel">"#), "{out}");
        assert!(out.contains(r#"<ns1:shape id="_x0000_s1031""#), "{out}");
        assert!(
            out.contains("<ns1:shapetype") && out.contains("<x:ClientData"),
            "{out}"
        );
    }
}
