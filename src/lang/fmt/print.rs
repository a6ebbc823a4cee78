//! The formatter's printer: one statement's nodes laid out in lines, on one line when they fit
//! and otherwise broken at the loosest level first (see the module doc of `lang::fmt`).

use super::lex::{Kind, Tok};
use super::structure::{append_comment, Node};
use super::{INDENT, MAX_WIDTH};
use unicode_width::UnicodeWidthStr;

/// One output line: indentation, code and a comment (a full-line comment has no code).
#[derive(Debug)]
pub(super) struct Line {
    pub(super) indent: usize,
    pub(super) code: String,
    pub(super) comment: Option<String>,
    pub(super) blank_before: bool,
}

impl Line {
    pub(super) fn new(indent: usize) -> Self {
        Line {
            indent,
            code: String::new(),
            comment: None,
            blank_before: false,
        }
    }
}

/// Builds the lines of one statement. Comments inside a statement (outside a broken literal)
/// are `hoisted`: printed on their own lines before it.
pub(super) struct Printer {
    pub(super) lines: Vec<Line>,
    pub(super) hoisted: Vec<String>,
    last: Option<Tok>,
    last_unary: bool,
}

/// The levels a too-wide statement is broken at, loosest first: before a comprehension's or
/// `for`'s `where`, before each `else`, each `or`, each `and`, each binary `+` or `-`.
const LEVELS: [fn(&Tok) -> bool; 5] = [
    |t| t.is(Kind::Word, "where"),
    |t| t.is(Kind::Word, "else"),
    |t| t.is(Kind::Word, "or") || t.is(Kind::Op, "||"),
    |t| t.is(Kind::Word, "and") || t.is(Kind::Op, "&&"),
    |t| t.is(Kind::Op, "+") || t.is(Kind::Op, "-"),
];

impl Printer {
    pub(super) fn new(indent: usize) -> Self {
        Printer {
            lines: vec![Line::new(indent)],
            hoisted: Vec::new(),
            last: None,
            last_unary: false,
        }
    }

    fn column(&self) -> usize {
        self.lines.last().map_or(0, |l| l.indent + l.code.width())
    }

    fn line_indent(&self) -> usize {
        self.lines.last().map_or(0, |l| l.indent)
    }

    /// Starts a continuation line; `last` stays, so an operator that begins it is still known
    /// to be binary.
    fn new_line(&mut self, indent: usize) {
        self.lines.push(Line::new(indent));
    }

    fn token(&mut self, t: &Tok) {
        if t.kind == Kind::Comment {
            self.hoisted.push(t.text.clone());
            return;
        }
        let unary = t.kind == Kind::Op
            && (t.text == "-" || t.text == "!")
            && self.last.as_ref().is_none_or(|l| {
                matches!(l.kind, Kind::Op | Kind::Open | Kind::Comma | Kind::Colon)
                    || l.is_keyword()
            });
        let space = self
            .last
            .as_ref()
            .is_some_and(|l| space_between(l, t, self.last_unary));
        if let Some(line) = self.lines.last_mut() {
            if space && !line.code.is_empty() {
                line.code.push(' ');
            }
            line.code.push_str(&t.text);
        }
        self.last = Some(t.clone());
        self.last_unary = unary;
    }

    /// Prints `nodes` from the current column: on one line when they fit with `extra` columns
    /// after them; else split before the loosest operators present (continuation lines at
    /// `cont`, their own breaks deeper still); else with too-wide brackets broken.
    pub(super) fn seq(&mut self, nodes: &[Node], cont: usize, extra: usize) {
        let fits = self.column() + self.flat_width(nodes) + extra <= MAX_WIDTH;
        if fits && !nodes.iter().any(forced_break) {
            nodes.iter().for_each(|n| self.flat(n));
            return;
        }
        if !fits {
            if let Some(parts) = split(nodes) {
                let last = parts.len() - 1;
                for (k, part) in parts.iter().enumerate() {
                    if k > 0 {
                        self.new_line(cont);
                    }
                    self.seq(part, cont + INDENT, if k == last { extra } else { 0 });
                }
                return;
            }
        }
        let last = nodes.len().saturating_sub(1);
        for (k, n) in nodes.iter().enumerate() {
            self.node(n, cont, if k == last { extra } else { 0 });
        }
    }

