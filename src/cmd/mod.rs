//! The command line's subcommands and the I/O around the engine.

pub mod annotate;
pub mod batch;
pub mod check;
pub mod config;
pub mod packs;
pub mod rules;
pub mod rules_fmt;
pub mod rules_test;
pub mod walk;
