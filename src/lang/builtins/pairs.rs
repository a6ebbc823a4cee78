//! Builtins of cross-check packs (docs/target-catalogue.md §3): pairing a self-evaluation
//! with its declaration (`pairs`), matching their indicators (`match_rows`), comparing two
//! targets (`same_target`, `easier`), and asking what a form's own pack reported (`reported`).
//! What is compared and reported stays in the pack's rule files.

use super::lists::list;
use super::text::{dice_of, normalised};
use super::values::parsed;
use super::Args;
use super::CallCtx;
use crate::form::{FieldValue, FiledForm, Row};
use crate::lang::types::Ty;
use crate::lang::val::{Val, V};
use crate::value::{convert, days_in_month, Comparator, Parsed, Quantity, Units};
use rust_decimal::Decimal;
use std::sync::Arc;

/// The fields of a record a builtin returns, with their types, for the checker.
pub(crate) fn record_fields(record: &str) -> Vec<(&'static str, Ty)> {
    let form = |k: &str| Ty::Form(k.to_string());
    match record {
        "配对" => vec![
            ("自评表", form("自评表")),
            ("申报表", form("申报表")),
            ("候选", Ty::List(Box::new(form("申报表")))),
            ("状态", Ty::Text),
        ],
        "指标对" => vec![
            ("自评", Ty::Any),
            ("申报", Ty::Any),
            ("方式", Ty::Text),
            ("相似度", Ty::Num),
            ("候选", Ty::AnyList),
        ],
        _ => Vec::new(),
    }
}

fn record<'f>(fields: Vec<(&str, Val<'f>)>) -> Val<'f> {
    Val::of(V::Map(Arc::new(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )))
}

fn list_of<'f>(items: Vec<Val<'f>>) -> Val<'f> {
    Val::of(V::List(Arc::new(items)))
}

fn forms<'f>(v: &Val<'f>) -> Result<Vec<&'f FiledForm>, String> {
    Ok(list(v)?
        .iter()
        .filter_map(|x| match x.v {
            V::Form(f) => Some(f),
            _ => None,
        })
        .collect())
}

fn field_text(f: &FiledForm, name: &str) -> String {
    match f.form.fields.get(name).map(|x| &x.value) {
        Some(FieldValue::Text(t)) => normalised(t),
        Some(FieldValue::Number(n)) => n.normalize().to_string(),
        _ => String::new(),
    }
}

/// `pairs(自评表, 申报表, 键, 区分键, 提示阈值)`: for each self-evaluation, its declaration by
/// the normalised key field (§3.1); several candidates are narrowed by the tie-break field; a
/// declaration claimed by two self-evaluations pairs with neither. Each record says 状态
/// (`配对`, `无`, `歧义`); for `无`, 候选 are the declarations whose key is within 提示阈值.
pub(super) fn pairs<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let selfs = forms(&args[0])?;
    let decls = forms(&args[1])?;
    let key = args[2].as_text().unwrap_or("项目名称").to_string();
    let tie = args[3].as_text().unwrap_or("实施单位").to_string();
    let hint = args[4].as_num().unwrap_or(Decimal::new(8, 1));
    let mut found: Vec<(Vec<&FiledForm>, bool)> = Vec::new();
    for s in &selfs {
        let k = field_text(s, &key);
        let mut cands: Vec<&FiledForm> = decls
            .iter()
            .copied()
            .filter(|d| !k.is_empty() && field_text(d, &key) == k)
            .collect();
        if cands.len() > 1 {
            let t = field_text(s, &tie);
            let narrowed: Vec<&FiledForm> = cands
                .iter()
                .copied()
                .filter(|d| t.is_empty() || field_text(d, &tie) == t)
                .collect();
            if !narrowed.is_empty() {
                cands = narrowed;
            }
        }
        if cands.is_empty() {
            let near: Vec<&FiledForm> = decls
                .iter()
                .copied()
                .filter(|d| !k.is_empty() && dice_of(&k, &field_text(d, &key)) >= hint)
                .collect();
            found.push((near, false));
        } else {
            found.push((cands, true));
        }
    }
    let claimed = |d: &FiledForm| {
        found
            .iter()
            .filter(|(c, same)| *same && c.len() == 1 && std::ptr::eq(c[0], d))
            .count()
    };
    let out = selfs
        .iter()
        .zip(&found)
        .map(|(s, (cands, same))| {
            let status = match (same, cands.len()) {
                (false, _) => "无",
                (true, 1) if claimed(cands[0]) == 1 => "配对",
                _ => "歧义",
            };
            let decl = match status {
                "配对" => Val::of(V::Form(cands[0])),
                _ => Val::null(),
            };
            record(vec![
                ("自评表", Val::of(V::Form(s))),
                ("申报表", decl),
                (
                    "候选",
                    list_of(cands.iter().map(|d| Val::of(V::Form(d))).collect()),
                ),
                ("状态", Val::text(status)),
            ])
        })
        .collect();
    Ok(list_of(out))
}

