//! Comparing an actual value with its target: unit conversion and "is the target met".

use super::parse::days_in_month;
use super::units::Units;
use super::{Comparator, Parsed, Quantity};
use rust_decimal::Decimal;

/// Converts `q` to `unit` when both share a base (`5.6万元` → 56000 `元`); `None` when the bases
/// differ or `q` has no unit (a bare number converts to nothing).
pub(crate) fn convert(q: &Quantity, unit: &str, units: &Units) -> Option<Decimal> {
    let from = q.unit.as_deref()?;
    let (from_factor, from_base) = units.base_cow(from);
    let (to_factor, to_base) = units.base_cow(unit);
    if from_base != to_base {
        return None;
    }
    if from_factor == to_factor {
        return Some(q.amount);
    }
    q.amount.checked_mul(from_factor)?.checked_div(to_factor)
}

/// The amounts of `target` and `actual`, both in the target's unit. A bare number on either
/// side takes the other side's unit (`≥20万元` vs `82694.30` → (20, 82694.30)); whether a bare
/// money number is suspicious is the rule pack's business (U002). `None` when the units have
/// different bases (`人次` vs `场次`, `%` vs `元`).
pub(crate) fn comparable(
    target: &Quantity,
    actual: &Quantity,
    units: &Units,
) -> Option<(Decimal, Decimal)> {
    match (&target.unit, &actual.unit) {
        (Some(unit), Some(_)) => Some((target.amount, convert(actual, unit, units)?)),
        _ => Some((target.amount, actual.amount)),
    }
}

/// Whether the actual value meets the target; `None` when they cannot be compared (words on
/// either side, a quantity against a date, units with different bases).
///
/// Quantities follow the target's comparator; the actual's own comparator, if any, is ignored.
/// `=` and a target with no comparator read as the national scoring formula reads `=`: more is
/// fine (actual ≥ target), except a zero target, which is met by an actual ≤ 0. So `100%` as a
/// target is met by `100%`, and `=9台` by `10台`.
///
/// Dates: a date bound (`2020年8月前`) or a plain date target (`2020年9月`) is met when the
/// actual date is no later than it, month by month (a bound with a day compares days; a bound
/// on the last day of its month is the whole month). `None` when the actual names only the
/// month of a bound that ends mid-month.
pub(crate) fn met(target: &Parsed, actual: &Parsed, units: &Units) -> Option<bool> {
    match (target, actual) {
        (Parsed::Quantity(t), Parsed::Quantity(a)) => {
            let (t_amount, a_amount) = comparable(t, a, units)?;
            Some(meets(t.cmp, t_amount, a_amount))
        }
        (
            Parsed::DateBound { year, month, day } | Parsed::Date { year, month, day },
            Parsed::DateBound {
                year: ay,
                month: am,
                day: ad,
            }
            | Parsed::Date {
                year: ay,
                month: am,
                day: ad,
            },
        ) => by_date((*year, *month, *day), (*ay, *am, *ad)),
        _ => None,
    }
}

fn meets(cmp: Option<Comparator>, target: Decimal, actual: Decimal) -> bool {
    match cmp.unwrap_or(Comparator::Eq) {
        Comparator::Ge => actual >= target,
        Comparator::Gt => actual > target,
        Comparator::Le => actual <= target,
        Comparator::Lt => actual < target,
        Comparator::Eq if target.is_zero() => actual <= Decimal::ZERO,
        Comparator::Eq => actual >= target,
    }
}

type Day = (i32, u32, Option<u32>);

fn by_date(bound: Day, actual: Day) -> Option<bool> {
    let (by, bm, bd) = bound;
    let (ay, am, ad) = actual;
    if (ay, am) != (by, bm) {
        return Some((ay, am) < (by, bm));
    }
    match (bd, ad) {
        (None, _) => Some(true),
        (Some(b), _) if b >= days_in_month(by, bm) => Some(true),
        (Some(b), Some(a)) => Some(a <= b),
        (Some(_), None) => None,
    }
}
