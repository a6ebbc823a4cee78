//! `formlint check`: files and folders in, one report out, and the exit code workflows read
//! (0 clean, 1 findings, 2 usage or rule-pack error).

use crate::cmd;
use crate::cmd::walk::{self, STDIN};
use clap::ValueEnum;
use formlint::codes;
use formlint::pack::PackChoice;
use formlint::report::{Emitter, FileReport, Format, HumanOptions, RuleMeta, Ruleset, RunInfo};
use formlint::run::{self, CheckOptions};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

/// Options of `formlint check`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// 要检查的文件或文件夹；`-` 从标准输入读一个文件（按内容判断类型）
    /// (files or folders; `-` reads standard input).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// 报告中标准输入 `-` 的文件名，如 `P1.xlsx`；扩展名只作提示（默认 `-`）
    /// (the name of standard input in reports).
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// 规则包：含 pack.yaml 的文件夹，或内置包 `名称[@版本]`（默认按表中年度选内置包）
    /// (a rule pack folder or built-in name).
    #[arg(long, value_name = "DIR|NAME[@VERSION]")]
    rules: Option<String>,
    /// 按此年度选用内置规则包（默认按每张表写的年度，如“（2020年度）”）
    /// (choose the built-in pack of this fiscal year).
    #[arg(long, value_name = "YEAR")]
    year: Option<i32>,
    /// 指定 formlint.toml，用于所有文件（默认：每个文件所在及上级目录中最近的一个）(a config file).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// 不使用任何 formlint.toml (ignore formlint.toml).
    #[arg(long)]
    no_config: bool,
    /// 报告格式，见 docs/formats.md (output format).
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// 把报告写入文件（不会覆盖要检查的文件）而不是标准输出 (write the report to FILE).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// 只输出汇总一行 (print only the summary).
    #[arg(long, short)]
    quiet: bool,
    /// 报告后按代码统计问题数 (count findings per code).
    #[arg(long)]
    statistics: bool,
    /// 人读报告在摘要前列出已接受的问题及其理由和出处，-q 时也列出 (list accepted findings with their reasons).
    #[arg(long)]
    show_accepted: bool,
    /// 有警告（即使没有错误）时退出码为 1 (exit 1 on warnings).
    #[arg(long)]
    deny_warnings: bool,
    /// CSV 文件的编码（utf-8、gbk、gb18030），默认自动识别 (CSV encoding).
    #[arg(long, value_name = "ENCODING")]
    encoding: Option<String>,
    /// 文字报告是否用颜色 (colours).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// 文字报告的宽度 (width of human output).
    #[arg(long, default_value_t = 100)]
    width: usize,
    /// 同时检查的文件数（默认每个 CPU 核一个）(files checked at once).
    #[arg(long, short, value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// 不显示进度条（只在终端上、超过 20 个文件时才显示）(no progress bar).
    #[arg(long)]
    no_progress: bool,
    /// 把每个有问题的工作簿的批注副本写到此文件夹，见 docs/annotate.md (annotated copies).
    #[arg(long, value_name = "DIR")]
    annotate: Option<PathBuf>,
    /// 不对照申报表检查自评表（默认：同一批文件中既有自评表又有申报表时自动检查）
    /// (no cross-check of self-evaluations against their declarations).
    #[arg(long)]
    no_crosscheck: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
    Csv,
    /// 一个独立的 HTML 网页（表格中高亮问题单元格），见 docs/html-report.md.
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// A path as reports show it (forward slashes).
pub fn display(p: &Path) -> String {
    p.display().to_string().replace('\\', "/")
}

/// Reads and checks one file with the pack chosen for it; an unreadable file becomes an X001
/// finding. The bytes come back too, so a caller that needs them (`--annotate`) reads nothing
/// twice.
pub fn check_path(
    choice: &PackChoice,
    path: &Path,
    opts: &CheckOptions,
) -> (run::Checked, Option<Vec<u8>>) {
    match read_bounded(path) {
        Ok(bytes) => (
            check_bytes(choice, &display(path), &bytes, opts),
            Some(bytes),
        ),
        Err(e) => (
            unreadable(
                display(path),
                codes::UNREADABLE.finding(format!("无法读取文件：{e}")),
            ),
            None,
        ),
    }
}

