//! YAML plumbing shared by the layout and canonical readers: source errors with spans,
//! mappings that keep their order and key positions, and did-you-mean suggestions.

use crate::text::did_you_mean;
use miette::{NamedSource, SourceSpan};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_saphyr::{Location, Spanned};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

/// A problem in a YAML (or JSON) text, pointing into it.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
pub struct SourceError {
    /// What is wrong (Chinese first).
    pub message: String,
    /// The text, for the snippet (shared: errors stay small).
    #[source_code]
    pub src: Arc<NamedSource<String>>,
    /// The offending bytes, when known.
    #[label("此处 here")]
    pub span: Option<SourceSpan>,
    /// A hint (`是否想写：指标？`).
    #[help]
    pub help: Option<String>,
}

impl SourceError {
    /// An error at `at` (or without a place) in the text `yaml` named `name`.
    pub fn new(name: &str, yaml: &str, message: String, at: Option<SourceSpan>) -> Self {
        SourceError {
            message,
            src: Arc::new(NamedSource::new(name, yaml.to_string())),
            span: at,
            help: None,
        }
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Wraps a serde-saphyr error: its short message, and its position as a span.
    pub fn from_saphyr(name: &str, yaml: &str, what: &str, e: &serde_saphyr::Error) -> Self {
        let span = e.location().and_then(|l| span_of(&l, yaml));
        let detail = e.without_snippet().to_string();
        SourceError::new(name, yaml, format!("{what}格式有误：{detail}"), span)
    }
}

/// The byte span of a location, if the parser knew it (clamped to the text). Falls back to
/// the line and column (1-based, in characters) when byte offsets are unavailable.
pub(super) fn span_of(loc: &Location, text: &str) -> Option<SourceSpan> {
    if *loc == Location::UNKNOWN {
        return None;
    }
    let span = loc.span();
    let (start, len) = match span.byte_offset() {
        Some(b) => (
            usize::try_from(b).ok()?,
            usize::try_from(span.byte_len().unwrap_or(0)).ok()?,
        ),
        None => (offset_of_line_col(text, loc.line(), loc.column())?, 0),
    };
    let start = start.min(text.len());
    let len = len.min(text.len() - start);
    Some(SourceSpan::new(start.into(), len))
}

/// Byte offset of a 1-based line and character column.
fn offset_of_line_col(text: &str, line: u64, column: u64) -> Option<usize> {
    let line = usize::try_from(line).ok()?.checked_sub(1)?;
    let column = usize::try_from(column).ok()?.saturating_sub(1);
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i == line {
            let within = l.char_indices().nth(column).map_or(l.len(), |(b, _)| b);
            return Some(start + within);
        }
        start += l.len();
    }
    Some(text.len())
}

/// A YAML mapping read in file order, as `(key, value)` pairs; a null or empty document is an
/// empty mapping. The one ordered-map visitor: layouts and canonical forms ([`Ordered`]) and
/// rule test files use it.
#[derive(Debug, Clone)]
pub struct Pairs<K, T>(pub Vec<(K, T)>);

/// A mapping whose keys keep their positions, for errors that point at a key.
pub(super) type Ordered<T> = Pairs<Spanned<String>, T>;

impl<K, T> Default for Pairs<K, T> {
    fn default() -> Self {
        Pairs(Vec::new())
    }
}

impl<'de, K: Deserialize<'de>, T: Deserialize<'de>> Deserialize<'de> for Pairs<K, T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<K, T>(PhantomData<(K, T)>);
        impl<'de, K: Deserialize<'de>, T: Deserialize<'de>> Visitor<'de> for V<K, T> {
            type Value = Pairs<K, T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("映射 (a mapping 名称: 值)")
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Pairs(Vec::new()))
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Pairs(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(kv) = m.next_entry::<K, T>()? {
                    out.push(kv);
                }
                Ok(Pairs(out))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// `是否想写“X”？` help text for an unknown name, when [`did_you_mean`] finds one.
pub(super) fn suggestion<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    did_you_mean(word, candidates).map(|c| format!("是否想写“{c}”？ Did you mean `{c}`?"))
}
