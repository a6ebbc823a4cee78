//! Parse tree (pest pairs) → syntax tree, with spans shifted to the whole file.

use super::Rule;
use crate::finding::Severity;
use crate::lang::ast::*;
use crate::lang::depth;
use pest::iterators::Pair;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Builds the syntax tree of one chunk starting at `offset` in its file.
pub(super) struct Builder {
    pub(super) offset: usize,
    /// Where a chain of operators grew past the tree limit (the chain is cut there, so no
    /// deep tree is ever built, or dropped, recursively).
    pub(super) deep: std::cell::Cell<Option<Span>>,
}
impl Builder {
    fn span(&self, p: &Pair<Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.offset + s.start(), self.offset + s.end())
    }

    fn name(&self, p: Pair<Rule>) -> Name {
        Name {
            text: p.as_str().to_string(),
            span: self.span(&p),
        }
    }

    pub(super) fn assert(&self, p: Pair<Rule>) -> Assert {
        let mut it = p.into_inner();
        let cond = self.expr(it.next().expect("condition"));
        let message = self.template(it.next().expect("message"));
        Assert { cond, message }
    }

    pub(super) fn param(&self, p: Pair<Rule>) -> Param {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let name = self.name(it.next().expect("name"));
        let value = self.expr(it.next().expect("value"));
        // `param 名 = 值` without the line's end
        let span = Span::new(span.start, value.span.end.max(span.start));
        Param { name, value, span }
    }

    pub(super) fn rule(&self, p: Pair<Rule>) -> crate::lang::ast::Rule {
        let span = self.span(&p);
        let mut it = p.into_inner().peekable();
        let code = self.name(it.next().expect("code"));
        let sev = it.next().expect("severity");
        let severity = Severity::parse(sev.as_str()).unwrap_or(Severity::Error);
        let severity_span = self.span(&sev);
        let title = self
            .template(it.next().expect("title"))
            .literal()
            .unwrap_or_default();
        let mut meta = Vec::new();
        let mut checks = Vec::new();
        for p in it {
            match p.as_rule() {
                Rule::meta => {
                    let mspan = self.span(&p);
                    let mut m = p.into_inner();
                    let key = m.next().expect("key").as_str().to_string();
                    let value = self
                        .template(m.next().expect("value"))
                        .literal()
                        .unwrap_or_default();
                    meta.push((key, value, mspan));
                }
                Rule::check => {
                    let cspan = self.span(&p);
                    let stmts = self.stmts(p.into_inner().next().expect("stmts"));
                    checks.push(Check { stmts, span: cspan });
                }
                Rule::stmts => {
                    let cspan = self.span(&p);
                    checks.push(Check {
                        stmts: self.stmts(p),
                        span: cspan,
                    });
                }
                _ => {}
            }
        }
        crate::lang::ast::Rule {
            code,
            severity,
            severity_span,
            title,
            meta,
            checks,
            span,
        }
    }

    fn stmts(&self, p: Pair<Rule>) -> Vec<Stmt> {
        p.into_inner().map(|s| self.stmt(s)).collect()
    }

    fn stmt(&self, p: Pair<Rule>) -> Stmt {
        let kind = p.as_rule();
        let mut it = p.into_inner().filter(|p| !is_keyword(p.as_rule()));
        match kind {
            Rule::for_stmt => {
                let var = self.name(it.next().expect("var"));
                let list = self.expr(it.next().expect("list"));
                let filter = it.next().map(|f| self.expr(f));
                Stmt::For { var, list, filter }
            }
            Rule::let_stmt => {
                let var = self.name(it.next().expect("var"));
                Stmt::Let {
                    var,
                    value: self.expr(it.next().expect("value")),
                }
            }
            Rule::when_stmt => Stmt::When(self.expr(it.next().expect("cond"))),
            Rule::at_stmt => Stmt::At(self.expr(it.next().expect("place"))),
            Rule::related_stmt => {
                let value = self.expr(it.next().expect("value"));
                Stmt::Related {
                    value,
                    label: it.next().map(|l| self.template(l)),
                }
            }
            Rule::message_stmt => Stmt::Message(self.template(it.next().expect("message"))),
            other => unreachable!("statement {other:?}"),
        }
    }

    fn template(&self, p: Pair<Rule>) -> Template {
        let span = self.span(&p);
        let mut parts = Vec::new();
        for part in p.into_inner() {
            match part.as_rule() {
                Rule::text_q => parts.push(Part::Text(unescape(part.as_str()))),
                Rule::text_c => parts.push(Part::Text(part.as_str().to_string())),
                Rule::lbrace => parts.push(Part::Text("{".into())),
                Rule::rbrace => parts.push(Part::Text("}".into())),
                Rule::interp => parts.push(Part::Expr(
                    self.expr(part.into_inner().next().expect("expr")),
                )),
                _ => {}
            }
        }
        Template { parts, span }
    }

    /// One expression: an arm per grammar rule, each family of rules built by its own helper.
    fn expr(&self, p: Pair<Rule>) -> Expr {
        let span = self.span(&p);
        let leaf = |kind| Expr { kind, span };
        match p.as_rule() {
            Rule::expr => self.expr(p.into_inner().next().expect("inner")),
            Rule::if_expr => {
                let mut it = p.into_inner().filter(|p| !is_keyword(p.as_rule()));
                let c = self.expr(it.next().expect("cond"));
                let a = self.expr(it.next().expect("then"));
                let b = self.expr(it.next().expect("else"));
                leaf(ExprKind::If(Box::new(c), Box::new(a), Box::new(b)))
            }
            Rule::coalesce => self.coalesce(p),
            Rule::or_expr | Rule::and_expr | Rule::sum_expr | Rule::prod_expr | Rule::cmp_expr => {
                self.binary(p)
            }
            Rule::not_expr | Rule::unary => self.prefix(p),
            Rule::postfix => self.postfix(p),
            Rule::list => self.list(p, span),
            Rule::map => leaf(ExprKind::Map(self.map_entries(p))),
            Rule::number => leaf(ExprKind::Number(number(p.as_str()))),
            Rule::string => leaf(ExprKind::Text(self.template(p))),
            Rule::boolean => leaf(ExprKind::Bool(p.as_str() == "true")),
            Rule::null => leaf(ExprKind::Null),
            Rule::ident => leaf(ExprKind::Var(self.name(p), VarSlot::default())),
            other => unreachable!("expression {other:?}"),
        }
    }

    /// `a ?? b ?? c`, left-associative; a chain deeper than the depth limit is cut and marked.
    fn coalesce(&self, p: Pair<Rule>) -> Expr {
        let mut it = p.into_inner();
        let mut left = self.expr(it.next().expect("operand"));
        for (n, right) in it.enumerate() {
            if n >= depth::MAX_TREE_DEPTH {
                self.deep.set(Some(self.span(&right)));
                break;
            }
            let right = self.expr(right);
            let s = Span::new(left.span.start, right.span.end);
            left = Expr {
                kind: ExprKind::Binary(BinOp::Coalesce, Box::new(left), Box::new(right)),
                span: s,
            };
        }
        left
    }

    /// `a op b op c` for `or`, `and`, sums, products and comparisons, left-associative; a chain
    /// deeper than the depth limit is cut and marked.
    fn binary(&self, p: Pair<Rule>) -> Expr {
        let mut it = p.into_inner();
        let mut left = self.expr(it.next().expect("operand"));
        let mut n = 0;
        while let Some(op) = it.next() {
            n += 1;
            if n > depth::MAX_TREE_DEPTH {
                self.deep.set(Some(self.span(&op)));
                break;
            }
            let op = binop(op.as_str());
            let right = self.expr(it.next().expect("operand"));
            let s = Span::new(left.span.start, right.span.end);
            left = Expr {
                kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
                span: s,
            };
        }
        left
    }

    /// `not not x` and `- - x`: prefix operators applied innermost first, at most the depth
    /// limit of them.
    fn prefix(&self, p: Pair<Rule>) -> Expr {
        let is_not = p.as_rule() == Rule::not_expr;
        let inner: Vec<Pair<Rule>> = p.into_inner().collect();
        let (ops, operand) = inner.split_at(inner.len() - 1);
        let mut e = self.expr(operand[0].clone());
        if ops.len() > depth::MAX_TREE_DEPTH {
            self.deep.set(Some(self.span(&ops[0])));
        }
        for op in ops.iter().rev().take(depth::MAX_TREE_DEPTH + 1) {
            let s = Span::new(self.span(op).start, e.span.end);
            let kind = if is_not {
                ExprKind::Not(Box::new(e))
            } else {
                ExprKind::Neg(Box::new(e))
            };
            e = Expr { kind, span: s };
        }
        e
    }

    /// A primary followed by `.member`, `[index]` and `(call args)`, applied left to right.
    fn postfix(&self, p: Pair<Rule>) -> Expr {
        let mut it = p.into_inner();
        let mut e = self.expr(it.next().expect("primary"));
        for post in it {
            let s = Span::new(e.span.start, self.span(&post).end);
            let kind = post.as_rule();
            let mut inner = post.into_inner();
            e = match kind {
                Rule::member => Expr {
                    kind: ExprKind::Member(
                        Box::new(e),
                        self.name(inner.next().expect("name")),
                        ColumnHint::default(),
                    ),
                    span: s,
                },
                Rule::index => Expr {
                    kind: ExprKind::Index(
                        Box::new(e),
                        Box::new(self.expr(inner.next().expect("index"))),
                    ),
                    span: s,
                },
                Rule::call => {
                    let name = match e.kind {
                        ExprKind::Var(n, _) => n,
                        _ => Name {
                            text: String::new(),
                            span: e.span,
                        },
                    };
                    let args = inner.next().map(|a| self.args(a)).unwrap_or_default();
                    Expr {
                        kind: {
                            let callee = Callee::named(&name.text);
                            ExprKind::Call(name, args, callee)
                        },
                        span: s,
                    }
                }
                _ => e,
            };
        }
        e
    }

    /// `[a, b]`, or a comprehension `[x for x in xs]` (which is its own expression).
    fn list(&self, p: Pair<Rule>, span: Span) -> Expr {
        let args = p
            .into_inner()
            .next()
            .map(|a| self.args(a))
            .unwrap_or_default();
        if let [Expr {
            kind: ExprKind::Comprehension(_),
            ..
        }] = args.as_slice()
        {
            return args.into_iter().next().expect("one");
        }
        Expr {
            kind: ExprKind::List(args),
            span,
        }
    }

    /// The entries of `{key: value, "quoted key": value}`.
    fn map_entries(&self, p: Pair<Rule>) -> Vec<(Name, Expr)> {
        p.into_inner()
            .map(|entry| {
                let mut it = entry.into_inner();
                let k = it.next().expect("key");
                let key = if k.as_rule() == Rule::string {
                    let t = self.template(k);
                    Name {
                        text: t.literal().unwrap_or_default(),
                        span: t.span,
                    }
                } else {
                    self.name(k)
                };
                (key, self.expr(it.next().expect("value")))
            })
            .collect()
    }

    fn args(&self, p: Pair<Rule>) -> Vec<Expr> {
        match p.as_rule() {
            Rule::comprehension => {
                let span = self.span(&p);
                let mut it = p.into_inner().filter(|p| !is_keyword(p.as_rule()));
                let body = self.expr(it.next().expect("body"));
                let var = self.name(it.next().expect("var"));
                let list = self.expr(it.next().expect("list"));
                let filter = it.next().map(|f| self.expr(f));
                vec![Expr {
                    kind: ExprKind::Comprehension(Box::new(Comprehension {
                        body,
                        var,
                        list,
                        filter,
                    })),
                    span,
                }]
            }
            _ => p.into_inner().map(|a| self.expr(a)).collect(),
        }
    }
}

