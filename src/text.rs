//! Small text helpers every stage shares: full-width folding of what filers type, and the
//! "did you mean" of every unknown-name error.

/// Full-width ASCII (U+FF01–U+FF5E: `５`, `％`, `（`, `，`, `：`) to half-width; other characters
/// unchanged. The ideographic space U+3000 is not in that block: callers that fold spaces too
/// say so.
pub(crate) fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// Whether `b` may begin a white-space character: ASCII white space, or the lead byte of
/// U+0085/U+00A0 (`C2`), U+1680 (`E1`), U+2000–U+205F (`E2`) or U+3000 (`E3`). Every other byte
/// starts a character that is not white space, so text scanners can skip it undecoded.
pub(crate) fn space_lead(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1..=0xE3)
}

/// The text [`half_width`] with all white space removed (newlines and U+3000 included):
/// the form in which labels, dashes and numbers typed as text are compared.
pub(crate) fn compact(text: &str) -> String {
    // Byte by byte: a character can only change (white space, a full-width form) when it is
    // ASCII white space or starts with one of the lead bytes below; every other character is
    // copied with the run it belongs to, undecoded.
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut run, mut i) = (0, 0);
    while i < b.len() {
        let c = b[i];
        let len = match c {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        // white space, or a full-width form (U+FF01–U+FF5E, lead byte EF)
        let may_change = space_lead(c) || c == 0xEF;
        if may_change {
            let ch = text[i..].chars().next().unwrap_or(' ');
            let folded = half_width(ch);
            if ch.is_whitespace() || folded != ch {
                out.push_str(&text[run..i]);
                if !folded.is_whitespace() {
                    out.push(folded);
                }
                run = i + ch.len_utf8();
            }
        }
        i += len;
    }
    out.push_str(&text[run..]);
    out
}

/// The candidate most likely meant by a misspelt `name`, for "did you mean" help: rule errors
/// (names, columns, functions, parameters, rule codes, row labels) and layout and canonical-form
/// errors all use this one rule.
///
/// A candidate is near enough when its edit distance (Levenshtein, in characters) is at most a
/// third of `name`'s length, and at least 1; a candidate of three or more characters that
/// `name` starts with, or that starts with `name` (`minimum` → `min`, `项目` → `项目名称`),
/// counts as near enough too. Of the near candidates the closest wins; among equally close
/// ones the first in string order.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let n: Vec<char> = name.chars().collect();
    let limit = (n.len() / 3).max(1);
    candidates
        .into_iter()
        .map(|c| {
            let d = edit_distance(&n, &c.chars().collect::<Vec<_>>());
            let prefix = c.chars().count() >= 3 && (name.starts_with(c) || c.starts_with(name));
            (if prefix { d.min(limit) } else { d }, c)
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_names() {
        assert_eq!(
            did_you_mean("全年预算", ["全年预算数", "全年执行数"]),
            Some("全年预算数")
        );
        assert_eq!(did_you_mean("xyz", ["全年预算数"]), None);
        assert_eq!(did_you_mean("minimum", ["min", "max"]), Some("min"));
        assert_eq!(did_you_mean("得份", ["分值", "得分"]), Some("得分"));
        assert_eq!(
            did_you_mean("项目名", ["项目名称", "项目金额"]),
            Some("项目名称")
        );
        assert_eq!(did_you_mean("完全不同的名字", ["得分"]), None);
        assert_eq!(did_you_mean("", ["a", "ab"]), Some("a"));
    }

    /// The threshold: a third of the length (at least 1), or a prefix of three or more
    /// characters; ties go to the first in string order, whatever the candidates' order.
    #[test]
    fn one_threshold_rule() {
        // five characters: one edit is near, two are not
        assert_eq!(
            did_you_mean("全年执行额", ["全年执行数"]),
            Some("全年执行数")
        );
        assert_eq!(did_you_mean("全年预算数", ["全年执行数"]), None);
        // six characters: two edits are near
        assert_eq!(did_you_mean("abcdef", ["abcdxy"]), Some("abcdxy"));
        assert_eq!(did_you_mean("abcdef", ["abcxyz"]), None);
        // prefixes of three or more characters, either way
        assert_eq!(did_you_mean("项目", ["项目名称"]), Some("项目名称"));
        assert_eq!(did_you_mean("项", ["项目名称"]), Some("项目名称"));
        assert_eq!(
            did_you_mean("项目名称及备注说明", ["项目名称"]),
            Some("项目名称")
        );
        assert_eq!(did_you_mean("ab", ["abcdef"]), Some("abcdef"));
        assert_eq!(did_you_mean("abcdef", ["ab"]), None);
        // ties
        assert_eq!(did_you_mean("b", ["c", "a"]), Some("a"));
    }

    #[test]
    fn folds_full_width_ascii_only() {
        let folded: String = "９５％（），：＊～！".chars().map(half_width).collect();
        assert_eq!(folded, "95%(),:*~!");
        for c in ['\u{3000}', '—', '、', '得', 'a', '\u{FF00}', '\u{FF5F}'] {
            assert_eq!(half_width(c), c, "{c:?}");
        }
        assert_eq!(compact(" 项目\n资金\u{3000}（万元） "), "项目资金(万元)");
    }

    /// The copy shortcut for text already compact gives what folding each character gives.
    #[test]
    fn compact_is_fold_and_strip() {
        let pieces = [
            "项目", "a", " ", "\u{3000}", "（", "）", "９", "5", "\n", "—", "\u{FF5E}", "\u{FF5F}",
            "\u{A0}", "\u{85}", "é", "\u{1680}", "\u{2003}", "\u{205F}", "、", "。", "ー", "😀",
            "\r\t",
        ];
        let mut rng = crate::tests_common::Rng(5);
        for _ in 0..20_000 {
            let text: String = (0..rng.below(8)).map(|_| rng.pick(&pieces)).collect();
            let folded: String = text
                .chars()
                .map(half_width)
                .filter(|c| !c.is_whitespace())
                .collect();
            assert_eq!(compact(&text), folded, "{text:?}");
        }
    }
}