/// Reads standard input (at most [`MAX_INPUT_BYTES`]) and checks it as the file `name`.
fn check_stdin(choice: &PackChoice, name: &str, opts: &CheckOptions) -> run::Checked {
    use std::io::Read;
    let mut bytes = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes);
    match read {
        Err(e) => unreadable(
            name.to_string(),
            codes::UNREADABLE.finding(format!("无法读取标准输入：{e}")),
        ),
        Ok(_) if bytes.len() as u64 > MAX_INPUT_BYTES => unreadable(
            name.to_string(),
            codes::UNREADABLE.finding(format!(
                "标准输入超过 {} MB 上限，不像是一张自评表",
                MAX_INPUT_BYTES >> 20
            )),
        ),
        Ok(_) => check_bytes(choice, name, &bytes, opts),
    }
}

/// Most bytes an input file may have (a form is well under 1 MB; see docs/limits.md).
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// Reads a regular file of at most [`MAX_INPUT_BYTES`]. A FIFO, device or socket is refused
/// before it is opened (opening a FIFO would wait for a writer forever), and the read itself is
/// capped, so a file that grows while read cannot exhaust memory either.
pub fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::{Error, ErrorKind, Read};
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(Error::new(
            ErrorKind::InvalidInput,
            "不是普通文件（设备、管道或套接字），不读取",
        ));
    }
    let too_large = || {
        Error::new(
            ErrorKind::InvalidData,
            format!(
                "文件超过 {} MB 上限，不像是一张自评表",
                MAX_INPUT_BYTES >> 20
            ),
        )
    };
    if meta.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Checks one file's contents with the pack chosen for the fiscal year it states.
fn check_bytes(choice: &PackChoice, name: &str, bytes: &[u8], opts: &CheckOptions) -> run::Checked {
    run::check_chosen(choice, name, bytes, opts)
}

fn unreadable(path: String, finding: formlint::finding::Finding) -> run::Checked {
    run::Checked {
        report: FileReport {
            checked: Vec::new(),
            accepted: Vec::new(),
            path,
            forms: 0,
            findings: vec![finding],
        },
        sheets: Vec::new(),
        forms: Vec::new(),
    }
}

/// The input that `output` would overwrite, if any: paths compared as canonical paths, so
/// `./forms/P1.xlsx`, `forms/../forms/P1.xlsx` and a symlink to it are the same file.
fn overwritten_input(output: &Path, inputs: &[PathBuf]) -> Option<PathBuf> {
    let out = std::fs::canonicalize(output).ok()?;
    inputs
        .iter()
        .find(|i| std::fs::canonicalize(i).is_ok_and(|c| c == out))
        .cloned()
}

