//! Reading a layout file: its YAML shape, and the checks that turn it into a [`Layout`].

use super::{ColumnSpec, FieldSpec, Layout, LayoutError, RowsSpec, TableSpec, ValueAt};
use crate::diag::{from_yaml_str, yaml_span, DiagKind, Problem};
use crate::extract::normalise::label_key;
use crate::extract::yaml::{suggestion, Ordered};
use crate::form::Kind;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LayoutFile {
    form: FormFile,
    #[serde(default)]
    fields: Ordered<FieldFile>,
    #[serde(default)]
    tables: Ordered<TableFile>,
    /// The field holding the form's funds unit (`资金单位`): a money cell written with a unit
    /// (`82,694.30元`, `23万元`) is converted to it.
    #[serde(default)]
    money_unit: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FormFile {
    labels: Spanned<Vec<String>>,
    #[serde(default)]
    title: Option<String>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum ValueAtFile {
    Right,
    Below,
    Suffix,
    Column,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldFile {
    label: String,
    #[serde(default)]
    aliases: Vec<String>,
    value: Spanned<ValueAtFile>,
    /// Where else the value may be when `value` is another label (`value: below, or: right`).
    #[serde(default)]
    or: Option<Spanned<ValueAtFile>>,
    /// The value is a label cell on purpose (a table's header cell a rule points at).
    #[serde(default)]
    label_cell: bool,
    #[serde(default)]
    kind: Option<Kind>,
    #[serde(default)]
    table: Option<Spanned<String>>,
    #[serde(default)]
    column: Option<Spanned<String>>,
    #[serde(default)]
    optional: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableFile {
    columns: Spanned<Ordered<ColumnFile>>,
    #[serde(default)]
    key: Option<Spanned<KeyFile>>,
    #[serde(default)]
    rows: Option<RowsFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnFile {
    header: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    kind: Option<Kind>,
    #[serde(default)]
    weight: Option<Spanned<String>>,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    before: Option<String>,
    #[serde(default)]
    after: Option<String>,
    #[serde(default)]
    dash: Option<rust_decimal::Decimal>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyFile {
    column: Spanned<String>,
    labels: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RowsFile {
    #[serde(default)]
    until: Option<String>,
    /// Other labels that end the rows (`合计` for `总分`).
    #[serde(default)]
    until_aliases: Vec<String>,
}

/// Normalised alternative spellings, empty ones dropped.
fn keys(aliases: &[String]) -> Vec<String> {
    aliases
        .iter()
        .map(|a| label_key(a))
        .filter(|a| !a.is_empty())
        .collect()
}

/// Parses and checks a layout file; `name` is used in error snippets.
pub(crate) fn parse_layout(name: &str, yaml: &str) -> Result<Layout, LayoutError> {
    let file: LayoutFile = from_yaml_str(DiagKind::Layout, name, yaml, "版式文件 (layout)")?;
    let err = |msg: String, at: Option<&serde_saphyr::Location>| {
        Problem::in_text(
            DiagKind::Layout,
            name,
            yaml,
            msg,
            at.and_then(|l| yaml_span(l, yaml)),
        )
    };

    let form_labels: Vec<String> = file
        .form
        .labels
        .value
        .iter()
        .map(|l| label_key(l))
        .collect();
    if form_labels.is_empty() || form_labels.iter().any(String::is_empty) {
        return Err(err(
            "form.labels 须列出至少一个非空标签 (form.labels must list non-empty labels)".into(),
            Some(&file.form.labels.referenced),
        )
        .into());
    }

    let mut tables = Vec::new();
    let mut seen = BTreeMap::new();
    for (tname, t) in file.tables.0 {
        if seen.insert(tname.value.clone(), ()).is_some() {
            return Err(err(
                format!("表格“{}”重复定义", tname.value),
                Some(&tname.referenced),
            )
            .into());
        }
        tables.push(table_spec(&tname, t, &err)?);
    }

    let mut fields = Vec::new();
    for (fname, f) in file.fields.0 {
        fields.push(field_spec(fname, f, &tables, &err)?);
    }

    let title = file
        .form
        .title
        .as_deref()
        .map(label_key)
        .filter(|t| !t.is_empty());
    if let Some(m) = &file.money_unit {
        if !fields.iter().any(|f| f.name == m.value) {
            return Err(err(
                format!(
                    "money_unit 须是一个字段名，没有字段“{}” (no such field)",
                    m.value
                ),
                Some(&m.referenced),
            )
            .with_help(suggestion(&m.value, fields.iter().map(|f| f.name.as_str())))
            .into());
        }
    }
    let mut layout = Layout {
        name: name.to_string(),
        form_labels,
        title,
        fields,
        tables,
        money_unit: file.money_unit.map(|m| m.value),
        units: None,
        labels: Vec::new(),
    };
    layout.labels = layout.every_label();
    Ok(layout)
}

/// Checks one field of the file and turns it into a spec; a `value: column` field names one
/// of `tables` and one of its columns.
fn field_spec(
    fname: Spanned<String>,
    f: FieldFile,
    tables: &[TableSpec],
    err: &dyn Fn(String, Option<&serde_saphyr::Location>) -> Problem,
) -> Result<FieldSpec, Box<Problem>> {
    let label = label_key(&f.label);
    if label.is_empty() {
        return Err(err(
            format!("字段“{}”的 label 为空", fname.value),
            Some(&fname.referenced),
        )
        .into());
    }
    let value = match f.value.value {
        ValueAtFile::Right => ValueAt::Right,
        ValueAtFile::Below => ValueAt::Below,
        ValueAtFile::Suffix => ValueAt::Suffix,
        ValueAtFile::Column => column_value(&fname, &f, tables, err)?,
    };
    let or = match &f.or {
        None => None,
        Some(o) => match (&value, o.value) {
            (ValueAt::Right | ValueAt::Below, ValueAtFile::Right) => Some(ValueAt::Right),
            (ValueAt::Right | ValueAt::Below, ValueAtFile::Below) => Some(ValueAt::Below),
            _ => {
                return Err(err(
                    "or 只用于 value: right 或 below，且只能是 right 或 below (or goes with value: right/below and is right or below)".into(),
                    Some(&o.referenced),
                )
                .into())
            }
        },
    };
    if !matches!(value, ValueAt::Column { .. }) {
        if let Some(t) = f.table.as_ref().or(f.column.as_ref()) {
            return Err(err(
                "table/column 只用于 value: column (table/column only go with value: column)"
                    .into(),
                Some(&t.referenced),
            )
            .into());
        }
    }
    Ok(FieldSpec {
        name: fname.value,
        label,
        aliases: keys(&f.aliases),
        value,
        or,
        label_cell: f.label_cell,
        kind: f.kind.unwrap_or(Kind::Text),
        optional: f.optional,
    })
}

/// Where a `value: column` field sits: its `table` and `column`, both given and both existing.
fn column_value(
    fname: &Spanned<String>,
    f: &FieldFile,
    tables: &[TableSpec],
    err: &dyn Fn(String, Option<&serde_saphyr::Location>) -> Problem,
) -> Result<ValueAt, Box<Problem>> {
    let (Some(t), Some(c)) = (&f.table, &f.column) else {
        return Err(err(
            format!(
                "字段“{}”为 value: column，须同时给出 table 和 column (value: column needs table and column)",
                fname.value
            ),
            Some(&f.value.referenced),
        ).into());
    };
    let Some(spec) = tables.iter().find(|s: &&TableSpec| s.name == t.value) else {
        return Err(err(
            format!("没有名为“{}”的表格 (no such table)", t.value),
            Some(&t.referenced),
        )
        .with_help(suggestion(&t.value, tables.iter().map(|s| s.name.as_str())))
        .into());
    };
    if !spec.columns.iter().any(|col| *col.name == *c.value) {
        return Err(err(
            format!(
                "表格“{}”没有名为“{}”的列 (no such column)",
                t.value, c.value
            ),
            Some(&c.referenced),
        )
        .with_help(suggestion(&c.value, spec.columns.iter().map(|s| &*s.name)))
        .into());
    }
    Ok(ValueAt::Column {
        table: t.value.clone(),
        column: c.value.clone(),
    })
}

/// Checks one table of the file and turns it into a spec.
fn table_spec(
    tname: &Spanned<String>,
    t: TableFile,
    err: &dyn Fn(String, Option<&serde_saphyr::Location>) -> Problem,
) -> Result<TableSpec, Box<Problem>> {
    let mut columns: Vec<ColumnSpec> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let mut add_name = |n: &str, at: &serde_saphyr::Location| {
        if names.iter().any(|x| x == n) {
            return Err(Box::new(err(
                format!("表格“{}”中列名“{n}”重复", tname.value),
                Some(at),
            )));
        }
        names.push(n.to_string());
        Ok(())
    };
    for (cname, c) in t.columns.value.0 {
        add_name(&cname.value, &cname.referenced)?;
        if let Some(w) = &c.weight {
            add_name(&w.value, &w.referenced)?;
        }
        let header = label_key(&c.header);
        if header.is_empty() {
            return Err(err(
                format!("列“{}”的 header 为空", cname.value),
                Some(&cname.referenced),
            )
            .into());
        }
        columns.push(ColumnSpec {
            name: cname.value.as_str().into(),
            header,
            aliases: keys(&c.aliases),
            kind: c.kind.unwrap_or(Kind::Text),
            weight: c.weight.map(|w| w.value.as_str().into()),
            optional: c.optional,
            before: c.before.as_deref().map(label_key).filter(|h| !h.is_empty()),
            after: c.after.as_deref().map(label_key).filter(|h| !h.is_empty()),
            dash: c.dash,
        });
    }
    if columns.iter().all(|c| c.optional) {
        return Err(err(
            format!(
                "表格“{}”须至少有一个必需的列 (a table needs a required column)",
                tname.value
            ),
            Some(&t.columns.referenced),
        )
        .into());
    }
    let rows = match (t.key, t.rows) {
        (Some(k), None) => {
            add_name(&k.value.column.value, &k.value.column.referenced)?;
            let labels: Vec<String> = k.value.labels.iter().map(|l| label_key(l)).collect();
            if labels.is_empty() || labels.iter().any(String::is_empty) {
                return Err(err(
                    "key.labels 须列出非空的行标签 (key.labels must list row labels)".into(),
                    Some(&k.referenced),
                )
                .into());
            }
            RowsSpec::Key {
                column: k.value.column.value.as_str().into(),
                labels,
            }
        }
        (None, Some(r)) => RowsSpec::Until(
            r.until
                .iter()
                .chain(&r.until_aliases)
                .map(|u| label_key(u))
                .filter(|u| !u.is_empty())
                .collect(),
        ),
        (None, None) => RowsSpec::Until(Vec::new()),
        (Some(k), Some(_)) => {
            return Err(err(
                format!(
                    "表格“{}”不能同时有 key 和 rows (key and rows exclude each other)",
                    tname.value
                ),
                Some(&k.referenced),
            )
            .into())
        }
    };
    Ok(TableSpec {
        name: tname.value.clone(),
        columns,
        rows,
    })
}
