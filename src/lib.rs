//! formlint: rules-as-data validation of 项目支出绩效自评表 (project expenditure performance
//! self-evaluation forms).
//!
//! The pipeline runs one way: read (file bytes → [`sheet::Workbook`]) → extract (layout as
//! data → [`Form`]) → evaluate ([`lang`], compiled rules → [`Finding`]s) → [`report`]. The
//! engine never touches the file system or the process: the binary in `main.rs` does.
//!
//! The surface a caller needs: load a [`Pack`] ([`pack::load`], [`pack::load_with`] with a
//! resolver for base packs, [`pack::PackChoice`] to choose by fiscal year), check a file's bytes
//! ([`check_file`], [`check_chosen`]), render the results ([`report::Emitter`],
//! [`annotate::annotate_xlsx`]). See `docs/architecture.md`.

#![warn(missing_docs, unreachable_pub)]

mod accept;
pub mod annotate;
pub mod codes;
pub mod config;
pub mod crosscheck;
pub mod diag;
mod extract;
pub mod finding;
pub mod form;
pub mod lang;
mod opc;
pub mod outcome;
pub mod pack;
mod read;
pub mod report;
pub mod ruletest;
pub mod run;
pub mod sheet;
#[cfg(test)]
mod tests_common;
mod text;
mod value;

pub use finding::{Finding, Severity};
pub use form::{Form, Place};
pub use pack::Pack;
pub use run::{check_chosen, check_file, CheckOptions, Checked};
pub use sheet::CellRef;

/// Entry points for the fuzz targets in `fuzz/` and their stable regression test
/// (`tests/fuzz_regressions.rs`) into parts with no public door of their own. Not API.
#[doc(hidden)]
pub mod __fuzz;
