//! formlint's own xlsx reader, the hot path: each sheet part inflated once (by the package
//! reader's verification) and walked once for values, style ids, formula marks and merged
//! regions; shared strings and only the number formats of `styles.xml`.
//!
//! It gives exactly the workbook the calamine path gives (`read::xlsx`), or declines (`None`)
//! and leaves the file to calamine: it finds the parts calamine finds, the way calamine finds
//! them (fixed names under the workbook's folder, targets joined without normalising), reads
//! strings, numbers, dates and styles by calamine's rules, and declines on anything calamine
//! would refuse and on anything it is unsure of (a reference past `XFD1048576`, a number it
//! cannot prove calamine parses alike, duplicate sheet names …). A differential test over the
//! fixtures and thousands of generated and mutated workbooks keeps the two equal
//! (`src/read/oracle_tests.rs`).

pub(super) mod scan;
pub(super) mod scan_styles;
#[cfg(test)]
mod scan_styles_tests;
mod sheet;
mod styles;

use super::comments::comments_of;
use super::grid::GridBuilder;
use super::rawxml::{attrs_ok, decode_attr, get_attrs, push_entity, raw_attr, reader, RawAttrs};
use super::ReadError;
use crate::opc::Package;
use crate::sheet::Workbook;
use quick_xml::events::Event;
use std::collections::{HashMap, HashSet};

/// What every sheet needs of the workbook: shared strings, number formats, the epoch.
pub(super) struct Context {
    /// The shared strings table.
    strings: Vec<String>,
    /// Per cell style (`xf`): date detection and percent display.
    formats: Vec<styles::XfFormat>,
    /// The 1904 date system.
    is_1904: bool,
}

/// A sheet as calamine lists it: name, part path (as calamine builds it), whether a worksheet.
struct SheetEntry {
    name: String,
    path: String,
    worksheet: bool,
}

/// Reads the workbook, or `None` to leave it to calamine.
pub(super) fn read(pkg: &mut Package<'_>) -> Option<Workbook> {
    read_with(pkg, true)
}

/// [`read`], with the worksheets' cells, the shared strings and the number formats scanned as
/// bytes where the scanners take them (`scan`), else walked event by event: the oracle tests
/// compare the two.
pub(super) fn read_with(pkg: &mut Package<'_>, scan: bool) -> Option<Workbook> {
    let zip = ZipNames::new(pkg);
    let (xl_path, workbook_name) = root_relationships(pkg, &zip)?;
    let strings = match zip.find(pkg, &format!("{xl_path}sharedStrings.xml")) {
        Some(i) => {
            let xml = pkg.read_at(i).ok()?;
            scan.then(|| scan::shared_strings(&xml))
                .flatten()
                .or_else(|| styles::shared_strings(&xml))?
        }
        None => Vec::new(),
    };
    let formats = match zip.find(pkg, &format!("{xl_path}styles.xml")) {
        Some(i) => {
            // The scanner's `None` is "not sure"; the event walk's is "calamine refuses".
            let xml = pkg.read_at(i).ok()?;
            scan.then(|| scan_styles::number_formats(&xml))
                .flatten()
                .or_else(|| styles::number_formats(&xml))?
        }
        None => Vec::new(),
    };
    let rels_part = zip.find(pkg, &format!("{xl_path}_rels/{workbook_name}.rels"))?;
    let rels = relationships(&pkg.read_at(rels_part).ok()?)?;
    let book_part = zip.find(pkg, &format!("{xl_path}{workbook_name}"))?;
    let (entries, is_1904) = workbook(&pkg.read_at(book_part).ok()?, &rels, &xl_path)?;
    let ctx = Context {
        strings,
        formats,
        is_1904,
    };

    // The sheet parts must be the ones the comment reader (the package reader's resolution)
    // takes, and names unique (calamine finds a sheet by its name).
    let opc_sheets = pkg.sheets().ok()??;
    if opc_sheets.len() != entries.len() {
        return None;
    }
    let mut names = HashSet::new();
    let mut parts = Vec::with_capacity(entries.len());
    for (entry, opc) in entries.iter().zip(&opc_sheets) {
        let at = zip.find(pkg, &entry.path)?;
        let opc_at = pkg
            .entry(&opc.part)
            .and_then(|n| pkg.index_for_name(n).map(|i| i == at));
        if opc_at != Some(true) || !names.insert(entry.name.as_str()) {
            return None;
        }
        parts.push(at);
    }

    // A part is handed over by its last sheet (sheets may share one).
    let mut uses: HashMap<usize, usize> = HashMap::new();
    for &at in &parts {
        *uses.entry(at).or_default() += 1;
    }
    let mut sheets = Vec::new();
    for (entry, at) in entries.iter().zip(parts) {
        let left = uses.get_mut(&at)?;
        *left -= 1;
        let xml = if *left == 0 {
            pkg.take_at(at)
        } else {
            pkg.read_at(at)
        }
        .ok()?;
        if !entry.worksheet {
            // Not read, but the formula/merge walk of the calamine path walks it too.
            super::marks::scan_sheet(&xml)?;
            continue;
        }
        let walked = scan
            .then(|| scan::walk(&xml, &ctx, &entry.name))
            .flatten()
            .or_else(|| sheet::walk_events(&xml, &ctx, &entry.name))?;
        match walked.into_sheet() {
            Ok(s) => sheets.push(s),
            Err(ReadError::SheetTooLarge(why)) => {
                sheets.push(GridBuilder::not_read(&entry.name, &why).ok()?)
            }
            Err(_) => return None,
        }
    }
    let mut comments = comments_of(pkg, opc_sheets);
    for sheet in &mut sheets {
        sheet.comments = comments.remove(&sheet.name).unwrap_or_default();
    }
    Some(Workbook { sheets })
}

