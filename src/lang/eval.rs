//! Runs checked rules on one form. Values are exact decimals; null (a blank cell, a missing
//! key, a division by zero) spreads through arithmetic and makes comparisons unknown, and a
//! check fires only when every `when` is true — so a blank cell is reported by the rule about
//! blanks, not again by every rule that reads it.

use crate::codes;
use crate::diag::SourceFile;
use crate::finding::{Finding, Related};
use crate::form::{FieldValue, Form, Place};
use crate::lang::ast::*;
use crate::lang::builtins::{self, CallCtx, ParsedMemo};
use crate::lang::val::{equal, Str, Val, V};
use crate::value::Units;
use std::cell::RefCell;
use std::sync::Arc;

/// A rule that could not be evaluated on a form (a value of the wrong sort at run time).
#[derive(Debug, Clone)]
pub(crate) struct EvalError {
    /// What went wrong.
    pub message: String,
    /// The expression that failed.
    pub span: Span,
}

type R<T> = Result<T, EvalError>;

/// The variables in scope while one form is checked. The program outlives the form's check
/// (`'p: 'f`), so a value may borrow the program's text (a string literal) as it borrows the
/// form's.
pub(crate) struct Env<'p: 'f, 'f> {
    units: &'p Units,
    form: &'f Form,
    scopes: Vec<(&'p str, Val<'f>)>,
    /// The form fields and tables the program reads ([`VarSlot::Form`]), each looked up once
    /// per form rather than each time a rule names it; a table is its list of rows.
    form_vals: Vec<Val<'f>>,
    /// `parse_value` results for this form, shared by all its rules.
    parsed: RefCell<ParsedMemo>,
    /// Where arithmetic overflowed on this form (see [`CallCtx::overflow`]).
    overflow: RefCell<Vec<Option<Place>>>,
    /// Scope slots whose binding was not the one named (the resolver's model was wrong there):
    /// tests require none while rules run.
    #[cfg(test)]
    pub(crate) slot_misses: std::cell::Cell<u32>,
}

impl<'p, 'f> Env<'p, 'f> {
    /// An environment over `form` with nothing bound yet; `form_names` are the fields and
    /// tables the program reads, in slot order (`lang::resolve`).
    pub(crate) fn new(units: &'p Units, form: &'f Form, form_names: &[String]) -> Self {
        let form_vals = form_names
            .iter()
            .map(|name| form_value(form, name))
            .collect();
        Env {
            units,
            form,
            scopes: Vec::new(),
            form_vals,
            parsed: RefCell::default(),
            overflow: RefCell::default(),
            #[cfg(test)]
            slot_misses: std::cell::Cell::new(0),
        }
    }

