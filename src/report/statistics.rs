//! `--statistics`: how often each code occurred, like `ruff --statistics`, so a batch shows
//! at a glance which mistakes are common.

use super::FileReport;
use std::collections::BTreeMap;

/// One line per code: count (right-aligned), code and title, most frequent first, then by code.
/// The title is that of the code's first finding. Empty when there are no findings.
pub fn render_statistics(files: &[FileReport]) -> String {
    let mut by_code: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for f in files.iter().flat_map(|f| &f.findings) {
        by_code.entry(&f.code).or_insert((0, &f.title)).0 += 1;
    }
    let mut rows: Vec<(&str, usize, &str)> = by_code
        .into_iter()
        .map(|(code, (n, title))| (code, n, title))
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
