//! An annotated copy of a checked workbook: offending cells highlighted by severity, a comment
//! on each carrying its findings, and a `formlint检查结果` sheet listing every finding with a link
//! to its cell.
//!
//! The copy is made by patching the OOXML package, never by rebuilding the workbook: parts we do
//! not need to change are copied byte for byte, and the parts we change (`styles.xml`, the
//! annotated worksheets, `workbook.xml`, relationships, content types) are streamed through with
//! only the needed edits, so values, formulas, merges and formatting stay exactly as filed.
//! Bytes in, bytes out: no file system here.

mod comments;
mod package;
mod report_sheet;
mod styles;
mod worksheet;
mod xml;

pub use report_sheet::{severity_label, SHEET_NAME};
pub use styles::fill_rgb;

use crate::finding::{Finding, Severity};
use crate::form::Place;
use crate::outcome::{Accepted, FileReport};
use crate::sheet::CellRef;
use package::{free_id, rel_type, relative, Package, Rel};
use quick_xml::events::Event;
use std::collections::{BTreeMap, BTreeSet};
use styles::StyleBook;
use xml::{attr, local, next};

/// Why a workbook could not be annotated.
#[derive(Debug, thiserror::Error)]
pub enum AnnotateError {
    /// The file is not a readable zip package.
    #[error("无法读取工作簿压缩包：{0}")]
    Zip(String),
    /// A part is not well-formed XML (part, reason).
    #[error("工作簿部件 {0} 不是有效的 XML：{1}")]
    Xml(String, String),
    /// The package lacks something the copy needs.
    #[error("不支持的工作簿结构：{0}")]
    Unsupported(String),
}

impl From<crate::opc::OpcError> for AnnotateError {
    fn from(e: crate::opc::OpcError) -> Self {
        AnnotateError::Zip(e.to_string())
    }
}

const CT_WORKSHEET: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml";
const CT_COMMENTS: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml";
const CT_VML: &str = "application/vnd.openxmlformats-officedocument.vmlDrawing";
const CT_STYLES: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml";

