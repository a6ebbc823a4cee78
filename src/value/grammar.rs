//! The pest parser generated from grammar/value.pest, built for the tests only: the grammar
//! is the specification of the value language, which `scan.rs` recognises by hand, and this
//! parser is the oracle the differential test (`scan_tests.rs`) holds it to.
//!
//! The path is given relative to the crate root: pest_derive 2.9 looks it up under
//! `CARGO_MANIFEST_DIR` first and only then under `CARGO_MANIFEST_DIR/src`, so
//! `"grammar/value.pest"` always names this crate's file, whereas `"../grammar/value.pest"`
//! would first look outside the crate.

use pest_derive::Parser;

/// Parser for target and actual values; its rules are named in grammar/value.pest.
#[derive(Parser)]
#[grammar = "grammar/value.pest"]
pub(crate) struct ValueParser;
