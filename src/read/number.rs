//! Number, percent and date conversions shared by the readers.
//!
//! Spreadsheets store numbers as IEEE doubles; the engine computes with [`Decimal`]. The
//! conversion goes through the shortest round-trip text so `82694.3` stays `82694.3`.

use crate::sheet::Date;
use crate::value::days_in_month;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Converts a stored float to the decimal the filer typed, via its shortest round-trip text.
///
/// `0.1 + 0.2` stored as `0.30000000000000004` stays that (it is what the file holds), but
/// `82694.3` becomes exactly `82694.3`. Returns `None` for NaN, infinities and magnitudes
/// beyond `Decimal`'s range (about 7.9e28).
pub(crate) fn decimal_from_f64(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    if f == 0.0 {
        // Also folds -0.0 into 0.
        return Some(Decimal::ZERO);
    }
    // A whole number below 2^53 is exactly an `i64`, and its shortest text is its digits:
    // most of a form's numbers (scores, weights, whole yuan) take this path, no text made.
    if f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        return Some(Decimal::from(f as i64));
    }
    let text = format!("{f}");
    if let Ok(d) = Decimal::from_str(&text) {
        return Some(d);
    }
    // Very small magnitudes: Display writes them out in full; try the exponent form.
    Decimal::from_scientific(&format!("{f:e}")).ok()
}

/// Whether an Excel number format code shows its value as a percentage.
///
/// A `%` scales the value only when it is a format token: quoted text (`"%"`), escaped
/// characters (`\%`), the character after `_` or `*`, and bracketed parts (`[Red]`) do not count.
pub(crate) fn is_percent_format(code: &str) -> bool {
    let mut chars = code.chars();
    let mut in_quote = false;
    let mut in_bracket = false;
    while let Some(c) = chars.next() {
        if in_quote {
            in_quote = c != '"';
            continue;
        }
        if in_bracket {
            in_bracket = c != ']';
            continue;
        }
        match c {
            '"' => in_quote = true,
            '[' => in_bracket = true,
            '\\' | '_' | '*' => {
                chars.next();
            }
            '%' => return true,
            _ => {}
        }
    }
    false
}

/// Parses the date part of an ISO 8601 value (`2020-08-31`, `2020-08-31T10:00:00`).
///
/// Returns `None` for time-only values and anything that is not a real calendar date.
pub(crate) fn parse_iso_date(text: &str) -> Option<Date> {
    let date_part = text.trim().split(['T', ' ']).next()?;
    let mut parts = date_part.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    valid_date(year, month, day).then_some(Date { year, month, day })
}

/// Whether `year-month-day` exists in the proleptic Gregorian calendar.
fn valid_date(year: i32, month: u32, day: u32) -> bool {
    (1..=days_in_month(year, month)).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// The whole-number shortcut gives what the text path gives (value and scale), at the
    /// edges of `i64` exactness and on many others.
    #[test]
    fn whole_numbers_convert_as_their_text_does() {
        let by_text = |f: f64| Decimal::from_str(&format!("{f}")).ok();
        let edge = 9_007_199_254_740_992.0_f64;
        let mut cases = vec![
            1.0,
            -1.0,
            7.0,
            100.0,
            1e15,
            edge - 1.0,
            -(edge - 1.0),
            edge,
            2e20,
        ];
        let mut rng = crate::tests_common::Rng(11);
        for _ in 0..20_000 {
            let digits = 1 + rng.below(16) as i32;
            let n = (rng.next() % 10u64.pow(digits as u32)) as f64;
            cases.push(if rng.one_in(2) { -n } else { n });
            cases.push(n / 10f64.powi(1 + rng.below(4) as i32));
        }
        for f in cases {
            let (fast, slow) = (decimal_from_f64(f), by_text(f));
            assert_eq!(fast, slow, "{f}");
            assert_eq!(fast.map(|d| d.scale()), slow.map(|d| d.scale()), "{f}");
        }
    }

    #[test]
    fn floats_keep_their_shortest_text() {
        assert_eq!(decimal_from_f64(82694.3), Some(dec("82694.3")));
        assert_eq!(
            decimal_from_f64(82694.3).unwrap().to_string(),
            "82694.3".to_string()
        );
        assert_eq!(decimal_from_f64(100.0), Some(dec("100")));
        assert_eq!(decimal_from_f64(0.96), Some(dec("0.96")));
        assert_eq!(decimal_from_f64(-12.5), Some(dec("-12.5")));
        assert_eq!(decimal_from_f64(-0.0), Some(Decimal::ZERO));
        assert_eq!(
            decimal_from_f64(0.1 + 0.2),
            Some(dec("0.30000000000000004"))
        );
    }

    #[test]
    fn non_finite_and_huge_floats_are_none() {
        assert_eq!(decimal_from_f64(f64::NAN), None);
        assert_eq!(decimal_from_f64(f64::INFINITY), None);
        assert_eq!(decimal_from_f64(f64::NEG_INFINITY), None);
        assert_eq!(decimal_from_f64(1e300), None);
        // Tiny values do not panic; they round into Decimal's 28 places.
        let tiny = decimal_from_f64(1e-30);
        assert!(tiny.is_some_and(|d| d.abs() < dec("0.0000000001")));
    }

    #[test]
    fn percent_formats() {
        for code in ["0%", "0.00%", "#,##0.0%", "0%;[Red]-0%", "[$-804]0.0%"] {
            assert!(is_percent_format(code), "{code}");
        }
        for code in [
            "General",
            "0.00",
            "#,##0.00",
            r#"0.00"%""#,
            r"0.00\%",
            "@",
            r#"_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * "-"??_ ;_ @_ "#,
        ] {
            assert!(!is_percent_format(code), "{code}");
        }
    }

    #[test]
    fn iso_dates() {
        let d = |year, month, day| Some(Date { year, month, day });
        assert_eq!(parse_iso_date("2020-08-31"), d(2020, 8, 31));
        assert_eq!(parse_iso_date("2020-08-31T10:30:00"), d(2020, 8, 31));
        assert_eq!(parse_iso_date("2020-02-30"), None);
        assert_eq!(parse_iso_date("2020-02-29"), d(2020, 2, 29));
        assert_eq!(parse_iso_date("2021-02-29"), None);
        assert_eq!(parse_iso_date("2020-13-01"), None);
        assert_eq!(parse_iso_date("2020-00-01"), None);
        assert_eq!(parse_iso_date("2020-04-00"), None);
        assert_eq!(parse_iso_date("10:30:00"), None);
        assert_eq!(parse_iso_date(""), None);
    }
}