/// The text of a cell's comment: each finding as `CODE 标题：message`, one per line.
pub fn note_text(findings: &[&Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{} {}：{}", f.code, f.title, f.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A sheet of the workbook as `workbook.xml` lists it.
struct SheetEntry {
    name: String,
    id: u32,
    part: Option<String>,
}

/// The annotated copy of an `.xlsx`/`.xlsm` workbook (`original`) for `findings` from checking it.
pub fn annotate_xlsx(original: &[u8], findings: &[Finding]) -> Result<Vec<u8>, AnnotateError> {
    annotate_with(original, findings, &[])
}

/// The annotated copy of a checked workbook for its report: the findings as
/// [`annotate_xlsx`] writes them, and the findings a reviewer accepted listed on the findings
/// sheet as 已接受, with the reason and the entry (their cells are not highlighted).
pub fn annotate_report(original: &[u8], report: &FileReport) -> Result<Vec<u8>, AnnotateError> {
    annotate_with(original, &report.findings, &report.accepted)
}

fn annotate_with(
    original: &[u8],
    findings: &[Finding],
    accepted: &[Accepted],
) -> Result<Vec<u8>, AnnotateError> {
    let mut pkg = Package::open(original)?;
    let workbook = pkg
        .rels("")?
        .into_iter()
        .find(|r| r.is("officeDocument") && !r.external)
        .map(|r| r.part)
        .unwrap_or_else(|| "xl/workbook.xml".into());
    let wb_text = pkg
        .read(&workbook)?
        .ok_or_else(|| AnnotateError::Unsupported(format!("缺少 {workbook}")))?;
    let wb_rels = pkg.rels(&workbook)?;
    let sheets = list_sheets(&workbook, &wb_text, &wb_rels)?;
    let styles_rel = wb_rels
        .iter()
        .find(|r| r.is("styles") && !r.external)
        .map(|r| r.part.clone());
    let styles_part = styles_rel
        .clone()
        .unwrap_or_else(|| pkg.free_name("xl/styles", "xml"));
    let styles_missing = !pkg.exists(&styles_part);
    let styles_text = pkg
        .read(&styles_part)?
        .unwrap_or_else(|| styles::MINIMAL.into());
    let mut copy = Annotated {
        vml_block: pkg.count_ext("vml") as u32,
        pkg,
        book: StyleBook::parse(styles_text)?,
        linked: BTreeMap::new(),
    };
    for sheet in &sheets {
        if let Some(part) = &sheet.part {
            copy.annotate_sheet(&sheet.name, part, findings)?;
        }
    }

    // the findings sheet
    let Annotated {
        mut pkg,
        mut book,
        linked,
        ..
    } = copy;
    let name = unique_name(&sheets);
    let sheet_part = pkg.free_name("xl/worksheets/sheet", "xml");
    let link = |f: &Finding| match (&f.sheet, &f.at) {
        (Some(s), Some(Place::Cell(c))) => linked.get(&(s.clone(), *c)).copied(),
        _ => None,
    };
    let sheet_xml = report_sheet::build(findings, accepted, &mut book, &link);
    pkg.write(&sheet_part, sheet_xml);
    pkg.add_content_type(&sheet_part, CT_WORKSHEET, false)?;
    let mut wb_new = NewRels::of(&wb_rels);
    let rid = wb_new.add(rel_type::WORKSHEET, relative(&workbook, &sheet_part));
    if styles_rel.is_none() {
        wb_new.add(rel_type::STYLES, relative(&workbook, &styles_part));
    }
    if styles_missing {
        pkg.add_content_type(&styles_part, CT_STYLES, false)?;
    }
    pkg.add_rels(&workbook, &wb_new.added)?;
    let sheet_id = sheets.iter().map(|s| s.id).max().unwrap_or(0) + 1;
    let wb_out = add_sheet(&workbook, &wb_text, &name, sheet_id, &rid)?;
    pkg.write(&workbook, wb_out);
    pkg.write(&styles_part, book.finish()?);
    pkg.finish()
}

/// The copy being made: the package, its style sheet (new fills are added as cells need them),
/// where each finding's cell ended up (the top-left of its merged region, for the findings
/// sheet's links) and the last VML shape block used.
struct Annotated<'a> {
    pkg: Package<'a>,
    book: StyleBook,
    linked: BTreeMap<(String, CellRef), CellRef>,
    vml_block: u32,
}

/// Relationships to add to one part, with ids that clash neither with its own nor each other.
struct NewRels<'r> {
    existing: &'r [Rel],
    taken: Vec<String>,
    added: Vec<Rel>,
}

impl<'r> NewRels<'r> {
    /// None yet, beside the part's `existing` relationships.
    fn of(existing: &'r [Rel]) -> Self {
        NewRels {
            existing,
            taken: Vec::new(),
            added: Vec::new(),
        }
    }

    /// Adds a relationship of `kind` to `target` (relative to the part); returns its id.
    fn add(&mut self, kind: &str, target: String) -> String {
        let id = free_id(self.existing, &self.taken);
        self.taken.push(id.clone());
        self.added.push(Rel {
            id: id.clone(),
            kind: kind.into(),
            target,
            external: false,
            part: String::new(),
        });
        id
    }
}

