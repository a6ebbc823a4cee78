//! Builtins over parsed cell values (the value grammar): `value`, `cmp`, `amount`, `unit`,
//! `met`, `measure`, `money` …

use super::lists::one;
use super::Args;
use super::{note_overflow, CallCtx, Overflow};
use crate::lang::val::{Val, V};
use crate::value::{self, Comparator, Parsed};
use std::sync::Arc;

pub(super) fn parse_value<'f>(ctx: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    let v = one(args);
    let number;
    let text: &str = match &v.v {
        V::Text(t) => t,
        V::Num(d) => {
            number = d.normalize().to_string();
            &number
        }
        V::Parsed(_) => return Ok(v),
        _ => return Ok(Val::null()),
    };
    // looked up by the text itself: a copy is made only for a text not parsed yet
    let known = ctx.parsed.borrow().get(text).cloned();
    let parsed = match known {
        Some(p) => p,
        None => {
            let p = Arc::new(value::parse(text, ctx.units));
            ctx.parsed
                .borrow_mut()
                .insert(text.to_string(), Arc::clone(&p));
            p
        }
    };
    Ok(Val {
        v: V::Parsed(parsed),
        at: v.at,
        name: v.name,
    })
}

pub(super) fn parsed<'a>(v: &'a Val) -> Option<&'a Parsed> {
    match &v.v {
        V::Parsed(p) => Some(p),
        _ => None,
    }
}

pub(super) fn quantity<'a>(v: &'a Val) -> Option<&'a value::Quantity> {
    parsed(v)?.quantity()
}

pub(super) fn kind<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(match parsed(&args[0]) {
        Some(Parsed::Quantity(_)) => Val::word("数量"),
        Some(Parsed::DateBound { .. }) => Val::word("期限"),
        Some(Parsed::Date { .. }) => Val::word("日期"),
        Some(Parsed::Words(_)) => Val::word("文字"),
        None => Val::null(),
    })
}

pub(super) fn cmp<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(quantity(&args[0])
        .and_then(|q| q.cmp)
        .map(|c| Val::word(c.symbol()))
        .unwrap_or_else(Val::null))
}

pub(super) fn amount<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(quantity(&args[0])
        .map(|q| Val::num(q.amount))
        .unwrap_or_else(Val::null))
}

pub(super) fn unit<'f>(_: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(quantity(&args[0])
        .and_then(|q| q.unit.as_deref())
        .map(Val::text)
        .unwrap_or_else(Val::null))
}

pub(super) fn met<'f>(ctx: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(match (parsed(&args[0]), parsed(&args[1])) {
        (Some(t), Some(a)) => value::met(t, a, ctx.units)
            .map(Val::bool)
            .unwrap_or_else(Val::null),
        _ => Val::null(),
    })
}

pub(super) fn measure<'f>(ctx: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(match (quantity(&args[0]), quantity(&args[1])) {
        (Some(a), Some(t)) => value::comparable(t, a, ctx.units)
            .map(|(_, a)| Val::num(a))
            .unwrap_or_else(Val::null),
        _ => Val::null(),
    })
}

pub(super) fn is_money<'f>(ctx: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(Val::bool(
        quantity(&args[0])
            .and_then(|q| q.unit.as_deref())
            .is_some_and(|u| ctx.units.is_money(u)),
    ))
}

pub(super) fn money<'f>(ctx: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(match quantity(&args[0]) {
        Some(q) => match q.unit.as_deref() {
            Some(u) if ctx.units.is_money(u) => {
                let (factor, _) = ctx.units.base_cow(u);
                match q.amount.checked_mul(factor) {
                    Some(m) => Val::num(m),
                    None => {
                        note_overflow(ctx.overflow, &args, Overflow::Product);
                        Val::null()
                    }
                }
            }
            _ => Val::null(),
        },
        None => Val::null(),
    })
}

pub(super) fn to_base<'f>(ctx: &CallCtx, args: Args<'f>) -> Result<Val<'f>, String> {
    Ok(match (args[0].as_num(), args[1].as_text()) {
        (Some(d), Some(u)) => {
            let (factor, _) = ctx.units.base_cow(u.trim());
            match d.checked_mul(factor) {
                Some(m) => Val::num(m),
                None => {
                    note_overflow(ctx.overflow, &args, Overflow::Product);
                    Val::null()
                }
            }
        }
        _ => Val::null(),
    })
}

/// How a parsed value reads in a message.
pub(crate) fn parsed_display(p: &Parsed) -> String {
    match p {
        Parsed::Quantity(q) => format!(
            "{}{}{}",
            q.cmp.map(Comparator::symbol).unwrap_or(""),
            q.amount.normalize(),
            q.unit.as_deref().unwrap_or("")
        ),
        Parsed::DateBound { year, month, day } => match day {
            Some(d) => format!("{year}年{month}月{d}日前"),
            None => format!("{year}年{month}月前"),
        },
        Parsed::Date { year, month, day } => match day {
            Some(d) => format!("{year}年{month}月{d}日"),
            None => format!("{year}年{month}月"),
        },
        Parsed::Words(w) => w.clone(),
    }
}
