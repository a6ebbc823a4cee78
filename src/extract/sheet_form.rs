//! Finding a layout's labels, fields and tables on a sheet, wherever rows were added or removed.

use super::layout::{ColumnSpec, FieldSpec, Layout, RowsSpec, TableSpec, ValueAt};
use super::normalise::{normalise, Normalised};
use super::typing::{number_in_words, text_in_number, type_cell, type_text};
use super::Extracted;
use crate::finding::Finding;
use crate::form::{Field, FieldValue, Form, Kind, Place, Row, Table};
use crate::sheet::{CellRange, CellRef, CellValue, Sheet};
use crate::value::parse_number;
use std::collections::BTreeMap;

/// A text cell that may be a label: the top-left cell of its merged region, or a lone cell.
struct LabelCell {
    at: CellRef,
    extent: CellRange,
    norm: Normalised,
}

/// The sheet's label cells, row by row.
struct Labels {
    rows: Vec<Vec<LabelCell>>,
}

impl Labels {
    fn new(sheet: &Sheet) -> Self {
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
        Labels { rows }
    }

    /// Label cells of one row.
    fn row(&self, r: u32) -> &[LabelCell] {
        self.rows.get(r as usize).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The first cell labelled `label` at or below `from_row`, top-down, left to right.
    fn find(&self, label: &str, from_row: u32) -> Option<&LabelCell> {
        self.find_by(|l| l == label, from_row)
    }

    /// The first cell whose label passes `is`, at or below `from_row`.
    fn find_by(&self, is: impl Fn(&str) -> bool, from_row: u32) -> Option<&LabelCell> {
        self.rows
            .iter()
            .skip(from_row as usize)
            .flatten()
            .find(|l| is(&l.norm.core))
    }
}

/// A table's header as found on the sheet.
struct Located<'a> {
    spec: &'a TableSpec,
    /// Column index per spec column (`None`: an optional column that is absent).
    cols: Vec<Option<u32>>,
    /// Per spec column, the columns of its `before` and `after` cells when the header row has them.
    joins: Vec<(Option<u32>, Option<u32>)>,
    /// First row below the header.
    data_start: u32,
    /// The first header cell found.
    at: CellRef,
}

impl Located<'_> {
    fn col(&self, name: &str) -> Option<u32> {
        let i = self.spec.columns.iter().position(|c| c.name == name)?;
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
    for (r, row) in labels.rows.iter().enumerate() {
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
            best = (hits, missing);
        }
    }
    Err(best.1)
}

/// The top-left cell of the merged region holding `at` (or `at` itself).
fn anchor(sheet: &Sheet, at: CellRef) -> CellRef {
    sheet
        .cell(at)
        .and_then(|c| c.merged)
        .map_or(at, |m| m.start)
}

/// Collects typed values and the X006 findings they raise.
struct Reader<'a> {
    sheet: &'a Sheet,
    findings: Vec<Finding>,
}

