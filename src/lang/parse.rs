//! Rule files → syntax tree. Each top-level item (`param`, `let`, `rule` at the start of a line)
//! is parsed on its own, so one syntax error does not hide the next.

use crate::finding::Severity;
use crate::lang::ast::*;
use crate::lang::depth;
use crate::lang::error::{RuleError, SourceFile};
use pest::iterators::Pair;
use pest::Parser;
use rust_decimal::Decimal;
use std::str::FromStr;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/rules.pest"]
struct RulesParser;

/// Parses one rule file. Returns what parsed and every syntax error found.
pub fn parse_file(file: &SourceFile) -> (File, Vec<RuleError>) {
    depth::with_stack(|| parse_here(file))
}

fn parse_here(file: &SourceFile) -> (File, Vec<RuleError>) {
    let mut out = File::default();
    let mut errors = Vec::new();
    let text = file.text.as_str();
    for (start, end) in chunks(text) {
        let chunk = &text[start..end];
        if let Some(at) = depth::too_deep(chunk) {
            errors.push(nesting_error(file, Span::new(start + at.start, start + at.end)));
            continue;
        }
        match RulesParser::parse(Rule::file, chunk) {
            Ok(mut pairs) => {
                let file_pair = pairs.next().expect("file rule");
                let b = Builder {
                    offset: start,
                    deep: std::cell::Cell::new(None),
                };
                for item in file_pair.into_inner() {
                    match item.as_rule() {
                        Rule::param | Rule::form_let => {
                            let is_param = item.as_rule() == Rule::param;
                            let p = b.param(item);
                            let deep = b.deep.take();
                            if let Some(at) = deep.or_else(|| depth::too_deep_tree(&p.value)) {
                                errors.push(nesting_error(file, at));
                            } else if is_param {
                                out.params.push(p);
                            } else {
                                out.lets.push(p);
                            }
                        }
                        Rule::rule_def => {
                            let r = b.rule(item);
                            match b.deep.take().or_else(|| depth::too_deep_rule(&r)) {
                                Some(at) => errors.push(nesting_error(file, at)),
                                None => out.rules.push(r),
                            }
                        }
                        _ => {}
                    }
                }
            }
            Err(e) => errors.push(syntax_error(file, start, e)),
        }
    }
    (out, errors)
}

/// The error for an expression nested (or chained) deeper than the language allows.
fn nesting_error(file: &SourceFile, span: Span) -> RuleError {
    RuleError {
        code: "formlint::rules::too-deep",
        message: format!(
            "表达式嵌套过深：括号或 if 最多嵌套 {} 层，一个表达式最多 {} 层运算 (expression nested too deeply)",
            depth::MAX_NESTING,
            depth::MAX_TREE_DEPTH
        ),
        span,
        label: "从这里开始超出".to_string(),
        help: Some(
            "把表达式拆成几个 let，或用 sum([...]) 代替很长的 a + b + … 连加".to_string(),
        ),
        file: file.clone(),
    }
}

/// Splits a file at lines that start (unindented) with `param`, `let` or `rule`.
fn chunks(text: &str) -> Vec<(usize, usize)> {
    let mut starts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if offset > 0
            && ["param ", "let ", "rule "]
                .iter()
                .any(|k| line.starts_with(k))
        {
            starts.push(offset);
        }
        offset += line.len();
    }
    let mut out = Vec::new();
    for (i, s) in starts.iter().enumerate() {
        let e = starts.get(i + 1).copied().unwrap_or(text.len());
        out.push((*s, e));
    }
    out
}

/// The names rule authors see for grammar rules (never the internal ones).
pub fn rule_name(r: &Rule) -> &'static str {
    match r {
        Rule::EOI => "文件结尾 (end of file)",
        Rule::param => "参数定义 `param 名称 = 值`",
        Rule::form_let => "定义 `let 名称 = 表达式`",
        Rule::rule_def => "规则 `rule 代码 级别 \"标题\" { … }`",
        Rule::code => "规则代码 (如 B001)",
        Rule::severity => "级别 error / warning / info",
        Rule::meta | Rule::meta_key => "title_en / description / source / example",
        Rule::check => "check { … }",
        Rule::stmts => "语句 (for / let / when / at / related / message)",
        Rule::for_stmt | Rule::kw_for => "for",
        Rule::let_stmt | Rule::kw_let => "let",
        Rule::when_stmt | Rule::kw_when => "when",
        Rule::at_stmt | Rule::kw_at => "at",
        Rule::related_stmt | Rule::kw_related => "related",
        Rule::message_stmt | Rule::kw_message => "message",
        Rule::kw_in => "in",
        Rule::kw_where => "where",
        Rule::kw_then => "then",
        Rule::kw_else => "else",
        Rule::kw_if => "if",
        Rule::expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::cmp_expr
        | Rule::coalesce
        | Rule::sum_expr
        | Rule::prod_expr
        | Rule::unary
        | Rule::postfix
        | Rule::if_expr => "表达式 (expression)",
        Rule::op_or | Rule::op_and => "and / or",
        Rule::op_not => "not",
        Rule::op_cmp => "比较符 (= != < <= > >= in)",
        Rule::op_add | Rule::op_mul | Rule::op_neg => "运算符 (+ - * /)",
        Rule::member => "`.字段`",
        Rule::index => "`[…]`",
        Rule::call | Rule::args | Rule::comprehension => "参数 (arguments)",
        Rule::list => "列表 `[…]`",
        Rule::map => "表 `{键: 值}`",
        Rule::entry => "`键: 值`",
        Rule::boolean => "true / false",
        Rule::null => "null",
        Rule::number => "数字",
        Rule::string | Rule::text_q | Rule::text_c | Rule::lbrace | Rule::rbrace | Rule::interp => {
            "字符串 \"…\""
        }
        Rule::ident | Rule::keyword => "名称 (name)",
        Rule::file => "规则文件",
        _ => "规则文件内容",
    }
}

