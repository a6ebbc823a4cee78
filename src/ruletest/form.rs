//! Inline test forms: patching a shared base form, naming places in it, and turning it into
//! the canonical format the pipeline reads.
//!
//! Places are written `字段` (a field) or `表[行].列` (a table cell), where `行` is the row's
//! position counted from 0 (as in finding paths) or a text one of its cells holds
//! (`资金[其他资金].全年执行数`, `指标[会议召开时间].得分`).

use super::spec::InlineForm;
use crate::extract::Pairs;
use crate::form::{PathAt, Place, Schema};
use crate::text::did_you_mean;
use serde_json::{Map, Value};

type Row = Pairs<String, Value>;

/// A place split into its parts.
enum Target<'a> {
    Field(&'a str),
    Row {
        table: &'a str,
        row: &'a str,
        column: Option<&'a str>,
    },
}

fn target(path: &str) -> Result<Target<'_>, String> {
    let path = path.trim();
    let path = path
        .strip_prefix("forms[0].")
        .unwrap_or(path)
        .trim_start_matches("fields.")
        .trim_start_matches("tables.");
    let Some((table, rest)) = path.split_once('[') else {
        if path.is_empty() {
            return Err("位置为空 (empty place)".into());
        }
        return Ok(Target::Field(path));
    };
    let Some((row, after)) = rest.split_once(']') else {
        return Err(format!("“{path}”缺少 ] (missing `]`)"));
    };
    let column = match after {
        "" => None,
        a => Some(a.strip_prefix('.').ok_or_else(|| {
            format!("“{path}”中 ] 之后应为 .列名 (expected `.column` after `]`)")
        })?),
    };
    Ok(Target::Row {
        table,
        row: row.trim(),
        column,
    })
}

fn table<'f>(form: &'f mut InlineForm, name: &str) -> Result<&'f mut Vec<Row>, String> {
    let known: Vec<String> = form.tables.0.iter().map(|(k, _)| k.clone()).collect();
    form.tables
        .0
        .iter_mut()
        .find(|(k, _)| k == name)
        .map(|(_, rows)| rows)
        .ok_or_else(|| {
            format!(
                "表单中没有表格“{name}”（有：{}） (no such table)",
                known.join("、")
            )
        })
}

/// The index of the row a selector names: a number from 0, or a text one of its cells holds.
fn row_index(rows: &[Row], table: &str, sel: &str) -> Result<usize, String> {
    if let Ok(i) = sel.parse::<usize>() {
        return if i < rows.len() {
            Ok(i)
        } else {
            Err(format!(
                "表格“{table}”只有 {} 行（从 0 数起），没有第 {i} 行 (row out of range)",
                rows.len()
            ))
        };
    }
    rows.iter()
        .position(|r| r.0.iter().any(|(_, v)| v.as_str() == Some(sel)))
        .ok_or_else(|| format!("表格“{table}”中没有含“{sel}”的行 (no row holds this text)"))
}

fn set<K: PartialEq + Clone>(pairs: &mut Pairs<K, Value>, key: &K, value: Value) {
    match pairs.0.iter_mut().find(|(k, _)| k == key) {
        Some((_, v)) => *v = value,
        None => pairs.0.push((key.clone(), value)),
    }
}

fn row_of(value: &Value, path: &str) -> Result<Row, String> {
    match value {
        Value::Object(m) => Ok(Pairs(
            m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        )),
        _ => Err(format!(
            "“{path}”的值应为一行 {{列: 值, …}} (expected a row mapping)"
        )),
    }
}

/// Checks that a place a test names (a patch or an expected path) is a field, table or column
/// of the pack's layout: a misspelt name would otherwise patch nothing the rules read, or
/// expect a place no finding can have, and the test would pass for the wrong reason.
pub(crate) fn check_place(path: &str, schema: &Schema) -> Result<(), String> {
    let near = |word: &str, names: Vec<&str>| match did_you_mean(word, names.iter().copied()) {
        Some(n) => format!("；是否想写“{n}”？"),
        None => format!("；可写：{}", names.join("、")),
    };
    match target(path)? {
        Target::Field(name) => {
            if schema.fields.contains_key(name) || schema.tables.contains_key(name) {
                return Ok(());
            }
            let names = schema.fields.keys().chain(schema.tables.keys());
            let names: Vec<&str> = names.map(String::as_str).collect();
            Err(format!(
                "版式中没有字段或表格“{name}” (unknown field){}",
                near(name, names)
            ))
        }
        Target::Row { table, column, .. } => {
            let Some(columns) = schema.tables.get(table) else {
                let names: Vec<&str> = schema.tables.keys().map(String::as_str).collect();
                return Err(format!(
                    "版式中没有表格“{table}” (unknown table){}",
                    near(table, names)
                ));
            };
            match column {
                Some(c) if !columns.contains_key(c) => {
                    let names: Vec<&str> = columns.keys().map(String::as_str).collect();
                    Err(format!(
                        "表格“{table}”没有列“{c}” (unknown column){}",
                        near(c, names)
                    ))
                }
                _ => Ok(()),
            }
        }
    }
}

