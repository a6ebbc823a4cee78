//! The functions rules may call. Each entry documents itself; `formlint` lists them in the
//! language reference and the checker uses their arity and types.

use crate::form::Place;
use crate::lang::types::Ty;
use crate::lang::val::{equal, Val, V};
use crate::value::{self, Comparator, Parsed, Units};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// What a function call may use besides its arguments.
pub struct CallCtx<'u> {
    /// The pack's units (aliases, scales, money base).
    pub units: &'u Units,
    /// Values already parsed while checking this form, by text: the rules of a pack parse the
    /// same target and actual values many times, and parsing is the costliest builtin.
    pub parsed: &'u RefCell<HashMap<String, Arc<Parsed>>>,
    /// Where arithmetic went out of `Decimal`'s range on this form (the operands' cells, or
    /// `None` for computed operands): the result is unknown, and the form gets an X013 there.
    pub overflow: &'u RefCell<Vec<Option<Place>>>,
}

/// How arithmetic overflowed, which decides which operands are to blame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// A sum: only the operands large enough to cause it (of `n` terms each below
    /// `Decimal::MAX / n`, no sum overflows), so ordinary cells of the column stay unblamed.
    Sum,
    /// A product or quotient: every operand read from a cell.
    Product,
}

/// Records that arithmetic on `args` overflowed: the cells they (or their list items) came
/// from, or the form itself when none was read from a cell.
pub fn note_overflow(sink: &RefCell<Vec<Option<Place>>>, args: &[Val<'_>], how: Overflow) {
    let mut items: Vec<&Val<'_>> = Vec::new();
    for a in args {
        match &a.v {
            V::List(list) => items.extend(list.iter()),
            _ => items.push(a),
        }
    }
    let numbers = items.iter().filter(|v| v.as_num().is_some()).count().max(1);
    let large = Decimal::MAX / Decimal::from(numbers);
    let mut sink = sink.borrow_mut();
    let before = sink.len();
    for v in items {
        let blamed = match how {
            Overflow::Sum => v.as_num().is_some_and(|x| x.abs() >= large),
            Overflow::Product => true,
        };
        if blamed {
            sink.extend(v.at.cloned().map(Some));
        }
    }
    if sink.len() == before {
        sink.push(None);
    }
}

/// A function's implementation.
pub type Imp = for<'f> fn(&CallCtx, Vec<Val<'f>>) -> Result<Val<'f>, String>;

/// A built-in function: its name, how many arguments it takes, its types and its documentation.
pub struct Builtin {
    /// Name as written in rules.
    pub name: &'static str,
    /// Fewest arguments.
    pub min: usize,
    /// Most arguments (`usize::MAX` for any number).
    pub max: usize,
    /// Argument types, the last repeated for extra arguments.
    pub args: &'static [Ty],
    /// Result type.
    pub ret: Ty,
    /// One line for the language reference.
    pub doc: &'static str,
    /// The implementation.
    pub imp: Imp,
}

const ANY: Ty = Ty::Any;
const NUM: Ty = Ty::Num;
const TEXT: Ty = Ty::Text;
const LIST: Ty = Ty::AnyList;
const VALUE: Ty = Ty::Parsed;

