//! The integration tests, as one test binary: one link instead of one per file (25 binaries with
//! their own copy of the engine took a gigabyte of disk). Each module is one file beside this one;
//! run one with `cargo test --test integration <module>::`.

mod common;

mod accept;
mod accepted;
mod annotate;
mod architecture;
mod authoring;
mod bad_inputs;
mod central;
mod cli;
mod crosscheck;
mod declarations;
mod docs;
mod formats;
mod fuzz_regressions;
mod generality;
mod input_variants;
mod inputs;
mod label_variants;
mod packs;
mod rules_cli;
mod rules_tools;
mod sarif_schema;
mod seed;
mod shenzhen_related;
mod suppress;
mod tutorial;
