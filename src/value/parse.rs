//! From cell text to [`Parsed`]: normalise, recognise the grammar ([`scan`]), check the
//! numbers, units and dates it matched.

use super::scan::{self, Calendar, Value};
use super::units::{normalize_separators, Units};
use super::{Parsed, Quantity};
use crate::text::{compact, half_width};
use rust_decimal::Decimal;
use std::str::FromStr;

/// Reads a target or actual value. Never fails: text the grammar cannot read, or a quantity
/// whose trailing text is not a unit of the pack, is [`Parsed::Words`] (trimmed original text).
pub(crate) fn parse(text: &str, units: &Units) -> Parsed {
    let original = text.trim();
    let normalized = normalize_width(original);
    read_value(&normalized, units)
        .or_else(|| {
            // `不低于95%`, `95%以上`: the pack's comparator words, written as their symbol
            let symbolic = units.comparator_words(&normalized)?;
            read_value(&symbolic, units)
        })
        .unwrap_or_else(|| Parsed::Words(original.to_string()))
}

/// The grammar's reading of width-normalised text, or `None` when it is words: a number
/// beyond [`Decimal`], a unit the pack does not know, or a day or month the calendar does not
/// have are words too.
pub(super) fn read_value(normalized: &str, units: &Units) -> Option<Parsed> {
    Some(match scan::value(normalized)? {
        Value::Quantity { cmp, number, unit } => Parsed::Quantity(Quantity {
            cmp,
            amount: decimal(number)?,
            unit: match unit {
                Some(text) => Some(pack_unit(text, units)?),
                None => None,
            },
        }),
        Value::Bound(cal) => {
            let (year, month, day) = checked(cal)?;
            Parsed::DateBound { year, month, day }
        }
        Value::Date(cal) => {
            let (year, month, day) = checked(cal)?;
            Parsed::Date { year, month, day }
        }
    })
}

/// The canonical spelling of a matched `unit` (white space inside dropped), or `None` when it
/// is not a unit of the pack.
fn pack_unit(text: &str, units: &Units) -> Option<String> {
    let text = normalize_separators(text);
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    units.is_valid(&text).then(|| units.canonical(&text))
}

/// `(year, month, day)` of a matched `calendar`, when the real calendar has that month and day.
fn checked(cal: Calendar) -> Option<(i32, u32, Option<u32>)> {
    let Calendar { year, month, day } = cal;
    if !(1..=12).contains(&month) {
        return None;
    }
    match day {
        Some(d) if d < 1 || d > days_in_month(year, month) => None,
        _ => Some((year, month, day)),
    }
}

/// The one parser for a number typed as text (number cells, `（50分）` weights): optional sign,
/// digits with optional thousands separators `,` or `，` in groups of three after a first group
/// of one to three, optional decimal part, optional trailing `%` or `％`. Full-width forms are
/// folded and white space anywhere is dropped first ([`compact`]): `1,330,000.00`, ` 56000 `,
/// `９５`, `１２３．５`, `1，330`, `+5`, `-3.5`, `96%`. Anything else (`暂缓举办`, `5场`, `1,33`,
/// `-`, `—`) is `None`: callers decide (a number cell reads a dash as blank).
///
/// A trailing `%` makes the number a fraction, `96%` → 0.96: Excel stores a percent-formatted
/// cell as the fraction (`CellValue::Percent(0.96)`, shown `96%`), so the same `96%` typed as
/// text must be the same number. Target and actual values ([`parse`]) keep `96%` as 96 with the
/// unit `%` instead, because they compare percentages as written.
pub(crate) fn parse_number(text: &str) -> Option<Decimal> {
    let t = compact(text);
    match t.strip_suffix('%') {
        Some(rest) => plain_number(rest).map(|n| n / Decimal::ONE_HUNDRED),
        None => plain_number(&t),
    }
}

/// The grammar's `plain_number` on text already [`compact`]ed.
pub(super) fn plain_number(compacted: &str) -> Option<Decimal> {
    scan::plain_number(compacted).and_then(decimal)
}

/// Maps full-width ASCII forms (`９５％`, `＞`, `＝`, `／`) and the ideographic space to ASCII,
/// keeping the full-width comma `，`: it is a clause separator, never a thousands separator.
pub(super) fn normalize_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '，' => c,
            '\u{3000}' => ' ',
            c => half_width(c),
        })
        .collect()
}

/// The value of a matched `number`: separators and a `+` dropped; `None` beyond [`Decimal`].
pub(super) fn decimal(number: &str) -> Option<Decimal> {
    let digits: String = number.chars().filter(|c| *c != ',' && *c != '+').collect();
    Decimal::from_str(&digits).ok()
}

/// Days in a month of the proleptic Gregorian calendar, the one calendar rule of the crate
/// (the value grammar's dates, the readers' ISO dates). A month outside 1..=12 has 0 days, so
/// `(1..=days_in_month(year, month)).contains(&day)` checks a whole date.
pub(crate) fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}
