//! The formatter's structure: tokens grouped into items, statements, blocks and brackets.

use super::lex::{Kind, Tok};

/// A token or a bracketed group of nodes.
#[derive(Debug, Clone)]
pub(super) enum Node {
    Tok(Tok),
    Group {
        open: Tok,
        items: Vec<Node>,
        close: Option<Tok>,
    },
}

impl Node {
    pub(super) fn first(&self) -> &Tok {
        match self {
            Node::Tok(t) => t,
            Node::Group { open, .. } => open,
        }
    }
}

/// A top-level item or a statement of a block, or a full-line comment between them.
#[derive(Debug)]
pub(super) struct Entry {
    pub(super) blank_before: bool,
    pub(super) kind: EntryKind,
}

#[derive(Debug)]
pub(super) enum EntryKind {
    Comment(String),
    Stmt(Stmt),
}

#[derive(Debug, Default)]
pub(super) struct Stmt {
    /// The statement, or the header of a `rule`/`check` block.
    pub(super) nodes: Vec<Node>,
    /// A `rule`/`check` body.
    pub(super) block: Option<Vec<Entry>>,
    /// Comment after `{` on the header line.
    pub(super) open_comment: Option<String>,
    /// Comment after the statement (after `}` for a block).
    pub(super) trailing: Option<String>,
    pub(super) is_rule: bool,
}

pub(super) fn is_start(t: &Tok, top: bool) -> bool {
    let starts: &[&str] = if top {
        &["param", "let", "assert", "rule"]
    } else {
        &[
            "for",
            "let",
            "when",
            "at",
            "related",
            "message",
            "check",
            "title_en",
            "description",
            "source",
            "example",
        ]
    };
    t.kind == Kind::Word && starts.contains(&t.text.as_str())
}

pub(super) fn depth_step(t: &Tok) -> isize {
    match t.kind {
        Kind::Open => 1,
        Kind::Close => -1,
        _ => 0,
    }
}

/// Splits tokens into entries: items (top level) or statements (inside a block).
pub(super) fn entries(toks: &[Tok], top: bool) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.kind == Kind::Comment {
            if !t.own_line {
                if let Some(Entry {
                    kind: EntryKind::Stmt(s),
                    ..
                }) = out.last_mut()
                {
                    append_comment(&mut s.trailing, &t.text);
                    i += 1;
                    continue;
                }
            }
            out.push(Entry {
                blank_before: t.blank_before,
                kind: EntryKind::Comment(t.text.clone()),
            });
            i += 1;
            continue;
        }
        let blank_before = t.blank_before;
        let is_block = t.is(Kind::Word, if top { "rule" } else { "check" });
        if is_block {
            if let Some((stmt, next)) = block(toks, i, top) {
                out.push(Entry {
                    blank_before,
                    kind: EntryKind::Stmt(stmt),
                });
                i = next;
                continue;
            }
        }
        let mut j = i + 1;
        let mut depth = depth_step(t);
        while j < toks.len() && !(depth <= 0 && is_start(&toks[j], top)) {
            depth += depth_step(&toks[j]);
            j += 1;
        }
        let mut slice = &toks[i..j];
        let mut tail = Vec::new();
        while let Some((last, rest)) = slice.split_last() {
            if last.kind != Kind::Comment {
                break;
            }
            tail.push(last);
            slice = rest;
        }
        tail.reverse();
        let mut stmt = Stmt {
            nodes: tree(slice),
            ..Stmt::default()
        };
        let mut tail = tail.into_iter().peekable();
        if let Some(c) = tail.next_if(|c| !c.own_line) {
            stmt.trailing = Some(c.text.clone());
        }
        out.push(Entry {
            blank_before,
            kind: EntryKind::Stmt(stmt),
        });
        for c in tail {
            out.push(Entry {
                blank_before: c.blank_before,
                kind: EntryKind::Comment(c.text.clone()),
            });
        }
        i = j;
    }
    out
}

pub(super) fn append_comment(slot: &mut Option<String>, text: &str) {
    match slot {
        Some(s) => {
            s.push(' ');
            s.push_str(text);
        }
        None => *slot = Some(text.to_string()),
    }
}

/// A `rule … { … }` or `check { … }` starting at `i`; `None` when its braces are not found.
pub(super) fn block(toks: &[Tok], i: usize, top: bool) -> Option<(Stmt, usize)> {
    let open = i + toks[i..].iter().position(|t| t.is(Kind::Open, "{"))?;
    let mut depth = 0isize;
    let mut close = None;
    for (k, t) in toks.iter().enumerate().skip(open) {
        depth += depth_step(t);
        if depth == 0 {
            close = Some(k);
            break;
        }
    }
    let close = close?;
    let mut body_start = open + 1;
    let mut stmt = Stmt {
        nodes: tree(&toks[i..open]),
        is_rule: top,
        ..Stmt::default()
    };
    if body_start < close && toks[body_start].kind == Kind::Comment && !toks[body_start].own_line {
        stmt.open_comment = Some(toks[body_start].text.clone());
        body_start += 1;
    }
    stmt.block = Some(entries(&toks[body_start..close], false));
    let mut next = close + 1;
    if let Some(c) = toks.get(next) {
        if c.kind == Kind::Comment && !c.own_line {
            stmt.trailing = Some(c.text.clone());
            next += 1;
        }
    }
    Some((stmt, next))
}

/// Nests tokens by brackets.
pub(super) fn tree(toks: &[Tok]) -> Vec<Node> {
    let mut stack: Vec<(Tok, Vec<Node>)> = Vec::new();
    let mut top: Vec<Node> = Vec::new();
    for t in toks {
        match t.kind {
            Kind::Open => stack.push((t.clone(), Vec::new())),
            Kind::Close => {
                let node = match stack.pop() {
                    Some((open, items)) => Node::Group {
                        open,
                        items,
                        close: Some(t.clone()),
                    },
                    None => Node::Tok(t.clone()),
                };
                match stack.last_mut() {
                    Some((_, items)) => items.push(node),
                    None => top.push(node),
                }
            }
            _ => match stack.last_mut() {
                Some((_, items)) => items.push(Node::Tok(t.clone())),
                None => top.push(Node::Tok(t.clone())),
            },
        }
    }
    while let Some((open, items)) = stack.pop() {
        let node = Node::Group {
            open,
            items,
            close: None,
        };
        match stack.last_mut() {
            Some((_, items)) => items.push(node),
            None => top.push(node),
        }
    }
    top
}