impl Reader<'_> {
    /// Types the cell at `at` as `kind`, placed at its merged region's top-left cell.
    fn cell(&mut self, at: CellRef, kind: Kind, name: &str) -> Field {
        let place = Place::Cell(anchor(self.sheet, at));
        let raw = self.sheet.value(at);
        let value = type_cell(raw, kind);
        let shown_as_number = matches!(
            raw,
            CellValue::Number(_) | CellValue::Percent(_) | CellValue::Date(_)
        );
        if kind == Kind::Words
            && shown_as_number
            && !self.findings.iter().any(|f| f.at.as_ref() == Some(&place))
        {
            self.findings.push(number_in_words(
                &self.sheet.name,
                name,
                &raw.display(),
                place.clone(),
            ));
        }
        self.check(value, place, name)
    }

    fn check(&mut self, value: FieldValue, place: Place, name: &str) -> Field {
        // a merged cell spans rows: report it once
        let reported = self.findings.iter().any(|f| f.at.as_ref() == Some(&place));
        if let (FieldValue::Invalid(t), false) = (&value, reported) {
            self.findings
                .push(text_in_number(&self.sheet.name, name, t, place.clone()));
        }
        Field::new(value, Some(place))
    }
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
/// labels present; the first layout on a tie), returning that layout's index. A sheet where
/// fewer than half of the best layout's form labels occur, and no title, is not a form.
pub(crate) fn extract_best(sheet: &Sheet, layouts: &[&Layout]) -> (usize, Extracted) {
    let labels = Labels::new(sheet);
    let mut best: Option<(Fit, usize, usize)> = None;
    for (i, layout) in layouts.iter().enumerate() {
        let (f, present) = fit(sheet, &labels, layout);
        if best.is_none_or(|(b, _, _)| f > b) {
            best = Some((f, i, present));
        }
    }
    let Some((f, i, present)) = best else {
        return (0, Extracted::NotAForm);
    };
    let layout = layouts[i];
    if !f.titled && present * 2 < layout.form_labels.len() {
        return (i, Extracted::NotAForm);
    }
    match Found::locate(&labels, layout) {
        Ok(found) => (i, read_form(sheet, &labels, layout, found)),
        Err(missing) => (i, Extracted::Incomplete(missing)),
    }
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
                    .rows
                    .iter()
                    .skip(l.data_start as usize)
                    .flatten()
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
    let mut rd = Reader {
        sheet,
        findings: Vec::new(),
    };
    let mut form = Form {
        sheet: sheet.name.clone(),
        ..Form::default()
    };
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

/// Reads one field's value from where the layout says it is relative to its label.
fn read_field(
    rd: &mut Reader,
    f: &FieldSpec,
    label: &LabelCell,
    located: &BTreeMap<String, Located>,
) -> Field {
    match &f.value {
        ValueAt::Right => rd.cell(
            CellRef::new(label.at.row, label.extent.end.col + 1),
            f.kind,
            &f.name,
        ),
        ValueAt::Below => rd.cell(
            CellRef::new(label.extent.end.row + 1, label.at.col),
            f.kind,
            &f.name,
        ),
        ValueAt::Suffix => {
            let value = label
                .norm
                .suffix
                .as_deref()
                .map_or(FieldValue::Blank, |s| type_text(s, f.kind));
            rd.check(value, Place::Cell(label.at), &f.name)
        }
        ValueAt::Column { table, column } => match located.get(table).and_then(|l| l.col(column)) {
            Some(col) => rd.cell(CellRef::new(label.at.row, col), f.kind, &f.name),
            None => Field::new(FieldValue::Blank, None),
        },
    }
}

/// The data rows of an open-ended table: below the header, up to the row labelled with one of
/// `until` (rows blank across the table's columns are skipped); without such a label, up to the first
/// blank row or the sheet's end.
fn data_rows(sheet: &Sheet, labels: &Labels, l: &Located, until: &[String]) -> Vec<u32> {
    let (first, last) = (l.first_col(), l.last_col());
    let end = (!until.is_empty())
        .then(|| {
            (l.data_start..sheet.height())
                .find(|r| labels.row(*r).iter().any(|c| until.contains(&c.norm.core)))
        })
        .flatten();
    let mut out = Vec::new();
    for r in l.data_start..end.unwrap_or(sheet.height()) {
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

/// Reads one table row: every located column, plus derived weight columns.
fn read_row(rd: &mut Reader, l: &Located, r: u32) -> Row {
    let mut row = Row {
        cells: BTreeMap::new(),
        line: Some(r),
    };
    for ((c, col), join) in l.spec.columns.iter().zip(&l.cols).zip(&l.joins) {
        let Some(col) = col else {
            row.cells
                .insert(c.name.clone(), Field::new(FieldValue::Blank, None));
            if let Some(w) = &c.weight {
                row.cells
                    .insert(w.clone(), Field::new(FieldValue::Blank, None));
            }
            continue;
        };
        let mut field = rd.cell(CellRef::new(r, *col), c.kind, &c.name);
        if let CellValue::Text(raw) = rd.sheet.value(CellRef::new(r, *col)) {
            field.value = c.dashed(raw, field.value);
        }
        if let FieldValue::Text(t) = &mut field.value {
            let shown = |c: Option<u32>| {
                c.map(|c| rd.sheet.value(CellRef::new(r, c)).display())
                    .unwrap_or_default()
            };
            *t = format!("{}{t}{}", shown(join.0).trim(), shown(join.1).trim());
        }
        insert_with_weight(&mut row, c, field);
    }
    row
}

/// Inserts a column's field; a weight column splits `产出指标（50分）` into text and weight.
pub(crate) fn insert_with_weight(row: &mut Row, c: &ColumnSpec, field: Field) {
    let Some(wname) = &c.weight else {
        row.cells.insert(c.name.clone(), field);
        return;
    };
    let (value, weight) = split_weight(field.value);
    row.cells
        .insert(c.name.clone(), Field::new(value, field.at.clone()));
    row.cells
        .insert(wname.clone(), Field::new(weight, field.at));
}

/// `产出指标（50分）` → (`产出指标`, 50); text without a numeric `(N分)` suffix is kept whole.
fn split_weight(v: FieldValue) -> (FieldValue, FieldValue) {
    if let FieldValue::Text(t) = &v {
        let n = normalise(t);
        if let Some(w) = n.suffix.as_deref().and_then(|s| {
            let s = s.strip_suffix('分').unwrap_or(s);
            parse_number(s)
        }) {
            return (FieldValue::Text(n.core), FieldValue::Number(w));
        }
    }
    (v, FieldValue::Blank)
}
