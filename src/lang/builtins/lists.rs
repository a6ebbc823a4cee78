//! Builtins over numbers, lists and text: `sum`, `count`, `distinct`, `len`, `row` …

use super::Args;
use super::{note_overflow, CallCtx, Overflow};
use crate::lang::val::{equal, Val, V};
use crate::value;
use rust_decimal::Decimal;
use std::sync::Arc;

pub(super) fn one<'f>(mut args: Args<'f>) -> Val<'f> {
    args.swap_remove(0)
}

pub(super) fn list<'f>(v: &Val<'f>) -> Result<Arc<Vec<Val<'f>>>, String> {
    match &v.v {
        V::List(l) => Ok(l.clone()),
        V::Null => Ok(Arc::new(Vec::new())),
        _ => Err(format!("需要列表，得到 {}", v.display())),
    }
}

/// The numbers of a list (or of several arguments), skipping nulls; `None` when one of them is
/// text filed where a number belongs, since then the result is unknown.
pub(super) fn nums<'f>(args: &[Val<'f>]) -> Option<Vec<Decimal>> {
    let items: &[Val<'f>] = match args {
        [one] => list_or_single(one),
        _ => args,
    };
    if items.iter().any(|v| matches!(v.v, V::Invalid(_))) {
        return None;
    }
    Some(items.iter().filter_map(|v| v.as_num()).collect())
}

/// The items of a list, or the value itself as the one item of a list (borrowed, not copied).
pub(super) fn list_or_single<'v, 'f>(v: &'v Val<'f>) -> &'v [Val<'f>] {
    match &v.v {
        V::List(l) => l.as_slice(),
        _ => std::slice::from_ref(v),
    }
}

pub(super) fn blank<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let v = one(args);
    Ok(Val::bool(match &v.v {
        V::Null => true,
        V::Text(t) => t.trim().is_empty(),
        V::List(l) => l.is_empty(),
        _ => false,
    }))
}

pub(super) fn is_number<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(Val::bool(one(args).as_num().is_some()))
}

pub(super) fn round<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let dp = args
        .get(1)
        .and_then(|d| d.as_num())
        .and_then(|d| u32::try_from(d.trunc().mantissa()).ok())
        .unwrap_or(2);
    Ok(match args[0].as_num() {
        Some(d) => Val::num(value::round_half_up(d, dp)),
        None => Val::null(),
    })
}

pub(super) fn fixed<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let dp = args[1]
        .as_num()
        .and_then(|d| u32::try_from(d.trunc().mantissa()).ok())
        .unwrap_or(2);
    Ok(match args[0].as_num() {
        Some(d) => {
            let mut r = value::round_half_up(d, dp);
            r.rescale(dp);
            Val::text(&r.to_string())
        }
        None => Val::null(),
    })
}

pub(super) fn abs<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(args[0]
        .as_num()
        .map(|d| Val::num(d.abs()))
        .unwrap_or_else(Val::null))
}

pub(super) fn min<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(nums(&args)
        .and_then(|n| n.into_iter().min())
        .map(Val::num)
        .unwrap_or_else(Val::null))
}

pub(super) fn max<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(nums(&args)
        .and_then(|n| n.into_iter().max())
        .map(Val::num)
        .unwrap_or_else(Val::null))
}

pub(super) fn sum<'f>(ctx: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let Some(n) = nums(&args) else {
        return Ok(Val::null());
    };
    Ok(
        match n
            .into_iter()
            .try_fold(Decimal::ZERO, |a, x| a.checked_add(x))
        {
            Some(total) => Val::num(total),
            None => {
                note_overflow(ctx.overflow, &args, Overflow::Sum);
                Val::null()
            }
        },
    )
}

pub(super) fn count<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(Val::num(Decimal::from(
        list(&args[0])?.iter().filter(|v| !v.is_null()).count(),
    )))
}

pub(super) fn any<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(Val::bool(
        list(&args[0])?.iter().any(|v| v.as_bool() == Some(true)),
    ))
}

pub(super) fn all<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(Val::bool(
        list(&args[0])?.iter().all(|v| v.as_bool() == Some(true)),
    ))
}

pub(super) fn first<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(list(&args[0])?
        .iter()
        .find(|v| !v.is_null())
        .cloned()
        .unwrap_or_else(Val::null))
}

pub(super) fn distinct<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let mut out: Vec<Val<'f>> = Vec::new();
    for v in list(&args[0])?.iter() {
        if !out.iter().any(|o| equal(o, v)) {
            out.push(v.clone());
        }
    }
    Ok(Val::of(V::List(Arc::new(out))))
}

pub(super) fn len<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let v = one(args);
    Ok(match &v.v {
        V::Text(t) => Val::num(Decimal::from(t.chars().count())),
        V::List(l) => Val::num(Decimal::from(l.len())),
        _ => Val::null(),
    })
}

pub(super) fn keys<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(match &one(args).v {
        V::Map(entries) => Val::of(V::List(Arc::new(
            entries.iter().map(|(k, _)| Val::text(k)).collect(),
        ))),
        _ => Val::null(),
    })
}

pub(super) fn values<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(match &one(args).v {
        V::Map(entries) => Val::of(V::List(Arc::new(
            entries.iter().map(|(_, v)| v.clone()).collect(),
        ))),
        _ => Val::null(),
    })
}

pub(super) fn contains<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(match (args[0].as_text(), args[1].as_text()) {
        (Some(a), Some(b)) => Val::bool(a.contains(b)),
        _ => Val::null(),
    })
}

pub(super) fn name<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(match &args[0].name {
        Some(n) => Val::text(n),
        None => Val::null(),
    })
}

pub(super) fn row<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let v = &args[0];
    let line = match (&v.v, v.at) {
        (V::Row(r), _) => r.line,
        (_, Some(crate::form::Place::Cell(c))) => Some(c.row),
        _ => None,
    };
    Ok(line
        .map(|l| Val::num(Decimal::from(l + 1)))
        .unwrap_or_else(Val::null))
}
