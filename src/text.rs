//! Small text helpers every stage shares: full-width folding of what filers type.

/// Full-width ASCII (U+FF01–U+FF5E: `５`, `％`, `（`, `，`, `：`) to half-width; other characters
/// unchanged. The ideographic space U+3000 is not in that block: callers that fold spaces too
/// say so.
pub fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// The text [`half_width`] with all white space removed (newlines and U+3000 included):
/// the form in which labels, dashes and numbers typed as text are compared.
pub fn compact(text: &str) -> String {
    text.chars()
        .map(half_width)
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_ascii_only() {
        let folded: String = "９５％（），：＊～！".chars().map(half_width).collect();
        assert_eq!(folded, "95%(),:*~!");
        for c in ['\u{3000}', '—', '、', '得', 'a', '\u{FF00}', '\u{FF5F}'] {
            assert_eq!(half_width(c), c, "{c:?}");
        }
        assert_eq!(compact(" 项目\n资金\u{3000}（万元） "), "项目资金(万元)");
    }
}
