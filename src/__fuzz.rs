//! Fuzzing entry points into private parts of the engine (the value grammar, the canonical
//! reader). `fuzz/entry.rs` calls these; nothing else should.

use crate::finding::Finding;
use crate::form::Form;
use crate::pack::Pack;
use crate::value::{self, Parsed};

/// The text as an indicator value: the first line a target (年度指标值), the rest, if any, an
/// actual value (实际完成值); both are read, compared as `met()` does, rounded and converted.
/// Must not panic.
pub fn value(text: &str, pack: &Pack) {
    let u = pack.program.units();
    let (t, a) = text.split_once('\n').unwrap_or((text, text));
    let target = value::parse(t, u);
    let actual = value::parse(a, u);
    let _ = value::met(&target, &actual, u);
    let _ = (target.quantity(), actual.quantity());
    for p in [&target, &actual] {
        if let Parsed::Quantity(q) = p {
            let _ = value::round_half_up(q.amount, 2);
            for unit in ["元", "万元", "%", "人次"] {
                let _ = value::convert(q, unit, u);
            }
        }
    }
    if let (Parsed::Quantity(tq), Parsed::Quantity(aq)) = (&target, &actual) {
        let _ = value::comparable(tq, aq, u);
    }
    for line in [t, a] {
        if let Some(d) = value::parse_number(line) {
            let _ = value::round_half_up(d, 2);
        }
        let _: String = line.chars().map(crate::text::half_width).collect();
    }
}

/// The forms of a canonical YAML/JSON document under the pack's layout, with the reader's
/// findings.
pub fn canonical_forms(text: &str, pack: &Pack) -> Result<Vec<(Form, Vec<Finding>)>, String> {
    crate::extract::read_canonical(text, &pack.layout).map_err(|e| e.to_string())
}
