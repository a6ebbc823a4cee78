//! The built-in packs as a catalogue: a pack by `NAME[@VERSION]`, and the pack for the fiscal
//! year a file states (`（2020年度）`, a canonical `fiscal_year:`), so a library user choosing
//! packs gets what the command line gets.

use super::{embedded_names, embedded_pack, load, Manifest, Pack, PackError};
use crate::codes;
use crate::finding::Finding;
use std::collections::BTreeMap;

/// Why no pack could be chosen.
#[derive(Debug, thiserror::Error)]
pub enum ChoiceError {
    /// No built-in pack has that name.
    #[error("找不到规则包“{spec}”：既不是文件夹，也不是内置规则包（内置：{known}）{hint}")]
    Unknown {
        /// What was asked for.
        spec: String,
        /// The built-in names, joined.
        known: String,
        /// `；是不是“shenzhen-2020”？` when a built-in name is near, else empty.
        hint: String,
    },
    /// The built-in pack has another version.
    #[error("内置规则包 {name} 的版本是 {found}，不是 {wanted}")]
    Version {
        /// The pack.
        name: String,
        /// Its version.
        found: String,
        /// The version asked for.
        wanted: String,
    },
    /// No built-in pack covers the year asked for.
    #[error("没有适用于 {0} 年度的内置规则包（请用 --rules 指定）")]
    NoPackForYear(i32),
    /// A built-in pack failed to load (a bug: the shipped packs are tested).
    #[error(transparent)]
    Pack(Box<PackError>),
}

/// The files of the built-in pack `NAME[@VERSION]` and the prefix its file names are shown
/// with; the version, when given, must be the one its manifest states.
pub fn embedded_files(spec: &str) -> Result<(BTreeMap<String, String>, String), ChoiceError> {
    let (name, version) = match spec.split_once('@') {
        Some((n, v)) => (n, Some(v)),
        None => (spec, None),
    };
    let files = embedded_pack(name).ok_or_else(|| ChoiceError::Unknown {
        spec: spec.to_string(),
        known: embedded_names().join("、"),
        hint: crate::text::did_you_mean(name, embedded_names())
            .map(|near| format!("；是不是“{near}”？"))
            .unwrap_or_default(),
    })?;
    if let Some(wanted) = version {
        let found = files
            .get("pack.yaml")
            .and_then(|text| serde_saphyr::from_str::<Manifest>(text).ok())
            .map_or_else(|| "未知".to_string(), |m| m.version);
        if found != wanted {
            return Err(ChoiceError::Version {
                name: name.to_string(),
                found,
                wanted: wanted.to_string(),
            });
        }
    }
    Ok((files, format!("<embedded>/{name}/")))
}

/// Which pack checks a file: one given pack, or the built-in pack for the fiscal year each file
/// states, the default pack when it states none.
pub enum PackChoice {
    /// One pack for every file (`--rules`, a config's `rules`, or a year given for the run).
    Fixed(Box<Pack>),
    /// Chosen per file from the built-in packs; the default first.
    ByYear(Vec<Pack>),
}

impl PackChoice {
    /// The built-in packs: the one for `year` when given, else all of them chosen per file.
    pub fn builtin(year: Option<i32>) -> Result<PackChoice, ChoiceError> {
        let mut packs = Vec::new();
        for name in embedded_names() {
            let (files, prefix) = embedded_files(name)?;
            packs.push(load(&files, &prefix).map_err(|e| ChoiceError::Pack(Box::new(e)))?);
        }
        match year {
            None => Ok(PackChoice::ByYear(packs)),
            Some(y) => packs
                .into_iter()
                .find(|p| p.manifest.fiscal_years.contains(&y))
                .map(|p| PackChoice::Fixed(Box::new(p)))
                .ok_or(ChoiceError::NoPackForYear(y)),
        }
    }

    /// Every pack a file of the run may be checked with.
    pub fn packs(&self) -> Vec<&Pack> {
        match self {
            PackChoice::Fixed(p) => vec![p.as_ref()],
            PackChoice::ByYear(ps) => ps.iter().collect(),
        }
    }

    /// The pack that names the run in reports (the fixed one, or the default).
    pub fn main(&self) -> &Pack {
        match self {
            PackChoice::Fixed(p) => p,
            PackChoice::ByYear(packs) => &packs[0],
        }
    }

    /// The pack for a file stating `year`, and an info note (X011/X012) when it is not the
    /// run's pack or no pack covers that year.
    pub fn for_year(&self, year: Option<i32>) -> (&Pack, Option<Finding>) {
        let PackChoice::ByYear(packs) = self else {
            return (self.main(), None);
        };
        let Some(y) = year else {
            return (&packs[0], None);
        };
        match packs.iter().find(|p| p.manifest.fiscal_years.contains(&y)) {
            Some(p) if std::ptr::eq(p, &packs[0]) => (p, None),
            Some(p) => {
                // reports name the run's pack; say so when a file was checked by another
                let note = codes::PACK_FOR_YEAR.finding(format!(
                    "表中写的是 {y} 年度，已按规则包 {} {} 检查",
                    p.manifest.name, p.manifest.version
                ));
                (p, Some(note))
            }
            None => {
                let d = &packs[0].manifest;
                let mut note = codes::NO_PACK_FOR_YEAR.finding(format!(
                    "表中写的是 {y} 年度，没有适用的内置规则包，已按默认规则包 {} {} 检查",
                    d.name, d.version
                ));
                note.help = Some("用 --rules 或 formlint.toml 的 rules 指定规则包".into());
                (&packs[0], Some(note))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_by_name_version_and_year() {
        assert!(embedded_files("shenzhen-2020@1.0.0").is_ok());
        assert!(matches!(
            embedded_files("shenzhen-2020@9.9.9"),
            Err(ChoiceError::Version { .. })
        ));
        assert!(matches!(
            embedded_files("nope"),
            Err(ChoiceError::Unknown { .. })
        ));
        let choice = PackChoice::builtin(None).expect("built-in packs");
        assert_eq!(choice.main().manifest.name, super::super::DEFAULT_PACK);
        let (p, note) = choice.for_year(Some(2020));
        assert_eq!(p.manifest.name, super::super::DEFAULT_PACK);
        assert!(note.is_none());
        let (_, note) = choice.for_year(Some(1999));
        assert_eq!(note.map(|n| n.code), Some("X011".to_string()));
        assert!(matches!(
            PackChoice::builtin(Some(1999)),
            Err(ChoiceError::NoPackForYear(1999))
        ));
    }
}
