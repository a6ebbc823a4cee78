//! From cell text to [`Parsed`]: normalise, run the pest grammar, check units against the pack.

use super::grammar::{Rule, ValueParser};
use super::units::{normalize_separators, Units};
use super::{Comparator, Parsed, Quantity};
use crate::text::{compact, half_width};
use pest::iterators::Pair;
use pest::Parser;
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

/// The grammar's reading of width-normalised text, or `None` when it is words.
fn read_value(normalized: &str, units: &Units) -> Option<Parsed> {
    let value = ValueParser::parse(Rule::value, normalized).ok()?.next()?;
    for pair in value.into_inner() {
        return match pair.as_rule() {
            Rule::quantity => quantity(pair, units).map(Parsed::Quantity),
            Rule::date_bound => date_bound(pair),
            Rule::date => date(pair),
            _ => continue,
        };
    }
    None
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
fn plain_number(compacted: &str) -> Option<Decimal> {
    let mut pairs = ValueParser::parse(Rule::plain_number, compacted).ok()?;
    let number = pairs
        .next()?
        .into_inner()
        .find(|p| p.as_rule() == Rule::number)?;
    decimal(number.as_str())
}

/// Maps full-width ASCII forms (`９５％`, `＞`, `＝`, `／`) and the ideographic space to ASCII,
/// keeping the full-width comma `，`: it is a clause separator, never a thousands separator.
fn normalize_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '，' => c,
            '\u{3000}' => ' ',
            c => half_width(c),
        })
        .collect()
}

fn decimal(number: &str) -> Option<Decimal> {
    let digits: String = number.chars().filter(|c| *c != ',' && *c != '+').collect();
    Decimal::from_str(&digits).ok()
}

fn quantity(pair: Pair<Rule>, units: &Units) -> Option<Quantity> {
    let mut cmp = None;
    let mut amount = None;
    let mut unit = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::comparator => cmp = comparator(part),
            Rule::number => amount = Some(decimal(part.as_str())?),
            Rule::unit => {
                let text = normalize_separators(part.as_str());
                let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                if !units.is_valid(&text) {
                    return None;
                }
                unit = Some(units.canonical(&text));
            }
            _ => {}
        }
    }
    Some(Quantity {
        cmp,
        amount: amount?,
        unit,
    })
}

fn comparator(pair: Pair<Rule>) -> Option<Comparator> {
    let inner = pair.into_inner().next()?;
    Some(match inner.as_rule() {
        Rule::ge => Comparator::Ge,
        Rule::le => Comparator::Le,
        Rule::gt => Comparator::Gt,
        Rule::lt => Comparator::Lt,
        _ => Comparator::Eq,
    })
}

/// `(year, month, day)` of a `calendar`, checked against the real calendar.
fn calendar(pair: Pair<Rule>) -> Option<(i32, u32, Option<u32>)> {
    let inner = pair.into_inner().next()?;
    let mut year = None;
    let mut month = None;
    let mut day = None;
    if inner.as_rule() == Rule::year_end {
        month = Some(12);
    }
    for part in inner.into_inner() {
        match part.as_rule() {
            Rule::year => year = part.as_str().parse::<i32>().ok(),
            Rule::month => month = part.as_str().parse::<u32>().ok(),
            Rule::day => day = Some(part.as_str().parse::<u32>().ok()?),
            _ => {}
        }
    }
    let (year, month) = (year?, month?);
    if !(1..=12).contains(&month) {
        return None;
    }
    if let Some(d) = day {
        if d < 1 || d > days_in_month(year, month) {
            return None;
        }
    }
    Some((year, month, day))
}

fn date_bound(pair: Pair<Rule>) -> Option<Parsed> {
    let cal = pair.into_inner().find(|p| p.as_rule() == Rule::calendar)?;
    let (year, month, day) = calendar(cal)?;
    Some(Parsed::DateBound { year, month, day })
}

fn date(pair: Pair<Rule>) -> Option<Parsed> {
    let cal = pair.into_inner().find(|p| p.as_rule() == Rule::calendar)?;
    let (year, month, day) = calendar(cal)?;
    Some(Parsed::Date { year, month, day })
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
