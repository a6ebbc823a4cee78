//! `formlint rules fmt`: one canonical layout for rule files, so every pack reads the same and
//! diffs stay small. The formatter works on tokens (comments are tokens too, so none is lost),
//! groups them into items and statements, and prints them with fixed spacing and indentation.
//! Every result is checked: it must parse to the same syntax tree as the input.
//!
//! Layout: items separated by one blank line (consecutive `param`/`let`s keep the author's
//! grouping), `rule CODE severity "title" {`, two spaces of indentation per block, one
//! statement per line, single spaces around operators, list and table literals on one line
//! when the line fits in [`MAX_WIDTH`] columns, else one entry per line with a trailing comma.
//! Trailing comments on consecutive lines are aligned.

use crate::lang::ast::File;
use crate::lang::error::{RuleError, SourceFile};
use crate::lang::parse::parse_file;
use unicode_width::UnicodeWidthStr;

mod lex;
mod structure;

use lex::{lex, Kind, Tok};
use structure::{append_comment, entries, Entry, EntryKind, Node, Stmt};

/// The widest line the formatter aims for (in display columns; a Chinese character is two).
pub const MAX_WIDTH: usize = 100;

/// Why a rule file could not be formatted.
#[derive(Debug, Clone)]
pub enum FmtError {
    /// The file has syntax errors; they are reported as `rules check` reports them.
    Syntax(Vec<RuleError>),
    /// The formatter could not keep the file's meaning (a bug: the file is left unchanged).
    Internal(String),
}

/// Formats one rule file's text. `name` is only used in diagnostics.
pub fn format_rules(name: &str, text: &str) -> Result<String, FmtError> {
    let before = ast_dump(name, text).map_err(FmtError::Syntax)?;
    let toks = lex(text).map_err(|at| {
        FmtError::Internal(format!("无法识别第 {at} 字节处的内容 (cannot tokenise)"))
    })?;
    let entries = entries(&toks, true);
    let mut out = Vec::new();
    render_entries(&entries, 0, true, &mut out);
    let formatted = join(out);
    match ast_dump(name, &formatted) {
        Ok(after) if after == before => Ok(formatted),
        _ => Err(FmtError::Internal(
            "格式化后的规则与原文含义不同，文件未改动 (formatting would change the rules; file left unchanged)"
                .into(),
        )),
    }
}

/// The syntax tree of a rule file as text, without source positions: two texts with the same
/// dump mean the same rules.
pub fn ast_dump(name: &str, text: &str) -> Result<String, Vec<RuleError>> {
    let (file, errors): (File, _) = parse_file(&SourceFile::new(name, text));
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(strip_spans(&format!("{file:#?}")))
}

