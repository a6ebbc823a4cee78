//! `formlint rules fmt`: one canonical layout for rule files, so every pack reads the same and
//! diffs stay small. The formatter works on tokens (comments are tokens too, so none is lost),
//! groups them into items and statements, and prints them with fixed spacing and indentation.
//! Every result is checked: it must parse to the same syntax tree as the input.
//!
//! Layout: items separated by one blank line (consecutive `param`/`let`s keep the author's
//! grouping), `rule CODE severity "title" {`, two spaces of indentation per block, single
//! spaces around operators. Trailing comments on consecutive lines are aligned.
//!
//! Long statements: a statement that fits in [`MAX_WIDTH`] display columns (a Chinese
//! character counts two) is one line. Otherwise it is broken at the loosest level it holds
//! outside brackets, and only there: before a comprehension's or `for`'s `where`, else before
//! each `else` (every `else` / `else if` branch on its own line), else before each `or`, else
//! each `and` (`||`, `&&` alike), else each binary `+` / `-`. Continuation lines are
//! [`INDENT`] columns deeper than the statement; a part that is still too wide is broken the
//! same way one level deeper. What remains too wide breaks its brackets: a list, a table or a
//! call with several arguments one entry per line with a trailing comma, entries one level
//! deeper and the closing bracket back at the indentation of the line that opened it;
//! parentheses, an index, a comprehension or a one-argument call by breaking their contents as
//! above, the brackets staying on the lines of their contents. A list or table holding a
//! comment is always one entry per line; any other comment inside a statement moves to its own
//! line before the statement. Strings are never split, so a line may still exceed the width.
//! The layout depends only on the tokens, never on the input's line breaks, so formatting is
//! idempotent.

use crate::diag::{Problem, SourceFile};
use crate::lang::ast::File;
use crate::lang::parse::parse_file;
use unicode_width::UnicodeWidthStr;

pub(crate) mod lex;
mod print;
mod structure;

use lex::lex;
use print::{Line, Printer};
use structure::{entries, Entry, EntryKind, Stmt};

/// The widest line the formatter aims for (in display columns; a Chinese character is two).
pub const MAX_WIDTH: usize = 100;

/// How much deeper a continuation line (or a broken bracket's entry) is indented than the line
/// it continues.
pub const INDENT: usize = 4;

/// Why a rule file could not be formatted.
#[derive(Debug, Clone)]
pub enum FmtError {
    /// The file has syntax errors; they are reported as `rules check` reports them.
    Syntax(Vec<Problem>),
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
pub fn ast_dump(name: &str, text: &str) -> Result<String, Vec<Problem>> {
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
    p.seq(
        &s.nodes,
        indent + INDENT,
        if s.block.is_some() { 2 } else { 0 },
    );
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
