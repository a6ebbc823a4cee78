//! The files `formlint check` is given: folders walked (symlinks followed, hidden folders not
//! entered), every file found either checked or listed as skipped with its reason, `-` for
//! standard input.

use crate::cmd::check::display;
use formlint::codes;
use formlint::report::{FileReport, Skipped};
use std::path::{Path, PathBuf};

/// The path given for standard input.
pub const STDIN: &str = "-";

/// Files to check, in a stable order, and the files found but not checked (each with its
/// reason); arguments that name nothing checkable become findings.
pub fn collect(
    paths: &[PathBuf],
    problems: &mut Vec<FileReport>,
    usage_error: &mut bool,
) -> (Vec<PathBuf>, Vec<Skipped>) {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        if p.as_os_str() == STDIN {
            out.push(p.clone());
        } else if p.is_dir() {
            let before = out.len();
            // Symlinks are followed (walkdir stops at a loop and says so); an entry that cannot
            // be read is reported with the OS error, never dropped. Hidden folders (`.git`) are
            // not entered, and listed as skipped.
            let mut walk = walkdir::WalkDir::new(p)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter();
            while let Some(entry) = walk.next() {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        problems.push(walk_error(p, &e));
                        continue;
                    }
                };
                let path = entry.path();
                let name = entry.file_name().to_string_lossy();
                if entry.file_type().is_dir() {
                    if entry.depth() > 0 && name.starts_with('.') {
                        walk.skip_current_dir();
                        skipped.push(Skipped {
                            path: display(path),
                            reason: "隐藏文件夹，未进入".into(),
                        });
                    }
                    continue;
                }
                match formlint::run::skip_reason(&name) {
                    None => out.push(path.to_path_buf()),
                    Some(reason) => skipped.push(Skipped {
                        path: display(path),
                        reason,
                    }),
                }
            }
            if out.len() == before {
                let exts = formlint::run::CHECKED_EXTENSIONS
                    .iter()
                    .map(|e| format!(".{e}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                problems.push(FileReport {
                    checked: Vec::new(),
                    accepted: Vec::new(),
                    path: display(p),
                    forms: 0,
                    findings: vec![
                        codes::NOTHING_TO_CHECK.finding(format!("文件夹中没有 {exts} 文件"))
                    ],
                });
            }
        } else if p.exists() {
            out.push(p.clone());
        } else {
            *usage_error = true;
            problems.push(FileReport {
                checked: Vec::new(),
                accepted: Vec::new(),
                path: display(p),
                forms: 0,
                findings: vec![codes::UNREADABLE.finding("文件不存在 (no such file)")],
            });
        }
    }
    (out, skipped)
}

/// An X001 report for a folder entry the walk could not read (permissions, a symlink loop, a
/// dangling link).
fn walk_error(root: &Path, e: &walkdir::Error) -> FileReport {
    let path = e.path().unwrap_or(root);
    let why = if let Some(ancestor) = e.loop_ancestor() {
        format!(
            "符号链接形成循环（指向上级文件夹 {}），未进入",
            display(ancestor)
        )
    } else if let Some(io) = e.io_error() {
        format!("无法读取：{io}")
    } else {
        format!("无法读取：{e}")
    };
    FileReport {
        checked: Vec::new(),
        accepted: Vec::new(),
        path: display(path),
        forms: 0,
        findings: vec![codes::UNREADABLE.finding(why)],
    }
}