/// Every built-in function.
pub static BUILTINS: &[Builtin] = &[
    Builtin {
        name: "blank",
        min: 1,
        max: 1,
        args: &[ANY],
        ret: Ty::Bool,
        doc: "是否为空：空单元格、空白文字或 null。blank(x)",
        imp: blank,
    },
    Builtin {
        name: "is_number",
        min: 1,
        max: 1,
        args: &[ANY],
        ret: Ty::Bool,
        doc: "是否为数字。is_number(x)",
        imp: is_number,
    },
    Builtin {
        name: "round",
        min: 1,
        max: 2,
        args: &[NUM, NUM],
        ret: NUM,
        doc: "四舍五入（half-up），默认 2 位小数。round(x, 2)",
        imp: round,
    },
    Builtin {
        name: "fixed",
        min: 2,
        max: 2,
        args: &[NUM, NUM],
        ret: TEXT,
        doc: "四舍五入后按固定小数位显示：fixed(80.6, 2) = \"80.60\"",
        imp: fixed,
    },
    Builtin {
        name: "abs",
        min: 1,
        max: 1,
        args: &[NUM],
        ret: NUM,
        doc: "绝对值。abs(x)",
        imp: abs,
    },
    Builtin {
        name: "min",
        min: 1,
        max: usize::MAX,
        args: &[ANY],
        ret: NUM,
        doc: "最小值（列表或多个参数，忽略空值）",
        imp: min,
    },
    Builtin {
        name: "max",
        min: 1,
        max: usize::MAX,
        args: &[ANY],
        ret: NUM,
        doc: "最大值（列表或多个参数，忽略空值）",
        imp: max,
    },
    Builtin {
        name: "sum",
        min: 1,
        max: 1,
        args: &[LIST],
        ret: NUM,
        doc: "求和（忽略空值；有一项是填在数字栏里的文字时结果为 null）。sum(r.分值 for r in 指标)",
        imp: sum,
    },
    Builtin {
        name: "count",
        min: 1,
        max: 1,
        args: &[LIST],
        ret: NUM,
        doc: "非空元素个数。count(r for r in 指标 where …)",
        imp: count,
    },
    Builtin {
        name: "any",
        min: 1,
        max: 1,
        args: &[LIST],
        ret: Ty::Bool,
        doc: "是否有一个为真",
        imp: any,
    },
    Builtin {
        name: "all",
        min: 1,
        max: 1,
        args: &[LIST],
        ret: Ty::Bool,
        doc: "是否全部为真",
        imp: all,
    },
    Builtin {
        name: "first",
        min: 1,
        max: 1,
        args: &[LIST],
        ret: Ty::Elem,
        doc: "第一个非空元素，没有则为 null",
        imp: first,
    },
    Builtin {
        name: "distinct",
        min: 1,
        max: 1,
        args: &[LIST],
        ret: Ty::Same,
        doc: "去重（保留第一次出现及其单元格）",
        imp: distinct,
    },
    Builtin {
        name: "len",
        min: 1,
        max: 1,
        args: &[ANY],
        ret: NUM,
        doc: "文字的字数或列表的长度",
        imp: len,
    },
    Builtin {
        name: "contains",
        min: 2,
        max: 2,
        args: &[TEXT, TEXT],
        ret: Ty::Bool,
        doc: "文字是否包含另一段文字。contains(r.三级指标, \"资金\")",
        imp: contains,
    },
    Builtin {
        name: "name",
        min: 1,
        max: 1,
        args: &[ANY],
        ret: TEXT,
        doc: "值所在的字段或列名（如 \"得分\"）",
        imp: name,
    },
    Builtin {
        name: "row",
        min: 1,
        max: 1,
        args: &[ANY],
        ret: NUM,
        doc: "值或行所在的表格行号（从 1 起）",
        imp: row,
    },
    Builtin {
        name: "value",
        min: 1,
        max: 1,
        args: &[ANY],
        ret: VALUE,
        doc: "按指标值语法解读文字：≥25人次、≤5.6万元、2020年12月底前、有效保障",
        imp: parse_value,
    },
    Builtin {
        name: "kind",
        min: 1,
        max: 1,
        args: &[VALUE],
        ret: TEXT,
        doc: "解读结果的种类：\"数量\"、\"期限\"、\"日期\"、\"文字\"",
        imp: kind,
    },
    Builtin {
        name: "cmp",
        min: 1,
        max: 1,
        args: &[VALUE],
        ret: TEXT,
        doc: "比较符：\"=\"、\"≥\"、\">\"、\"≤\"、\"<\"，没有则为 null",
        imp: cmp,
    },
    Builtin {
        name: "amount",
        min: 1,
        max: 1,
        args: &[VALUE],
        ret: NUM,
        doc: "数量的数值（不换算单位）",
        imp: amount,
    },
    Builtin {
        name: "unit",
        min: 1,
        max: 1,
        args: &[VALUE],
        ret: TEXT,
        doc: "数量的单位（规范名），无单位为 null",
        imp: unit,
    },
    Builtin {
        name: "met",
        min: 2,
        max: 2,
        args: &[VALUE, VALUE],
        ret: Ty::Bool,
        doc: "实际值是否达到指标值：met(指标值, 完成值)；无法比较为 null",
        imp: met,
    },
    Builtin {
        name: "measure",
        min: 2,
        max: 2,
        args: &[VALUE, VALUE],
        ret: NUM,
        doc: "把完成值换算到指标值的单位：measure(完成值, 指标值)；无单位的完成值按指标值的单位",
        imp: measure,
    },
    Builtin {
        name: "is_money",
        min: 1,
        max: 1,
        args: &[VALUE],
        ret: Ty::Bool,
        doc: "数量的单位是否为金额（可换算为元）",
        imp: is_money,
    },
    Builtin {
        name: "money",
        min: 1,
        max: 1,
        args: &[VALUE],
        ret: NUM,
        doc: "金额换算为基本货币单位（元）；不是金额为 null",
        imp: money,
    },
    Builtin {
        name: "to_base",
        min: 2,
        max: 2,
        args: &[NUM, TEXT],
        ret: NUM,
        doc: "把数额从给定单位换算为基本单位：to_base(5.6, \"万元\") = 56000",
        imp: to_base,
    },
];

