//! Command-line subcommands besides `check` (which lives in `main.rs`).

pub mod check;
pub mod config;
pub mod packs;
pub mod rules;