impl Annotated<'_> {
    /// Annotates one worksheet (`part`, named `sheet`): its cells with findings are restyled by
    /// severity and get a comment with a comment box. Sheets without cell findings are left as
    /// they are.
    fn annotate_sheet(
        &mut self,
        sheet: &str,
        part: &str,
        findings: &[Finding],
    ) -> Result<(), AnnotateError> {
        let on_sheet: Vec<(&Finding, CellRef)> = findings
            .iter()
            .filter(|f| f.sheet.as_deref() == Some(sheet))
            .filter_map(|f| match &f.at {
                Some(Place::Cell(c)) => Some((f, *c)),
                _ => None,
            })
            .collect();
        if on_sheet.is_empty() {
            return Ok(());
        }
        let Some(text) = self.pkg.read(part)? else {
            return Ok(());
        };
        let scan = worksheet::scan(part, &text)?;
        // findings on cells, each moved to the top-left cell of its merged region
        let mut by_cell: BTreeMap<CellRef, Vec<&Finding>> = BTreeMap::new();
        for (f, c) in on_sheet {
            let at = scan
                .merges
                .iter()
                .find(|m| m.contains(c))
                .map(|m| m.start)
                .unwrap_or(c);
            self.linked.insert((sheet.to_string(), c), at);
            by_cell.entry(at).or_default().push(f);
        }
        let targets: BTreeMap<CellRef, Severity> = by_cell
            .iter()
            .map(|(c, fs)| {
                (
                    *c,
                    fs.iter()
                        .map(|f| f.severity)
                        .min()
                        .unwrap_or(Severity::Info),
                )
            })
            .collect();
        let notes: BTreeMap<CellRef, String> =
            by_cell.iter().map(|(c, fs)| (*c, note_text(fs))).collect();
        let rels = self.pkg.rels(part)?;
        let mut new_rels = NewRels::of(&rels);
        let already = self.add_comments(part, &rels, &notes, &mut new_rels)?;
        let boxes: Vec<CellRef> = notes
            .keys()
            .filter(|c| !already.contains(c))
            .copied()
            .collect();
        let legacy = self.add_comment_boxes(part, &rels, &scan, &boxes, &mut new_rels)?;
        let patched = worksheet::patch(
            part,
            &text,
            &scan,
            &targets,
            &mut self.book,
            legacy.as_deref(),
        )?;
        self.pkg.write(part, patched);
        if !new_rels.added.is_empty() {
            self.pkg.add_rels(part, &new_rels.added)?;
        }
        Ok(())
    }

    /// The notes as comments: merged into the sheet's own comments part, or a new one. Returns
    /// the cells that already had a comment (they have a comment box already).
    fn add_comments(
        &mut self,
        part: &str,
        rels: &[Rel],
        notes: &BTreeMap<CellRef, String>,
        new_rels: &mut NewRels,
    ) -> Result<BTreeSet<CellRef>, AnnotateError> {
        let existing = rels
            .iter()
            .find(|r| r.is("comments") && !r.external)
            .map(|r| r.part.clone());
        match existing.as_ref() {
            Some(cpart) if self.pkg.exists(cpart) => {
                let ctext = self.pkg.read(cpart)?.unwrap_or_default();
                let already = comments::existing_refs(cpart, &ctext)?;
                let merged = comments::merge(cpart, &ctext, notes)?;
                self.pkg.write(cpart, merged);
                Ok(already)
            }
            _ => {
                let cpart = self.pkg.free_name("xl/comments", "xml");
                self.pkg.write(&cpart, comments::new_part(notes));
                self.pkg.add_content_type(&cpart, CT_COMMENTS, false)?;
                new_rels.add(rel_type::COMMENTS, relative(part, &cpart));
                Ok(BTreeSet::new())
            }
        }
    }

    /// Comment boxes for `boxes`: added to the sheet's VML drawing, or a new drawing. Returns
    /// the relationship id the worksheet's new `<legacyDrawing>` must name, when it had none.
    fn add_comment_boxes(
        &mut self,
        part: &str,
        rels: &[Rel],
        scan: &worksheet::SheetScan,
        boxes: &[CellRef],
        new_rels: &mut NewRels,
    ) -> Result<Option<String>, AnnotateError> {
        let vml = scan.legacy_rid.as_ref().and_then(|rid| {
            rels.iter()
                .find(|r| &r.id == rid && !r.external)
                .map(|r| r.part.clone())
        });
        match vml {
            Some(vpart) if self.pkg.exists(&vpart) => {
                let vtext = self.pkg.read(&vpart)?.unwrap_or_default();
                let out = comments::append_vml(&vpart, &vtext, boxes)?;
                self.pkg.write(&vpart, out);
                Ok(None)
            }
            _ => {
                self.vml_block += 1;
                let vpart = self.pkg.free_name("xl/drawings/vmlDrawing", "vml");
                self.pkg
                    .write(&vpart, comments::new_vml(boxes, self.vml_block));
                self.pkg.add_content_type(&vpart, CT_VML, true)?;
                let id = new_rels.add(rel_type::VML, relative(part, &vpart));
                Ok(scan.legacy_rid.is_none().then_some(id))
            }
        }
    }
}