fn syntax_error(file: &SourceFile, offset: usize, e: pest::error::Error<Rule>) -> RuleError {
    let (start, end) = match e.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((s, e)) => (s, e),
    };
    let mut expected: Vec<&str> = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().map(rule_name).collect()
        }
        pest::error::ErrorVariant::CustomError { .. } => vec![],
    };
    expected.sort();
    expected.dedup();
    let text = file.text.as_str();
    let abs = offset + start;
    // widen a point to the character under it, so the label has something to underline
    let width = text[abs..]
        .chars()
        .next()
        .map(|c| c.len_utf8())
        .unwrap_or(0);
    // show the whole word found there (`severe`), or the one character
    let word: String = text[abs..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .take(16)
        .collect();
    let span = Span::new(abs, (offset + end).max(abs + width.max(word.len())));
    let found = match text[abs..].chars().next() {
        None => "文件结尾".to_string(),
        Some(_) if !word.is_empty() => format!("“{word}”"),
        Some(c) => format!("“{c}”"),
    };
    RuleError {
        code: "formlint::rules::syntax",
        message: format!("语法错误：此处不能是{found} (syntax error)"),
        span,
        label: if expected.is_empty() {
            "这里".into()
        } else {
            format!("应为 {}", expected.join("、"))
        },
        help: None,
        file: file.clone(),
    }
}

struct Builder {
    offset: usize,
    /// Where a chain of operators grew past the tree limit (the chain is cut there, so no
    /// deep tree is ever built, or dropped, recursively).
    deep: std::cell::Cell<Option<Span>>,
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

    fn param(&self, p: Pair<Rule>) -> Param {
        let span = self.span(&p);
        let mut it = p.into_inner();
        let name = self.name(it.next().expect("name"));
        let value = self.expr(it.next().expect("value"));
        Param { name, value, span }
    }

    fn rule(&self, p: Pair<Rule>) -> crate::lang::ast::Rule {
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

    fn expr(&self, p: Pair<Rule>) -> Expr {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::expr => self.expr(p.into_inner().next().expect("inner")),
            Rule::if_expr => {
                let mut it = p.into_inner().filter(|p| !is_keyword(p.as_rule()));
                let c = self.expr(it.next().expect("cond"));
                let a = self.expr(it.next().expect("then"));
                let b = self.expr(it.next().expect("else"));
                Expr {
                    kind: ExprKind::If(Box::new(c), Box::new(a), Box::new(b)),
                    span,
                }
            }
            Rule::or_expr
            | Rule::and_expr
            | Rule::sum_expr
            | Rule::prod_expr
            | Rule::coalesce
            | Rule::cmp_expr => {
                let is_coalesce = p.as_rule() == Rule::coalesce;
                let mut it = p.into_inner();
                let mut left = self.expr(it.next().expect("operand"));
                if is_coalesce {
                    for (n, right) in it.enumerate() {
                        if n >= depth::MAX_TREE_DEPTH {
                            self.deep.set(Some(self.span(&right)));
                            break;
                        }
                        let right = self.expr(right);
                        let s = Span::new(left.span.start, right.span.end);
                        left = Expr {
                            kind: ExprKind::Binary(
                                BinOp::Coalesce,
                                Box::new(left),
                                Box::new(right),
                            ),
                            span: s,
                        };
                    }
                    return left;
                }
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
            Rule::not_expr | Rule::unary => {
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
            Rule::postfix => {
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
                                ExprKind::Var(n) => n,
                                _ => Name {
                                    text: String::new(),
                                    span: e.span,
                                },
                            };
                            let args = inner.next().map(|a| self.args(a)).unwrap_or_default();
                            Expr {
                                kind: ExprKind::Call(name, args),
                                span: s,
                            }
                        }
                        _ => e,
                    };
                }
                e
            }
            Rule::list => {
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
            Rule::map => {
                let entries = p
                    .into_inner()
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
                    .collect();
                Expr {
                    kind: ExprKind::Map(entries),
                    span,
                }
            }
            Rule::number => {
                let s = p.as_str();
                let (digits, pct) = match s.strip_suffix('%') {
                    Some(d) => (d, true),
                    None => (s, false),
                };
                let mut d = Decimal::from_str(digits).unwrap_or_default();
                if pct {
                    d /= Decimal::ONE_HUNDRED;
                }
                Expr {
                    kind: ExprKind::Number(d),
                    span,
                }
            }
            Rule::string => Expr {
                kind: ExprKind::Text(self.template(p)),
                span,
            },
            Rule::boolean => Expr {
                kind: ExprKind::Bool(p.as_str() == "true"),
                span,
            },
            Rule::null => Expr {
                kind: ExprKind::Null,
                span,
            },
            Rule::ident => Expr {
                kind: ExprKind::Var(self.name(p)),
                span,
            },
            other => unreachable!("expression {other:?}"),
        }
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

fn unescape(s: &str) -> String {
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
