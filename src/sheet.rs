//! The read stage's output: workbooks as grids of cells that remember where they came from.
//!
//! Readers (xlsx, csv) produce a [`Workbook`]; nothing here knows about rules or forms.

use rust_decimal::Decimal;
use std::fmt;

/// Rows in a worksheet (Excel's limit, `1048576`).
pub(crate) const MAX_ROWS: u32 = 1_048_576;
/// Columns in a worksheet (Excel's limit, `XFD`).
pub(crate) const MAX_COLS: u32 = 16_384;

/// A zero-based cell address; displayed in A1 notation (`I16`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct CellRef {
    /// Zero-based row index (row 1 in Excel is 0).
    pub row: u32,
    /// Zero-based column index (column A is 0).
    pub col: u32,
}

impl CellRef {
    /// Builds a reference from zero-based row and column.
    pub fn new(row: u32, col: u32) -> Self {
        CellRef { row, col }
    }

    /// The column letters (`A`, `Z`, `AA`, …).
    pub fn col_name(col: u32) -> String {
        let mut n = col + 1;
        let mut s = Vec::new();
        while n > 0 {
            let r = (n - 1) % 26;
            s.push(b'A' + r as u8);
            n = (n - 1) / 26;
        }
        s.reverse();
        String::from_utf8(s).expect("ascii")
    }

    /// Whether the cell lies on a worksheet (at most `XFD1048576`).
    pub fn on_sheet(self) -> bool {
        self.row < MAX_ROWS && self.col < MAX_COLS
    }

    /// Parses `I16` as people write it (case-insensitive, optional `$`, spaces around) into a
    /// reference; columns may go past `XFD` (a reader reports such a cell rather than
    /// mistaking it), rows are 1 to 1,048,576.
    pub fn parse(a1: &str) -> Option<CellRef> {
        let s = a1.trim().replace('$', "");
        let split = s.find(|c: char| c.is_ascii_digit())?;
        let (letters, digits) = s.split_at(split);
        let col = CellRef::col_from_letters(letters.as_bytes())?;
        let row: u32 = digits.parse().ok()?;
        if row == 0 {
            return None;
        }
        Some(CellRef { row: row - 1, col })
    }

    /// Parses a reference exactly as a workbook stores it (`B7`: one to three letters, then the
    /// row 1 ..= 1,048,576, nothing else), as calamine accepts it.
    pub fn from_a1(s: &str) -> Option<CellRef> {
        let b = s.as_bytes();
        let split = b.iter().position(u8::is_ascii_digit)?;
        let (letters, digits) = b.split_at(split);
        if letters.len() > 3 {
            return None;
        }
        let col = CellRef::col_from_letters(letters)?;
        let row = CellRef::row_from_digits(digits)?;
        Some(CellRef { row, col })
    }

    /// The zero-based column of column letters (`A` → 0, `aa` → 26), for both A1 parsers;
    /// `None` for no letters, anything but ASCII letters, or a column beyond `u32`.
    fn col_from_letters(letters: &[u8]) -> Option<u32> {
        if letters.is_empty() || !letters.iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let col = letters.iter().try_fold(0u32, |col, c| {
            col.checked_mul(26)?
                .checked_add(u32::from(c.to_ascii_uppercase() - b'A') + 1)
        })?;
        Some(col - 1)
    }

    /// A row number as stored (`7`: digits only, 1 ..= 1,048,576), zero-based.
    pub fn row_from_a1(s: &str) -> Option<u32> {
        CellRef::row_from_digits(s.as_bytes())
    }

    /// [`CellRef::row_from_a1`] on bytes (the reference is ASCII; read per cell).
    fn row_from_digits(s: &[u8]) -> Option<u32> {
        if s.is_empty() || s.len() > 7 {
            return None;
        }
        let mut n = 0u32;
        for &c in s {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + u32::from(c - b'0');
        }
        (1..=MAX_ROWS).contains(&n).then(|| n - 1)
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", CellRef::col_name(self.col), self.row + 1)
    }
}

/// A rectangular block of cells, inclusive on both ends (a merged region).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CellRange {
    /// Top-left cell; a merged region's value lives here.
    pub start: CellRef,
    /// Bottom-right cell.
    pub end: CellRef,
}

