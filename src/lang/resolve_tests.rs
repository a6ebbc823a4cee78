//! Slots change nothing a rule reads: every fixture, checked with the shipped packs compiled
//! with slots and compiled without (every name searched as before, and none of the shortcuts
//! that need slots taken: cells compared in place, `first` and `any` stopped at the row that
//! decides them), gives
//! the same findings, the cross-check of the seed forms against their declarations included.

use crate::lang::ast::{walk_expr, ExprKind, VarSlot};
use crate::pack::{self, Pack};
use crate::run::{self, CheckOptions};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Set while a pack is compiled to leave every name unresolved (the search path). Global, not
/// per thread: a pack is compiled on a big-stack thread of its own (`depth::with_stack`). A
/// test compiling at the same time gets a program that searches, which reads the same.
pub(super) static UNRESOLVED: AtomicBool = AtomicBool::new(false);

/// Held by each test here, so that one's packs compiled without slots are not the other's.
static SERIAL: Mutex<()> = Mutex::new(());

thread_local! {
    /// Scope slots that did not hold their name while rules ran (`Program::run`).
    pub(crate) static SLOT_MISSES: Cell<u32> = const { Cell::new(0) };
    /// `first` and `any` calls over rows stopped at the row that decides them
    /// (`Env::stop_early`).
    pub(crate) static STOPPED: Cell<u32> = const { Cell::new(0) };
}

fn load(name: &str, unresolved: bool) -> Pack {
    UNRESOLVED.store(unresolved, Ordering::SeqCst);
    let files = pack::embedded_pack(name).expect("embedded pack");
    let pack = pack::load(&files, &format!("<embedded>/{name}/")).expect("pack loads");
    UNRESOLVED.store(false, Ordering::SeqCst);
    pack
}

/// Every fixture file (sorted), as (path, bytes).
fn fixtures() -> Vec<(String, Vec<u8>)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().to_lowercase();
            [
                ".xlsx", ".xls", ".xlsb", ".ods", ".csv", ".tsv", ".yaml", ".json",
            ]
            .iter()
            .any(|x| name.ends_with(x))
        })
        .map(|e| {
            let path = e.path().strip_prefix(root).unwrap_or(e.path());
            let bytes = std::fs::read(e.path()).expect("fixture");
            (path.to_string_lossy().into_owned(), bytes)
        })
        .collect();
    out.sort();
    out
}

/// The findings of each fixture and of the cross-check, as text, with packs compiled one way.
fn run_all(unresolved: bool) -> Vec<String> {
    let cross = load("crosscheck-2020", unresolved);
    let central = load("central-2020", unresolved);
    let sides: Vec<&Pack> = cross.sides.iter().collect();
    let opts = CheckOptions::default();
    let mut out = Vec::new();
    let mut filed = Vec::new();
    for (path, bytes) in fixtures() {
        for packs in [sides.as_slice(), &[&central]] {
            let Ok(input) = run::read_input(&path, &bytes, &opts) else {
                continue;
            };
            let checked = run::check_input_with(packs, &path, input);
            out.push(format!("{path}: {:?}", checked.report.findings));
            if packs.len() == 2 && (path.starts_with("seed/") || path.starts_with("declarations/"))
            {
                filed.extend(crate::crosscheck::filed(&checked.report, &checked.forms));
            }
        }
    }
    assert!(
        filed.len() >= 16,
        "{} forms for the cross-check",
        filed.len()
    );
    for (file, f) in crate::crosscheck::check(&cross, &filed) {
        out.push(format!("cross-check {file}: {f:?}"));
    }
    out
}

#[test]
fn slots_give_the_findings_names_searched_give() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    SLOT_MISSES.with(|m| m.set(0));
    STOPPED.with(|m| m.set(0));
    let with = run_all(false);
    // the resolver's stack is the evaluator's: no slot fell back to the search
    assert_eq!(SLOT_MISSES.with(Cell::get), 0, "scope slots missed");
    // and the shortcuts that need slots were taken (compared below with the general path)
    let stopped = STOPPED.with(Cell::get);
    assert!(
        stopped > 1000,
        "{stopped} first() or any() over rows stopped"
    );
    let without = run_all(true);
    assert_eq!(
        STOPPED.with(Cell::get),
        stopped,
        "a shortcut taken without slots"
    );
    assert!(with.len() > 300, "{} results", with.len());
    assert!(with.iter().any(|l| l.starts_with("cross-check")));
    assert_eq!(with.len(), without.len());
    for (a, b) in with.iter().zip(&without) {
        assert_eq!(a, b);
    }
}

/// The shipped packs' names are resolved: loop variables and `let`s to scope positions, form
/// fields and tables to form slots; nothing is left to the search.
#[test]
fn shipped_names_get_slots() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for name in pack::embedded_names() {
        let pack = load(name, false);
        let (mut scope, mut form, mut searched) = (0, 0, Vec::new());
        let mut count = |e: &crate::lang::ast::Expr| {
            if let ExprKind::Var(n, slot) = &e.kind {
                match slot {
                    VarSlot::Scope(_) => scope += 1,
                    VarSlot::Form(_) => form += 1,
                    VarSlot::Unresolved => searched.push(n.text.clone()),
                }
            }
        };
        for rule in pack.program.rules() {
            for check in &rule.checks {
                for stmt in &check.stmts {
                    crate::lang::lint::stmt_exprs(stmt, &mut |e| walk_expr(e, &mut count));
                }
            }
        }
        // a cross-check pack reads forms only through the lists it is given
        let forms_read = if pack.sides.is_empty() { 3 } else { 0 };
        assert!(
            scope > 10 && form >= forms_read,
            "{name}: {scope} scope, {form} form slots"
        );
        assert!(
            searched.is_empty(),
            "{name}: searched by name: {searched:?}"
        );
    }
}
