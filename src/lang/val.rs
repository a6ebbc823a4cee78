//! Runtime values of the rule language. A value read from a form remembers its place and the
//! field or column it came from, so `at`, `related` and `name()` can use it.

use crate::form::{FieldValue, FiledForm, Place, Row};
use crate::value::Parsed;
use rust_decimal::Decimal;
use std::sync::Arc;

/// Text inside a value: borrowed from the form (no copy per field access) or shared.
#[derive(Debug, Clone)]
pub enum Str<'f> {
    /// Text that lives in the form (a cell's text, a field or column name).
    Form(&'f str),
    /// Text made while evaluating (a literal, a rendered message, a function's result).
    Shared(Arc<str>),
}

impl std::ops::Deref for Str<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Str::Form(s) => s,
            Str::Shared(s) => s,
        }
    }
}

/// What a value is.
#[derive(Debug, Clone)]
pub enum V<'f> {
    /// Nothing: a blank cell, a missing key, an undefined result (division by zero).
    Null,
    /// A number.
    Num(Decimal),
    /// Text.
    Text(Str<'f>),
    /// A truth value.
    Bool(bool),
    /// A list.
    List(Arc<Vec<Val<'f>>>),
    /// A table of named values (`{产出指标: 50}`), in written order.
    Map(Arc<Vec<(String, Val<'f>)>>),
    /// A row of a form's table.
    Row(&'f Row),
    /// A whole form, in a cross-check pack (`for s in 自评表`).
    Form(&'f FiledForm),
    /// A target or actual value read by the value grammar.
    Parsed(Arc<Parsed>),
    /// Text filed where a number belongs; behaves as null in arithmetic and comparisons.
    Invalid(Str<'f>),
}

/// A value with its provenance.
#[derive(Debug, Clone)]
pub struct Val<'f> {
    /// The value.
    pub v: V<'f>,
    /// Where it was read from, for values taken from the form.
    pub at: Option<&'f Place>,
    /// The field or column it was read from (`得分`).
    pub name: Option<Str<'f>>,
}

impl<'f> Val<'f> {
    /// A value with no provenance.
    pub fn of(v: V<'f>) -> Self {
        Val {
            v,
            at: None,
            name: None,
        }
    }

    /// Null.
    pub fn null() -> Self {
        Val::of(V::Null)
    }

    /// A number.
    pub fn num(d: Decimal) -> Self {
        Val::of(V::Num(d))
    }

    /// A boolean.
    pub fn bool(b: bool) -> Self {
        Val::of(V::Bool(b))
    }

    /// Text.
    pub fn text(s: &str) -> Self {
        Val::of(V::Text(Str::Shared(Arc::from(s))))
    }

    /// A word the engine itself writes (`数量`, `≥`): borrowed, no copy made.
    pub fn word(s: &'static str) -> Self {
        Val::of(V::Text(Str::Form(s)))
    }

    /// A form value with its place and name, borrowing the form's text (no copies).
    pub fn field(value: &'f FieldValue, at: Option<&'f Place>, name: &'f str) -> Self {
        let v = match value {
            FieldValue::Blank => V::Null,
            FieldValue::Number(d) => V::Num(*d),
            FieldValue::Text(t) => V::Text(Str::Form(t)),
            FieldValue::Invalid(t) => V::Invalid(Str::Form(t)),
        };
        Val {
            v,
            at,
            name: Some(Str::Form(name)),
        }
    }

    /// Whether the value is null.
    pub fn is_null(&self) -> bool {
        matches!(self.v, V::Null)
    }

    /// The number, if the value is one.
    pub fn as_num(&self) -> Option<Decimal> {
        match self.v {
            V::Num(d) => Some(d),
            _ => None,
        }
    }

    /// The text, if the value is text.
    pub fn as_text(&self) -> Option<&str> {
        match &self.v {
            V::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The truth value, if the value is a boolean.
    pub fn as_bool(&self) -> Option<bool> {
        match self.v {
            V::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// How the value reads inside a message.
    pub fn display(&self) -> String {
        match &self.v {
            V::Null => "（空）".into(),
            V::Num(d) => d.normalize().to_string(),
            V::Text(t) | V::Invalid(t) => t.to_string(),
            V::Bool(b) => if *b { "是" } else { "否" }.into(),
            V::List(items) => items
                .iter()
                .map(|i| i.display())
                .collect::<Vec<_>>()
                .join("、"),
            V::Map(entries) => entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.display()))
                .collect::<Vec<_>>()
                .join("，"),
            V::Row(r) => match r.line {
                Some(l) => format!("第 {} 行", l + 1),
                None => "一行".into(),
            },
            V::Parsed(p) => crate::lang::builtins::parsed_display(p),
            V::Form(f) => format!("{}（{}）", f.form.sheet, f.file),
        }
    }
}

/// A value computed without a form (a `param`) as one that borrows nothing: its text copied,
/// lists and maps copied through. A param has no place and no row or form in it.
pub(crate) fn owned(v: &Val<'_>) -> Val<'static> {
    let own = |s: &Str<'_>| Str::Shared(Arc::from(&**s));
    let value = match &v.v {
        V::Null | V::Row(_) | V::Form(_) => V::Null,
        V::Num(d) => V::Num(*d),
        V::Bool(b) => V::Bool(*b),
        V::Text(t) => V::Text(own(t)),
        V::Invalid(t) => V::Invalid(own(t)),
        V::List(items) => V::List(Arc::new(items.iter().map(owned).collect())),
        V::Map(entries) => V::Map(Arc::new(
            entries.iter().map(|(k, x)| (k.clone(), owned(x))).collect(),
        )),
        V::Parsed(p) => V::Parsed(p.clone()),
    };
    debug_assert!(v.at.is_none(), "a param has no place");
    Val {
        v: value,
        at: None,
        name: v.name.as_ref().map(own),
    }
}

/// `a == b` for the short names rules bind (`行`, `指标`, `得分率`: 3 to 16 bytes), compared in
/// word-sized pieces inline rather than by a call to `memcmp`: the scope lookup compares a name
/// with every binding above the one it finds, thousands of times a form.
#[inline]
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]));
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or([0; 4]));
    match n {
        0 => true,
        // first, middle and last byte cover every byte of 1 to 3
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

/// `s` without surrounding white space: [`str::trim`], after a look at its end bytes (most
/// text compared has none, and this comparison runs a thousand times a form). Every white
/// space character begins with one of the bytes `lead` lists and ends in ASCII white space or
/// a continuation byte of a two- or three-byte character whose lead byte is one of those.
pub(crate) fn bare(s: &str) -> &str {
    let b = s.as_bytes();
    let lead = crate::text::space_lead;
    let n = b.len();
    let padded = match (b.first(), b.last()) {
        (Some(&first), Some(&last)) => {
            lead(first)
                || (last < 0x80 && lead(last))
                || (last >= 0x80 && ((n >= 2 && b[n - 2] == 0xC2) || (n >= 3 && lead(b[n - 3]))))
        }
        _ => false,
    };
    if padded {
        s.trim()
    } else {
        s
    }
}

/// Equality as rules mean it: numbers by value, text by trimmed content; null equals only null.
pub(crate) fn equal(a: &Val, b: &Val) -> bool {
    match (&a.v, &b.v) {
        (V::Null, V::Null) => true,
        (V::Num(x), V::Num(y)) => x == y,
        (V::Text(x), V::Text(y)) | (V::Invalid(x), V::Invalid(y)) => bare(x) == bare(y),
        (V::Bool(x), V::Bool(y)) => x == y,
        (V::List(x), V::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| equal(a, b))
        }
        (V::Row(x), V::Row(y)) => std::ptr::eq(*x, *y),
        (V::Form(x), V::Form(y)) => std::ptr::eq(*x, *y),
        (V::Parsed(x), V::Parsed(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    /// `bare` is `str::trim` on every white space character at either end, next to CJK text,
    /// full-width forms and characters of every UTF-8 length.
    #[test]
    fn bare_is_trim() {
        let spaces: Vec<char> = (0..0x3001u32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        let cores = [
            "",
            "a",
            "产出",
            "（50分）",
            "é",
            "😀",
            "a😀",
            "™",
            "\u{1680}x",
        ];
        for core in cores {
            for &w in &spaces {
                for s in [
                    format!("{w}{core}"),
                    format!("{core}{w}"),
                    format!("{w}{core}{w}"),
                    core.to_string(),
                ] {
                    assert_eq!(super::bare(&s), s.trim(), "{s:?}");
                }
            }
        }
    }

    /// `same_name` is `==` at every length around its word boundaries.
    #[test]
    fn same_name_is_equality() {
        let names = [
            "",
            "a",
            "ab",
            "abc",
            "行",
            "行a",
            "得分",
            "得分率",
            "三级指标",
            "abcdefgh",
            "abcdefghi",
            "一级指标权重",
            "x一级指标权重y",
            "一级指标权重得分率合计",
        ];
        for a in names {
            for b in names {
                assert_eq!(super::same_name(a, b), a == b, "{a} {b}");
            }
            // one byte changed at each place
            for i in 0..a.len() {
                let mut bytes = a.as_bytes().to_vec();
                bytes[i] ^= 1;
                if let Ok(c) = std::str::from_utf8(&bytes) {
                    assert!(!super::same_name(a, c), "{a} {c}");
                }
            }
        }
    }
}
