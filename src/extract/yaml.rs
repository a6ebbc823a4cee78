//! YAML plumbing shared by the layout and canonical readers: mappings that keep their order
//! and key positions, and did-you-mean suggestions.

use crate::text::did_you_mean;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;
use std::fmt;
use std::marker::PhantomData;

/// A YAML mapping read in file order, as `(key, value)` pairs; a null or empty document is an
/// empty mapping. The one ordered-map visitor: layouts and canonical forms ([`Ordered`]) and
/// rule test files use it.
#[derive(Debug, Clone, PartialEq)]
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
