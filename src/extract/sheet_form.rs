//! Finding a layout's labels, fields and tables on a sheet, wherever rows were added or removed.

use super::cells::{read_field, read_row, Reader};
use super::layout::{FieldSpec, Layout, RowsSpec, TableSpec, ValueAt};
use super::normalise::{normalise, Normalised};
use super::Extracted;
use crate::finding::Finding;
use crate::form::{Field, FieldValue, Form, Place, Row, Table};
use crate::sheet::{CellRange, CellRef, CellValue, Sheet};
use std::collections::BTreeMap;

/// A text cell that may be a label: the top-left cell of its merged region, or a lone cell.
pub(super) struct LabelCell {
    pub(super) at: CellRef,
    pub(super) extent: CellRange,
    pub(super) norm: Normalised,
}

/// The sheet's label cells, row by row, and the band of rows one form takes (the whole sheet
/// unless several forms are stacked on it): every search stays inside the band.
pub(super) struct Labels {
    rows: Vec<Vec<LabelCell>>,
    /// First row of the band.
    pub(super) lo: u32,
    /// The row after the band.
    pub(super) hi: u32,
}

impl Labels {
    pub(super) fn new(sheet: &Sheet) -> Self {
        let rows = sheet
            .rows
            .iter()
            .enumerate()
            .map(|(r, row)| {
                row.iter()
                    .enumerate()
                    .filter_map(|(c, cell)| {
                        let at = CellRef::new(r as u32, c as u32);
                        if cell.merged.is_some_and(|m| m.start != at) {
                            return None;
                        }
                        let crate::sheet::CellValue::Text(t) = &cell.value else {
                            return None;
                        };
                        let norm = normalise(t);
                        (!norm.core.is_empty()).then(|| LabelCell {
                            at,
                            extent: cell.merged.unwrap_or(CellRange { start: at, end: at }),
                            norm,
                        })
                    })
                    .collect()
            })
            .collect();
        Labels {
            rows,
            lo: 0,
            hi: sheet.height(),
        }
    }

    /// Label cells of one row (none outside the band).
    pub(super) fn row(&self, r: u32) -> &[LabelCell] {
        if r < self.lo || r >= self.hi {
            return &[];
        }
        self.rows.get(r as usize).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The band's rows at or below `from`, each with its index.
    pub(super) fn rows_from(&self, from: u32) -> impl Iterator<Item = (u32, &[LabelCell])> {
        let start = from.max(self.lo);
        (start..self.hi.min(self.rows.len() as u32)).map(|r| (r, self.row(r)))
    }

    /// The first cell labelled `label` at or below `from_row`, top-down, left to right.
    fn find(&self, label: &str, from_row: u32) -> Option<&LabelCell> {
        self.find_by(|l| l == label, from_row)
    }

    /// The first cell whose label passes `is`, at or below `from_row`.
    pub(super) fn find_by(&self, is: impl Fn(&str) -> bool, from_row: u32) -> Option<&LabelCell> {
        self.rows_from(from_row)
            .flat_map(|(_, row)| row)
            .find(|l| is(&l.norm.core))
    }
}

/// A table's header as found on the sheet.
pub(super) struct Located<'a> {
    pub(super) spec: &'a TableSpec,
    /// Column index per spec column (`None`: an optional column that is absent).
    pub(super) cols: Vec<Option<u32>>,
    /// Per spec column, the columns of its `before` and `after` cells when the header row has them.
    pub(super) joins: Vec<(Option<u32>, Option<u32>)>,
    /// First row below the header.
    data_start: u32,
    /// The first header cell found.
    at: CellRef,
}

impl Located<'_> {
    pub(super) fn col(&self, name: &str) -> Option<u32> {
        let i = self.spec.columns.iter().position(|c| *c.name == *name)?;
        self.cols[i]
    }

    fn first_col(&self) -> u32 {
        self.cols.iter().flatten().copied().min().unwrap_or(0)
    }

    fn last_col(&self) -> u32 {
        self.cols.iter().flatten().copied().max().unwrap_or(0)
    }
}