    /// The form being checked.
    pub(crate) fn form(&self) -> &'f Form {
        self.form
    }

    /// The places where arithmetic overflowed so far, each once, in the order met.
    pub(crate) fn overflows(&self) -> Vec<Option<Place>> {
        let mut out: Vec<Option<Place>> = Vec::new();
        for p in self.overflow.borrow().iter() {
            if !out.contains(p) {
                out.push(p.clone());
            }
        }
        out
    }

    /// Binds a global (`param` or file-level `let`).
    pub(crate) fn bind(&mut self, name: &'p str, v: Val<'f>) {
        self.scopes.push((name, v));
    }

    fn lookup(&self, name: &str, span: Span) -> R<Val<'f>> {
        if let Some((_, v)) = self
            .scopes
            .iter()
            .rev()
            .find(|(n, _)| crate::lang::val::same_name(n, name))
        {
            return Ok(v.clone());
        }
        // A field or table the layout names but this form lacks reads as null.
        let _ = span;
        Ok(form_value(self.form, name))
    }

    /// Evaluates an expression.
    pub(crate) fn eval(&mut self, e: &'p Expr) -> R<Val<'f>> {
        match &e.kind {
            ExprKind::Number(d) => Ok(Val::num(*d)),
            ExprKind::Text(t) => match t.parts.as_slice() {
                // a literal: the program's own text, not a copy per evaluation
                [Part::Text(x)] => Ok(Val::of(V::Text(Str::Form(x)))),
                _ => Ok(Val::text(&self.render(t)?)),
            },
            ExprKind::Bool(b) => Ok(Val::bool(*b)),
            ExprKind::Null => Ok(Val::null()),
            ExprKind::Var(n, slot) => match *slot {
                VarSlot::Scope(i) => match self.bound(n, i) {
                    Some(v) => Ok(v.clone()),
                    None => {
                        self.missed();
                        self.lookup(&n.text, n.span)
                    }
                },
                VarSlot::Form(i) => match self.form_vals.get(i as usize) {
                    Some(v) => Ok(v.clone()),
                    None => self.lookup(&n.text, n.span),
                },
                VarSlot::Unresolved => self.lookup(&n.text, n.span),
            },
            ExprKind::List(items) => {
                let vals = items.iter().map(|i| self.eval(i)).collect::<R<Vec<_>>>()?;
                Ok(Val::of(V::List(Arc::new(vals))))
            }
            ExprKind::Map(entries) => {
                let mut out = Vec::new();
                for (k, v) in entries {
                    out.push((k.text.clone(), self.eval(v)?));
                }
                Ok(Val::of(V::Map(Arc::new(out))))
            }
            ExprKind::Comprehension(c) => {
                let list = self.eval(&c.list)?;
                let mut out = Vec::new();
                for item in items(&list, c.list.span)?.iter() {
                    self.scopes.push((c.var.text.as_str(), item.clone()));
                    let keep = match &c.filter {
                        Some(f) => self.truth(f)? == Some(true),
                        None => true,
                    };
                    let r = if keep { Some(self.eval(&c.body)) } else { None };
                    self.scopes.pop();
                    if let Some(r) = r {
                        out.push(r?);
                    }
                }
                Ok(Val::of(V::List(Arc::new(out))))
            }
            ExprKind::Member(base, field, hint) => {
                // `r.列` on a loop variable: the row read where it is bound, not copied out
                if let ExprKind::Var(n, VarSlot::Scope(i)) = &base.kind {
                    match self.bound(n, *i) {
                        Some(Val { v: V::Row(row), .. }) => {
                            return Ok(column(row, &field.text, hint))
                        }
                        Some(_) => {}
                        None => self.missed(),
                    }
                }
                let b = self.eval(base)?;
                if let V::Row(row) = &b.v {
                    return Ok(column(row, &field.text, hint));
                }
                member(&b, Str::Form(&field.text), field.span)
            }
            ExprKind::Index(base, index) => {
                let b = self.eval(base)?;
                let i = self.eval(index)?;
                match (&b.v, &i.v) {
                    (V::Map(_) | V::Row(_), V::Text(k)) => member(&b, k.clone(), index.span),
                    (V::List(l), V::Num(n)) => {
                        let idx = n.trunc().mantissa();
                        Ok(usize::try_from(idx)
                            .ok()
                            .and_then(|i| l.get(i))
                            .cloned()
                            .unwrap_or_else(Val::null))
                    }
                    _ => Ok(Val::null()),
                }
            }
            ExprKind::Call(name, args, callee) => {
                let b = callee.get().ok_or_else(|| EvalError {
                    message: format!("未知函数 {}", name.text),
                    span: name.span,
                })?;
                if let Some(found) = self.stop_early(b, args) {
                    return (b.imp)(&self.ctx(), found).map_err(|m| EvalError {
                        message: format!("{}(): {m}", b.name),
                        span: e.span,
                    });
                }
                // pushed in place: collecting through a `Result` moves the whole array once more
                let mut vals = crate::lang::builtins::Args::new();
                for a in args {
                    vals.push(self.eval(a)?);
                }
                (b.imp)(&self.ctx(), vals).map_err(|m| EvalError {
                    message: format!("{}(): {m}", b.name),
                    span: e.span,
                })
            }
            ExprKind::Neg(x) => {
                let v = self.eval(x)?;
                Ok(v.as_num().map(|d| Val::num(-d)).unwrap_or_else(Val::null))
            }
            ExprKind::Not(x) => Ok(truth_val(self.truth(x)?.map(|b| !b))),
            ExprKind::If(c, a, b) => match self.truth(c)? {
                Some(true) => self.eval(a),
                Some(false) => self.eval(b),
                None => Ok(Val::null()),
            },
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b),
        }
    }

    /// What a builtin may use of the form being checked.
    fn ctx(&self) -> CallCtx<'_> {
        CallCtx {
            units: self.units,
            parsed: &self.parsed,
            overflow: &self.overflow,
        }
    }

    /// `first([x for x in 表 where …])` and `any([… for x in 表 where …])` over rows, stopped
    /// at the first row that decides them: the argument the builtin would get, with every row
    /// after that one left out. Only where nothing after it could have changed the result —
    /// the list is a name bound to rows, and the filter (and `any`'s element) compares cells
    /// of rows, names and literals, so it cannot fail, note an overflow or parse a value;
    /// `None` sends the call down the general path.
    fn stop_early(
        &mut self,
        b: &crate::lang::builtins::Builtin,
        args: &'p [Expr],
    ) -> Option<crate::lang::builtins::Args<'f>> {
        let [arg] = args else { return None };
        let ExprKind::Comprehension(c) = &arg.kind else {
            return None;
        };
        // a resolved name only: a program compiled without slots takes the general path (the
        // slot differential test compares the two)
        if !matches!(
            c.list.kind,
            ExprKind::Var(_, VarSlot::Scope(_) | VarSlot::Form(_))
        ) {
            return None;
        }
        let var = c.var.text.as_str();
        // `first` keeps the row itself; `any` the first element that is true
        let first = match (b.name, &c.body.kind) {
            ("first", ExprKind::Var(body, VarSlot::Scope(_))) if body.text == var => true,
            ("any", _) if self.cannot_fail(&c.body, var) => false,
            _ => return None,
        };
        if !c.filter.as_ref().is_none_or(|f| self.cannot_fail(f, var)) {
            return None;
        }
        let list = self.eval(&c.list).ok()?;
        let V::List(rows) = &list.v else { return None };
        if !rows.iter().all(|r| matches!(r.v, V::Row(_))) {
            return None;
        }
        let mut found = None;
        for row in rows.iter() {
            self.scopes.push((var, row.clone()));
            let decided = (|| -> R<Option<Val<'f>>> {
                if let Some(f) = &c.filter {
                    if self.truth(f)? != Some(true) {
                        return Ok(None);
                    }
                }
                if first {
                    return Ok(Some(row.clone()));
                }
                let v = self.eval(&c.body)?;
                Ok((v.as_bool() == Some(true)).then_some(v))
            })();
            self.scopes.pop();
            match decided {
                Ok(Some(v)) => {
                    found = Some(v);
                    break;
                }
                Ok(None) => {}
                Err(_) => return None,
            }
        }
        #[cfg(test)]
        crate::lang::resolve::tests::STOPPED.with(|n| n.set(n.get() + 1));
        let mut out = crate::lang::builtins::Args::new();
        out.push(Val::of(V::List(Arc::new(found.into_iter().collect()))));
        Some(out)
    }

    /// Whether evaluating `e` can neither fail nor leave a trace (an overflow note, a parsed
    /// value): `and`, `or`, `not` and comparisons of literals, names, and cells of the loop
    /// variable `var` or of a name now bound to a row.
    fn cannot_fail(&self, e: &Expr, var: &str) -> bool {
        match &e.kind {
            ExprKind::Binary(
                BinOp::And
                | BinOp::Or
                | BinOp::Eq
                | BinOp::Ne
                | BinOp::Lt
                | BinOp::Le
                | BinOp::Gt
                | BinOp::Ge,
                a,
                b,
            ) => self.cannot_fail(a, var) && self.cannot_fail(b, var),
            ExprKind::Not(x) => self.cannot_fail(x, var),
            ExprKind::Member(base, ..) => match &base.kind {
                ExprKind::Var(n, _) if n.text == var => true,
                ExprKind::Var(n, VarSlot::Scope(i)) => {
                    matches!(self.bound(n, *i), Some(Val { v: V::Row(_), .. }))
                }
                _ => false,
            },
            ExprKind::Text(t) => matches!(t.parts.as_slice(), [Part::Text(_)]),
            ExprKind::Var(..) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null => true,
            _ => false,
        }
    }

    /// The value scope slot `i` holds for the name `n`; `None` when the slot holds another
    /// binding (the caller then searches by name).
    fn bound(&self, n: &Name, i: u32) -> Option<&Val<'f>> {
        match self.scopes.get(i as usize) {
            Some((name, v)) if crate::lang::val::same_name(name, &n.text) => Some(v),
            _ => None,
        }
    }

    /// Notes a scope slot that did not hold its name (counted in tests only).
    fn missed(&self) {
        #[cfg(test)]
        self.slot_misses.set(self.slot_misses.get() + 1);
    }

    /// A comparison of two cells of loop rows or literals (`x.二级指标 = b.二级指标`,
    /// `r.得分 > r.分值`, `r.名称 = "年度资金总额"`): the inner loops of most rules, compared
    /// where the cells are, without values made and dropped: its truth, unknown (`Some(None)`)
    /// for a blank or unreadable cell. `None` for any other operands: the general path then
    /// gives the same answer.
    fn compare_plain(&self, op: BinOp, a: &'p Expr, b: &'p Expr) -> Option<Option<bool>> {
        let (l, r) = (self.plain(a)?, self.plain(b)?);
        let unknown = |p: &Plain| matches!(p, Plain::Blank | Plain::Invalid);
        if unknown(&l) || unknown(&r) {
            return Some(None);
        }
        Some(match op {
            BinOp::Eq | BinOp::Ne => {
                let same = match (&l, &r) {
                    (Plain::Num(x), Plain::Num(y)) => x == y,
                    (Plain::Text(x), Plain::Text(y)) => {
                        crate::lang::val::bare(x) == crate::lang::val::bare(y)
                    }
                    _ => false,
                };
                Some(same == (op == BinOp::Eq))
            }
            _ => match (l, r) {
                (Plain::Num(x), Plain::Num(y)) => Some(match op {
                    BinOp::Lt => x < y,
                    BinOp::Le => x <= y,
                    BinOp::Gt => x > y,
                    _ => x >= y,
                }),
                _ => None,
            },
        })
    }

    /// A cell of a loop row (`r.列`) or a literal, as [`Env::compare_plain`] compares it.
    fn plain(&self, e: &'p Expr) -> Option<Plain<'f>> {
        match &e.kind {
            ExprKind::Member(base, field, hint) => {
                let ExprKind::Var(n, VarSlot::Scope(i)) = &base.kind else {
                    return None;
                };
                let Val { v: V::Row(row), .. } = self.bound(n, *i)? else {
                    return None;
                };
                Some(match column_field(row, &field.text, hint) {
                    Some((_, f)) => match &f.value {
                        FieldValue::Blank => Plain::Blank,
                        FieldValue::Number(d) => Plain::Num(*d),
                        FieldValue::Text(t) => Plain::Text(t),
                        FieldValue::Invalid(_) => Plain::Invalid,
                    },
                    None => Plain::Blank,
                })
            }
            ExprKind::Text(t) => match t.parts.as_slice() {
                [Part::Text(x)] => Some(Plain::Text(x)),
                _ => None,
            },
            ExprKind::Number(d) => Some(Plain::Num(*d)),
            _ => None,
        }
    }

    fn binary(&mut self, op: BinOp, a: &'p Expr, b: &'p Expr) -> R<Val<'f>> {
        if is_comparison(op) {
            if let Some(t) = self.compare_plain(op, a, b) {
                return Ok(truth_val(t));
            }
        }
        if matches!(op, BinOp::And | BinOp::Or) {
            return Ok(truth_val(self.logic(op, a, b)?));
        }
        self.binary_values(op, a, b)
    }

    /// `e` as a condition (`when`, `where`, `if`, an operand of `and` / `or` / `not`): exactly
    /// `self.eval(e)?.as_bool()`, without making the value of `and`, `or`, `not` and of
    /// comparisons of cells and literals: conditions are most of what rules evaluate.
    fn truth(&mut self, e: &'p Expr) -> R<Option<bool>> {
        match &e.kind {
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), a, b) => self.logic(*op, a, b),
            ExprKind::Binary(op, a, b) if is_comparison(*op) => {
                match self.compare_plain(*op, a, b) {
                    Some(t) => Ok(t),
                    None => Ok(self.binary_values(*op, a, b)?.as_bool()),
                }
            }
            ExprKind::Not(x) => Ok(self.truth(x)?.map(|b| !b)),
            _ => Ok(self.eval(e)?.as_bool()),
        }
    }

    /// `a and b`, `a or b` in three-valued logic, with short-circuit: an unknown operand
    /// (`None`) makes the result unknown unless the other decides it.
    fn logic(&mut self, op: BinOp, a: &'p Expr, b: &'p Expr) -> R<Option<bool>> {
        let stop = Some(op == BinOp::Or);
        let l = self.truth(a)?;
        if l == stop {
            return Ok(l);
        }
        let r = self.truth(b)?;
        Ok(match (l, r) {
            (_, x) if x == stop => x,
            (Some(x), Some(y)) => Some(if op == BinOp::And { x && y } else { x || y }),
            _ => None,
        })
    }

    /// [`Env::binary`] on the operands' values: every operator but `and` / `or`, after the
    /// in-place comparison declined.
    fn binary_values(&mut self, op: BinOp, a: &'p Expr, b: &'p Expr) -> R<Val<'f>> {
        let l = self.eval(a)?;
        if op == BinOp::Coalesce {
            // text filed where a number belongs stays unknown: it is not "nothing filed"
            return if l.is_null() { self.eval(b) } else { Ok(l) };
        }
        let r = self.eval(b)?;
        Ok(match op {
            BinOp::Eq | BinOp::Ne => {
                let literal_null =
                    matches!(a.kind, ExprKind::Null) || matches!(b.kind, ExprKind::Null);
                let unknown = |v: &Val| matches!(v.v, V::Null | V::Invalid(_));
                if !literal_null && (unknown(&l) || unknown(&r)) {
                    // comparing with a blank cell is unknown: the rule about blanks reports it
                    Val::null()
                } else {
                    Val::bool(equal(&l, &r) == (op == BinOp::Eq))
                }
            }
            BinOp::In | BinOp::NotIn => {
                let found = match (&r.v, &l.v) {
                    (_, V::Null | V::Invalid(_)) => None,
                    (V::List(items), _) => Some(items.iter().any(|i| equal(i, &l))),
                    (V::Map(entries), V::Text(k)) => {
                        Some(entries.iter().any(|(key, _)| key.as_str() == k.trim()))
                    }
                    (V::Map(_), _) => Some(false),
                    (V::Null, _) => None,
                    _ => {
                        return Err(EvalError {
                            message: format!("in 的右边不是列表：{}", r.display()),
                            span: b.span,
                        })
                    }
                };
                match found {
                    Some(f) => Val::bool(f == (op == BinOp::In)),
                    None => Val::null(),
                }
            }
            BinOp::Add => match (&l.v, &r.v) {
                (V::List(x), V::List(y)) => Val::of(V::List(Arc::new(
                    x.iter().chain(y.iter()).cloned().collect(),
                ))),
                _ => self.arith(op, &l, &r),
            },
            _ => match (percent_of(&l).or(l.as_num()), percent_of(&r).or(r.as_num())) {
                (Some(x), Some(y)) => match op {
                    BinOp::Lt => Val::bool(x < y),
                    BinOp::Le => Val::bool(x <= y),
                    BinOp::Gt => Val::bool(x > y),
                    BinOp::Ge => Val::bool(x >= y),
                    _ => self.arith(op, &l, &r),
                },
                _ => Val::null(),
            },
        })
    }

    /// Renders a message template.
    pub(crate) fn render(&mut self, t: &'p Template) -> R<String> {
        let mut s = String::new();
        for p in &t.parts {
            match p {
                Part::Text(x) => s.push_str(x),
                Part::Expr(e) => s.push_str(&self.eval(e)?.display()),
            }
        }
        Ok(s)
    }
}