fn unique_name(sheets: &[SheetEntry]) -> String {
    let taken = |n: &str| {
        sheets
            .iter()
            .any(|s| s.name.to_lowercase() == n.to_lowercase())
    };
    if !taken(SHEET_NAME) {
        return SHEET_NAME.to_string();
    }
    (2..)
        .map(|i| format!("{SHEET_NAME}({i})"))
        .find(|n| !taken(n))
        .unwrap_or_default()
}

fn list_sheets(part: &str, text: &str, rels: &[Rel]) -> Result<Vec<SheetEntry>, AnnotateError> {
    let mut out = Vec::new();
    let mut r = xml::reader(text);
    loop {
        match next(&mut r, part)? {
            Event::Start(e) | Event::Empty(e) if local(&e) == "sheet" => {
                let rid = xml::rel_id(&e);
                let target = rels
                    .iter()
                    .find(|r| Some(&r.id) == rid.as_ref() && r.is("worksheet") && !r.external);
                out.push(SheetEntry {
                    name: attr(&e, "name").unwrap_or_default(),
                    id: attr(&e, "sheetId")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0),
                    part: target.map(|t| t.part.clone()),
                });
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// `workbook.xml` with a `<sheet>` appended to `<sheets>`.
fn add_sheet(
    part: &str,
    text: &str,
    name: &str,
    id: u32,
    rid: &str,
) -> Result<String, AnnotateError> {
    let mut r = xml::reader(text);
    let mut w = xml::writer();
    let (mut prefix, mut r_prefix, mut root, mut done) = (None, None, true, false);
    let entry = |prefix: &Option<String>, r_prefix: &Option<String>| {
        let rattr = match r_prefix {
            Some(p) => format!("{p}:id"),
            None => format!("xmlns:r=\"{}\" r:id", xml::NS_REL),
        };
        format!(
            "<{} name=\"{}\" sheetId=\"{id}\" {rattr}=\"{}\"/>",
            xml::tag(prefix, "sheet"),
            xml::esc(name),
            xml::esc(rid)
        )
    };
    loop {
        match next(&mut r, part)? {
            Event::Start(e) => {
                if root {
                    prefix = xml::prefix_of(&e);
                    r_prefix = xml::ns_prefix(&e, xml::NS_REL);
                    root = false;
                }
                xml::put(&mut w, Event::Start(e));
            }
            Event::Empty(e) if local(&e) == "sheets" => {
                let end = e.to_end().into_owned();
                xml::put(&mut w, Event::Start(e));
                xml::raw(&mut w, &entry(&prefix, &r_prefix));
                xml::put(&mut w, Event::End(end));
                done = true;
            }
            Event::End(e) => {
                if e.local_name().as_ref() == "sheets" && !done {
                    xml::raw(&mut w, &entry(&prefix, &r_prefix));
                    done = true;
                }
                xml::put(&mut w, Event::End(e));
            }
            Event::Eof => break,
            e => xml::put(&mut w, e),
        }
    }
    if !done {
        return Err(AnnotateError::Unsupported(format!(
            "{part} 中没有 <sheets>"
        )));
    }
    Ok(xml::finish(w))
}
