//! Checks parsed rule files against the layout's schema before any form is read: unknown names,
//! fields and functions (with "did you mean"), wrong argument counts and types, duplicate codes
//! and names, checks without `at` or `message`. Every mistake is reported, not just the first.

use crate::form::{Kind, Schema};
use crate::lang::ast::*;
use crate::lang::builtins;
use crate::lang::error::{did_you_mean, RuleError, SourceFile};
use crate::lang::types::Ty;
use std::collections::BTreeMap;

/// Collects the checker's findings for one pack.
pub struct Checker<'s> {
    schema: &'s Schema,
    globals: BTreeMap<String, Ty>,
    codes: BTreeMap<String, (SourceFile, Span)>,
    /// Errors found so far.
    pub errors: Vec<RuleError>,
}

struct Scope<'a, 'c> {
    checker: &'a mut Checker<'c>,
    file: &'a SourceFile,
    locals: Vec<(String, Ty)>,
}

fn kind_ty(k: Kind) -> Ty {
    match k {
        Kind::Text | Kind::Words => Ty::Text,
        Kind::Number | Kind::Money => Ty::Num,
    }
}

impl<'s> Checker<'s> {
    /// A checker whose globals are the schema's fields and tables.
    pub fn new(schema: &'s Schema) -> Self {
        let mut globals = BTreeMap::new();
        for (name, kind) in &schema.fields {
            globals.insert(name.clone(), kind_ty(*kind));
        }
        for name in schema.tables.keys() {
            globals.insert(name.clone(), Ty::List(Box::new(Ty::Row(name.clone()))));
        }
        Checker {
            schema,
            globals,
            codes: BTreeMap::new(),
            errors: Vec::new(),
        }
    }

    fn error(
        &mut self,
        file: &SourceFile,
        code: &'static str,
        span: Span,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        self.errors.push(RuleError {
            code,
            message,
            span,
            label: label.to_string(),
            help,
            file: file.clone(),
        });
    }

    /// Declares and checks a `param` or file-level `let`; `params_only` forbids form values.
    pub fn declare(&mut self, file: &SourceFile, p: &Param, params_only: bool) {
        if self.globals.contains_key(&p.name.text) {
            let what = if self.schema.fields.contains_key(&p.name.text)
                || self.schema.tables.contains_key(&p.name.text)
            {
                "与版式中的字段或表同名"
            } else {
                "重复定义"
            };
            self.error(
                file,
                "formlint::rules::duplicate-name",
                p.name.span,
                format!("名称“{}”{what} (name already defined)", p.name.text),
                "重名",
                Some("换一个名称".into()),
            );
            return;
        }
        let ty = {
            let mut scope = Scope {
                checker: self,
                file,
                locals: Vec::new(),
            };
            if params_only {
                scope.constant(&p.value);
            }
            scope.expr(&p.value)
        };
        self.globals.insert(p.name.text.clone(), ty);
    }

    /// Checks a rule: its code is unique, each check has `at` and `message`, every expression types.
    pub fn rule(&mut self, file: &SourceFile, rule: &Rule) {
        if let Some((other_file, other)) = self.codes.get(&rule.code.text) {
            let (line, col) = other_file.line_col(other.start);
            let where_ = format!("{}:{line}:{col}", other_file.name);
            self.error(
                file,
                "formlint::rules::duplicate-code",
                rule.code.span,
                format!("规则代码 {} 重复 (duplicate rule code)", rule.code.text),
                "已在别处使用",
                Some(format!("同一代码已定义于 {where_}；每条规则的代码必须唯一")),
            );
        } else {
            self.codes
                .insert(rule.code.text.clone(), (file.clone(), rule.code.span));
        }
        for (key, _, span) in &rule.meta {
            if rule.meta.iter().filter(|(k, _, _)| k == key).count() > 1 {
                self.error(
                    file,
                    "formlint::rules::duplicate-meta",
                    *span,
                    format!("{key} 写了不止一次"),
                    "重复",
                    None,
                );
            }
        }
        for check in &rule.checks {
            let mut scope = Scope {
                checker: self,
                file,
                locals: Vec::new(),
            };
            scope.check(check, rule);
        }
    }
}