impl<'p, 'f> Env<'p, 'f> {
    /// `l op r` on numbers; unknown when either is, or on division by zero. A result out of
    /// `Decimal`'s range is unknown too, and noted (X013) at the operands' cells.
    fn arith(&self, op: BinOp, l: &Val<'f>, r: &Val<'f>) -> Val<'f> {
        let (Some(x), Some(y)) = (l.as_num(), r.as_num()) else {
            return Val::null();
        };
        let result = match op {
            BinOp::Add => x.checked_add(y),
            BinOp::Sub => x.checked_sub(y),
            BinOp::Mul => x.checked_mul(y),
            BinOp::Div if y.is_zero() => return Val::null(),
            BinOp::Div => x.checked_div(y),
            _ => return Val::null(),
        };
        match result {
            Some(d) => Val::num(d),
            None => {
                let how = match op {
                    BinOp::Add | BinOp::Sub => builtins::Overflow::Sum,
                    _ => builtins::Overflow::Product,
                };
                builtins::note_overflow(&self.overflow, &[l.clone(), r.clone()], how);
                Val::null()
            }
        }
    }
}

/// The elements a `for` or a comprehension goes over (a map's keys), a list's without a copy.
fn items<'v, 'f>(v: &'v Val<'f>, span: Span) -> R<std::borrow::Cow<'v, [Val<'f>]>> {
    use std::borrow::Cow;
    match &v.v {
        V::List(l) => Ok(Cow::Borrowed(l.as_slice())),
        V::Map(entries) => Ok(Cow::Owned(
            entries.iter().map(|(k, _)| Val::text(k)).collect(),
        )),
        V::Null => Ok(Cow::Borrowed(&[])),
        _ => Err(EvalError {
            message: format!("需要列表，得到“{}”", v.display()),
            span,
        }),
    }
}

