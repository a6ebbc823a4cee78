//! The floor of `formlint check`: the time merely to open and read the same workbooks with
//! calamine on one thread (every worksheet's range, nothing else). `benches/run.sh` compares the
//! real check against it.
//!
//!     cargo bench --bench floor -- target/bench-corpus-1000

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use std::io::Cursor;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let Some(dir) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench --bench floor -- DIR");
        std::process::exit(2);
    };
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    let start = Instant::now();
    let (mut sheets, mut cells) = (0usize, 0usize);
    for path in &files {
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
    let secs = start.elapsed().as_secs_f64();
    println!(
        "floor: {} files, {sheets} sheets, {cells} cells in {secs:.3} s ({:.0} files/s)",
        files.len(),
        files.len() as f64 / secs
    );
}