/// Runs `formlint check`.
pub fn run(args: CheckArgs) -> ExitCode {
    let mut usage_error = false;
    let mut problems = Vec::new();
    let (files, skipped) = walk::collect(&args.paths, &mut problems, &mut usage_error);
    let (choice, configs) = match pack_and_config(&args, &files) {
        Ok(chosen) => chosen,
        Err(code) => return code,
    };
    let pack = choice.main();
    let ruleset = Ruleset {
        name: pack.manifest.name.clone(),
        version: pack.manifest.version.clone(),
    };
    let rules = pack.rule_meta();
    // JSON's closing `files` member waits in a temporary file, not in memory
    let spill_files = files.len() > 1 && matches!(args.format, OutputFormat::Json);
    let make_emitter = || {
        let mut e = Emitter::new(args.format.into(), run_info(&args, &ruleset, &rules));
        if spill_files {
            e.keep_in(Box::new(cmd::spill::TempSpill::new()));
        }
        e
    };
    let mut emitter = make_emitter();
    // Streaming formats reach stdout file by file; a report for --output is written whole.
    let mut out = Sink::new(args.output.is_none());
    emitter.begin(&mut |piece| out.push(piece));
    let stdin_given = files.iter().filter(|f| f.as_os_str() == STDIN).count();
    if stdin_given > 1 {
        eprintln!("error: 标准输入（-）只能给一次 (`-` given more than once)");
        return ExitCode::from(2);
    }
    if stdin_given == 0 && args.stdin_filename.is_some() {
        eprintln!(
            "warning: 没有给出 -，--stdin-filename 未使用 (--stdin-filename names standard input, given as -)"
        );
    }
    if let Some(input) = args
        .output
        .as_deref()
        .and_then(|o| overwritten_input(o, &files))
    {
        eprintln!(
            "error: --output {} 是要检查的文件，不会覆盖它；请把报告写到别的文件 (--output names an input)",
            display(&input)
        );
        return ExitCode::from(2);
    }
    let found = files.len() + skipped.len();
    let before = cmd::held::Before { problems, skipped };
    let batch = check_files(
        &args,
        &choice,
        &configs,
        &files,
        before,
        (&mut emitter, &make_emitter),
        &mut out,
    );
    usage_error |= batch.annotate_failed;
    if found > 1 && !args.quiet {
        eprint!(
            "{}",
            cmd::batch::summary_table(emitter.totals(), batch.elapsed)
        );
    }
    for c in &configs.all {
        let s = &c.suppressions;
        let unused = s.unused();
        if !unused.is_empty() {
            let r = FileReport {
                checked: Vec::new(),
                accepted: Vec::new(),
                path: s.path.clone(),
                forms: 0,
                findings: unused,
            };
            emitter.file_without_sheets(r, &mut |piece| out.push(piece));
        }
    }
    let statistics = emitter.statistics_aside();
    let counts = emitter.finish(&mut |piece| out.push(piece)).counts;
    eprint!("{statistics}");
    if let Err(e) = out.write_to(args.output.as_deref()) {
        let target = args
            .output
            .as_deref()
            .map_or("标准输出 (stdout)".to_string(), display);
        eprintln!("error: 无法写入 {target}：{e}");
        return ExitCode::from(2);
    }
    if usage_error {
        ExitCode::from(2)
    } else if counts.errors > 0 || (args.deny_warnings && counts.warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The formlint.toml files in force (unless `--no-config`: `--config`, else each input's
/// nearest) and the pack: `--rules`, else the configs', else the built-in default, chosen per
/// fiscal year unless fixed.
fn pack_and_config(
    args: &CheckArgs,
    files: &[PathBuf],
) -> Result<(PackChoice, cmd::config::Configs), ExitCode> {
    let configs = cmd::config::Configs::load(args.config.as_deref(), args.no_config, files)?;
    let spec = match &args.rules {
        Some(r) => Some(r.clone()),
        None => configs.pack_spec()?,
    };
    let choice = cmd::packs::choose(spec.as_deref(), args.year)?;
    for c in &configs.all {
        cmd::config::check_codes(&c.suppressions, &choice)?;
    }
    Ok((choice, configs))
}

/// What the report formats need to know about this run, from the arguments and the terminal.
fn run_info<'r>(args: &CheckArgs, ruleset: &'r Ruleset, rules: &'r [RuleMeta]) -> RunInfo<'r> {
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
        }
    };
    RunInfo {
        ruleset,
        rules,
        human: HumanOptions {
            width: args.width,
            color,
        },
        quiet: args.quiet,
        statistics: args.statistics,
        show_accepted: args.show_accepted,
    }
}

/// What checking the files left besides the reports handed to the emitter.
struct CheckedFiles {
    /// Wall time of the batch.
    elapsed: std::time::Duration,
    /// Whether an annotated copy could not be written (a usage error: exit 2).
    annotate_failed: bool,
}

/// Checks `files` in parallel, each read once: checked with the pack chosen for it,
/// suppressions applied, annotated from the same bytes (with `--annotate`), then handed to the
/// emitter in input order after what comes `before` them. A cross-checked batch may be
/// rendered again by a new emitter (`emitters.1`, held.rs), which then replaces `emitters.0`.
fn check_files<'r>(
    args: &CheckArgs,
    choice: &PackChoice,
    configs: &cmd::config::Configs,
    files: &[PathBuf],
    before: cmd::held::Before,
    emitters: (&mut Emitter<'r>, &dyn Fn() -> Emitter<'r>),
    out: &mut Sink,
) -> CheckedFiles {
    let (emitter, fresh) = emitters;
    let opts = CheckOptions {
        csv_encoding: args.encoding.clone(),
    };
    let annotate_failed = AtomicBool::new(false);
    // the cross-check pack is compiled only when a batch holds both kinds of form (held.rs)
    let cross = !args.no_crosscheck && choice.has_crosscheck();
    let stdin_name = args.stdin_filename.as_deref().unwrap_or(STDIN);
    let check_one = |path: &Path| {
        if path.as_os_str() == STDIN {
            let mut checked = check_stdin(choice, stdin_name, &opts);
            if let Some(c) = configs.for_input(path) {
                c.suppressions.apply(&mut checked.report);
            }
            if args.annotate.is_some() {
                eprintln!("formlint: 标准输入的文件不写批注副本（--annotate 需要文件路径）");
            }
            return checked;
        }
        let (mut checked, bytes) = check_path(choice, path, &opts);
        if let Some(c) = configs.for_input(path) {
            let rel = cmd::config::relative_to(path, c, &checked.report.path);
            c.suppressions.apply_as(&mut checked.report, &rel);
        }
        // with a cross-check, copies are written once its findings are in (below)
        if let (Some(dir), Some(b), false) = (&args.annotate, &bytes, cross) {
            if !cmd::annotate::write(dir, &args.paths, path, b, &checked.report) {
                annotate_failed.store(true, Ordering::Relaxed);
            }
        }
        checked
    };
    let sheet_use = emitter.sheet_use();
    let batch_options = cmd::batch::BatchOptions {
        jobs: args.jobs,
        progress: !args.no_progress && !args.quiet,
    };
    let cross_pack = || {
        choice
            .crosscheck(args.year)
            .expect("the run has a cross-check pack")
    };
    let context = cmd::held::Context {
        jobs: args.jobs,
        sheet_use,
        cross: &cross_pack,
        configs,
        stdin_name,
        annotate: args.annotate.as_deref().map(|d| (d, args.paths.as_slice())),
        annotate_failed: &annotate_failed,
    };
    if cross && args.annotate.is_none() {
        let elapsed = cmd::held::stream(
            files,
            &check_one,
            batch_options,
            context,
            before,
            emitter,
            fresh,
            &mut |piece| out.push(piece),
        );
        return CheckedFiles {
            elapsed,
            annotate_failed: annotate_failed.load(Ordering::Relaxed),
        };
    }
    for r in before.problems {
        emitter.file_without_sheets(r, &mut |piece| out.push(piece));
    }
    for s in before.skipped {
        emitter.skipped(s);
    }
    if !cross {
        let batch = cmd::batch::run(
            files,
            &check_one,
            batch_options,
            |c: &run::Checked| sheet_use.take(&c.report, &c.sheets),
            |r, kept| emitter.file(r, kept, &mut |piece| out.push(piece)),
        );
        return CheckedFiles {
            elapsed: batch.elapsed,
            annotate_failed: annotate_failed.load(Ordering::Relaxed),
        };
    }
    let (held, elapsed) = cmd::held::run(files, &check_one, batch_options, context);
    for (r, kept) in held {
        emitter.file(r, kept, &mut |piece| out.push(piece));
    }
    CheckedFiles {
        elapsed,
        annotate_failed: annotate_failed.load(Ordering::Relaxed),
    }
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Format {
        match f {
            OutputFormat::Human => Format::Human,
            OutputFormat::Json => Format::Json,
            OutputFormat::Sarif => Format::Sarif,
            OutputFormat::Junit => Format::Junit,
            OutputFormat::Github => Format::Github,
            OutputFormat::Csv => Format::Csv,
            OutputFormat::Html => Format::Html,
        }
    }
}

