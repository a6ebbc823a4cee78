//! Builtins over indicator texts, for comparing what two forms call the same indicator:
//! `norm` (the normalisation of docs/target-catalogue.md §3.2), `dice` (bigram similarity),
//! `split`, `last`, and `last_day` (the last day a date or date bound allows).

use super::lists::{list, one};
use super::values::parsed;
use super::Args;
use super::CallCtx;
use crate::lang::val::{Val, V};
use crate::value::{days_in_month, Parsed};
use rust_decimal::Decimal;
use std::sync::Arc;
use unicode_normalization::UnicodeNormalization;

/// Punctuation, quotes and brackets that never tell two indicator texts apart.
const DROPPED: &str = "，,。.、;；:：“”\"'‘’《》〈〉()（）[]【】-—_·/";

/// The normalised text of an indicator: NFKC (full-width to half-width), lower case, no white
/// space, no trailing `(%)`, no punctuation, quotes or brackets.
pub(crate) fn normalised(text: &str) -> String {
    let folded: String = text.nfkc().flat_map(char::to_lowercase).collect();
    let mut t: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
    while let Some(rest) = t.strip_suffix("(%)") {
        t = rest.to_string();
    }
    t.chars().filter(|c| !DROPPED.contains(*c)).collect()
}

/// Dice's coefficient of the character bigrams of two texts (as given: normalise first), from
/// 0 to 1. Texts of one character compare as equal or not.
pub(crate) fn dice_of(a: &str, b: &str) -> Decimal {
    let bigrams = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().collect();
        c.windows(2).map(|w| (w[0], w[1])).collect()
    };
    let (x, mut y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return if a == b && !a.is_empty() {
            Decimal::ONE
        } else {
            Decimal::ZERO
        };
    }
    let total = x.len() + y.len();
    let mut common = 0usize;
    for g in &x {
        if let Some(i) = y.iter().position(|h| h == g) {
            y.swap_remove(i);
            common += 1;
        }
    }
    Decimal::from(2 * common) / Decimal::from(total)
}

fn text_of<'a>(v: &'a Val) -> Option<&'a str> {
    match &v.v {
        V::Text(t) | V::Invalid(t) => Some(t),
        _ => None,
    }
}

pub(super) fn norm<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let v = one(args);
    Ok(match text_of(&v) {
        Some(t) => Val {
            at: v.at,
            name: v.name.clone(),
            ..Val::text(&normalised(t))
        },
        None => Val::null(),
    })
}

pub(super) fn dice<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(match (text_of(&args[0]), text_of(&args[1])) {
        (Some(a), Some(b)) => Val::num(dice_of(&normalised(a), &normalised(b)).round_dp(2)),
        _ => Val::null(),
    })
}

pub(super) fn split<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let Some(text) = text_of(&args[0]) else {
        return Ok(Val::null());
    };
    let seps: Vec<String> = match &args[1].v {
        V::List(_) => list(&args[1])?
            .iter()
            .filter_map(|s| s.as_text().map(str::to_string))
            .collect(),
        _ => args[1].as_text().map(str::to_string).into_iter().collect(),
    };
    let mut parts = vec![text.to_string()];
    for sep in seps.iter().filter(|s| !s.is_empty()) {
        parts = parts
            .iter()
            .flat_map(|p| p.split(sep.as_str()).map(str::to_string))
            .collect();
    }
    let items = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(Val::text)
        .collect();
    Ok(Val::of(V::List(Arc::new(items))))
}

pub(super) fn last<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let items = list(&args[0])?;
    Ok(items
        .iter()
        .rev()
        .find(|v| !v.is_null())
        .cloned()
        .unwrap_or_else(Val::null))
}

/// The last day a date or date bound allows, as the number `YYYYMMDD`: `2020年12月前` and
/// `2020年12月` → 20201231, `2020年6月30日前` → 20200630.
pub(super) fn last_day<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let (year, month, day) = match parsed(&args[0]) {
        Some(Parsed::DateBound { year, month, day }) | Some(Parsed::Date { year, month, day }) => {
            (*year, *month, *day)
        }
        _ => return Ok(Val::null()),
    };
    let day = day.unwrap_or_else(|| days_in_month(year, month));
    let n = i64::from(year) * 10000 + i64::from(month) * 100 + i64::from(day);
    Ok(Val {
        at: args[0].at,
        name: args[0].name.clone(),
        ..Val::num(Decimal::from(n))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_and_similarity_as_the_catalogue_says() {
        assert_eq!(
            normalised("博士后满意度（%）"),
            normalised("博士后满意度(%)")
        );
        assert_eq!(normalised("博士后满意度（%）"), "博士后满意度");
        assert_eq!(
            normalised("举办“深圳市世贸组织事务中心顾问委员会年会”场次"),
            normalised("举办\"深圳市世贸组织事务中心顾问委员会年会\"场次")
        );
        assert_eq!(normalised(" ＡＢ c "), "abc");
        let typo = dice_of(
            &normalised("宣传公平贸易与多边贸易体制建设工作完成率"),
            &normalised("宣传公平贸易与多边贸易体制建设工作完成工作完成率"),
        );
        assert_eq!(typo.round_dp(2), Decimal::new(90, 2));
        let distinct = dice_of("杂志出版合规性", "杂志出版频次");
        assert!(distinct <= Decimal::new(55, 2), "{distinct}");
        let across = dice_of("交流人员满意度", "参训人员满意度");
        assert_eq!(across.round_dp(2), Decimal::new(67, 2));
        assert_eq!(dice_of("a", "a"), Decimal::ONE);
        assert_eq!(dice_of("", ""), Decimal::ZERO);
    }
}
