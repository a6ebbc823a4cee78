//! `formlint rules …`: tools for rule authors.

use crate::cmd::{packs, rules_fmt, rules_init, rules_test};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// `formlint rules` and its subcommands.
#[derive(Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    command: RulesCommand,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// 检查整个规则包（语法、名称、类型、代码、不变式、未用参数），有错误时退出码为 1 (validate a pack).
    Check {
        /// 规则包：文件夹或内置包 `名称[@版本]` (a folder or a built-in pack).
        #[arg(default_value = formlint::pack::DEFAULT_PACK)]
        pack: String,
    },
    /// 由规则文件生成规则目录（Markdown，输出到标准输出）(write the catalogue).
    Doc {
        /// 规则包：文件夹或内置包 `名称[@版本]` (a folder or a built-in pack).
        #[arg(default_value = formlint::pack::DEFAULT_PACK)]
        pack: String,
    },
    /// 解释一条规则：标题、说明、依据条款、级别 (explain one rule).
    Explain {
        /// 规则代码，如 B001 (rule code).
        code: String,
        /// 规则包 (the pack).
        #[arg(long, default_value = formlint::pack::DEFAULT_PACK)]
        rules: String,
    },
    /// 把 .rules 文件整理为统一格式；--check 只列出需要整理的文件（退出码 1）(format rule files).
    Fmt {
        /// 规则包文件夹（其中所有 .rules 文件）或一个 .rules 文件 (a pack folder or a file).
        dir: PathBuf,
        /// 不修改，只列出需要整理的文件，有则退出码 1 (change nothing).
        #[arg(long)]
        check: bool,
    },
    /// 由内置规则包新建一个可编辑的规则包（完整副本，或 --extend 只写修改的继承包）(new pack from a built-in one).
    Init {
        /// 要写入的新文件夹（不存在或为空）(the new folder).
        dir: PathBuf,
        /// 从哪个内置规则包开始：名称[@版本]，如 shenzhen-2020 (the built-in pack to start from).
        #[arg(long, value_name = "名称[@版本]")]
        from: String,
        /// 只写一个继承 --from 的 pack.yaml（附注释示例）和测试，不复制规则 (extend instead of copy).
        #[arg(long)]
        extend: bool,
        /// 新规则包的名称，默认取文件夹名 (the new pack's name; default: the folder's).
        #[arg(long)]
        name: Option<String>,
    },
    /// 运行 DIR/tests/*.yaml 中的规则测试，有失败时退出码为 1 (run the rule tests).
    Test {
        /// 规则包文件夹 (the pack folder).
        dir: PathBuf,
        /// 把失败测试的期望结果改写为实际结果，并显示差异 (rewrite failing tests' expect).
        #[arg(long)]
        update: bool,
    },
}

/// Runs a `rules` subcommand.
pub fn run(args: RulesArgs) -> ExitCode {
    match args.command {
        RulesCommand::Check { pack } => check(&pack),
        RulesCommand::Explain { code, rules } => explain(&rules, &code),
        RulesCommand::Doc { pack } => match packs::load(Some(&pack)) {
            Ok(p) => {
                print!("{}", formlint::pack::doc::catalogue(&p));
                ExitCode::SUCCESS
            }
            Err(c) => c,
        },
        RulesCommand::Init {
            dir,
            from,
            extend,
            name,
        } => rules_init::run(&rules_init::InitArgs {
            dir: &dir,
            from: &from,
            extend,
            name: name.as_deref(),
        }),
        RulesCommand::Fmt { dir, check } => rules_fmt::run(&dir, check),
        RulesCommand::Test { dir, update } => rules_test::run(&dir, update),
    }
}

fn check(spec: &str) -> ExitCode {
    let Ok(p) = packs::load(Some(spec)) else {
        return ExitCode::from(1);
    };
    let review = p.review();
    if !review.errors.is_empty() {
        let errors = formlint::diag::Problems {
            errors: review.errors,
        };
        eprintln!("{}", packs::render_diagnostic(&errors));
        return ExitCode::from(1);
    }
    let warnings = review.warnings;
    for w in &warnings {
        eprintln!("{}", packs::render_diagnostic(w));
    }
    let rules = p.program.rules().count();
    println!(
        "规则包 {} {} 检查通过：{rules} 条规则，{} 个警告 (pack OK: {rules} rules, {} warnings)",
        p.manifest.name,
        p.manifest.version,
        warnings.len(),
        warnings.len()
    );
    ExitCode::SUCCESS
}

fn explain(spec: &str, code: &str) -> ExitCode {
    if let Some(c) = formlint::codes::lookup(code) {
        println!("{} {} [{}]", c.code, c.title, c.severity);
        println!("{}", c.title_en);
        println!("\n{}", c.description);
        println!(
            "\n（formlint 自身的输入检查代码，不属于任何规则包 (an engine code, in every pack)）"
        );
        return ExitCode::SUCCESS;
    }
    let pack = match packs::load(Some(spec)) {
        Ok(p) => p,
        Err(c) => return c,
    };
    let Some(rule) = pack
        .program
        .rules()
        .find(|r| r.code.text.eq_ignore_ascii_case(code))
    else {
        let codes: Vec<&str> = pack.program.rules().map(|r| r.code.text.as_str()).collect();
        eprintln!(
            "error: 规则包 {} 中没有规则 {code}（有：{}）",
            pack.manifest.name,
            codes.join(" ")
        );
        return ExitCode::from(2);
    };
    println!("{} {} [{}]", rule.code.text, rule.title, rule.severity);
    if let Some(en) = rule.meta("title_en") {
        println!("{en}");
    }
    if let Some(d) = rule.meta("description") {
        println!("\n{d}");
    }
    if let Some(s) = rule.meta("source") {
        println!("\n依据 (source)：{s}");
    }
    if let Some(e) = rule.meta("example") {
        println!("\n示例 (example)：{e}");
    }
    println!(
        "\n规则包 (pack)：{} {}",
        pack.manifest.name, pack.manifest.version
    );
    ExitCode::SUCCESS
}
