//! The extract stage: a sheet plus a layout (data, not code) → a [`Form`].
//!
//! A layout file names the labels that mark a form, where each single value sits relative
//! to its label, and the tables with their column headers and kinds (see
//! `rules/shenzhen-2020/layout.yaml`). Every position is found from labels at run time, so
//! forms with rows added or removed, title rows, `*` markers or `（50分）` weights in labels
//! all extract with the same layout. [`read_canonical`] reads the same forms from YAML/JSON.

mod canonical;
mod cells;
mod layout;
mod normalise;
mod sheet_form;
mod stacked;
mod typing;
mod yaml;

#[cfg(test)]
mod tests;

pub(crate) use canonical::{canonical_fiscal_year, canonical_kind, read_canonical};
pub(crate) use layout::{parse_layout, Layout, LayoutError};
pub(crate) use yaml::Pairs;

use crate::codes;
use crate::finding::Finding;
use crate::form::Form;
use crate::sheet::{CellRef, Sheet};

/// What came of one sheet.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Extracted {
    /// A form, with the input problems found while typing its cells (X006).
    Form(Form, Vec<Finding>),
    /// Fewer than half of the layout's form labels occur: not a form (report X003, info).
    NotAForm,
    /// Looks like a form but these labels or headers are missing (report X005, error).
    Incomplete(Vec<String>),
}

/// Extracts the (first) form on `sheet` as `layout` describes it.
/// The form carries the acceptances written in the sheet's comments (`formlint: 接受 …`).
#[cfg(test)]
pub(crate) fn extract(sheet: &Sheet, layout: &Layout) -> Extracted {
    extract_any(sheet, &[layout])
        .1
        .into_iter()
        .next()
        .map_or(Extracted::NotAForm, |(e, _)| e)
}

/// Extracts every form on `sheet` with whichever of `layouts` it fits best (a title, then the
/// most form labels), returning that layout's index: how a batch holding self-evaluations and
/// declarations gives each sheet to the pack of its kind. A sheet holds one form, or several
/// stacked one under another; then each comes with the cell it begins at (its `项目名称`), and
/// carries the acceptances written in comments on its own rows.
pub(crate) fn extract_any(
    sheet: &Sheet,
    layouts: &[&Layout],
) -> (usize, Vec<(Extracted, Option<CellRef>)>) {
    let (i, found) = sheet_form::extract_best(sheet, layouts);
    let starts: Vec<u32> = found
        .iter()
        .filter_map(|(_, at)| at.map(|a| a.row))
        .collect();
    // the sheet's acceptance comments, read once and shared out among its forms
    let comments = if found.iter().any(|(e, _)| matches!(e, Extracted::Form(..))) {
        crate::accept::from_comments(&sheet.comments, &sheet.merges)
    } else {
        Vec::new()
    };
    let forms = found
        .into_iter()
        .map(|(extracted, at)| match extracted {
            Extracted::Form(mut form, problems) => {
                let mut accepted = comments.clone();
                if let Some(at) = at {
                    // a comment belongs to the form whose rows hold it
                    let next = starts.iter().copied().find(|r| *r > at.row);
                    let first = starts.iter().copied().next() == Some(at.row);
                    accepted.retain(|a| match &a.origin {
                        Some(crate::form::Place::Cell(c)) => {
                            (first || c.row >= at.row) && next.is_none_or(|n| c.row < n)
                        }
                        _ => first,
                    });
                }
                form.accepted = accepted;
                (Extracted::Form(form, problems), at)
            }
            other => (other, at),
        })
        .collect();
    (i, forms)
}

/// The X003 info finding for a skipped sheet, so every caller words it the same.
/// `what` names the kinds of form looked for (自评表, 自评表或申报表).
pub(crate) fn not_a_form_finding(sheet: &str, what: &str) -> Finding {
    codes::NOT_A_FORM.on_sheet(
        sheet,
        format!("工作表“{sheet}”中没有找到{what}的标志性标签，已跳过"),
    )
}

/// The X005 error finding for a sheet that lacks required labels or headers; `what` is the
/// kind of form it looks like. On a sheet holding several forms, `start` is the cell the
/// incomplete one begins at, and the finding sits there.
pub(crate) fn incomplete_finding(
    sheet: &str,
    what: &str,
    missing: &[String],
    start: Option<CellRef>,
) -> Finding {
    let which = start.map_or(String::new(), |at| format!("中自 {at} 起的一张表"));
    Finding {
        help: Some(
            "请使用标准模板，不要删除或改写栏目标签。Use the standard template; keep its labels."
                .to_string(),
        ),
        at: start.map(crate::form::Place::Cell),
        ..codes::INCOMPLETE.on_sheet(
            sheet,
            format!(
                "工作表“{sheet}”{which}像是{what}，但找不到：{}",
                missing.join("、")
            ),
        )
    }
}