fn rows<'f>(v: &Val<'f>) -> Result<Vec<Val<'f>>, String> {
    Ok(list(v)?
        .iter()
        .filter(|x| matches!(x.v, V::Row(_)))
        .cloned()
        .collect())
}

fn row_of<'a>(v: &Val<'a>) -> &'a Row {
    match v.v {
        V::Row(r) => r,
        _ => unreachable!("rows() keeps rows only"),
    }
}

fn cell_text(r: &Row, column: &str) -> String {
    match r.cells.get(column).map(|c| &c.value) {
        Some(FieldValue::Text(t)) | Some(FieldValue::Invalid(t)) => t.trim().to_string(),
        _ => String::new(),
    }
}

/// A row's dimension: its 二级指标 looked up in the pack's table (with or without `指标`).
fn dimension(r: &Row, table: &Val) -> String {
    let level2 = cell_text(r, "二级指标");
    let look = |k: &str| match &table.v {
        V::Map(entries) => entries
            .iter()
            .find(|(n, _)| n == k)
            .and_then(|(_, v)| v.as_text().map(str::to_string)),
        _ => None,
    };
    look(&level2)
        .or_else(|| look(&format!("{level2}指标")))
        .unwrap_or(level2)
}

/// What a self-evaluation row was matched to: the declared row, how, the score, the rivals.
type Matched = (Option<usize>, &'static str, Decimal, Vec<usize>);

/// `match_rows(自评行, 申报行, 维度, 阈值, 差距)`: the indicator rows of two forms matched one
/// to one in row order (§3.2): `相同` (same dimension and normalised text), `移动` (same text,
/// another dimension), `近似` (same dimension, Dice ≥ 阈值 and ahead of every other candidate
/// of either row by 差距), `歧义` (a near match without that lead: 候选 holds the rivals), then
/// `新增` (a self-evaluation row with none) and `删除` (a declared row with none).
pub(super) fn match_rows<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let s = rows(&args[0])?;
    let d = rows(&args[1])?;
    let threshold = args[3].as_num().unwrap_or(Decimal::new(75, 2));
    let margin = args[4].as_num().unwrap_or(Decimal::new(10, 2));
    let info = |v: &Val| {
        let r = row_of(v);
        (
            dimension(r, &args[2]),
            normalised(&cell_text(r, "三级指标")),
        )
    };
    let si: Vec<(String, String)> = s.iter().map(info).collect();
    let di: Vec<(String, String)> = d.iter().map(info).collect();
    let mut got: Vec<Option<Matched>> = vec![None; s.len()];
    let mut used = vec![false; d.len()];
    let mut rival = vec![false; d.len()];
    for exact in [true, false] {
        for (i, (dim, text)) in si.iter().enumerate() {
            if got[i].is_some() || text.is_empty() {
                continue;
            }
            let hit =
                (0..d.len()).find(|&j| !used[j] && di[j].1 == *text && (di[j].0 == *dim) == exact);
            if let Some(j) = hit {
                used[j] = true;
                got[i] = Some((
                    Some(j),
                    if exact { "相同" } else { "移动" },
                    Decimal::ONE,
                    Vec::new(),
                ));
            }
        }
    }
    let mut near: Vec<(usize, usize, Decimal)> = Vec::new();
    for (i, (dim, text)) in si.iter().enumerate() {
        for (j, (ddim, dtext)) in di.iter().enumerate() {
            if got[i].is_none() && !used[j] && dim == ddim && !text.is_empty() {
                let score = dice_of(text, dtext).round_dp(2);
                if score >= threshold {
                    near.push((i, j, score));
                }
            }
        }
    }
    let mut order = near.clone();
    order.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    for &(i, j, score) in &order {
        if got[i].is_some() || used[j] {
            continue;
        }
        let rivals_of = |i: usize| -> Vec<usize> {
            near.iter()
                .filter(|(a, _, _)| *a == i)
                .map(|(_, b, _)| *b)
                .collect()
        };
        if rival[j] {
            // a declared row already in a tie: this row competes for it too
            let rivals = rivals_of(i);
            for &r in &rivals {
                rival[r] = true;
            }
            got[i] = Some((None, "歧义", score, rivals));
            continue;
        }
        let others: Vec<&(usize, usize, Decimal)> = near
            .iter()
            .filter(|(a, b, _)| (*a == i) != (*b == j) && (*a == i || *b == j))
            .collect();
        if others.iter().all(|(_, _, o)| score - *o >= margin) {
            used[j] = true;
            got[i] = Some((Some(j), "近似", score, Vec::new()));
        } else {
            let rivals = rivals_of(i);
            for &r in &rivals {
                rival[r] = true;
            }
            got[i] = Some((None, "歧义", score, rivals));
        }
    }
    let mut out = Vec::new();
    for (i, g) in got.iter().enumerate() {
        let (decl, how, score, rivals) = match g {
            Some((j, how, score, rivals)) => (
                j.map(|j| d[j].clone()),
                *how,
                Val::num(*score),
                rivals.clone(),
            ),
            None => (None, "新增", Val::null(), Vec::new()),
        };
        out.push(record(vec![
            ("自评", s[i].clone()),
            ("申报", decl.unwrap_or_else(Val::null)),
            ("方式", Val::text(how)),
            ("相似度", score),
            (
                "候选",
                list_of(rivals.iter().map(|&j| d[j].clone()).collect()),
            ),
        ]));
    }
    for (j, row) in d.iter().enumerate() {
        if !used[j] && !rival[j] {
            out.push(record(vec![
                ("自评", Val::null()),
                ("申报", row.clone()),
                ("方式", Val::text("删除")),
                ("相似度", Val::null()),
                ("候选", list_of(Vec::new())),
            ]));
        }
    }
    Ok(list_of(out))
}

