//! The `formlint检查结果` worksheet: one row per finding, with a link to its cell, then one row
//! per accepted finding (级别 已接受, the reason and the accepting entry after the message).
//! Text is written as inline strings so the shared-string table stays as it was.

use super::styles::{Font, StyleBook};
use super::xml::{self, NS_MAIN, NS_REL};
use crate::finding::{Finding, Severity};
use crate::form::Place;
use crate::outcome::Accepted;
use crate::sheet::CellRef;

/// The findings sheet's name (made unique when the workbook already has one).
pub const SHEET_NAME: &str = "formlint检查结果";

const HEADER: [&str; 6] = ["工作表", "单元格", "代码", "级别", "标题", "说明"];
const WIDTHS: [u32; 6] = [16, 12, 8, 8, 24, 90];

/// Severity as the filer reads it.
pub fn severity_label(s: Severity) -> &'static str {
    s.label()
}

fn cell(col: u32, row1: u32, style: u32, text: &str) -> String {
    let r = CellRef::new(row1 - 1, col);
    if text.is_empty() {
        return format!("<c r=\"{r}\" s=\"{style}\"/>");
    }
    format!(
        "<c r=\"{r}\" s=\"{style}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
        xml::esc(text)
    )
}

/// `'自评表'!I16`: a sheet name quoted for a formula-style reference.
pub(super) fn location(sheet: &str, at: CellRef) -> String {
    format!("'{}'!{at}", sheet.replace('\'', "''"))
}

/// The worksheet XML. `linked(f)` tells whether a finding's cell exists in the workbook (only
/// those get a link).
pub(super) fn build(
    findings: &[Finding],
    accepted: &[Accepted],
    book: &mut StyleBook,
    linked: &dyn Fn(&Finding) -> Option<CellRef>,
) -> String {
    let head = book.plain(Font::Bold, None);
    let plain = book.plain(Font::Normal, None);
    let link = book.plain(Font::Link, None);
    let mut rows = String::new();
    let mut links = String::new();
    rows.push_str("<row r=\"1\">");
    for (i, h) in HEADER.iter().enumerate() {
        rows.push_str(&cell(i as u32, 1, head, h));
    }
    rows.push_str("</row>");
    let plain_rows = findings.iter().map(|f| (f, None));
    let accepted_rows = accepted.iter().map(|a| (&a.finding, Some(a)));
    for (i, (f, acc)) in plain_rows.chain(accepted_rows).enumerate() {
        let r = i as u32 + 2;
        let sev = match acc {
            Some(_) => plain,
            None => book.plain(Font::Normal, Some(f.severity)),
        };
        let target = if acc.is_some() { None } else { linked(f) };
        let place = match &f.at {
            Some(Place::Cell(c)) => c.to_string(),
            Some(Place::Path(p)) => p.to_string(),
            Some(other @ Place::Elsewhere(_)) => other.to_string(),
            None => String::new(),
        };
        let sheet = f.sheet.clone().unwrap_or_default();
        rows.push_str(&format!("<row r=\"{r}\">"));
        rows.push_str(&cell(0, r, plain, &sheet));
        rows.push_str(&cell(
            1,
            r,
            if target.is_some() { link } else { plain },
            &place,
        ));
        rows.push_str(&cell(2, r, plain, &f.code));
        let (level, message) = match acc {
            Some(a) => (
                format!("已接受（{}）", severity_label(f.severity)),
                format!("{}（已接受：{}；{}）", f.message, a.by.reason, a.by.place()),
            ),
            None => (severity_label(f.severity).to_string(), f.message.clone()),
        };
        rows.push_str(&cell(3, r, sev, &level));
        rows.push_str(&cell(4, r, plain, &f.title));
        rows.push_str(&cell(5, r, plain, &message));
        rows.push_str("</row>");
        if let Some(at) = target {
            links.push_str(&format!(
                "<hyperlink ref=\"B{r}\" location=\"{}\" display=\"{}\"/>",
                xml::esc(&location(&sheet, at)),
                xml::esc(&format!("{sheet}!{at}"))
            ));
        }
    }
    let cols: String = WIDTHS
        .iter()
        .enumerate()
        .map(|(i, w)| {
            format!(
                "<col min=\"{n}\" max=\"{n}\" width=\"{w}\" customWidth=\"1\"/>",
                n = i + 1
            )
        })
        .collect();
    let last = findings.len() + accepted.len() + 1;
    let links = if links.is_empty() {
        String::new()
    } else {
        format!("<hyperlinks>{links}</hyperlinks>")
    };
    format!(
        "{}<worksheet xmlns=\"{NS_MAIN}\" xmlns:r=\"{NS_REL}\"><dimension ref=\"A1:F{last}\"/><sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/><cols>{cols}</cols><sheetData>{rows}</sheetData>{links}<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>",
        xml::DECL
    )
}
