//! The value grammar: reading the text of a performance indicator's target (年度指标值) and
//! actual value (实际完成值), and deciding whether the actual meets the target.
//!
//! Filers type these cells freely, so they are text with a small grammar of their own. Its
//! specification is grammar/value.pest, a pest grammar with named rules; the reading itself is
//! a hand-written recogniser of exactly that language (`scan.rs`), which is much cheaper than
//! pest's machinery. The pest parser (`grammar.rs`) is built for the tests only: the
//! differential test (`scan_tests.rs`) holds the hand-written path to the pest path
//! (`oracle.rs`) on the examples, the fixtures' values and tens of thousands of generated
//! strings.
//!
//! | shape                         | examples                                         | result                  |
//! |-------------------------------|--------------------------------------------------|-------------------------|
//! | comparator? number unit?      | `=9台`, `> 95%`, `≤5.6万元`, `≥80人次/场`, `82694.30` | [`Parsed::Quantity`]    |
//! | date + `前` / `以前` / `之前` | `2020年8月前`, `2020年12月底前`, `2020年12月31日前`, `2020年底前` | [`Parsed::DateBound`]   |
//! | `≤` / `<` + date              | `≤2020年12月`                                     | [`Parsed::DateBound`]   |
//! | date                          | `2020年9月`, `2020年9月30日`, `2020年12月底`       | [`Parsed::Date`]        |
//! | anything else                 | `有效保障`, `暂缓举办`, `4期+5份`, `1次顺利组织召开` | [`Parsed::Words`]       |
//!
//! - Comparators: `=` `≥` `>=` `≧` `≤` `<=` `≦` `>` `<`, and their full-width forms `＝` `＞` `＜`;
//!   spaces around them are allowed.
//! - Numbers: optional sign, digits, `,` thousands separators in groups of three
//!   (`1,330,000.00`), a decimal point. Full-width digits and punctuation (`９５％`) are read as
//!   ASCII, except the full-width comma `，`, which never separates thousands.
//! - A leading `约` (about) is ignored.
//! - Comparator words are pack data beside the units: `不低于95%`, `不少于25人次`,
//!   `不超过5.6万元` read as `≥95%`, `≥25人次`, `≤5.6万元`, and words after the value,
//!   `95%以上`, `5万元以内`, as `≥95%`, `≤5万元` (以上、以下、以内 include the number itself).
//!   Text with two words that disagree stays words.
//! - Units: `%` always; otherwise a unit word the rule pack knows (after its aliases:
//!   `场` → `场次`, `万` → `万元`), or known words joined by `/` and `·` (`元/人·天`,
//!   `人次/场`, `次/双月`). Text after the number that is not such a unit makes the whole
//!   value [`Parsed::Words`]: `1次顺利组织召开` is a sentence, not a quantity.
//!
//! Nothing here fails: a value that cannot be read is [`Parsed::Words`], and comparisons that
//! make no sense (words, units with different bases) answer `None`.
//!
//! Units, aliases and scales are data of the rule pack ([`Units`]), not code.

mod compare;
#[cfg(test)]
mod grammar;
#[cfg(test)]
mod oracle;
mod parse;
mod round;
mod scan;
#[cfg(test)]
mod scan_tests;
mod units;

#[cfg(test)]
mod tests;

pub(crate) use compare::{comparable, convert, met};
pub(crate) use parse::{days_in_month, parse, parse_number};
pub(crate) use round::round_half_up;
pub(crate) use units::Units;

use rust_decimal::Decimal;

/// How a target bounds its value; `None` on a [`Quantity`] means no comparator was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    /// `=`, `＝`
    Eq,
    /// `≥`, `>=`, `≧`
    Ge,
    /// `>`, `＞`
    Gt,
    /// `≤`, `<=`, `≦`
    Le,
    /// `<`, `＜`
    Lt,
}

/// The comparator symbols, in ASCII and as typed (two-character ones first, so `>=` is not
/// read as `>`): the one table pack data, comparator words and the value grammar's
/// `comparator` rule (`scan.rs`) are checked against.
const SYMBOLS: [(&str, Comparator); 9] = [
    (">=", Comparator::Ge),
    ("<=", Comparator::Le),
    ("≥", Comparator::Ge),
    ("≧", Comparator::Ge),
    ("≤", Comparator::Le),
    ("≦", Comparator::Le),
    (">", Comparator::Gt),
    ("<", Comparator::Lt),
    ("=", Comparator::Eq),
];

impl Comparator {
    /// The comparator a pack or a cell writes as `symbol`: `=`, `≥` (`>=`, `≧`), `>`, `≤`
    /// (`<=`, `≦`), `<`, full-width forms included; `None` for anything else.
    pub fn from_symbol(symbol: &str) -> Option<Comparator> {
        let s: String = symbol.trim().chars().map(crate::text::half_width).collect();
        SYMBOLS.iter().find(|(w, _)| *w == s).map(|(_, c)| *c)
    }

    /// The comparator symbol `text` (width-normalised) starts with, and the text after it.
    pub(crate) fn prefix_of(text: &str) -> Option<(Comparator, &str)> {
        SYMBOLS
            .iter()
            .find_map(|(s, c)| text.strip_prefix(s).map(|rest| (*c, rest.trim_start())))
    }

    /// The symbol used when a message shows the comparator.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Eq => "=",
            Comparator::Ge => "≥",
            Comparator::Gt => ">",
            Comparator::Le => "≤",
            Comparator::Lt => "<",
        }
    }
}

/// A number with an optional comparator and unit, as a target or actual value states it.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// The comparator written in front of the number, if any.
    pub cmp: Option<Comparator>,
    /// The number as written (`96%` → 96, `5.6万元` → 5.6).
    pub amount: Decimal,
    /// The canonical unit (aliases resolved); `"%"` for a percentage; `None` for a bare number.
    pub unit: Option<String>,
}

/// What a target or actual value says.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// A number with optional comparator and unit: `≥25人次`, `96%`, `82694.30`.
    Quantity(Quantity),
    /// `2020年8月前`, `2020年12月底前`, `2020年12月31日前`: done by (inclusive) that month/day.
    DateBound {
        /// Four-digit year.
        year: i32,
        /// 1..=12
        month: u32,
        /// The day when written; `None` means the whole month.
        day: Option<u32>,
    },
    /// `2020年9月`, `2020年9月30日`: a point in time.
    Date {
        /// Four-digit year.
        year: i32,
        /// 1..=12
        month: u32,
        /// The day when written; `None` means some time in that month.
        day: Option<u32>,
    },
    /// Anything else, as the trimmed original text: `有效保障`, `暂缓举办`, `4期+5份`.
    Words(String),
}

impl Parsed {
    /// The quantity, when the value is one.
    pub fn quantity(&self) -> Option<&Quantity> {
        match self {
            Parsed::Quantity(q) => Some(q),
            _ => None,
        }
    }
}
