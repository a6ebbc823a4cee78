//! Rule packs: a manifest (`pack.yaml`), a layout and rule files, loaded from a set of named
//! texts (the CLI reads them from a folder; the default pack is embedded in the binary).

use crate::extract::{self, Layout};
use crate::finding::Severity;
use crate::form::Schema;
use crate::lang::ast::{Expr, ExprKind, Name, Part, Span, Template};
use crate::lang::{self, Origin, Overrides, ParamOverride, Program, RuleErrors, SourceFile};
use crate::value::Units;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub mod doc;

/// The name of the default pack.
pub const DEFAULT_PACK: &str = "shenzhen-2020";

/// The packs built into the binary: name and files (file name → text).
static EMBEDDED: &[(&str, &[(&str, &str)])] = &[
    (
        "shenzhen-2020",
        &[
            (
                "pack.yaml",
                include_str!("../../rules/shenzhen-2020/pack.yaml"),
            ),
            (
                "layout.yaml",
                include_str!("../../rules/shenzhen-2020/layout.yaml"),
            ),
            (
                "params.rules",
                include_str!("../../rules/shenzhen-2020/params.rules"),
            ),
            (
                "required.rules",
                include_str!("../../rules/shenzhen-2020/required.rules"),
            ),
            (
                "weights.rules",
                include_str!("../../rules/shenzhen-2020/weights.rules"),
            ),
            (
                "scores.rules",
                include_str!("../../rules/shenzhen-2020/scores.rules"),
            ),
            (
                "funds.rules",
                include_str!("../../rules/shenzhen-2020/funds.rules"),
            ),
            (
                "units.rules",
                include_str!("../../rules/shenzhen-2020/units.rules"),
            ),
            (
                "consistency.rules",
                include_str!("../../rules/shenzhen-2020/consistency.rules"),
            ),
        ],
    ),
    (
        "central-2020",
        &[
            (
                "pack.yaml",
                include_str!("../../rules/central-2020/pack.yaml"),
            ),
            (
                "layout.yaml",
                include_str!("../../rules/central-2020/layout.yaml"),
            ),
            (
                "params.rules",
                include_str!("../../rules/central-2020/params.rules"),
            ),
            (
                "required.rules",
                include_str!("../../rules/central-2020/required.rules"),
            ),
            (
                "weights.rules",
                include_str!("../../rules/central-2020/weights.rules"),
            ),
            (
                "scores.rules",
                include_str!("../../rules/central-2020/scores.rules"),
            ),
            (
                "national.rules",
                include_str!("../../rules/central-2020/national.rules"),
            ),
            (
                "funds.rules",
                include_str!("../../rules/central-2020/funds.rules"),
            ),
            (
                "consistency.rules",
                include_str!("../../rules/central-2020/consistency.rules"),
            ),
        ],
    ),
];

/// Names of the packs built into the binary.
pub fn embedded_names() -> Vec<&'static str> {
    EMBEDDED.iter().map(|(n, _)| *n).collect()
}

/// The files of an embedded pack, by file name; `None` for an unknown pack name.
pub fn embedded_pack(name: &str) -> Option<BTreeMap<String, String>> {
    let (_, files) = EMBEDDED.iter().find(|(n, _)| *n == name)?;
    Some(
        files
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
    )
}

/// The files of the embedded default pack, by name.
pub fn embedded() -> BTreeMap<String, String> {
    embedded_pack(DEFAULT_PACK).expect("the default pack is embedded")
}

