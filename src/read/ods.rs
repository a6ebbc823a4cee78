//! Reads OpenDocument spreadsheets (`.ods`, LibreOffice and WPS) into a [`Workbook`] anchored
//! at A1, from one walk of `content.xml`.
//!
//! calamine reads `.ods` too, but drops what a form needs: `office:value-type="percentage"`
//! (a `95%` cell would be the number 0.95), merged regions and formula marks, and rebuilds its
//! own positions from repeated rows and columns. Here every cell is taken where the document
//! puts it, typed as the xlsx reader types it: `float`/`currency` → number, `percentage` →
//! [`CellValue::Percent`] (the stored fraction), `date` → date, `boolean` → logical value,
//! `time` → its `H:MM:SS` text, error cells → the error; `table:number-columns-spanned` /
//! `-rows-spanned` → merged regions; `table:formula` → formula marks; `office:annotation` →
//! the cell's comment. The package is read through [`Package`] (bounded, CRC-checked parts).

use super::grid::GridBuilder;
use super::number::{decimal_from_f64, parse_iso_date};
use super::xlsx::cell;
use super::ReadError;
use crate::opc::{attr, Package};
use crate::sheet::{CellRange, CellRef, CellValue, Sheet, Workbook};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// Columns and rows of a sheet (the grid's `on_sheet` bounds): repeats are clamped to them.
const MAX_COLS: u32 = 16_384;
const MAX_ROWS: u32 = 1_048_576;

/// Reads an `.ods` file's bytes into a workbook with every sheet, in document order.
pub(crate) fn read_ods(bytes: &[u8]) -> Result<Workbook, ReadError> {
    let mut pkg = Package::open(bytes).map_err(|e| ReadError::Corrupt(e.to_string()))?;
    let text = pkg
        .read_text("content.xml")
        .map_err(|e| ReadError::Corrupt(e.to_string()))?
        .ok_or_else(|| {
            ReadError::Corrupt("ODS 文件中缺少 content.xml，可能已损坏或不是电子表格".into())
        })?;
    parse_content(&text)
}

/// A cell being read: its type and value attributes, and its text so far.
struct Pending {
    value: Option<CellValue>,
    text: String,
    paragraphs: usize,
    repeat: u32,
    span: (u32, u32),
    formula: bool,
    error: bool,
    covered: bool,
    comment: Option<String>,
}

/// The sheet being read.
struct SheetState {
    grid: GridBuilder,
    merges: Vec<CellRange>,
    comments: Vec<(CellRef, String)>,
    row: u32,
    col: u32,
    row_repeat: u32,
    /// The current row's cells, placed once per repeat when the row ends.
    row_cells: Vec<(u32, Pending)>,
    /// Cells, merges and comments placed so far (repeats count once each).
    placed: u64,
    failed: Option<ReadError>,
}

fn num_attr(e: &BytesStart<'_>, name: &str) -> Option<u32> {
    attr(e, |k| k.rsplit(':').next() == Some(name)).and_then(|v| v.trim().parse().ok())
}

fn str_attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    attr(e, |k| {
        k.rsplit(':').next() == Some(name) && !k.starts_with("xmlns")
    })
}

/// The typed value a cell's attributes give, `None` for a string cell (its text decides).
fn typed_value(e: &BytesStart<'_>) -> (Option<CellValue>, bool) {
    let kind = attr(e, |k| k == "office:value-type").unwrap_or_default();
    let error = attr(e, |k| {
        k.ends_with(":value-type") && k != "office:value-type"
    })
    .is_some_and(|v| v == "error");
    let number = || {
        str_attr(e, "value").map(|v| match v.trim().parse::<f64>().ok() {
            Some(f) => match decimal_from_f64(f) {
                Some(d) => Ok(d),
                None => Err(format!("{f}")),
            },
            None => Err(v),
        })
    };
    let value = match kind.as_str() {
        "float" | "currency" => number().map(|n| match n {
            Ok(d) => CellValue::Number(d),
            Err(t) => CellValue::Text(t),
        }),
        "percentage" => number().map(|n| match n {
            Ok(d) => CellValue::Percent(d),
            Err(t) => CellValue::Text(t),
        }),
        "date" => str_attr(e, "date-value").map(|v| match parse_iso_date(&v) {
            Some(d) => CellValue::Date(d),
            None => CellValue::Text(v),
        }),
        "boolean" => str_attr(e, "boolean-value").map(|v| CellValue::Bool(v.trim() == "true")),
        "time" => str_attr(e, "time-value").map(|v| CellValue::Text(time_text(&v))),
        _ => None,
    };
    (value, error)
}

