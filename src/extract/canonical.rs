//! The canonical form format: forms as structured YAML or JSON, for systems that export data
//! instead of spreadsheets. Names are the layout's field, table and column names; values are
//! typed by the layout's kinds exactly like sheet cells.
//!
//! ```yaml
//! formlint: 1
//! fiscal_year: 2020      # optional: picks the rule pack when none is given
//! forms:
//!   - name: P1-办公设备采购
//!     fields: { 项目名称: 办公设备采购, 项目金额: 56000, 资金单位: 元 }
//!     tables:
//!       资金: [ { 名称: 年度资金总额, 年初预算数: 56000, 执行率: 1.00 } ]
//!       指标: [ { 一级指标: 产出指标, 一级权重: 50, 三级指标: 采购办公设备数量, 得分: 15 } ]
//!     accept:            # optional: findings a reviewer accepted on this form
//!       - { code: S002, at: "tables.指标[0].得分", reason: 会议提前召开，扣分合理 }
//! ```

use super::cells::insert_with_weight;
use super::layout::{Layout, RowsSpec, TableSpec};
use super::normalise::label_key;
use super::typing::{number_in_words, text_in_number, type_number, type_text, Money};
use super::yaml::{suggestion, Ordered};
use crate::diag::{from_yaml_str, yaml_span, DiagKind, Problem};
use crate::finding::Finding;
use crate::form::{Acceptance, Field, FieldValue, Form, FormPath, Kind, PathAt, Place, Row, Table};
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::fmt;
use std::str::FromStr;

/// The `fiscal_year` a canonical document states, read from the parsed document (not its
/// text lines), before any pack is chosen — the year is what chooses it. `None` when the
/// document states none or does not parse (the full read then reports why).
pub(crate) fn canonical_fiscal_year(text: &str) -> Option<i32> {
    #[derive(Deserialize)]
    struct YearOnly {
        #[serde(default)]
        fiscal_year: Option<i32>,
    }
    serde_saphyr::from_str::<YearOnly>(text).ok()?.fiscal_year
}

/// The `kind` a canonical document states (`kind: 申报表`), `None` when it states none (a
/// self-evaluation) or names no known kind (the full read then reports why).
pub(crate) fn canonical_kind(text: &str) -> Option<crate::form::FormKind> {
    #[derive(Deserialize)]
    struct KindOnly {
        #[serde(default)]
        kind: Option<String>,
    }
    let k = serde_saphyr::from_str::<KindOnly>(text).ok()?.kind?;
    crate::form::FormKind::parse(&k)
}

/// A bad canonical file: message and the place in its text.
pub(crate) type CanonicalError = Box<Problem>;

/// The only format version so far.
const VERSION: u32 = 1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CanonicalFile {
    formlint: Spanned<u32>,
    /// The fiscal year the forms are for; picks the rule pack when none is given.
    #[serde(default)]
    #[allow(dead_code)]
    fiscal_year: Option<i32>,
    /// The kind of form (`自评表`, the default, or `申报表`); picks the pack of that kind.
    #[serde(default)]
    #[allow(dead_code)]
    kind: Option<crate::form::FormKind>,
    forms: Vec<CanonicalForm>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CanonicalForm {
    name: String,
    #[serde(default)]
    fields: Ordered<Scalar>,
    #[serde(default)]
    tables: Ordered<Vec<Ordered<Scalar>>>,
    /// Findings a reviewer accepted on this form.
    #[serde(default)]
    accept: Vec<CanonicalAccept>,
}

/// One `accept:` entry: a code, optionally the path it is at, and the reason.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CanonicalAccept {
    code: String,
    /// A path as findings print it (`tables.指标[5].偏差原因` or `forms[0].tables.…`).
    #[serde(default)]
    at: Option<String>,
    /// Required to take effect; a missing reason is reported (X007), not an error.
    #[serde(default)]
    reason: String,
}

/// The form's acceptances, their paths made absolute (`forms[i].…`) as findings print them.
fn acceptances(i: usize, entries: &[CanonicalAccept]) -> Vec<Acceptance> {
    entries
        .iter()
        .enumerate()
        .map(|(k, a)| {
            let written = a.at.as_deref().map(str::trim);
            let at = written.and_then(|p| FormPath::parse(p, i));
            Acceptance {
                code: a.code.trim().to_ascii_uppercase(),
                unreadable_at: match (written, &at) {
                    (Some(w), None) => Some(w.to_string()),
                    _ => None,
                },
                at: at.map(Place::Path),
                reason: a.reason.trim().to_string(),
                origin: Some(Place::Path(FormPath {
                    form: i,
                    at: PathAt::Accept(k),
                })),
            }
        })
        .collect()
}

