//! The rule language: rule files are parsed into a syntax tree, checked
//! against the layout's schema before any form is read, then evaluated on each
//! form with exact decimals.

pub(crate) mod ast;
pub(crate) mod builtins;
pub(crate) mod check;
pub(crate) mod depth;
pub(crate) mod eval;
pub mod fmt;
pub(crate) mod lint;
pub(crate) mod parse;
pub(crate) mod program;
pub(crate) mod resolve;
pub(crate) mod types;
pub(crate) mod val;

pub use crate::diag::{DiagKind, Problem, Problems, SourceFile};
pub use lint::RuleWarning;
pub use program::{compile, compile_layers, Origin, Overrides, ParamOverride, Program};

/// The names of the rule language's functions, in the order `docs/rule-language.md` lists
/// them: for documentation checks and editors that complete names.
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    builtins::BUILTINS.iter().map(|b| b.name)
}

/// Whether `name` is a function of the rule language.
pub fn is_builtin(name: &str) -> bool {
    builtins::find(name).is_some()
}

#[cfg(test)]
mod tests;