/// Applies one `patch` entry to a form; a patch that leaves the form as it was is an error
/// (the test would not test what it says).
pub(crate) fn apply(form: &mut InlineForm, path: &str, value: &Value) -> Result<(), String> {
    let before = form.clone();
    apply_here(form, path, value)?;
    if *form == before {
        return Err(format!(
            "补丁没有改变表单：“{path}”本来就是 {value} (the patch changes nothing)"
        ));
    }
    Ok(())
}

fn apply_here(form: &mut InlineForm, path: &str, value: &Value) -> Result<(), String> {
    match target(path)? {
        Target::Field(name) => {
            if let (Some(rows), Value::Array(list)) =
                (form.tables.0.iter_mut().find(|(k, _)| k == name), value)
            {
                rows.1 = list
                    .iter()
                    .map(|r| row_of(r, path))
                    .collect::<Result<_, _>>()?;
                return Ok(());
            }
            if value.is_array() || value.is_object() {
                return Err(format!(
                    "字段“{name}”的值应为单个值 (expected a single value)"
                ));
            }
            set(&mut form.fields, &name.to_string(), value.clone());
            Ok(())
        }
        Target::Row {
            table: t,
            row,
            column,
        } => {
            let rows = table(form, t)?;
            if row == "+" {
                if column.is_some() {
                    return Err(format!(
                        "“{path}”：[+] 只能添加整行 ([+] appends a whole row)"
                    ));
                }
                rows.push(row_of(value, path)?);
                return Ok(());
            }
            let i = row_index(rows, t, row)?;
            match (column, value) {
                (Some(c), v) if !v.is_array() && !v.is_object() => {
                    set(&mut rows[i], &c.to_string(), v.clone());
                }
                (Some(_), _) => {
                    return Err(format!("“{path}”的值应为单个值 (expected a single value)"))
                }
                (None, Value::Null) => {
                    rows.remove(i);
                }
                (None, v) => rows[i] = row_of(v, path)?,
            }
            Ok(())
        }
    }
}

/// An expected place in the short form findings are shown with (`资金[3].全年执行数`); row
/// texts are turned into positions using `form` when given.
pub(crate) fn resolve(path: &str, form: Option<&InlineForm>) -> Result<String, String> {
    match target(path)? {
        Target::Field(name) => Ok(name.to_string()),
        Target::Row { table, row, column } => {
            let index = match (row.parse::<usize>(), form) {
                (Ok(i), _) => i,
                (Err(_), Some(f)) => {
                    let rows = f
                        .tables
                        .0
                        .iter()
                        .find(|(k, _)| k == table)
                        .map(|(_, r)| r.as_slice())
                        .unwrap_or(&[]);
                    row_index(rows, table, row)?
                }
                (Err(_), None) => return Ok(path.trim().to_string()),
            };
            Ok(match column {
                Some(c) => format!("{table}[{index}].{c}"),
                None => format!("{table}[{index}]"),
            })
        }
    }
}

/// A finding's place as tests name it: `F9`, `项目名称`, `资金[3].全年执行数`.
pub(crate) fn short_place(place: &Place) -> String {
    match place {
        Place::Elsewhere(e) => format!("{}!{}", e.sheet, short_place(&e.at)),
        Place::Cell(c) => c.to_string(),
        Place::Path(p) => match &p.at {
            PathAt::Field(f) => f.clone(),
            PathAt::Table(t) => t.clone(),
            PathAt::Row { table, row } => format!("{table}[{row}]"),
            PathAt::Value { table, row, column } => format!("{table}[{row}].{column}"),
            PathAt::Accept(k) => format!("accept[{k}]"),
        },
    }
}

/// The canonical JSON text of one inline form named `name`.
pub(crate) fn canonical_json(name: &str, form: &InlineForm) -> String {
    let map = |pairs: &Row| -> Value {
        Value::Object(pairs.0.iter().cloned().collect::<Map<String, Value>>())
    };
    let tables: Map<String, Value> = form
        .tables
        .0
        .iter()
        .map(|(k, rows)| (k.clone(), Value::Array(rows.iter().map(map).collect())))
        .collect();
    let doc = serde_json::json!({
        "formlint": 1,
        "forms": [{ "name": name, "fields": map(&form.fields), "tables": tables }],
    });
    doc.to_string()
}

/// Applies one `patch` entry after checking its place against `schema`; the error is the
/// test's failure, naming the key and its line.
pub(crate) fn patch(
    form: &mut InlineForm,
    key: &serde_saphyr::Spanned<String>,
    place: &str,
    value: &Value,
    schema: &Schema,
) -> Result<(), String> {
    check_place(place, schema)
        .and_then(|()| apply(form, place, value))
        .map_err(|e| {
            format!(
                "测试写法有误：patch “{}”（第 {} 行）：{e}",
                key.value,
                key.referenced.line()
            )
        })
}
