//! The rule test file format (`tests/*.yaml` in a pack), as read from YAML. See
//! `docs/rule-tests.md` for the format as rule authors see it.

use crate::extract::Pairs;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;
use std::fmt;

/// A whole test file: an optional shared form and the tests.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFileSpec {
    /// The form every test starts from unless it gives `form` or `fixture`: written here, or
    /// the path of a YAML file holding it (relative to the test file).
    #[serde(default)]
    pub base: Option<Base>,
    /// For a cross-check pack: the two forms every test starts from (paths relative to the
    /// test file); patches name a side with `申报表:` (the self-evaluation by default).
    #[serde(default)]
    pub pair: Option<PairBase>,
    /// The tests, in order.
    pub tests: Vec<TestSpec>,
}

/// `pair:` of a cross-check pack's test file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairBase {
    /// The self-evaluation form file.
    #[serde(rename = "自评表")]
    pub self_evaluation: String,
    /// The declaration form file.
    #[serde(rename = "申报表")]
    pub declaration: String,
}

/// One test case.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestSpec {
    /// What the case shows (shown after the rule code).
    pub name: Spanned<String>,
    /// The rule under test: shown before the name, and only its findings are compared
    /// (unless `only` says otherwise).
    #[serde(default)]
    pub rule: Option<String>,
    /// A whole inline form, instead of `base`.
    #[serde(default)]
    pub form: Option<InlineForm>,
    /// Changes to the form: `字段: 值`, `表[行].列: 值`, `表[+]: {行}`, `表[行]: null`.
    #[serde(default)]
    pub patch: Pairs<Spanned<String>, Value>,
    /// A form file (xlsx, csv, yaml), relative to the test file.
    #[serde(default)]
    pub fixture: Option<String>,
    /// For a cross-check pack: form files checked as one batch (a self-evaluation and its
    /// declarations), relative to the test file.
    #[serde(default)]
    pub fixtures: Option<Vec<String>>,
    /// The findings expected: `none`, or a list; where its value starts in the file, so
    /// `rules test --update` can rewrite it in place.
    pub expect: Spanned<Expect>,
    /// Compare only findings with these codes.
    #[serde(default)]
    pub only: Option<Vec<String>>,
    /// Skip the test, giving the reason.
    #[serde(default)]
    pub skip: Option<String>,
}

/// A form written in the test file: fields and tables as in the canonical format.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlineForm {
    /// Single values by field name.
    #[serde(default)]
    pub fields: Pairs<String, Value>,
    /// Tables by name, each a list of rows (column name → value).
    #[serde(default)]
    pub tables: Pairs<String, Vec<Pairs<String, Value>>>,
}

/// `base:` written inline or as the path of a form file.
#[derive(Debug, Clone)]
pub enum Base {
    /// A form file, relative to the test file.
    Path(String),
    /// The form itself.
    Form(InlineForm),
}

impl<'de> Deserialize<'de> for Base {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Base;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("表单 {fields, tables} 或表单文件路径 (a form or a form file's path)")
            }
            fn visit_str<E>(self, s: &str) -> Result<Base, E> {
                Ok(Base::Path(s.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Base, A::Error> {
                InlineForm::deserialize(de::value::MapAccessDeserializer::new(m)).map(Base::Form)
            }
        }
        d.deserialize_any(V)
    }
}

/// `expect: none` or a list of findings.
#[derive(Debug)]
pub enum Expect {
    /// No finding at all (among the compared codes).
    Nothing,
    /// These findings, in any order, and no others.
    Findings(Vec<Expected>),
}

/// One expected finding.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// The rule code (`B004`).
    pub code: String,
    /// The cell on a sheet (`F9`).
    #[serde(default)]
    pub cell: Option<String>,
    /// The place in an inline form (`资金[其他资金].全年执行数`, `指标[2].得分`, `项目名称`).
    #[serde(default)]
    pub path: Option<String>,
    /// Text the message must contain.
    #[serde(default)]
    pub message: Option<String>,
}

impl<'de> Deserialize<'de> for Expect {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Expect;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`none` 或期望结果列表 (`none` or a list of expected findings)")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Expect, E> {
                if s == "none" || s == "无" {
                    Ok(Expect::Nothing)
                } else {
                    Err(E::custom(format!(
                        "expect 应为 none 或列表，不能是“{s}” (expect must be `none` or a list)"
                    )))
                }
            }
            fn visit_unit<E>(self) -> Result<Expect, E> {
                Ok(Expect::Nothing)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> Result<Expect, A::Error> {
                let mut out = Vec::new();
                while let Some(e) = a.next_element::<ExpectedItem>()? {
                    out.push(e.0);
                }
                if out.is_empty() {
                    Ok(Expect::Nothing)
                } else {
                    Ok(Expect::Findings(out))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// An expected finding written as a bare code (`- B004`) or a mapping.
struct ExpectedItem(Expected);

impl<'de> Deserialize<'de> for ExpectedItem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ExpectedItem;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("规则代码或 {code: …, cell: …} (a code or {code: …, cell: …})")
            }
            fn visit_str<E>(self, s: &str) -> Result<ExpectedItem, E> {
                Ok(ExpectedItem(Expected {
                    code: s.to_string(),
                    ..Expected::default()
                }))
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<ExpectedItem, A::Error> {
                Expected::deserialize(de::value::MapAccessDeserializer::new(m)).map(ExpectedItem)
            }
        }
        d.deserialize_any(V)
    }
}