/// Finds the header row: the first row, top-down, holding all the table's required headers.
/// On failure returns the headers missing from the best candidate row.
fn locate<'a>(labels: &Labels, spec: &'a TableSpec) -> Result<Located<'a>, Vec<String>> {
    let mut best: (usize, Vec<String>) = (
        0,
        spec.columns
            .iter()
            .filter(|c| !c.optional)
            .map(|c| c.header.clone())
            .collect(),
    );
    for (r, row) in labels.rows_from(0) {
        let r = r as usize;
        let found: Vec<Option<&LabelCell>> = spec
            .columns
            .iter()
            .map(|c| row.iter().find(|l| c.is(&l.norm.core)))
            .collect();
        let missing: Vec<String> = spec
            .columns
            .iter()
            .zip(&found)
            .filter(|(c, f)| !c.optional && f.is_none())
            .map(|(c, _)| c.header.clone())
            .collect();
        if missing.is_empty() {
            let cells: Vec<&LabelCell> = found.iter().flatten().copied().collect();
            let data_start = cells
                .iter()
                .map(|l| l.extent.end.row)
                .max()
                .unwrap_or(r as u32)
                + 1;
            let at = spec
                .columns
                .iter()
                .zip(&found)
                .find_map(|(c, f)| (!c.optional).then_some(*f).flatten())
                .map_or(CellRef::new(r as u32, 0), |l| l.at);
            let col_of = |h: &Option<String>| {
                h.as_ref()
                    .and_then(|h| row.iter().find(|l| l.norm.core == *h))
                    .map(|l| l.at.col)
            };
            let joins = spec
                .columns
                .iter()
                .map(|c| (col_of(&c.before), col_of(&c.after)))
                .collect();
            return Ok(Located {
                spec,
                joins,
                cols: found.iter().map(|f| f.map(|l| l.at.col)).collect(),
                data_start,
                at,
            });
        }
        let hits = found.iter().filter(|f| f.is_some()).count();
        if hits > best.0 {
            // a header of this row that nearly matches a missing one is named beside it
            let taken: Vec<CellRef> = found.iter().flatten().map(|l| l.at).collect();
            let hinted = spec
                .columns
                .iter()
                .zip(&found)
                .filter(|(c, f)| !c.optional && f.is_none())
                .map(|(c, _)| {
                    let near = row
                        .iter()
                        .find(|l| !taken.contains(&l.at) && half_matches(&l.norm.core, c));
                    match near {
                        Some(l) => {
                            format!("{}（{} 的“{}”只部分相符）", c.header, l.at, l.norm.core)
                        }
                        None => c.header.clone(),
                    }
                })
                .collect();
            best = (hits, hinted);
        }
    }
    Err(best.1)
}

/// Whether a header text only half matches a column: it contains the column's header or an
/// alias, or is (two characters or more of) part of one, without being it.
fn half_matches(text: &str, c: &super::layout::ColumnSpec) -> bool {
    std::iter::once(&c.header).chain(&c.aliases).any(|h| {
        text != h && (text.contains(h.as_str()) || (text.chars().count() >= 2 && h.contains(text)))
    })
}

/// How well a sheet fits a layout: its title in the top rows, then how many of its form labels
/// occur. Compared as a tuple, so a titled match wins, then a complete one, then the larger share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Fit {
    titled: bool,
    complete: bool,
    /// Labels present, per mille of the layout's form labels.
    share: usize,
}

/// Rows at the top of a sheet searched for a layout's title.
const TITLE_ROWS: usize = 8;

fn fit(sheet: &Sheet, labels: &Labels, layout: &Layout) -> (Fit, usize) {
    let present = layout
        .form_labels
        .iter()
        .filter(|l| labels.find(l, 0).is_some())
        .count();
    let titled = layout.title.as_deref().is_some_and(|title| {
        sheet
            .rows
            .iter()
            .take(TITLE_ROWS)
            .flatten()
            .any(|c| match &c.value {
                // the title alone, or with a year before or after it; a sentence that
                // only names the form (`根据项目支出绩效目标申报表填写`) is not its title
                CellValue::Text(t) => {
                    let core = normalise(t).core;
                    core.starts_with(title) || core.ends_with(title)
                }
                _ => false,
            })
    });
    let total = layout.form_labels.len();
    let fit = Fit {
        titled,
        complete: present == total,
        share: present * 1000 / total.max(1),
    };
    (fit, present)
}

