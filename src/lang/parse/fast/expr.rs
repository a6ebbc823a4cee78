//! Expressions and strings of the hand-written parser: `expr` down to `primary`, one function
//! per grammar rule, each building what `build::Builder` builds from that rule's pair.

use super::{need, Res, Stop, P};
use crate::lang::ast::*;
use crate::lang::depth::MAX_TREE_DEPTH;

impl P<'_> {
    /// `expr = { if_expr | or_expr }`.
    pub(super) fn expr(&mut self) -> Res<Expr> {
        let start = self.pos;
        if !self.word("if") {
            return self.chain(|p| p.and_expr(), |p| op_or(p), false);
        }
        // `if` is a keyword: when if_expr fails, or_expr fails too (no operand starts with it)
        self.skip();
        let c = self.expr()?;
        self.skip();
        need(self.word("then"))?;
        self.skip();
        let a = self.expr()?;
        self.skip();
        need(self.word("else"))?;
        self.skip();
        let b = self.expr()?;
        Ok(Expr {
            kind: ExprKind::If(Box::new(c), Box::new(a), Box::new(b)),
            span: Span::new(self.off + start, self.off + self.end),
        })
    }

    /// `operand ~ (op ~ operand)*` (or `?` when `once`), left-associative, as
    /// `Builder::binary` folds it; a chain longer than the tree limit goes to pest.
    fn chain(
        &mut self,
        operand: impl Fn(&mut Self) -> Res<Expr>,
        op: impl Fn(&mut Self) -> Option<BinOp>,
        once: bool,
    ) -> Res<Expr> {
        let mut left = operand(self)?;
        let mut end = self.end;
        let mut n = 0;
        loop {
            let next = self.attempt(|p| {
                p.skip();
                let o = op(p).ok_or(Stop::Fail)?;
                p.skip();
                Ok((o, operand(p)?))
            })?;
            let Some((o, right)) = next else { break };
            end = self.end;
            n += 1;
            if n > MAX_TREE_DEPTH {
                return Err(Stop::Bail);
            }
            let span = Span::new(left.span.start, right.span.end);
            left = Expr {
                kind: ExprKind::Binary(o, Box::new(left), Box::new(right)),
                span,
            };
            if once {
                break;
            }
        }
        self.end = if n == 0 { self.skip_end() } else { end };
        Ok(left)
    }

    fn and_expr(&mut self) -> Res<Expr> {
        self.chain(|p| p.not_expr(), |p| op_and(p), false)
    }

    /// `not_expr = { op_not* ~ cmp_expr }`.
    fn not_expr(&mut self) -> Res<Expr> {
        self.prefixed(|p| op_not(p), |p| p.cmp_expr(), true)
    }

    fn cmp_expr(&mut self) -> Res<Expr> {
        self.chain(|p| p.coalesce(), |p| op_cmp(p), true)
    }

    fn coalesce(&mut self) -> Res<Expr> {
        self.chain(
            |p| p.sum_expr(),
            |p| p.lit("??").then_some(BinOp::Coalesce),
            false,
        )
    }

    fn sum_expr(&mut self) -> Res<Expr> {
        self.chain(|p| p.prod_expr(), |p| op_add(p), false)
    }

    fn prod_expr(&mut self) -> Res<Expr> {
        self.chain(|p| p.unary(), |p| op_mul(p), false)
    }

    /// `unary = { op_neg* ~ postfix }`.
    fn unary(&mut self) -> Res<Expr> {
        self.prefixed(|p| p.lit("-"), |p| p.postfix(), false)
    }

    /// Prefix operators then the operand, applied innermost first (`Builder::prefix`).
    fn prefixed(
        &mut self,
        op: impl Fn(&mut Self) -> bool,
        operand: impl Fn(&mut Self) -> Res<Expr>,
        not: bool,
    ) -> Res<Expr> {
        let mut ops = Vec::new();
        loop {
            let save = self.pos;
            if !ops.is_empty() {
                self.skip();
            }
            let at = self.pos;
            if op(self) {
                ops.push(at);
            } else {
                self.pos = save;
                break;
            }
        }
        if !ops.is_empty() {
            self.skip();
        }
        let mut e = operand(self)?;
        if ops.len() > MAX_TREE_DEPTH {
            return Err(Stop::Bail);
        }
        for at in ops.into_iter().rev() {
            let span = Span::new(self.off + at, e.span.end);
            let kind = if not {
                ExprKind::Not(Box::new(e))
            } else {
                ExprKind::Neg(Box::new(e))
            };
            e = Expr { kind, span };
        }
        Ok(e)
    }

    /// `postfix = { primary ~ (member | index | call)* }`.
    fn postfix(&mut self) -> Res<Expr> {
        let mut e = self.primary()?;
        let mut any = false;
        loop {
            let save = self.pos;
            self.skip();
            let start = e.span.start;
            if self.lit(".") {
                self.skip();
                match self.ident() {
                    Ok(name) => {
                        let span = Span::new(start, name.span.end);
                        e = Expr {
                            kind: ExprKind::Member(Box::new(e), name, ColumnHint::default()),
                            span,
                        };
                        any = true;
                        continue;
                    }
                    Err(Stop::Fail) => {}
                    Err(b) => return Err(b),
                }
            } else if self.lit("[") || self.lit("［") {
                let got = self.attempt(|p| {
                    p.skip();
                    let i = p.expr()?;
                    p.skip();
                    need(p.lit("]") || p.lit("］"))?;
                    Ok(i)
                })?;
                if let Some(i) = got {
                    let span = Span::new(start, self.off + self.pos);
                    e = Expr {
                        kind: ExprKind::Index(Box::new(e), Box::new(i)),
                        span,
                    };
                    any = true;
                    continue;
                }
            } else if self.lit("(") || self.lit("（") {
                let got = self.attempt(|p| {
                    p.skip();
                    let args = p.items()?;
                    p.skip();
                    need(p.lit(")") || p.lit("）"))?;
                    Ok(args)
                })?;
                if let Some(args) = got {
                    let span = Span::new(start, self.off + self.pos);
                    let name = match e.kind {
                        ExprKind::Var(n, _) => n,
                        _ => Name {
                            text: String::new(),
                            span: e.span,
                        },
                    };
                    e = Expr {
                        kind: {
                            let callee = Callee::named(&name.text);
                            ExprKind::Call(name, args, callee)
                        },
                        span,
                    };
                    any = true;
                    continue;
                }
            }
            self.pos = save;
            self.end = if any { self.pos } else { self.skip_end() };
            return Ok(e);
        }
    }

    /// `(comprehension | args)?` inside a call's or a list's brackets. Both alternatives start
    /// with an `expr`, which parses the same wherever it is asked for, so it is parsed once.
    fn items(&mut self) -> Res<Vec<Expr>> {
        let start = self.pos;
        let Some(first) = self.attempt(P::expr)? else {
            return Ok(Vec::new());
        };
        let comp = self.attempt(|p| {
            p.skip();
            need(p.word("for"))?;
            p.for_clause()
        })?;
        if let Some((var, list, filter, end)) = comp {
            return Ok(vec![Expr {
                kind: ExprKind::Comprehension(Box::new(Comprehension {
                    body: first,
                    var,
                    list,
                    filter,
                })),
                span: Span::new(self.off + start, self.off + end),
            }]);
        }
        let mut args = vec![first];
        while let Some(e) = self.attempt(|p| {
            p.skip();
            need(p.comma())?;
            p.skip();
            p.expr()
        })? {
            args.push(e);
        }
        self.attempt(|p| {
            p.skip();
            need(p.comma())
        })?;
        Ok(args)
    }

    fn comma(&mut self) -> bool {
        self.lit(",") || self.lit("，")
    }

    /// `primary = _{ number | string | boolean | null | list | map | lp ~ expr ~ rp | ident }`.
    fn primary(&mut self) -> Res<Expr> {
        let start = self.pos;
        let leaf = |p: &Self, kind| Expr {
            kind,
            span: p.span(start),
        };
        let b = self.rest().as_bytes();
        if b.first().is_some_and(u8::is_ascii_digit) {
            let mut n = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if b.get(n) == Some(&b'.') && b.get(n + 1).is_some_and(u8::is_ascii_digit) {
                n += 1 + b[n + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            }
            self.pos += n;
            let _ = self.lit("%") || self.lit("％");
            return Ok(leaf(
                self,
                ExprKind::Number(super::super::build::number(&self.s[start..self.pos])),
            ));
        }
        if let Some(t) = self.attempt(P::string)? {
            return Ok(leaf(self, ExprKind::Text(t)));
        }
        for (w, v) in [("true", true), ("false", false)] {
            if self.word(w) {
                return Ok(leaf(self, ExprKind::Bool(v)));
            }
        }
        if self.word("null") {
            return Ok(leaf(self, ExprKind::Null));
        }
        if let Some(e) = self.attempt(|p| {
            need(p.lit("[") || p.lit("［"))?;
            p.skip();
            let args = p.items()?;
            p.skip();
            need(p.lit("]") || p.lit("］"))?;
            Ok(args)
        })? {
            if let [Expr {
                kind: ExprKind::Comprehension(_),
                ..
            }] = e.as_slice()
            {
                return Ok(e.into_iter().next().expect("one"));
            }
            return Ok(leaf(self, ExprKind::List(e)));
        }
        if let Some(entries) = self.attempt(P::map)? {
            return Ok(leaf(self, ExprKind::Map(entries)));
        }
        if let Some(e) = self.attempt(|p| {
            need(p.lit("(") || p.lit("（"))?;
            p.skip();
            let e = p.expr()?;
            p.skip();
            need(p.lit(")") || p.lit("）"))?;
            Ok(e)
        })? {
            return Ok(e);
        }
        let name = self.ident()?;
        Ok(leaf(self, ExprKind::Var(name, VarSlot::default())))
    }

    /// `map = { "{" ~ (entry ~ (comma ~ entry)* ~ comma?)? ~ "}" }`.
    fn map(&mut self) -> Res<Vec<(Name, Expr)>> {
        need(self.lit("{"))?;
        self.skip();
        let mut entries = Vec::new();
        if let Some(first) = self.attempt(P::entry)? {
            entries.push(first);
            while let Some(e) = self.attempt(|p| {
                p.skip();
                need(p.comma())?;
                p.skip();
                p.entry()
            })? {
                entries.push(e);
            }
            self.attempt(|p| {
                p.skip();
                need(p.comma())
            })?;
        }
        self.skip();
        need(self.lit("}"))?;
        Ok(entries)
    }

    /// `entry = { (string | ident) ~ colon ~ expr }`.
    fn entry(&mut self) -> Res<(Name, Expr)> {
        let key = match self.attempt(P::string)? {
            Some(t) => Name {
                text: t.literal().unwrap_or_default(),
                span: t.span,
            },
            None => self.ident()?,
        };
        self.skip();
        need(self.lit(":") || self.lit("："))?;
        self.skip();
        Ok((key, self.expr()?))
    }

    /// `string = ${ "\"" ~ part_q* ~ "\"" | "“" ~ part_c* ~ "”" }`: no whitespace skipped but
    /// inside an interpolation (`interp = !{ "{" ~ expr ~ "}" }`), which is tried first.
    pub(super) fn string(&mut self) -> Res<Template> {
        let start = self.pos;
        let curly = if self.lit("\"") {
            false
        } else if self.lit("“") {
            true
        } else {
            return Err(Stop::Fail);
        };
        let mut parts = Vec::new();
        loop {
            if self.rest().starts_with('{') {
                let e = self.attempt(|p| {
                    p.pos += 1;
                    p.skip();
                    let e = p.expr()?;
                    p.skip();
                    need(p.lit("}"))?;
                    Ok(e)
                })?;
                if let Some(e) = e {
                    parts.push(Part::Expr(e));
                    continue;
                }
                if self.lit("{{") {
                    parts.push(Part::Text("{".into()));
                    continue;
                }
                break;
            }
            if self.lit("}}") {
                parts.push(Part::Text("}".into()));
                continue;
            }
            let t0 = self.pos;
            let mut it = self.rest().char_indices().peekable();
            let mut end = 0;
            while let Some((i, c)) = it.next() {
                match c {
                    '{' | '}' => break,
                    '”' if curly => break,
                    '"' | '\\' if !curly => {
                        if c == '"' {
                            break;
                        }
                        // `"\\" ~ ANY`: a backslash at the very end takes nothing
                        match it.next() {
                            Some((j, d)) => end = j + d.len_utf8(),
                            None => break,
                        }
                    }
                    _ => end = i + c.len_utf8(),
                }
            }
            if end == 0 {
                break;
            }
            self.pos += end;
            let raw = &self.s[t0..self.pos];
            parts.push(Part::Text(if curly {
                raw.to_string()
            } else {
                super::super::build::unescape(raw)
            }));
        }
        need(if curly {
            self.lit("”")
        } else {
            self.lit("\"")
        })?;
        Ok(Template {
            parts,
            span: self.span(start),
        })
    }
}

