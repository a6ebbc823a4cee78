//! What each fuzz target does with its input, as plain functions: the cargo-fuzz targets in
//! `fuzz_targets/` and the stable regression test `tests/fuzz_regressions.rs` both include this
//! file (`#[path = "../entry.rs"] mod entry;`), so a crash found by the fuzzer replays exactly
//! under `cargo test`. Only `formlint` and `std` may be used here (no libfuzzer).
//!
//! A panic anywhere is a finding: the engine promises never to panic on bad input, and the
//! properties asserted below (formatter round-trip, idempotence) panic when violated.
#![allow(dead_code)]

use formlint::lang::fmt::{ast_dump, format_rules, FmtError};
use formlint::lang::{Overrides, SourceFile};
use formlint::pack::Pack;
use formlint::report::FileReport;
use formlint::report::{render_human, HumanOptions};
use formlint::run::{check_file, CheckOptions};
use std::sync::OnceLock;

/// A correct canonical form (the seed's P3), for running fuzzed rules and configs on.
const FORM: &str = include_str!("../tests/fixtures/cli/warnings-only.yaml");

/// The embedded default pack, loaded once per process.
pub fn pack() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| {
        formlint::pack::load(&formlint::pack::embedded(), "<embedded>/")
            .expect("the embedded default pack loads")
    })
}

/// One file through the whole pipeline, then rendered as the CLI's human report (snippets
/// included), which must not panic either. `check_file` catches a panic and reports it as an
/// X015 finding (so one file never stops a batch); here that finding is a failure.
fn check_named(name: &str, data: &[u8]) {
    let checked = check_file(pack(), name, data, &CheckOptions::default());
    if let Some(f) = checked
        .report
        .findings
        .iter()
        .find(|f| f.code == formlint::codes::INTERNAL.code)
    {
        panic!("{} ({name}): {}", f.code, f.message);
    }
    let _ = render_human(&checked.report, &checked.sheets, &HumanOptions::default());
}

/// For the fuzz targets (called from their `init`): libFuzzer's panic hook aborts on every
/// panic, even one the engine catches on purpose. One kind is by design and not a finding: a
/// panic inside calamine that `read::xlsx::guarded_read` turns into "damaged file" (X001).
/// Those are let through (they unwind to the guard); every other panic goes on to libFuzzer's
/// hook and is a crash, with the stack at the panic. `FUZZ_ALL_PANICS=1` turns this off.
pub fn install_panic_hook() {
    if std::env::var_os("FUZZ_ALL_PANICS").is_some() {
        return;
    }
    let next = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let ours = info.location().is_none_or(|l| {
            !(l.file().contains("/.cargo/registry/") || l.file().contains("/calamine"))
        });
        if !ours {
            let trace = std::backtrace::Backtrace::force_capture().to_string();
            // The guards of the xlsx, xls and xlsb readers (each turns calamine's panic into X001).
            if trace.contains("guarded_read")
                || trace.contains("read::xls::read_xls")
                || trace.contains("read::xlsb::read_xlsb")
            {
                return;
            }
        }
        next(info);
    }));
}

/// `check_xlsx`: the bytes as an .xlsx workbook.
pub fn check_xlsx(data: &[u8]) {
    check_named("fuzz.xlsx", data);
}

/// `check_sniffed`: the bytes as standard input without a name, so their content alone picks
/// the reader (xls and its compound file, xlsb, ods, and the formats above).
pub fn check_sniffed(data: &[u8]) {
    check_named("-", data);
}

/// `check_csv`: the bytes as a .csv file (encoding detected).
pub fn check_csv(data: &[u8]) {
    check_named("fuzz.csv", data);
}

/// `check_canonical`: the bytes as a canonical form document, `.json` when it starts with `{`
/// or `[` (after white space), `.yaml` otherwise, so corpus files are plain documents.
pub fn check_canonical(data: &[u8]) {
    let first = data.iter().find(|b| !b.is_ascii_whitespace());
    let name = match first {
        Some(b'{' | b'[') => "fuzz.json",
        _ => "fuzz.yaml",
    };
    check_named(name, data);
}

