//! Unit words, aliases and scales: pack data that tells the value grammar which trailing text
//! is a unit and how units convert.

use super::Comparator;
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

/// Separator between the numerator and denominator of a composite unit (`人次/场`).
pub(crate) const PER: char = '/';
/// Separator between the factors of a composite unit (`人·天`).
pub(crate) const TIMES: char = '·';

/// Longest alias or scale chain followed; guards against cycles in pack data.
const MAX_CHAIN: usize = 16;

/// Pack data: which unit words exist, their aliases and scales. Built by the rule pack loader.
#[derive(Debug, Clone)]
pub struct Units {
    known: BTreeSet<String>,
    aliases: BTreeMap<String, String>,
    scales: BTreeMap<String, (Decimal, String)>,
    money_base: String,
    /// Words written for a comparator: in front of the number (`不低于95%`), longest first.
    words_before: Vec<(String, Comparator)>,
    /// Words written for a comparator after the value (`95%以上`), longest first.
    words_after: Vec<(String, Comparator)>,
    /// [`Units::base`] of every declared word, alias and scaled unit, made on first use (the
    /// rules ask for the base of the same few units thousands of times a batch); emptied by
    /// every declaration.
    word_bases: OnceLock<HashMap<String, (Decimal, String), foldhash::fast::RandomState>>,
}

impl Default for Units {
    fn default() -> Self {
        Units::new()
    }
}

impl Units {
    /// An empty set of units (only `%` is known) whose money base is `元`.
    pub fn new() -> Self {
        Units {
            known: BTreeSet::new(),
            aliases: BTreeMap::new(),
            scales: BTreeMap::new(),
            money_base: "元".to_string(),
            words_before: Vec::new(),
            words_after: Vec::new(),
            word_bases: OnceLock::new(),
        }
    }

    /// Declares that `word` written in front of a value means `cmp` (`不低于` → `≥`).
    pub fn add_comparator_before(&mut self, word: &str, cmp: Comparator) {
        add_word(&mut self.words_before, word, cmp);
    }

    /// Declares that `word` written after a value means `cmp` (`以上` → `≥`, `以内` → `≤`).
    pub fn add_comparator_after(&mut self, word: &str, cmp: Comparator) {
        add_word(&mut self.words_after, word, cmp);
    }

    /// `text` with a comparator word written as its symbol (`不少于25人次` → `≥25人次`,
    /// `5万元以内` → `≤5万元`), or `None` when it has no such word, or has two that disagree
    /// (`不低于95%以下`, `≤5万元以上`). `text` is already width-normalised.
    pub(crate) fn comparator_words(&self, text: &str) -> Option<String> {
        let t = text.trim();
        let (approx, t) = match t.strip_prefix('约') {
            Some(rest) => ("约", rest.trim_start()),
            None => ("", t),
        };
        let before = self.words_before.iter().find_map(|(w, c)| {
            t.strip_prefix(w.as_str())
                .map(|rest| (*c, rest.trim_start()))
        });
        let (cmp, rest) = match before {
            Some((c, rest)) if Comparator::prefix_of(rest).is_none() => (Some(c), rest),
            Some(_) => return None,
            None => (None, t),
        };
        let after = self.words_after.iter().find_map(|(w, c)| {
            rest.strip_suffix(w.as_str())
                .map(|head| (*c, head.trim_end()))
        });
        let (cmp, rest) = match (cmp, after) {
            (None, None) => return None,
            (Some(c), None) => (c, rest),
            (None, Some((c, head))) => match Comparator::prefix_of(head) {
                // `≥95%以上`: the word repeats the symbol
                Some((written, tail)) if written == c => (c, tail),
                Some(_) => return None,
                None => (c, head),
            },
            (Some(c), Some((d, head))) if c == d => (c, head),
            (Some(_), Some(_)) => return None,
        };
        Some(format!("{approx}{}{}", cmp.symbol(), rest.trim()))
    }

    /// Declares a unit word (`台`, `场次`, `人次`), or a whole composite unit (`元/人·天`).
    pub fn add_unit(&mut self, unit: &str) {
        self.word_bases = OnceLock::new();
        self.known
            .insert(normalize_separators(unit.trim()).into_owned());
    }

    /// Declares that `alias` means `canonical` (`场` → `场次`, `万` → `万元`).
    pub fn add_alias(&mut self, alias: &str, canonical: &str) {
        self.word_bases = OnceLock::new();
        self.aliases.insert(
            normalize_separators(alias.trim()).into_owned(),
            normalize_separators(canonical.trim()).into_owned(),
        );
    }

    /// Declares that one `unit` is `factor` of `base` (`万元` = 10000 `元`). A zero factor is
    /// ignored: it could not be converted back.
    pub fn add_scale(&mut self, unit: &str, factor: Decimal, base: &str) {
        if factor.is_zero() {
            return;
        }
        self.word_bases = OnceLock::new();
        self.scales.insert(
            normalize_separators(unit.trim()).into_owned(),
            (factor, normalize_separators(base.trim()).into_owned()),
        );
    }

    /// Sets the base unit of money (`元`), used by [`Units::is_money`].
    pub fn set_money_base(&mut self, unit: &str) {
        self.money_base = normalize_separators(unit.trim()).into_owned();
    }

    /// Whether `unit` is a unit of this pack: `%`, a declared word, an alias, a scaled unit, or
    /// such words joined by `/` and `·`.
    pub fn is_valid(&self, unit: &str) -> bool {
        let unit = normalize_separators(unit.trim());
        if self.is_word(&unit) {
            return true;
        }
        if !unit.contains([PER, TIMES]) {
            return false;
        }
        let parts = split(&unit);
        parts.len() > 1 && parts.iter().all(|(word, _)| self.is_word(word))
    }

