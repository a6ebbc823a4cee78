//! Command-line subcommands besides `check` (which lives in `main.rs`).

pub mod packs;
pub mod rules;
pub mod rules_fmt;
pub mod rules_test;
