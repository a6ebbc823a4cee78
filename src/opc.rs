//! Part names inside an Office Open XML package (Open Packaging Conventions): where a part's
//! relationships live and what a relationship target points at. Shared by the reader (cell
//! comments) and the annotator.

/// `xl/worksheets/sheet1.xml` → `xl/worksheets/_rels/sheet1.xml.rels` (`""` → `_rels/.rels`).
pub fn rels_path(part: &str) -> String {
    let part = part.trim_start_matches('/');
    match part.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// Resolves a relationship target written in `source`'s `.rels` to a part name (no leading
/// `/`, `..` and `.` folded, any `#fragment` dropped).
pub fn resolve(source: &str, target: &str) -> String {
    let target = target.split('#').next().unwrap_or(target);
    let mut parts: Vec<&str> = match target.strip_prefix('/') {
        Some(_) => Vec::new(),
        None => source
            .trim_start_matches('/')
            .rsplit_once('/')
            .map(|(d, _)| d.split('/').collect())
            .unwrap_or_default(),
    };
    parts.extend(target.trim_start_matches('/').split('/'));
    let mut out: Vec<&str> = Vec::new();
    for p in parts {
        match p {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out.join("/")
}

/// A target for a part as seen from `source` (relative, `../` where needed).
pub fn relative(source: &str, part: &str) -> String {
    let from: Vec<&str> = source
        .trim_start_matches('/')
        .rsplit_once('/')
        .map(|(d, _)| d.split('/').collect())
        .unwrap_or_default();
    let to: Vec<&str> = part.trim_start_matches('/').split('/').collect();
    let common = from
        .iter()
        .zip(to.iter())
        .take_while(|(a, b)| a == b)
        .count()
        .min(to.len().saturating_sub(1));
    let mut out = vec![".."; from.len() - common];
    out.extend(&to[common..]);
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_absolute_and_fragment_targets() {
        assert_eq!(
            resolve("xl/workbook.xml", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/worksheets/sheet1.xml", "../comments1.xml"),
            "xl/comments1.xml"
        );
        assert_eq!(
            resolve("xl/workbook.xml", "/xl/styles.xml"),
            "xl/styles.xml"
        );
        assert_eq!(resolve("", "xl/workbook.xml#x"), "xl/workbook.xml");
        assert_eq!(rels_path("xl/workbook.xml"), "xl/_rels/workbook.xml.rels");
        assert_eq!(rels_path(""), "_rels/.rels");
    }
}
