//! Finding and loading rule packs for the command line: an embedded pack by name
//! (`shenzhen-2020`, `shenzhen-2020@1.0.0`) or a folder on disk.

use formlint::pack::{self, Pack, PackChoice};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

/// Reads a pack folder's files (one level) into a name → text map.
pub fn read_dir(dir: &Path) -> Result<BTreeMap<String, String>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("无法读取规则包目录 {}：{e}", dir.display()))?;
    let mut files = BTreeMap::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("无法读取 {}：{e}", path.display()))?;
        files.insert(name.to_string(), text);
    }
    Ok(files)
}

/// The files of a pack named by `spec` (a folder, or an embedded `NAME[@VERSION]`; the default
/// pack when `None`) and the prefix its file names are shown with.
pub fn files_of(spec: Option<&str>) -> Result<(BTreeMap<String, String>, String), String> {
    let spec = spec.unwrap_or(pack::DEFAULT_PACK);
    let path = Path::new(spec);
    if path.is_dir() {
        let files = read_dir(path)?;
        return Ok((files, format!("{}/", spec.trim_end_matches('/'))));
    }
    pack::embedded_files(spec).map_err(|e| e.to_string())
}

/// Renders a diagnostic the way the CLI shows all rule-pack problems (no colour, width 100).
pub fn render_diagnostic(d: &dyn miette::Diagnostic) -> String {
    formlint::diag::render(d)
}

/// Loads and checks a pack; on failure prints every problem to stderr and gives exit code 2.
pub fn load(spec: Option<&str>) -> Result<Pack, ExitCode> {
    let (files, prefix) = files_of(spec).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    })?;
    let base_dir = spec
        .map(Path::new)
        .filter(|p| p.is_dir())
        .map(Path::to_path_buf);
    let resolve = |base: &str| -> Result<(BTreeMap<String, String>, String), String> {
        // a base named as a folder is found next to the extending pack, then from here
        if let Some(dir) = &base_dir {
            let beside = dir.join(base);
            if beside.is_dir() {
                return Ok((read_dir(&beside)?, format!("{}/", beside.display())));
            }
        }
        files_of(Some(base))
    };
    pack::load_with(&files, &prefix, &resolve).map_err(|e| {
        eprintln!("{}", render_diagnostic(&e));
        ExitCode::from(2)
    })
}

/// The pack choice for a run: `spec` (a pack) wins, then `year`, else the built-in pack for
/// each file's fiscal year (the library's [`PackChoice`]). Problems go to stderr (exit 2).
pub fn choose(spec: Option<&str>, year: Option<i32>) -> Result<PackChoice, ExitCode> {
    if spec.is_some() {
        let p = load(spec)?;
        // checking goes on, but with weights that no longer add up nobody should trust a score
        for broken in p.program.broken_invariants() {
            eprintln!(
                "warning: {}（formlint rules check 会指出位置）",
                broken.one_line()
            );
        }
        return PackChoice::fixed(p).map_err(|e| {
            eprintln!("error: {e}");
            ExitCode::from(2)
        });
    }
    PackChoice::builtin(year).map_err(|e| {
        match e {
            pack::ChoiceError::Pack(e) => eprintln!("{}", render_diagnostic(&*e)),
            e => eprintln!("error: {e}"),
        }
        ExitCode::from(2)
    })
}