/// `b.field`: a row's column (null, still named, when the row lacks it), a map's entry, a form's
/// field or table. `field` is the program's text or a computed key, so a miss copies nothing.
fn member<'f>(b: &Val<'f>, field: Str<'f>, span: Span) -> R<Val<'f>> {
    let field_name: &str = &field;
    match &b.v {
        V::Row(row) => Ok(match row.cells.get_key_value(field_name) {
            Some((key, f)) => Val::field(&f.value, f.at.as_ref(), key),
            None => Val {
                v: V::Null,
                at: None,
                name: Some(field),
            },
        }),
        V::Map(entries) => Ok(entries
            .iter()
            .find(|(k, _)| k.as_str() == field_name.trim())
            .map(|(_, v)| v.clone())
            .unwrap_or_else(Val::null)),
        V::Form(f) => Ok(form_member(f, field_name)),
        V::Null | V::Invalid(_) => Ok(Val::null()),
        _ => Err(EvalError {
            message: format!("“{}”没有字段 {field_name}", b.display()),
            span,
        }),
    }
}

/// `row.列` written in a rule: the cell at the position the column had on the last row read
/// there, when the name matches, else found by name (and the position remembered).
fn column<'p: 'f, 'f>(row: &'f crate::form::Row, name: &'p str, hint: &'p ColumnHint) -> Val<'f> {
    match column_field(row, name, hint) {
        Some((key, f)) => Val::field(&f.value, f.at.as_ref(), key),
        None => Val {
            v: V::Null,
            at: None,
            name: Some(Str::Form(name)),
        },
    }
}

