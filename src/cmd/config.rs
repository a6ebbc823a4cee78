//! Finding `formlint.toml` for a run, as ruff finds its config: `--config FILE` for every input,
//! else for each input the nearest one at or above it (standard input: at or above the current
//! folder). Globs in a config match paths relative to the config's folder.

use formlint::config::{self, Suppressions};
use std::collections::HashMap;
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

/// One formlint.toml in force: its suppressions and its folder.
pub struct Config {
    /// What it suppresses, accepts and raises.
    pub suppressions: Suppressions,
    /// Its folder (canonical): pack paths and globs are relative to it.
    pub dir: PathBuf,
}

/// The configs of a run and which one each input uses.
#[derive(Default)]
pub struct Configs {
    /// Each config read, once.
    pub all: Vec<Config>,
    /// `--config`: the one for every input.
    explicit: Option<usize>,
    /// Input path (as given) → its config, when it has one.
    of_input: HashMap<PathBuf, usize>,
}

impl Configs {
    /// Reads the configs `inputs` use (none with `--no-config`); a config that cannot be read
    /// or has a mistake is a usage error (exit 2), shown at its place.
    pub fn load(
        explicit: Option<&Path>,
        disabled: bool,
        inputs: &[PathBuf],
    ) -> Result<Configs, ExitCode> {
        let mut configs = Configs::default();
        if disabled {
            return Ok(configs);
        }
        if let Some(p) = explicit {
            configs.explicit = Some(configs.read(p)?);
            return Ok(configs);
        }
        let mut by_path: HashMap<PathBuf, usize> = HashMap::new();
        // inputs of one folder share its answer (a folder of 10,000 forms is walked up once)
        let mut by_folder: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
        for input in inputs {
            let start = if input.as_os_str() == crate::cmd::walk::STDIN {
                Path::new(".")
            } else {
                input
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
            };
            let found = by_folder
                .entry(start.to_path_buf())
                .or_insert_with(|| find_upward(start))
                .clone();
            let Some(found) = found else {
                continue;
            };
            let i = match by_path.get(&found) {
                Some(&i) => i,
                None => {
                    let i = configs.read(&found)?;
                    by_path.insert(found, i);
                    i
                }
            };
            configs.of_input.insert(input.clone(), i);
        }
        Ok(configs)
    }

    fn read(&mut self, path: &Path) -> Result<usize, ExitCode> {
        // found upward as a canonical path: shown relative to the current folder when inside it
        let cwd = std::env::current_dir().and_then(std::fs::canonicalize).ok();
        let relative = cwd.as_deref().and_then(|c| path.strip_prefix(c).ok());
        let shown = relative
            .unwrap_or(path)
            .display()
            .to_string()
            .replace('\\', "/");
        let text = std::fs::read_to_string(path).map_err(|e| {
            eprintln!("error: 无法读取配置文件 {shown}：{e}");
            ExitCode::from(2)
        })?;
        let suppressions = config::parse(&shown, &text).map_err(|e| {
            eprint!("{}", crate::cmd::packs::render_diagnostic(e.as_ref()));
            ExitCode::from(2)
        })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let dir = std::fs::canonicalize(&dir).unwrap_or(dir);
        self.all.push(Config { suppressions, dir });
        Ok(self.all.len() - 1)
    }

    /// The config an input uses, if any.
    pub fn for_input(&self, input: &Path) -> Option<&Config> {
        self.explicit
            .or_else(|| self.of_input.get(input).copied())
            .map(|i| &self.all[i])
    }

    /// The pack the configs name (`rules = …`), a folder resolved against its config's
    /// folder. Configs that name different packs are a usage error: one run checks with one
    /// choice of pack, so check those folders separately or give `--rules`.
    pub fn pack_spec(&self) -> Result<Option<String>, ExitCode> {
        let mut specs: Vec<(String, &str)> = Vec::new();
        for c in &self.all {
            if let Some(spec) = c.suppressions.rules() {
                let beside = c.dir.join(spec);
                let spec = if beside.is_dir() {
                    beside.display().to_string()
                } else {
                    spec.to_string()
                };
                if !specs.iter().any(|(s, _)| *s == spec) {
                    specs.push((spec, &c.suppressions.path));
                }
            }
        }
        match specs.len() {
            0 => Ok(None),
            1 => Ok(specs.pop().map(|(s, _)| s)),
            _ => {
                let listed: Vec<String> = specs
                    .iter()
                    .map(|(s, from)| format!("{from} 指定 {s}"))
                    .collect();
                eprintln!(
                    "error: 这些 formlint.toml 指定了不同的规则包：{}；请分开检查，或用 --rules 指定 (configs name different packs)",
                    listed.join("；")
                );
                Err(ExitCode::from(2))
            }
        }
    }
}

/// The path of `input` relative to a config's folder, for its globs; the path as given when
/// it is not inside that folder.
pub fn relative_to(input: &Path, config: &Config, shown: &str) -> String {
    std::fs::canonicalize(input)
        .ok()
        .and_then(|c| {
            c.strip_prefix(&config.dir)
                .ok()
                .map(|r| r.display().to_string())
        })
        .unwrap_or_else(|| shown.to_string())
        .replace('\\', "/")
}

/// Refuses (exit 2) a config naming codes that no pack in use has: each shown at its place.
pub fn check_codes(
    sup: &Suppressions,
    choice: &formlint::pack::PackChoice,
) -> Result<(), ExitCode> {
    let codes = |packs: &[&formlint::Pack]| -> Vec<String> {
        packs
            .iter()
            .flat_map(|p| p.rule_meta().into_iter().map(|r| r.code))
            .collect()
    };
    let unknown_with = |rules: &[String]| {
        let rules: Vec<&str> = rules.iter().map(String::as_str).collect();
        sup.unknown_codes(&rules)
    };
    // the engine's codes need no pack, and most codes named are the run's main pack's: the
    // other packs are compiled only for a code neither knows
    if unknown_with(&[]).is_empty() || unknown_with(&codes(&[choice.main()])).is_empty() {
        return Ok(());
    }
    let unknown = unknown_with(&codes(&choice.packs()));
    if unknown.is_empty() {
        return Ok(());
    }
    for p in &unknown {
        eprint!("{}", crate::cmd::packs::render_diagnostic(p));
    }
    Err(ExitCode::from(2))
}