impl CellRange {
    /// Whether `c` lies inside the range.
    pub fn contains(&self, c: CellRef) -> bool {
        c.row >= self.start.row
            && c.row <= self.end.row
            && c.col >= self.start.col
            && c.col <= self.end.col
    }
}

impl CellRange {
    /// The part of this range inside `bounds`, or `None` when they do not overlap.
    pub fn clipped_to(&self, bounds: CellRange) -> Option<CellRange> {
        let start = CellRef::new(
            self.start.row.max(bounds.start.row),
            self.start.col.max(bounds.start.col),
        );
        let end = CellRef::new(
            self.end.row.min(bounds.end.row),
            self.end.col.min(bounds.end.col),
        );
        (start.row <= end.row && start.col <= end.col).then_some(CellRange { start, end })
    }
}

impl fmt::Display for CellRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.start, self.end)
    }
}

/// A calendar date read from a cell (an Excel serial with a date format, or an ISO date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    /// Four-digit year.
    pub year: i32,
    /// 1–12.
    pub month: u32,
    /// 1–31.
    pub day: u32,
}

/// What a cell holds, as the filer sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// Nothing typed (or an empty string).
    Empty,
    /// A number, converted exactly from the stored float (shortest round-trip form).
    Number(Decimal),
    /// A number shown with a percent format: `0.96` stored, `96%` seen. Holds the stored fraction.
    Percent(Decimal),
    /// A date (Excel serial with a date format).
    Date(Date),
    /// Text, as stored (not trimmed).
    Text(String),
    /// A boolean cell.
    Bool(bool),
    /// An Excel error value such as `#DIV/0!`.
    Error(String),
}

impl CellValue {
    /// Whether the cell is blank: empty, or text made only of white space.
    pub fn is_blank(&self) -> bool {
        match self {
            CellValue::Empty => true,
            CellValue::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The value as the filer sees it in the sheet (numbers without trailing zeros, percents with `%`).
    pub fn display(&self) -> String {
        match self {
            CellValue::Empty => String::new(),
            CellValue::Number(d) => d.normalize().to_string(),
            CellValue::Percent(d) => match d.checked_mul(Decimal::ONE_HUNDRED) {
                Some(p) => format!("{}%", p.normalize()),
                // Too large to show as a percent: show the stored fraction, as a number.
                None => d.normalize().to_string(),
            },
            CellValue::Date(d) => format!("{}年{}月{}日", d.year, d.month, d.day),
            CellValue::Text(t) => t.clone(),
            CellValue::Bool(b) => {
                if *b {
                    "TRUE".into()
                } else {
                    "FALSE".into()
                }
            }
            CellValue::Error(e) => e.clone(),
        }
    }
}

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The value; inside a merged region every cell carries the region's value.
    pub value: CellValue,
    /// The merged region this cell belongs to, if any.
    pub merged: Option<CellRange>,
    /// Whether the cell holds a formula (its value is then the cached result).
    pub formula: bool,
}

impl Cell {
    /// A blank cell outside any merged region.
    pub fn empty() -> Self {
        Cell {
            value: CellValue::Empty,
            merged: None,
            formula: false,
        }
    }
}

/// A sheet as a dense grid anchored at A1 (absolute coordinates, whatever the used range).
#[derive(Debug, Clone, Default)]
pub struct Sheet {
    /// The sheet's name in the workbook (for CSV: the file stem).
    pub name: String,
    /// Rows of cells; `rows[r][c]` is the cell at `CellRef { row: r, col: c }`. Rows may be ragged.
    pub rows: Vec<Vec<Cell>>,
    /// Merged regions, as the file declares them.
    pub merges: Vec<CellRange>,
    /// Cell comments (notes, 批注) with their text, in the file's order; a reviewer can accept a
    /// finding on the form with one (see `crate::accept`).
    pub comments: Vec<(CellRef, String)>,
    /// Cells the reader could not take as they are stored (an unknown error value, a number too
    /// large, a reference past the last row or column): each is left blank and reported, so the
    /// rest of the sheet is still read.
    pub problems: Vec<CellProblem>,
}

/// A cell the reader left blank because its stored content cannot be read as it is.
#[derive(Debug, Clone, PartialEq)]
pub struct CellProblem {
    /// Where: the cell, or `None` when its reference itself is unusable.
    pub at: Option<CellRef>,
    /// What kind of problem it is (the pipeline picks the finding code from it).
    pub kind: ProblemKind,
    /// What was found, for the filer (Chinese).
    pub message: String,
}

/// Why the reader left a cell (or a sheet) unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The stored content is malformed: an unknown error value, a boolean other than 0/1, a
    /// string index out of range, an unusable reference or one past `XFD1048576`.
    Malformed,
    /// A number outside the range money and scores are computed in.
    OutOfRange,
    /// The whole sheet was not read (it would need more cells than the grid budget).
    SheetNotRead,
}