/// `pack.yaml`: what the pack is, which files make it, and — for a pack that extends another —
/// what it changes.
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
    /// Fiscal years the pack applies to (chosen automatically from a form's `（2020年度）`).
    #[serde(default)]
    pub fiscal_years: Vec<i32>,
    /// The policy documents the rules come from.
    #[serde(default)]
    pub sources: Vec<String>,
    /// The pack this one builds on: a built-in `NAME[@VERSION]` or a folder relative to this one.
    #[serde(default)]
    pub extends: Option<String>,
    /// The layout file (inherited when the pack extends another and gives none).
    #[serde(default)]
    pub layout: Option<String>,
    /// Rule files, in evaluation order. In an extending pack, a rule with a base rule's code
    /// replaces it.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Units for the value grammar (added to the base pack's).
    #[serde(default)]
    pub units: UnitSpec,
    /// New values for parameters of the pack (or of the base pack).
    #[serde(default)]
    pub params: BTreeMap<String, serde_json::Value>,
    /// New severities by rule code.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// Rules switched off, by code (a supervisor's deactivation list).
    #[serde(default)]
    pub disable: Vec<String>,
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
        self.add_to(&mut u);
        u
    }

    /// Adds these units to a table (an extending pack adds to its base's).
    pub fn add_to(&self, u: &mut Units) {
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

/// Finds the files of a base pack named in `extends` (an embedded name or a folder): returns
/// its files and the prefix to show their names with.
pub type Resolver<'a> = dyn Fn(&str) -> Result<(BTreeMap<String, String>, String), String> + 'a;

/// Loads a pack from its files. `prefix` is how file names are shown (`rules/shenzhen-2020/`).
/// A pack that `extends` another gets it from the embedded packs only; use [`load_with`] to
/// also find base packs in folders.
pub fn load(files: &BTreeMap<String, String>, prefix: &str) -> Result<Pack, PackError> {
    load_with(files, prefix, &|spec: &str| {
        let (name, _) = spec.split_once('@').unwrap_or((spec, ""));
        embedded_pack(name)
            .map(|f| (f, format!("<embedded>/{name}/")))
            .ok_or_else(|| {
                format!(
                    "找不到基础规则包“{spec}”（内置：{}）",
                    embedded_names().join("、")
                )
            })
    })
}

/// Everything a chain of packs contributes before compiling.
struct Gathered {
    layout: Option<(String, String)>,
    sources: Vec<(SourceFile, usize)>,
    units: Units,
    overrides: Overrides,
}

/// Loads a pack whose base packs are found by `resolve`.
pub fn load_with(
    files: &BTreeMap<String, String>,
    prefix: &str,
    resolve: &Resolver,
) -> Result<Pack, PackError> {
    let mut g = Gathered {
        layout: None,
        sources: Vec::new(),
        units: Units::new(),
        overrides: Overrides::default(),
    };
    let manifest = gather(files, prefix, resolve, &mut g, 0)?;
    let (layout_name, layout_text) = g.layout.ok_or_else(|| PackError::Manifest {
        file: format!("{prefix}pack.yaml"),
        message: "没有指定版式文件 layout (no layout)".into(),
    })?;
    let layout = extract::parse_layout(&layout_name, &layout_text)?;
    let schema: Schema = layout.schema();
    let program = lang::compile_layers(&g.sources, &schema, g.units, &g.overrides)?;
    Ok(Pack {
        manifest,
        layout,
        program,
    })
}

const MAX_DEPTH: usize = 8;

/// Reads one pack's manifest, first gathering its base (so the base is layer 0).
fn gather(
    files: &BTreeMap<String, String>,
    prefix: &str,
    resolve: &Resolver,
    g: &mut Gathered,
    depth: usize,
) -> Result<Manifest, PackError> {
    let manifest_name = format!("{prefix}pack.yaml");
    let get = |name: &str| {
        files
            .get(name)
            .ok_or_else(|| PackError::Missing(format!("{prefix}{name}")))
    };
    let manifest_text = get("pack.yaml")?;
    let manifest: Manifest =
        serde_saphyr::from_str(manifest_text).map_err(|e| PackError::Manifest {
            file: manifest_name.clone(),
            message: e.to_string(),
        })?;
    let layer = match &manifest.extends {
        Some(base) => {
            if depth >= MAX_DEPTH {
                return Err(PackError::Manifest {
                    file: manifest_name,
                    message: format!("extends 层数过多或循环引用：{base}"),
                });
            }
            let (base_files, base_prefix) =
                resolve(base).map_err(|message| PackError::Manifest {
                    file: manifest_name.clone(),
                    message,
                })?;
            let base_manifest = gather(&base_files, &base_prefix, resolve, g, depth + 1)?;
            if let Some((_, want)) = base.split_once('@') {
                if base_manifest.version != want {
                    return Err(PackError::Manifest {
                        file: manifest_name,
                        message: format!(
                            "基础规则包 {} 的版本是 {}，不是 {want}",
                            base_manifest.name, base_manifest.version
                        ),
                    });
                }
            }
            g.sources.iter().map(|(_, l)| l + 1).max().unwrap_or(1)
        }
        None => 0,
    };
    if let Some(l) = &manifest.layout {
        g.layout = Some((format!("{prefix}{l}"), get(l)?.clone()));
    }
    manifest.units.add_to(&mut g.units);
    for r in &manifest.rules {
        g.sources
            .push((SourceFile::new(&format!("{prefix}{r}"), get(r)?), layer));
    }
    let src = SourceFile::new(&manifest_name, manifest_text);
    let origin = |section: &str, key: &str| Origin {
        span: key_span(manifest_text, section, key),
        file: src.clone(),
    };
    for (name, value) in &manifest.params {
        g.overrides.params.push(ParamOverride {
            name: name.clone(),
            value: literal(value),
            origin: origin("params", name),
        });
    }
    for (code, sev) in &manifest.severity {
        g.overrides
            .severity
            .push((code.clone(), *sev, origin("severity", code)));
    }
    for code in &manifest.disable {
        g.overrides
            .disable
            .push((code.clone(), origin("disable", code)));
    }
    Ok(manifest)
}

/// The span of `key` inside the manifest's `section:` (or of the section itself).
fn key_span(text: &str, section: &str, key: &str) -> Span {
    let start = text.find(&format!("{section}:")).unwrap_or(0);
    match text[start..].find(key) {
        Some(i) => Span::new(start + i, start + i + key.len()),
        None => Span::new(start, start + section.len()),
    }
}

/// A YAML/JSON value as a rule-language literal.
fn literal(v: &serde_json::Value) -> Expr {
    let kind = match v {
        serde_json::Value::Null => ExprKind::Null,
        serde_json::Value::Bool(b) => ExprKind::Bool(*b),
        serde_json::Value::Number(n) => {
            ExprKind::Number(n.to_string().parse::<Decimal>().unwrap_or_default())
        }
        serde_json::Value::String(s) => ExprKind::Text(Template {
            parts: vec![Part::Text(s.clone())],
            span: Span::default(),
        }),
        serde_json::Value::Array(items) => ExprKind::List(items.iter().map(literal).collect()),
        serde_json::Value::Object(entries) => ExprKind::Map(
            entries
                .iter()
                .map(|(k, v)| {
                    (
                        Name {
                            text: k.clone(),
                            span: Span::default(),
                        },
                        literal(v),
                    )
                })
                .collect(),
        ),
    };
    Expr {
        kind,
        span: Span::default(),
    }
}

impl Pack {
    /// The pack's rules as the report stage describes them (SARIF rule metadata), in file order.
    pub fn rule_meta(&self) -> Vec<crate::outcome::RuleMeta> {
        let meta = |r: &lang::ast::Rule, key: &str| r.meta(key).map(str::to_string);
        self.program
            .rules()
            .map(|r| crate::outcome::RuleMeta {
                code: r.code.text.clone(),
                severity: r.severity,
                title: r.title.clone(),
                title_en: meta(r, "title_en"),
                description: meta(r, "description"),
                source: meta(r, "source"),
            })
            .collect()
    }
}
