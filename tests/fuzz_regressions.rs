//! The fuzz regression corpus (`fuzz/regressions/<target>/`): every committed input goes through
//! the same function its cargo-fuzz target runs (`fuzz/entry.rs`, included here), on stable
//! Rust and without libFuzzer. One test per target, so a failure names the target; each file
//! runs on its own thread, so the failure also names the file. See `fuzz/README.md`.

#[path = "../fuzz/entry.rs"]
mod entry;

use std::path::{Path, PathBuf};

/// The files of `fuzz/regressions/<target>/`; panics when the folder is missing or empty.
fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let read = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: regression folder missing: {e}", dir.display()));
    let mut files: Vec<PathBuf> = read
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{}: no regression inputs", dir.display());
    files
}

/// Runs every input of `target` through `f`, each on a thread of its own (8 MiB of stack, as
/// the fuzzer's main thread has); reports every failing file, then fails.
fn replay(target: &str, f: fn(&[u8])) {
    let files = inputs(target);
    let mut failed = Vec::new();
    for path in &files {
        let data = std::fs::read(path).expect("read regression input");
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let outcome = std::thread::Builder::new()
            .name(format!("{target}/{name}"))
            .stack_size(8 << 20)
            .spawn(move || f(&data))
            .expect("spawn")
            .join();
        if outcome.is_err() {
            failed.push(name);
        }
    }
    eprintln!(
        "fuzz regressions {target}: {} files run, {} failed",
        files.len(),
        failed.len()
    );
    assert!(
        failed.is_empty(),
        "{target}: {} of {} regression inputs failed (panic messages above): {}",
        failed.len(),
        files.len(),
        failed.join(", ")
    );
}

#[test]
fn check_xlsx() {
    replay("check_xlsx", entry::check_xlsx);
}

#[test]
fn check_sniffed() {
    replay("check_sniffed", entry::check_sniffed);
}

#[test]
fn check_csv() {
    replay("check_csv", entry::check_csv);
}

#[test]
fn check_canonical() {
    replay("check_canonical", entry::check_canonical);
}

#[test]
fn rules() {
    replay("rules", entry::rules);
}

#[test]
fn value() {
    replay("value", entry::value);
}

#[test]
fn config() {
    replay("config", entry::config);
}
