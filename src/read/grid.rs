//! Builds a [`Sheet`] grid under a size budget, so a hostile or odd file cannot exhaust memory.
//!
//! The grid is dense from A1: one stray value at `XFD1048576`, or a merged region covering the
//! whole sheet, would otherwise allocate billions of cells. Forms are a few hundred cells; the
//! budget is far above any real form and far below what would hurt a browser tab.

use super::ReadError;
use crate::sheet::{Cell, CellProblem, CellRange, CellRef, ProblemKind, Sheet};

/// Most cells one sheet may allocate (about 60 MB), counted as what is really allocated: rows
/// are dense from column A, so a far cell costs its whole row. Rows themselves are not counted:
/// a sheet has at most 1,048,576 of them (25 MB of empty rows).
pub(crate) const MAX_GRID_CELLS: u64 = 1_000_000;

/// A sheet under construction, counting every slot it allocates.
pub(crate) struct GridBuilder {
    sheet: Sheet,
    used: u64,
}

impl GridBuilder {
    /// An empty sheet named `name`.
    pub(crate) fn new(name: &str) -> Self {
        GridBuilder {
            sheet: Sheet {
                name: name.to_string(),
                ..Sheet::default()
            },
            used: 0,
        }
    }

    /// The sheet's name.
    pub(crate) fn name(&self) -> &str {
        &self.sheet.name
    }

    /// Puts `cell` at `at`, failing if the grid would grow past the budget. A cell past the
    /// last row or column of a worksheet is not placed but reported at the sheet.
    pub(crate) fn put(&mut self, at: CellRef, cell: Cell) -> Result<(), ReadError> {
        if !at.on_sheet() {
            self.off_sheet(&at.to_string());
            return Ok(());
        }
        let growth = self.growth(at);
        self.charge(growth)?;
        self.sheet.set(at, cell);
        Ok(())
    }

    /// Reports a cell (or merged region) whose reference lies past `XFD1048576`.
    pub(crate) fn off_sheet(&mut self, reference: &str) {
        self.problem(
            None,
            format!("单元格位置 {reference} 超出工作表范围（最大为 XFD1048576），已忽略该单元格"),
        );
    }

    /// Records a malformed cell (or reference) the reader left out.
    pub(crate) fn problem(&mut self, at: Option<CellRef>, message: String) {
        self.problem_with(ProblemKind::Malformed, at, message);
    }

    /// Records a problem of a given kind (e.g. a number out of range).
    pub(crate) fn problem_with(&mut self, kind: ProblemKind, at: Option<CellRef>, message: String) {
        // One hostile sheet could hold a million bad cells: keep the first ones, count the rest.
        const MAX_PROBLEMS: usize = 100;
        let problems = &mut self.sheet.problems;
        if problems.len() < MAX_PROBLEMS {
            problems.push(CellProblem { at, kind, message });
        } else if problems.len() == MAX_PROBLEMS {
            problems.push(CellProblem {
                at: None,
                kind,
                message: format!("本表还有更多无法识别的单元格，只列出前 {MAX_PROBLEMS} 个"),
            });
        }
    }

    /// The cell already placed at `at`, if the grid reaches it.
    pub(crate) fn cell_mut(&mut self, at: CellRef) -> Option<&mut Cell> {
        self.sheet
            .rows
            .get_mut(at.row as usize)?
            .get_mut(at.col as usize)
    }

    /// The sheet `name` left unread because it is over a limit (`why`): empty, with the
    /// problem that says so, so the workbook's other sheets are still checked.
    pub(crate) fn not_read(name: &str, why: &str) -> Result<Sheet, ReadError> {
        let mut grid = GridBuilder::new(name);
        grid.problem_with(
            ProblemKind::SheetNotRead,
            None,
            format!("{why}，未读取本表"),
        );
        grid.finish(Vec::new())
    }

    /// Adds the merged regions, spreads their values and returns the finished sheet.
    /// Regions given corner-first in either order are normalised to top-left / bottom-right;
    /// a region reaching past the sheet's last row or column is reported and dropped.
    pub(crate) fn finish(mut self, merges: Vec<CellRange>) -> Result<Sheet, ReadError> {
        let mut kept = Vec::with_capacity(merges.len());
        for m in merges.into_iter().map(normalized) {
            if m.end.on_sheet() {
                kept.push(m);
            } else {
                self.off_sheet(&m.to_string());
            }
        }
        // What spreading really allocates: every region's cells are written, and rows are
        // dense from column A, so each row of a region is padded out to its last column.
        // Spreading fills only the used range (see `Sheet::spread_merges`): charge that part.
        let used = self.sheet.used_range();
        let mut widths: Vec<u32> = self.sheet.rows.iter().map(|r| r.len() as u32).collect();
        for m in kept
            .iter()
            .filter_map(|m| used.and_then(|u| m.clipped_to(u)))
        {
            let m = &m;
            let rows = u64::from(m.end.row - m.start.row) + 1;
            let cols = u64::from(m.end.col - m.start.col) + 1;
            // The area first: it bounds the row loop below.
            self.charge(rows.saturating_mul(cols))?;
            let needed_rows = m.end.row as usize + 1;
            if widths.len() < needed_rows {
                widths.resize(needed_rows, 0);
            }
            let width = m.end.col + 1;
            for w in &mut widths[m.start.row as usize..needed_rows] {
                if *w < width {
                    self.charge(u64::from(width - *w))?;
                    *w = width;
                }
            }
        }
        self.sheet.merges = kept;
        self.sheet.spread_merges();
        Ok(self.sheet)
    }

