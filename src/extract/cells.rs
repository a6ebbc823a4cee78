//! Reading a form's values once its labels are found: a field from its label's cell, a table
//! row across its columns, each typed by the layout and placed at its cell.

use super::layout::{ColumnSpec, FieldSpec, Layout, ValueAt};
use super::normalise::normalise;
use super::sheet_form::{LabelCell, Located};
use super::typing::{number_in_words, text_in_number, type_cell, type_text, Money};
use crate::finding::Finding;
use crate::form::{Cells, Field, FieldValue, Kind, Place, Row};
use crate::sheet::{CellRef, CellValue, Sheet};
use crate::value::parse_number;
use std::collections::BTreeMap;

/// The top-left cell of the merged region holding `at` (or `at` itself).
fn anchor(sheet: &Sheet, at: CellRef) -> CellRef {
    sheet
        .cell(at)
        .and_then(|c| c.merged)
        .map_or(at, |m| m.start)
}

/// Collects typed values and the findings reading them raises (X006, X010, X005).
pub(super) struct Reader<'a> {
    pub(super) sheet: &'a Sheet,
    layout: &'a Layout,
    /// The form's funds unit, when the layout names the field holding it and the pack knows
    /// the unit: money cells written with a unit convert to it.
    money: Option<Money<'a>>,
    pub(super) findings: Vec<Finding>,
}

impl<'a> Reader<'a> {
    /// A reader of `sheet` as `layout` describes it.
    pub(super) fn new(sheet: &'a Sheet, layout: &'a Layout) -> Self {
        Reader {
            sheet,
            layout,
            money: None,
            findings: Vec::new(),
        }
    }

    /// Takes the form's funds unit (`元`, `万元`) from its field, so money cells written with a
    /// unit convert to it.
    pub(super) fn set_money_unit(&mut self, unit: &FieldValue) {
        self.money = Money::of(self.layout.units.as_ref(), unit);
    }

    /// Types the cell at `at` as `kind`, placed at its merged region's top-left cell.
    pub(super) fn cell(&mut self, at: CellRef, kind: Kind, name: &str) -> Field {
        let place = Place::Cell(anchor(self.sheet, at));
        let raw = self.sheet.value(at);
        let mut value = type_cell(raw, kind);
        if let (Kind::Money, CellValue::Text(t)) = (kind, raw) {
            value = Money::retype(self.money.as_ref(), t, value);
        }
        let shown_as_number = matches!(
            raw,
            CellValue::Number(_) | CellValue::Percent(_) | CellValue::Date(_)
        );
        if kind == Kind::Words
            && shown_as_number
            && !self.findings.iter().any(|f| f.at.as_ref() == Some(&place))
        {
            self.findings.push(number_in_words(
                &self.sheet.name,
                name,
                &raw.display(),
                place.clone(),
            ));
        }
        self.check(value, place, name)
    }

    pub(super) fn check(&mut self, value: FieldValue, place: Place, name: &str) -> Field {
        // a merged cell spans rows: report it once
        let reported = self.findings.iter().any(|f| f.at.as_ref() == Some(&place));
        if let (FieldValue::Invalid(t), false) = (&value, reported) {
            self.findings
                .push(text_in_number(&self.sheet.name, name, t, place.clone()));
        }
        Field::new(value, Some(place))
    }

    /// The other label of the layout the cell at `at` holds (`实际完成情况` under `预期目标`
    /// in a goal block laid out as rows), other than the field's own.
    fn label_at(&self, at: CellRef, own: &FieldSpec) -> Option<String> {
        let CellValue::Text(t) = self.sheet.value(anchor(self.sheet, at)) else {
            return None;
        };
        let core = normalise(t).core;
        (!own.label_cell && !own.is(&core) && self.layout.is_label(&core)).then_some(core)
    }
}

/// The cell `at` names relative to a label: right of its (merged) cell, or below it.
fn beside(at: &ValueAt, label: &LabelCell) -> CellRef {
    match at {
        ValueAt::Below => CellRef::new(label.extent.end.row + 1, label.at.col),
        _ => CellRef::new(label.at.row, label.extent.end.col + 1),
    }
}

/// Reads one field's value from where the layout says it is relative to its label. A cell
/// that holds another label is not the value: the field's `or` place is read instead, and
/// with none (or that one a label too) the field is unreadable, reported as X005 at its label.
pub(super) fn read_field(
    rd: &mut Reader,
    f: &FieldSpec,
    label: &LabelCell,
    located: &BTreeMap<String, Located>,
) -> Field {
    match &f.value {
        at @ (ValueAt::Right | ValueAt::Below) => {
            let mut tried = Vec::new();
            for place in std::iter::once(at).chain(&f.or) {
                let cell = beside(place, label);
                match rd.label_at(cell, f) {
                    None => return rd.cell(cell, f.kind, &f.name),
                    Some(other) => tried.push((anchor(rd.sheet, cell), other)),
                }
            }
            rd.findings
                .push(label_in_value(&rd.sheet.name, f, label.at, &tried));
            Field::new(
                FieldValue::Invalid(String::new()),
                Some(Place::Cell(label.at)),
            )
        }
        ValueAt::Suffix => {
            let value = label
                .norm
                .suffix
                .as_deref()
                .map_or(FieldValue::Blank, |s| type_text(s, f.kind));
            rd.check(value, Place::Cell(label.at), &f.name)
        }
        ValueAt::Column { table, column } => match located.get(table).and_then(|l| l.col(column)) {
            Some(col) => rd.cell(CellRef::new(label.at.row, col), f.kind, &f.name),
            None => Field::new(FieldValue::Blank, None),
        },
    }
}

