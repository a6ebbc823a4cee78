//! A few rows of a sheet rendered as aligned text, so a finding can show the table around its cell.
//!
//! The snippet holds the column letters, the table's header row (found above the cell), the
//! offending row and the rows of related cells. Widths are measured in terminal columns with
//! `unicode-width` (the crate miette measures with), so CJK text lines up and miette's underlines
//! land under the right cell.

use crate::sheet::{CellRef, CellValue, Sheet};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Widest a cell is shown before it is truncated with `…`; narrowed when the table does not fit.
const MAX_CELL: usize = 16;
/// Narrowest a cell is made before whole columns are left out.
const COMFORT_CELL: usize = 10;
/// Narrowest a cell is ever made (when only the marked columns are left).
const MIN_CELL: usize = 4;
/// How far above the cell the header row is looked for.
const HEADER_SEARCH: u32 = 30;
/// Longest text a header cell may hold (in terminal columns).
const HEADER_CELL: usize = 24;
/// At most this many rows of related cells are shown besides the offending row.
const MAX_RELATED_ROWS: usize = 3;
/// Separator between cells, matching miette's gutter bar.
const SEP: &str = " │ ";
/// Gutter label of the line that stands for skipped rows.
pub(crate) const GAP: &str = "⋮";

/// A span of the snippet text to underline, with its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mark {
    /// What the label says (`H16 此处`, `G16 分值`).
    pub label: String,
    /// Byte offset into [`Snippet::text`].
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
}

/// The rendered rows and where the marked cells are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snippet {
    /// The lines, joined with `\n`: column letters first, then sheet rows top to bottom.
    pub text: String,
    /// One gutter label per line: the Excel row number, empty for the letters, [`GAP`] for skipped rows.
    pub gutter: Vec<String>,
    /// The offending cell.
    pub primary: Mark,
    /// Related cells that are on the shown rows and columns.
    pub secondary: Vec<Mark>,
}

/// A cell to mark besides the offending one.
#[derive(Debug, Clone)]
pub(crate) struct Extra {
    /// Where it is.
    pub at: CellRef,
    /// Its label.
    pub label: String,
}

/// Builds the snippet for `at` on `sheet`, at most `budget` terminal columns wide where possible.
pub(crate) fn build(
    sheet: &Sheet,
    at: CellRef,
    primary_label: &str,
    extras: &[Extra],
    budget: usize,
) -> Snippet {
    let rows = pick_rows(sheet, at, extras);
    let extras: Vec<&Extra> = extras
        .iter()
        .filter(|e| e.at != at && rows.contains(&e.at.row))
        .collect();
    let marked = |r: u32, c: u32| {
        CellRef::new(r, c) == at || extras.iter().any(|e| e.at == CellRef::new(r, c))
    };

    let last_col = rows
        .iter()
        .map(|&r| sheet.rows.get(r as usize).map_or(0, |row| row.len() as u32))
        .chain(std::iter::once(at.col + 1))
        .chain(extras.iter().map(|e| e.at.col + 1))
        .max()
        .unwrap_or(0);
    let grid: Vec<Vec<String>> = rows
        .iter()
        .map(|&r| {
            (0..last_col)
                .map(|c| shown_text(sheet, r, c, marked(r, c)))
                .collect()
        })
        .collect();
    let essential = |c: u32| c == at.col || extras.iter().any(|e| e.at.col == c);
    let mut cols: Vec<u32> = (0..last_col)
        .filter(|&c| essential(c) || grid.iter().any(|line| !line[c as usize].is_empty()))
        .collect();
    let widths = fit_columns(&grid, &mut cols, at.col, &essential, budget);

    // Lay out the lines, remembering where each marked cell's text sits.
    let mut text = String::new();
    let mut gutter = Vec::new();
    let mut primary = None;
    let mut secondary = Vec::new();
    let ruler: Vec<String> = cols.iter().map(|&c| CellRef::col_name(c)).collect();
    push_line(&mut text, &ruler, &widths, |_, _, _| {});
    gutter.push(String::new());
    for (i, &r) in rows.iter().enumerate() {
        if i > 0 && r > rows[i - 1] + 1 {
            text.push('\n');
            gutter.push(GAP.to_string());
        }
        text.push('\n');
        gutter.push((r + 1).to_string());
        let cells: Vec<String> = cols.iter().map(|&c| grid[i][c as usize].clone()).collect();
        push_line(&mut text, &cells, &widths, |k, offset, len| {
            let here = CellRef::new(r, cols[k]);
            if here == at {
                primary = Some(Mark {
                    label: primary_label.to_string(),
                    offset,
                    len,
                });
            } else if let Some(e) = extras.iter().find(|e| e.at == here) {
                secondary.push(Mark {
                    label: e.label.clone(),
                    offset,
                    len,
                });
            }
        });
    }
    let primary = primary.unwrap_or(Mark {
        label: primary_label.to_string(),
        offset: 0,
        len: 0,
    });
    Snippet {
        text,
        gutter,
        primary,
        secondary,
    }
}

/// Appends one line of cells, each truncated and padded to its width; `mark(k, offset, len)` gets
/// the byte span of the k-th cell's text (its whole width when blank).
fn push_line(
    text: &mut String,
    cells: &[String],
    widths: &[usize],
    mut mark: impl FnMut(usize, usize, usize),
) {
    for (k, (cell, &w)) in cells.iter().zip(widths).enumerate() {
        if k > 0 {
            text.push_str(SEP);
        }
        let shown = truncate(cell, w);
        let start = text.len();
        text.push_str(&shown);
        let pad = w.saturating_sub(shown.width());
        text.push_str(&" ".repeat(pad));
        if shown.is_empty() {
            mark(k, start, pad.max(1).min(text.len() - start));
        } else {
            mark(k, start, shown.len());
        }
    }
}

