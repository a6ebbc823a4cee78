//! `xl/styles.xml`: new fills (one per severity), fonts for the findings sheet, and new cell
//! formats cloned from a cell's own format with only the fill changed.

use super::xml::{self, attr, local, next};
use super::AnnotateError;
use crate::finding::Severity;
use quick_xml::events::Event;
use std::collections::BTreeMap;

/// Fill colours (ARGB) by severity: light red, amber, light blue.
pub fn fill_rgb(sev: Severity) -> &'static str {
    match sev {
        Severity::Error => "FFFFC7CE",
        Severity::Warning => "FFFFD966",
        Severity::Info => "FFBDD7EE",
    }
}

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

/// A font of the findings sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Font {
    /// The workbook's default font.
    Normal,
    /// Bold, for the header row.
    Bold,
    /// Blue underlined, for links to cells.
    Link,
}

/// The stylesheet being extended: what it had, and what cells will point at.
pub(super) struct StyleBook {
    text: String,
    prefix: Option<String>,
    fonts: usize,
    fills: usize,
    /// The original `<xf>`s of `cellXfs`, serialised.
    xfs: Vec<String>,
    /// New `<xf>`s, in order after the originals.
    added: Vec<String>,
    clones: BTreeMap<(u32, Severity), u32>,
    plains: BTreeMap<(Font, Option<Severity>), u32>,
}

/// A stylesheet for packages that have none.
pub(super) const MINIMAL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts><fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills><borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs><cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/></cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles></styleSheet>";

const PART: &str = "xl/styles.xml";

