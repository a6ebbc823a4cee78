//! Cross-form checking: every self-evaluation of a batch against the target declaration it
//! reports against, by a pack of kind 配对 (`crosscheck-2020`). The forms come as checked by
//! their own packs ([`filed`]); the pack's rules pair and compare them
//! (`lang::Program::check_pairs`); each finding goes back to the self-evaluation's file, at
//! its cell there, with related cells in the declaration's workbook.

use crate::codes;
use crate::finding::Finding;
use crate::form::{FiledForm, Form, FormKind, Place};
use crate::outcome::{FileReport, FormSummary};
use crate::pack::Pack;
use std::collections::BTreeMap;

/// The forms of one checked file as a cross-check sees them: each with its kind, fiscal year
/// and the findings its own pack reported on it.
pub fn filed(report: &FileReport, forms: &[Form]) -> Vec<FiledForm> {
    filed_of(
        report,
        forms,
        &[FormKind::SelfEvaluation, FormKind::Declaration],
    )
}

/// [`filed`] for the forms of these kinds only (the others are not copied).
pub fn filed_of(report: &FileReport, forms: &[Form], kinds: &[FormKind]) -> Vec<FiledForm> {
    forms
        .iter()
        .zip(&report.checked)
        .filter(|(_, summary)| kinds.contains(&summary.kind))
        .map(|(form, summary): (&Form, &FormSummary)| {
            let reported = report
                .findings
                .iter()
                .filter(|f| f.sheet.as_deref() == Some(form.sheet.as_str()))
                .map(|f| (f.code.clone(), f.at.clone()))
                .collect();
            let mut filed = FiledForm::new(form.clone(), &report.path, summary.kind, reported);
            filed.year = summary.fiscal_year;
            filed
        })
        .collect()
}

/// Whether a batch's forms hold both kinds a cross-check compares.
pub fn applies(forms: &[FiledForm]) -> bool {
    forms.iter().any(|f| f.kind == FormKind::SelfEvaluation)
        && forms.iter().any(|f| f.kind == FormKind::Declaration)
}

/// Runs the cross-check pack over `forms`, fiscal year by fiscal year (a form stating no year
/// takes the pack's first), and returns each finding with the file it belongs to: the
/// self-evaluation's, at its place there; related places in that same sheet are local, those
/// in the declaration's workbook keep their file.
pub fn check(pack: &Pack, forms: &[FiledForm]) -> Vec<(String, Finding)> {
    let default_year = pack.manifest.fiscal_years.first().copied();
    let mut years: BTreeMap<Option<i32>, (Vec<FiledForm>, Vec<FiledForm>)> = BTreeMap::new();
    for f in forms {
        let entry = years.entry(f.year.or(default_year)).or_default();
        match f.kind {
            FormKind::SelfEvaluation => entry.0.push(f.clone()),
            FormKind::Declaration => entry.1.push(f.clone()),
            FormKind::Pair => {}
        }
    }
    let mut out = Vec::new();
    for (selfs, decls) in years.values() {
        if selfs.is_empty() {
            continue;
        }
        for f in pack.program.check_pairs(selfs, decls) {
            out.push(route(f, &selfs[0]));
        }
    }
    out
}

/// The file a cross-check finding belongs to, and the finding placed there.
fn route(mut f: Finding, first: &FiledForm) -> (String, Finding) {
    let Some(Place::Elsewhere(home)) = f.at.clone() else {
        // a rule that failed, or a finding at no cell of a form: the batch's first
        // self-evaluation carries it, so it is not lost
        if f.code != codes::RULE_FAILED.code {
            f.message = format!("{}（交叉检查，位置不明）", f.message);
        }
        f.sheet = None;
        return (first.file.clone(), f);
    };
    f.sheet = Some(home.sheet.clone());
    f.at = Some(home.at.clone());
    for r in &mut f.related {
        if let Place::Elsewhere(e) = &r.at {
            if e.file == home.file && e.sheet == home.sheet {
                r.at = e.at.clone();
            }
        }
    }
    (home.file.clone(), f)
}

/// Runs the cross-check over a batch when it holds both kinds of form and adds each finding
/// to its self-evaluation's report, in report order; `accept` applies that file's
/// acceptances (formlint.toml) to the findings added, as they were applied to the others.
/// Returns how many findings were added. The command line and the browser checker both use it.
pub fn add_to(
    pack: &Pack,
    forms: &[FiledForm],
    reports: &mut [&mut FileReport],
    accept: &dyn Fn(&mut FileReport),
) -> usize {
    let mut found = by_file(pack, forms);
    let mut added = 0;
    for r in reports.iter_mut() {
        if let Some(extra) = found.remove(&r.path) {
            added += add_found(r, extra, accept);
        }
    }
    added
}

/// The cross-check's findings over a batch (none unless it holds both kinds of form), by the
/// file of the self-evaluation each belongs to: what [`add_to`] adds, for a caller that
/// meets the reports one at a time (the command line streams them).
pub fn by_file(pack: &Pack, forms: &[FiledForm]) -> BTreeMap<String, Vec<Finding>> {
    let mut found: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    if applies(forms) {
        for (file, f) in check(pack, forms) {
            found.entry(file).or_default().push(f);
        }
    }
    found
}

/// Adds a file's cross-check findings (from [`by_file`]) to its report as [`add_to`] does:
/// `accept` applies the file's acceptances, then findings and acceptances are put in report
/// order. Returns how many findings were added.
pub fn add_found(
    r: &mut FileReport,
    extra: Vec<Finding>,
    accept: &dyn Fn(&mut FileReport),
) -> usize {
    let mut more = FileReport {
        findings: extra,
        ..FileReport::new(&r.path)
    };
    accept(&mut more);
    let added = more.findings.len();
    r.findings.extend(more.findings);
    r.accepted.extend(more.accepted);
    let order: Vec<String> = r.checked.iter().map(|s| s.sheet.clone()).collect();
    crate::outcome::sort_findings(&mut r.findings, &order);
    crate::outcome::sort_accepted(&mut r.accepted, &order);
    added
}

/// The cross-check's findings as the other workbook shows them: for every related place in
/// another file, a finding at that place naming the self-evaluation's cell, so an annotated
/// copy of a declaration marks what its self-evaluation was compared with. By file.
pub fn mirrored(reports: &[&FileReport]) -> BTreeMap<String, Vec<Finding>> {
    let mut out: BTreeMap<String, Vec<Finding>> = BTreeMap::new();
    for r in reports {
        for f in &r.findings {
            for rel in &f.related {
                let Place::Elsewhere(e) = &rel.at else {
                    continue;
                };
                let here = format!("{} › {}", r.path, f.location());
                out.entry(e.file.clone()).or_default().push(Finding {
                    message: format!("{}（自评表 {here}：{}）", rel.label, f.message),
                    sheet: Some(e.sheet.clone()),
                    at: Some(e.at.clone()),
                    related: Vec::new(),
                    ..f.clone()
                });
            }
        }
    }
    out
}
