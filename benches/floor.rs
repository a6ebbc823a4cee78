//! The floors of `formlint check`, one thread each, over the same workbooks:
//!
//! - **inflate**: read each file and inflate every zip part, nothing else — the limit for any
//!   xlsx reader;
//! - **calamine**: calamine opening each workbook and reading every worksheet's range (its bare
//!   read: shared strings, styles, values).
//!
//! `benches/run.sh` times the real check against both.
//!
//!     cargo bench --bench floor -- target/bench-corpus-1000                  # both
//!     cargo bench --bench floor -- target/bench-corpus-1000 --floor inflate  # one of them

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use std::io::{Cursor, Read};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench --bench floor -- DIR [--floor inflate|calamine]");
        std::process::exit(2);
    };
    let only = args
        .iter()
        .position(|a| a == "--floor")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    if only.is_none_or(|f| f == "inflate") {
        inflate(&files);
    }
    if only.is_none_or(|f| f == "calamine") {
        calamine(&files);
    }
}

/// Reads every file and inflates every part of it.
fn inflate(files: &[PathBuf]) {
    let start = Instant::now();
    let (mut parts, mut bytes) = (0usize, 0u64);
    let mut buf = Vec::new();
    for path in files {
        let Ok(data) = std::fs::read(path) else {
            continue;
        };
        let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(data.as_slice())) else {
            continue;
        };
        for i in 0..zip.len() {
            let Ok(mut part) = zip.by_index(i) else {
                continue;
            };
            buf.clear();
            if part.read_to_end(&mut buf).is_ok() {
                parts += 1;
                bytes += buf.len() as u64;
            }
        }
    }
    report(
        "inflate",
        files.len(),
        start,
        &format!("{parts} parts, {bytes} bytes inflated"),
    );
}

/// Opens every file with calamine and reads every worksheet's range.
fn calamine(files: &[PathBuf]) {
    let start = Instant::now();
    let (mut sheets, mut cells) = (0usize, 0usize);
    for path in files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Ok(mut book) = open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes)) else {
            continue;
        };
        for name in book.sheet_names() {
            if let Ok(range) = book.worksheet_range(&name) {
                sheets += 1;
                cells += range.used_cells().count();
            }
        }
    }
    report(
        "calamine",
        files.len(),
        start,
        &format!("{sheets} sheets, {cells} cells"),
    );
}

/// One line: `floor NAME: N files, WHAT in S s (F files/s)`.
fn report(name: &str, files: usize, start: Instant, what: &str) {
    let secs = start.elapsed().as_secs_f64();
    println!(
        "floor {name}: {files} files, {what} in {secs:.3} s ({:.0} files/s)",
        files as f64 / secs
    );
}