/// `PT10H30M05S` → `10:30:05` (what the xlsx reader shows for a time of day).
fn time_text(iso: &str) -> String {
    let body = iso.trim().trim_start_matches("PT");
    let mut parts = [0u64; 3];
    let mut num = String::new();
    for c in body.chars() {
        match c {
            '0'..='9' => num.push(c),
            'H' | 'M' | 'S' => {
                let i = match c {
                    'H' => 0,
                    'M' => 1,
                    _ => 2,
                };
                parts[i] = num.parse().unwrap_or(0);
                num.clear();
            }
            // Fractions of a second are dropped, as the xlsx reader does.
            _ => num.clear(),
        }
    }
    format!("{}:{:02}:{:02}", parts[0], parts[1], parts[2])
}

impl SheetState {
    fn new(name: &str) -> Self {
        SheetState {
            grid: GridBuilder::new(name),
            merges: Vec::new(),
            comments: Vec::new(),
            row: 0,
            col: 0,
            row_repeat: 1,
            row_cells: Vec::new(),
            placed: 0,
            failed: None,
        }
    }

    /// Places the finished row once per repeat (rows past the sheet are left out).
    fn end_row(&mut self) {
        let cells = std::mem::take(&mut self.row_cells);
        let repeat = if cells.is_empty() {
            0
        } else {
            self.row_repeat
                .min(MAX_ROWS.saturating_sub(self.row).max(1))
        };
        for r in 0..repeat {
            if self.failed.is_some() {
                break;
            }
            let row = self.row.saturating_add(r);
            for (col, p) in &cells {
                self.place(row, *col, p);
            }
        }
        self.row = self.row.saturating_add(self.row_repeat);
        self.col = 0;
        self.row_repeat = 1;
    }

    /// Places one cell (and its repeats along the row) with its merge, formula and comment.
    fn place(&mut self, row: u32, col: u32, p: &Pending) {
        let value = match (&p.value, p.error) {
            (_, true) if !p.text.is_empty() => CellValue::Error(p.text.clone()),
            (Some(v), _) => v.clone(),
            (None, _) if p.text.is_empty() => CellValue::Empty,
            (None, _) => CellValue::Text(p.text.clone()),
        };
        let repeat = p.repeat.min(MAX_COLS.saturating_sub(col).max(1));
        for c in 0..repeat {
            // Merges and comments are not grid cells: count them against the same budget.
            self.placed += 1;
            if self.placed > super::grid::MAX_GRID_CELLS {
                self.failed.get_or_insert(ReadError::SheetTooLarge(format!(
                    "工作表“{}”的数据范围过大（超过 {} 个单元格），不像是一张自评表",
                    self.grid.name(),
                    super::grid::MAX_GRID_CELLS
                )));
                return;
            }
            let at = CellRef::new(row, col.saturating_add(c));
            if value != CellValue::Empty || p.formula {
                if let Err(e) = self.grid.put(at, cell(value.clone(), p.formula)) {
                    self.failed.get_or_insert(e);
                    return;
                }
            }
            if p.span.0 > 1 || p.span.1 > 1 {
                self.merges.push(CellRange {
                    start: at,
                    end: CellRef::new(
                        row.saturating_add(p.span.0 - 1),
                        at.col.saturating_add(p.span.1 - 1),
                    ),
                });
            }
            if let Some(text) = &p.comment {
                self.comments.push((at, text.clone()));
            }
        }
    }

    fn finish(mut self) -> Result<Sheet, ReadError> {
        let name = self.grid_name();
        if let Some(e) = self.failed.take() {
            return match e {
                ReadError::SheetTooLarge(why) => GridBuilder::not_read(&name, &why),
                other => Err(other),
            };
        }
        let mut sheet = self.grid.finish(self.merges)?;
        sheet.comments = self.comments;
        Ok(sheet)
    }

    fn grid_name(&self) -> String {
        self.grid.name().to_string()
    }
}