/// The row's own name of column `name` and its cell, tried first where the column was last.
fn column_field<'f>(
    row: &'f crate::form::Row,
    name: &str,
    hint: &ColumnHint,
) -> Option<(&'f str, &'f crate::form::Field)> {
    let cells = &row.cells;
    match cells.at(hint.get()) {
        Some((key, f)) if crate::lang::val::same_name(key, name) => Some((key, f)),
        _ => cells.position(name).and_then(|i| {
            hint.set(i);
            cells.at(i)
        }),
    }
}

/// A cell or literal as a comparison reads it.
enum Plain<'f> {
    Blank,
    Num(rust_decimal::Decimal),
    Text(&'f str),
    Invalid,
}

/// A field of the form, or one of its tables as a list of rows; null when it has neither.
fn form_value<'f>(form: &'f Form, name: &str) -> Val<'f> {
    if let Some((key, f)) = form.fields.get_key_value(name) {
        return Val::field(&f.value, f.at.as_ref(), key);
    }
    match form.tables.get_key_value(name) {
        Some((key, t)) => table_list(key, t),
        None => Val::null(),
    }
}

/// A field of a compared form, or one of its tables as a list of rows.
pub(crate) fn form_member<'f>(f: &'f crate::form::FiledForm, field: &str) -> Val<'f> {
    form_value(&f.form, field)
}