/// `rules`: the text as a rule file.
///
/// - Parsing never panics. If it parses, formatting must succeed (`format_rules` itself refuses
///   a result that does not parse to the same syntax tree: `FmtError::Internal` is the
///   round-trip property violated), and formatting the result again must change nothing
///   (idempotence). For texts up to 2 KiB (all of them under `cargo test`) the round trip is
///   also checked here, independently: equal [`ast_dump`]s, as `tests/rules_tools.rs` asserts.
///   (Larger texts skip it: the debug dump is the slowest part of an execution.)
/// - The text is compiled as one more rule file of the default pack (a higher layer, so a rule
///   with a code of the pack's replaces it): the checker runs on it, and when it compiles, its
///   rules run on a form and the linter on the program.
pub fn rules(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let name = "fuzz.rules";
    match format_rules(name, text) {
        Err(FmtError::Syntax(_)) => {}
        Err(FmtError::Internal(m)) => panic!("format_rules: internal error: {m}"),
        Ok(once) => {
            if cfg!(test) || text.len() <= 2048 {
                let before = ast_dump(name, text)
                    .unwrap_or_else(|e| panic!("formatted a text that does not parse: {e:?}"));
                let after = ast_dump(name, &once).unwrap_or_else(|e| {
                    panic!("formatted text does not parse: {e:?}\n--- formatted:\n{once}")
                });
                assert_eq!(
                    before, after,
                    "formatting changed the syntax tree\n--- formatted:\n{once}"
                );
            }
            let twice = format_rules(name, &once).unwrap_or_else(|e| {
                panic!("formatting the formatted text failed: {e:?}\n--- formatted:\n{once}")
            });
            assert_eq!(once, twice, "formatting is not idempotent");
        }
    }
    compile_and_run(text);
}

/// `text` (layer 1) compiled on top of the default pack's rule files that declare a `param` or
/// a form-level `let` (layer 0; the other files are left out to keep executions fast), checked
/// against the pack's layout.
fn compile_and_run(text: &str) {
    static BASE: OnceLock<Vec<(SourceFile, usize)>> = OnceLock::new();
    let base = BASE.get_or_init(|| {
        let files = formlint::pack::embedded();
        let declares = |t: &str| {
            t.lines()
                .any(|l| l.starts_with("param ") || l.starts_with("let "))
        };
        pack()
            .manifest
            .rules
            .iter()
            .map(|r| r.value.as_str())
            .filter(|r| declares(&files[*r]))
            .map(|r| (SourceFile::new(&format!("<embedded>/{r}"), &files[r]), 0))
            .collect()
    });
    let mut sources = base.clone();
    sources.push((SourceFile::new("fuzz.rules", text), 1));
    let schema = pack().layout.schema();
    let Ok(program) = formlint::lang::compile_layers(
        &sources,
        &schema,
        pack().program.units().clone(),
        &Overrides::default(),
    ) else {
        return;
    };
    let _ = program.lint(&schema);
    for (form, _) in form_of_fixture() {
        let _ = program.check(form);
    }
}

fn form_of_fixture() -> &'static [(formlint::form::Form, Vec<formlint::finding::Finding>)] {
    static FORMS: OnceLock<Vec<(formlint::form::Form, Vec<formlint::finding::Finding>)>> =
        OnceLock::new();
    FORMS.get_or_init(|| {
        formlint::__fuzz::canonical_forms(FORM, pack()).expect("the fixture form reads")
    })
}

/// `value`: the text as an indicator value. The first line is a target (年度指标值), the rest,
/// if any, an actual value (实际完成值); both are read and compared as rule `met()` does.
pub fn value(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    formlint::__fuzz::value(text, pack());
}

/// `config`: the text as `formlint.toml`; when it parses, it is applied to the findings of a
/// checked form and asked for its unused suppressions.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(s) = formlint::config::parse("formlint.toml", text) else {
        return;
    };
    let _ = s.rules();
    static REPORT: OnceLock<FileReport> = OnceLock::new();
    let report = REPORT.get_or_init(|| {
        check_file(
            pack(),
            "P3-贸易摩擦应对事务.yaml",
            FORM.as_bytes(),
            &CheckOptions::default(),
        )
        .report
    });
    let mut r = report.clone();
    s.apply(&mut r);
    let _ = s.unused();
}