    /// Cells `set(at, …)` would add to the target row.
    fn growth(&self, at: CellRef) -> u64 {
        let rows = &self.sheet.rows;
        let row_len = rows.get(at.row as usize).map_or(0, Vec::len) as u64;
        (u64::from(at.col) + 1).saturating_sub(row_len)
    }

    /// Books `slots` against the budget.
    fn charge(&mut self, slots: u64) -> Result<(), ReadError> {
        self.used = self.used.saturating_add(slots);
        if self.used > MAX_GRID_CELLS {
            return Err(ReadError::SheetTooLarge(format!(
                "工作表“{}”的数据范围过大（超过 {MAX_GRID_CELLS} 个单元格），不像是一张自评表",
                self.sheet.name
            )));
        }
        Ok(())
    }
}

/// The same region with `start` top-left and `end` bottom-right.
fn normalized(m: CellRange) -> CellRange {
    CellRange {
        start: CellRef::new(m.start.row.min(m.end.row), m.start.col.min(m.end.col)),
        end: CellRef::new(m.start.row.max(m.end.row), m.start.col.max(m.end.col)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::CellValue;

    fn text(s: &str) -> Cell {
        Cell {
            value: CellValue::Text(s.into()),
            merged: None,
            formula: false,
        }
    }

    #[test]
    fn far_away_cells_are_refused_not_allocated() {
        // Rows are ragged, so one far cell is affordable; a column of them is not.
        let mut g = GridBuilder::new("远");
        g.put(CellRef::new(1_048_575, 16_383), text("a")).unwrap();
        let err = (0..200).try_for_each(|r| g.put(CellRef::new(r, 16_383), text("b")));
        assert!(matches!(err, Err(ReadError::SheetTooLarge(_))));
        // Many rows with one cell each are fine.
        let mut g = GridBuilder::new("长");
        g.put(CellRef::new(100_000, 2), text("x")).unwrap();
    }

    fn range(a: &str) -> CellRange {
        let (s, e) = a.split_once(':').unwrap();
        CellRange {
            start: CellRef::parse(s).unwrap(),
            end: CellRef::parse(e).unwrap(),
        }
    }

    /// A form-sized grid: values in A1..H30.
    fn form_grid(name: &str) -> GridBuilder {
        let mut g = GridBuilder::new(name);
        for r in 0..30 {
            g.put(CellRef::new(r, 7), text("x")).unwrap();
        }
        g
    }

    #[test]
    fn merges_spread_only_inside_the_used_range() {
        // A tall merge at the last column: nothing to spread, nothing allocated, kept as declared.
        let sheet = form_grid("高")
            .finish(vec![range("XFD1:XFD20000")])
            .unwrap();
        assert_eq!((sheet.height(), sheet.width()), (30, 8));
        assert_eq!(sheet.merges, vec![range("XFD1:XFD20000")]);
        // A title merged across the whole row fills the used columns only.
        let sheet = form_grid("宽").finish(vec![range("A1:XFD1")]).unwrap();
        assert_eq!(sheet.width(), 8);
        assert_eq!(
            sheet.cell(CellRef::new(0, 5)).unwrap().merged,
            Some(range("A1:XFD1"))
        );
        // A merge over a really used area is charged for what it allocates.
        let mut g = GridBuilder::new("满");
        g.put(CellRef::new(1_048_575, 16_383), text("a")).unwrap();
        g.put(CellRef::new(0, 0), text("b")).unwrap();
        assert!(matches!(
            g.finish(vec![range("A1:XFD1048576")]),
            Err(ReadError::SheetTooLarge(_))
        ));
        // Corners given bottom-right first.
        let reversed = CellRange {
            start: CellRef::new(3, 2),
            end: CellRef::new(1, 1),
        };
        let sheet = form_grid("反").finish(vec![reversed]).unwrap();
        assert_eq!(sheet.merges[0], range("B2:C4"));
    }

    #[test]
    fn references_past_the_sheet_are_reported_not_placed() {
        let mut g = form_grid("外");
        g.put(CellRef::new(0, 16_384), text("XFE1")).unwrap();
        g.put(CellRef::new(1_048_576, 0), text("A1048577")).unwrap();
        let sheet = g.finish(vec![range("XFE1:XFE20000")]).unwrap();
        assert_eq!(sheet.width(), 8);
        assert!(sheet.merges.is_empty());
        let found: Vec<&str> = sheet.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found[0].contains("XFE1") && found[1].contains("A1048577"),
            "{found:?}"
        );
        assert!(found[2].contains("XFE1:XFE20000"), "{found:?}");
        assert!(sheet
            .problems
            .iter()
            .all(|p| p.kind == ProblemKind::Malformed));
    }
}
