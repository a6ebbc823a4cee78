//! The `formlint` command line: the only part that touches files, the terminal and exit codes.

mod cmd;

/// mimalloc for the command line: a batch allocates and frees millions of small strings and
/// values, which glibc's allocator serves more slowly (docs/performance.md, fourth round).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};
use std::process::ExitCode;

/// 按规则包检查项目支出绩效自评表 (checks performance self-evaluation forms against rule packs).
#[derive(Parser)]
#[command(
    name = "formlint",
    version,
    about = "按规则包检查项目支出绩效自评表 (checks performance self-evaluation forms against rule packs)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// `--help` in Chinese first, for every subcommand: clap's own headings and its `-h`/`-V`
/// texts are English, so the templates and those two flags are ours.
fn in_chinese(cmd: clap::Command) -> clap::Command {
    let mut t = String::from("{about-with-newline}\n用法 (usage): {usage}\n");
    if cmd.has_subcommands() {
        t.push_str("\n命令 (commands):\n{subcommands}\n");
    }
    if cmd.get_positionals().next().is_some() {
        t.push_str("\n参数 (arguments):\n{positionals}\n");
    }
    t.push_str("\n选项 (options):\n{options}{after-help}");
    let root = cmd.get_name() == "formlint";
    let mut cmd = cmd
        .help_template(t)
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助 (print help)"),
        );
    if root {
        cmd = cmd.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本 (print version)"),
        );
    }
    cmd.mut_subcommands(in_chinese)
}

#[derive(Subcommand)]
enum Command {
    /// 检查表单：.xlsx .xls .ods .csv .yaml .json 文件或文件夹 (check forms).
    Check(cmd::check::CheckArgs),
    /// 规则包工具：检查、测试、格式化、生成目录、解释 (rule pack tools).
    Rules(cmd::rules::RulesArgs),
}

fn main() -> ExitCode {
    let matches = in_chinese(Cli::command()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Rules(args) => cmd::rules::run(args),
    }
}