/// The last day a date or date bound allows, as `YYYYMMDD`.
fn day(p: &Parsed) -> Option<i64> {
    match p {
        Parsed::DateBound { year, month, day } | Parsed::Date { year, month, day } => {
            let d = day.unwrap_or_else(|| days_in_month(*year, *month));
            Some(i64::from(*year) * 10000 + i64::from(*month) * 100 + i64::from(d))
        }
        _ => None,
    }
}

/// The comparator as targets mean it: none written is `=`.
fn comparator(q: &Quantity) -> Comparator {
    q.cmp.unwrap_or(Comparator::Eq)
}

/// `b`'s amount in `a`'s unit (a bare number on either side takes the other's).
fn amounts(a: &Quantity, b: &Quantity, units: &Units) -> Option<(Decimal, Decimal)> {
    match (&a.unit, &b.unit) {
        (Some(u), Some(_)) => Some((a.amount, convert(b, u, units)?)),
        _ => Some((a.amount, b.amount)),
    }
}

/// Whether two targets say the same thing once parsed (§3.3, clarification 4).
pub(crate) fn same(a: &Parsed, b: &Parsed, units: &Units) -> bool {
    match (a, b) {
        (Parsed::Quantity(x), Parsed::Quantity(y)) => {
            comparator(x) == comparator(y)
                && (x.unit.is_some() == y.unit.is_some())
                && amounts(x, y, units).is_some_and(|(p, q)| p == q)
        }
        (Parsed::Words(x), Parsed::Words(y)) => normalised(x) == normalised(y),
        _ => match (day(a), day(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

#[derive(PartialEq)]
enum Way {
    Up,
    Down,
}

fn way(c: Comparator, amount: Decimal) -> Way {
    match c {
        Comparator::Ge | Comparator::Gt => Way::Up,
        Comparator::Le | Comparator::Lt => Way::Down,
        Comparator::Eq if amount.is_zero() => Way::Down,
        Comparator::Eq => Way::Up,
    }
}

/// Whether the self-evaluation's target `a` is easier than the declared `b` (§3.3): in the
/// same unit and direction an up bound went down or a down bound up, a deadline moved later,
/// or a quantity or date became words.
pub(crate) fn is_easier(a: &Parsed, b: &Parsed, units: &Units) -> bool {
    match (a, b) {
        (Parsed::Words(_), Parsed::Quantity(q)) => q.unit.is_some(),
        (Parsed::Words(_), _) => day(b).is_some(),
        (Parsed::Quantity(x), Parsed::Quantity(y)) => {
            let declared = way(comparator(y), y.amount);
            let own = match x.cmp {
                None | Some(Comparator::Eq) => &declared,
                Some(c) => &way(c, x.amount),
            };
            if *own != declared {
                return false;
            }
            match amounts(y, x, units) {
                Some((want, have)) => match declared {
                    Way::Up => have < want,
                    Way::Down => have > want,
                },
                None => false,
            }
        }
        _ => match (day(a), day(b)) {
            (Some(x), Some(y)) => x > y,
            _ => false,
        },
    }
}

pub(super) fn same_target<'f>(ctx: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(match (parsed(&args[0]), parsed(&args[1])) {
        (Some(a), Some(b)) => Val::bool(same(a, b, ctx.units)),
        _ => Val::null(),
    })
}

pub(super) fn easier<'f>(ctx: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(match (parsed(&args[0]), parsed(&args[1])) {
        (Some(a), Some(b)) => Val::bool(is_easier(a, b, ctx.units)),
        _ => Val::null(),
    })
}