/// A form table as the rules see it: the list of its rows, placed at the table's header.
fn table_list<'f>(name: &'f str, t: &'f crate::form::Table) -> Val<'f> {
    let rows = t
        .rows
        .iter()
        .map(|r| Val {
            v: V::Row(r),
            at: t.at.as_ref(),
            name: None,
        })
        .collect();
    Val {
        v: V::List(Arc::new(rows)),
        at: t.at.as_ref(),
        name: Some(Str::Form(name)),
    }
}

/// What a rule's check produced on one path through its `for` loops.
struct Hit<'f> {
    at: Option<&'f Place>,
    related: Vec<Related>,
    message: String,
}

/// Runs one check of `rule` on the form bound in `env`, appending findings to `out`.
pub(crate) fn run_check<'p, 'f>(
    env: &mut Env<'p, 'f>,
    rule: &'p Rule,
    check: &'p Check,
    out: &mut Vec<Finding>,
) -> R<()> {
    let mut hits = Vec::new();
    walk(env, &check.stmts, 0, &mut hits)?;
    for hit in hits {
        // `at` on a cell the form lacks (an optional column that is absent): the finding sits
        // at its first related cell rather than nowhere
        let mut related = hit.related;
        let at = match hit.at {
            Some(at) => Some(at.clone()),
            None if !related.is_empty() => Some(related.remove(0).at),
            None => None,
        };
        let f = Finding {
            code: rule.code.text.clone(),
            severity: rule.severity,
            title: rule.title.clone(),
            message: hit.message,
            sheet: Some(env.form.sheet.clone()),
            at,
            related,
            help: rule.meta("source").map(|s| format!("依据：{s}")),
        };
        if !out
            .iter()
            .any(|o| o.code == f.code && o.at == f.at && o.at.is_some())
        {
            out.push(f);
        }
    }
    Ok(())
}

