//! `formlint check` with a cross-check: no report is final until the self-evaluations have
//! been compared with their declarations (docs/crosscheck-2020.md). Without `--annotate` the
//! batch is rendered as it goes into a temporary file ([`TempSpill`]), kept with only the
//! declarations' forms; when the batch turns out to hold both kinds, the cross-check runs and
//! the batch is checked and rendered again with its findings, so memory stays flat however
//! long the batch (docs/performance.md). With `--annotate` the reports are held and handed
//! back ([`run`]).

use crate::cmd;
use crate::cmd::check::read_bounded;
use crate::cmd::spill::TempSpill;
use crate::cmd::walk::STDIN;
use formlint::crosscheck;
use formlint::form::{FiledForm, FormKind};
use formlint::pack::Pack;
use formlint::report::{Emitter, FileReport, FromSheets, SheetUse, Skipped, Spill};
use formlint::run;
use std::collections::BTreeMap;
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
    let holds_self = |r: &FileReport| r.checked.iter().any(|c| c.kind == FormKind::SelfEvaluation);
    let mut held: Vec<(FileReport, formlint::report::FromSheets, Vec<FiledForm>)> = Vec::new();
    let batch = cmd::batch::run(
        files,
        check_one,
        batch_options,
        |c: &run::Checked| keep(ctx.sheet_use, ctx.stdin_name, c),
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
        crosscheck::add_to(
            (ctx.cross)(),
            &forms,
            &mut reports,
            &|more: &mut FileReport| {
                let input = Path::new(&more.path).to_path_buf();
                if let Some(c) = ctx.configs.for_input(&input) {
                    let rel = cmd::config::relative_to(&input, c, &more.path);
                    c.suppressions.apply_as(more, &rel);
                }
            },
        );
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

/// What the batch's emitter was given before its files (paths that could not be walked,
/// files found but not checked): given again to a new emitter when the batch is rendered
/// again.
pub struct Before {
    /// Reports of paths that could not be checked.
    pub problems: Vec<FileReport>,
    /// Files found but not checked.
    pub skipped: Vec<Skipped>,
}

/// Whether a report holds a self-evaluation (the cross-check may add to it).
/// What the first pass keeps of a checked file: what its format shows of the sheets, and the
/// declarations' forms (standard input, which cannot be read twice, keeps all its forms).
fn keep(sheet_use: SheetUse, stdin_name: &str, c: &run::Checked) -> (FromSheets, Vec<FiledForm>) {
    let kept = sheet_use.take(&c.report, &c.sheets);
    let filed = if c.report.path == stdin_name {
        crosscheck::filed(&c.report, &c.forms)
    } else {
        crosscheck::filed_of(&c.report, &c.forms, &[FormKind::Declaration])
    };
    (kept, filed)
}

fn holds_self(r: &FileReport) -> bool {
    r.checked.iter().any(|c| c.kind == FormKind::SelfEvaluation)
}

/// Checks `files` and hands every report, with `before`'s, to `emitter` in input order,
/// writing to `out` — the batch without `--annotate`. The first pass renders into a
/// temporary file and keeps the declarations' forms; a batch holding no declaration or no
/// self-evaluation (the common case) is then copied out. Otherwise the self-evaluations are
/// read again for their forms, the cross-check runs, and a new emitter from `fresh` renders
/// the batch again with the cross-check's findings; it replaces `emitter`. Returns the first
/// pass's wall time.
#[allow(clippy::too_many_arguments)]
pub fn stream<'r>(
    files: &[PathBuf],
    check_one: &(dyn Fn(&Path) -> run::Checked + Sync),
    batch_options: cmd::batch::BatchOptions,
    ctx: Context,
    before: Before,
    emitter: &mut Emitter<'r>,
    fresh: &dyn Fn() -> Emitter<'r>,
    out: &mut dyn FnMut(&str),
) -> std::time::Duration {
    let mut spill = TempSpill::new();
    for r in &before.problems {
        emitter.file_without_sheets(r.clone(), &mut |p| spill.push(p));
    }
    for s in &before.skipped {
        emitter.skipped(s.clone());
    }
    // per file: whether it holds a self-evaluation; the declarations' forms (all of standard
    // input's, which cannot be read twice), by file; standard input's report as rendered
    let mut selfs: Vec<bool> = Vec::with_capacity(files.len());
    let mut filed: BTreeMap<usize, Vec<FiledForm>> = BTreeMap::new();
    let mut stdin: Option<(usize, FileReport, FromSheets)> = None;
    let batch = cmd::batch::run(
        files,
        check_one,
        batch_options,
        |c: &run::Checked| keep(ctx.sheet_use, ctx.stdin_name, c),
        |r, (kept, f)| {
            let i = selfs.len();
            selfs.push(holds_self(&r));
            if !f.is_empty() {
                filed.insert(i, f);
            }
            if files[i].as_os_str() == STDIN {
                stdin = Some((i, r.clone(), kept.clone()));
            }
            emitter.file(r, kept, &mut |p| spill.push(p));
        },
    );
    let mixed = filed
        .values()
        .any(|f| f.iter().any(|x| x.kind == FormKind::Declaration))
        && selfs.iter().any(|s| *s);
    if !mixed {
        spill.drain(out);
        return batch.elapsed;
    }
    drop(spill);
    // the self-evaluations' forms, read again; with the declarations', in input order
    let again: Vec<(usize, PathBuf)> = files
        .iter()
        .enumerate()
        .filter(|(i, p)| p.as_os_str() != STDIN && selfs[*i])
        .map(|(i, p)| (i, p.clone()))
        .collect();
    let paths: Vec<PathBuf> = again.iter().map(|(_, p)| p.clone()).collect();
    let mut second = again.iter().map(|(i, _)| *i);
    cmd::batch::run(
        &paths,
        check_one,
        cmd::batch::BatchOptions {
            jobs: ctx.jobs,
            progress: false,
        },
        |c: &run::Checked| crosscheck::filed_of(&c.report, &c.forms, &[FormKind::SelfEvaluation]),
        |_, f| {
            if let Some(i) = second.next() {
                filed.entry(i).or_default().extend(f);
            }
        },
    );
    let forms: Vec<FiledForm> = std::mem::take(&mut filed).into_values().flatten().collect();
    let found = crosscheck::by_file((ctx.cross)(), &forms);
    drop(forms);
    let accept = |more: &mut FileReport| {
        let input = Path::new(&more.path).to_path_buf();
        if let Some(c) = ctx.configs.for_input(&input) {
            let rel = cmd::config::relative_to(&input, c, &more.path);
            c.suppressions.apply_as(more, &rel);
        }
    };
    // the batch again, each self-evaluation with its cross-check findings
    let mut e = fresh();
    for r in before.problems {
        e.file_without_sheets(r, out);
    }
    for s in before.skipped {
        e.skipped(s);
    }
    let again: Vec<PathBuf> = files
        .iter()
        .filter(|p| p.as_os_str() != STDIN)
        .cloned()
        .collect();
    let with_found = |p: &Path| {
        let mut c = check_one(p);
        if let Some(extra) = found.get(&c.report.path) {
            crosscheck::add_found(&mut c.report, extra.clone(), &accept);
        }
        c
    };
    let mut emitted = 0;
    let mut stdin = stdin.map(|(i, mut r, kept)| {
        let kept = match found.get(&r.path) {
            Some(extra) => {
                crosscheck::add_found(&mut r, extra.clone(), &accept);
                ctx.sheet_use.take(&r, &[])
            }
            None => kept,
        };
        (i, r, kept)
    });
    let mut stdin_first = |e: &mut Emitter<'r>, emitted: usize, out: &mut dyn FnMut(&str)| {
        if stdin.as_ref().is_some_and(|(i, _, _)| *i <= emitted) {
            if let Some((_, r, kept)) = stdin.take() {
                e.file(r, kept, out);
            }
        }
    };
    cmd::batch::run(
        &again,
        &with_found,
        cmd::batch::BatchOptions {
            jobs: ctx.jobs,
            progress: false,
        },
        |c: &run::Checked| ctx.sheet_use.take(&c.report, &c.sheets),
        |r, kept| {
            stdin_first(&mut e, emitted, out);
            e.file(r, kept, out);
            emitted += 1;
        },
    );
    stdin_first(&mut e, usize::MAX, out);
    *emitter = e;
    batch.elapsed
}
