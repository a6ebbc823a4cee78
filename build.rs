//! Embeds the shipped rule packs (`rules/*/pack.yaml` and the files each manifest lists) into
//! the library, so the list of built-in packs and their files comes from the manifests
//! themselves and is never repeated by hand. Each pack's `tests/` folder (its rule tests and
//! the forms they use) goes into a second table, which only the command line includes
//! (`formlint rules init --from`), so the engine built for the browser stays small.

use std::fmt::Write as _;
use std::path::Path;

/// What the embedding needs of a manifest (the library parses the whole of it).
#[derive(serde::Deserialize)]
struct Manifest {
    name: String,
    layout: Option<String>,
    #[serde(default)]
    rules: Vec<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    fiscal_years: Vec<i32>,
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    println!("cargo:rerun-if-changed=rules");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("rules/ folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("pack.yaml").is_file())
        .collect();
    dirs.sort();
    let mut out = String::from("static EMBEDDED: &[(&str, &[(&str, &str)])] = &[\n");
    // what choosing among the packs needs, so a run compiles only the packs its files use
    let mut info = String::from(
        "/// Each embedded pack's name, `kind:` as written (empty when absent) and fiscal years.\n\
         static EMBEDDED_INFO: &[(&str, &str, &[i32])] = &[\n",
    );
    let mut tests = String::from(
        "/// One pack's test files: path below the pack (`tests/…`) and bytes.\n\
         type TestFiles = &'static [(&'static str, &'static [u8])];\n\
         static EMBEDDED_TESTS: &[(&str, TestFiles)] = &[\n",
    );
    for dir in dirs {
        let manifest_path = dir.join("pack.yaml");
        let text = std::fs::read_to_string(&manifest_path).expect("pack.yaml");
        let manifest: Manifest = serde_saphyr::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", manifest_path.display()));
        let folder = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("folder name");
        assert_eq!(
            manifest.name,
            folder,
            "{}: a shipped pack's name must be its folder's",
            manifest_path.display()
        );
        writeln!(
            info,
            "    ({:?}, {:?}, &{:?}),",
            manifest.name,
            manifest.kind.clone().unwrap_or_default(),
            manifest.fiscal_years
        )
        .unwrap();
        let mut files = vec!["pack.yaml".to_string()];
        files.extend(manifest.layout);
        files.extend(manifest.rules);
        writeln!(out, "    ({:?}, &[", manifest.name).unwrap();
        for f in files {
            let path = dir.join(&f);
            assert!(
                path.is_file(),
                "{} lists {f}, which is missing",
                manifest_path.display()
            );
            writeln!(
                out,
                "        ({f:?}, include_str!({:?})),",
                path.display().to_string()
            )
            .unwrap();
        }
        out.push_str("    ]),\n");
        writeln!(tests, "    ({:?}, &[", manifest.name).unwrap();
        let mut found = Vec::new();
        files_under(&dir.join("tests"), "tests", &mut found);
        found.sort();
        for (rel, path) in found {
            writeln!(
                tests,
                "        ({rel:?}, include_bytes!({:?})),",
                path.display().to_string()
            )
            .unwrap();
        }
        tests.push_str("    ]),\n");
    }
    out.push_str("];\n");
    info.push_str("];\n");
    out.push_str(&info);
    tests.push_str("];\n");
    let tests_dest =
        Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("embedded_pack_tests.rs");
    std::fs::write(tests_dest, tests).expect("write embedded_pack_tests.rs");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("embedded_packs.rs");
    std::fs::write(dest, out).expect("write embedded_packs.rs");
}

/// Every file below `dir`, as (`rel/name` with `/`, path).
fn files_under(dir: &Path, rel: &str, out: &mut Vec<(String, std::path::PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let rel = format!("{rel}/{name}");
        if path.is_dir() {
            files_under(&path, &rel, out);
        } else if path.is_file() {
            out.push((rel, path));
        }
    }
}