/// Looks a function up by name.
pub fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}

fn one<'f>(mut args: Vec<Val<'f>>) -> Val<'f> {
    args.swap_remove(0)
}

fn list<'f>(v: &Val<'f>) -> Result<Arc<Vec<Val<'f>>>, String> {
    match &v.v {
        V::List(l) => Ok(l.clone()),
        V::Null => Ok(Arc::new(Vec::new())),
        _ => Err(format!("需要列表，得到 {}", v.display())),
    }
}

/// The numbers of a list (or of several arguments), skipping nulls; `None` when one of them is
/// text filed where a number belongs, since then the result is unknown.
fn nums<'f>(args: &[Val<'f>]) -> Option<Vec<Decimal>> {
    let items: Vec<Val<'f>> = if args.len() == 1 {
        list_or_single(&args[0])
    } else {
        args.to_vec()
    };
    if items.iter().any(|v| matches!(v.v, V::Invalid(_))) {
        return None;
    }
    Some(items.iter().filter_map(|v| v.as_num()).collect())
}

fn list_or_single<'f>(v: &Val<'f>) -> Vec<Val<'f>> {
    match &v.v {
        V::List(l) => l.to_vec(),
        _ => vec![v.clone()],
    }
}

fn blank<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    let v = one(args);
    Ok(Val::bool(match &v.v {
        V::Null => true,
        V::Text(t) => t.trim().is_empty(),
        V::List(l) => l.is_empty(),
        _ => false,
    }))
}

fn is_number<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(Val::bool(one(args).as_num().is_some()))
}

fn round<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
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

fn fixed<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
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

fn abs<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(args[0]
        .as_num()
        .map(|d| Val::num(d.abs()))
        .unwrap_or_else(Val::null))
}

fn min<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(nums(&args)
        .and_then(|n| n.into_iter().min())
        .map(Val::num)
        .unwrap_or_else(Val::null))
}

fn max<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(nums(&args)
        .and_then(|n| n.into_iter().max())
        .map(Val::num)
        .unwrap_or_else(Val::null))
}

fn sum<'f>(ctx: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    let Some(n) = nums(&args) else {
        return Ok(Val::null());
    };
    Ok(
        match n.into_iter().try_fold(Decimal::ZERO, |a, x| a.checked_add(x)) {
            Some(total) => Val::num(total),
            None => {
                note_overflow(ctx.overflow, &args, Overflow::Sum);
                Val::null()
            }
        },
    )
}

fn count<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(Val::num(Decimal::from(
        list(&args[0])?.iter().filter(|v| !v.is_null()).count(),
    )))
}

fn any<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(Val::bool(
        list(&args[0])?.iter().any(|v| v.as_bool() == Some(true)),
    ))
}

fn all<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(Val::bool(
        list(&args[0])?.iter().all(|v| v.as_bool() == Some(true)),
    ))
}

fn first<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(list(&args[0])?
        .iter()
        .find(|v| !v.is_null())
        .cloned()
        .unwrap_or_else(Val::null))
}

fn distinct<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    let mut out: Vec<Val<'f>> = Vec::new();
    for v in list(&args[0])?.iter() {
        if !out.iter().any(|o| equal(o, v)) {
            out.push(v.clone());
        }
    }
    Ok(Val::of(V::List(Arc::new(out))))
}