/// The X005 finding for a field whose value cell holds another label: where it looked and
/// what it found there, at the field's label.
fn label_in_value(sheet: &str, f: &FieldSpec, at: CellRef, tried: &[(CellRef, String)]) -> Finding {
    let seen: Vec<String> = tried
        .iter()
        .map(|(cell, other)| format!("{cell} 是另一个标签“{other}”"))
        .collect();
    Finding {
        at: Some(Place::Cell(at)),
        help: Some(
            "请在标签旁按模板填写该项内容；版式不同时可在版式文件中用 or 指定另一取值位置。Fill the value next to its label; a layout can name another place with `or`."
                .to_string(),
        ),
        ..crate::codes::INCOMPLETE.on_sheet(
            sheet,
            format!(
                "无法确定“{}”的值：{}，未读取",
                f.label,
                seen.join("，")
            ),
        )
    }
}

/// Reads one table row: every located column, plus derived weight columns.
pub(super) fn read_row(rd: &mut Reader, l: &Located, r: u32) -> Row {
    let weights = l.spec.columns.iter().filter(|c| c.weight.is_some()).count();
    let mut row = Row {
        cells: Cells::with_capacity(l.spec.columns.len() + weights),
        line: Some(r),
    };
    for ((c, col), join) in l.spec.columns.iter().zip(&l.cols).zip(&l.joins) {
        let Some(col) = col else {
            row.cells
                .insert(c.name.clone(), Field::new(FieldValue::Blank, None));
            if let Some(w) = &c.weight {
                row.cells
                    .insert(w.clone(), Field::new(FieldValue::Blank, None));
            }
            continue;
        };
        let mut field = rd.cell(CellRef::new(r, *col), c.kind, &c.name);
        if let CellValue::Text(raw) = rd.sheet.value(CellRef::new(r, *col)) {
            field.value = c.dashed(raw, field.value);
        }
        if let (FieldValue::Text(t), true) =
            (&mut field.value, join.0.is_some() || join.1.is_some())
        {
            let shown = |c: Option<u32>| {
                c.map(|c| rd.sheet.value(CellRef::new(r, c)).display())
                    .unwrap_or_default()
            };
            *t = format!("{}{t}{}", shown(join.0).trim(), shown(join.1).trim());
        }
        insert_with_weight(&mut row, c, field);
    }
    row
}

/// Inserts a column's field; a weight column splits `产出指标（50分）` into text and weight.
pub(crate) fn insert_with_weight(row: &mut Row, c: &ColumnSpec, field: Field) {
    let Some(wname) = &c.weight else {
        row.cells.insert(c.name.clone(), field);
        return;
    };
    let (value, weight) = split_weight(field.value);
    row.cells
        .insert(c.name.clone(), Field::new(value, field.at.clone()));
    row.cells
        .insert(wname.clone(), Field::new(weight, field.at));
}

/// `产出指标（50分）` → (`产出指标`, 50); text without a numeric `(N分)` suffix is kept whole.
fn split_weight(v: FieldValue) -> (FieldValue, FieldValue) {
    if let FieldValue::Text(t) = &v {
        let n = normalise(t);
        if let Some(w) = n.suffix.as_deref().and_then(|s| {
            let s = s.strip_suffix('分').unwrap_or(s);
            parse_number(s)
        }) {
            return (FieldValue::Text(n.core), FieldValue::Number(w));
        }
    }
    (v, FieldValue::Blank)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    /// The shipped self-evaluation layout with money units as its pack declares them.
    fn layout() -> Layout {
        let mut l = super::super::parse_layout(
            "layout.yaml",
            include_str!("../../rules/shenzhen-2020/layout.yaml"),
        )
        .expect("the shipped layout");
        let mut units = crate::value::Units::new();
        for u in ["元", "万元", "亿元", "人次"] {
            units.add_unit(u);
        }
        units.add_alias("万", "万元");
        units.add_scale("万元", Decimal::from(10_000), "元");
        units.add_scale("亿元", Decimal::from(100_000_000), "元");
        l.set_units(units);
        l
    }

    fn money(layout: &Layout, form_unit: Option<&str>, text: &str) -> FieldValue {
        let mut sheet = Sheet::default();
        sheet.set(
            CellRef::new(0, 0),
            crate::sheet::Cell {
                value: CellValue::Text(text.into()),
                merged: None,
                formula: false,
            },
        );
        let mut rd = Reader::new(&sheet, layout);
        if let Some(u) = form_unit {
            rd.set_money_unit(&FieldValue::Text(u.into()));
        }
        rd.cell(CellRef::new(0, 0), Kind::Money, "项目金额").value
    }

    fn n(s: &str) -> FieldValue {
        FieldValue::Number(s.parse().expect("decimal"))
    }

    #[test]
    fn money_written_with_a_unit_is_read_in_the_forms_unit_exactly() {
        let l = layout();
        assert_eq!(money(&l, Some("元"), "82,694.30元"), n("82694.30"));
        assert_eq!(money(&l, Some("元"), "23万元"), n("230000"));
        assert_eq!(money(&l, Some("元"), "23 万"), n("230000"));
        assert_eq!(money(&l, Some("万元"), "82,694.30元"), n("8.26943"));
        assert_eq!(money(&l, Some("万元"), "1.2亿元"), n("12000"));
        // no funds unit on the form, a unit that is not money, a comparator: text (X006)
        for (unit, text) in [
            (None, "82,694.30元"),
            (Some("元"), "25人次"),
            (Some("元"), "≥5万元"),
            (Some("元"), "暂缓"),
        ] {
            assert_eq!(
                money(&l, unit, text),
                FieldValue::Invalid(text.into()),
                "{unit:?} {text}"
            );
        }
    }
}
