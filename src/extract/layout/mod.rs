//! The layout file: where a form's labels, fields and tables are, described as data.
//!
//! See `rules/shenzhen-2020/layout.yaml` for a commented example. Nothing about the form's
//! wording or geometry lives in code: labels, headers and kinds all come from the file.

mod parse;

pub(crate) use parse::parse_layout;

use crate::diag::Problem;
use crate::form::{FieldValue, Kind, Schema};

/// A bad layout file: message and the place in the YAML text.
pub(crate) type LayoutError = Box<Problem>;

/// A parsed, checked layout.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The name it was loaded under (file name), for messages.
    pub name: String,
    /// Normalised labels whose presence marks a sheet as a form.
    pub(crate) form_labels: Vec<String>,
    /// The form's title (`项目支出绩效目标申报表`), normalised: a sheet whose top rows hold a
    /// text containing it is this layout's form before any other's.
    pub(crate) title: Option<String>,
    /// Single values, in file order.
    pub(crate) fields: Vec<FieldSpec>,
    /// Tables, in file order.
    pub(crate) tables: Vec<TableSpec>,
    /// The field holding the form's funds unit, for money cells written with a unit.
    pub(crate) money_unit: Option<String>,
    /// The rule pack's units (scales of `元`, `万元`), set by the pack loader: how a money
    /// cell written with a unit is converted. Without them such a cell is text (X006).
    pub(crate) units: Option<crate::value::Units>,
    /// Every label and header this layout knows (normalised): a value cell holding one of
    /// them is not read as the value.
    pub(crate) labels: Vec<String>,
}

/// Where a field's value sits relative to its label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ValueAt {
    /// First cell right of the label's (merged) cell.
    Right,
    /// First cell below the label's (merged) cell.
    Below,
    /// The parenthesised suffix of the label itself.
    Suffix,
    /// On the label's row, under a table's column header.
    Column { table: String, column: String },
}

/// One single-valued field.
#[derive(Debug, Clone)]
pub(crate) struct FieldSpec {
    pub name: String,
    pub label: String,
    /// Other spellings of the label the form may carry (normalised).
    pub aliases: Vec<String>,
    pub value: ValueAt,
    /// Where the value is when the cell at `value` holds another label (`value: below, or:
    /// right`: a goal block laid out as label-and-value rows).
    pub or: Option<ValueAt>,
    /// The value cell is a label on purpose (`一级指标表头`: the header cell a rule points at),
    /// so it is read without checking.
    pub label_cell: bool,
    pub kind: Kind,
    pub optional: bool,
}

/// One table column found by its header.
#[derive(Debug, Clone)]
pub(crate) struct ColumnSpec {
    /// The column's name, shared by every row read with this layout.
    pub name: std::sync::Arc<str>,
    pub header: String,
    /// Other spellings of the header (a short `偏差原因`), normalised.
    pub aliases: Vec<String>,
    pub kind: Kind,
    /// Name of a derived number column holding the `(50分)` weight split off the text.
    pub weight: Option<std::sync::Arc<str>>,
    pub optional: bool,
    /// Headers of cells joined around this one's text when the template splits a value over
    /// three columns (`计算符号` `≥`, `指标值` `15`, `计量单位` `场次` → `≥15场次`); optional.
    pub before: Option<String>,
    pub after: Option<String>,
    /// What a dash (`—`, `-`, `/`) in this number column means: blank (the default, "not
    /// applicable") or this number (`dash: 0`: the 分值 and 得分 of a 不适用 row).
    pub dash: Option<rust_decimal::Decimal>,
}

impl ColumnSpec {
    /// `value` typed from `raw` text, with a dash read as this column's `dash` number.
    pub(crate) fn dashed(&self, raw: &str, value: FieldValue) -> FieldValue {
        match (self.dash, &value) {
            (Some(n), FieldValue::Blank) if super::normalise::is_dash(raw) => FieldValue::Number(n),
            _ => value,
        }
    }
}

