//! A hand-written recogniser of grammar/value.pest, the grammar compiled by hand rule for rule:
//! ordered choices tried in the grammar's order and never re-entered once one has matched,
//! greedy repetitions that give nothing back, the implicit `WHITESPACE` between the tokens of
//! non-atomic rules and none inside the atomic ones (`number`, `unit_word`, `year`, `month`,
//! `day`). It exists because pest's machinery was most of the cost of reading a value. It only
//! recognises: what the matched text means (a decimal, a unit of the pack, a real calendar day)
//! is decided in `parse.rs`, as it was from pest's pairs. The pest grammar stays the
//! specification; `scan_tests.rs` checks that both agree on the examples, the fixtures' values
//! and tens of thousands of generated strings.
//!
//! Positions are byte offsets into the text, always on a char boundary.

use super::{Comparator, SYMBOLS};

/// What the grammar's `value` rule matched: the alternative taken, with the parts the builder
/// needs, in the form pest's pairs gave them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Value<'a> {
    /// `quantity`: the comparator, the `number` pair's text, and the `unit` pair's text as
    /// `Pair::as_str` gives it, white space inside included (see [`unit`]).
    Quantity {
        cmp: Option<Comparator>,
        number: &'a str,
        unit: Option<&'a str>,
    },
    /// `date_bound`: `2020年8月前`, `≤2020年12月`.
    Bound(Calendar),
    /// `date`: `2020年9月`.
    Date(Calendar),
}

/// A `calendar` as written, not yet checked against the real calendar; a `year_end`
/// (`2020年底`) is month 12 with no day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Calendar {
    pub(super) year: i32,
    pub(super) month: u32,
    pub(super) day: Option<u32>,
}

/// `value = { SOI ~ approx? ~ (date_bound ~ EOI | date ~ EOI | quantity ~ EOI) }`: each
/// alternative starts after the optional `约` and must reach the end itself.
pub(super) fn value(s: &str) -> Option<Value<'_>> {
    let at = skip(s, 0);
    let at = lit(s, at, "约").map_or(at, |p| skip(s, p));
    let ends = |p: usize| skip(s, p) == s.len();
    if let Some((cal, p)) = date_bound(s, at) {
        if ends(p) {
            return Some(Value::Bound(cal));
        }
    }
    if let Some((cal, p)) = calendar(s, at) {
        if ends(p) {
            return Some(Value::Date(cal));
        }
    }
    quantity(s, at).and_then(|(q, p)| ends(p).then_some(q))
}

/// `plain_number = { SOI ~ number ~ EOI }`: the `number` pair's text.
pub(super) fn plain_number(s: &str) -> Option<&str> {
    let at = skip(s, 0);
    let end = number(s, at)?;
    (skip(s, end) == s.len()).then(|| &s[at..end])
}

/// The grammar's `WHITESPACE`.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{3000}')
}

/// `unit_sep = { per | times }`: `/` and the four spellings of the times dot.
fn is_sep(c: char) -> bool {
    matches!(c, '/' | '·' | '・' | '•' | '⋅')
}

/// The implicit `WHITESPACE*` pest tries between two tokens of a non-atomic rule.
fn skip(s: &str, at: usize) -> usize {
    s.len() - s[at..].trim_start_matches(is_space).len()
}

/// A literal token: the position after `word` when the text at `at` starts with it.
fn lit(s: &str, at: usize, word: &str) -> Option<usize> {
    s[at..].starts_with(word).then(|| at + word.len())
}

/// `ASCII_DIGIT{min,max}`: as many digits as there are up to `max` (pest's repetition is
/// greedy and gives none back), failing below `min`.
fn digits(s: &str, at: usize, min: usize, max: usize) -> Option<usize> {
    let n = s.as_bytes()[at..]
        .iter()
        .take(max)
        .take_while(|b| b.is_ascii_digit())
        .count();
    (n >= min).then_some(at + n)
}

/// The value of a run of one to four ASCII digits (`year`, `month`, `day`).
fn value_of(run: &str) -> u32 {
    run.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0'))
}

/// `number = @{ sign? ~ integer ~ fraction? }`, with `integer = _{ grouped_int | plain_int }`
/// and `fraction = { "." ~ ASCII_DIGIT+ }`; atomic, so no white space anywhere inside.
fn number(s: &str, at: usize) -> Option<usize> {
    let at = lit(s, at, "-").or_else(|| lit(s, at, "+")).unwrap_or(at);
    let int = grouped_int(s, at).or_else(|| digits(s, at, 1, usize::MAX))?;
    Some(
        lit(s, int, ".")
            .and_then(|p| digits(s, p, 1, usize::MAX))
            .unwrap_or(int),
    )
}

/// `grouped_int = { ASCII_DIGIT{1,3} ~ ("," ~ ASCII_DIGIT{3})+ ~ !ASCII_DIGIT }`: a round that
/// finds no comma and three digits ends the repetition where the last one ended.
fn grouped_int(s: &str, at: usize) -> Option<usize> {
    let mut p = digits(s, at, 1, 3)?;
    let mut groups = 0;
    while let Some(next) = lit(s, p, ",").and_then(|c| digits(s, c, 3, 3)) {
        p = next;
        groups += 1;
    }
    let digit_follows = s.as_bytes().get(p).is_some_and(u8::is_ascii_digit);
    (groups > 0 && !digit_follows).then_some(p)
}

