//! A hand-written parser for rule files that parse: grammar/rules.pest compiled by hand, rule
//! for rule — ordered choices tried in the grammar's order, repetitions that give back what a
//! failed round took, the implicit whitespace and comments between the tokens of non-atomic
//! rules, none inside atomic ones — building the tree [`super::build::Builder`] builds from
//! pest's pairs. pest stays the definition of the language and the source of every syntax
//! error: a chunk this parser does not take (it does not parse, or an operator chain is longer
//! than the tree limit, which the builder cuts and marks) goes to pest unchanged. It exists
//! because pest spends about 2 000 instructions a byte on these files (error tracking on every
//! rule, eleven rule levels for each operand), which made compiling the embedded packs most of
//! a one-form run. `tests.rs` beside it checks that both give the same tree on every shipped
//! rule file and on thousands of mutations of them.

use super::Item;
use crate::finding::Severity;
use crate::lang::ast::*;

/// Why a rule did not match.
enum Stop {
    /// The grammar's rule fails here: a choice tries its next alternative, a repetition ends.
    Fail,
    /// Leave the chunk to pest (a chain longer than the tree limit).
    Bail,
}

type Res<T> = Result<T, Stop>;

/// The items of one chunk (starting at `offset` in its file), or `None` when pest must parse it.
pub(super) fn parse_chunk(chunk: &str, offset: usize) -> Option<Vec<Item>> {
    let mut p = P {
        s: chunk,
        pos: 0,
        off: offset,
        end: 0,
    };
    p.file().ok()
}

/// The words `ident` may not be (grammar rule `keyword`).
const KEYWORDS: &[&str] = &[
    "for",
    "in",
    "where",
    "let",
    "when",
    "at",
    "related",
    "message",
    "if",
    "then",
    "else",
    "and",
    "or",
    "not",
    "true",
    "false",
    "null",
    "rule",
    "param",
    "check",
    "title_en",
    "description",
    "source",
    "example",
    "assert",
];

/// `ident_char = LETTER | NUMBER | "_"`.
fn ident_char(c: char) -> bool {
    c == '_' || pest::unicode::LETTER(c) || pest::unicode::NUMBER(c)
}

/// A token the rule needs, or the rule fails.
fn need(hit: bool) -> Res<()> {
    if hit {
        Ok(())
    } else {
        Err(Stop::Fail)
    }
}

/// `WHITESPACE`.
fn white(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{3000}')
}

struct P<'a> {
    s: &'a str,
    pos: usize,
    off: usize,
    /// Where pest's pair of the expression rule last parsed ends: a rule whose last element
    /// is a repetition or option that matched nothing ends after the whitespace before it
    /// (pest skips between the elements of a sequence), which is where an `if`'s or a
    /// comprehension's span ends.
    end: usize,
}

