//! The `formlint` command line: the only part that touches files, the terminal and exit codes.

use clap::{Parser, Subcommand, ValueEnum};
use formlint::finding::Severity;
use formlint::pack::{self, Pack};
use formlint::report::{self, FileReport, HumanOptions, Ruleset};
use formlint::run::{self, CheckOptions};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Checks 项目支出绩效自评表 workbooks against rule packs.
#[derive(Parser)]
#[command(name = "formlint", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check forms (.xlsx .xlsm .csv .yaml .yml .json files, or folders of them).
    Check(CheckArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or folders to check.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// A rule pack folder (with pack.yaml); the embedded shenzhen-2020 pack by default.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Output format (see docs/formats.md).
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
    /// Write the report to FILE (replaced atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Human output: print only the summary line.
    #[arg(long, short)]
    quiet: bool,
    /// After the report, count the findings per code (to stderr for machine formats).
    #[arg(long)]
    statistics: bool,
    /// Exit with 1 when there are warnings (and no errors).
    #[arg(long)]
    deny_warnings: bool,
    /// Encoding of CSV files (utf-8, gbk, gb18030); detected by default.
    #[arg(long, value_name = "ENCODING")]
    encoding: Option<String>,
    /// Colours in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Width of human output.
    #[arg(long, default_value_t = 100)]
    width: usize,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

const EXTENSIONS: &[&str] = &["xlsx", "xlsm", "csv", "yaml", "yml", "json"];

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check(args),
    }
}

fn load_pack(dir: Option<&Path>) -> Result<Pack, ExitCode> {
    let (files, prefix) = match dir {
        None => (pack::embedded(), format!("<embedded>/{}/", pack::DEFAULT_PACK)),
        Some(dir) => {
            let mut files = BTreeMap::new();
            let entries = std::fs::read_dir(dir).map_err(|e| {
                eprintln!("error[X001]: 无法读取规则包目录 {}：{e}", dir.display());
                ExitCode::from(2)
            })?;
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_file() {
                    if let (Some(name), Ok(text)) = (path.file_name().and_then(|n| n.to_str()), std::fs::read_to_string(&path)) {
                        files.insert(name.to_string(), text);
                    }
                }
            }
            (files, format!("{}/", dir.display().to_string().trim_end_matches('/')))
        }
    };
    pack::load(&files, &prefix).map_err(|e| {
        let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor()).with_width(100);
        let mut out = String::new();
        let _ = handler.render_report(&mut out, &e);
        eprintln!("{out}");
        ExitCode::from(2)
    })
}

/// Files to check, in a stable order; arguments that name nothing checkable become findings.
fn collect(paths: &[PathBuf], problems: &mut Vec<FileReport>, usage_error: &mut bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let before = out.len();
            for entry in walkdir::WalkDir::new(p).sort_by_file_name().into_iter().filter_map(Result::ok) {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy();
                let ext = path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase());
                if entry.file_type().is_file() && !name.starts_with("~$") && !name.starts_with('.') && ext.is_some_and(|e| EXTENSIONS.contains(&e.as_str())) {
                    out.push(path.to_path_buf());
                }
            }
            if out.len() == before {
                problems.push(FileReport {
                    path: display(p),
                    forms: 0,
                    findings: vec![run::file_finding(
                        run::NOTHING_TO_CHECK,
                        "没有可检查的文件",
                        format!("文件夹中没有 {} 文件", EXTENSIONS.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(" ")),
                    )],
                });
            }
        } else if p.exists() {
            out.push(p.clone());
        } else {
            *usage_error = true;
            problems.push(FileReport {
                path: display(p),
                forms: 0,
                findings: vec![run::file_finding(run::UNREADABLE, "无法读取文件", "文件不存在 (no such file)".into())],
            });
        }
    }
    out
}

fn display(p: &Path) -> String {
    p.display().to_string().replace('\\', "/")
}

fn check(args: CheckArgs) -> ExitCode {
    let pack = match load_pack(args.rules.as_deref()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let ruleset = Ruleset { name: pack.manifest.name.clone(), version: pack.manifest.version.clone() };
    let opts = CheckOptions { csv_encoding: args.encoding.clone() };
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => args.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let human = HumanOptions { width: args.width, color };
    let mut usage_error = false;
    let mut reports = Vec::new();
    let files = collect(&args.paths, &mut reports, &mut usage_error);
    let human_detail = matches!(args.format, OutputFormat::Human) && !args.quiet;
    let mut out = String::new();
    if human_detail {
        for r in &reports {
            out.push_str(&format!("{}\n", report::render_human(r, &[], &human)));
        }
    }
    let mut sheet_names: Vec<Vec<String>> = vec![Vec::new(); reports.len()];
    for path in files {
        let name = display(&path);
        let checked = match std::fs::read(&path) {
            Ok(bytes) => run::check_file(&pack, &name, &bytes, &opts),
            Err(e) => run::Checked {
                report: FileReport {
                    path: name.clone(),
                    forms: 0,
                    findings: vec![run::file_finding(run::UNREADABLE, "无法读取文件", format!("无法读取文件：{e}"))],
                },
                sheets: Vec::new(),
            },
        };
        if human_detail && !checked.report.findings.is_empty() {
            out.push_str(&format!("{}\n", report::render_human(&checked.report, &checked.sheets, &human)));
        }
        sheet_names.push(checked.sheets.iter().map(|s| s.name.clone()).collect());
        reports.push(checked.report);
    }
    match args.format {
        OutputFormat::Human => out.push_str(&format!("{}\n", report::render_summary(&reports))),
        OutputFormat::Json => out.push_str(&format!("{}\n", report::render_json(&ruleset, &reports))),
        OutputFormat::Sarif => out.push_str(&format!("{}\n", report::render_sarif(&ruleset, &pack.rule_meta(), &reports))),
        OutputFormat::Junit => out.push_str(&report::render_junit(&ruleset, &reports, &sheet_names)),
        OutputFormat::Github => out.push_str(&report::render_github(&reports)),
        OutputFormat::Csv => out.push_str(&report::render_csv(&reports)),
    }
    let stats = if args.statistics { report::render_statistics(&reports) } else { String::new() };
    if matches!(args.format, OutputFormat::Human) {
        out.push_str(&stats);
    } else {
        eprint!("{stats}");
    }
    let written = match &args.output {
        Some(path) => write_atomically(path, &out),
        // A reader that stopped early (`| head`) is not an error.
        None => std::io::stdout().lock().write_all(out.as_bytes()).or_else(|e| if e.kind() == std::io::ErrorKind::BrokenPipe { Ok(()) } else { Err(e) }),
    };
    if let Err(e) = written {
        let target = args.output.as_deref().map_or("标准输出 (stdout)".to_string(), display);
        eprintln!("error: 无法写入 {target}：{e}");
        return ExitCode::from(2);
    }
    let count = |s: Severity| reports.iter().flat_map(|r| &r.findings).filter(|f| f.severity == s).count();
    if usage_error {
        ExitCode::from(2)
    } else if count(Severity::Error) > 0 || (args.deny_warnings && count(Severity::Warning) > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes `text` to `path` atomically: to a new temporary file in the same folder, then renamed
/// over `path`, so a reader never sees half a report.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "不是文件名 (not a file name)"))?;
    let tmp = dir.join(format!(".{}.{}.tmp", name.to_string_lossy(), std::process::id()));
    let result = std::fs::File::create_new(&tmp)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