/// Whether `op` compares its operands (`=`, `!=`, `<`, `<=`, `>`, `>=`).
fn is_comparison(op: BinOp) -> bool {
    matches!(
        op,
        BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
    )
}

/// A condition's value: true, false or unknown (null).
fn truth_val<'f>(t: Option<bool>) -> Val<'f> {
    t.map_or_else(Val::null, Val::bool)
}

fn walk<'p, 'f>(
    env: &mut Env<'p, 'f>,
    stmts: &'p [Stmt],
    i: usize,
    hits: &mut Vec<Hit<'f>>,
) -> R<()> {
    let Some(stmt) = stmts.get(i) else {
        return finish(env, stmts, hits);
    };
    match stmt {
        Stmt::For { var, list, filter } => {
            let l = env.eval(list)?;
            for item in items(&l, list.span)?.iter() {
                env.scopes.push((var.text.as_str(), item.clone()));
                let keep = match filter {
                    Some(f) => env.truth(f)? == Some(true),
                    None => true,
                };
                let r = if keep {
                    walk(env, stmts, i + 1, hits)
                } else {
                    Ok(())
                };
                env.scopes.pop();
                r?;
            }
            Ok(())
        }
        Stmt::Let { var, value } => {
            let v = env.eval(value)?;
            env.scopes.push((var.text.as_str(), v));
            let r = walk(env, stmts, i + 1, hits);
            env.scopes.pop();
            r
        }
        Stmt::When(cond) => {
            if env.truth(cond)? == Some(true) {
                walk(env, stmts, i + 1, hits)
            } else {
                Ok(())
            }
        }
        Stmt::At(_) | Stmt::Related { .. } | Stmt::Message(_) => walk(env, stmts, i + 1, hits),
    }
}

