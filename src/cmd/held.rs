//! `formlint check` with a cross-check: the batch's reports are held until the self-evaluations
//! have been compared with their declarations (docs/crosscheck-2020.md), then handed back in
//! input order for the emitter. Only what the cross-check needs is held (docs/performance.md).

use crate::cmd;
use crate::cmd::check::read_bounded;
use crate::cmd::walk::STDIN;
use formlint::crosscheck;
use formlint::pack::Pack;
use formlint::report::{FileReport, FromSheets, SheetUse};
use formlint::run;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// What the held batch needs of the run besides its files.
pub struct Context<'a> {
    /// `--jobs`.
    pub jobs: usize,
    /// What the report format keeps of each file's sheets.
    pub sheet_use: SheetUse,
    /// The cross-check pack, compiled when first asked for (a batch holding both kinds).
    pub cross: &'a dyn Fn() -> &'a Pack,
    /// The formlint.toml files in force, for the cross-check's findings too.
    pub configs: &'a cmd::config::Configs,
    /// The name standard input is reported under.
    pub stdin_name: &'a str,
    /// `--annotate DIR` and the paths given, when copies are to be written.
    pub annotate: Option<(&'a Path, &'a [PathBuf])>,
    /// Set when a copy could not be written.
    pub annotate_failed: &'a AtomicBool,
}

/// Checks `files`, runs the cross-check, writes annotated copies (with its findings in both
/// workbooks), and returns every file's report with what its format keeps, in input order,
/// and the batch's wall time.
pub fn run(
    files: &[PathBuf],
    check_one: &(dyn Fn(&Path) -> run::Checked + Sync),
    batch_options: cmd::batch::BatchOptions,
    ctx: Context,
) -> (Vec<(FileReport, FromSheets)>, std::time::Duration) {
    // The cross-check needs every form of the batch, so reports are held until it has run,
    // then emitted in input order. Only the declarations' forms are held on the first pass: a
    // batch with no declaration (the common case) holds its reports alone. When it holds
    // both kinds, the self-evaluations are read again for their forms (and sheets, when the
    // format shows them), and the files the cross-check adds to are rendered again.
    use formlint::form::{FiledForm, FormKind};
    let holds_self = |r: &FileReport| r.checked.iter().any(|c| c.kind == FormKind::SelfEvaluation);
    let mut held: Vec<(FileReport, formlint::report::FromSheets, Vec<FiledForm>)> = Vec::new();
    let batch = cmd::batch::run(
        files,
        check_one,
        batch_options,
        |c: &run::Checked| {
            let kept = ctx.sheet_use.take(&c.report, &c.sheets);
            // standard input cannot be read twice: its forms are kept whatever they are
            let filed = if c.report.path == ctx.stdin_name {
                crosscheck::filed(&c.report, &c.forms)
            } else {
                crosscheck::filed_of(&c.report, &c.forms, &[FormKind::Declaration])
            };
            (kept, filed)
        },
        |r, (kept, filed)| held.push((r, kept, filed)),
    );
    let mixed = held
        .iter()
        .any(|(_, _, f)| f.iter().any(|x| x.kind == FormKind::Declaration))
        && held.iter().any(|(r, _, _)| holds_self(r));
    if mixed {
        let again: Vec<PathBuf> = files
            .iter()
            .zip(&held)
            .filter(|(p, (r, _, _))| p.as_os_str() != STDIN && holds_self(r))
            .map(|(p, _)| p.clone())
            .collect();
        let needs_sheets = !matches!(ctx.sheet_use, formlint::report::SheetUse::Nothing);
        let mut second: std::collections::BTreeMap<
            String,
            (Vec<formlint::sheet::Sheet>, Vec<FiledForm>),
        > = std::collections::BTreeMap::new();
        cmd::batch::run(
            &again,
            check_one,
            cmd::batch::BatchOptions {
                jobs: ctx.jobs,
                progress: false,
            },
            |c: &run::Checked| {
                let sheets = if needs_sheets {
                    c.sheets.clone()
                } else {
                    Vec::new()
                };
                let filed = crosscheck::filed_of(&c.report, &c.forms, &[FormKind::SelfEvaluation]);
                (sheets, filed)
            },
            |r, kept| {
                second.insert(r.path, kept);
            },
        );
        let mut forms: Vec<FiledForm> = Vec::new();
        for (r, _, filed) in &held {
            forms.extend(filed.iter().cloned());
            if let Some((_, f)) = second.get(&r.path) {
                forms.extend(f.iter().cloned());
            }
        }
        let before: Vec<usize> = held
            .iter()
            .map(|(r, _, _)| r.findings.len() + r.accepted.len())
            .collect();
        let mut reports: Vec<&mut FileReport> = held.iter_mut().map(|(r, _, _)| r).collect();
        crosscheck::add_to((ctx.cross)(), &forms, &mut reports, &|more: &mut FileReport| {
            let input = Path::new(&more.path).to_path_buf();
            if let Some(c) = ctx.configs.for_input(&input) {
                let rel = cmd::config::relative_to(&input, c, &more.path);
                c.suppressions.apply_as(more, &rel);
            }
        });
        for ((r, kept, _), n) in held.iter_mut().zip(before) {
            if r.findings.len() + r.accepted.len() != n {
                let sheets = second
                    .get(&r.path)
                    .map(|(s, _)| s.as_slice())
                    .unwrap_or(&[]);
                *kept = ctx.sheet_use.take(r, sheets);
            }
        }
    }
    if let Some((dir, paths)) = ctx.annotate {
        let reports: Vec<&FileReport> = held.iter().map(|(r, _, _)| r).collect();
        let mirrored = crosscheck::mirrored(&reports);
        for (path, (r, _, _)) in files.iter().zip(&held) {
            if path.as_os_str() == STDIN {
                continue;
            }
            let Ok(bytes) = read_bounded(path) else {
                continue;
            };
            let mut shown = r.clone();
            if let Some(more) = mirrored.get(&r.path) {
                shown.findings.extend(more.iter().cloned());
            }
            if !cmd::annotate::write(dir, paths, path, &bytes, &shown) {
                ctx.annotate_failed.store(true, Ordering::Relaxed);
            }
        }
    }
    (
        held.into_iter().map(|(r, kept, _)| (r, kept)).collect(),
        batch.elapsed,
    )
}