/// `reported(表, "U001")`, `reported(表, "T003", r.指标值)`: whether the form's own pack
/// reported that code (at that value's cell).
pub(super) fn reported<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let V::Form(f) = args[0].v else {
        return Ok(Val::null());
    };
    let Some(code) = args[1].as_text() else {
        return Ok(Val::null());
    };
    let at = args.get(2).map(|v| v.at.map(|p| p.local()));
    Ok(Val::bool(f.reported.iter().any(|(c, place)| {
        c == code
            && match at {
                None => true,
                Some(None) => false,
                Some(Some(want)) => place.as_ref() == Some(want),
            }
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse;

    fn units() -> Units {
        let mut u = Units::new();
        for w in ["场次", "场", "期", "万元", "元", "万", "%", "人次"] {
            u.add_unit(w);
        }
        u.add_alias("万", "万元");
        u.add_alias("场", "场次");
        u.add_scale("万元", Decimal::from(10000), "元");
        u.set_money_base("元");
        u
    }

    #[test]
    fn the_same_target_whatever_the_spelling() {
        let u = units();
        let p = |t: &str| parse(t, &u);
        for (a, b) in [
            ("＞95%", "> 95%"),
            ("≤30万", "≤30万元"),
            ("=100%", "100%"),
            ("2020年12月前", "2020年12月底前"),
            ("2020年12月", "2020年12月前"),
        ] {
            assert!(same(&p(a), &p(b), &u), "{a} / {b}");
        }
        for (a, b) in [
            ("≤300万元", "=300万元"),
            ("=6期", "≥6期"),
            ("效果显著", "较为显著"),
        ] {
            assert!(!same(&p(a), &p(b), &u), "{a} / {b}");
        }
    }

    #[test]
    fn easier_is_a_lower_floor_a_higher_ceiling_a_later_deadline_or_words() {
        let u = units();
        let e = |a: &str, b: &str| is_easier(&parse(a, &u), &parse(b, &u), &u);
        assert!(e("≥6场次", "≥15场次"));
        assert!(e("2020年8月前", "2020年6月前"));
        assert!(e("≤40万元", "≤30万元"));
        assert!(e("按计划完成", "≥15场次"));
        assert!(!e("≥6期", "=6期"));
        assert!(!e("=300万元", "≤300万元"));
        assert!(!e("≥20场次", "≥15场次"));
        assert!(!e("较为显著", "效果显著"));
        assert!(!e("≤15场次", "≥15场次"));
    }
}
