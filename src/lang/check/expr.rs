//! Typing expressions: names, columns, function calls and operators, each checked against the
//! layout's schema and the built-in functions' signatures.

use super::{kind_ty, Scope};
use crate::diag::DiagKind;
use crate::lang::ast::*;
use crate::lang::builtins;
use crate::lang::types::Ty;
use crate::text::did_you_mean;

impl Scope<'_, '_> {
    pub(super) fn expect(&mut self, e: &Expr, want: &Ty) -> Ty {
        let t = self.expr(e);
        if !t.fits(want) {
            self.error(
                DiagKind::Type,
                e.span,
                format!("这里需要{want}，但表达式是{t} (type mismatch)"),
                &format!("应为{want}"),
                None,
            );
        }
        t
    }

    /// The type of an expression, reporting every mistake in it: an arm per expression kind,
    /// the longer ones in helpers below.
    pub(super) fn expr(&mut self, e: &Expr) -> Ty {
        match &e.kind {
            ExprKind::Number(_) => Ty::Num,
            ExprKind::Text(t) => {
                self.template(t);
                Ty::Text
            }
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::Null => Ty::Any,
            ExprKind::Var(n, _) => self.var(n),
            ExprKind::List(items) => {
                let t = self.join_all(items.iter());
                Ty::List(Box::new(t))
            }
            ExprKind::Map(entries) => self.map(entries),
            ExprKind::Comprehension(c) => self.comprehension(c),
            ExprKind::Member(base, field, _) => {
                let bt = self.expr(base);
                self.member(&bt, field)
            }
            ExprKind::Index(base, index) => self.index(base, index),
            ExprKind::Call(name, args, _) => self.call(name, args),
            ExprKind::Neg(x) => {
                self.expect(x, &Ty::Num);
                Ty::Num
            }
            ExprKind::Not(x) => {
                self.expect(x, &Ty::Bool);
                Ty::Bool
            }
            ExprKind::If(c, a, b) => {
                self.expect(c, &Ty::Bool);
                let at = self.expr(a);
                let bt = self.expr(b);
                at.join(&bt)
            }
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b),
        }
    }

    /// A name: a local, a parameter, a let or a field or table of the layout; an unknown one is
    /// reported with the nearest known name.
    fn var(&mut self, n: &Name) -> Ty {
        if let Some(t) = self.lookup(&n.text) {
            return t;
        }
        let mut names: Vec<String> = self.checker.globals.keys().cloned().collect();
        names.extend(self.locals.iter().map(|(n, _)| n.clone()));
        let help = did_you_mean(&n.text, names.iter().map(|s| s.as_str()))
            .map(|s| format!("是不是“{s}”？"));
        self.error(
            DiagKind::UnknownName,
            n.span,
            format!("未知名称“{}” (unknown name)", n.text),
            "未定义",
            help.or_else(|| Some("名称须是参数、let 定义、循环变量，或版式中的字段和表".into())),
        );
        Ty::Any
    }

    /// The join of the types of `items` (any, when there are none).
    fn join_all<'e>(&mut self, items: impl Iterator<Item = &'e Expr>) -> Ty {
        let mut t: Option<Ty> = None;
        for i in items {
            let it = self.expr(i);
            t = Some(match t {
                None => it,
                Some(prev) => prev.join(&it),
            });
        }
        t.unwrap_or(Ty::Any)
    }

    /// `{key: value, …}`: a map of the values' joined type; a key given twice is reported.
    fn map(&mut self, entries: &[(Name, Expr)]) -> Ty {
        let mut t: Option<Ty> = None;
        for (k, v) in entries {
            if entries.iter().filter(|(o, _)| o.text == k.text).count() > 1 {
                self.error(
                    DiagKind::DuplicateKey,
                    k.span,
                    format!("键“{}”重复", k.text),
                    "重复",
                    None,
                );
            }
            let vt = self.expr(v);
            t = Some(match t {
                None => vt,
                Some(prev) => prev.join(&vt),
            });
        }
        Ty::Map(Box::new(t.unwrap_or(Ty::Any)))
    }

    /// `[body for var in list if filter]`: `var` is bound to the list's element type for the
    /// filter and the body.
    fn comprehension(&mut self, c: &Comprehension) -> Ty {
        let lt = self.expr(&c.list);
        let elem = lt.elem().unwrap_or_else(|| {
            self.error(
                DiagKind::Type,
                c.list.span,
                format!("for 需要一个列表，这里是{lt}"),
                "不是列表",
                None,
            );
            Ty::Any
        });
        let depth = self.locals.len();
        self.bind(&c.var, elem);
        if let Some(f) = &c.filter {
            self.expect(f, &Ty::Bool);
        }
        let body = self.expr(&c.body);
        self.locals.truncate(depth);
        Ty::List(Box::new(body))
    }

    /// `base[index]`: a map by text, a list by number, a row by a literal column name.
    fn index(&mut self, base: &Expr, index: &Expr) -> Ty {
        let bt = self.expr(base);
        let it = self.expr(index);
        match &bt {
            Ty::Map(v) => {
                if !it.fits(&Ty::Text) {
                    self.error(
                        DiagKind::Type,
                        index.span,
                        format!("对照表的键须是文字，这里是{it}"),
                        "应为文字",
                        None,
                    );
                }
                (**v).clone()
            }
            Ty::List(v) => {
                self.expect(index, &Ty::Num);
                (**v).clone()
            }
            Ty::Row(_) => {
                if let ExprKind::Text(t) = &index.kind {
                    if let Some(col) = t.literal() {
                        return self.member(
                            &bt,
                            &Name {
                                text: col,
                                span: index.span,
                            },
                        );
                    }
                }
                Ty::Any
            }
            Ty::Any => Ty::Any,
            other => {
                self.error(
                    DiagKind::Type,
                    base.span,
                    format!("{other}不能用 […] 取值"),
                    "不能取值",
                    None,
                );
                Ty::Any
            }
        }
    }

    fn member(&mut self, base: &Ty, field: &Name) -> Ty {
        match base {
            Ty::Form(kind) => {
                let schema = self.checker.schema.forms.get(kind);
                if let Some(k) = schema.and_then(|s| s.fields.get(&field.text)) {
                    return kind_ty(*k);
                }
                if schema.is_some_and(|s| s.tables.contains_key(&field.text)) {
                    return Ty::List(Box::new(Ty::Row(format!("{kind}.{}", field.text))));
                }
                let names: Vec<String> = schema
                    .map(|s| s.fields.keys().chain(s.tables.keys()).cloned().collect())
                    .unwrap_or_default();
                let help = did_you_mean(&field.text, names.iter().map(|s| s.as_str()))
                    .map(|s| format!("是不是“{s}”？"));
                self.error(
                    DiagKind::UnknownField,
                    field.span,
                    format!("{kind}没有“{}”这一项 (unknown field)", field.text),
                    "未知项",
                    help,
                );
                Ty::Any
            }
            Ty::Record(r) => {
                let fields = builtins::record_fields(r);
                if let Some((_, t)) = fields.iter().find(|(n, _)| *n == field.text) {
                    return t.clone();
                }
                {
                    let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
                    self.error(
                        DiagKind::UnknownField,
                        field.span,
                        format!("“{r}”记录没有“{}” (unknown field)", field.text),
                        "未知字段",
                        Some(format!("可用：{}", names.join("、"))),
                    );
                    Ty::Any
                }
            }
            Ty::Row(table) => {
                let cols = self.checker.schema.columns(table);
                match cols.and_then(|c| c.get(&field.text)) {
                    Some(k) => kind_ty(*k),
                    None => {
                        let names: Vec<String> = cols
                            .map(|c| c.keys().cloned().collect())
                            .unwrap_or_default();
                        let help = did_you_mean(&field.text, names.iter().map(|s| s.as_str()))
                            .map(|s| format!("是不是“{s}”？"))
                            .unwrap_or_else(|| format!("“{table}”表的列有：{}", names.join("、")));
                        self.error(
                            DiagKind::UnknownField,
                            field.span,
                            format!("“{table}”表没有“{}”这一列 (unknown column)", field.text),
                            "未知列",
                            Some(help),
                        );
                        Ty::Any
                    }
                }
            }
            Ty::Map(v) => (**v).clone(),
            Ty::Any => Ty::Any,
            other => {
                self.error(
                    DiagKind::Type,
                    field.span,
                    format!("{other}没有字段“{}” (not a row)", field.text),
                    "不能取字段",
                    Some("只有表的一行（如 for r in 指标 中的 r）和对照表可以用 .名称 取值".into()),
                );
                Ty::Any
            }
        }
    }

    fn call(&mut self, name: &Name, args: &[Expr]) -> Ty {
        let arg_tys: Vec<Ty> = args.iter().map(|a| self.expr(a)).collect();
        let Some(b) = builtins::find(&name.text) else {
            let help = did_you_mean(&name.text, builtins::BUILTINS.iter().map(|b| b.name))
                .map(|s| format!("是不是 {s}()？"));
            self.error(
                DiagKind::UnknownFunction,
                name.span,
                format!("未知函数“{}” (unknown function)", name.text),
                "未知函数",
                help.or_else(|| Some("可用的函数见 docs/rule-language.md".into())),
            );
            return Ty::Any;
        };
        if args.len() < b.min || args.len() > b.max {
            let want = if b.min == b.max {
                b.min.to_string()
            } else if b.max == usize::MAX {
                format!("至少 {}", b.min)
            } else {
                format!("{}–{}", b.min, b.max)
            };
            self.error(
                DiagKind::Arity,
                name.span,
                format!(
                    "{}() 需要 {want} 个参数，这里给了 {} 个 (wrong number of arguments)",
                    b.name,
                    args.len()
                ),
                "参数个数不对",
                Some(b.doc.to_string()),
            );
            return Ty::Any;
        }
        for (i, (a, t)) in args.iter().zip(&arg_tys).enumerate() {
            let want = b.args.get(i).or(b.args.last()).cloned().unwrap_or(Ty::Any);
            if !t.fits(&want) {
                self.error(
                    DiagKind::Type,
                    a.span,
                    format!(
                        "{}() 的第 {} 个参数需要{want}，这里是{t} (type mismatch)",
                        b.name,
                        i + 1
                    ),
                    &format!("应为{want}"),
                    Some(b.doc.to_string()),
                );
            }
        }
        match &b.ret {
            Ty::Elem => arg_tys.first().and_then(|t| t.elem()).unwrap_or(Ty::Any),
            Ty::Same => arg_tys.first().cloned().unwrap_or(Ty::Any),
            t => t.clone(),
        }
    }

    fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr) -> Ty {
        match op {
            BinOp::And | BinOp::Or => {
                self.expect(a, &Ty::Bool);
                self.expect(b, &Ty::Bool);
                Ty::Bool
            }
            BinOp::Coalesce => {
                let at = self.expr(a);
                let bt = self.expr(b);
                at.join(&bt)
            }
            BinOp::Eq | BinOp::Ne => {
                self.expr(a);
                self.expr(b);
                Ty::Bool
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                if self.percent_comparison(a, b) {
                    return Ty::Bool;
                }
                self.expect(a, &Ty::Num);
                self.expect(b, &Ty::Num);
                Ty::Bool
            }
            BinOp::In | BinOp::NotIn => {
                self.expr(a);
                let bt = self.expr(b);
                if !matches!(bt, Ty::List(_) | Ty::Map(_) | Ty::Any | Ty::AnyList) {
                    self.error(
                        DiagKind::Type,
                        b.span,
                        format!("in 的右边须是列表或对照表，这里是{bt}"),
                        "不是列表",
                        None,
                    );
                }
                Ty::Bool
            }
            BinOp::Add => {
                let at = self.expr(a);
                let bt = self.expr(b);
                match (&at, &bt) {
                    (Ty::List(_), _) | (_, Ty::List(_)) => at.join(&bt),
                    _ => {
                        for (e, t) in [(a, &at), (b, &bt)] {
                            if !t.fits(&Ty::Num) {
                                self.error(
                                    DiagKind::Type,
                                    e.span,
                                    format!("不能对{t}做加法 (arithmetic on {t})"),
                                    "应为数字",
                                    None,
                                );
                            }
                        }
                        Ty::Num
                    }
                }
            }
            BinOp::Sub | BinOp::Mul | BinOp::Div => {
                for e in [a, b] {
                    let t = self.expr(e);
                    if !t.fits(&Ty::Num) {
                        self.error(
                            DiagKind::Type,
                            e.span,
                            format!(
                                "不能对{t}做 {} 运算 (arithmetic needs numbers)",
                                op.symbol()
                            ),
                            "应为数字",
                            None,
                        );
                    }
                }
                Ty::Num
            }
        }
    }

    /// Whether `e` is a number literal written as a percent (`90%`, `90％`).
    fn is_percent_literal(&self, e: &Expr) -> bool {
        matches!(e.kind, ExprKind::Number(_))
            && self
                .file
                .text
                .get(e.span.start..e.span.end)
                .is_some_and(|t| t.trim_end().ends_with(['%', '％']))
    }

    /// A comparison with a percent literal, as the filer reads it: an indicator value
    /// (`value("85%") < 90%`) compares as written and is accepted here; `amount(…)` of a
    /// percent is the number as written (85), so comparing it with `90%` (0.9) would never
    /// hold: refused with the forms that work. `true` when one side is a percent literal:
    /// the comparison is then checked here.
    fn percent_comparison(&mut self, a: &Expr, b: &Expr) -> bool {
        let (other, literal) = if self.is_percent_literal(b) {
            (a, b)
        } else if self.is_percent_literal(a) {
            (b, a)
        } else {
            return false;
        };
        if matches!(&other.kind, ExprKind::Call(f, _, _) if f.text == "amount") {
            self.error(
                DiagKind::Type,
                other.span,
                "amount(…) 是按表中写法的数（“85%”的 amount 是 85），不能与百分数比较：永远不会成立 (amount vs a percent literal)".into(),
                "与百分数比较",
                Some(format!(
                    "直接比较指标值：value(…) < {lit}；或与写法一致的数比较：amount(…) < {n}",
                    lit = self.file.text.get(literal.span.start..literal.span.end).unwrap_or("90%"),
                    n = match &literal.kind {
                        ExprKind::Number(d) => d.checked_mul(rust_decimal::Decimal::ONE_HUNDRED).map_or_else(|| "90".into(), |n| n.normalize().to_string()),
                        _ => "90".into(),
                    }
                )),
            );
            return true;
        }
        // the other side is typed once here (not again by the caller)
        let t = self.expr(other);
        if t != Ty::Parsed && !t.fits(&Ty::Num) {
            self.error(
                DiagKind::Type,
                other.span,
                format!("这里需要数字或指标值，但表达式是{t} (type mismatch)"),
                "应为数字",
                None,
            );
        }
        true
    }
}
