//! The extract stage's output: a form as named fields and tables of typed values.
//!
//! A [`Form`] knows nothing of file formats; every value keeps the [`Place`] it came from,
//! so that a finding can point at the exact cell.

mod cells;
mod path;

pub use cells::Cells;
pub use path::{FormPath, PathAt};

use crate::sheet::CellRef;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::fmt;

/// Where a value sits inside its source: a sheet cell, or a path in a structured (YAML/JSON) form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Place {
    /// A cell of a sheet (A1 notation when displayed).
    Cell(CellRef),
    /// A place in a canonical YAML/JSON form, printed `forms[0].tables.指标[3].得分`.
    Path(FormPath),
    /// A place on another form, in another file or sheet: where a cross-form finding's
    /// related cell sits in the other workbook (`P1-申报表.xlsx › 申报表!E13`).
    Elsewhere(Box<Elsewhere>),
}

/// A place on a form other than the finding's own: its file, sheet (or canonical form name)
/// and the place there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Elsewhere {
    /// The file as the user named it.
    pub file: String,
    /// The sheet, or the canonical form's name.
    pub sheet: String,
    /// The place on that sheet or form (never itself `Elsewhere`).
    pub at: Place,
}

impl Place {
    /// The place on its own sheet or form: an [`Elsewhere`] place's inner one, else itself.
    pub fn local(&self) -> &Place {
        match self {
            Place::Elsewhere(e) => &e.at,
            other => other,
        }
    }

    /// A cell's reference, where the place (or the place it points at elsewhere) is a cell.
    pub fn cell(&self) -> Option<CellRef> {
        match self.local() {
            Place::Cell(c) => Some(*c),
            _ => None,
        }
    }
}

impl Place {
    /// Where something is, in one text: `自评表!I16` for a cell of a sheet, `form › path` for
    /// a place in a canonical form, the sheet (or form) alone, or empty for a whole file. The
    /// one rendering every report format and formlint.toml matching use.
    pub fn location(sheet: Option<&str>, at: Option<&Place>) -> String {
        match (sheet, at) {
            (_, Some(Place::Elsewhere(e))) => e.to_string(),
            (Some(s), Some(Place::Cell(c))) => format!("{s}!{c}"),
            (Some(s), Some(Place::Path(p))) => format!("{s} › {p}"),
            (Some(s), None) => s.to_string(),
            (None, Some(p)) => p.to_string(),
            (None, None) => String::new(),
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Cell(c) => write!(f, "{c}"),
            Place::Path(p) => write!(f, "{p}"),
            Place::Elsewhere(e) => write!(f, "{e}"),
        }
    }
}

impl fmt::Display for Elsewhere {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            Place::Cell(c) => write!(f, "{} › {}!{c}", self.file, self.sheet),
            other => write!(f, "{} › {} › {other}", self.file, self.sheet),
        }
    }
}

/// A typed value of a form, as the layout's column or field type reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    /// Nothing filed (empty cell, white space, or `—` meaning "not applicable" in a number cell).
    Blank,
    /// A number (amounts, weights, scores, rates). Text such as `1,330,000.00` is read as a number.
    Number(Decimal),
    /// Text as the filer sees it (a percentage stored as 0.96 reads `96%`).
    Text(String),
    /// Text where the layout wants a number (`暂缓举办` in a 得分 cell): kept, so rules skip it
    /// and the extract stage reports it once.
    Invalid(String),
}

impl FieldValue {
    /// Whether nothing was filed.
    pub fn is_blank(&self) -> bool {
        matches!(self, FieldValue::Blank)
    }
}

/// One value of a form and the place it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The typed value.
    pub value: FieldValue,
    /// Where it sits; `None` when the layout's cell does not exist on this form.
    pub at: Option<Place>,
}

impl Field {
    /// A field with a value and a place.
    pub fn new(value: FieldValue, at: Option<Place>) -> Self {
        Field { value, at }
    }
}

/// One row of a table: its cells by column name, in the layout's column order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    /// Cells by column name (the layout's names, e.g. `三级指标`).
    pub cells: Cells,
    /// Where the row stands, for ordering (`row()` in rules) and snippets: the zero-based sheet
    /// row, or for a structured (YAML/JSON) form the row's index in its list.
    pub line: Option<u32>,
}

/// A table section of the form (项目资金, 年度绩效指标).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Rows top to bottom.
    pub rows: Vec<Row>,
    /// Where the table's header (or section label) sits, for findings about the table as a whole.
    pub at: Option<Place>,
}

/// A self-evaluation form as the rules see it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Form {
    /// The sheet (or canonical form name) it came from.
    pub sheet: String,
    /// Single values by the layout's field names (项目名称, 总分分值 …).
    pub fields: BTreeMap<String, Field>,
    /// Tables by the layout's table names (资金, 指标 …).
    pub tables: BTreeMap<String, Table>,
    /// Findings a reviewer accepted on this very form (a cell comment, a canonical `accept:`
    /// entry); the engine drops what they match and reports those that match nothing.
    pub accepted: Vec<Acceptance>,
}

/// A reviewer's acceptance of one finding code on one form, written in the form itself, so the
/// decision travels with the file instead of living in a separate config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acceptance {
    /// The accepted rule code (`S002`), upper case; empty when the note named none.
    pub code: String,
    /// The place the finding must point at; `None` accepts the code anywhere on the form.
    pub at: Option<Place>,
    /// Why it is accepted (the audit trail); empty means the note gave no reason.
    pub reason: String,
    /// Where the acceptance itself is written (the comment's cell, the `accept:` entry's path),
    /// for the finding that reports it unused or incomplete.
    pub origin: Option<Place>,
    /// A place written that could not be read (`at: 指标5`): the acceptance takes no effect and
    /// is reported, rather than accepting the code anywhere.
    pub unreadable_at: Option<String>,
}

