//! Warnings for rule authors that do not stop a pack from loading (`formlint rules check`):
//! parameters and definitions nothing uses, and checks that can never fire because their
//! scope is empty (`for r in []`, `when false`, a fixed-row table filtered on a row label the
//! layout does not have).

use crate::diag::{DiagKind, Problem, SourceFile};
use crate::form::Schema;
use crate::lang::ast::*;
use crate::text::did_you_mean;
use miette::{Diagnostic, LabeledSpan, SourceCode};
use std::collections::BTreeSet;
use std::fmt;

/// A warning about a rule pack: the same shape as an error, shown with warning severity.
#[derive(Debug, Clone)]
pub struct RuleWarning(pub Problem);

impl fmt::Display for RuleWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for RuleWarning {}

impl Diagnostic for RuleWarning {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.0.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Warning)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.0.help()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.0.source_code()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.0.labels()
    }
}

/// Lints parsed rule files against the layout's schema.
pub(crate) fn lint(files: &[(SourceFile, File)], schema: &Schema) -> Vec<RuleWarning> {
    let mut used = BTreeSet::new();
    for (_, f) in files {
        for p in f.params.iter().chain(&f.lets) {
            names_in_expr(&p.value, &mut used);
        }
        for r in &f.rules {
            for c in &r.checks {
                for s in &c.stmts {
                    names_in_stmt(s, &mut used);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (src, f) in files {
        for (p, what) in f
            .params
            .iter()
            .map(|p| (p, "参数"))
            .chain(f.lets.iter().map(|l| (l, "定义")))
        {
            if !used.contains(p.name.text.as_str()) {
                let message = format!("{what}“{}”没有被任何规则使用 (unused)", p.name.text);
                out.push(RuleWarning(
                    Problem::new(DiagKind::Unused, src, Some(p.name.span), message)
                        .with_label("未使用")
                        .with_help(Some("删掉它，或在规则中使用它".into())),
                ));
            }
        }
        for r in &f.rules {
            for c in &r.checks {
                empty_scope(src, r, c, schema, &mut out);
            }
        }
    }
    out
}

fn empty_scope(
    src: &SourceFile,
    rule: &Rule,
    check: &Check,
    schema: &Schema,
    out: &mut Vec<RuleWarning>,
) {
    let never = |span: Span, why: String, help: Option<String>| {
        let message = format!(
            "规则 {} 永远不会触发：{why} (can never fire)",
            rule.code.text
        );
        RuleWarning(
            Problem::new(DiagKind::NeverFires, src, Some(span), message)
                .with_label("范围为空")
                .with_help(help),
        )
    };
    let no_such_row = |span: Span, label: &str, labels: &Vec<String>| {
        let help = did_you_mean(label, labels.iter().map(String::as_str))
            .map(|s| format!("是不是“{s}”？"));
        never(
            span,
            format!("表中没有名为“{label}”的行（可用：{}）", labels.join("、")),
            help,
        )
    };
    for s in &check.stmts {
        match s {
            Stmt::For { list, filter, .. } => {
                if matches!(&list.kind, ExprKind::List(items) if items.is_empty()) {
                    out.push(never(list.span, "遍历的列表是空的".into(), None));
                }
                if let Some(f) = filter {
                    key_filters(f, schema, &mut |span, label, labels| {
                        out.push(no_such_row(span, label, labels));
                    });
                }
            }
            Stmt::When(e) => {
                if matches!(e.kind, ExprKind::Bool(false)) {
                    out.push(never(e.span, "条件恒为 false".into(), None));
                }
            }
            _ => {}
        }
    }
    // comprehensions over fixed-row tables anywhere in the check
    let mut visit = |e: &Expr| {
        walk_expr(e, &mut |x| {
            if let ExprKind::Comprehension(c) = &x.kind {
                if let Some(f) = &c.filter {
                    key_filters(f, schema, &mut |span, label, labels| {
                        out.push(no_such_row(span, label, labels));
                    });
                }
            }
        })
    };
    for s in &check.stmts {
        stmt_exprs(s, &mut visit);
    }
}

/// Finds `x.KEY = "label"` comparisons whose label is not one the layout's fixed rows can hold.
fn key_filters(e: &Expr, schema: &Schema, report: &mut dyn FnMut(Span, &str, &Vec<String>)) {
    walk_expr(e, &mut |x| {
        if let ExprKind::Binary(BinOp::Eq, a, b) = &x.kind {
            for (col, lit) in [(a, b), (b, a)] {
                if let (ExprKind::Member(_, field, _), ExprKind::Text(t)) = (&col.kind, &lit.kind) {
                    if let Some(label) = t.literal() {
                        for (key_col, labels) in schema.keys.values() {
                            if &field.text == key_col && !labels.contains(&label) {
                                report(lit.span, &label, labels);
                            }
                        }
                    }
                }
            }
        }
    });
}

/// Calls `f` on each expression a statement holds (its interpolations included), not inside
/// them: with [`walk_expr`], every expression of a check.
pub(crate) fn stmt_exprs(s: &Stmt, f: &mut dyn FnMut(&Expr)) {
    let template = |t: &Template, f: &mut dyn FnMut(&Expr)| {
        for p in &t.parts {
            if let Part::Expr(x) = p {
                f(x);
            }
        }
    };
    match s {
        Stmt::For { list, filter, .. } => {
            f(list);
            if let Some(x) = filter {
                f(x);
            }
        }
        Stmt::Let { value, .. } => f(value),
        Stmt::When(e) | Stmt::At(e) => f(e),
        Stmt::Related { value, label } => {
            f(value);
            if let Some(t) = label {
                template(t, f);
            }
        }
        Stmt::Message(t) => template(t, f),
    }
}

fn names_in_expr(e: &Expr, out: &mut BTreeSet<String>) {
    walk_expr(e, &mut |x| {
        if let ExprKind::Var(n, _) = &x.kind {
            out.insert(n.text.clone());
        }
    });
}

fn names_in_stmt(s: &Stmt, out: &mut BTreeSet<String>) {
    stmt_exprs(s, &mut |e| names_in_expr(e, out));
}
