//! The batch runner behind `formlint check`: many files checked in parallel, reported in input
//! order whatever the thread count.
//!
//! Each worker reads one file, runs it through the pipeline and renders it at once (through the
//! caller's `render`), so a form's cells are dropped on the worker and only the small
//! [`FileReport`] and the rendered text travel back. Workers take files in input order from a
//! shared counter, so results arrive nearly in order and the reorder buffer holds about one
//! file per thread: memory stays flat however long the batch.

use formlint::pack::Pack;
use formlint::report::{FileReport, Totals};
use formlint::run::Checked;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Batches larger than this get a progress bar (when stderr is a terminal).
const PROGRESS_THRESHOLD: usize = 20;

/// How a batch runs, besides what is checked.
#[derive(Debug, Clone, Copy)]
pub struct BatchOptions {
    /// Worker threads; 0 means one per core. 1 runs on the calling thread, without a pool.
    pub jobs: usize,
    /// Whether a progress bar may be drawn (it still needs a terminal and a large batch).
    pub progress: bool,
}

/// What a batch produced besides what `emit` was given: how long it took. The batch keeps no
/// reports itself; the caller keeps what its output format needs.
#[derive(Debug)]
pub struct Batch {
    /// Wall time from the first read to the last report.
    pub elapsed: Duration,
}

// The pack is compiled once per run and shared by reference between the workers.
const _: () = {
    const fn shared_between_threads<T: Sync>() {}
    shared_between_threads::<Pack>();
};

/// Checks `files` with `check` (read, choose the pack, run the rules), in parallel, calling
/// `render` on each checked file (on a worker, while its sheets are still there) and `emit`
/// with each report and rendering in input order, as soon as every earlier file has been
/// emitted. `emit` owns the report from then on.
pub fn run<R, F, E>(
    files: &[PathBuf],
    check: &(dyn Fn(&Path) -> Checked + Sync),
    batch: BatchOptions,
    render: F,
    mut emit: E,
) -> Batch
where
    R: Send,
    F: Fn(&Checked) -> R + Sync,
    E: FnMut(FileReport, R),
{
    let start = Instant::now();
    let bar = progress_bar(files.len(), batch.progress);
    let jobs = match batch.jobs {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    }
    .min(files.len().max(1));
    let mut accept = |report: FileReport, rendered: R| {
        emit(report, rendered);
        bar.inc(1);
    };
    let pool = (jobs > 1)
        .then(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(jobs)
                // Rules evaluate recursively (depth-limited, see lang::depth): room for that.
                .stack_size(16 << 20)
                .build()
        })
        .and_then(Result::ok);
    match pool {
        None => {
            for path in files {
                let (report, rendered) = check_one(path, check, &render);
                accept(report, rendered);
            }
        }
        Some(pool) => {
            let next = AtomicUsize::new(0);
            let (tx, rx) = mpsc::channel();
            pool.in_place_scope(|scope| {
                for _ in 0..jobs {
                    let tx = tx.clone();
                    let (next, render) = (&next, &render);
                    scope.spawn(move |_| loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = files.get(i) else { break };
                        let done = check_one(path, check, render);
                        if tx.send((i, done)).is_err() {
                            break;
                        }
                    });
                }
                drop(tx);
                // Reorder on the calling thread: emit the ready prefix, hold the rest.
                let mut waiting = BTreeMap::new();
                let mut due = 0;
                for (i, done) in rx {
                    waiting.insert(i, done);
                    while let Some((report, rendered)) = waiting.remove(&due) {
                        accept(report, rendered);
                        due += 1;
                    }
                }
            });
        }
    }
    bar.finish_and_clear();
    Batch {
        elapsed: start.elapsed(),
    }
}

/// Checks one file, renders it, and keeps only its report and the rendering.
fn check_one<R>(
    path: &Path,
    check: &(dyn Fn(&Path) -> Checked + Sync),
    render: &impl Fn(&Checked) -> R,
) -> (FileReport, R) {
    use std::panic::{catch_unwind, AssertUnwindSafe};
    let name = crate::cmd::check::display(path);
    let checked = formlint::run::isolated(&name, || check(path));
    // A report format that trips over this file must not take the batch down either.
    match catch_unwind(AssertUnwindSafe(|| render(&checked))) {
        Ok(rendered) => (checked.report, rendered),
        Err(payload) => {
            let why = formlint::run::panic_text(payload.as_ref());
            let failed = formlint::run::internal_error(&name, &format!("生成报告时出错：{why}"));
            let rendered = render(&failed);
            (failed.report, rendered)
        }
    }
}

/// A progress bar on stderr for large batches on a terminal; hidden otherwise.
fn progress_bar(len: usize, wanted: bool) -> ProgressBar {
    if !wanted || len <= PROGRESS_THRESHOLD || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} 检查中 {bar:40} {pos}/{len} 个文件 {per_sec} {eta}")
    {
        bar.set_style(style);
    }
    bar
}