/// One value as written in the file.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Null,
    Bool(bool),
    Number(Decimal),
    /// A number too large or odd for a decimal, kept as written.
    BadNumber(String),
    Text(String),
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("单个值（文字或数字） a single value (text or number)")
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
                Scalar::deserialize(d)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(b))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Scalar, E> {
                Ok(Scalar::Number(n.into()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Scalar, E> {
                Ok(Scalar::Number(n.into()))
            }
            fn visit_i128<E>(self, n: i128) -> Result<Scalar, E> {
                Ok(Decimal::try_from_i128_with_scale(n, 0)
                    .map_or(Scalar::BadNumber(n.to_string()), Scalar::Number))
            }
            fn visit_u128<E>(self, n: u128) -> Result<Scalar, E> {
                Ok(i128::try_from(n)
                    .ok()
                    .and_then(|n| Decimal::try_from_i128_with_scale(n, 0).ok())
                    .map_or(Scalar::BadNumber(n.to_string()), Scalar::Number))
            }
            fn visit_f64<E>(self, f: f64) -> Result<Scalar, E> {
                let text = format!("{f}");
                Ok(Decimal::from_str(&text).map_or(Scalar::BadNumber(text), Scalar::Number))
            }
            fn visit_str<E>(self, s: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Scalar, E> {
                Ok(Scalar::Text(s))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Scalar, A::Error> {
                Err(de::Error::custom(
                    "应为单个值，不能是列表 (expected a single value, not a list)",
                ))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Scalar, A::Error> {
                Err(de::Error::custom(
                    "应为单个值，不能是映射 (expected a single value, not a mapping)",
                ))
            }
        }
        d.deserialize_any(V)
    }
}

/// Types a scalar by `kind`, reporting text in a number slot (X006) at `path`.
fn typed(
    s: &Scalar,
    kind: Kind,
    (form, money): (&str, Option<&Money>),
    name: &str,
    path: FormPath,
    findings: &mut Vec<Finding>,
) -> Field {
    let mut value = match s {
        Scalar::Null => FieldValue::Blank,
        Scalar::Bool(b) => type_text(&b.to_string(), kind),
        Scalar::Number(n) => type_number(*n, kind),
        Scalar::BadNumber(t) => match kind {
            Kind::Text | Kind::Words => FieldValue::Text(t.clone()),
            _ => FieldValue::Invalid(t.clone()),
        },
        Scalar::Text(t) => type_text(t, kind),
    };
    if let (Kind::Money, Scalar::Text(t)) = (kind, s) {
        // `82,694.30元`, `23万元`: in the form's funds unit
        value = Money::retype(money, t, value);
    }
    let place = Place::Path(path);
    if let FieldValue::Invalid(t) = &value {
        findings.push(text_in_number(form, name, t, place.clone()));
    }
    if let (Kind::Words, Scalar::Number(n)) = (kind, s) {
        findings.push(number_in_words(
            form,
            name,
            &n.normalize().to_string(),
            place.clone(),
        ));
    }
    Field::new(value, Some(place))
}

/// Reads a canonical YAML or JSON text (JSON is YAML) into forms, typed by `layout`.
/// Unknown field, table or column names are errors that point at the name.
pub(crate) fn read_canonical(
    text: &str,
    layout: &Layout,
) -> Result<Vec<(Form, Vec<Finding>)>, CanonicalError> {
    read_canonical_named("canonical", text, layout)
}

/// [`read_canonical`], naming the source (its file name) in error snippets.
pub(crate) fn read_canonical_named(
    name: &str,
    text: &str,
    layout: &Layout,
) -> Result<Vec<(Form, Vec<Finding>)>, CanonicalError> {
    let file: CanonicalFile = from_yaml_str(
        DiagKind::FormFile,
        name,
        text,
        "自评表数据文件 (canonical form file)",
    )?;
    let err = |msg: String, key: &Spanned<String>| {
        Problem::in_text(
            DiagKind::FormFile,
            name,
            text,
            msg,
            yaml_span(&key.referenced, text),
        )
    };
    if file.formlint.value != VERSION {
        return Err(Box::new(Problem::in_text(
            DiagKind::FormFile,
            name,
            text,
            format!(
                "不支持的格式版本 formlint: {}（仅支持 {VERSION}） (unsupported format version)",
                file.formlint.value
            ),
            yaml_span(&file.formlint.referenced, text),
        )));
    }
    let mut out = Vec::new();
    for (i, cf) in file.forms.iter().enumerate() {
        let mut findings = Vec::new();
        let mut form = Form {
            sheet: cf.name.clone(),
            accepted: acceptances(i, &cf.accept),
            ..Form::default()
        };
        for (key, _) in &cf.fields.0 {
            if !layout.fields.iter().any(|f| f.name == key.value) {
                return Err(err(
                    format!("版式中没有字段“{}” (unknown field)", key.value),
                    key,
                )
                .with_help(suggestion(
                    &key.value,
                    layout.fields.iter().map(|f| f.name.as_str()),
                ))
                .into());
            }
        }
        // the funds unit first: money written with a unit converts to it
        let unit = layout.money_unit.as_deref().and_then(|m| {
            let (_, s) = cf.fields.0.iter().find(|(k, _)| k.value == m)?;
            match s {
                Scalar::Text(t) => Some(FieldValue::Text(t.clone())),
                _ => None,
            }
        });
        let money = unit.and_then(|u| Money::of(layout.units.as_ref(), &u));
        for f in &layout.fields {
            let path = FormPath::field(i, &f.name);
            let given = cf.fields.0.iter().find(|(k, _)| k.value == f.name);
            let ctx = (cf.name.as_str(), money.as_ref());
            let field = match given {
                Some((_, s)) => typed(s, f.kind, ctx, &f.name, path, &mut findings),
                None => Field::new(FieldValue::Blank, Some(Place::Path(path))),
            };
            form.fields.insert(f.name.clone(), field);
        }
        for (tkey, _) in &cf.tables.0 {
            if layout.table(&tkey.value).is_none() {
                return Err(err(
                    format!("版式中没有表格“{}” (unknown table)", tkey.value),
                    tkey,
                )
                .with_help(suggestion(
                    &tkey.value,
                    layout.tables.iter().map(|t| t.name.as_str()),
                ))
                .into());
            }
        }
        for spec in &layout.tables {
            let given = cf.tables.0.iter().find(|(k, _)| k.value == spec.name);
            let mut rows = Vec::new();
            for (j, crow) in given
                .map(|(_, r)| r.iter())
                .into_iter()
                .flatten()
                .enumerate()
            {
                let at = RowAt {
                    form: i,
                    row: j,
                    name: &cf.name,
                    money: money.as_ref(),
                };
                let mut row = read_row(spec, crow, &at, &mut findings, &err)?;
                // a structured form has no sheet rows: its position in the list orders it
                row.line = u32::try_from(j).ok();
                rows.push(row);
            }
            form.tables.insert(
                spec.name.clone(),
                Table {
                    rows,
                    at: Some(Place::Path(FormPath::table(i, &spec.name))),
                },
            );
        }
        out.push((form, findings));
    }
    Ok(out)
}

/// Which row of which form is being read.
struct RowAt<'a> {
    form: usize,
    row: usize,
    /// The form's name, for messages.
    name: &'a str,
    /// The form's funds unit, for money written with a unit.
    money: Option<&'a Money<'a>>,
}

impl RowAt<'_> {
    fn value(&self, table: &str, column: &str) -> FormPath {
        FormPath::value(self.form, table, self.row, column)
    }
}

/// Reads one row of a canonical table.
fn read_row(
    spec: &TableSpec,
    crow: &Ordered<Scalar>,
    at: &RowAt,
    findings: &mut Vec<Finding>,
    err: &dyn Fn(String, &Spanned<String>) -> Problem,
) -> Result<Row, Box<Problem>> {
    let kinds = spec.column_kinds();
    for (k, _) in &crow.0 {
        if !kinds.iter().any(|(n, _)| *n == k.value) {
            return Err(err(
                format!("表格“{}”没有列“{}” (unknown column)", spec.name, k.value),
                k,
            )
            .with_help(suggestion(&k.value, kinds.iter().map(|(n, _)| n.as_str())))
            .into());
        }
    }
    let get = |name: &str| crow.0.iter().find(|(k, _)| k.value == name);
    let mut row = Row::default();
    if let RowsSpec::Key { column, labels } = &spec.rows {
        let path = at.value(&spec.name, column);
        let field = match get(column) {
            Some((k, Scalar::Text(t))) => {
                let key = label_key(t);
                if !labels.contains(&key) {
                    return Err(err(
                        format!("“{t}”不是表格“{}”的行 (unknown row label)", spec.name),
                        k,
                    )
                    .with_help(suggestion(&key, labels.iter().map(String::as_str)))
                    .into());
                }
                Field::new(FieldValue::Text(key), Some(Place::Path(path)))
            }
            Some((_, Scalar::Null)) | None => {
                Field::new(FieldValue::Blank, Some(Place::Path(path)))
            }
            Some((k, _)) => {
                return Err(err(format!("{column}应为文字 (row label must be text)"), k).into());
            }
        };
        row.cells.insert(column.clone(), field);
    }
    for c in &spec.columns {
        let path = at.value(&spec.name, &c.name);
        let field = match get(&c.name) {
            Some((_, s)) => {
                let mut f = typed(s, c.kind, (at.name, at.money), &c.name, path, findings);
                if let Scalar::Text(raw) = s {
                    f.value = c.dashed(raw, f.value);
                }
                f
            }
            None => Field::new(FieldValue::Blank, Some(Place::Path(path))),
        };
        insert_with_weight(&mut row, c, field);
        if let Some(w) = &c.weight {
            if let Some((_, s)) = get(w) {
                let wpath = at.value(&spec.name, w);
                let weight = typed(s, Kind::Number, (at.name, None), w, wpath, findings);
                if !weight.value.is_blank() {
                    row.cells.insert(w.clone(), weight);
                }
            }
        }
    }
    Ok(row)
}