impl Sheet {
    /// The cell at `at`, or `None` past the grid (a blank cell).
    pub fn cell(&self, at: CellRef) -> Option<&Cell> {
        self.rows.get(at.row as usize)?.get(at.col as usize)
    }

    /// The value at `at` (merged regions give their value to every cell); `Empty` past the grid.
    pub fn value(&self, at: CellRef) -> &CellValue {
        static EMPTY: CellValue = CellValue::Empty;
        self.cell(at).map(|c| &c.value).unwrap_or(&EMPTY)
    }

    /// Number of rows in the grid.
    pub fn height(&self) -> u32 {
        self.rows.len() as u32
    }

    /// Width of the widest row.
    pub fn width(&self) -> u32 {
        self.rows.iter().map(|r| r.len()).max().unwrap_or(0) as u32
    }

    /// Puts `value` at `at`, growing the grid as needed.
    pub fn set(&mut self, at: CellRef, cell: Cell) {
        let (r, c) = (at.row as usize, at.col as usize);
        if self.rows.len() <= r {
            self.rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut self.rows[r];
        if row.len() <= c {
            row.resize_with(c + 1, Cell::empty);
        }
        row[c] = cell;
    }

    /// Copies each merged region's top-left value into all its cells and marks them as merged.
    /// Readers call this once after filling the grid.
    ///
    /// Only the part of a region inside the used range (the rows and columns that hold cells
    /// before spreading) is filled: past it no label or value can be read, and a region such
    /// as `XFD1:XFD20000` would otherwise pad twenty thousand rows out to column XFD.
    pub fn spread_merges(&mut self) {
        let merges = self.merges.clone();
        let used = self.used_range();
        for m in merges {
            let Some(area) = used.and_then(|u| m.clipped_to(u)) else {
                continue;
            };
            let anchor = self.cell(m.start).cloned().unwrap_or_else(Cell::empty);
            for r in area.start.row..=area.end.row {
                for c in area.start.col..=area.end.col {
                    let formula = if CellRef::new(r, c) == m.start {
                        anchor.formula
                    } else {
                        false
                    };
                    self.set(
                        CellRef::new(r, c),
                        Cell {
                            value: anchor.value.clone(),
                            merged: Some(m),
                            formula,
                        },
                    );
                }
            }
        }
    }

    /// `A1` to the last row and the widest row's last column, or `None` for an empty grid.
    pub fn used_range(&self) -> Option<CellRange> {
        let (height, width) = (self.height(), self.width());
        (height > 0 && width > 0).then(|| CellRange {
            start: CellRef::new(0, 0),
            end: CellRef::new(height - 1, width - 1),
        })
    }
}

/// A file's sheets, in workbook order.
#[derive(Debug, Clone, Default)]
pub struct Workbook {
    /// Sheets in the order the file lists them.
    pub sheets: Vec<Sheet>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_references_lenient_and_strict() {
        let c = |row, col| Some(CellRef::new(row, col));
        for (a1, lenient, strict) in [
            ("A1", c(0, 0), c(0, 0)),
            ("b7", c(6, 1), c(6, 1)),
            ("XFD1048576", c(1_048_575, 16_383), c(1_048_575, 16_383)),
            ("A01", c(0, 0), c(0, 0)),
            (" $I$16 ", c(15, 8), None),
            ("AAAA1", c(0, 18_278), None),
            ("A1048577", c(1_048_576, 0), None),
            ("ZZZZZZZZZZ1", None, None),
            ("A0", None, None),
            ("1A", None, None),
            ("A", None, None),
            ("", None, None),
            ("é1", None, None),
            ("A1B", None, None),
        ] {
            assert_eq!(CellRef::parse(a1), lenient, "parse {a1:?}");
            assert_eq!(CellRef::from_a1(a1), strict, "from_a1 {a1:?}");
        }
    }
}
