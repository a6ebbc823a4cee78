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
/// from it to the next, and the rows above it back to the form before, each hold at least half
/// of the layout's form labels (a stray `项目名称` in a note, or a second one in a form's own
/// identity block, stays in its form). The title rows right above a form's first label (up to
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
    // how many of the form labels rows `lo..hi` hold: a band with at least half is a form
    let holds_a_form = |lo: u32, hi: u32| {
        let present = layout
            .form_labels
            .iter()
            .filter(|l| (lo..hi).any(|r| labels.row(r).iter().any(|c| c.norm.core == **l)))
            .count();
        present * 2 >= layout.form_labels.len()
    };
    let mut kept: Vec<CellRef> = vec![starts[0]];
    for (k, start) in starts.iter().enumerate().skip(1) {
        let next = starts.get(k + 1).map_or(height, |s| s.row);
        let prev = kept.last().map_or(0, |p| p.row);
        // a second 项目名称 starts a form only when both the rows above it (back to the form
        // before) and the rows below it (to the next one) hold a form
        if holds_a_form(prev, start.row) && holds_a_form(start.row, next) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::parse_layout;
    use crate::sheet::Cell;

    fn layout() -> Layout {
        parse_layout(
            "layout.yaml",
            include_str!("../../rules/shenzhen-2020/layout.yaml"),
        )
        .expect("the shipped layout")
    }

    /// A sheet with the given texts at (row, col), 0-based.
    fn sheet(texts: &[(u32, u32, &str)]) -> Sheet {
        let mut s = Sheet {
            name: "表".into(),
            ..Sheet::default()
        };
        for (r, c, t) in texts {
            s.set(
                CellRef::new(*r, *c),
                Cell {
                    value: CellValue::Text((*t).into()),
                    merged: None,
                    formula: false,
                },
            );
        }
        s
    }

    /// The form labels of the shenzhen layout, from `row` down.
    fn form_at(row: u32) -> Vec<(u32, u32, &'static str)> {
        vec![
            (row, 0, "项目名称"),
            (row, 1, "某项目"),
            (row + 2, 0, "年度绩效指标"),
            (row + 2, 1, "一级指标"),
            (row + 2, 2, "三级指标"),
        ]
    }

    fn starts(s: &Sheet) -> Vec<(u32, u32, u32)> {
        let labels = Labels::new(s);
        bands(s, &labels, &layout())
            .into_iter()
            .map(|(lo, hi, at)| (lo, hi, at.row))
            .collect()
    }

    #[test]
    fn one_form_is_one_band_of_the_whole_sheet() {
        assert_eq!(starts(&sheet(&form_at(0))), vec![(0, 3, 0)]);
    }

    #[test]
    fn stacked_forms_take_their_title_rows_and_stop_at_a_blank_row() {
        let mut cells = form_at(0);
        cells.push((5, 0, "2020年度项目支出绩效自评表（二）"));
        cells.extend(form_at(6));
        cells.extend(form_at(12)); // after a blank row (11), no title
        assert_eq!(
            starts(&sheet(&cells)),
            vec![(0, 5, 0), (5, 12, 6), (12, 15, 12)]
        );
    }

    #[test]
    fn a_stray_or_doubled_project_label_does_not_start_a_form() {
        // 项目名称 twice in one identity block, and once more in a note under the table
        let mut cells = form_at(0);
        cells.push((1, 0, "项目名称"));
        cells.push((6, 0, "项目名称"));
        assert_eq!(starts(&sheet(&cells)), vec![(0, 7, 0)]);
    }

    #[test]
    fn a_label_row_above_a_form_is_not_taken_as_its_title() {
        // the row above the second form's 项目名称 holds 总分, the first form's last row
        let mut cells = form_at(0);
        cells.push((4, 0, "总分"));
        cells.extend(form_at(5));
        assert_eq!(starts(&sheet(&cells)), vec![(0, 5, 0), (5, 8, 5)]);
    }
}
