//! The rule language: rule files are parsed ([`parse`]) into a syntax tree ([`ast`]), checked
//! against the layout's schema before any form is read ([`check`]), then evaluated on each
//! form with exact decimals ([`eval`]).

pub mod ast;
pub mod builtins;
pub mod check;
pub mod depth;
pub mod error;
pub mod eval;
pub mod fmt;
pub mod lint;
pub mod parse;
pub mod program;
pub mod types;
pub mod val;

pub use error::{RuleError, RuleErrors, SourceFile};
pub use program::{compile, compile_layers, Origin, Overrides, ParamOverride, Program};
#[cfg(test)]
mod tests;
