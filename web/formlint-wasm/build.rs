//! Embeds every file of the shipped rule packs (`rules/<pack>/…`, tests and their fixture forms
//! included), so the page can open a built-in pack as a complete editable copy and run its rule
//! tests. The engine itself embeds only what checking needs (the manifest's files).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("rules folder")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let root = root.canonicalize().expect("rules/ beside web/");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut packs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("rules/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("pack.yaml").is_file())
        .collect();
    packs.sort();
    let mut out = String::from("static PACK_FOLDERS: &[(&str, &[PackFile])] = &[\n");
    for dir in packs {
        let name = dir.file_name().and_then(|n| n.to_str()).expect("name");
        writeln!(out, "    ({name:?}, &[").unwrap();
        let mut files = Vec::new();
        walk(&dir, &mut files);
        for f in files {
            let rel = f
                .strip_prefix(&dir)
                .expect("inside")
                .to_string_lossy()
                .replace('\\', "/");
            writeln!(
                out,
                "        ({rel:?}, include_bytes!({:?})),",
                f.display().to_string()
            )
            .unwrap();
        }
        out.push_str("    ]),\n");
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("pack_folders.rs");
    std::fs::write(dest, out).expect("write pack_folders.rs");
}