impl Scope<'_, '_> {
    fn error(
        &mut self,
        code: &'static str,
        span: Span,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        let file = self.file;
        self.checker.error(file, code, span, message, label, help);
    }

    fn lookup(&self, name: &str) -> Option<Ty> {
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.clone())
            .or_else(|| self.checker.globals.get(name).cloned())
    }

    fn bind(&mut self, name: &Name, ty: Ty) {
        if self.lookup(&name.text).is_some() {
            self.error(
                "formlint::rules::shadowed-name",
                name.span,
                format!(
                    "名称“{}”已有含义，不能再用作变量 (name already in use)",
                    name.text
                ),
                "换一个变量名",
                None,
            );
        }
        self.locals.push((name.text.clone(), ty));
    }

    /// Params are constants: they may not read the form.
    fn constant(&mut self, e: &Expr) {
        let mut names = Vec::new();
        collect_vars(e, &mut names);
        for n in names {
            let is_form = self.checker.schema.fields.contains_key(&n.text)
                || self.checker.schema.tables.contains_key(&n.text);
            if is_form {
                self.error(
                    "formlint::rules::param-reads-form",
                    n.span,
                    format!("参数不能读取表单内容“{}” (a param is a constant)", n.text),
                    "表单字段",
                    Some("读取表单的值请用 let 定义".into()),
                );
            }
        }
    }

    fn check(&mut self, check: &Check, rule: &Rule) {
        let (mut at, mut message) = (0, 0);
        for stmt in &check.stmts {
            match stmt {
                Stmt::For { var, list, filter } => {
                    let lt = self.expr(list);
                    let elem = match lt.elem() {
                        Some(e) => e,
                        None => {
                            self.error(
                                "formlint::rules::type",
                                list.span,
                                format!("for 需要一个列表或表，这里是{lt} (for needs a list)"),
                                "不是列表",
                                None,
                            );
                            Ty::Any
                        }
                    };
                    self.bind(var, elem);
                    if let Some(f) = filter {
                        self.expect(f, &Ty::Bool);
                    }
                }
                Stmt::Let { var, value } => {
                    let t = self.expr(value);
                    self.bind(var, t);
                }
                Stmt::When(e) => {
                    self.expect(e, &Ty::Bool);
                }
                Stmt::At(e) => {
                    at += 1;
                    self.expr(e);
                }
                Stmt::Related { value, label } => {
                    self.expr(value);
                    if let Some(l) = label {
                        self.template(l);
                    }
                }
                Stmt::Message(t) => {
                    message += 1;
                    self.template(t);
                }
            }
        }
        // point at the rule's code for a rule without `check` blocks, else at the block's start
        let end = if rule.checks.len() == 1
            && check.span.start > rule.code.span.start
            && !self.file.text[check.span.start..].starts_with("check")
        {
            rule.code.span
        } else {
            Span::new(
                check.span.start,
                check.span.start + "check".len().min(check.span.end - check.span.start),
            )
        };
        if at != 1 {
            let msg = if at == 0 {
                "检查缺少 at（发现问题时指向哪个单元格）"
            } else {
                "一个检查只能有一个 at"
            };
            self.error(
                "formlint::rules::at",
                end,
                format!("{msg} (a check needs exactly one `at`)"),
                "此规则的检查",
                None,
            );
        }
        if message != 1 {
            let msg = if message == 0 {
                "检查缺少 message（提示文字）"
            } else {
                "一个检查只能有一个 message"
            };
            self.error(
                "formlint::rules::message",
                end,
                format!("{msg} (a check needs exactly one `message`)"),
                "此规则的检查",
                None,
            );
        }
    }

    fn template(&mut self, t: &Template) {
        for p in &t.parts {
            if let Part::Expr(e) = p {
                self.expr(e);
            }
        }
    }

    fn expect(&mut self, e: &Expr, want: &Ty) -> Ty {
        let t = self.expr(e);
        if !t.fits(want) {
            self.error(
                "formlint::rules::type",
                e.span,
                format!("这里需要{want}，但表达式是{t} (type mismatch)"),
                &format!("应为{want}"),
                None,
            );
        }
        t
    }

    fn expr(&mut self, e: &Expr) -> Ty {
        match &e.kind {
            ExprKind::Number(_) => Ty::Num,
            ExprKind::Text(t) => {
                self.template(t);
                Ty::Text
            }
            ExprKind::Bool(_) => Ty::Bool,
            ExprKind::Null => Ty::Any,
            ExprKind::Var(n) => match self.lookup(&n.text) {
                Some(t) => t,
                None => {
                    let mut names: Vec<String> = self.checker.globals.keys().cloned().collect();
                    names.extend(self.locals.iter().map(|(n, _)| n.clone()));
                    let help = did_you_mean(&n.text, names.iter().map(|s| s.as_str()))
                        .map(|s| format!("是不是“{s}”？"));
                    self.error(
                        "formlint::rules::unknown-name",
                        n.span,
                        format!("未知名称“{}” (unknown name)", n.text),
                        "未定义",
                        help.or_else(|| {
                            Some("名称须是参数、let 定义、循环变量，或版式中的字段和表".into())
                        }),
                    );
                    Ty::Any
                }
            },
            ExprKind::List(items) => {
                let mut t: Option<Ty> = None;
                for i in items {
                    let it = self.expr(i);
                    t = Some(match t {
                        None => it,
                        Some(prev) => prev.join(&it),
                    });
                }
                Ty::List(Box::new(t.unwrap_or(Ty::Any)))
            }
            ExprKind::Map(entries) => {
                let mut t: Option<Ty> = None;
                for (k, v) in entries {
                    if entries.iter().filter(|(o, _)| o.text == k.text).count() > 1 {
                        self.error(
                            "formlint::rules::duplicate-key",
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
            ExprKind::Comprehension(c) => {
                let lt = self.expr(&c.list);
                let elem = lt.elem().unwrap_or_else(|| {
                    self.error(
                        "formlint::rules::type",
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
            ExprKind::Member(base, field) => {
                let bt = self.expr(base);
                self.member(&bt, field)
            }
            ExprKind::Index(base, index) => {
                let bt = self.expr(base);
                let it = self.expr(index);
                match &bt {
                    Ty::Map(v) => {
                        if !it.fits(&Ty::Text) {
                            self.error(
                                "formlint::rules::type",
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
                            "formlint::rules::type",
                            base.span,
                            format!("{other}不能用 […] 取值"),
                            "不能取值",
                            None,
                        );
                        Ty::Any
                    }
                }
            }
            ExprKind::Call(name, args) => self.call(name, args),
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

    fn member(&mut self, base: &Ty, field: &Name) -> Ty {
        match base {
            Ty::Row(table) => {
                let cols = self.checker.schema.tables.get(table);
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
                            "formlint::rules::unknown-field",
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
                    "formlint::rules::type",
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
                "formlint::rules::unknown-function",
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
                "formlint::rules::arity",
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
                    "formlint::rules::type",
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
                self.expect(a, &Ty::Num);
                self.expect(b, &Ty::Num);
                Ty::Bool
            }
            BinOp::In | BinOp::NotIn => {
                self.expr(a);
                let bt = self.expr(b);
                if !matches!(bt, Ty::List(_) | Ty::Map(_) | Ty::Any | Ty::AnyList) {
                    self.error(
                        "formlint::rules::type",
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
                                    "formlint::rules::type",
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
                            "formlint::rules::type",
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
}

fn collect_vars<'e>(e: &'e Expr, out: &mut Vec<&'e Name>) {
    walk_expr(e, &mut |x| {
        if let ExprKind::Var(n) = &x.kind {
            out.push(n);
        }
    });
}
