//! Command-line subcommands besides `check` (which lives in `main.rs`).

pub mod annotate;
pub mod packs;
pub mod rules;
