//! Works out, once per compiled pack, where each name a rule reads will be found while a form
//! is checked, so the evaluator does not search every binding by name at each use.
//!
//! The evaluator keeps its bindings on one stack: the names a caller binds first (the
//! cross-check's `自评表` and `申报表`), the parameters, the file-level `let`s, then the loop
//! and `let` variables of the check being run, innermost last. This pass walks each check with
//! the same stack and gives every name either the position its binding will have
//! ([`VarSlot::Scope`]) or, for a name nothing binds, its place among the form names the
//! program reads ([`VarSlot::Form`]), which the evaluator looks up once per form. Parameters,
//! `assert`s and `let`s are walked with the stack each is evaluated on. The evaluator still
//! checks a scope position against the name and searches when it does not match (the tests in
//! `resolve_tests.rs` require that it never has to while rules run), and a name bound twice on
//! one path is left to the search, so a slot never changes what a rule reads.

use crate::lang::ast::*;

/// The bindings of one path through a check, outermost first.
struct Stack<'a> {
    names: Vec<String>,
    /// Names bound by a caller that the stack does not model; always searched.
    unmodelled: &'a [&'a str],
    /// The form fields and tables read, in first-use order: [`VarSlot::Form`] indexes it.
    form_names: Vec<String>,
}

impl Stack<'_> {
    fn slot(&mut self, name: &str) -> VarSlot {
        if self.unmodelled.contains(&name) {
            return VarSlot::Unresolved;
        }
        let mut at = self.names.iter().enumerate().filter(|(_, n)| *n == name);
        match (at.next(), at.next()) {
            (Some((i, _)), None) => u32::try_from(i).map_or(VarSlot::Unresolved, VarSlot::Scope),
            (Some(_), Some(_)) => VarSlot::Unresolved,
            (None, _) => {
                let i = match self.form_names.iter().position(|n| n == name) {
                    Some(i) => i,
                    None => {
                        self.form_names.push(name.to_string());
                        self.form_names.len() - 1
                    }
                };
                u32::try_from(i).map_or(VarSlot::Unresolved, VarSlot::Form)
            }
        }
    }

    fn expr(&mut self, e: &mut Expr) {
        match &mut e.kind {
            ExprKind::Var(n, slot) => *slot = self.slot(&n.text),
            ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null => {}
            ExprKind::Text(t) => self.template(t),
            ExprKind::List(items) | ExprKind::Call(_, items, _) => {
                items.iter_mut().for_each(|i| self.expr(i))
            }
            ExprKind::Map(entries) => entries.iter_mut().for_each(|(_, v)| self.expr(v)),
            ExprKind::Comprehension(c) => {
                let c = &mut **c;
                self.expr(&mut c.list);
                self.names.push(c.var.text.clone());
                if let Some(f) = &mut c.filter {
                    self.expr(f);
                }
                self.expr(&mut c.body);
                self.names.pop();
            }
            ExprKind::Member(b, ..) | ExprKind::Neg(b) | ExprKind::Not(b) => self.expr(b),
            ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::If(a, b, c) => {
                self.expr(a);
                self.expr(b);
                self.expr(c);
            }
        }
    }

    fn template(&mut self, t: &mut Template) {
        for p in &mut t.parts {
            if let Part::Expr(x) = p {
                self.expr(x);
            }
        }
    }

    /// A check, as `eval::walk` runs it: `for` and `let` bind for the statements after them;
    /// `at`, `related` and `message` are evaluated last, with every variable of the check bound.
    fn check(&mut self, stmts: &mut [Stmt]) {
        let depth = self.names.len();
        let mut last = Vec::new();
        for stmt in stmts.iter_mut() {
            match stmt {
                Stmt::For { var, list, filter } => {
                    self.expr(list);
                    self.names.push(var.text.clone());
                    if let Some(f) = filter {
                        self.expr(f);
                    }
                }
                Stmt::Let { var, value } => {
                    self.expr(value);
                    self.names.push(var.text.clone());
                }
                Stmt::When(cond) => self.expr(cond),
                Stmt::At(_) | Stmt::Related { .. } | Stmt::Message(_) => last.push(stmt),
            }
        }
        for stmt in last {
            match stmt {
                Stmt::At(e) => self.expr(e),
                Stmt::Related { value, label } => {
                    self.expr(value);
                    if let Some(t) = label {
                        self.template(t);
                    }
                }
                Stmt::Message(t) => self.template(t),
                _ => {}
            }
        }
        self.names.truncate(depth);
    }
}

/// Gives every name in `files` its slot, for a program whose caller binds `first` before the
/// parameters; returns the form names the program reads, in [`VarSlot::Form`] order.
/// `unmodelled` names are always searched by name.
pub(crate) fn resolve(files: &mut [&mut File], first: &[&str], unmodelled: &[&str]) -> Vec<String> {
    #[cfg(test)]
    if tests::UNRESOLVED.load(std::sync::atomic::Ordering::SeqCst) {
        return Vec::new();
    }
    let params: Vec<String> = files
        .iter()
        .flat_map(|f| f.params.iter().map(|p| p.name.text.clone()))
        .collect();
    let lets: Vec<String> = files
        .iter()
        .flat_map(|f| f.lets.iter().map(|p| p.name.text.clone()))
        .collect();
    let globals = |lets_bound: usize| -> Vec<String> {
        first
            .iter()
            .map(|s| s.to_string())
            .chain(params.iter().cloned())
            .chain(lets[..lets_bound].iter().cloned())
            .collect()
    };
    let mut stack = Stack {
        names: Vec::new(),
        unmodelled,
        form_names: Vec::new(),
    };
    // as the program evaluates them: a parameter with the parameters before it bound (and
    // nothing else), an `assert` with every parameter, a `let` after the caller's names, the
    // parameters and the `let`s before it, and the rules with all of those
    let (mut param_at, mut let_at) = (0, 0);
    for file in files.iter_mut() {
        let File {
            params: declared,
            lets: defined,
            asserts,
            ..
        } = &mut **file;
        for p in declared.iter_mut() {
            stack.names = params[..param_at].to_vec();
            stack.expr(&mut p.value);
            param_at += 1;
        }
        for a in asserts.iter_mut() {
            stack.names = params.clone();
            stack.expr(&mut a.cond);
            stack.template(&mut a.message);
        }
        for l in defined.iter_mut() {
            stack.names = globals(let_at);
            stack.expr(&mut l.value);
            let_at += 1;
        }
    }
    stack.names = globals(lets.len());
    for file in files.iter_mut() {
        for r in file.rules.iter_mut() {
            for c in &mut r.checks {
                stack.check(&mut c.stmts);
            }
        }
    }
    stack.form_names
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
pub(crate) mod tests;