/// All `when`s held: evaluates `at`, `related` and `message` in the innermost scope.
fn finish<'p, 'f>(env: &mut Env<'p, 'f>, stmts: &'p [Stmt], hits: &mut Vec<Hit<'f>>) -> R<()> {
    let mut hit = Hit {
        at: None,
        related: Vec::new(),
        message: String::new(),
    };
    for stmt in stmts {
        match stmt {
            Stmt::At(e) => hit.at = env.eval(e)?.at,
            Stmt::Related { value, label } => {
                let v = env.eval(value)?;
                let label = match label {
                    Some(t) => Some(env.render(t)?),
                    None => None,
                };
                let list = match &v.v {
                    V::List(l) => l.to_vec(),
                    _ => vec![v],
                };
                for item in list {
                    if let Some(at) = item.at {
                        let label = label
                            .clone()
                            .or_else(|| item.name.as_deref().map(str::to_string))
                            .unwrap_or_default();
                        if hit.at != Some(at) && !hit.related.iter().any(|r| &r.at == at) {
                            hit.related.push(Related {
                                at: at.clone(),
                                label,
                            });
                        }
                    }
                }
            }
            Stmt::Message(t) => hit.message = env.render(t)?,
            _ => {}
        }
    }
    // related cells named before `at` was known may repeat it
    let primary = hit.at;
    hit.related.retain(|r| Some(&r.at) != primary);
    hits.push(hit);
    Ok(())
}

/// A finding that says a rule failed to run on a form (never silently skipped).
pub(crate) fn eval_failure(what: &str, sheet: &str, e: &EvalError, src: &SourceFile) -> Finding {
    let (line, col) = src.line_col(e.span.start);
    let file_name = &src.name;
    Finding {
        code: codes::RULE_FAILED.code.into(),
        severity: codes::RULE_FAILED.severity,
        title: codes::RULE_FAILED.title.into(),
        message: format!(
            "{what} 在本表上无法执行：{}（{file_name}:{line}:{col}）",
            e.message
        ),
        sheet: Some(sheet.to_string()),
        at: None,
        related: Vec::new(),
        help: Some("这是规则包的问题，请联系规则维护人员".into()),
    }
}

/// An indicator value that is a percent (`85%`, `≥95%`) as the fraction a percent literal is
/// (0.85), so `value(…) < 90%` compares as the filer reads it; `None` for anything else.
fn percent_of(v: &Val<'_>) -> Option<rust_decimal::Decimal> {
    match &v.v {
        V::Parsed(p) => match p.as_ref() {
            crate::value::Parsed::Quantity(q) if q.unit.as_deref() == Some("%") => {
                Some(q.amount / rust_decimal::Decimal::ONE_HUNDRED)
            }
            _ => None,
        },
        _ => None,
    }
}
