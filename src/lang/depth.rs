//! Nesting limits of the rule language, checked before and after parsing, so that no rule
//! file can overflow the stack of the parser, checker, formatter or evaluator (all recursive).
//!
//! Two measures: brackets (and `if`s) open at once in the text, checked before pest runs, since
//! pest's descent is what deep brackets overflow first; and the depth of each built expression
//! tree, measured without recursion, since a 15,000-term sum is one flat rule to pest but a
//! 15,000-deep tree to everything after it.

use crate::lang::ast::{Expr, ExprKind, Part, Rule, Span, Stmt, Template};

/// Most brackets `( [ {` (and `if`s) open at once in one statement.
pub(crate) const MAX_NESTING: usize = 128;
/// Most levels of one expression tree (a chain `a + b + …` counts one level per operator).
pub(crate) const MAX_TREE_DEPTH: usize = 100;

/// The first place in `text` where more than [`MAX_NESTING`] brackets or `if`s are open, as a
/// span of the opening that went too deep.
pub(crate) fn too_deep(text: &str) -> Option<Span> {
    let mut open = 0usize;
    let mut ifs: Vec<usize> = Vec::new();
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '{' | '（' | '［' | '｛' => open += 1,
            ')' | ']' | '}' | '）' | '］' | '｝' => {
                open = open.saturating_sub(1);
                ifs.retain(|&depth| depth <= open);
            }
            'i' if text[i..].starts_with("if")
                && !bytes
                    .get(i + 2)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
                && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) =>
            {
                // An `if` stays open until its bracket level closes (its `else` branch may
                // hold the next `if`).
                ifs.push(open);
            }
            _ => continue,
        }
        if open + ifs.len() > MAX_NESTING {
            return Some(Span::new(i, i + c.len_utf8()));
        }
    }
    None
}

/// The first sub-expression of `e` (outermost first) at which the tree is deeper than
/// [`MAX_TREE_DEPTH`], measured with an explicit stack.
pub(crate) fn too_deep_tree(e: &Expr) -> Option<Span> {
    let mut stack: Vec<(&Expr, usize)> = vec![(e, 1)];
    while let Some((e, depth)) = stack.pop() {
        if depth > MAX_TREE_DEPTH {
            return Some(e.span);
        }
        for child in children(e) {
            stack.push((child, depth + 1));
        }
    }
    None
}

/// The first over-deep expression of a rule.
pub(crate) fn too_deep_rule(rule: &Rule) -> Option<Span> {
    rule_exprs(rule).into_iter().find_map(too_deep_tree)
}

/// The expressions interpolated in a message template.
fn template(t: &Template) -> impl Iterator<Item = &Expr> {
    t.parts.iter().filter_map(|p| match p {
        Part::Expr(x) => Some(x),
        _ => None,
    })
}

/// Every expression written in a rule: its statements' expressions and message templates.
fn rule_exprs(rule: &Rule) -> Vec<&Expr> {
    let mut out: Vec<&Expr> = Vec::new();
    for check in &rule.checks {
        for s in &check.stmts {
            match s {
                Stmt::For { list, filter, .. } => {
                    out.push(list);
                    out.extend(filter);
                }
                Stmt::Let { value, .. } => out.push(value),
                Stmt::When(e) | Stmt::At(e) => out.push(e),
                Stmt::Related { value, label } => {
                    out.push(value);
                    out.extend(label.iter().flat_map(template));
                }
                Stmt::Message(t) => out.extend(template(t)),
            }
        }
    }
    out
}

/// The expressions directly inside `e`.
fn children(e: &Expr) -> Vec<&Expr> {
    match &e.kind {
        ExprKind::Text(t) => t
            .parts
            .iter()
            .filter_map(|p| match p {
                Part::Expr(x) => Some(x),
                _ => None,
            })
            .collect(),
        ExprKind::List(items) | ExprKind::Call(_, items, _) => items.iter().collect(),
        ExprKind::Map(entries) => entries.iter().map(|(_, v)| v).collect(),
        ExprKind::Comprehension(c) => {
            let mut v = vec![&c.body, &c.list];
            v.extend(&c.filter);
            v
        }
        ExprKind::Member(b, ..) | ExprKind::Neg(b) | ExprKind::Not(b) => vec![b],
        ExprKind::Index(a, b) | ExprKind::Binary(_, a, b) => vec![a, b],
        ExprKind::If(a, b, c) => vec![a, b, c],
        ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null | ExprKind::Var(..) => vec![],
    }
}

/// Runs `f` where the stack has room for pest's descent: each bracket level costs tens of KB
/// in a debug build, more than a 2 MB thread (a test's, a worker's) allows at the nesting the
/// language permits ([`MAX_NESTING`]); the checker's walk is recursive too. On targets without threads `f` runs in place,
/// and so it does on a thread this function started (compiling a pack parses its files there:
/// one thread per pack, not one per file).
pub(crate) fn with_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    #[cfg(not(target_family = "wasm"))]
    {
        thread_local! {
            static ROOMY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
        }
        if ROOMY.with(std::cell::Cell::get) {
            return f();
        }
        const STACK: usize = 256 << 20;
        let result = std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(STACK)
                .spawn_scoped(s, || {
                    ROOMY.with(|r| r.set(true));
                    f()
                })
                .map(|h| h.join())
        });
        match result {
            Ok(Ok(v)) => v,
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            // No thread could be started: parse in place (the limits still hold in release).
            Err(_) => unreachable_thread(),
        }
    }
    #[cfg(target_family = "wasm")]
    {
        f()
    }
}

/// A thread for the parser could not be spawned (the system is out of threads or memory).
#[cfg(not(target_family = "wasm"))]
fn unreachable_thread() -> ! {
    panic!("无法为规则解析创建线程（系统资源不足）")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_brackets_and_ifs_not_words_containing_if() {
        let deep = format!("x = {}1{}", "(".repeat(200), ")".repeat(200));
        let at = too_deep(&deep).expect("too deep");
        assert_eq!(at.start, 4 + MAX_NESTING);
        let fine = format!("x = {}1{}", "(".repeat(100), ")".repeat(100));
        assert_eq!(too_deep(&fine), None);
        // Closed brackets do not add up.
        assert_eq!(too_deep(&"(1) ".repeat(1000)), None);
        let ifs = "if a then 1 else ".repeat(200) + "0";
        assert!(too_deep(&ifs).is_some());
        assert_eq!(too_deep(&"modify(x) if_x diff ".repeat(300)), None);
    }
}
