//! Builds a [`Sheet`] grid under a size budget, so a hostile or odd file cannot exhaust memory.
//!
//! The grid is dense from A1: one stray value at `XFD1048576`, or a merged region covering the
//! whole sheet, would otherwise allocate billions of cells. Forms are a few hundred cells; the
//! budget is far above any real form and far below what would hurt a browser tab.

use super::ReadError;
use crate::sheet::{Cell, CellRange, CellRef, Sheet};

/// Most grid slots (cells plus rows) one sheet may allocate (about 110 MB).
pub(crate) const MAX_GRID_CELLS: u64 = 2_000_000;

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

    /// Puts `cell` at `at`, failing if the grid would grow past the budget.
    pub(crate) fn put(&mut self, at: CellRef, cell: Cell) -> Result<(), ReadError> {
        let growth = self.growth(at);
        self.charge(growth)?;
        self.sheet.set(at, cell);
        Ok(())
    }

    /// The cell already placed at `at`, if the grid reaches it.
    pub(crate) fn cell_mut(&mut self, at: CellRef) -> Option<&mut Cell> {
        self.sheet
            .rows
            .get_mut(at.row as usize)?
            .get_mut(at.col as usize)
    }

    /// Adds the merged regions, spreads their values and returns the finished sheet.
    /// Regions given corner-first in either order are normalised to top-left / bottom-right.
    pub(crate) fn finish(mut self, merges: Vec<CellRange>) -> Result<Sheet, ReadError> {
        let merges: Vec<CellRange> = merges.into_iter().map(normalized).collect();
        // Upper bound on what spreading may allocate: every region's area, plus new rows.
        for m in &merges {
            let rows = u64::from(m.end.row - m.start.row) + 1;
            let cols = u64::from(m.end.col - m.start.col) + 1;
            let new_rows = u64::from(m.end.row + 1).saturating_sub(self.sheet.rows.len() as u64);
            self.charge(rows.saturating_mul(cols).saturating_add(new_rows))?;
        }
        self.sheet.merges = merges;
        self.sheet.spread_merges();
        Ok(self.sheet)
    }

    /// Slots `set(at, …)` would add: new rows, and new cells in the target row.
    fn growth(&self, at: CellRef) -> u64 {
        let rows = &self.sheet.rows;
        let new_rows = (u64::from(at.row) + 1).saturating_sub(rows.len() as u64);
        let row_len = rows.get(at.row as usize).map_or(0, Vec::len) as u64;
        let new_cells = (u64::from(at.col) + 1).saturating_sub(row_len);
        new_rows + new_cells
    }

    /// Books `slots` against the budget.
    fn charge(&mut self, slots: u64) -> Result<(), ReadError> {
        self.used = self.used.saturating_add(slots);
        if self.used > MAX_GRID_CELLS {
            return Err(ReadError::Unsupported(format!(
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
        assert!(matches!(err, Err(ReadError::Unsupported(_))));
        // Many rows with one cell each are fine.
        let mut g = GridBuilder::new("长");
        g.put(CellRef::new(100_000, 2), text("x")).unwrap();
    }

    #[test]
    fn huge_merges_are_refused() {
        let g = GridBuilder::new("并");
        let whole = CellRange {
            start: CellRef::new(0, 0),
            end: CellRef::new(1_048_575, 16_383),
        };
        assert!(matches!(
            g.finish(vec![whole]),
            Err(ReadError::Unsupported(_))
        ));
        let g = GridBuilder::new("并");
        let row = CellRange {
            start: CellRef::new(0, 0),
            end: CellRef::new(0, 16_383),
        };
        let sheet = g.finish(vec![row]).unwrap();
        assert_eq!(sheet.width(), 16_384);
        // Corners given bottom-right first.
        let g = GridBuilder::new("反");
        let reversed = CellRange {
            start: CellRef::new(3, 2),
            end: CellRef::new(1, 1),
        };
        let sheet = g.finish(vec![reversed]).unwrap();
        assert_eq!(sheet.merges[0].start, CellRef::new(1, 1));
        assert_eq!(sheet.merges[0].end, CellRef::new(3, 2));
    }
}
