//! Command-line subcommands besides `check` (which lives in `main.rs`).

pub mod batch;
pub mod packs;
pub mod rules;