/// Extracts one sheet with whichever of `layouts` it fits best (its title, then the most form
/// labels present; the first layout on a tie), returning that layout's index and what came of
/// each form on the sheet: one, or one per band when forms are stacked on it, each with the
/// cell it begins at when there are several. A sheet where fewer than half of the best
/// layout's form labels occur, and no title, is not a form.
pub(crate) fn extract_best(
    sheet: &Sheet,
    layouts: &[&Layout],
) -> (usize, Vec<(Extracted, Option<CellRef>)>) {
    let mut labels = Labels::new(sheet);
    let mut best: Option<(Fit, usize, usize)> = None;
    for (i, layout) in layouts.iter().enumerate() {
        let (f, present) = fit(sheet, &labels, layout);
        if best.is_none_or(|(b, _, _)| f > b) {
            best = Some((f, i, present));
        }
    }
    let Some((f, i, present)) = best else {
        return (0, vec![(Extracted::NotAForm, None)]);
    };
    let layout = layouts[i];
    if !f.titled && present * 2 < layout.form_labels.len() {
        return (i, vec![(Extracted::NotAForm, None)]);
    }
    let bands = super::stacked::bands(sheet, &labels, layout);
    let several = bands.len() > 1;
    let mut out = Vec::new();
    for (lo, hi, start) in bands {
        labels.lo = lo;
        labels.hi = hi;
        let extracted = match Found::locate(&labels, layout) {
            Ok(found) => read_form(sheet, &labels, layout, found),
            Err(missing) => Extracted::Incomplete(missing),
        };
        out.push((extracted, several.then_some(start)));
    }
    (i, out)
}

/// Where a layout's fields, tables and key rows are on one sheet. Every label is resolved
/// before anything is read, so missing labels come out together.
struct Found<'a> {
    located: BTreeMap<String, Located<'a>>,
    field_cells: Vec<(&'a FieldSpec, Option<&'a LabelCell>)>,
    key_rows: BTreeMap<&'a str, Vec<(String, CellRef)>>,
}

impl<'a> Found<'a> {
    /// Finds everything the layout names, or every required label that is missing (once each,
    /// in the order form labels, table headers, field labels, row keys).
    fn locate(labels: &'a Labels, layout: &'a Layout) -> Result<Self, Vec<String>> {
        let mut missing: Vec<String> = layout
            .form_labels
            .iter()
            .filter(|l| labels.find(l, 0).is_none())
            .cloned()
            .collect();
        let mut located = BTreeMap::new();
        for spec in &layout.tables {
            match locate(labels, spec) {
                Ok(l) => {
                    located.insert(spec.name.clone(), l);
                }
                Err(m) => missing.extend(m),
            }
        }
        let field_cells = field_cells(labels, layout, &located, &mut missing);
        let key_rows = key_rows(labels, &located, &mut missing);
        if !missing.is_empty() {
            let mut seen = Vec::new();
            missing.retain(|m| {
                let new = !seen.contains(m);
                seen.push(m.clone());
                new
            });
            return Err(missing);
        }
        Ok(Found {
            located,
            field_cells,
            key_rows,
        })
    }
}

/// Each field's label cell (a column field's below its table's header); required labels not
/// found go to `missing`.
fn field_cells<'a>(
    labels: &'a Labels,
    layout: &'a Layout,
    located: &BTreeMap<String, Located>,
    missing: &mut Vec<String>,
) -> Vec<(&'a FieldSpec, Option<&'a LabelCell>)> {
    let mut field_cells = Vec::new();
    for f in &layout.fields {
        let from = match &f.value {
            ValueAt::Column { table, .. } => match located.get(table) {
                Some(l) => l.data_start,
                None => continue, // its table header is already reported missing
            },
            _ => 0,
        };
        let cell = labels.find_by(|l| f.is(l), from);
        if cell.is_none() && !f.optional {
            missing.push(f.label.clone());
        }
        field_cells.push((f, cell));
    }
    field_cells
}

/// For each keyed table, the cell of each row key (left of the table, below its header); keys
/// not found go to `missing`.
fn key_rows<'a>(
    labels: &Labels,
    located: &BTreeMap<String, Located<'a>>,
    missing: &mut Vec<String>,
) -> BTreeMap<&'a str, Vec<(String, CellRef)>> {
    let mut key_rows = BTreeMap::new();
    for l in located.values() {
        let spec: &'a TableSpec = l.spec;
        if let RowsSpec::Key { labels: keys, .. } = &spec.rows {
            let mut rows = Vec::new();
            for key in keys {
                let hit = labels
                    .rows_from(l.data_start)
                    .flat_map(|(_, row)| row)
                    .find(|c| c.at.col < l.first_col() && c.norm.core == *key);
                match hit {
                    Some(c) => rows.push((key.clone(), c.at)),
                    None => missing.push(key.clone()),
                }
            }
            key_rows.insert(spec.name.as_str(), rows);
        }
    }
    key_rows
}