/// `comparator = { ge | le | gt | lt | eq }`: [`SYMBOLS`] holds the same spellings, each
/// two-character one (`>=`, `<=`) before the one-character one it starts with, so the first
/// that matches is the one pest's ordered choice takes.
fn comparator(s: &str, at: usize) -> Option<(Comparator, usize)> {
    SYMBOLS
        .iter()
        .find_map(|(symbol, c)| lit(s, at, symbol).map(|p| (*c, p)))
}

/// `quantity = { comparator? ~ number ~ ("(" ~ unit ~ ")" | unit)? }`: the quantity and where
/// it ends.
fn quantity(s: &str, at: usize) -> Option<(Value<'_>, usize)> {
    let (cmp, at) = match comparator(s, at) {
        Some((c, p)) => (Some(c), skip(s, p)),
        None => (None, at),
    };
    let end = number(s, at)?;
    let number = &s[at..end];
    let after = skip(s, end);
    let bracketed = || {
        let from = skip(s, lit(s, after, "(")?);
        let to = unit(s, from)?;
        Some((from, to, lit(s, skip(s, to), ")")?))
    };
    let (unit, end) = match bracketed().or_else(|| unit(s, after).map(|to| (after, to, to))) {
        Some((from, to, end)) => (Some(&s[from..to]), end),
        None => (None, end),
    };
    Some((Value::Quantity { cmp, number, unit }, end))
}

/// `unit = { percent | unit_word ~ (unit_sep ~ unit_word)* }`: where the `unit` pair ends.
/// As pest runs a repetition, the white space before its first round belongs to the pair even
/// when no round follows (`月 `), that before a round that fails does not (`人次/场`).
fn unit(s: &str, at: usize) -> Option<usize> {
    if let Some(p) = lit(s, at, "%") {
        return Some(p);
    }
    let mut end = skip(s, unit_word(s, at)?);
    let mut from = end;
    while let Some(next) = unit_round(s, from) {
        end = next;
        from = skip(s, next);
    }
    Some(end)
}

/// One round of `(unit_sep ~ unit_word)*`: where its word ends.
fn unit_round(s: &str, at: usize) -> Option<usize> {
    let sep = s[at..].chars().next().filter(|c| is_sep(*c))?;
    unit_word(s, skip(s, at + sep.len_utf8()))
}

/// `unit_word = @{ (!(unit_sep | WHITESPACE | ")") ~ ANY)+ }`.
fn unit_word(s: &str, at: usize) -> Option<usize> {
    let rest = s[at..].trim_start_matches(|c| !(is_sep(c) || is_space(c) || c == ')'));
    let end = s.len() - rest.len();
    (end > at).then_some(end)
}

/// `date_bound = { bound_cmp ~ calendar | calendar ~ before }`, with `bound_cmp = { le | lt }`
/// and `before = { "以前" | "之前" | "前" }`.
fn date_bound(s: &str, at: usize) -> Option<(Calendar, usize)> {
    let bounded = comparator(s, at)
        .filter(|(c, _)| matches!(c, Comparator::Le | Comparator::Lt))
        .and_then(|(_, p)| calendar(s, skip(s, p)));
    bounded.or_else(|| {
        let (cal, p) = calendar(s, at)?;
        let p = skip(s, p);
        let end = ["以前", "之前", "前"].iter().find_map(|w| lit(s, p, w))?;
        Some((cal, end))
    })
}

/// `calendar = { year_month | year_end }`.
fn calendar(s: &str, at: usize) -> Option<(Calendar, usize)> {
    year_month(s, at).or_else(|| year_end(s, at))
}

/// `year = @{ ASCII_DIGIT{4} }` and the `年` after it: the year and the position after `年`.
fn year(s: &str, at: usize) -> Option<(i32, usize)> {
    let end = digits(s, at, 4, 4)?;
    let year = value_of(&s[at..end]) as i32; // at most 9999
    Some((year, lit(s, skip(s, end), "年")?))
}

/// `month_end = { "底" | "末" }`.
fn month_end(s: &str, at: usize) -> Option<usize> {
    lit(s, at, "底").or_else(|| lit(s, at, "末"))
}

/// `year_month = { year ~ "年" ~ month ~ "月" ~ (day ~ ("日" | "号") | month_end)? }`, with
/// `month` and `day` = `@{ ASCII_DIGIT{1,2} }`.
fn year_month(s: &str, at: usize) -> Option<(Calendar, usize)> {
    let (year, p) = year(s, at)?;
    let from = skip(s, p);
    let to = digits(s, from, 1, 2)?;
    let month = value_of(&s[from..to]);
    let p = skip(s, lit(s, skip(s, to), "月")?);
    let day = digits(s, p, 1, 2).and_then(|d| {
        let q = skip(s, d);
        let end = lit(s, q, "日").or_else(|| lit(s, q, "号"))?;
        Some((value_of(&s[p..d]), end))
    });
    Some(match day {
        Some((day, end)) => (
            Calendar {
                year,
                month,
                day: Some(day),
            },
            end,
        ),
        None => (
            Calendar {
                year,
                month,
                day: None,
            },
            month_end(s, p).unwrap_or(p),
        ),
    })
}

/// `year_end = { year ~ "年" ~ "年"? ~ month_end }`: `2020年底`, `2020年年底`.
fn year_end(s: &str, at: usize) -> Option<(Calendar, usize)> {
    let (year, p) = year(s, at)?;
    let p = skip(s, p);
    let p = lit(s, p, "年").map_or(p, |q| skip(s, q));
    let end = month_end(s, p)?;
    Some((
        Calendar {
            year,
            month: 12,
            day: None,
        },
        end,
    ))
}
