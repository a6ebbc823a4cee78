//! Finding and loading rule packs for the command line: an embedded pack by name
//! (`shenzhen-2020`, `shenzhen-2020@1.0.0`) or a folder on disk.

use formlint::pack::{self, Pack};
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
    let (name, version) = match spec.split_once('@') {
        Some((n, v)) => (n, Some(v)),
        None => (spec, None),
    };
    let files = pack::embedded_pack(name).ok_or_else(|| {
        format!(
            "找不到规则包“{spec}”：既不是文件夹，也不是内置规则包（内置：{}）",
            pack::embedded_names().join("、")
        )
    })?;
    if let Some(v) = version {
        let manifest = files.get("pack.yaml").map(String::as_str).unwrap_or("");
        let found = manifest
            .lines()
            .find_map(|l| l.strip_prefix("version:"))
            .map(|s| s.trim().trim_matches('"').to_string());
        if found.as_deref() != Some(v) {
            return Err(format!(
                "内置规则包 {name} 的版本是 {}，不是 {v}",
                found.unwrap_or_else(|| "未知".into())
            ));
        }
    }
    Ok((files, format!("<embedded>/{name}/")))
}

/// Renders a diagnostic the way the CLI shows all rule-pack problems (no colour, width 100).
pub fn render_diagnostic(d: &dyn miette::Diagnostic) -> String {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_width(100);
    let mut out = String::new();
    let _ = handler.render_report(&mut out, d);
    out
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

/// Which pack checks a file: one given pack, or the built-in pack for the fiscal year each file
/// states (`（2020年度）`, a canonical `fiscal_year:`), the default pack when it states none.
pub enum Choice {
    /// `--rules`, the config's `rules`, or `--year`.
    Fixed(Box<formlint::pack::Pack>),
    /// Chosen per file from the built-in packs; the default first.
    ByYear(Vec<formlint::pack::Pack>),
}

impl Choice {
    /// Loads the choice for a run: `spec` (a pack) wins, then `year`, else automatic.
    pub fn load(spec: Option<&str>, year: Option<i32>) -> Result<Choice, ExitCode> {
        if spec.is_some() {
            return load(spec).map(|p| Choice::Fixed(Box::new(p)));
        }
        let mut names = pack::embedded_names();
        names.sort_by_key(|n| *n != pack::DEFAULT_PACK);
        let mut packs = Vec::new();
        for n in names {
            packs.push(load(Some(n))?);
        }
        match year {
            None => Ok(Choice::ByYear(packs)),
            Some(y) => match packs
                .into_iter()
                .find(|p| p.manifest.fiscal_years.contains(&y))
            {
                Some(p) => Ok(Choice::Fixed(Box::new(p))),
                None => {
                    eprintln!("error: 没有适用于 {y} 年度的内置规则包（请用 --rules 指定）");
                    Err(ExitCode::from(2))
                }
            },
        }
    }

    /// The pack that names the run in reports (the fixed one, or the default).
    pub fn main(&self) -> &formlint::pack::Pack {
        match self {
            Choice::Fixed(p) => p,
            Choice::ByYear(packs) => &packs[0],
        }
    }

    /// The pack for a file stating `year`, and a note when no pack covers that year.
    pub fn for_year(
        &self,
        year: Option<i32>,
    ) -> (&formlint::pack::Pack, Option<formlint::finding::Finding>) {
        let Choice::ByYear(packs) = self else {
            return (self.main(), None);
        };
        let Some(y) = year else {
            return (&packs[0], None);
        };
        match packs.iter().find(|p| p.manifest.fiscal_years.contains(&y)) {
            Some(p) if std::ptr::eq(p, &packs[0]) => (p, None),
            Some(p) => {
                // reports name the run's pack; say so when a file was checked by another
                let note = formlint::codes::PACK_FOR_YEAR.finding(format!(
                        "表中写的是 {y} 年度，已按规则包 {} {} 检查",
                    p.manifest.name, p.manifest.version
                ));
                (p, Some(note))
            }
            None => {
                let d = &packs[0].manifest;
                let mut note = formlint::codes::NO_PACK_FOR_YEAR.finding(format!(
                        "表中写的是 {y} 年度，没有适用的内置规则包，已按默认规则包 {} {} 检查",
                    d.name, d.version
                ));
                note.help = Some("用 --rules 或 formlint.toml 的 rules 指定规则包".into());
                (&packs[0], Some(note))
            }
        }
    }
}
