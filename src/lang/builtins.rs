//! The functions rules may call. Each entry documents itself; `formlint` lists them in the
//! language reference and the checker uses their arity and types.

use crate::form::Place;
use crate::lang::types::Ty;
use crate::lang::val::{Val, V};
use crate::value::{Parsed, Units};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::sync::Arc;

/// `value()`'s memo of one form, by cell text. Its keys are short texts, looked up tens of
/// thousands of times a batch: foldhash, not the default SipHash.
pub(crate) type ParsedMemo =
    std::collections::HashMap<String, Arc<Parsed>, foldhash::fast::RandomState>;

/// What a function call may use besides its arguments.
pub(crate) struct CallCtx<'u> {
    /// The pack's units (aliases, scales, money base).
    pub units: &'u Units,
    /// Values already parsed while checking this form, by text: the rules of a pack parse the
    /// same target and actual values many times, and parsing is the costliest builtin.
    pub parsed: &'u RefCell<ParsedMemo>,
    /// Where arithmetic went out of `Decimal`'s range on this form (the operands' cells, or
    /// `None` for computed operands): the result is unknown, and the form gets an X013 there.
    pub overflow: &'u RefCell<Vec<Option<Place>>>,
}

/// How arithmetic overflowed, which decides which operands are to blame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overflow {
    /// A sum: only the operands large enough to cause it (of `n` terms each below
    /// `Decimal::MAX / n`, no sum overflows), so ordinary cells of the column stay unblamed.
    Sum,
    /// A product or quotient: every operand read from a cell.
    Product,
}

/// Records that arithmetic on `args` overflowed: the cells they (or their list items) came
/// from, or the form itself when none was read from a cell.
pub(crate) fn note_overflow(sink: &RefCell<Vec<Option<Place>>>, args: &[Val<'_>], how: Overflow) {
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
/// A call's evaluated arguments: inline for up to three (nearly every call), so a call does not
/// allocate for them.
pub(crate) type Args<'f> = smallvec::SmallVec<[Val<'f>; 3]>;

pub(crate) type Imp = for<'f> fn(&CallCtx, Args<'f>) -> Result<Val<'f>, String>;

/// A built-in function: its name, how many arguments it takes, its types and its documentation.
pub(crate) struct Builtin {
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
use lists::*;
use pairs::*;
use text::*;
pub(crate) use values::parsed_display;
use values::*;

mod lists;
mod pairs;
mod text;
mod values;

pub(crate) use pairs::record_fields;

/// Every builtin, in the order the manual lists them.
pub(crate) static BUILTINS: &[Builtin] = &[
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
        name: "keys",
        min: 1,
        max: 1,
        args: &[ANY],
        ret: LIST,
        doc: "表（{键: 值}）的键，按书写顺序",
        imp: keys,
    },
    Builtin {
        name: "values",
        min: 1,
        max: 1,
        args: &[ANY],
        ret: LIST,
        doc: "表（{键: 值}）的值，按书写顺序：sum(values(一级权重))",
        imp: values,
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
    Builtin {
        name: "last_day",
        min: 1,
        max: 1,
        args: &[VALUE],
        ret: NUM,
        doc: "日期或期限允许的最后一天，写作数字 YYYYMMDD：last_day(value(\"2020年12月前\")) = 20201231",
        imp: last_day,
    },
    Builtin {
        name: "norm",
        min: 1,
        max: 1,
        args: &[ANY],
        ret: TEXT,
        doc: "指标文字规范化：全角转半角、小写、去空白、去末尾“(%)”、去标点引号括号。norm(r.三级指标)",
        imp: norm,
    },
    Builtin {
        name: "dice",
        min: 2,
        max: 2,
        args: &[ANY, ANY],
        ret: NUM,
        doc: "两段文字（先规范化）的相似度：字符二元组的 Dice 系数，0 到 1，保留两位小数。dice(a, b)",
        imp: dice,
    },
    Builtin {
        name: "split",
        min: 2,
        max: 2,
        args: &[ANY, ANY],
        ret: LIST,
        doc: "按分隔符（一个或一组）拆分文字，去掉空段：split(项目期, [\"-\", \"至\"])",
        imp: split,
    },
    Builtin {
        name: "last",
        min: 1,
        max: 1,
        args: &[LIST],
        ret: Ty::Elem,
        doc: "列表最后一个非空元素，没有则为 null。last(list)",
        imp: last,
    },
    Builtin {
        name: "pairs",
        min: 5,
        max: 5,
        args: &[LIST, LIST, TEXT, TEXT, NUM],
        ret: Ty::Records("配对"),
        doc: "配对自评表与申报表（交叉检查规则包）：pairs(自评表, 申报表, 配对键, 区分键, 提示阈值)，每张自评表一条“配对”记录",
        imp: pairs,
    },
    Builtin {
        name: "match_rows",
        min: 5,
        max: 5,
        args: &[LIST, LIST, ANY, NUM, NUM],
        ret: Ty::Records("指标对"),
        doc: "逐行匹配两张表的指标：match_rows(自评行, 申报行, 维度, 阈值, 差距)，每行一条“指标对”记录",
        imp: match_rows,
    },
    Builtin {
        name: "same_target",
        min: 2,
        max: 2,
        args: &[VALUE, VALUE],
        ret: Ty::Bool,
        doc: "两个指标值解析后是否相同：same_target(value(a), value(b))",
        imp: same_target,
    },
    Builtin {
        name: "easier",
        min: 2,
        max: 2,
        args: &[VALUE, VALUE],
        ret: Ty::Bool,
        doc: "目标 a 是否比批复的 b 更容易达到（下限降低、上限提高、期限推迟、改成文字）：easier(value(a), value(b))",
        imp: easier,
    },
    Builtin {
        name: "reported",
        min: 2,
        max: 3,
        args: &[ANY, TEXT, ANY],
        ret: Ty::Bool,
        doc: "该表自己的规则包是否已报告某代码（在某值的单元格）：reported(表, \"U001\")、reported(表, \"T003\", r.指标值)",
        imp: reported,
    },
];

/// Looks a function up by name.
pub(crate) fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}