impl StyleBook {
    /// Reads what the stylesheet holds.
    pub(super) fn parse(text: String) -> Result<Self, AnnotateError> {
        let mut book = StyleBook {
            text: String::new(),
            prefix: None,
            fonts: 0,
            fills: 0,
            xfs: Vec::new(),
            added: Vec::new(),
            clones: BTreeMap::new(),
            plains: BTreeMap::new(),
        };
        let mut r = xml::reader(&text);
        let mut stack: Vec<String> = Vec::new();
        let mut capture: Option<(usize, quick_xml::Writer<Vec<u8>>)> = None;
        let mut seen = (false, false, false);
        loop {
            let ev = next(&mut r, PART)?;
            if let Some((depth, w)) = capture.as_mut() {
                let end_here = matches!(ev, Event::End(_)) && stack.len() == *depth + 1;
                xml::put(w, ev.clone());
                if let Event::Start(e) = &ev {
                    stack.push(local(e));
                } else if let Event::End(_) = &ev {
                    stack.pop();
                }
                if end_here {
                    if let Some((_, w)) = capture.take() {
                        book.xfs.push(xml::finish(w));
                    }
                }
                continue;
            }
            match ev {
                Event::Start(e) | Event::Empty(e) if stack.is_empty() => {
                    book.prefix = xml::prefix_of(&e);
                    stack.push(local(&e));
                }
                Event::Start(e) => {
                    let name = local(&e);
                    let parent = stack.last().map(String::as_str).unwrap_or("");
                    book.count_child(parent, &name);
                    if stack.len() == 1 {
                        mark(&name, &mut seen);
                    }
                    if parent == "cellXfs" && name == "xf" {
                        let mut w = xml::writer();
                        xml::put(&mut w, Event::Start(e.clone()));
                        capture = Some((stack.len(), w));
                    }
                    stack.push(name);
                }
                Event::Empty(e) => {
                    let name = local(&e);
                    let parent = stack.last().map(String::as_str).unwrap_or("");
                    book.count_child(parent, &name);
                    if stack.len() == 1 {
                        mark(&name, &mut seen);
                    }
                    if parent == "cellXfs" && name == "xf" {
                        let mut w = xml::writer();
                        xml::put(&mut w, Event::Empty(e.clone()));
                        book.xfs.push(xml::finish(w));
                    }
                }
                Event::End(_) => {
                    stack.pop();
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !(seen.0 && seen.1 && seen.2) {
            return Err(AnnotateError::Unsupported(
                "styles.xml 缺少 fonts、fills 或 cellXfs".into(),
            ));
        }
        book.text = text;
        Ok(book)
    }

    fn count_child(&mut self, parent: &str, name: &str) {
        match (parent, name) {
            ("fonts", "font") => self.fonts += 1,
            ("fills", "fill") => self.fills += 1,
            _ => {}
        }
    }

    fn fill_id(&self, sev: Severity) -> usize {
        self.fills + SEVERITIES.iter().position(|s| *s == sev).unwrap_or(0)
    }

    /// The format for a cell that had format `s`, with the severity's fill.
    pub(super) fn restyle(&mut self, s: u32, sev: Severity) -> u32 {
        if let Some(id) = self.clones.get(&(s, sev)) {
            return *id;
        }
        let base = self
            .xfs
            .get(s as usize)
            .or_else(|| self.xfs.first())
            .cloned()
            .unwrap_or_else(|| {
                "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>".into()
            });
        let fill = self.fill_id(sev).to_string();
        let xf = refill(&base, &fill).unwrap_or(base);
        let id = self.push(xf);
        self.clones.insert((s, sev), id);
        id
    }

    /// A format for the findings sheet: the default cell format with a font and maybe a fill.
    pub(super) fn plain(&mut self, font: Font, fill: Option<Severity>) -> u32 {
        if let Some(id) = self.plains.get(&(font, fill)) {
            return *id;
        }
        let font_id = match font {
            Font::Normal => 0,
            Font::Bold => self.fonts,
            Font::Link => self.fonts + 1,
        };
        let fill_id = fill.map(|s| self.fill_id(s)).unwrap_or(0);
        let xf = format!(
            "<{} numFmtId=\"0\" fontId=\"{font_id}\" fillId=\"{fill_id}\" borderId=\"0\" xfId=\"0\" applyFont=\"1\" applyFill=\"1\" applyAlignment=\"1\"><{} vertical=\"top\" wrapText=\"1\"/></{}>",
            self.tag("xf"),
            self.tag("alignment"),
            self.tag("xf")
        );
        let id = self.push(xf);
        self.plains.insert((font, fill), id);
        id
    }

    fn push(&mut self, xf: String) -> u32 {
        self.added.push(xf);
        (self.xfs.len() + self.added.len() - 1) as u32
    }

    fn tag(&self, name: &str) -> String {
        xml::tag(&self.prefix, name)
    }

    /// The patched stylesheet.
    pub(super) fn finish(self) -> Result<String, AnnotateError> {
        let t = |n: &str| self.tag(n);
        let fills: String = SEVERITIES
            .iter()
            .map(|s| {
                format!(
                    "<{f}><{p} patternType=\"solid\"><{fg} rgb=\"{}\"/><{bg} indexed=\"64\"/></{p}></{f}>",
                    fill_rgb(*s),
                    f = t("fill"),
                    p = t("patternFill"),
                    fg = t("fgColor"),
                    bg = t("bgColor")
                )
            })
            .collect();
        let fonts = format!(
            "<{f}><{b}/><{sz} val=\"11\"/><{n} val=\"Calibri\"/><{fam} val=\"2\"/></{f}><{f}><{u}/><{sz} val=\"11\"/><{c} rgb=\"FF0563C1\"/><{n} val=\"Calibri\"/><{fam} val=\"2\"/></{f}>",
            f = t("font"),
            b = t("b"),
            u = t("u"),
            sz = t("sz"),
            c = t("color"),
            n = t("name"),
            fam = t("family")
        );
        let xfs: String = self.added.concat();
        let adds = [
            ("fonts", fonts, self.fonts + 2),
            ("fills", fills, self.fills + 3),
            ("cellXfs", xfs, self.xfs.len() + self.added.len()),
        ];
        let mut r = xml::reader(&self.text);
        let mut w = xml::writer();
        let mut depth = 0usize;
        loop {
            match next(&mut r, PART)? {
                Event::Start(e) => {
                    let name = local(&e);
                    let e = match adds.iter().find(|a| a.0 == name) {
                        Some(a) if depth == 1 => xml::with_attr(&e, "count", &a.2.to_string()),
                        _ => e.into_owned(),
                    };
                    depth += 1;
                    xml::put(&mut w, Event::Start(e));
                }
                Event::Empty(e) if depth == 1 => {
                    let name = local(&e);
                    match adds.iter().find(|a| a.0 == name) {
                        Some(a) => {
                            let start = xml::with_attr(&e, "count", &a.2.to_string());
                            let end = start.to_end().into_owned();
                            xml::put(&mut w, Event::Start(start));
                            xml::raw(&mut w, &a.1);
                            xml::put(&mut w, Event::End(end));
                        }
                        None => xml::put(&mut w, Event::Empty(e)),
                    }
                }
                Event::End(e) => {
                    if depth == 2 {
                        let name = e.local_name().as_ref().to_string();
                        if let Some(a) = adds.iter().find(|a| a.0 == name) {
                            xml::raw(&mut w, &a.1);
                        }
                    }
                    depth = depth.saturating_sub(1);
                    xml::put(&mut w, Event::End(e));
                }
                Event::Eof => break,
                e => xml::put(&mut w, e),
            }
        }
        Ok(xml::finish(w))
    }
}

fn mark(name: &str, seen: &mut (bool, bool, bool)) {
    match name {
        "fonts" => seen.0 = true,
        "fills" => seen.1 = true,
        "cellXfs" => seen.2 = true,
        _ => {}
    }
}

/// A serialised `<xf>` with `fillId` replaced and `applyFill="1"`.
fn refill(xf: &str, fill: &str) -> Option<String> {
    let mut r = xml::reader(xf);
    let mut w = xml::writer();
    let mut first = true;
    loop {
        match r.read_event().ok()? {
            Event::Start(e) if first => {
                first = false;
                let e = xml::with_attr(&xml::with_attr(&e, "fillId", fill), "applyFill", "1");
                xml::put(&mut w, Event::Start(e));
            }
            Event::Empty(e) if first => {
                first = false;
                let e = xml::with_attr(&xml::with_attr(&e, "fillId", fill), "applyFill", "1");
                xml::put(&mut w, Event::Empty(e));
            }
            Event::Eof => break,
            e => xml::put(&mut w, e),
        }
    }
    Some(xml::finish(w))
}

/// The `s` of an element, or 0.
pub(super) fn style_of(e: &quick_xml::events::BytesStart<'_>) -> u32 {
    attr(e, "s").and_then(|v| v.parse().ok()).unwrap_or(0)
}
