//! The pest path that read values before [`super::scan`]: grammar/value.pest run by pest and
//! the results built from its pairs, kept unchanged as the oracle the differential test
//! (`scan_tests.rs`) holds the hand-written recogniser to; and pest's match in the
//! recogniser's own terms ([`pest_value`], [`pest_number`]), so that the two are compared
//! before any unit or calendar check too.

use super::grammar::{Rule, ValueParser};
use super::parse::{days_in_month, decimal};
use super::scan::{Calendar, Value};
use super::units::{normalize_separators, Units};
use super::{Comparator, Parsed, Quantity};
use pest::iterators::Pair;
use pest::Parser;
use rust_decimal::Decimal;

/// The grammar's reading of width-normalised text, or `None` when it is words.
pub(super) fn pest_read_value(normalized: &str, units: &Units) -> Option<Parsed> {
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

/// The grammar's `plain_number` on text already compacted.
pub(super) fn pest_plain_number(compacted: &str) -> Option<Decimal> {
    pest_number(compacted).and_then(decimal)
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

/// What pest's `value` matched, as [`super::scan::value`] says it: the alternative, the
/// comparator, the `number` and `unit` pairs' text, the `calendar`'s numbers unchecked.
pub(super) fn pest_value(text: &str) -> Option<Value<'_>> {
    let value = ValueParser::parse(Rule::value, text).ok()?.next()?;
    let pair = value
        .into_inner()
        .find(|p| matches!(p.as_rule(), Rule::quantity | Rule::date_bound | Rule::date))?;
    Some(match pair.as_rule() {
        Rule::quantity => {
            let (mut cmp, mut number, mut unit) = (None, "", None);
            for part in pair.into_inner() {
                match part.as_rule() {
                    Rule::comparator => cmp = comparator(part),
                    Rule::number => number = part.as_str(),
                    Rule::unit => unit = Some(part.as_str()),
                    _ => {}
                }
            }
            Value::Quantity { cmp, number, unit }
        }
        Rule::date_bound => Value::Bound(raw_calendar(pair)?),
        _ => Value::Date(raw_calendar(pair)?),
    })
}

/// The numbers of the `calendar` inside a `date_bound` or `date` pair, unchecked; a
/// `year_end` is month 12.
fn raw_calendar(pair: Pair<Rule>) -> Option<Calendar> {
    let cal = pair.into_inner().find(|p| p.as_rule() == Rule::calendar)?;
    let mut out = Calendar {
        year: 0,
        month: 12,
        day: None,
    };
    for part in cal.into_inner().next()?.into_inner() {
        match part.as_rule() {
            Rule::year => out.year = part.as_str().parse().ok()?,
            Rule::month => out.month = part.as_str().parse().ok()?,
            Rule::day => out.day = Some(part.as_str().parse().ok()?),
            _ => {}
        }
    }
    Some(out)
}

/// The text of the `number` pest's `plain_number` matched.
pub(super) fn pest_number(text: &str) -> Option<&str> {
    let mut pairs = ValueParser::parse(Rule::plain_number, text).ok()?;
    let number = pairs
        .next()?
        .into_inner()
        .find(|p| p.as_rule() == Rule::number)?;
    Some(number.as_str())
}
