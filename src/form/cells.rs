//! A table row's cells by column name: a small map kept as a vector sorted by name.
//!
//! Rows hold ten or so cells and are read far more often than built, so a sorted vector beats
//! a B-tree: iteration is in name order exactly as the `BTreeMap` it replaced (reports stay
//! byte-identical), a lookup is a binary search, and a cell can also be found by position, so
//! the evaluator can remember where a column sat on the last row and try there first. Names
//! are shared (`Arc<str>`): every row of a table holds the layout's own name, not a copy.

use super::Field;
use std::fmt;
use std::sync::Arc;

/// The cells of one row, by column name, in name order.
#[derive(Clone, PartialEq, Default)]
pub struct Cells {
    entries: Vec<(Arc<str>, Field)>,
}

impl Cells {
    /// No cells.
    pub fn new() -> Self {
        Cells::default()
    }

    /// Sets the cell of column `name`, returning the one it replaces.
    pub fn insert(&mut self, name: impl Into<Arc<str>>, field: Field) -> Option<Field> {
        let name = name.into();
        match self.entries.binary_search_by(|(k, _)| (**k).cmp(&*name)) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, field)),
            Err(at) => {
                self.entries.insert(at, (name, field));
                None
            }
        }
    }

    /// No cells yet, with room for `n` (a table row: its layout's columns).
    pub fn with_capacity(n: usize) -> Self {
        Cells {
            entries: Vec::with_capacity(n),
        }
    }

    /// Where column `name` sits in name order, if the row has it.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.entries.binary_search_by(|(k, _)| (**k).cmp(name)).ok()
    }

    /// The column name and cell at position `i` in name order.
    pub fn at(&self, i: usize) -> Option<(&str, &Field)> {
        self.entries.get(i).map(|(k, f)| (&**k, f))
    }

    /// The cell of column `name`.
    pub fn get(&self, name: &str) -> Option<&Field> {
        self.position(name).map(|i| &self.entries[i].1)
    }

    /// The cell of column `name`, to change it.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Field> {
        self.position(name).map(|i| &mut self.entries[i].1)
    }

    /// The row's own spelling of column `name` with its cell (the name borrowed from the row).
    pub fn get_key_value(&self, name: &str) -> Option<(&str, &Field)> {
        self.position(name).and_then(|i| self.at(i))
    }

    /// Whether the row has column `name`.
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// How many cells the row has.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the row has no cells.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Column names and cells, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Field)> {
        self.entries.iter().map(|(k, f)| (&**k, f))
    }

    /// Column names, in name order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| &**k)
    }

    /// Cells, in name order.
    pub fn values(&self) -> impl Iterator<Item = &Field> {
        self.entries.iter().map(|(_, f)| f)
    }

    /// Cells, in name order, to change them.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Field> {
        self.entries.iter_mut().map(|(_, f)| f)
    }
}

impl std::ops::Index<&str> for Cells {
    type Output = Field;

    /// The cell of column `name`; panics when the row lacks it (tests and known columns).
    fn index(&self, name: &str) -> &Field {
        self.get(name)
            .unwrap_or_else(|| panic!("row has no column {name}"))
    }
}

impl fmt::Debug for Cells {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<Arc<str>>> FromIterator<(K, Field)> for Cells {
    fn from_iter<I: IntoIterator<Item = (K, Field)>>(iter: I) -> Self {
        let mut cells = Cells::new();
        for (k, f) in iter {
            cells.insert(k, f);
        }
        cells
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::FieldValue;
    use std::collections::BTreeMap;

    fn field(n: i64) -> Field {
        Field::new(FieldValue::Number(n.into()), None)
    }

    /// The same operations on `Cells` and on the `BTreeMap` it replaced give the same rows.
    #[test]
    fn behaves_as_the_btree_map_it_replaced() {
        let names = [
            "得分",
            "分值",
            "三级指标",
            "偏差原因",
            "a",
            "",
            "二级指标",
            "得分",
        ];
        let mut rng = crate::tests_common::Rng(7);
        for _ in 0..300 {
            let mut cells = Cells::new();
            let mut map: BTreeMap<String, Field> = BTreeMap::new();
            for _ in 0..rng.below(12) {
                let name = names[rng.below(names.len())];
                let n = rng.below(100) as i64;
                assert_eq!(
                    cells.insert(name, field(n)),
                    map.insert(name.into(), field(n))
                );
            }
            let got: Vec<(&str, &Field)> = cells.iter().collect();
            let want: Vec<(&str, &Field)> = map.iter().map(|(k, f)| (k.as_str(), f)).collect();
            assert_eq!(got, want);
            assert_eq!(cells.len(), map.len());
            for name in names.iter().chain(&["缺", "得"]) {
                assert_eq!(cells.get(name), map.get(*name));
                assert_eq!(cells.contains_key(name), map.contains_key(*name));
                if let Some(i) = cells.position(name) {
                    assert_eq!(cells.at(i).map(|(k, _)| k), Some(*name));
                }
            }
            assert_eq!(format!("{cells:?}"), format!("{map:?}"));
        }
    }
}
