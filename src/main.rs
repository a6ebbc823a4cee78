//! The `formlint` command line: the only part that touches files, the terminal and exit codes.

mod cmd;

use clap::{Parser, Subcommand, ValueEnum};
use formlint::finding::Severity;
use formlint::report::{self, FileReport, HumanOptions, Ruleset};
use formlint::run::{self, CheckOptions};
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
    /// Work on rule packs: check, document, explain.
    Rules(cmd::rules::RulesArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or folders to check.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// A rule pack: a folder with pack.yaml, or a built-in pack `NAME[@VERSION]`
    /// (default: shenzhen-2020).
    #[arg(long, value_name = "DIR|NAME[@VERSION]")]
    rules: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
    format: OutputFormat,
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
    /// Files checked at once (default: one per core; 1 = no worker threads).
    #[arg(
        long,
        short = 'j',
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    jobs: usize,
    /// No progress bar on stderr (it is only drawn on a terminal, for more than 20 files).
    #[arg(long)]
    no_progress: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
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
        Command::Rules(args) => cmd::rules::run(args),
    }
}

/// Files to check, in a stable order; arguments that name nothing checkable become findings.
fn collect(
    paths: &[PathBuf],
    problems: &mut Vec<FileReport>,
    usage_error: &mut bool,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let before = out.len();
            for entry in walkdir::WalkDir::new(p)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
            {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy();
                let ext = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .map(|e| e.to_ascii_lowercase());
                if entry.file_type().is_file()
                    && !name.starts_with("~$")
                    && !name.starts_with('.')
                    && ext.is_some_and(|e| EXTENSIONS.contains(&e.as_str()))
                {
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
                        format!(
                            "文件夹中没有 {} 文件",
                            EXTENSIONS
                                .iter()
                                .map(|e| format!(".{e}"))
                                .collect::<Vec<_>>()
                                .join(" ")
                        ),
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
                findings: vec![run::file_finding(
                    run::UNREADABLE,
                    "无法读取文件",
                    "文件不存在 (no such file)".into(),
                )],
            });
        }
    }
    out
}

fn display(p: &Path) -> String {
    p.display().to_string().replace('\\', "/")
}

fn check(args: CheckArgs) -> ExitCode {
    let pack = match cmd::packs::load(args.rules.as_deref()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let ruleset = Ruleset {
        name: pack.manifest.name.clone(),
        version: pack.manifest.version.clone(),
    };
    let opts = CheckOptions {
        csv_encoding: args.encoding.clone(),
    };
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let human = HumanOptions {
        width: args.width,
        color,
    };
    let mut usage_error = false;
    let mut reports = Vec::new();
    let files = collect(&args.paths, &mut reports, &mut usage_error);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if matches!(args.format, OutputFormat::Human) {
        for r in &reports {
            let _ = writeln!(out, "{}", report::render_human(r, &[], &human));
        }
    }
    let human_out = matches!(args.format, OutputFormat::Human);
    let batch = cmd::batch::run(
        &pack,
        &files,
        &opts,
        cmd::batch::BatchOptions {
            jobs: args.jobs,
            progress: !args.no_progress,
        },
        |c: &run::Checked| {
            (human_out && !c.report.findings.is_empty())
                .then(|| report::render_human(&c.report, &c.sheets, &human))
        },
        |_, rendered| {
            if let Some(text) = rendered {
                let _ = writeln!(out, "{text}");
            }
        },
    );
    reports.extend(batch.reports);
    if files.len() > 1 {
        eprint!("{}", cmd::batch::summary_table(&reports, batch.elapsed));
    }
    match args.format {
        OutputFormat::Human => {
            let _ = writeln!(out, "{}", report::render_summary(&reports));
        }
        OutputFormat::Json => {
            let _ = writeln!(out, "{}", report::render_json(&ruleset, &reports));
        }
    }
    let count = |s: Severity| {
        reports
            .iter()
            .flat_map(|r| &r.findings)
            .filter(|f| f.severity == s)
            .count()
    };
    if usage_error {
        ExitCode::from(2)
    } else if count(Severity::Error) > 0 || (args.deny_warnings && count(Severity::Warning) > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
