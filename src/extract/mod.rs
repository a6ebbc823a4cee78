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
use crate::sheet::Sheet;

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

/// Extracts the form on `sheet` as `layout` describes it.
/// The form carries the acceptances written in the sheet's comments (`formlint: 接受 …`).
pub(crate) fn extract(sheet: &Sheet, layout: &Layout) -> Extracted {
    extract_any(sheet, &[layout]).1
}

/// Extracts the form on `sheet` with whichever of `layouts` it fits best (a title, then the
/// most form labels), returning that layout's index: how a batch holding self-evaluations and
/// declarations gives each sheet to the pack of its kind.
pub(crate) fn extract_any(sheet: &Sheet, layouts: &[&Layout]) -> (usize, Extracted) {
    match sheet_form::extract_best(sheet, layouts) {
        (i, Extracted::Form(mut form, problems)) => {
            form.accepted = crate::accept::from_comments(&sheet.comments, &sheet.merges);
            (i, Extracted::Form(form, problems))
        }
        other => other,
    }
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
/// kind of form it looks like.
pub(crate) fn incomplete_finding(sheet: &str, what: &str, missing: &[String]) -> Finding {
    Finding {
        help: Some(
            "请使用标准模板，不要删除或改写栏目标签。Use the standard template; keep its labels."
                .to_string(),
        ),
        ..codes::INCOMPLETE.on_sheet(
            sheet,
            format!(
                "工作表“{sheet}”像是{what}，但找不到：{}",
                missing.join("、")
            ),
        )
    }
}