/// Removes `Span { start: …, end: … }` from a debug dump.
fn strip_spans(dump: &str) -> String {
    let mut out = String::with_capacity(dump.len());
    let mut rest = dump;
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match rest.find('}') {
            Some(j) => rest = &rest[j + 1..],
            None => break,
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------------
// Printing

/// One output line: indentation, code and a comment (a full-line comment has no code).
#[derive(Debug)]
struct Line {
    indent: usize,
    code: String,
    comment: Option<String>,
    blank_before: bool,
}

fn render_entries(entries: &[Entry], indent: usize, top: bool, out: &mut Vec<Line>) {
    for (k, e) in entries.iter().enumerate() {
        let forced = top && k > 0 && forced_blank(entries, k);
        let blank = k > 0 && (e.blank_before || forced);
        match &e.kind {
            EntryKind::Comment(c) => out.push(Line {
                indent,
                code: String::new(),
                comment: Some(c.clone()),
                blank_before: blank,
            }),
            EntryKind::Stmt(s) => render_stmt(s, indent, blank, out),
        }
    }
}

/// Rules are always set apart from their neighbours by a blank line.
fn forced_blank(entries: &[Entry], k: usize) -> bool {
    let EntryKind::Stmt(prev) = &entries[k - 1].kind else {
        return false;
    };
    let next_is_rule = entries[k..].iter().find_map(|e| match &e.kind {
        EntryKind::Stmt(s) => Some(s.is_rule),
        EntryKind::Comment(_) => None,
    });
    prev.is_rule || next_is_rule == Some(true)
}

fn render_stmt(s: &Stmt, indent: usize, blank: bool, out: &mut Vec<Line>) {
    let mut p = Printer::new(indent);
    p.seq(&s.nodes, indent, if s.block.is_some() { 2 } else { 0 });
    let Printer {
        mut lines, hoisted, ..
    } = p;
    let mut blank = blank;
    for c in hoisted {
        out.push(Line {
            indent,
            code: String::new(),
            comment: Some(c),
            blank_before: blank,
        });
        blank = false;
    }
    if let Some(first) = lines.first_mut() {
        first.blank_before = blank;
    }
    match &s.block {
        Some(body) => {
            if let Some(last) = lines.last_mut() {
                last.code.push_str(" {");
                last.comment = s.open_comment.clone();
            }
            out.extend(lines);
            render_entries(body, indent + 2, false, out);
            out.push(Line {
                indent,
                code: "}".into(),
                comment: s.trailing.clone(),
                blank_before: false,
            });
        }
        None => {
            if let Some(last) = lines.last_mut() {
                last.comment = s.trailing.clone();
            }
            out.extend(lines);
        }
    }
}

/// Builds lines from nodes, breaking list and table literals that do not fit.
struct Printer {
    lines: Vec<Line>,
    hoisted: Vec<String>,
    last: Option<Tok>,
    last_unary: bool,
}

impl Printer {
    fn new(indent: usize) -> Self {
        Printer {
            lines: vec![Line {
                indent,
                code: String::new(),
                comment: None,
                blank_before: false,
            }],
            hoisted: Vec::new(),
            last: None,
            last_unary: false,
        }
    }

    fn column(&self) -> usize {
        self.lines.last().map_or(0, |l| l.indent + l.code.width())
    }

    fn new_line(&mut self, indent: usize) {
        self.lines.push(Line {
            indent,
            code: String::new(),
            comment: None,
            blank_before: false,
        });
        self.last = None;
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
            if space {
                line.code.push(' ');
            }
            line.code.push_str(&t.text);
        }
        self.last = Some(t.clone());
        self.last_unary = unary;
    }

    /// Prints a sequence: on one line when it fits (with `extra` columns after it), else with
    /// its literals broken.
    fn seq(&mut self, nodes: &[Node], indent: usize, extra: usize) {
        let fits = self.column() + self.flat_width(nodes, indent) + extra <= MAX_WIDTH;
        let broken = !fits || nodes.iter().any(forced_break);
        for n in nodes {
            self.node(n, indent, broken);
        }
    }

    /// The width of nodes printed on one line after what is already on the line.
    fn flat_width(&self, nodes: &[Node], indent: usize) -> usize {
        let mut probe = Printer::new(0);
        probe.last = self.last.clone();
        probe.last_unary = self.last_unary;
        for n in nodes {
            probe.node(n, indent, false);
        }
        probe.lines.first().map_or(0, |l| l.code.width())
    }

    /// Prints a node; in a `broken` line, a literal that holds a comment or would cross the
    /// right margin is printed one entry per line.
    fn node(&mut self, n: &Node, indent: usize, broken: bool) {
        match n {
            Node::Tok(t) => self.token(t),
            Node::Group { open, items, close } => {
                if broken
                    && self.breakable(open, items)
                    && (forced_break(n)
                        || self.column() + self.flat_width(std::slice::from_ref(n), indent)
                            > MAX_WIDTH)
                {
                    self.break_group(open, items, close.as_ref(), indent);
                    return;
                }
                self.token(open);
                for (k, item) in items.iter().enumerate() {
                    // a trailing comma is dropped on one line
                    let trailing_comma = item.first().kind == Kind::Comma
                        && matches!(item, Node::Tok(_))
                        && items[k + 1..]
                            .iter()
                            .all(|i| i.first().kind == Kind::Comment);
                    if trailing_comma {
                        continue;
                    }
                    self.node(item, indent, broken);
                }
                if let Some(c) = close {
                    self.token(c);
                }
            }
        }
    }

    /// Whether a group is a list or table literal (not a call, index, parentheses or list
    /// comprehension), and so may be printed one entry per line.
    fn breakable(&self, open: &Tok, items: &[Node]) -> bool {
        let literal = match open.text.as_str() {
            "{" => true,
            "[" => !self.last.as_ref().is_some_and(|l| {
                (l.kind == Kind::Word && !l.is_keyword())
                    || matches!(l.kind, Kind::Close | Kind::Str)
            }),
            _ => false,
        };
        literal
            && !items.is_empty()
            && !items
                .iter()
                .any(|i| matches!(i, Node::Tok(t) if t.is(Kind::Word, "for")))
    }

    fn break_group(&mut self, open: &Tok, items: &[Node], close: Option<&Tok>, indent: usize) {
        self.token(open);
        let inner = indent + 2;
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
            p.seq(&nodes, inner, 1);
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
        self.new_line(indent);
        if let Some(c) = close {
            self.token(c);
        }
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

/// Joins lines, aligning trailing comments of consecutive lines.
fn join(lines: Vec<Line>) -> String {
    let mut out = String::new();
    let mut k = 0;
    while k < lines.len() {
        // a run: consecutive code lines of one indentation, no blank line or comment between
        let mut end = k + 1;
        while end < lines.len()
            && !lines[end].blank_before
            && !lines[end].code.is_empty()
            && lines[end].indent == lines[k].indent
        {
            end += 1;
        }
        let column = lines[k..end]
            .iter()
            .filter(|l| l.comment.is_some() && !l.code.is_empty())
            .map(|l| l.indent + l.code.width() + 2)
            .max()
            .unwrap_or(0);
        for l in &lines[k..end] {
            if l.blank_before && !out.is_empty() {
                out.push('\n');
            }
            let mut text = " ".repeat(l.indent);
            text.push_str(&l.code);
            if let Some(c) = &l.comment {
                if !l.code.is_empty() {
                    let pad = column.saturating_sub(text.width()).max(1);
                    text.push_str(&" ".repeat(pad));
                }
                text.push_str(c);
            }
            out.push_str(text.trim_end());
            out.push('\n');
        }
        k = end;
    }
    out
}
