//! The built-in packs as a catalogue: a pack by `NAME[@VERSION]`, and the pack for the fiscal
//! year a file states (`（2020年度）`, a canonical `fiscal_year:`), so a library user choosing
//! packs gets what the command line gets.

use super::{embedded_names, embedded_pack, load, Manifest, Pack, PackError, EMBEDDED_INFO};
use crate::codes;
use crate::finding::Finding;
use crate::form::FormKind;
use std::collections::BTreeMap;
use std::sync::OnceLock;

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
    /// A built-in pack failed to load (a bug: the shipped packs are tested). A [`PackChoice`]
    /// compiles its built-in packs when first needed and panics with this error there.
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
/// kinds; and the cross-check pack (kind 配对) for pairs of both. A built-in pack is compiled
/// when a file first needs it (once per choice, shared by every thread), so a run compiles
/// only the packs its files use.
pub struct PackChoice {
    /// The packs, the run's own first; per kind, its default before the others.
    packs: Vec<Slot>,
    /// Whether the first pack was given for every file of its kind.
    fixed: bool,
}

/// One pack of a choice: what choosing needs of it, and the pack itself — given compiled, or
/// a built-in one compiled on first use.
struct Slot {
    kind: FormKind,
    years: Vec<i32>,
    /// The built-in pack to compile when `pack` is first asked for.
    builtin: Option<&'static str>,
    pack: OnceLock<Pack>,
}

impl Slot {
    fn given(pack: Pack) -> Slot {
        Slot {
            kind: pack.manifest.kind,
            years: pack.manifest.fiscal_years.clone(),
            builtin: None,
            pack: OnceLock::from(pack),
        }
    }

    /// The pack, compiling a built-in one the first time. A built-in pack that does not
    /// compile is a bug of formlint (every shipped pack is compiled by the tests).
    fn get(&self) -> &Pack {
        self.pack.get_or_init(|| {
            let name = self.builtin.expect("a given pack is compiled");
            load_builtin(name)
                .unwrap_or_else(|e| panic!("内置规则包 {name} 无法加载（formlint 的缺陷）：{e}"))
        })
    }
}

/// The built-in packs, the default first, as (name, kind, fiscal years) from their manifests
/// (read at build time: `EMBEDDED_INFO`).
fn builtin_slots() -> impl Iterator<Item = Slot> {
    embedded_names().into_iter().map(|name| {
        let (_, kind, years) = EMBEDDED_INFO
            .iter()
            .find(|(n, _, _)| *n == name)
            .expect("every embedded pack has its info");
        Slot {
            kind: FormKind::parse(kind).unwrap_or_default(),
            years: years.to_vec(),
            builtin: Some(name),
            pack: OnceLock::new(),
        }
    })
}

fn load_builtin(name: &str) -> Result<Pack, ChoiceError> {
    let (files, prefix) = embedded_files(name)?;
    load(&files, &prefix).map_err(|e| ChoiceError::Pack(Box::new(e)))
}

