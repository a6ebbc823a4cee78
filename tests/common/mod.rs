//! Helpers shared by the integration tests: run the built binary, copy packs.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `formlint ARGS` from the repository root; returns (exit code, stdout, stderr).
pub fn formlint(args: &[&str]) -> (i32, String, String) {
    formlint_at(&root(), args)
}

/// Copies a folder's files (one level) into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        if e.path().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
        }
    }
}

/// Copies a folder with its subfolders into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy");
        }
    }
}

/// The findings of a JSON report, each as the listed fields (`"form"` is the file's `P3`-style
/// id: its name up to the first `-`; missing fields read as "").
pub fn json_fields(stdout: &str, fields: &[&str]) -> Vec<Vec<String>> {
    let doc: serde_json::Value =
        serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            fields
                .iter()
                .map(|k| match *k {
                    "form" => {
                        let file = f["file"].as_str().unwrap_or("");
                        let name = file.rsplit('/').next().unwrap_or("");
                        name.split('-').next().unwrap_or("").to_string()
                    }
                    k => f[k].as_str().unwrap_or("").to_string(),
                })
                .collect()
        })
        .collect()
}

/// Runs `formlint ARGS` in `dir`; returns (exit code, stdout, stderr).
pub fn formlint_at(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_formlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run formlint");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The fenced blocks of `lang` in a Markdown text (```sh, ```formlint …).
pub fn blocks(markdown: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match &mut current {
            None if line.trim() == format!("```{lang}") => current = Some(String::new()),
            Some(b) if line.trim() == "```" => {
                out.push(std::mem::take(b));
                current = None;
            }
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    out
}
