//! `--statistics`: how often each code occurred, like `ruff --statistics`, so a batch shows
//! at a glance which mistakes are common.

use super::{FileReport, Totals};

/// One line per code: count (right-aligned), code and title, most frequent first, then by code.
/// The title is that of the code's first finding. Empty when there are no findings.
pub fn render_statistics(files: &[FileReport]) -> String {
    render_statistics_of(&Totals::of(files))
}

/// [`render_statistics`] from totals kept along the way.
pub fn render_statistics_of(totals: &Totals) -> String {
    let mut rows: Vec<(&str, usize, &str)> = totals
        .by_code
        .iter()
        .map(|(code, (n, title))| (code.as_str(), *n, title.as_str()))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let width = rows
        .iter()
        .map(|r| r.1.to_string().len())
        .max()
        .unwrap_or(1);
    let code_width = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(4);
    rows.iter()
        .map(|(code, n, title)| format!("{n:>width$}  {code:<code_width$}  {title}\n"))
        .collect()
}
