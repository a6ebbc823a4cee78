//! Several forms stacked on one sheet (how a department compiles a year's project forms for
//! publication: one under another, a blank row or a title between): the sheet is cut into one
//! band of rows per form, each beginning at its identity block.

use super::layout::Layout;
use super::sheet_form::Labels;
use crate::sheet::{CellRef, CellValue, Sheet};

/// Rows above a form's first label that may still be its own (a title, a year, a unit line).
const TITLE_ROWS: u32 = 3;

/// The bands of rows, `(first, after last)`, each holding one form, with the cell of the label
/// it begins at; one band for the whole sheet unless it holds several forms. A form begins at
/// its first form label (`项目名称`); a second such label starts a new form only when the rows
/// from it to the next hold at least half of the layout's form labels (a stray `项目名称` in a
/// note stays in the form above). The title rows right above a form's first label (up to
/// three non-blank rows of one to three text cells, none a label of the layout) go with it.
pub(super) fn bands(sheet: &Sheet, labels: &Labels, layout: &Layout) -> Vec<(u32, u32, CellRef)> {
    let height = sheet.height();
    let Some(first) = layout.form_labels.first() else {
        return vec![(0, height, CellRef::new(0, 0))];
    };
    let starts: Vec<CellRef> = (0..height)
        .filter_map(|r| {
            labels
                .row(r)
                .iter()
                .find(|c| c.norm.core == *first)
                .map(|c| c.at)
        })
        .collect();
    if starts.len() < 2 {
        let at = starts.first().copied().unwrap_or(CellRef::new(0, 0));
        return vec![(0, height, at)];
    }
    let ends = starts.iter().skip(1).map(|s| s.row).chain([height]);
    let mut kept: Vec<CellRef> = Vec::new();
    for (start, end) in starts.iter().zip(ends) {
        let present = layout
            .form_labels
            .iter()
            .filter(|l| (start.row..end).any(|r| labels.row(r).iter().any(|c| c.norm.core == **l)))
            .count();
        if kept.is_empty() || present * 2 >= layout.form_labels.len() {
            kept.push(*start);
        }
    }
    let mut out: Vec<(u32, u32, CellRef)> = Vec::new();
    for (i, start) in kept.iter().enumerate() {
        let lo = if i == 0 {
            0
        } else {
            let floor = kept[i - 1].row + 1;
            let mut lo = start.row;
            while lo > floor
                && start.row - lo < TITLE_ROWS
                && title_like(sheet, labels, layout, lo - 1)
            {
                lo -= 1;
            }
            lo
        };
        if let Some(last) = out.last_mut() {
            last.1 = lo;
        }
        out.push((lo, height, *start));
    }
    out
}

/// Whether row `r` reads as a title line: one to three text cells (a merged region counted
/// once), none of them a label or header of the layout.
fn title_like(sheet: &Sheet, labels: &Labels, layout: &Layout, r: u32) -> bool {
    let Some(row) = sheet.rows.get(r as usize) else {
        return false;
    };
    let mut texts = 0;
    for (c, cell) in row.iter().enumerate() {
        let at = CellRef::new(r, c as u32);
        if cell.merged.is_some_and(|m| m.start != at) {
            continue;
        }
        match &cell.value {
            CellValue::Empty => {}
            CellValue::Text(t) if t.trim().is_empty() => {}
            CellValue::Text(_) => texts += 1,
            _ => return false,
        }
    }
    (1..=3).contains(&texts) && labels.row(r).iter().all(|c| !layout.is_label(&c.norm.core))
}