/// Writes `text` to `path` atomically: to a new temporary file in the same folder, then renamed
/// over `path`, so a reader never sees half a report.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "不是文件名 (not a file name)",
        )
    })?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::File::create_new(&tmp)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Where the report goes: straight to stdout as it is produced, or (for `--output`) into a
/// buffer written once at the end.
struct Sink {
    streaming: bool,
    buffer: String,
    failed: Option<std::io::Error>,
}

impl Sink {
    fn new(streaming: bool) -> Self {
        Sink {
            streaming,
            buffer: String::new(),
            failed: None,
        }
    }

    fn push(&mut self, text: &str) {
        if !self.streaming {
            self.buffer.push_str(text);
        } else if self.failed.is_none() {
            if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
                self.failed = Some(e);
            }
        }
    }

    /// Finishes the report: into `path` atomically when given (`--output`), else to stdout.
    fn write_to(&mut self, path: Option<&Path>) -> std::io::Result<()> {
        match path {
            Some(path) => write_atomically(path, &self.buffer),
            None => self.flush(),
        }
    }

    /// Writes what was buffered; a reader that stopped early (`| head`) is not an error.
    fn flush(&mut self) -> std::io::Result<()> {
        if !self.streaming {
            let text = std::mem::take(&mut self.buffer);
            if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
                self.failed = Some(e);
            }
        }
        match self.failed.take() {
            Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e),
            _ => Ok(()),
        }
    }
}
