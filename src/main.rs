//! The `formlint` command line: the only part that touches files, the terminal and exit codes.

mod cmd;

use clap::{Parser, Subcommand};
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
    Check(cmd::check::CheckArgs),
    /// Work on rule packs: check, document, explain.
    Rules(cmd::rules::RulesArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => cmd::check::run(args),
        Command::Rules(args) => cmd::rules::run(args),
    }
}