/// How a table's rows are found.
#[derive(Debug, Clone)]
pub(crate) enum RowsSpec {
    /// Fixed rows, each found by its label left of the header columns.
    Key {
        column: std::sync::Arc<str>,
        labels: Vec<String>,
    },
    /// Every row below the header until a row labelled with one of `until` (or a blank row,
    /// or the end).
    Until(Vec<String>),
}

/// One table.
#[derive(Debug, Clone)]
pub(crate) struct TableSpec {
    pub name: String,
    pub columns: Vec<ColumnSpec>,
    pub rows: RowsSpec,
}

impl FieldSpec {
    /// Whether a normalised label is this field's (its label or an alias).
    pub(crate) fn is(&self, label: &str) -> bool {
        self.label == label || self.aliases.iter().any(|a| a == label)
    }
}

impl ColumnSpec {
    /// Whether a normalised header is this column's (its header or an alias).
    pub(crate) fn is(&self, header: &str) -> bool {
        self.header == header || self.aliases.iter().any(|a| a == header)
    }
}

impl Layout {
    /// A layout with nothing in it: what a cross-check pack, which reads no sheet, carries.
    pub(crate) fn empty(name: &str) -> Layout {
        Layout {
            name: name.to_string(),
            form_labels: Vec::new(),
            title: None,
            fields: Vec::new(),
            tables: Vec::new(),
            money_unit: None,
            units: None,
            labels: Vec::new(),
        }
    }

    /// Gives the layout its pack's units, so money cells written with a unit convert.
    pub(crate) fn set_units(&mut self, units: crate::value::Units) {
        self.units = Some(units);
    }

    /// Every label, alias, header and row label of this layout, normalised, deduplicated.
    fn every_label(&self) -> Vec<String> {
        let mut all: Vec<String> = self.form_labels.clone();
        for f in &self.fields {
            all.push(f.label.clone());
            all.extend(f.aliases.iter().cloned());
        }
        for t in &self.tables {
            for c in &t.columns {
                all.push(c.header.clone());
                all.extend(c.aliases.iter().cloned());
            }
            match &t.rows {
                RowsSpec::Key { labels, .. } => all.extend(labels.iter().cloned()),
                RowsSpec::Until(until) => all.extend(until.iter().cloned()),
            }
        }
        all.sort();
        all.dedup();
        all
    }

    /// Whether a normalised text is one of this layout's labels or headers.
    pub(crate) fn is_label(&self, text: &str) -> bool {
        self.labels
            .binary_search_by(|l| l.as_str().cmp(text))
            .is_ok()
    }

    /// The names and kinds this layout promises, for checking rules before any form is read.
    /// Includes derived columns (weights, number kind) and key columns (text kind).
    pub fn schema(&self) -> Schema {
        let fields = self
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.kind))
            .collect();
        let tables = self
            .tables
            .iter()
            .map(|t| (t.name.clone(), t.column_kinds().into_iter().collect()))
            .collect();
        let keys = self
            .tables
            .iter()
            .filter_map(|t| match &t.rows {
                RowsSpec::Key { column, labels } => {
                    Some((t.name.clone(), (column.to_string(), labels.clone())))
                }
                _ => None,
            })
            .collect();
        Schema {
            fields,
            tables,
            keys,
            forms: Default::default(),
        }
    }

    /// The table spec named `name`.
    pub(crate) fn table(&self, name: &str) -> Option<&TableSpec> {
        self.tables.iter().find(|t| t.name == name)
    }
}

impl TableSpec {
    /// Every column a row of this table carries, with its kind, in layout order.
    pub(crate) fn column_kinds(&self) -> Vec<(String, Kind)> {
        let mut out = Vec::new();
        if let RowsSpec::Key { column, .. } = &self.rows {
            out.push((column.to_string(), Kind::Text));
        }
        for c in &self.columns {
            out.push((c.name.to_string(), c.kind));
            if let Some(w) = &c.weight {
                out.push((w.to_string(), Kind::Number));
            }
        }
        out
    }
}
