//! The rule language's syntax tree. Every node carries a [`Span`] into its rule file, so the
//! checker and the evaluator can point at the exact text.

use crate::finding::Severity;
use rust_decimal::Decimal;

pub(crate) use crate::diag::Span;

/// A name with the place it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    /// The identifier text (may be Chinese).
    pub text: String,
    /// Where it was written.
    pub span: Span,
}

/// One parsed rule file.
#[derive(Debug, Clone, Default)]
pub(crate) struct File {
    /// `param NAME = expr` declarations: values policy staff tune.
    pub params: Vec<Param>,
    /// `let NAME = expr` at file level: values derived from each form, shared by rules.
    pub lets: Vec<Param>,
    /// The rules.
    pub rules: Vec<Rule>,
    /// `assert COND "message"`: invariants over the params, checked when the pack loads.
    pub asserts: Vec<Assert>,
}

/// An invariant a pack states over its params (`assert 权重合计 = 100 "权重之和应为 100"`).
#[derive(Debug, Clone)]
pub(crate) struct Assert {
    /// The condition; must hold.
    pub cond: Expr,
    /// What is wrong when it does not (may interpolate params).
    pub message: Template,
}

/// A named value: a `param` or a file-level `let`.
#[derive(Debug, Clone)]
pub(crate) struct Param {
    /// The name.
    pub name: Name,
    /// Its defining expression.
    pub value: Expr,
    /// The whole declaration.
    pub span: Span,
}

/// A rule: metadata and one or more checks.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable code such as `B001`.
    pub code: Name,
    /// Default severity.
    pub severity: Severity,
    /// Where the severity was written.
    pub severity_span: Span,
    /// Chinese title.
    pub title: String,
    /// `title_en`, `description`, `source`, `example` entries.
    pub meta: Vec<(String, String, Span)>,
    /// The checks; a rule without `check` blocks has exactly one.
    pub checks: Vec<Check>,
    /// The whole rule.
    pub span: Span,
}

impl Rule {
    /// The value of a metadata key, if given.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.meta
            .iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, v, _)| v.as_str())
    }
}

/// One check: statements run top to bottom, `for` nesting the rest.
#[derive(Debug, Clone)]
pub struct Check {
    /// The statements.
    pub stmts: Vec<Stmt>,
    /// The whole check.
    pub span: Span,
}

/// A statement inside a check.
#[derive(Debug, Clone)]
pub enum Stmt {
    /// `for x in list [where cond]`: runs the rest once per element.
    For {
        /// The loop variable.
        var: Name,
        /// The list iterated.
        list: Expr,
        /// The `where` filter, if any.
        filter: Option<Expr>,
    },
    /// `let x = expr`.
    Let {
        /// The name bound.
        var: Name,
        /// Its value.
        value: Expr,
    },
    /// `when cond`: the finding needs every `when` to be true.
    When(Expr),
    /// `at expr`: the primary place of the finding.
    At(Expr),
    /// `related expr ["label"]`: explaining places (a value or a list of values).
    Related {
        /// The related value (its places are the related cells).
        value: Expr,
        /// How the related cells are labelled, if given.
        label: Option<Template>,
    },
    /// `message "…{expr}…"`.
    Message(Template),
}

/// A string with `{expr}` interpolations.
#[derive(Debug, Clone)]
pub struct Template {
    /// Literal text and expressions, in order.
    pub parts: Vec<Part>,
    /// The whole string literal.
    pub span: Span,
}

impl Template {
    /// The literal text when the template has no interpolation.
    pub fn literal(&self) -> Option<String> {
        let mut s = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => s.push_str(t),
                Part::Expr(_) => return None,
            }
        }
        Some(s)
    }
}

