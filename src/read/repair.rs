//! A workbook calamine refuses because of a few malformed cells is read all the same: the
//! cells it cannot take are replaced in a copy of the package by an unknown value (`#VALUE!`),
//! and the copy is read instead.
//! Each cut cell is reported at its reference (X014), so one `#BOGUS` error value or a boolean
//! holding 7 costs that cell, not the whole form.
//!
//! Only used after calamine has failed; a well-formed workbook never comes here.

use crate::opc::Package;
use crate::sheet::CellRef;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

/// A cell cut out of a sheet part: where (if its reference is usable) and why.
#[derive(Debug, Clone)]
pub(super) struct CutCell {
    /// The sheet part it was in (`xl/worksheets/sheet1.xml`).
    pub part: String,
    /// Its reference, when that is a cell on the sheet.
    pub at: Option<CellRef>,
    /// What was wrong, for the filer.
    pub message: String,
}

/// A byte range of a sheet part and what replaces it.
type Splice = (usize, usize, String);

/// Excel's error values; any other `t="e"` value is malformed.
const ERROR_VALUES: &[&str] = &[
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
];

/// Most malformed cells repaired in one workbook; more and the file is refused as damaged.
const MAX_CUTS: usize = 10_000;

/// The package with its malformed cells removed, and what was removed; `None` when nothing
/// malformed was found (the failure has another cause) or the package cannot be rewritten.
pub(super) fn repair(pkg: &mut Package<'_>) -> Option<(Vec<u8>, Vec<CutCell>)> {
    let strings = shared_string_count(pkg);
    let mut fixed: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut cuts = Vec::new();
    let names: Vec<String> = pkg.names().to_vec();
    for name in &names {
        let lower = name.to_ascii_lowercase();
        if !(lower.contains("worksheets/") && lower.ends_with(".xml")) {
            continue;
        }
        let xml = pkg.read(name).ok()??;
        let (ranges, found) = malformed_cells(&xml, strings, name)?;
        if ranges.is_empty() {
            continue;
        }
        cuts.extend(found);
        if cuts.len() > MAX_CUTS {
            return None;
        }
        fixed.insert(name.clone(), splice_out(&xml, &ranges));
    }
    if fixed.is_empty() {
        return None;
    }
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let archive = pkg.archive();
    for (i, name) in names.iter().enumerate() {
        match fixed.remove(name) {
            Some(xml) => {
                out.start_file(name.as_str(), SimpleFileOptions::default())
                    .ok()?;
                out.write_all(&xml).ok()?;
            }
            None => out.raw_copy_file(archive.by_index_raw(i).ok()?).ok()?,
        }
    }
    Some((out.finish().ok()?.into_inner(), cuts))
}

/// How many shared strings the workbook has (`<si>` entries), if it has a table.
fn shared_string_count(pkg: &mut Package<'_>) -> Option<usize> {
    let workbook = pkg.workbook_part().ok()?;
    let rels = pkg.rels(&workbook).ok()?;
    let part = rels.iter().find(|r| r.is("sharedStrings") && !r.external)?;
    let xml = pkg.read(&part.part.clone()).ok()??;
    let mut reader = Reader::from_reader(xml.as_slice());
    let mut n = 0;
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "si" => n += 1,
            Event::Eof => return Some(n),
            _ => {}
        }
    }
}

/// The byte ranges of the `<c>` elements calamine cannot read, with a report for each.
fn malformed_cells(
    xml: &[u8],
    strings: Option<usize>,
    part: &str,
) -> Option<(Vec<Splice>, Vec<CutCell>)> {
    let mut reader = Reader::from_reader(xml);
    let mut ranges = Vec::new();
    let mut cuts = Vec::new();
    // The open cell: its start offset, reference text, type, and the text of its <v>.
    let mut open: Option<(usize, Option<String>, String, String)> = None;
    let mut in_v = false;
    loop {
        let before = reader.buffer_position() as usize;
        match reader.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                open = Some((
                    before,
                    attr(&e, "r"),
                    attr(&e, "t").unwrap_or_default(),
                    String::new(),
                ));
            }
            Event::Empty(e) if e.local_name().as_ref() == "c" => {
                let end = reader.buffer_position() as usize;
                if let Some(why) = bad_reference(attr(&e, "r").as_deref()) {
                    ranges.push((before, end, String::new()));
                    cuts.push(CutCell {
                        part: part.into(),
                        at: None,
                        message: why,
                    });
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "v" => in_v = open.is_some(),
            Event::End(e) if e.local_name().as_ref() == "v" => in_v = false,
            Event::Text(t) if in_v => {
                if let Some(c) = open.as_mut() {
                    c.3.push_str(t.as_ref());
                }
            }
            Event::End(e) if e.local_name().as_ref() == "c" => {
                let end = reader.buffer_position() as usize;
                if let Some((start, r, t, v)) = open.take() {
                    if let Some((at, why)) = bad_cell(r.as_deref(), &t, v.trim(), strings) {
                        // A cell on the sheet stays, as a value that is unknown (an error
                        // value), so no rule takes it for blank; a bad reference goes.
                        let keep = at.map_or_else(String::new, |a| {
                            format!("<c r=\"{a}\" t=\"e\"><v>#VALUE!</v></c>")
                        });
                        ranges.push((start, end, keep));
                        cuts.push(CutCell {
                            part: part.into(),
                            at,
                            message: why,
                        });
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Some((ranges, cuts))
}

/// Why a cell's reference is unusable, if it is.
fn bad_reference(r: Option<&str>) -> Option<String> {
    let r = r?;
    match CellRef::parse(r) {
        Some(_) => None,
        None => Some(format!(
            "单元格位置“{}”无法识别，已忽略该单元格",
            r.chars().take(32).collect::<String>()
        )),
    }
}

/// Why calamine would refuse this cell, if it would.
fn bad_cell(
    r: Option<&str>,
    t: &str,
    v: &str,
    strings: Option<usize>,
) -> Option<(Option<CellRef>, String)> {
    if let Some(why) = bad_reference(r) {
        return Some((None, why));
    }
    let at = r.and_then(CellRef::parse);
    let name = at.map_or_else(|| "单元格".to_string(), |a| format!("单元格 {a}"));
    let shown: String = v.chars().take(32).collect();
    let why = match t {
        "e" if !ERROR_VALUES.contains(&v) => {
            format!("{name} 的错误值“{shown}”不是 Excel 的错误值，按无法识别处理")
        }
        "b" if !matches!(v, "0" | "1" | "true" | "false") => {
            format!("{name} 的逻辑值“{shown}”无法识别（应为 0 或 1），按无法识别处理")
        }
        "s" if !v.is_empty()
            && v.parse::<usize>()
                .map_or(true, |i| strings.is_none_or(|n| i >= n)) =>
        {
            format!("{name} 引用的共享字符串“{shown}”不存在，按无法识别处理")
        }
        _ => return None,
    };
    Some((at, why))
}

/// An attribute's value as text (entities left as written).
fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| a.value.into_owned())
}

/// `xml` with the given (sorted, disjoint) byte ranges replaced.
fn splice_out(xml: &[u8], ranges: &[Splice]) -> Vec<u8> {
    let mut out = Vec::with_capacity(xml.len());
    let mut at = 0;
    for (s, e, with) in ranges {
        out.extend_from_slice(&xml[at..*s]);
        out.extend_from_slice(with.as_bytes());
        at = *e;
    }
    out.extend_from_slice(&xml[at..]);
    out
}