impl P<'_> {
    fn rest(&self) -> &str {
        &self.s[self.pos..]
    }

    fn span(&self, start: usize) -> Span {
        Span::new(self.off + start, self.off + self.pos)
    }

    /// A literal string.
    fn lit(&mut self, t: &str) -> bool {
        let hit = self.rest().starts_with(t);
        if hit {
            self.pos += t.len();
        }
        hit
    }

    /// A literal not followed by an identifier character (`kw_for = @{ "for" ~ !ident_char }`).
    fn word(&mut self, w: &str) -> bool {
        let rest = self.rest();
        let hit = rest.starts_with(w) && !rest[w.len()..].chars().next().is_some_and(ident_char);
        if hit {
            self.pos += w.len();
        }
        hit
    }

    /// The implicit `(WHITESPACE | COMMENT)*` between tokens of a non-atomic rule.
    fn skip(&mut self) {
        let b = self.s.as_bytes();
        loop {
            match b.get(self.pos) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                // U+3000 IDEOGRAPHIC SPACE
                Some(0xE3) if b[self.pos..].starts_with(&[0xE3, 0x80, 0x80]) => self.pos += 3,
                Some(b'#') => self.comment(),
                Some(b'/') if b.get(self.pos + 1) == Some(&b'/') => self.comment(),
                _ => return,
            }
        }
    }

    /// `COMMENT`: up to the end of the line.
    fn comment(&mut self) {
        let rest = &self.s.as_bytes()[self.pos..];
        self.pos += rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
    }

    /// Where the whitespace and comments from here end (the position does not move).
    fn skip_end(&mut self) -> usize {
        let save = self.pos;
        self.skip();
        std::mem::replace(&mut self.pos, save)
    }

    /// Runs `f`; on a failure puts the position back to where it was, so the caller can try
    /// something else (or take nothing).
    fn attempt<T>(&mut self, f: impl FnOnce(&mut Self) -> Res<T>) -> Res<Option<T>> {
        let save = self.pos;
        match f(self) {
            Ok(v) => Ok(Some(v)),
            Err(Stop::Fail) => {
                self.pos = save;
                Ok(None)
            }
            Err(Stop::Bail) => Err(Stop::Bail),
        }
    }

    fn file(&mut self) -> Res<Vec<Item>> {
        let mut items = Vec::new();
        while let Some(i) = self.attempt(|p| {
            p.skip();
            p.item()
        })? {
            items.push(i);
        }
        self.skip();
        need(self.pos == self.s.len())?;
        Ok(items)
    }

    fn item(&mut self) -> Res<Item> {
        let start = self.pos;
        if self.lit("param") {
            return Ok(Item::Param(self.param_rest(start)?));
        }
        if self.lit("let") {
            return Ok(Item::Let(self.param_rest(start)?));
        }
        if self.lit("assert") {
            self.skip();
            let cond = self.expr()?;
            self.skip();
            let message = self.string()?;
            return Ok(Item::Assert(Assert { cond, message }));
        }
        if self.lit("rule") {
            return Ok(Item::Rule(self.rule_rest(start)?));
        }
        Err(Stop::Fail)
    }

    /// `param`/`let` after the keyword: `ident ~ "=" ~ expr`.
    fn param_rest(&mut self, start: usize) -> Res<Param> {
        self.skip();
        let name = self.ident()?;
        self.skip();
        need(self.lit("="))?;
        self.skip();
        let value = self.expr()?;
        let start = self.off + start;
        let span = Span::new(start, value.span.end.max(start));
        Ok(Param { name, value, span })
    }

    fn rule_rest(&mut self, start: usize) -> Res<Rule> {
        self.skip();
        let code = self.code()?;
        self.skip();
        let sev_start = self.pos;
        let sev = ["error", "warning", "info", "错误", "警告", "提示"]
            .into_iter()
            .find(|w| self.word(w));
        let sev = sev.ok_or(Stop::Fail)?;
        let severity = Severity::parse(sev).unwrap_or(Severity::Error);
        let severity_span = self.span(sev_start);
        self.skip();
        let title = self.string()?.literal().unwrap_or_default();
        self.skip();
        need(self.lit("{"))?;
        let mut meta = Vec::new();
        while let Some(m) = self.attempt(|p| {
            p.skip();
            let mstart = p.pos;
            let key = ["title_en", "description", "source", "example"]
                .into_iter()
                .find(|w| p.word(w))
                .ok_or(Stop::Fail)?;
            p.skip();
            let value = p.string()?.literal().unwrap_or_default();
            Ok((key.to_string(), value, p.span(mstart)))
        })? {
            meta.push(m);
        }
        self.skip();
        let mut checks = Vec::new();
        loop {
            let again = !checks.is_empty();
            let c = self.attempt(|p| {
                if again {
                    p.skip();
                }
                p.check()
            })?;
            match c {
                Some(c) => checks.push(c),
                None => break,
            }
        }
        if checks.is_empty() {
            let cstart = self.pos;
            let (stmts, end) = self.stmts()?;
            checks.push(Check {
                stmts,
                span: Span::new(self.off + cstart, self.off + end),
            });
        }
        self.skip();
        need(self.lit("}"))?;
        Ok(Rule {
            code,
            severity,
            severity_span,
            title,
            meta,
            checks,
            span: self.span(start),
        })
    }

    /// `check { stmts }`.
    fn check(&mut self) -> Res<Check> {
        let start = self.pos;
        need(self.lit("check"))?;
        self.skip();
        need(self.lit("{"))?;
        self.skip();
        let (stmts, _) = self.stmts()?;
        self.skip();
        need(self.lit("}"))?;
        Ok(Check {
            stmts,
            span: self.span(start),
        })
    }

    /// `code = @{ ASCII_ALPHA_UPPER ~ (ASCII_ALPHA_UPPER | ASCII_DIGIT)+ }`.
    fn code(&mut self) -> Res<Name> {
        let start = self.pos;
        let b = self.rest().as_bytes();
        let ok = b.first().is_some_and(u8::is_ascii_uppercase);
        let n = b
            .iter()
            .skip(1)
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            .count();
        need(ok && n > 0)?;
        self.pos += 1 + n;
        Ok(self.name_from(start))
    }

    fn name_from(&self, start: usize) -> Name {
        Name {
            text: self.s[start..self.pos].to_string(),
            span: self.span(start),
        }
    }

    /// `ident = @{ !keyword ~ (LETTER | "_") ~ ident_char* }`.
    fn ident(&mut self) -> Res<Name> {
        let start = self.pos;
        let rest = self.rest();
        let first = rest.chars().next().ok_or(Stop::Fail)?;
        need(first == '_' || pest::unicode::LETTER(first))?;
        let len = rest
            .char_indices()
            .find(|(_, c)| !ident_char(*c))
            .map_or(rest.len(), |(i, _)| i);
        need(!KEYWORDS.contains(&&rest[..len]))?;
        self.pos += len;
        Ok(self.name_from(start))
    }

    /// `stmts = { stmt+ }`, with where its pair ends (`stmt ~ stmt*` to pest).
    fn stmts(&mut self) -> Res<(Vec<Stmt>, usize)> {
        let (first, mut end) = self.stmt()?;
        let mut out = vec![first];
        while let Some((s, e)) = self.attempt(|p| {
            p.skip();
            p.stmt()
        })? {
            out.push(s);
            end = e;
        }
        if out.len() == 1 {
            end = self.skip_end();
        }
        Ok((out, end))
    }

    /// What follows `for` in a statement or a comprehension: `VAR in LIST (where FILTER)?`,
    /// and where it ends.
    fn for_clause(&mut self) -> Res<(Name, Expr, Option<Expr>, usize)> {
        self.skip();
        let var = self.ident()?;
        self.skip();
        need(self.word("in"))?;
        self.skip();
        let list = self.expr()?;
        let filter = self.attempt(|p| {
            p.skip();
            need(p.word("where"))?;
            p.skip();
            p.expr()
        })?;
        let end = if filter.is_some() {
            self.end
        } else {
            self.skip_end()
        };
        Ok((var, list, filter, end))
    }

    /// One statement and where its pair ends.
    fn stmt(&mut self) -> Res<(Stmt, usize)> {
        if self.word("for") {
            let (var, list, filter, end) = self.for_clause()?;
            return Ok((Stmt::For { var, list, filter }, end));
        }
        if self.word("let") {
            self.skip();
            let var = self.ident()?;
            self.skip();
            need(self.lit("="))?;
            self.skip();
            let value = self.expr()?;
            return Ok((Stmt::Let { var, value }, self.end));
        }
        if self.word("when") {
            self.skip();
            let cond = self.expr()?;
            return Ok((Stmt::When(cond), self.end));
        }
        if self.word("at") {
            self.skip();
            let place = self.expr()?;
            return Ok((Stmt::At(place), self.end));
        }
        if self.word("related") {
            self.skip();
            let value = self.expr()?;
            let label = self.attempt(|p| {
                p.skip();
                p.string()
            })?;
            let end = if label.is_some() {
                self.pos
            } else {
                self.skip_end()
            };
            return Ok((Stmt::Related { value, label }, end));
        }
        if self.word("message") {
            self.skip();
            let m = self.string()?;
            return Ok((Stmt::Message(m), self.pos));
        }
        Err(Stop::Fail)
    }
}

mod expr;