/// The package's entry names looked up as calamine does: lower-cased, `\` as `/`, the last
/// of equal names winning, else the name as given; then the zip's own index for that name.
struct ZipNames {
    lower: HashMap<String, String>,
}

impl ZipNames {
    fn new(pkg: &Package<'_>) -> Self {
        let lower = pkg
            .names()
            .iter()
            .map(|n| (n.replace('\\', "/").to_ascii_lowercase(), n.clone()))
            .collect();
        ZipNames { lower }
    }

    /// The entry index calamine opens for `path`, if any.
    fn find(&self, pkg: &Package<'_>, path: &str) -> Option<usize> {
        let name = self
            .lower
            .get(&path.to_ascii_lowercase())
            .map_or(path, String::as_str);
        pkg.index_for_name(name)
    }
}

/// The workbook's folder (`xl/`) and file name (`workbook.xml`) from `_rels/.rels`, as
/// calamine takes them (the last `officeDocument` relationship).
fn root_relationships(pkg: &mut Package<'_>, zip: &ZipNames) -> Option<(String, String)> {
    let xml = pkg.read_at(zip.find(pkg, "_rels/.rels")?).ok()?;
    let mut r = reader(&xml);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "Relationships" => break,
            Event::Eof => return None,
            _ => {}
        }
    }
    let mut target = None;
    loop {
        match r.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                let [kind, to] = get_attrs(&e, ["Type", "Target"])?;
                if kind.is_some_and(|t| t.ends_with("/relationships/officeDocument")) {
                    if let Some(to) = to {
                        target = Some(decode_attr(to)?);
                    }
                }
            }
            Event::End(e) if e.local_name().as_ref() == "Relationships" => break,
            Event::Eof => return None,
            _ => {}
        }
    }
    let target = target?;
    let (dir, name) = match target.rfind('/') {
        Some(i) => target.split_at(i + 1),
        None => ("", target.as_str()),
    };
    let name = if name.is_empty() {
        "workbook.xml"
    } else {
        name
    };
    Some((
        dir.strip_prefix('/').unwrap_or(dir).to_string(),
        name.to_string(),
    ))
}

/// The workbook's relationships, id → (target, type), raw as calamine keeps them.
fn relationships(xml: &[u8]) -> Option<HashMap<String, (String, String)>> {
    let mut out = HashMap::new();
    let mut r = reader(xml);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "Relationship" => {
                let [id, kind, target] = get_attrs(&e, ["Id", "Type", "Target"])?;
                if let Some(id) = id {
                    let target = target.unwrap_or_default().to_string();
                    out.insert(
                        id.to_string(),
                        (target, kind.unwrap_or_default().to_string()),
                    );
                }
            }
            Event::End(e) if e.local_name().as_ref() == "Relationships" => return Some(out),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// The sheets of `workbook.xml` in order, and whether it uses the 1904 date system; `None`
/// wherever calamine's `read_workbook` fails.
fn workbook(
    xml: &[u8],
    rels: &HashMap<String, (String, String)>,
    xl_path: &str,
) -> Option<(Vec<SheetEntry>, bool)> {
    let mut sheets = Vec::new();
    let mut is_1904 = false;
    let mut r = reader(xml);
    loop {
        match r.read_event().ok()? {
            Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                let (mut name, mut rel_id) = (String::new(), "");
                for attr in RawAttrs::of(&e) {
                    match attr.ok()? {
                        ("name", v) => name = decode_attr(v)?,
                        ("state", v) if !matches!(v, "visible" | "hidden" | "veryHidden") => {
                            return None
                        }
                        (k, v)
                            if k.strip_suffix("id")
                                .is_some_and(|p| p.is_empty() || p.ends_with(':')) =>
                        {
                            rel_id = v
                        }
                        _ => {}
                    }
                }
                let (target, kind) = rels.get(rel_id)?;
                let path = match target.strip_prefix('/') {
                    Some(abs) => abs.to_string(),
                    None => format!("{xl_path}{target}"),
                };
                let worksheet = match kind.split('/').next_back() {
                    Some("worksheet") => true,
                    Some("chartsheet" | "dialogsheet") => false,
                    _ => return None,
                };
                sheets.push(SheetEntry {
                    name,
                    path,
                    worksheet,
                });
            }
            Event::Start(e) if e.local_name().as_ref() == "workbookPr" => {
                if let Some(v) = raw_attr(&e, "date1904")? {
                    is_1904 = v == "1" || v == "true";
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "definedName" => {
                if let Some(v) = raw_attr(&e, "name")? {
                    decode_attr(v)?;
                    let mut sink = String::new();
                    loop {
                        match r.read_event().ok()? {
                            Event::GeneralRef(g) => push_entity(&g, &mut sink)?,
                            Event::End(end) if end.name() == e.name() => break,
                            Event::Eof => return None,
                            _ => {}
                        }
                    }
                }
            }
            Event::Start(e) if !attrs_ok(&e) => return None,
            Event::End(e) if e.local_name().as_ref() == "workbook" => {
                return Some((sheets, is_1904))
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}
