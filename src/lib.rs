//! formlint: rules-as-data validation of 项目支出绩效自评表 (project expenditure performance
//! self-evaluation forms).
//!
//! The pipeline runs one way: [`read`] (file bytes → [`sheet::Workbook`]) → [`extract`]
//! (layout as data → [`form::Form`]) → [`lang`] (compiled rules → [`finding::Finding`]s) →
//! [`report`] (human, JSON). The engine never touches the file system or the process: the
//! binary in `main.rs` does.

pub mod accept;
pub mod annotate;
pub mod codes;
pub mod config;
pub mod extract;
pub mod finding;
pub mod form;
pub mod lang;
pub mod opc;
pub mod outcome;
pub mod pack;
pub mod read;
pub mod report;
pub mod ruletest;
pub mod run;
pub mod sheet;
pub mod text;
pub mod value;
