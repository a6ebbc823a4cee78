//! `formlint rules fmt DIR [--check]`: rewrites every `.rules` file under DIR in the canonical
//! layout (atomically: a temporary file, then a rename), or with `--check` only lists the
//! files that would change, with their first difference.

use crate::cmd::packs;
use formlint::lang::fmt::{format_rules, FmtError};
use formlint::lang::Problems;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs `rules fmt`. Exit 0: nothing to do or all written; 1: `--check` found files to
/// reformat; 2: a file could not be read, parsed or written.
pub fn run(dir: &Path, check: bool) -> ExitCode {
    let files = match rule_files(dir) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut changed = 0;
    let mut failed = 0;
    for path in &files {
        let Some((shown, text)) = crate::cmd::read_shown(path) else {
            failed += 1;
            continue;
        };
        let formatted = match format_rules(&shown, &text) {
            Ok(f) => f,
            Err(FmtError::Syntax(errors)) => {
                eprintln!("{}", packs::render_diagnostic(&Problems { errors }));
                eprintln!("error: {shown} 有语法错误，未格式化 (not formatted: syntax errors)");
                failed += 1;
                continue;
            }
            Err(FmtError::Internal(m)) => {
                eprintln!("error: {shown}：{m}");
                failed += 1;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        changed += 1;
        if check {
            println!("需要格式化 (would reformat): {shown}");
            print!("{}", first_difference(&shown, &text, &formatted));
        } else if let Err(e) = write_atomic(path, &formatted) {
            eprintln!("error: 无法写入 {shown}：{e}");
            failed += 1;
        } else {
            println!("已格式化 (formatted): {shown}");
        }
    }
    if check && changed > 0 {
        println!("{changed} 个文件需要格式化 ({changed} file(s) would be reformatted)");
    } else if check && failed == 0 {
        println!(
            "{} 个规则文件格式均已规范 ({} rule file(s) already formatted)",
            files.len(),
            files.len()
        );
    }
    if failed > 0 {
        ExitCode::from(2)
    } else if check && changed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The `.rules` files of DIR (recursively, sorted), or DIR itself when it is a file.
fn rule_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    if dir.is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    if !dir.is_dir() {
        return Err(format!("找不到目录 {} (no such folder)", dir.display()));
    }
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "rules"))
        .collect();
    files.sort();
    Ok(files)
}

/// Writes through a temporary file in the same folder, then renames it over the original.
fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.fmt-tmp"));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// A unified-style hunk showing the first place where `old` and `new` differ.
pub fn first_difference(name: &str, old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let p = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    // the nearest point after p where both texts agree again for two lines
    let agree = |i: usize, j: usize| {
        (0..2).all(|k| match (a.get(i + k), b.get(j + k)) {
            (Some(x), Some(y)) => x == y,
            (None, None) => true,
            _ => false,
        })
    };
    let (mut ea, mut eb) = (a.len(), b.len());
    'search: for d in 1..=40 {
        for da in 0..=d {
            let (i, j) = (p + da, p + d - da);
            if i <= a.len() && j <= b.len() && agree(i, j) {
                (ea, eb) = (i, j);
                break 'search;
            }
        }
    }
    let mut out = format!(
        "--- {name}\n+++ {name} (格式化后 formatted)\n@@ 第 {} 行 (line {}) @@\n",
        p + 1,
        p + 1
    );
    for l in &a[p.saturating_sub(2)..p] {
        out.push_str(&format!(" {l}\n"));
    }
    const MAX: usize = 12;
    for l in a[p..ea].iter().take(MAX) {
        out.push_str(&format!("-{l}\n"));
    }
    for l in b[p..eb].iter().take(MAX) {
        out.push_str(&format!("+{l}\n"));
    }
    if ea - p > MAX || eb - p > MAX {
        out.push_str(" …\n");
    }
    for l in a.iter().skip(ea).take(2) {
        out.push_str(&format!(" {l}\n"));
    }
    out
}