impl PackChoice {
    /// The built-in packs: those for `year` when given, else all of them chosen per file.
    pub fn builtin(year: Option<i32>) -> Result<PackChoice, ChoiceError> {
        let packs: Vec<Slot> = builtin_slots()
            .filter(|s| year.is_none_or(|y| s.years.contains(&y)))
            .collect();
        match year {
            Some(y) if !packs.iter().any(|s| s.kind == FormKind::SelfEvaluation) => {
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
        let mut packs = vec![Slot::given(pack)];
        packs.extend(builtin_slots().filter(|s| s.kind != kind));
        Ok(PackChoice { packs, fixed: true })
    }

    /// `pack` alone: forms of another kind are not checked (an embedder or test that wants
    /// exactly one pack).
    pub fn only(pack: Pack) -> PackChoice {
        PackChoice {
            packs: vec![Slot::given(pack)],
            fixed: true,
        }
    }

    /// Whether the run's pack was given (not chosen per file by its fiscal year).
    pub fn is_fixed(&self) -> bool {
        self.fixed
    }

    /// Every pack a file of the run may be checked with (compiling those not compiled yet).
    pub fn packs(&self) -> Vec<&Pack> {
        self.packs.iter().map(Slot::get).collect()
    }

    /// The pack that names the run in reports (the given one, or the default).
    pub fn main(&self) -> &Pack {
        self.packs[0].get()
    }

    /// The packs for the forms of a file stating `year`, one per kind of form (not the
    /// cross-check), each with an info note (X011/X012) when it is not that kind's default
    /// pack or no pack of the kind covers the year.
    pub fn for_year(&self, year: Option<i32>) -> Vec<(&Pack, Option<Finding>)> {
        let mut kinds: Vec<FormKind> = Vec::new();
        for s in &self.packs {
            if s.kind != FormKind::Pair && !kinds.contains(&s.kind) {
                kinds.push(s.kind);
            }
        }
        kinds.into_iter().map(|k| self.for_kind(k, year)).collect()
    }

    /// Whether the run has a cross-check pack (without compiling it).
    pub fn has_crosscheck(&self) -> bool {
        self.kind_slots(FormKind::Pair).next().is_some()
    }

    /// The cross-check pack for forms of `year`, when the run has one.
    pub fn crosscheck(&self, year: Option<i32>) -> Option<&Pack> {
        self.kind_slots(FormKind::Pair)
            .find(|(_, s)| year.is_some_and(|y| s.years.contains(&y)))
            .or_else(|| self.kind_slots(FormKind::Pair).next())
            .map(|(_, s)| s.get())
    }

    /// The slots of one kind, with their places in the choice.
    fn kind_slots(&self, kind: FormKind) -> impl Iterator<Item = (usize, &Slot)> {
        self.packs
            .iter()
            .enumerate()
            .filter(move |(_, s)| s.kind == kind)
    }

    fn for_kind(&self, kind: FormKind, year: Option<i32>) -> (&Pack, Option<Finding>) {
        let (first, default) = self
            .kind_slots(kind)
            .next()
            .expect("a pack of each listed kind");
        if self.fixed && first == 0 {
            return (default.get(), None);
        }
        let Some(y) = year else {
            return (default.get(), None);
        };
        match self.kind_slots(kind).find(|(_, s)| s.years.contains(&y)) {
            Some((i, s)) if i == first => (s.get(), None),
            Some((_, s)) => {
                let p = s.get();
                // reports name the kind's default pack; say so when a file was checked by another
                let note = codes::PACK_FOR_YEAR.finding(format!(
                    "表中写的是 {y} 年度，{kind}已按规则包 {} {} 检查",
                    p.manifest.name, p.manifest.version
                ));
                (p, Some(note))
            }
            None if self.fixed => (default.get(), None),
            None => {
                let default = default.get();
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

    #[test]
    fn the_build_time_info_is_each_manifest_s_and_every_built_in_pack_compiles() {
        for (name, kind, years) in EMBEDDED_INFO {
            let files = embedded_pack(name).expect("embedded");
            let m: Manifest = serde_saphyr::from_str(&files["pack.yaml"]).expect("manifest");
            assert_eq!(FormKind::parse(kind).unwrap_or_default(), m.kind, "{name}");
            assert_eq!(*years, m.fiscal_years.as_slice(), "{name}");
        }
        // nothing compiled until asked for; then every pack compiles
        let choice = PackChoice::builtin(None).expect("built-in packs");
        assert!(choice.packs.iter().all(|s| s.pack.get().is_none()));
        assert!(choice.has_crosscheck());
        let packs = choice.packs();
        assert_eq!(packs.len(), EMBEDDED_INFO.len());
        for (p, s) in packs.iter().zip(&choice.packs) {
            assert_eq!(p.manifest.kind, s.kind);
            assert_eq!(p.manifest.fiscal_years, s.years);
        }
    }
}
