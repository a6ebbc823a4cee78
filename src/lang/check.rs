//! Checks parsed rule files against the layout's schema before any form is read: unknown names,
//! fields and functions (with "did you mean"), wrong argument counts and types, duplicate codes
//! and names, checks without `at` or `message`. Every mistake is reported, not just the first.

mod expr;

use crate::diag::{DiagKind, Problem, SourceFile};
use crate::form::{Kind, Schema};
use crate::lang::ast::*;
use crate::lang::types::Ty;
use std::collections::BTreeMap;

/// Collects the checker's findings for one pack.
pub(crate) struct Checker<'s> {
    schema: &'s Schema,
    globals: BTreeMap<String, Ty>,
    codes: BTreeMap<String, (SourceFile, Span)>,
    /// Where each `param` / file-level `let` is declared: its file and whole declaration.
    declared: BTreeMap<String, (SourceFile, Span)>,
    /// Errors found so far.
    pub errors: Vec<Problem>,
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
    pub(crate) fn new(schema: &'s Schema) -> Self {
        let mut globals = BTreeMap::new();
        for (name, kind) in &schema.fields {
            globals.insert(name.clone(), kind_ty(*kind));
        }
        for name in schema.tables.keys() {
            globals.insert(name.clone(), Ty::List(Box::new(Ty::Row(name.clone()))));
        }
        for kind in schema.forms.keys() {
            globals.insert(kind.clone(), Ty::List(Box::new(Ty::Form(kind.clone()))));
        }
        Checker {
            schema,
            globals,
            declared: BTreeMap::new(),
            codes: BTreeMap::new(),
            errors: Vec::new(),
        }
    }

    fn error(
        &mut self,
        file: &SourceFile,
        kind: DiagKind,
        span: Span,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        self.errors.push(
            Problem::new(kind, file, Some(span), message)
                .with_label(label)
                .with_help(help),
        );
    }

    /// Declares and checks a `param` or file-level `let`; `params_only` forbids form values.
    pub(crate) fn declare(&mut self, file: &SourceFile, p: &Param, params_only: bool) {
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
                DiagKind::DuplicateName,
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
        self.declared
            .insert(p.name.text.clone(), (file.clone(), p.span));
    }

    /// Checks an `assert`: a condition over params only (true or false), and its message.
    pub(crate) fn assertion(&mut self, file: &SourceFile, a: &Assert) {
        let mut scope = Scope {
            checker: self,
            file,
            locals: Vec::new(),
        };
        scope.constant(&a.cond);
        scope.expect(&a.cond, &Ty::Bool);
        scope.template(&a.message);
    }

    /// Checks a rule: its code is unique, each check has `at` and `message`, every expression types.
    pub(crate) fn rule(&mut self, file: &SourceFile, rule: &Rule) {
        if let Some((other_file, other)) = self.codes.get(&rule.code.text) {
            let message = format!("规则代码 {} 重复 (duplicate rule code)", rule.code.text);
            let p = Problem::new(DiagKind::DuplicateCode, file, Some(rule.code.span), message)
                .with_label("重复的代码");
            let p = if other_file.name == file.name {
                p.also_at(*other, "首次定义于此")
                    .with_help(Some("每条规则的代码必须唯一".into()))
            } else {
                let (line, col) = other_file.line_col(other.start);
                p.with_help(Some(format!(
                    "同一代码已定义于 {}:{line}:{col}；每条规则的代码必须唯一",
                    other_file.name
                )))
            };
            self.errors.push(p);
        } else {
            self.codes
                .insert(rule.code.text.clone(), (file.clone(), rule.code.span));
        }
        for (key, _, span) in &rule.meta {
            if rule.meta.iter().filter(|(k, _, _)| k == key).count() > 1 {
                self.error(
                    file,
                    DiagKind::DuplicateMeta,
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
        kind: DiagKind,
        span: Span,
        message: String,
        label: &str,
        help: Option<String>,
    ) {
        let file = self.file;
        if kind == DiagKind::Type {
            if let Some(p) = self.declared_param_at(span) {
                self.checker
                    .errors
                    .push(p.type_error(file, span, message, label));
                return;
            }
        }
        self.checker.error(file, kind, span, message, label, help);
    }

    /// The declaration of the param (or file-level `let`) that `span` names exactly, unless a
    /// local of the same name hides it: a type error there is the declaration's mistake.
    fn declared_param_at(&self, span: Span) -> Option<Declared> {
        let name = self.file.text.get(span.start..span.end)?;
        if self.locals.iter().any(|(n, _)| n == name) {
            return None;
        }
        let (file, at) = self.checker.declared.get(name)?;
        Some(Declared {
            name: name.to_string(),
            file: file.clone(),
            at: *at,
        })
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
                DiagKind::ShadowedName,
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
                    DiagKind::ParamReadsForm,
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
                                DiagKind::Type,
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
                DiagKind::At,
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
                DiagKind::Message,
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
}

fn collect_vars<'e>(e: &'e Expr, out: &mut Vec<&'e Name>) {
    walk_expr(e, &mut |x| {
        if let ExprKind::Var(n, _) = &x.kind {
            out.push(n);
        }
    });
}

/// A param's declaration, for reporting a type error at it.
struct Declared {
    name: String,
    file: SourceFile,
    at: Span,
}

impl Declared {
    /// The error at the declaration, with the use labelled when it is in the same file.
    fn type_error(
        self,
        use_file: &SourceFile,
        used: Span,
        message: String,
        label: &str,
    ) -> Problem {
        let (line, col) = use_file.line_col(used.start);
        let message = format!("参数“{}”的类型不合用：{message}", self.name);
        let p = Problem::new(DiagKind::Type, &self.file, Some(self.at), message)
            .with_label("参数在此定义");
        if use_file.name == self.file.name {
            p.also_at(used, format!("在此使用：{label}"))
        } else {
            p.with_help(Some(format!(
                "在 {}:{line}:{col} 使用（{label}）；改参数的值，或改使用处的写法",
                use_file.name
            )))
        }
    }
}