fn is_keyword(r: Rule) -> bool {
    matches!(
        r,
        Rule::kw_for
            | Rule::kw_in
            | Rule::kw_where
            | Rule::kw_let
            | Rule::kw_when
            | Rule::kw_at
            | Rule::kw_related
            | Rule::kw_message
            | Rule::kw_if
            | Rule::kw_then
            | Rule::kw_else
    )
}

fn binop(s: &str) -> BinOp {
    match s {
        "+" => BinOp::Add,
        "-" => BinOp::Sub,
        "*" | "×" => BinOp::Mul,
        "/" | "÷" => BinOp::Div,
        "=" | "==" | "＝" => BinOp::Eq,
        "!=" | "≠" => BinOp::Ne,
        "<" | "＜" => BinOp::Lt,
        "<=" | "≤" => BinOp::Le,
        ">" | "＞" => BinOp::Gt,
        ">=" | "≥" => BinOp::Ge,
        "in" => BinOp::In,
        "or" | "||" => BinOp::Or,
        "and" | "&&" => BinOp::And,
        s if s.starts_with("not") => BinOp::NotIn,
        other => unreachable!("operator {other}"),
    }
}

pub(super) fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A number literal's value: `12.5`, or `95%` as 0.95.
pub(super) fn number(s: &str) -> Decimal {
    let (digits, pct) = match s.strip_suffix('%').or_else(|| s.strip_suffix('％')) {
        Some(d) => (d, true),
        None => (s, false),
    };
    let mut d = Decimal::from_str(digits).unwrap_or_default();
    if pct {
        d /= Decimal::ONE_HUNDRED;
    }
    d
}
