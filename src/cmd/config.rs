//! Finding `formlint.toml` for a run: `--config FILE`, else the nearest one at or above the
//! first path checked (then the current folder).

use formlint::config::{self, Suppressions};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The file name looked for.
pub const FILE_NAME: &str = "formlint.toml";

fn find_upward(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// The run's suppressions and the folder of their file (pack paths in it are relative to it).
pub fn load(
    explicit: Option<&Path>,
    disabled: bool,
    paths: &[PathBuf],
) -> Result<Option<(Suppressions, PathBuf)>, ExitCode> {
    if disabled {
        return Ok(None);
    }
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => paths
            .first()
            .and_then(|p| find_upward(p))
            .or_else(|| find_upward(Path::new("."))),
    };
    let Some(path) = path else { return Ok(None) };
    let shown = path.display().to_string().replace('\\', "/");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        eprintln!("error: 无法读取配置文件 {shown}：{e}");
        ExitCode::from(2)
    })?;
    let sup = config::parse(&shown, &text).map_err(|e| {
        eprint!("{}", crate::cmd::packs::render_diagnostic(e.as_ref()));
        ExitCode::from(2)
    })?;
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    Ok(Some((sup, dir)))
}

/// The pack a config names, with a folder resolved against the config's folder.
pub fn pack_spec(sup: &Suppressions, dir: &Path) -> Option<String> {
    let spec = sup.rules()?;
    let beside = dir.join(spec);
    Some(if beside.is_dir() {
        beside.display().to_string()
    } else {
        spec.to_string()
    })
}

/// Refuses (exit 2) a config naming codes that no pack in use has: each shown at its place.
pub fn check_codes(sup: &Suppressions, packs: &[&formlint::Pack]) -> Result<(), ExitCode> {
    let rules: Vec<String> = packs
        .iter()
        .flat_map(|p| p.rule_meta().into_iter().map(|r| r.code))
        .collect();
    let rules: Vec<&str> = rules.iter().map(String::as_str).collect();
    let unknown = sup.unknown_codes(&rules);
    if unknown.is_empty() {
        return Ok(());
    }
    for p in &unknown {
        eprint!("{}", crate::cmd::packs::render_diagnostic(p));
    }
    Err(ExitCode::from(2))
}