/// The closing table of a batch, for stderr: files, forms, findings by severity, time taken.
pub fn summary_table(totals: &Totals, elapsed: Duration) -> String {
    let (forms, counts) = (totals.forms, totals.counts);
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        format!("{:.0} 个文件/秒", totals.files as f64 / secs)
    } else {
        "-".into()
    };
    let rows = [
        ("文件 files", totals.files.to_string()),
        ("表 forms", forms.to_string()),
        ("错误 errors", counts.errors.to_string()),
        ("警告 warnings", counts.warnings.to_string()),
        ("提示 info", counts.info.to_string()),
        ("用时 elapsed", format!("{secs:.2} s ({rate})")),
    ];
    let mut rows = rows.to_vec();
    if !totals.skipped.is_empty() {
        rows.insert(1, ("跳过 skipped", totals.skipped.len().to_string()));
    }
    if totals.accepted > 0 {
        let at = rows.len() - 1;
        rows.insert(at, ("已接受 accepted", totals.accepted.to_string()));
    }
    let mut out = String::new();
    for (label, value) in rows {
        let pad = 16usize.saturating_sub(unicode_width::UnicodeWidthStr::width(label));
        out.push_str(&format!("{label}{} {value}\n", " ".repeat(pad)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pack() -> Pack {
        formlint::pack::load(&formlint::pack::embedded(), "<embedded>/").expect("default pack")
    }

    fn seed_files() -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir("tests/fixtures/seed")
            .expect("seed fixtures")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
            .collect();
        files.sort();
        files
    }

    fn run_with(jobs: usize, files: &[PathBuf]) -> (Vec<FileReport>, Vec<String>) {
        let mut emitted = Vec::new();
        let mut reports = Vec::new();
        let choice = formlint::pack::PackChoice::only(pack());
        let opts = formlint::run::CheckOptions::default();
        run(
            files,
            &|p: &Path| crate::cmd::check::check_path(&choice, p, &opts).0,
            BatchOptions {
                jobs,
                progress: false,
            },
            |c: &Checked| format!("{}:{}", c.report.path, c.sheets.len()),
            |r, s| {
                emitted.push(format!("{} {s}", r.path));
                reports.push(r);
            },
        );
        (reports, emitted)
    }

    #[test]
    fn order_is_the_input_order_whatever_the_thread_count() {
        // Repeat the seed files so workers overtake each other.
        let seeds = seed_files();
        assert!(!seeds.is_empty());
        let files: Vec<PathBuf> = (0..6).flat_map(|_| seeds.iter().cloned()).collect();
        let (one, emitted_one) = run_with(1, &files);
        for jobs in [2, 3, 8] {
            let (many, emitted_many) = run_with(jobs, &files);
            assert_eq!(one, many, "reports with --jobs {jobs}");
            assert_eq!(emitted_one, emitted_many, "emission with --jobs {jobs}");
        }
        let paths: Vec<String> = one.iter().map(|r| r.path.clone()).collect();
        let given: Vec<String> = files
            .iter()
            .map(|p| crate::cmd::check::display(p))
            .collect();
        assert_eq!(paths, given);
    }

    #[test]
    fn unreadable_file_becomes_a_finding_not_a_stop() {
        let files = vec![PathBuf::from("tests/fixtures/no-such-file.xlsx")];
        let (reports, _) = run_with(2, &files);
        assert_eq!(reports.len(), 1);
        assert_eq!(
            reports[0].findings[0].code,
            formlint::codes::UNREADABLE.code
        );
    }

    #[test]
    fn empty_batch_is_fine() {
        let (reports, emitted) = run_with(0, &[]);
        assert!(reports.is_empty() && emitted.is_empty());
    }

    #[test]
    fn summary_table_counts_and_aligns() {
        let (reports, _) = run_with(2, &seed_files());
        let table = summary_table(&Totals::of(&reports), Duration::from_millis(1500));
        assert!(table.contains("用时 elapsed"), "{table}");
        assert!(table.contains("1.50 s"), "{table}");
        let files_line = table.lines().next().unwrap_or_default();
        assert!(files_line.ends_with(&reports.len().to_string()));
    }
}

#[cfg(test)]
mod isolation {
    use super::*;

    #[test]
    fn a_file_that_panics_is_reported_and_the_batch_goes_on() {
        let quiet = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let files: Vec<PathBuf> = ["a.xlsx", "boom.xlsx", "c.xlsx"]
            .map(PathBuf::from)
            .to_vec();
        let check = |p: &Path| -> Checked {
            if p.ends_with("boom.xlsx") {
                panic!("检查器内部错误");
            }
            Checked {
                report: FileReport {
                    checked: Vec::new(),
                    accepted: Vec::new(),
                    path: p.display().to_string(),
                    forms: 1,
                    findings: Vec::new(),
                },
                sheets: Vec::new(),
                forms: Vec::new(),
            }
        };
        for jobs in [1, 2] {
            let mut reports = Vec::new();
            run(
                &files,
                &check,
                BatchOptions {
                    jobs,
                    progress: false,
                },
                // A report format that trips over one file is isolated too.
                |c: &Checked| {
                    if c.report.path == "c.xlsx" && c.report.forms == 1 {
                        panic!("渲染出错");
                    }
                },
                |r, _| reports.push(r),
            );
            let paths: Vec<&str> = reports.iter().map(|r| r.path.as_str()).collect();
            assert_eq!(paths, ["a.xlsx", "boom.xlsx", "c.xlsx"], "--jobs {jobs}");
            assert!(reports[0].findings.is_empty());
            assert_eq!(reports[1].findings[0].code, "X015");
            assert!(reports[1].findings[0].message.contains("检查器内部错误"));
            assert_eq!(reports[2].findings[0].code, "X015");
            assert!(reports[2].findings[0].message.contains("渲染出错"));
        }
        std::panic::set_hook(quiet);
    }
}
