//! The built-in packs as a catalogue: a pack by `NAME[@VERSION]`, and the pack for the fiscal
//! year a file states (`（2020年度）`, a canonical `fiscal_year:`), so a library user choosing
//! packs gets what the command line gets.

use super::{embedded_names, embedded_pack, load, Manifest, Pack, PackError};
use crate::codes;
use crate::finding::Finding;
use crate::form::FormKind;
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

/// Which packs check a run's files: for each kind of form (自评表, 申报表) the built-in pack for
/// the fiscal year a file states, the kind's default when it states none — or one given pack
/// for the files of its kind (`--rules`, a config's `rules`), the built-in packs for the other
/// kinds; and the cross-check pack (kind 配对) for pairs of both.
pub struct PackChoice {
    /// The packs, the run's own first; per kind, its default before the others.
    packs: Vec<Pack>,
    /// Whether the first pack was given for every file of its kind.
    fixed: bool,
}

fn load_builtin(name: &str) -> Result<Pack, ChoiceError> {
    let (files, prefix) = embedded_files(name)?;
    load(&files, &prefix).map_err(|e| ChoiceError::Pack(Box::new(e)))
}

impl PackChoice {
    /// The built-in packs: those for `year` when given, else all of them chosen per file.
    pub fn builtin(year: Option<i32>) -> Result<PackChoice, ChoiceError> {
        let mut packs = Vec::new();
        for name in embedded_names() {
            let p = load_builtin(name)?;
            if year.is_none_or(|y| p.manifest.fiscal_years.contains(&y)) {
                packs.push(p);
            }
        }
        match year {
            Some(y)
                if !packs
                    .iter()
                    .any(|p| p.manifest.kind == FormKind::SelfEvaluation) =>
            {
                Err(ChoiceError::NoPackForYear(y))
            }
            _ => Ok(PackChoice {
                packs,
                fixed: year.is_some(),
            }),
        }
    }

    /// `pack` for every file of its kind; the built-in packs check the other kinds.
    pub fn fixed(pack: Pack) -> Result<PackChoice, ChoiceError> {
        let kind = pack.manifest.kind;
        let mut packs = vec![pack];
        for name in embedded_names() {
            let p = load_builtin(name)?;
            if p.manifest.kind != kind {
                packs.push(p);
            }
        }
        Ok(PackChoice { packs, fixed: true })
    }

    /// `pack` alone: forms of another kind are not checked (an embedder or test that wants
    /// exactly one pack).
    pub fn only(pack: Pack) -> PackChoice {
        PackChoice {
            packs: vec![pack],
            fixed: true,
        }
    }

    /// Whether the run's pack was given (not chosen per file by its fiscal year).
    pub fn is_fixed(&self) -> bool {
        self.fixed
    }

    /// Every pack a file of the run may be checked with.
    pub fn packs(&self) -> Vec<&Pack> {
        self.packs.iter().collect()
    }

    /// The pack that names the run in reports (the given one, or the default).
    pub fn main(&self) -> &Pack {
        &self.packs[0]
    }

    /// The packs for the forms of a file stating `year`, one per kind of form (not the
    /// cross-check), each with an info note (X011/X012) when it is not that kind's default
    /// pack or no pack of the kind covers the year.
    pub fn for_year(&self, year: Option<i32>) -> Vec<(&Pack, Option<Finding>)> {
        let mut kinds: Vec<FormKind> = Vec::new();
        for p in &self.packs {
            if p.manifest.kind != FormKind::Pair && !kinds.contains(&p.manifest.kind) {
                kinds.push(p.manifest.kind);
            }
        }
        kinds.into_iter().map(|k| self.for_kind(k, year)).collect()
    }

    /// The cross-check pack for forms of `year`, when the run has one.
    pub fn crosscheck(&self, year: Option<i32>) -> Option<&Pack> {
        self.kind_packs(FormKind::Pair)
            .find(|p| year.is_some_and(|y| p.manifest.fiscal_years.contains(&y)))
            .or_else(|| self.kind_packs(FormKind::Pair).next())
    }

    fn kind_packs(&self, kind: FormKind) -> impl Iterator<Item = &Pack> {
        self.packs.iter().filter(move |p| p.manifest.kind == kind)
    }

    fn for_kind(&self, kind: FormKind, year: Option<i32>) -> (&Pack, Option<Finding>) {
        let default = self
            .kind_packs(kind)
            .next()
            .expect("a pack of each listed kind");
        if self.fixed && std::ptr::eq(default, self.main()) {
            return (default, None);
        }
        let Some(y) = year else {
            return (default, None);
        };
        match self
            .kind_packs(kind)
            .find(|p| p.manifest.fiscal_years.contains(&y))
        {
            Some(p) if std::ptr::eq(p, default) => (p, None),
            Some(p) => {
                // reports name the kind's default pack; say so when a file was checked by another
                let note = codes::PACK_FOR_YEAR.finding(format!(
                    "表中写的是 {y} 年度，{kind}已按规则包 {} {} 检查",
                    p.manifest.name, p.manifest.version
                ));
                (p, Some(note))
            }
            None if self.fixed => (default, None),
            None => {
                let d = &default.manifest;
                let mut note = codes::NO_PACK_FOR_YEAR.finding(format!(
                    "表中写的是 {y} 年度，没有适用的内置{kind}规则包，已按默认规则包 {} {} 检查",
                    d.name, d.version
                ));
                note.help = Some("用 --rules 或 formlint.toml 的 rules 指定规则包".into());
                (default, Some(note))
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
        let (p, note) = &choice.for_year(Some(2020))[0];
        assert_eq!(p.manifest.name, super::super::DEFAULT_PACK);
        assert!(note.is_none());
        let (_, note) = &choice.for_year(Some(1999))[0];
        assert_eq!(note.as_ref().map(|n| n.code.as_str()), Some("X011"));
        assert!(matches!(
            PackChoice::builtin(Some(1999)),
            Err(ChoiceError::NoPackForYear(1999))
        ));
    }
}