/// The sheet rows to show: the header row (or the row above), the offending row, related rows.
fn pick_rows(sheet: &Sheet, at: CellRef, extras: &[Extra]) -> Vec<u32> {
    let mut related: Vec<u32> = extras
        .iter()
        .map(|e| e.at.row)
        .filter(|&r| r != at.row)
        .collect();
    related.sort_by_key(|&r| (r.abs_diff(at.row), r));
    related.dedup();
    related.truncate(MAX_RELATED_ROWS);
    let mut rows = vec![at.row];
    rows.extend(related);
    match find_header(sheet, at) {
        Some(h) => rows.push(h),
        None if at.row > 0 && !row_is_blank(sheet, at.row - 1) => rows.push(at.row - 1),
        None => {}
    }
    rows.sort_unstable();
    rows.dedup();
    rows
}

/// The nearest row above `at` that reads like a table header: two or more short text labels,
/// nothing else (no numbers), and a label above `at`'s column.
fn find_header(sheet: &Sheet, at: CellRef) -> Option<u32> {
    let lowest = at.row.saturating_sub(HEADER_SEARCH);
    (lowest..at.row)
        .rev()
        .find(|&r| is_header(sheet, r, at.col))
}

fn is_header(sheet: &Sheet, r: u32, focus_col: u32) -> bool {
    let Some(row) = sheet.rows.get(r as usize) else {
        return false;
    };
    let mut labels = 0;
    for (c, cell) in row.iter().enumerate() {
        if continues_left(sheet, r, c as u32) {
            continue;
        }
        match &cell.value {
            CellValue::Empty => {}
            CellValue::Text(t) if t.trim().is_empty() => {}
            CellValue::Text(t) if t.trim().width() <= HEADER_CELL => labels += 1,
            _ => return false,
        }
    }
    labels >= 2 && !sheet.value(CellRef::new(r, focus_col)).is_blank()
}

fn row_is_blank(sheet: &Sheet, r: u32) -> bool {
    sheet
        .rows
        .get(r as usize)
        .is_none_or(|row| row.iter().all(|c| c.value.is_blank()))
}

/// Whether the cell is a merged region's continuation to the right of its first column.
fn continues_left(sheet: &Sheet, r: u32, c: u32) -> bool {
    sheet
        .cell(CellRef::new(r, c))
        .and_then(|cell| cell.merged)
        .is_some_and(|m| m.start.col < c)
}

/// A cell's text on one line; empty for the right-hand part of a horizontal merge (so a wide
/// merged value is shown once), unless the cell is marked.
fn shown_text(sheet: &Sheet, r: u32, c: u32, marked: bool) -> String {
    if !marked && continues_left(sheet, r, c) {
        return String::new();
    }
    let shown = super::escape_controls(&sheet.value(CellRef::new(r, c)).display()).into_owned();
    shown
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|ch| !ch.is_control())
        .collect()
}

/// Chooses column widths that fit `budget`: cells are narrowed down to a comfortable width, then
/// the columns farthest from the offending one are left out (never an essential one), and only
/// then are cells narrowed further.
fn fit_columns(
    grid: &[Vec<String>],
    cols: &mut Vec<u32>,
    focus: u32,
    essential: &dyn Fn(u32) -> bool,
    budget: usize,
) -> Vec<usize> {
    let natural = |c: u32| -> usize {
        grid.iter()
            .map(|line| line[c as usize].width())
            .max()
            .unwrap_or(0)
    };
    let widths_at = |cols: &[u32], cap: usize| -> Vec<usize> {
        cols.iter()
            .map(|&c| natural(c).min(cap).max(CellRef::col_name(c).len()))
            .collect()
    };
    let total = |w: &[usize]| w.iter().sum::<usize>() + SEP.width() * w.len().saturating_sub(1);
    let first_fit = |cols: &[u32], caps: &mut dyn Iterator<Item = usize>| {
        caps.map(|cap| widths_at(cols, cap))
            .find(|w| total(w) <= budget)
    };
    loop {
        if let Some(w) = first_fit(cols, &mut (COMFORT_CELL..=MAX_CELL).rev()) {
            return w;
        }
        let drop = cols
            .iter()
            .enumerate()
            .filter(|(_, &c)| !essential(c))
            .max_by_key(|(_, &c)| (c.abs_diff(focus), c))
            .map(|(i, _)| i);
        match drop {
            Some(i) => {
                cols.remove(i);
            }
            None => break,
        }
    }
    first_fit(cols, &mut (MIN_CELL..COMFORT_CELL).rev())
        .unwrap_or_else(|| widths_at(cols, MIN_CELL))
}

/// `s` cut to `width` terminal columns, ending in `…` when cut.
fn truncate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for ch in s.chars() {
        let w = ch.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(ch);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_by_display_width() {
        assert_eq!(truncate("会议召开时间", 12), "会议召开时间");
        assert_eq!(truncate("组织召开当前形势分析", 12), "组织召开当…");
        assert_eq!(truncate("组织召开当前形势分析", 12).width(), 11);
        assert_eq!(truncate("abcdefghijklmnop", 6), "abcde…");
    }
}