    /// The width of nodes printed on one line after what is already on the line.
    fn flat_width(&self, nodes: &[Node]) -> usize {
        let mut probe = Printer::new(0);
        probe.last = self.last.clone();
        probe.last_unary = self.last_unary;
        nodes.iter().for_each(|n| probe.flat(n));
        probe.lines.first().map_or(0, |l| l.code.width())
    }

    /// Prints a node on the current line.
    fn flat(&mut self, n: &Node) {
        match n {
            Node::Tok(t) => self.token(t),
            Node::Group { open, items, close } => {
                self.token(open);
                for (k, item) in items.iter().enumerate() {
                    // a trailing comma is dropped on one line
                    let trailing_comma = item.first().kind == Kind::Comma
                        && matches!(item, Node::Tok(_))
                        && items[k + 1..]
                            .iter()
                            .all(|i| i.first().kind == Kind::Comment);
                    if !trailing_comma {
                        self.flat(item);
                    }
                }
                if let Some(c) = close {
                    self.token(c);
                }
            }
        }
    }

    /// Prints a node of a line that is too wide: a bracket that holds a comment or would cross
    /// the right margin is broken, a list, table or call one entry per line, anything else
    /// (parentheses, an index, a comprehension) by breaking its contents.
    fn node(&mut self, n: &Node, cont: usize, extra: usize) {
        let Node::Group { open, items, close } = n else {
            self.flat(n);
            return;
        };
        let wide = self.column() + self.flat_width(std::slice::from_ref(n)) + extra > MAX_WIDTH;
        if !wide && !forced_break(n) {
            self.flat(n);
        } else if self.listing(open, items) {
            self.break_group(open, items, close.as_ref());
        } else {
            self.token(open);
            let close_width = close.as_ref().map_or(0, |c| c.text.width());
            self.seq(items, cont, extra + close_width);
            if let Some(c) = close {
                self.token(c);
            }
        }
    }

    /// Whether a group is a list or table literal or a call's arguments (not an index,
    /// parentheses or a comprehension), and so may be printed one entry per line.
    fn listing(&self, open: &Tok, items: &[Node]) -> bool {
        let postfix = self.last.as_ref().is_some_and(|l| {
            (l.kind == Kind::Word && !l.is_keyword()) || matches!(l.kind, Kind::Close | Kind::Str)
        });
        // a call with one argument keeps it on the call's line and breaks the argument instead
        let listing = match open.text.as_str() {
            "{" => true,
            "[" => !postfix,
            "(" => postfix && items.iter().any(|i| i.first().kind == Kind::Comma),
            _ => false,
        };
        listing
            && !items.is_empty()
            && !items
                .iter()
                .any(|i| matches!(i, Node::Tok(t) if t.is(Kind::Word, "for")))
    }