/// A piece of a [`Template`].
#[derive(Debug, Clone)]
pub enum Part {
    /// Literal text.
    Text(String),
    /// An interpolated expression.
    Expr(Expr),
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+` (numbers; lists concatenate; text joins)
    Add,
    /// `-`
    Sub,
    /// `*`, `×`
    Mul,
    /// `/`, `÷`
    Div,
    /// `=`, `==`, `＝`
    Eq,
    /// `!=`, `≠`
    Ne,
    /// `<`, `＜`
    Lt,
    /// `<=`, `≤`
    Le,
    /// `>`, `＞`
    Gt,
    /// `>=`, `≥`
    Ge,
    /// `in`: list element or map key
    In,
    /// `not in`
    NotIn,
    /// `and`
    And,
    /// `or`
    Or,
    /// `??`: the left value unless it is null
    Coalesce,
}

impl BinOp {
    /// The operator as written in messages.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Coalesce => "??",
        }
    }
}

/// An expression with its span.
#[derive(Debug, Clone)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// The forms an expression takes.
#[derive(Debug, Clone)]
pub enum ExprKind {
    /// A number literal (`50%` is 0.5).
    Number(Decimal),
    /// A string literal, maybe interpolated.
    Text(Template),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A name: a loop or `let` variable, a `param`, a form field or a table.
    Var(Name, VarSlot),
    /// `[a, b, c]`.
    List(Vec<Expr>),
    /// `{key: value, …}`.
    Map(Vec<(Name, Expr)>),
    /// `[expr for x in list where cond]`, and the same as a function's only argument.
    Comprehension(Box<Comprehension>),
    /// `base.name`.
    Member(Box<Expr>, Name, ColumnHint),
    /// `base[index]`.
    Index(Box<Expr>, Box<Expr>),
    /// `f(args)`, with the function found when the call was parsed.
    Call(Name, Vec<Expr>, Callee),
    /// `-x`.
    Neg(Box<Expr>),
    /// `not x`.
    Not(Box<Expr>),
    /// `a op b`.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `if c then a else b`.
    If(Box<Expr>, Box<Expr>, Box<Expr>),
}

/// The builtin function a call names, found once when the call is parsed rather than by
/// name each time the call is evaluated; none for a name that is no function (the checker
/// reports it, so a checked program has none).
#[derive(Clone, Copy)]
pub struct Callee(Option<&'static crate::lang::builtins::Builtin>);

impl Callee {
    /// The builtin named `name`, if there is one.
    pub(crate) fn named(name: &str) -> Callee {
        Callee(crate::lang::builtins::find(name))
    }

    /// The builtin.
    pub(crate) fn get(self) -> Option<&'static crate::lang::builtins::Builtin> {
        self.0
    }
}

impl std::fmt::Debug for Callee {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.map_or("?", |b| b.name))
    }
}

/// Where a name's value is found while a form is checked, worked out once when the pack is
/// compiled (`lang::resolve`) instead of by a search of every binding at each use.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub enum VarSlot {
    /// Not worked out: looked up by name (a name another caller may bind, a fresh parse).
    #[default]
    Unresolved,
    /// The binding at this position of the evaluator's bindings (parameters, `let`s, loop
    /// variables, outermost first); checked against the name before it is used.
    Scope(u32),
    /// The form's field or table at this position of the program's form names.
    Form(u32),
}

impl std::fmt::Debug for VarSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("_")
    }
}

/// Where the column a `row.列` reads sat on the last row it was read from (its position in
/// the row's cells, in name order). The rows of one table have the same columns, so the next
/// row almost always has it at the same place; the evaluator checks the name there before it
/// searches, so a stale guess (another thread, another table) costs a search, never a wrong
/// value.
#[derive(Default)]
pub struct ColumnHint(std::sync::atomic::AtomicU32);

impl ColumnHint {
    /// The position last seen.
    pub(crate) fn get(&self) -> usize {
        self.0.load(std::sync::atomic::Ordering::Relaxed) as usize
    }

    /// Remembers a position.
    pub(crate) fn set(&self, i: usize) {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        self.0.store(i, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Clone for ColumnHint {
    fn clone(&self) -> Self {
        ColumnHint(std::sync::atomic::AtomicU32::new(self.get() as u32))
    }
}

impl std::fmt::Debug for ColumnHint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("_")
    }
}

/// `expr for var in list [where filter]`.
#[derive(Debug, Clone)]
pub struct Comprehension {
    /// The element expression.
    pub body: Expr,
    /// The loop variable.
    pub var: Name,
    /// The list iterated.
    pub list: Expr,
    /// Optional filter.
    pub filter: Option<Expr>,
}

/// Calls `f` on `e` and on every expression inside it (interpolations, arguments, operands …),
/// outermost first: the one traversal the checker and the linter share.
pub(crate) fn walk_expr<'e>(e: &'e Expr, f: &mut dyn FnMut(&'e Expr)) {
    f(e);
    match &e.kind {
        ExprKind::Text(t) => {
            for p in &t.parts {
                if let Part::Expr(x) = p {
                    walk_expr(x, f);
                }
            }
        }
        ExprKind::List(items) | ExprKind::Call(_, items, _) => {
            items.iter().for_each(|i| walk_expr(i, f))
        }
        ExprKind::Map(entries) => entries.iter().for_each(|(_, v)| walk_expr(v, f)),
        ExprKind::Comprehension(c) => {
            walk_expr(&c.body, f);
            walk_expr(&c.list, f);
            if let Some(x) = &c.filter {
                walk_expr(x, f);
            }
        }
        ExprKind::Member(b, ..) | ExprKind::Neg(b) | ExprKind::Not(b) => walk_expr(b, f),
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
            walk_expr(a, f);
            walk_expr(b, f);
        }
        ExprKind::If(a, b, c) => {
            walk_expr(a, f);
            walk_expr(b, f);
            walk_expr(c, f);
        }
        ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null | ExprKind::Var(..) => {}
    }
}