/// The type the layout gives a field or a column; the rule checker types expressions with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Free text (a bare number is kept as its text).
    Text,
    /// Text that names something (a project, a department, an indicator): a bare number or a
    /// date filed there is kept as text and reported (X010).
    Words,
    /// A number of any sort (weights, scores, rates).
    Number,
    /// An amount of money (a number, in the form's funds unit).
    Money,
}

/// The names and kinds a layout promises, so rules can be checked before any form is read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// Field names and kinds.
    pub fields: BTreeMap<String, Kind>,
    /// Table names, each with its column names and kinds.
    pub tables: BTreeMap<String, BTreeMap<String, Kind>>,
    /// Tables of fixed rows: table name → (key column, the row labels it can hold).
    pub keys: BTreeMap<String, (String, Vec<String>)>,
    /// For a cross-check pack: the schema of each kind of form it compares, by the kind's
    /// name (`自评表`, `申报表`); rules see each as a list of forms of that name.
    pub forms: BTreeMap<String, Schema>,
}

impl Schema {
    /// The columns of a table: `指标`, or `申报表.指标` for a table of a compared form.
    pub fn columns(&self, table: &str) -> Option<&BTreeMap<String, Kind>> {
        match table.split_once('.') {
            Some((form, t)) => self.forms.get(form)?.tables.get(t),
            None => self.tables.get(table),
        }
    }
}

/// A form as a cross-form check sees it: the form, with every place pointing at its own file
/// ([`Place::Elsewhere`]), and the findings its own pack reported on it (code and place), so
/// cross-form rules leave to those rules what they already report.
#[derive(Debug, Clone)]
pub struct FiledForm {
    /// The form; its places are `Place::Elsewhere` in `file`.
    pub form: Form,
    /// The file it came from, as the user named it.
    pub file: String,
    /// What form it is.
    pub kind: FormKind,
    /// The fiscal year its file states, if any.
    pub year: Option<i32>,
    /// The codes its own pack reported, with their (local) places.
    pub reported: Vec<(String, Option<Place>)>,
}

impl FiledForm {
    /// `form` from `file`, its places rewritten to point at that file and sheet.
    pub fn new(
        mut form: Form,
        file: &str,
        kind: FormKind,
        reported: Vec<(String, Option<Place>)>,
    ) -> Self {
        let sheet = form.sheet.clone();
        let away = |at: &mut Option<Place>| {
            if let Some(p) = at.take() {
                *at = Some(Place::Elsewhere(Box::new(Elsewhere {
                    file: file.to_string(),
                    sheet: sheet.clone(),
                    at: p,
                })));
            }
        };
        for f in form.fields.values_mut() {
            away(&mut f.at);
        }
        for t in form.tables.values_mut() {
            away(&mut t.at);
            for r in &mut t.rows {
                for c in r.cells.values_mut() {
                    away(&mut c.at);
                }
            }
        }
        FiledForm {
            form,
            file: file.to_string(),
            kind,
            year: None,
            reported,
        }
    }
}

/// Which form a pack checks (its `pack.yaml` `kind:`): the year-end self-evaluation, the target
/// declaration approved with the budget, or pairs of both (a cross-check pack). A batch routes
/// each sheet to the pack of the kind whose layout it fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum FormKind {
    /// 项目支出绩效自评表.
    #[default]
    SelfEvaluation,
    /// 项目支出绩效目标申报表.
    Declaration,
    /// A self-evaluation paired with its approved declaration (cross-form rules).
    Pair,
}

impl FormKind {
    /// The word users read and pack files write: 自评表, 申报表, 配对.
    pub fn label(self) -> &'static str {
        match self {
            FormKind::SelfEvaluation => "自评表",
            FormKind::Declaration => "申报表",
            FormKind::Pair => "配对",
        }
    }

    /// The English name machine formats use: `self-evaluation`, `declaration`, `pair`.
    pub fn as_str(self) -> &'static str {
        match self {
            FormKind::SelfEvaluation => "self-evaluation",
            FormKind::Declaration => "declaration",
            FormKind::Pair => "pair",
        }
    }

    /// The form's full name, for messages: 项目支出绩效自评表, 项目支出绩效目标申报表.
    pub fn title(self) -> &'static str {
        match self {
            FormKind::SelfEvaluation => "项目支出绩效自评表",
            FormKind::Declaration => "项目支出绩效目标申报表",
            FormKind::Pair => "自评表与申报表的配对",
        }
    }

    /// Reads `自评表`/`self-evaluation`, `申报表`/`declaration`, `配对`/`pair`.
    pub fn parse(s: &str) -> Option<FormKind> {
        match s.trim() {
            "自评表" | "self-evaluation" => Some(FormKind::SelfEvaluation),
            "申报表" | "declaration" => Some(FormKind::Declaration),
            "配对" | "pair" => Some(FormKind::Pair),
            _ => None,
        }
    }
}

impl<'de> serde::Deserialize<'de> for FormKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let word = String::deserialize(d)?;
        FormKind::parse(&word).ok_or_else(|| {
            serde::de::Error::unknown_variant(
                &word,
                &[
                    "自评表",
                    "申报表",
                    "配对",
                    "self-evaluation",
                    "declaration",
                    "pair",
                ],
            )
        })
    }
}

impl fmt::Display for FormKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