    /// Prints a group one entry per line, entries one level deeper than the line that opens
    /// it, each with a trailing comma, the closing bracket back at that line's indentation.
    fn break_group(&mut self, open: &Tok, items: &[Node], close: Option<&Tok>) {
        let outer = self.line_indent();
        let inner = outer + INDENT;
        self.token(open);
        let mut entry: Vec<&Node> = Vec::new();
        let mut pending: Vec<String> = Vec::new();
        let mut wrote_entry = false;
        let flush = |p: &mut Printer, entry: &mut Vec<&Node>, pending: &mut Vec<String>| {
            if entry.is_empty() {
                return false;
            }
            for c in pending.drain(..) {
                p.new_line(inner);
                if let Some(l) = p.lines.last_mut() {
                    l.comment = Some(c);
                }
            }
            p.new_line(inner);
            let nodes: Vec<Node> = entry.drain(..).cloned().collect();
            p.seq(&nodes, inner + INDENT, 1);
            if let Some(l) = p.lines.last_mut() {
                l.code.push(',');
            }
            true
        };
        for item in items {
            match item {
                Node::Tok(t) if t.kind == Kind::Comma => {
                    wrote_entry |= flush(self, &mut entry, &mut pending);
                }
                Node::Tok(t) if t.kind == Kind::Comment && !t.own_line => {
                    wrote_entry |= flush(self, &mut entry, &mut pending);
                    if wrote_entry && pending.is_empty() {
                        if let Some(l) = self.lines.last_mut() {
                            append_comment(&mut l.comment, &t.text);
                        }
                    } else {
                        pending.push(t.text.clone());
                    }
                }
                Node::Tok(t) if t.kind == Kind::Comment => {
                    if entry.is_empty() {
                        pending.push(t.text.clone());
                    } else {
                        entry.push(item);
                    }
                }
                _ => entry.push(item),
            }
        }
        flush(self, &mut entry, &mut pending);
        for c in pending {
            self.new_line(inner);
            if let Some(l) = self.lines.last_mut() {
                l.comment = Some(c);
            }
        }
        self.new_line(outer);
        if let Some(c) = close {
            self.token(c);
        }
    }
}

/// `nodes` cut before each break point of the loosest level they hold (outside brackets).
fn split(nodes: &[Node]) -> Option<Vec<&[Node]>> {
    for level in LEVELS {
        let cuts: Vec<usize> = (1..nodes.len())
            .filter(|&k| matches!(&nodes[k], Node::Tok(t) if level(t) && binary(&nodes[..k])))
            .collect();
        if cuts.is_empty() {
            continue;
        }
        let mut parts = Vec::with_capacity(cuts.len() + 1);
        let mut start = 0;
        for k in cuts {
            parts.push(&nodes[start..k]);
            start = k;
        }
        parts.push(&nodes[start..]);
        return Some(parts);
    }
    None
}

/// Whether an operator after `before` is binary: the last node before it (comments aside)
/// ends an operand. A `-` after an operator or keyword is a sign, never a break point.
fn binary(before: &[Node]) -> bool {
    let prev = before
        .iter()
        .rev()
        .find(|n| !matches!(n, Node::Tok(t) if t.kind == Kind::Comment));
    match prev {
        None => false,
        Some(Node::Group { .. }) => true,
        Some(Node::Tok(t)) => match t.kind {
            Kind::Word => !t.is_keyword(),
            Kind::Number | Kind::Str | Kind::Close => true,
            _ => false,
        },
    }
}

fn space_between(last: &Tok, next: &Tok, last_unary: bool) -> bool {
    if matches!(
        next.kind,
        Kind::Comma | Kind::Colon | Kind::Close | Kind::Dot
    ) || matches!(last.kind, Kind::Open | Kind::Dot)
        || (last.kind == Kind::Op && last_unary)
    {
        return false;
    }
    if next.kind == Kind::Open && next.text != "{" {
        let postfix = (last.kind == Kind::Word && !last.is_keyword())
            || matches!(last.kind, Kind::Close | Kind::Str);
        return !postfix;
    }
    true
}

/// A list or table literal holding a comment must be printed one entry per line.
fn forced_break(n: &Node) -> bool {
    let Node::Group { open, items, .. } = n else {
        return false;
    };
    let literal = (open.text == "[" || open.text == "{")
        && !items
            .iter()
            .any(|i| matches!(i, Node::Tok(t) if t.is(Kind::Word, "for")));
    let direct = items
        .iter()
        .any(|i| matches!(i, Node::Tok(t) if t.kind == Kind::Comment));
    (literal && direct) || items.iter().any(forced_break)
}
