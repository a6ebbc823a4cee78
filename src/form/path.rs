//! Places in a canonical (YAML/JSON) form document, typed: which form of the file, and a field,
//! a table, a row or one value of a row. Reports print them (`forms[0].tables.指标[5].得分`),
//! `accept:` entries and rule tests write them, and [`FormPath::parse`] reads them back.

use std::cmp::Ordering;
use std::fmt;

/// Where a value sits in a canonical form document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FormPath {
    /// Which form of the file (`forms[0]`).
    pub form: usize,
    /// What inside it.
    pub at: PathAt,
}

/// The part of a form a [`FormPath`] names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathAt {
    /// A field: `fields.项目名称`.
    Field(String),
    /// A whole table: `tables.指标`.
    Table(String),
    /// A row of a table: `tables.指标[3]` (zero-based).
    Row {
        /// The table.
        table: String,
        /// The row, from 0.
        row: usize,
    },
    /// One value of a row: `tables.指标[3].得分`.
    Value {
        /// The table.
        table: String,
        /// The row, from 0.
        row: usize,
        /// The column.
        column: String,
    },
    /// An `accept:` entry of the form: `accept[0]`.
    Accept(usize),
}

impl FormPath {
    /// A field of form `form`.
    pub fn field(form: usize, name: &str) -> Self {
        FormPath {
            form,
            at: PathAt::Field(name.to_string()),
        }
    }

    /// A table of form `form`.
    pub fn table(form: usize, table: &str) -> Self {
        FormPath {
            form,
            at: PathAt::Table(table.to_string()),
        }
    }

    /// Row `row` of a table.
    pub fn row(form: usize, table: &str, row: usize) -> Self {
        FormPath {
            form,
            at: PathAt::Row {
                table: table.to_string(),
                row,
            },
        }
    }

    /// One value of a row.
    pub fn value(form: usize, table: &str, row: usize, column: &str) -> Self {
        FormPath {
            form,
            at: PathAt::Value {
                table: table.to_string(),
                row,
                column: column.to_string(),
            },
        }
    }

    /// Reads a path as reports print it; without a leading `forms[N].` it is in form
    /// `default_form`. `None` when it is not a path of this shape.
    pub fn parse(text: &str, default_form: usize) -> Option<FormPath> {
        let text = text.trim();
        let (form, rest) = match text.strip_prefix("forms[") {
            Some(r) => {
                let (n, rest) = r.split_once("].")?;
                (n.trim().parse().ok()?, rest)
            }
            None => (default_form, text),
        };
        let at = if let Some(name) = rest.strip_prefix("fields.") {
            PathAt::Field(nonempty(name)?.to_string())
        } else if let Some(t) = rest.strip_prefix("tables.") {
            match t.split_once('[') {
                None => PathAt::Table(nonempty(t)?.to_string()),
                Some((table, r)) => {
                    let (n, tail) = r.split_once(']')?;
                    let row = n.trim().parse().ok()?;
                    let table = nonempty(table)?.to_string();
                    match tail {
                        "" => PathAt::Row { table, row },
                        _ => PathAt::Value {
                            table,
                            row,
                            column: nonempty(tail.strip_prefix('.')?)?.to_string(),
                        },
                    }
                }
            }
        } else if let Some(r) = rest.strip_prefix("accept[") {
            PathAt::Accept(r.strip_suffix(']')?.trim().parse().ok()?)
        } else {
            return None;
        };
        Some(FormPath { form, at })
    }

    /// The path of the row this path is in, if any.
    pub fn row_path(&self) -> Option<FormPath> {
        match &self.at {
            PathAt::Row { table, row } | PathAt::Value { table, row, .. } => {
                Some(FormPath::row(self.form, table, *row))
            }
            _ => None,
        }
    }

    /// Sort key: form, then accept entries, fields, tables (as their names sort in print),
    /// then name, row (numerically) and column.
    fn key(&self) -> (usize, u8, &str, Option<usize>, &str) {
        match &self.at {
            PathAt::Accept(k) => (self.form, 0, "", Some(*k), ""),
            PathAt::Field(n) => (self.form, 1, n, None, ""),
            PathAt::Table(t) => (self.form, 2, t, None, ""),
            PathAt::Row { table, row } => (self.form, 2, table, Some(*row), ""),
            PathAt::Value { table, row, column } => (self.form, 2, table, Some(*row), column),
        }
    }
}

fn nonempty(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

impl Ord for FormPath {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for FormPath {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for FormPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "forms[{}].", self.form)?;
        match &self.at {
            PathAt::Field(n) => write!(f, "fields.{n}"),
            PathAt::Table(t) => write!(f, "tables.{t}"),
            PathAt::Row { table, row } => write!(f, "tables.{table}[{row}]"),
            PathAt::Value { table, row, column } => write!(f, "tables.{table}[{row}].{column}"),
            PathAt::Accept(k) => write!(f, "accept[{k}]"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_prints_and_parses_back() {
        for p in [
            FormPath::field(0, "项目名称"),
            FormPath::table(1, "指标"),
            FormPath::row(0, "指标", 3),
            FormPath::value(2, "指标", 10, "得分"),
            FormPath {
                form: 0,
                at: PathAt::Accept(4),
            },
        ] {
            assert_eq!(FormPath::parse(&p.to_string(), 9), Some(p.clone()), "{p}");
        }
    }

    #[test]
    fn a_path_without_its_form_is_in_the_default_form() {
        assert_eq!(
            FormPath::parse("tables.指标[5].偏差原因", 2),
            Some(FormPath::value(2, "指标", 5, "偏差原因"))
        );
        assert_eq!(FormPath::parse("指标[5]", 0), None);
        assert_eq!(FormPath::parse("forms[x].fields.a", 0), None);
        assert_eq!(FormPath::parse("tables.指标[5].", 0), None);
    }

    #[test]
    fn rows_sort_by_number_and_a_row_before_its_values() {
        let mut v = [
            FormPath::value(0, "指标", 10, "得分"),
            FormPath::value(0, "指标", 2, "得分"),
            FormPath::row(0, "指标", 2),
            FormPath::field(0, "项目名称"),
        ];
        v.sort();
        let printed: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(
            printed,
            [
                "forms[0].fields.项目名称",
                "forms[0].tables.指标[2]",
                "forms[0].tables.指标[2].得分",
                "forms[0].tables.指标[10].得分"
            ]
        );
    }
}
