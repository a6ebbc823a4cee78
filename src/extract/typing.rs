//! Turning a raw value (a sheet cell or a canonical scalar) into a typed [`FieldValue`]
//! by the kind the layout gives it, and reporting text where a number belongs.

use super::normalise::is_dash;
use crate::codes;
use crate::finding::Finding;
use crate::form::{FieldValue, Kind, Place};
use crate::sheet::CellValue;
use crate::value::parse_number;
use rust_decimal::Decimal;

/// Types a sheet cell: numbers stay numbers in number columns and become their displayed
/// text in text columns; text in a number column is parsed, or kept as [`FieldValue::Invalid`].
pub(super) fn type_cell(value: &CellValue, kind: Kind) -> FieldValue {
    match (value, kind) {
        (CellValue::Empty, _) => FieldValue::Blank,
        (CellValue::Text(t), k) => type_text(t, k),
        (CellValue::Number(d), Kind::Text | Kind::Words) => {
            FieldValue::Text(d.normalize().to_string())
        }
        (CellValue::Number(d), _) => FieldValue::Number(*d),
        (CellValue::Percent(d), Kind::Number | Kind::Money) => FieldValue::Number(*d),
        (
            v @ (CellValue::Percent(_) | CellValue::Date(_) | CellValue::Bool(_)),
            Kind::Text | Kind::Words,
        ) => FieldValue::Text(v.display()),
        (v @ (CellValue::Date(_) | CellValue::Bool(_)), _) => FieldValue::Invalid(v.display()),
        (CellValue::Error(e), Kind::Text | Kind::Words) => FieldValue::Text(e.clone()),
        (CellValue::Error(e), _) => FieldValue::Invalid(e.clone()),
    }
}

/// Types text: trimmed text for text kinds; for number kinds a parsed number, a blank for
/// a dash (`—` = not applicable), or [`FieldValue::Invalid`] for words.
pub(super) fn type_text(text: &str, kind: Kind) -> FieldValue {
    let t = text.trim();
    if t.is_empty() {
        return FieldValue::Blank;
    }
    match kind {
        Kind::Text | Kind::Words => FieldValue::Text(t.to_string()),
        Kind::Number | Kind::Money => {
            if is_dash(t) {
                FieldValue::Blank
            } else if let Some(n) = parse_number(t) {
                FieldValue::Number(n)
            } else {
                FieldValue::Invalid(t.to_string())
            }
        }
    }
}

/// A form's funds unit, for reading money written with a unit (`82,694.30元`, `23万元`): the
/// pack's units and the form's unit as a factor of their money base (`万元` → 10000).
pub(super) struct Money<'a> {
    units: &'a crate::value::Units,
    factor: Decimal,
}

impl<'a> Money<'a> {
    /// The funds unit `unit` (the value of the layout's `money_unit` field) in `units`; `None`
    /// when the form states none or it is not a money unit of the pack.
    pub(super) fn of(units: Option<&'a crate::value::Units>, unit: &FieldValue) -> Option<Self> {
        let (Some(units), FieldValue::Text(unit)) = (units, unit) else {
            return None;
        };
        let unit = unit.trim();
        (units.is_valid(unit) && units.is_money(unit)).then(|| Money {
            units,
            factor: units.base_cow(unit).0,
        })
    }

    /// `text`, an amount and a money unit with no comparator (`23万元`), in the form's unit,
    /// exactly; `None` for any other text.
    pub(super) fn read(&self, text: &str) -> Option<Decimal> {
        let crate::value::Parsed::Quantity(q) = crate::value::parse(text, self.units) else {
            return None;
        };
        let unit = q.unit.as_deref().filter(|u| self.units.is_money(u))?;
        if q.cmp.is_some() {
            return None;
        }
        q.amount
            .checked_mul(self.units.base_cow(unit).0)?
            .checked_div(self.factor)
    }

    /// `value` typed as money from `text`: a number written with its unit replaces the
    /// [`FieldValue::Invalid`] plain typing gave it.
    pub(super) fn retype(money: Option<&Self>, text: &str, value: FieldValue) -> FieldValue {
        match (money, &value) {
            (Some(m), FieldValue::Invalid(_)) => m.read(text).map_or(value, FieldValue::Number),
            _ => value,
        }
    }
}

/// Types a number that came as a number (a canonical YAML/JSON scalar).
pub(super) fn type_number(n: Decimal, kind: Kind) -> FieldValue {
    match kind {
        Kind::Text | Kind::Words => FieldValue::Text(n.normalize().to_string()),
        Kind::Number | Kind::Money => FieldValue::Number(n),
    }
}

/// The X006 finding for text filed where the layout wants a number.
pub(super) fn text_in_number(sheet: &str, name: &str, text: &str, at: Place) -> Finding {
    Finding {
        code: codes::TEXT_IN_NUMBER.code.to_string(),
        severity: codes::TEXT_IN_NUMBER.severity,
        title: codes::TEXT_IN_NUMBER.title.to_string(),
        message: format!("{name}应为数字，实际填写“{text}”"),
        sheet: Some(sheet.to_string()),
        at: Some(at),
        related: Vec::new(),
        help: Some(
            "请填写数字；不适用时填“—”，说明文字请写在偏差原因分析及改进措施栏。Fill in a number; use “—” when not applicable."
                .to_string(),
        ),
    }
}

/// The X010 finding for a number or date filed where the layout wants words (a name).
pub(super) fn number_in_words(sheet: &str, name: &str, shown: &str, at: Place) -> Finding {
    Finding {
        code: codes::NUMBER_IN_WORDS.code.to_string(),
        severity: codes::NUMBER_IN_WORDS.severity,
        title: codes::NUMBER_IN_WORDS.title.to_string(),
        message: format!("{name}应为文字，实际填写了数字或日期“{shown}”"),
        sheet: Some(sheet.to_string()),
        at: Some(at),
        related: Vec::new(),
        help: Some(
            "可能填错了列，请核对。A number where a name belongs: check the column.".to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sheet::Date;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn types_cells() {
        use FieldValue::*;
        assert_eq!(type_cell(&CellValue::Empty, Kind::Number), Blank);
        assert_eq!(type_cell(&CellValue::Text("  ".into()), Kind::Text), Blank);
        assert_eq!(
            type_cell(&CellValue::Text(" 有效保障 ".into()), Kind::Text),
            Text("有效保障".into())
        );
        assert_eq!(
            type_cell(&CellValue::Number(d("82694.30")), Kind::Text),
            Text("82694.3".into())
        );
        assert_eq!(
            type_cell(&CellValue::Percent(d("0.96")), Kind::Text),
            Text("96%".into())
        );
        assert_eq!(
            type_cell(&CellValue::Percent(d("0.96")), Kind::Number),
            Number(d("0.96"))
        );
        let date = CellValue::Date(Date {
            year: 2020,
            month: 9,
            day: 30,
        });
        assert_eq!(type_cell(&date, Kind::Text), Text("2020年9月30日".into()));
        assert_eq!(
            type_cell(&CellValue::Text("1,330,000.00".into()), Kind::Money),
            Number(d("1330000.00"))
        );
        assert_eq!(type_cell(&CellValue::Text("—".into()), Kind::Number), Blank);
        assert_eq!(type_cell(&CellValue::Text("／".into()), Kind::Money), Blank);
        assert_eq!(
            type_cell(&CellValue::Text("暂缓举办".into()), Kind::Number),
            Invalid("暂缓举办".into())
        );
        assert_eq!(
            type_cell(&CellValue::Error("#DIV/0!".into()), Kind::Number),
            Invalid("#DIV/0!".into())
        );
    }
}
