//! The command line's subcommands and the I/O around the engine.

pub mod annotate;
pub mod batch;
pub mod check;
pub mod config;
pub mod held;
pub mod packs;
pub mod rules;
pub mod rules_fmt;
pub mod rules_init;
pub mod rules_test;
pub mod spill;
pub mod walk;

/// A rule-tool input file's name as shown and its text; a file that cannot be read is
/// reported on stderr and gives `None` (the caller counts it as failed).
pub fn read_shown(path: &std::path::Path) -> Option<(String, String)> {
    let shown = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Some((shown, text)),
        Err(e) => {
            eprintln!("error: 无法读取 {shown}：{e}");
            None
        }
    }
}
