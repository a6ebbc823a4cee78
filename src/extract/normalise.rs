//! Label normalisation shared by sheet and canonical extraction.
//!
//! Filers and templates spell the same label many ways (`*分值`, `项目资金\n（元）`,
//! `其中：当年财政拨款`, `产出指标（５０分）`); the layout names each label once, and
//! [`normalise`] maps every spelling onto that one name.

use crate::text::compact;

/// A label reduced to the part the layout names, plus its parenthesised suffix.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Normalised {
    /// The label itself: `产出指标` for `产出指标（50分）`.
    pub core: String,
    /// The text inside a trailing `(…)`, if any: `50分`, `万元`.
    pub suffix: Option<String>,
}

/// Normalises a label so that different spellings of the same label compare equal.
///
/// In order:
/// 1. full-width ASCII becomes half-width (`（５０分）` → `(50分)`, `：` → `:`, `＊` → `*`);
/// 2. all white space goes, including newlines and the ideographic space U+3000;
/// 3. leading `*` markers (required-field stars of the import template) are stripped;
/// 4. a leading `其中:` ("of which") is stripped;
/// 5. a trailing colon is dropped (`项目名称：` → `项目名称`), unless nothing would remain;
/// 6. a trailing parenthesised suffix `(…)` is split off into [`Normalised::suffix`]
///    (`项目资金\n（万元）` → core `项目资金`, suffix `万元`), unless nothing would remain before it.
pub(crate) fn normalise(text: &str) -> Normalised {
    let flat = compact(text);
    let mut s = flat.trim_start_matches('*');
    if let Some(rest) = s.strip_prefix("其中:") {
        s = rest;
    }
    let bare = s.trim_end_matches(':');
    if !bare.is_empty() {
        s = bare;
    }
    match split_suffix(s) {
        Some((core, suffix)) => Normalised {
            core: core.to_string(),
            suffix: Some(suffix.to_string()),
        },
        // Most labels need no cut: the compacted text is the core as it is.
        None if s.len() == flat.len() => Normalised {
            core: flat,
            suffix: None,
        },
        None => Normalised {
            core: s.to_string(),
            suffix: None,
        },
    }
}

/// The label as the layout compares it: [`normalise`]'s core.
pub(super) fn label_key(text: &str) -> String {
    normalise(text).core
}

/// Splits `core(suffix)` at the parenthesis matching the final `)`.
fn split_suffix(s: &str) -> Option<(&str, &str)> {
    let body = s.strip_suffix(')')?;
    let mut depth = 0usize;
    for (i, c) in body.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth == 0 => {
                let core = &body[..i];
                if core.is_empty() {
                    return None;
                }
                return Some((core, &body[i + 1..]));
            }
            '(' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Whether a text means "nothing here" in a number cell: a dash or slash only
/// (`-`, `—`, `–`, `_`, `／`, `/`, also repeated such as `——`).
pub(crate) fn is_dash(text: &str) -> bool {
    let t = compact(text);
    !t.is_empty()
        && t.chars()
            .all(|c| matches!(c, '-' | '—' | '–' | '_' | '/' | '−' | '―'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(core: &str, suffix: Option<&str>) -> Normalised {
        Normalised {
            core: core.into(),
            suffix: suffix.map(Into::into),
        }
    }

    #[test]
    fn normalises_labels() {
        assert_eq!(normalise("产出指标（５０分）"), n("产出指标", Some("50分")));
        assert_eq!(normalise("项目资金\n（万元）"), n("项目资金", Some("万元")));
        assert_eq!(normalise("项目资金\n（元）"), n("项目资金", Some("元")));
        assert_eq!(normalise("其中：当年财政拨款"), n("当年财政拨款", None));
        assert_eq!(normalise("*实际完成值"), n("实际完成值", None));
        assert_eq!(normalise("＊分值"), n("分值", None));
        assert_eq!(normalise("项目名称："), n("项目名称", None));
        assert_eq!(normalise("项目资金（万元）:"), n("项目资金", Some("万元")));
        assert_eq!(normalise("："), n(":", None));
        assert_eq!(normalise(" 总\u{3000}分 "), n("总分", None));
        assert_eq!(
            normalise("偏差原因分析\n及改进措施"),
            n("偏差原因分析及改进措施", None)
        );
        assert_eq!(normalise("（元）"), n("(元)", None));
        assert_eq!(normalise("a(b(c))"), n("a", Some("b(c)")));
        assert_eq!(normalise(""), n("", None));
    }

    #[test]
    fn dashes() {
        for d in ["-", "—", "–", "_", "／", "/", " — ", "——", "－"] {
            assert!(is_dash(d), "{d}");
        }
        for d in ["", "0", "无", "-1"] {
            assert!(!is_dash(d), "{d}");
        }
    }
}