fn len<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    let v = one(args);
    Ok(match &v.v {
        V::Text(t) => Val::num(Decimal::from(t.chars().count())),
        V::List(l) => Val::num(Decimal::from(l.len())),
        _ => Val::null(),
    })
}

fn contains<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(match (args[0].as_text(), args[1].as_text()) {
        (Some(a), Some(b)) => Val::bool(a.contains(b)),
        _ => Val::null(),
    })
}

fn name<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(match &args[0].name {
        Some(n) => Val::text(n),
        None => Val::null(),
    })
}

fn row<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
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

fn parse_value<'f>(ctx: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    let v = one(args);
    let text = match &v.v {
        V::Text(t) => t.to_string(),
        V::Num(d) => d.normalize().to_string(),
        V::Parsed(_) => return Ok(v),
        _ => return Ok(Val::null()),
    };
    let known = ctx.parsed.borrow().get(&text).cloned();
    let parsed = match known {
        Some(p) => p,
        None => {
            let p = Arc::new(value::parse(&text, ctx.units));
            ctx.parsed.borrow_mut().insert(text, Arc::clone(&p));
            p
        }
    };
    Ok(Val {
        v: V::Parsed(parsed),
        at: v.at,
        name: v.name,
    })
}

fn parsed<'a>(v: &'a Val) -> Option<&'a Parsed> {
    match &v.v {
        V::Parsed(p) => Some(p),
        _ => None,
    }
}

fn quantity<'a>(v: &'a Val) -> Option<&'a value::Quantity> {
    match parsed(v)? {
        Parsed::Quantity(q) => Some(q),
        _ => None,
    }
}

fn kind<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(match parsed(&args[0]) {
        Some(Parsed::Quantity(_)) => Val::text("数量"),
        Some(Parsed::DateBound { .. }) => Val::text("期限"),
        Some(Parsed::Date { .. }) => Val::text("日期"),
        Some(Parsed::Words(_)) => Val::text("文字"),
        None => Val::null(),
    })
}

/// The comparator as written in messages.
pub fn cmp_symbol(c: Comparator) -> &'static str {
    match c {
        Comparator::Eq => "=",
        Comparator::Ge => "≥",
        Comparator::Gt => ">",
        Comparator::Le => "≤",
        Comparator::Lt => "<",
    }
}

fn cmp<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(quantity(&args[0])
        .and_then(|q| q.cmp)
        .map(|c| Val::text(cmp_symbol(c)))
        .unwrap_or_else(Val::null))
}

fn amount<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(quantity(&args[0])
        .map(|q| Val::num(q.amount))
        .unwrap_or_else(Val::null))
}

fn unit<'f>(_: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(quantity(&args[0])
        .and_then(|q| q.unit.as_deref())
        .map(Val::text)
        .unwrap_or_else(Val::null))
}

fn met<'f>(ctx: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(match (parsed(&args[0]), parsed(&args[1])) {
        (Some(t), Some(a)) => value::met(t, a, ctx.units)
            .map(Val::bool)
            .unwrap_or_else(Val::null),
        _ => Val::null(),
    })
}

fn measure<'f>(ctx: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(match (quantity(&args[0]), quantity(&args[1])) {
        (Some(a), Some(t)) => value::comparable(t, a, ctx.units)
            .map(|(_, a)| Val::num(a))
            .unwrap_or_else(Val::null),
        _ => Val::null(),
    })
}

fn is_money<'f>(ctx: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(Val::bool(
        quantity(&args[0])
            .and_then(|q| q.unit.as_deref())
            .is_some_and(|u| ctx.units.is_money(u)),
    ))
}

fn money<'f>(ctx: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(match quantity(&args[0]) {
        Some(q) => match q.unit.as_deref() {
            Some(u) if ctx.units.is_money(u) => {
                let (factor, _) = ctx.units.base(u);
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

fn to_base<'f>(ctx: &CallCtx, args: Vec<Val<'f>>) -> Result<Val<'f>, String> {
    Ok(match (args[0].as_num(), args[1].as_text()) {
        (Some(d), Some(u)) => {
            let (factor, _) = ctx.units.base(u.trim());
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
pub fn parsed_display(p: &Parsed) -> String {
    match p {
        Parsed::Quantity(q) => format!(
            "{}{}{}",
            q.cmp.map(cmp_symbol).unwrap_or(""),
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