/// Reads every field and table once all are found.
fn read_form(sheet: &Sheet, labels: &Labels, layout: &Layout, found: Found) -> Extracted {
    let mut rd = Reader::new(sheet, layout);
    let mut form = Form {
        sheet: sheet.name.clone(),
        ..Form::default()
    };
    // the funds unit first: money cells written with a unit convert to it
    let unit_cell = found
        .field_cells
        .iter()
        .find(|(f, _)| layout.money_unit.as_deref() == Some(f.name.as_str()));
    if let Some((f, Some(label))) = unit_cell {
        let unit = read_field(&mut Reader::new(sheet, layout), f, label, &found.located);
        rd.set_money_unit(&unit.value);
    }
    for l in found.located.values() {
        rd.findings.extend(half_headers(sheet, labels, l));
    }
    for (f, cell) in found.field_cells {
        let field = match cell {
            None => Field::new(FieldValue::Blank, None),
            Some(label) => read_field(&mut rd, f, label, &found.located),
        };
        form.fields.insert(f.name.clone(), field);
    }
    for spec in &layout.tables {
        let Some(l) = found.located.get(&spec.name) else {
            continue;
        };
        let rows = table_rows(&mut rd, labels, spec, l, &found.key_rows);
        form.tables.insert(
            spec.name.clone(),
            Table {
                rows,
                at: Some(Place::Cell(l.at)),
            },
        );
    }
    Extracted::Form(form, rd.findings)
}

/// A table's rows: one per row key (named by it), or every data row down to its end.
fn table_rows(
    rd: &mut Reader,
    labels: &Labels,
    spec: &TableSpec,
    l: &Located,
    key_rows: &BTreeMap<&str, Vec<(String, CellRef)>>,
) -> Vec<Row> {
    match &spec.rows {
        RowsSpec::Key { column, .. } => key_rows
            .get(spec.name.as_str())
            .map(|keys| {
                keys.iter()
                    .map(|(key, at)| {
                        let mut row = read_row(rd, l, at.row);
                        let name =
                            Field::new(FieldValue::Text(key.clone()), Some(Place::Cell(*at)));
                        row.cells.insert(column.clone(), name);
                        row
                    })
                    .collect()
            })
            .unwrap_or_default(),
        RowsSpec::Until(until) => data_rows(rd.sheet, labels, l, until)
            .into_iter()
            .map(|r| read_row(rd, l, r))
            .collect(),
    }
}

/// The data rows of an open-ended table: below the header, up to the row labelled with one of
/// `until` (rows blank across the table's columns are skipped); without such a label, up to the first
/// blank row or the sheet's end.
fn data_rows(sheet: &Sheet, labels: &Labels, l: &Located, until: &[String]) -> Vec<u32> {
    let (first, last) = (l.first_col(), l.last_col());
    let band_end = labels.hi.min(sheet.height());
    let end = (!until.is_empty())
        .then(|| {
            (l.data_start..band_end)
                .find(|r| labels.row(*r).iter().any(|c| until.contains(&c.norm.core)))
        })
        .flatten();
    let mut out = Vec::new();
    for r in l.data_start..end.unwrap_or(band_end) {
        if (first..=last).all(|c| sheet.value(CellRef::new(r, c)).is_blank()) {
            if end.is_some() {
                continue;
            }
            break;
        }
        out.push(r);
    }
    out
}

/// X005 for each cell of a table's header row that only half matches an optional column's
/// header (`偏差原因及措施` for `偏差原因分析及改进措施`): that column is not read, and the
/// filer is told so rather than the column's rule passing on nothing.
fn half_headers(sheet: &Sheet, labels: &Labels, l: &Located) -> Vec<Finding> {
    let taken: Vec<u32> = l.cols.iter().flatten().copied().collect();
    let mut out = Vec::new();
    for (c, _) in l
        .spec
        .columns
        .iter()
        .zip(&l.cols)
        .filter(|(_, col)| col.is_none())
    {
        let half = labels
            .row(l.at.row)
            .iter()
            .find(|cell| !taken.contains(&cell.at.col) && half_matches(&cell.norm.core, c));
        if let Some(cell) = half {
            out.push(Finding {
                at: Some(Place::Cell(cell.at)),
                help: Some(format!(
                    "若此列即“{}”，请改用模板的表头，或在版式文件中为该列加 aliases。If this is the column, use the template's header or add an alias to the layout.",
                    c.header
                )),
                ..crate::codes::INCOMPLETE.on_sheet(
                    &sheet.name,
                    format!(
                        "表头“{}”与“{}”只部分相符，未读取该列",
                        cell.norm.core, c.header
                    ),
                )
            });
        }
    }
    out
}
