//! Rule packs: a manifest (`pack.yaml`), a layout and rule files, loaded from a set of named
//! texts (the CLI reads them from a folder; the default pack is embedded in the binary).

use crate::extract::{self, Layout};
use crate::form::Schema;
use crate::lang::{self, Program, RuleErrors, SourceFile};
use crate::value::Units;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The name of the default pack.
pub const DEFAULT_PACK: &str = "shenzhen-2020";

/// The packs built into the binary: name and files (file name → text).
static EMBEDDED: &[(&str, &[(&str, &str)])] = &[(
    "shenzhen-2020",
    &[
        ("pack.yaml", include_str!("../rules/shenzhen-2020/pack.yaml")),
        ("layout.yaml", include_str!("../rules/shenzhen-2020/layout.yaml")),
        ("params.rules", include_str!("../rules/shenzhen-2020/params.rules")),
        ("required.rules", include_str!("../rules/shenzhen-2020/required.rules")),
        ("weights.rules", include_str!("../rules/shenzhen-2020/weights.rules")),
        ("scores.rules", include_str!("../rules/shenzhen-2020/scores.rules")),
        ("funds.rules", include_str!("../rules/shenzhen-2020/funds.rules")),
        ("units.rules", include_str!("../rules/shenzhen-2020/units.rules")),
        ("consistency.rules", include_str!("../rules/shenzhen-2020/consistency.rules")),
    ],
), (
    "central-2020",
    &[
        ("pack.yaml", include_str!("../rules/central-2020/pack.yaml")),
        ("layout.yaml", include_str!("../rules/central-2020/layout.yaml")),
        ("params.rules", include_str!("../rules/central-2020/params.rules")),
        ("required.rules", include_str!("../rules/central-2020/required.rules")),
        ("weights.rules", include_str!("../rules/central-2020/weights.rules")),
        ("scores.rules", include_str!("../rules/central-2020/scores.rules")),
        ("national.rules", include_str!("../rules/central-2020/national.rules")),
        ("funds.rules", include_str!("../rules/central-2020/funds.rules")),
        ("consistency.rules", include_str!("../rules/central-2020/consistency.rules")),
    ],
)];

/// Names of the packs built into the binary.
pub fn embedded_names() -> Vec<&'static str> {
    EMBEDDED.iter().map(|(n, _)| *n).collect()
}

/// The files of an embedded pack, by file name; `None` for an unknown pack name.
pub fn embedded_pack(name: &str) -> Option<BTreeMap<String, String>> {
    let (_, files) = EMBEDDED.iter().find(|(n, _)| *n == name)?;
    Some(files.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect())
}

/// The files of the embedded default pack, by name.
pub fn embedded() -> BTreeMap<String, String> {
    embedded_pack(DEFAULT_PACK).expect("the default pack is embedded")
}

/// `pack.yaml`: what the pack is and which files make it.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Pack name (`shenzhen-2020`).
    pub name: String,
    /// Pack version (`1.0.0`).
    pub version: String,
    /// Human title.
    #[serde(default)]
    pub title: String,
    /// Longer description.
    #[serde(default)]
    pub description: String,
    /// The layout file.
    pub layout: String,
    /// Rule files, in evaluation order.
    pub rules: Vec<String>,
    /// Units for the value grammar.
    #[serde(default)]
    pub units: UnitSpec,
}

/// The units section of a manifest.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitSpec {
    /// Unit words the value grammar accepts.
    #[serde(default)]
    pub known: Vec<String>,
    /// Other spellings of a unit (`万` → `万元`).
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
    /// Scales: unit → (factor, base unit).
    #[serde(default)]
    pub scales: BTreeMap<String, (Decimal, String)>,
    /// The base money unit (`元`).
    #[serde(default)]
    pub money: Option<String>,
}

impl UnitSpec {
    /// Builds the value grammar's unit table.
    pub fn units(&self) -> Units {
        let mut u = Units::new();
        for k in &self.known {
            u.add_unit(k);
        }
        for (a, c) in &self.aliases {
            u.add_alias(a, c);
        }
        for (unit, (factor, base)) in &self.scales {
            u.add_scale(unit, *factor, base);
        }
        if let Some(m) = &self.money {
            u.set_money_base(m);
        }
        u
    }
}

/// A loaded, checked pack.
#[derive(Debug)]
pub struct Pack {
    /// Its manifest.
    pub manifest: Manifest,
    /// The form layout.
    pub layout: Layout,
    /// The compiled rules.
    pub program: Program,
}

/// Why a pack could not be loaded.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PackError {
    /// A file the manifest names is missing.
    #[error("规则包缺少文件 {0} (missing file)")]
    #[diagnostic(code(formlint::pack::missing))]
    Missing(String),
    /// `pack.yaml` is malformed.
    #[error("规则包清单 {file} 有误：{message}")]
    #[diagnostic(code(formlint::pack::manifest))]
    Manifest {
        /// The manifest's name.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The layout file is malformed.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Layout(#[from] extract::LayoutError),
    /// The rule files have mistakes.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Rules(#[from] RuleErrors),
}

/// Loads a pack from its files. `prefix` is how file names are shown (`rules/shenzhen-2020/`).
pub fn load(files: &BTreeMap<String, String>, prefix: &str) -> Result<Pack, PackError> {
    let get = |name: &str| files.get(name).ok_or_else(|| PackError::Missing(format!("{prefix}{name}")));
    let manifest_text = get("pack.yaml")?;
    let manifest: Manifest = serde_saphyr::from_str(manifest_text)
        .map_err(|e| PackError::Manifest { file: format!("{prefix}pack.yaml"), message: e.to_string() })?;
    let layout = extract::parse_layout(&format!("{prefix}{}", manifest.layout), get(&manifest.layout)?)?;
    let schema: Schema = layout.schema();
    let mut sources = Vec::new();
    for r in &manifest.rules {
        sources.push(SourceFile::new(&format!("{prefix}{r}"), get(r)?));
    }
    let program = lang::compile(&sources, &schema, manifest.units.units())?;
    Ok(Pack { manifest, layout, program })
}
