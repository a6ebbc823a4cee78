//! The formatter's tokens: rule-file text split into words, numbers, strings (with their
//! interpolations), operators, brackets and comments.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Word,
    Number,
    Str,
    Op,
    Open,
    Close,
    Comma,
    Colon,
    Dot,
    Comment,
}

#[derive(Debug, Clone)]
pub(super) struct Tok {
    pub(super) kind: Kind,
    pub(super) text: String,
    /// First token on its line.
    pub(super) own_line: bool,
    /// An empty line comes before it.
    pub(super) blank_before: bool,
}

pub(super) const KEYWORDS: &[&str] = &[
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
    "rule",
    "param",
    "assert",
    "check",
    "title_en",
    "description",
    "source",
    "example",
];

impl Tok {
    pub(super) fn is(&self, kind: Kind, text: &str) -> bool {
        self.kind == kind && self.text == text
    }
    pub(super) fn is_keyword(&self) -> bool {
        self.kind == Kind::Word && KEYWORDS.contains(&self.text.as_str())
    }
}

/// Where the lexer stops on `text`: the offset of the first thing it cannot read (an
/// unclosed string's opening quote among them), if any.
pub(crate) fn stuck_at(text: &str) -> Option<usize> {
    lex(text).err()
}

/// Splits a rule file into tokens; the error is the byte offset of something unknown.
pub(super) fn lex(text: &str) -> Result<Vec<Tok>, usize> {
    let mut toks = Vec::new();
    let mut i = 0;
    let mut newlines = 0usize;
    while let Some(c) = text[i..].chars().next() {
        if c == '\n' {
            newlines += 1;
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let rest = &text[i..];
        let (kind, end) = if c == '#' || rest.starts_with("//") {
            (Kind::Comment, i + rest.find('\n').unwrap_or(rest.len()))
        } else if c == '"' || c == '“' {
            (Kind::Str, scan_string(text, i).ok_or(i)?)
        } else if c.is_ascii_digit() {
            (Kind::Number, i + number_len(rest))
        } else if c.is_alphabetic() || c == '_' {
            let len = rest
                .char_indices()
                .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
                .map_or(rest.len(), |(j, _)| j);
            (Kind::Word, i + len)
        } else {
            // full-width brackets, comma and colon (Chinese input methods) print half-width
            let kind = match crate::text::half_width(c) {
                '(' | '[' | '{' => Kind::Open,
                ')' | ']' | '}' => Kind::Close,
                ',' => Kind::Comma,
                ':' => Kind::Colon,
                '.' if c == '.' => Kind::Dot,
                _ => Kind::Op,
            };
            let len = if kind == Kind::Op {
                op_len(rest).ok_or(i)?
            } else {
                c.len_utf8()
            };
            (kind, i + len)
        };
        let written = text[i..end].trim_end();
        toks.push(Tok {
            kind,
            text: match kind {
                Kind::Open | Kind::Close | Kind::Comma | Kind::Colon | Kind::Number => {
                    written.chars().map(crate::text::half_width).collect()
                }
                _ => written.to_string(),
            },
            own_line: toks.is_empty() || newlines > 0,
            blank_before: newlines > 1,
        });
        newlines = 0;
        i = end;
    }
    Ok(toks)
}

pub(super) fn number_len(s: &str) -> usize {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let mut n = digits(s);
    if s[n..].starts_with('.') && digits(&s[n + 1..]) > 0 {
        n += 1 + digits(&s[n + 1..]);
    }
    if s[n..].starts_with('%') {
        n += 1;
    } else if s[n..].starts_with('％') {
        n += '％'.len_utf8();
    }
    n
}

pub(super) fn op_len(s: &str) -> Option<usize> {
    for op in ["==", "!=", "<=", ">=", "??", "&&", "||"] {
        if s.starts_with(op) {
            return Some(2);
        }
    }
    let c = s.chars().next()?;
    "=<>+-*/×÷≠≤≥＜＞＝!".contains(c).then_some(c.len_utf8())
}

/// The end of the string literal starting at `start` (interpolations may hold strings).
pub(super) fn scan_string(t: &str, start: usize) -> Option<usize> {
    let (close, escapes) = if t[start..].starts_with('"') {
        ('"', true)
    } else {
        ('”', false)
    };
    let mut i = start + t[start..].chars().next()?.len_utf8();
    loop {
        let rest = &t[i..];
        let c = rest.chars().next()?;
        if escapes && c == '\\' {
            i += 1 + rest[1..].chars().next()?.len_utf8();
        } else if c == close {
            return Some(i + c.len_utf8());
        } else if rest.starts_with("{{") || rest.starts_with("}}") {
            i += 2;
        } else if c == '{' {
            i = scan_interpolation(t, i + 1)?;
        } else {
            i += c.len_utf8();
        }
    }
}

/// The end (past `}`) of an interpolation whose expression starts at `i`.
pub(super) fn scan_interpolation(t: &str, mut i: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        let c = t[i..].chars().next()?;
        match c {
            '"' | '“' => {
                i = scan_string(t, i)?;
                continue;
            }
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i + 1),
            '}' => depth -= 1,
            _ => {}
        }
        i += c.len_utf8();
    }
}