/// Walks `content.xml`: every `table:table` of the spreadsheet body is a sheet.
fn parse_content(text: &str) -> Result<Workbook, ReadError> {
    let mut r = Reader::from_reader(text.as_bytes());
    let mut sheets = Vec::new();
    let mut sheet: Option<SheetState> = None;
    let mut pending: Option<Pending> = None;
    // Inside a cell's annotation (its text is the comment, not the cell's).
    let mut in_note: Option<String> = None;
    let mut in_paragraph = false;
    let bad = |e: quick_xml::Error| ReadError::Corrupt(format!("ODS 内容无法解析（{e}）"));
    loop {
        let event = r.read_event().map_err(bad)?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.name().as_ref().to_string();
                let local = name.rsplit(':').next().unwrap_or(&name).to_string();
                match local.as_str() {
                    "table" if name.starts_with("table:") && sheet.is_none() => {
                        let title = str_attr(e, "name")
                            .unwrap_or_else(|| format!("Sheet{}", sheets.len() + 1));
                        sheet = Some(SheetState::new(&title));
                        if empty {
                            sheets.push(sheet.take().map(SheetState::finish));
                        }
                    }
                    // A table inside a cell (rare): its cells are not the sheet's.
                    "table" if name.starts_with("table:") && !empty => {
                        r.read_to_end(e.name()).map_err(bad)?;
                    }
                    "table-row" => {
                        if let Some(s) = &mut sheet {
                            s.row_repeat = num_attr(e, "number-rows-repeated").unwrap_or(1).max(1);
                            s.col = 0;
                            if empty {
                                s.end_row();
                            }
                        }
                    }
                    "table-cell" | "covered-table-cell" if sheet.is_some() => {
                        let (value, error) = typed_value(e);
                        let covered = local == "covered-table-cell";
                        let p = Pending {
                            value: if covered { None } else { value },
                            text: String::new(),
                            paragraphs: 0,
                            repeat: num_attr(e, "number-columns-repeated").unwrap_or(1).max(1),
                            span: (
                                num_attr(e, "number-rows-spanned").unwrap_or(1).max(1),
                                num_attr(e, "number-columns-spanned").unwrap_or(1).max(1),
                            ),
                            formula: !covered && str_attr(e, "formula").is_some(),
                            error,
                            covered,
                            comment: None,
                        };
                        if empty {
                            end_cell(&mut sheet, p);
                        } else {
                            pending = Some(p);
                        }
                    }
                    "annotation" if pending.is_some() && !empty => in_note = Some(String::new()),
                    // An empty paragraph (`<text:p/>`) is an empty line of the cell's text.
                    "p" if pending.is_some() => {
                        in_paragraph = !empty;
                        match &mut in_note {
                            Some(note) if !note.is_empty() => note.push('\n'),
                            Some(_) => {}
                            None => {
                                if let Some(p) = &mut pending {
                                    if p.paragraphs > 0 {
                                        p.text.push('\n');
                                    }
                                    p.paragraphs += 1;
                                }
                            }
                        }
                    }
                    "s" | "tab" | "line-break" if in_paragraph => {
                        let piece = match local.as_str() {
                            "s" => {
                                " ".repeat(num_attr(e, "c").unwrap_or(1).clamp(1, 1024) as usize)
                            }
                            "tab" => "\t".into(),
                            _ => "\n".into(),
                        };
                        push_text(&mut pending, &mut in_note, &piece);
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_paragraph => {
                push_text(&mut pending, &mut in_note, &t.xml10_content());
            }
            Event::CData(t) if in_paragraph => {
                push_text(&mut pending, &mut in_note, &t.xml10_content());
            }
            Event::GeneralRef(g) if in_paragraph => {
                if let Some(c) = super::comments::entity(&g) {
                    push_text(&mut pending, &mut in_note, &c.to_string());
                }
            }
            Event::End(e) => {
                let name = e.name().as_ref().to_string();
                let local = name.rsplit(':').next().unwrap_or(&name).to_string();
                match local.as_str() {
                    "p" => in_paragraph = false,
                    "annotation" => {
                        if let (Some(note), Some(p)) = (in_note.take(), &mut pending) {
                            p.comment = Some(note);
                        }
                    }
                    "table-cell" | "covered-table-cell" => {
                        if let Some(p) = pending.take() {
                            end_cell(&mut sheet, p);
                        }
                    }
                    "table-row" => {
                        if let Some(s) = &mut sheet {
                            s.end_row();
                        }
                    }
                    "table" if name.starts_with("table:") => {
                        if let Some(s) = sheet.take() {
                            sheets.push(Some(s.finish()));
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let sheets = sheets
        .into_iter()
        .flatten()
        .collect::<Result<Vec<_>, _>>()?;
    if sheets.is_empty() {
        return Err(ReadError::Corrupt(
            "ODS 文件中没有工作表，可能不是电子表格或已损坏".into(),
        ));
    }
    Ok(Workbook { sheets })
}

/// Adds text to the open annotation, or else to the open cell.
fn push_text(pending: &mut Option<Pending>, note: &mut Option<String>, piece: &str) {
    match (note, pending) {
        (Some(n), _) => n.push_str(piece),
        (None, Some(p)) => p.text.push_str(piece),
        _ => {}
    }
}

/// A cell closed: kept for the row unless it is empty, then the column moves on.
fn end_cell(sheet: &mut Option<SheetState>, p: Pending) {
    let Some(s) = sheet else { return };
    let col = s.col;
    s.col = s.col.saturating_add(p.repeat);
    let keep = p.formula
        || p.comment.is_some()
        || (!p.covered && (p.span.0 > 1 || p.span.1 > 1))
        || (!p.covered && (p.value.is_some() || !p.text.is_empty()));
    if keep && col < MAX_COLS {
        s.row_cells.push((col, p));
    }
}