fn op_or(p: &mut P) -> Option<BinOp> {
    (p.word("or") || p.lit("||")).then_some(BinOp::Or)
}

fn op_and(p: &mut P) -> Option<BinOp> {
    (p.word("and") || p.lit("&&")).then_some(BinOp::And)
}

/// `op_not = @{ ("not" ~ !ident_char) | "!" ~ !"=" }`.
fn op_not(p: &mut P) -> bool {
    if p.word("not") {
        return true;
    }
    let hit = p.rest().starts_with('!') && !p.rest()[1..].starts_with('=');
    if hit {
        p.pos += 1;
    }
    hit
}

/// `op_cmp`, its alternatives in the grammar's order.
fn op_cmp(p: &mut P) -> Option<BinOp> {
    const OPS: &[(&str, BinOp)] = &[
        ("==", BinOp::Eq),
        ("!=", BinOp::Ne),
        ("<=", BinOp::Le),
        (">=", BinOp::Ge),
        ("=", BinOp::Eq),
        ("<", BinOp::Lt),
        (">", BinOp::Gt),
        ("≠", BinOp::Ne),
        ("≤", BinOp::Le),
        ("≥", BinOp::Ge),
        ("＜", BinOp::Lt),
        ("＞", BinOp::Gt),
        ("＝", BinOp::Eq),
    ];
    if let Some((_, op)) = OPS.iter().find(|(t, _)| p.lit(t)) {
        return Some(*op);
    }
    // ("not" ~ WHITESPACE+ ~ "in" ~ !ident_char), atomic: no comments between
    let rest = p.rest();
    if let Some(after) = rest.strip_prefix("not") {
        let trimmed = after.trim_start_matches(super::white);
        if trimmed.len() < after.len() {
            let save = p.pos;
            p.pos += rest.len() - trimmed.len();
            if p.word("in") {
                return Some(BinOp::NotIn);
            }
            p.pos = save;
        }
    }
    p.word("in").then_some(BinOp::In)
}

fn op_add(p: &mut P) -> Option<BinOp> {
    if p.lit("+") {
        Some(BinOp::Add)
    } else {
        p.lit("-").then_some(BinOp::Sub)
    }
}

fn op_mul(p: &mut P) -> Option<BinOp> {
    [
        ("*", BinOp::Mul),
        ("/", BinOp::Div),
        ("×", BinOp::Mul),
        ("÷", BinOp::Div),
    ]
    .into_iter()
    .find(|(t, _)| p.lit(t))
    .map(|(_, o)| o)
}