    /// The canonical spelling of `unit`: aliases resolved, for a composite unit word by word
    /// (`人次/场` → `人次/场次`), separators normalised to `/` and `·`.
    pub fn canonical(&self, unit: &str) -> String {
        let unit = normalize_separators(unit.trim());
        if self.known.contains(&*unit)
            || self.aliases.contains_key(&*unit)
            || !unit.contains([PER, TIMES])
        {
            return self.resolve_alias(&unit);
        }
        let parts = split(&unit);
        let mut out = String::new();
        for (word, sep) in parts {
            if let Some(sep) = sep {
                out.push(sep);
            }
            out.push_str(&self.resolve_alias(&word));
        }
        out
    }

    /// The factor and base unit of `unit` (`万元` → (10000, `元`)); a unit with no scale is its
    /// own base with factor 1. A composite unit converts word by word (`万元/人` →
    /// (10000, `元/人`)).
    pub fn base(&self, unit: &str) -> (Decimal, String) {
        let (factor, base) = self.base_cow(unit);
        (factor, base.into_owned())
    }

    /// [`Units::base`], borrowing the base of a declared word from the table of them.
    pub(crate) fn base_cow(&self, unit: &str) -> (Decimal, Cow<'_, str>) {
        let table = self.word_bases.get_or_init(|| {
            let words = self.known.iter().chain(self.aliases.keys());
            let words = words.chain(self.scales.keys()).map(String::as_str);
            std::iter::once("%")
                .chain(words)
                .map(|w| (w.to_string(), self.base_computed(w)))
                .collect()
        });
        match table.get(unit.trim()) {
            Some((factor, base)) => (*factor, Cow::Borrowed(base)),
            None => {
                let (factor, base) = self.base_computed(unit);
                (factor, Cow::Owned(base))
            }
        }
    }

    /// [`Units::base`] worked out from the declarations.
    pub(super) fn base_computed(&self, unit: &str) -> (Decimal, String) {
        let unit = self.canonical(unit);
        if self.scales.contains_key(&unit) || !unit.contains([PER, TIMES]) {
            return self.word_base(&unit);
        }
        let parts = split(&unit);
        let mut factor = Decimal::ONE;
        let mut base = String::new();
        let mut denominator = false;
        for (word, sep) in parts {
            if let Some(sep) = sep {
                denominator |= sep == PER;
                base.push(sep);
            }
            let (f, b) = self.word_base(&word);
            let next = if denominator {
                factor.checked_div(f)
            } else {
                factor.checked_mul(f)
            };
            match next {
                Some(next) => factor = next,
                None => return (Decimal::ONE, unit),
            }
            base.push_str(&b);
        }
        (factor, base)
    }

    /// Whether `unit` is an amount of money: its base unit is the money base (`元`, `万元`,
    /// `亿元`; not `元/人·天`).
    pub fn is_money(&self, unit: &str) -> bool {
        self.base_cow(unit).1 == self.money_base
    }

    fn is_word(&self, word: &str) -> bool {
        word == "%"
            || self.known.contains(word)
            || self.aliases.contains_key(word)
            || self.scales.contains_key(word)
    }

    fn resolve_alias(&self, word: &str) -> String {
        let Some(first) = self.aliases.get(word) else {
            return word.to_string();
        };
        if first == word {
            return word.to_string();
        }
        let mut current = word.to_string();
        for _ in 0..MAX_CHAIN {
            match self.aliases.get(&current) {
                Some(next) if *next != current => current = next.clone(),
                _ => break,
            }
        }
        current
    }

    /// Follows scales of one canonical word (`亿元` → `元`), multiplying their factors.
    fn word_base(&self, word: &str) -> (Decimal, String) {
        let mut factor = Decimal::ONE;
        let mut current = self.resolve_alias(word);
        for _ in 0..MAX_CHAIN {
            let Some((f, base)) = self.scales.get(&current) else {
                break;
            };
            match factor.checked_mul(*f) {
                Some(next) => factor = next,
                None => break,
            }
            let base = self.resolve_alias(base);
            if base == current {
                break;
            }
            current = base;
        }
        (factor, current)
    }
}

/// Adds a comparator word to a list kept longest first, so `不低于` is tried before `低于`.
fn add_word(words: &mut Vec<(String, Comparator)>, word: &str, cmp: Comparator) {
    let word = word.trim();
    if word.is_empty() {
        return;
    }
    words.retain(|(w, _)| w != word);
    words.push((word.to_string(), cmp));
    words.sort_by(|(a, _), (b, _)| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
}

/// Writes the separators of a composite unit one way: `・`, `•`, `⋅` become `·`, `／` becomes `/`.
pub(crate) fn normalize_separators(unit: &str) -> std::borrow::Cow<'_, str> {
    if !unit.contains(['・', '•', '⋅', '／']) {
        return unit.into();
    }
    unit.chars()
        .map(|c| match c {
            '・' | '•' | '⋅' => TIMES,
            '／' => PER,
            c => c,
        })
        .collect::<String>()
        .into()
}

/// Splits a composite unit into words, each with the separator in front of it.
fn split(unit: &str) -> Vec<(String, Option<char>)> {
    let mut parts = Vec::new();
    let mut word = String::new();
    let mut sep = None;
    for c in unit.chars() {
        if c == PER || c == TIMES {
            parts.push((word.trim().to_string(), sep));
            word = String::new();
            sep = Some(c);
        } else {
            word.push(c);
        }
    }
    parts.push((word.trim().to_string(), sep));
    parts
}
