//! Rule files → syntax tree. Each top-level item (`param`, `let`, `rule` at the start of a line)
//! is parsed on its own, so one syntax error does not hide the next.

use crate::diag::{DiagKind, Problem, SourceFile};
use crate::lang::ast::*;
use crate::lang::depth;
use pest::Parser;

mod build;
mod fast;
#[cfg(test)]
mod tests;
use build::Builder;

/// The pest parser of grammar/rules.pest (its generated `Rule` enum names the grammar rules).
#[allow(missing_docs)]
mod grammar {
    #[derive(pest_derive::Parser)]
    #[grammar = "grammar/rules.pest"]
    pub(super) struct RulesParser;
}
use grammar::{Rule, RulesParser};

/// Parses one rule file. Returns what parsed and every syntax error found.
pub(crate) fn parse_file(file: &SourceFile) -> (File, Vec<Problem>) {
    depth::with_stack(|| parse_here(file))
}

/// One top-level item of a rule file.
#[derive(Debug)]
pub(crate) enum Item {
    /// `param 名 = 值`.
    Param(Param),
    /// `let 名 = 表达式` at file level.
    Let(Param),
    /// `assert 条件 "说明"`.
    Assert(Assert),
    /// `rule …`.
    Rule(crate::lang::ast::Rule),
}

fn parse_here(file: &SourceFile) -> (File, Vec<Problem>) {
    let mut out = File::default();
    let mut errors = Vec::new();
    let text = file.text.as_str();
    for (start, end) in chunks(text) {
        let chunk = &text[start..end];
        if let Some(at) = depth::too_deep(chunk) {
            errors.push(nesting_error(
                file,
                Span::new(start + at.start, start + at.end),
            ));
            continue;
        }
        // the hand-written parser takes what parses; pest everything else, for its errors
        let items = match fast::parse_chunk(chunk, start) {
            Some(items) => items.into_iter().map(|i| (i, None)).collect(),
            None => match pest_items(chunk, start) {
                Ok(items) => items,
                Err(e) => {
                    errors.push(
                        unclosed_string(file, start, chunk)
                            .unwrap_or_else(|| syntax_error(file, start, e)),
                    );
                    continue;
                }
            },
        };
        for (item, deep) in items {
            match item {
                Item::Param(p) => match deep.or_else(|| depth::too_deep_tree(&p.value)) {
                    Some(at) => errors.push(nesting_error(file, at)),
                    None => out.params.push(p),
                },
                Item::Let(p) => match deep.or_else(|| depth::too_deep_tree(&p.value)) {
                    Some(at) => errors.push(nesting_error(file, at)),
                    None => out.lets.push(p),
                },
                Item::Assert(a) => match deep.or_else(|| depth::too_deep_tree(&a.cond)) {
                    Some(at) => errors.push(nesting_error(file, at)),
                    None => out.asserts.push(a),
                },
                Item::Rule(r) => match deep.or_else(|| depth::too_deep_rule(&r)) {
                    Some(at) => errors.push(nesting_error(file, at)),
                    None => out.rules.push(r),
                },
            }
        }
    }
    (out, errors)
}

/// One chunk parsed by pest and built from its pairs, with where each item's chain was cut
/// at the tree limit (if it was).
fn pest_items(
    chunk: &str,
    start: usize,
) -> Result<Vec<(Item, Option<Span>)>, pest::error::Error<Rule>> {
    let mut pairs = RulesParser::parse(Rule::file, chunk)?;
    let file_pair = pairs.next().expect("file rule");
    let b = Builder {
        offset: start,
        deep: std::cell::Cell::new(None),
    };
    let mut items = Vec::new();
    for item in file_pair.into_inner() {
        let built = match item.as_rule() {
            Rule::param => Item::Param(b.param(item)),
            Rule::form_let => Item::Let(b.param(item)),
            Rule::assert_def => Item::Assert(b.assert(item)),
            Rule::rule_def => Item::Rule(b.rule(item)),
            _ => continue,
        };
        items.push((built, b.deep.take()));
    }
    Ok(items)
}

/// The error for an expression nested (or chained) deeper than the language allows.
fn nesting_error(file: &SourceFile, span: Span) -> Problem {
    Problem {
        kind: DiagKind::TooDeep,
        message: format!(
            "表达式嵌套过深：括号或 if 最多嵌套 {} 层，一个表达式最多 {} 层运算 (expression nested too deeply)",
            depth::MAX_NESTING,
            depth::MAX_TREE_DEPTH
        ),
        span: Some(span),
        label: "从这里开始超出".to_string(),
        help: Some(
            "把表达式拆成几个 let，或用 sum([...]) 代替很长的 a + b + … 连加".to_string(),
        ),
        related: Vec::new(),
        file: file.clone(),
    }
}

/// Splits a file at lines that start (unindented) with `param`, `let` or `rule`.
fn chunks(text: &str) -> Vec<(usize, usize)> {
    let mut starts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if offset > 0
            && ["param ", "let ", "rule ", "assert "]
                .iter()
                .any(|k| line.starts_with(k))
        {
            starts.push(offset);
        }
        offset += line.len();
    }
    let mut out = Vec::new();
    for (i, s) in starts.iter().enumerate() {
        let e = starts.get(i + 1).copied().unwrap_or(text.len());
        out.push((*s, e));
    }
    out
}

/// The names rule authors see for grammar rules (never the internal ones).
pub(crate) fn rule_name(r: &Rule) -> &'static str {
    match r {
        Rule::EOI => "文件结尾 (end of file)",
        Rule::param => "参数定义 `param 名称 = 值`",
        Rule::form_let => "定义 `let 名称 = 表达式`",
        Rule::assert_def => "不变式 `assert 条件 \"说明\"`",
        Rule::rule_def => "规则 `rule 代码 级别 \"标题\" { … }`",
        Rule::code => "规则代码 (如 B001)",
        Rule::severity => "级别 error / warning / info",
        Rule::meta | Rule::meta_key => "title_en / description / source / example",
        Rule::check => "check { … }",
        Rule::stmts => "语句 (for / let / when / at / related / message)",
        Rule::for_stmt | Rule::kw_for => "for",
        Rule::let_stmt | Rule::kw_let => "let",
        Rule::when_stmt | Rule::kw_when => "when",
        Rule::at_stmt | Rule::kw_at => "at",
        Rule::related_stmt | Rule::kw_related => "related",
        Rule::message_stmt | Rule::kw_message => "message",
        Rule::kw_in => "in",
        Rule::kw_where => "where",
        Rule::kw_then => "then",
        Rule::kw_else => "else",
        Rule::kw_if => "if",
        Rule::expr
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::cmp_expr
        | Rule::coalesce
        | Rule::sum_expr
        | Rule::prod_expr
        | Rule::unary
        | Rule::postfix
        | Rule::if_expr => "表达式 (expression)",
        Rule::op_or | Rule::op_and => "and / or",
        Rule::op_not => "not",
        Rule::op_cmp => "比较符 (= != < <= > >= in)",
        Rule::op_add | Rule::op_mul | Rule::op_neg => "运算符 (+ - * /)",
        Rule::member => "`.字段`",
        Rule::index => "`[…]`",
        Rule::call | Rule::args | Rule::comprehension => "参数 (arguments)",
        Rule::list => "列表 `[…]`",
        Rule::map => "表 `{键: 值}`",
        Rule::entry => "`键: 值`",
        Rule::boolean => "true / false",
        Rule::null => "null",
        Rule::number => "数字",
        Rule::string | Rule::text_q | Rule::text_c | Rule::lbrace | Rule::rbrace | Rule::interp => {
            "字符串 \"…\""
        }
        Rule::ident | Rule::keyword => "名称 (name)",
        Rule::file => "规则文件",
        _ => "规则文件内容",
    }
}

/// A string whose closing quote never comes: reported at its opening quote (pest would
/// report wherever it gave up, often lines later).
fn unclosed_string(file: &SourceFile, offset: usize, chunk: &str) -> Option<Problem> {
    let at = crate::lang::fmt::lex::stuck_at(chunk)?;
    let quote = chunk[at..]
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '“'))?;
    let close = if quote == '"' { '"' } else { '”' };
    let span = Span::new(offset + at, offset + at + quote.len_utf8());
    Some(
        Problem::new(
            DiagKind::Syntax,
            file,
            Some(span),
            format!("字符串没有结束：这个引号没有配对的右引号“{close}” (unclosed string)"),
        )
        .with_label("字符串从这里开始")
        .with_help(Some(format!(
            "在字符串末尾补上“{close}”；字符串里要写引号时用 \\\" 或换用“…”"
        ))),
    )
}

/// The half-width character a Chinese input method's punctuation stands for, when the rule
/// language has no use for the full-width one at that place.
fn half_width_for(c: char) -> Option<char> {
    let h = match c {
        '。' => '.',
        '、' => ',',
        '【' => '[',
        '】' => ']',
        '‘' | '’' => '\'',
        c => crate::text::half_width(c),
    };
    (h != c).then_some(h)
}

fn syntax_error(file: &SourceFile, offset: usize, e: pest::error::Error<Rule>) -> Problem {
    let (start, end) = match e.location {
        pest::error::InputLocation::Pos(p) => (p, p),
        pest::error::InputLocation::Span((s, e)) => (s, e),
    };
    let mut expected: Vec<&str> = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().map(rule_name).collect()
        }
        pest::error::ErrorVariant::CustomError { .. } => vec![],
    };
    expected.sort();
    expected.dedup();
    let text = file.text.as_str();
    let abs = offset + start;
    // widen a point to the character under it, so the label has something to underline
    let width = text[abs..]
        .chars()
        .next()
        .map(|c| c.len_utf8())
        .unwrap_or(0);
    // show the whole word found there (`severe`), or the one character
    let word: String = text[abs..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .take(16)
        .collect();
    let span = Span::new(abs, (offset + end).max(abs + width.max(word.len())));
    let found = match text[abs..].chars().next() {
        None => "文件结尾".to_string(),
        Some(_) if !word.is_empty() => format!("“{word}”"),
        Some(c) => format!("“{c}”"),
    };
    let found_char = text[abs..].chars().next();
    if let Some((c, h)) = found_char.and_then(|c| half_width_for(c).map(|h| (c, h))) {
        return Problem::new(
            DiagKind::Syntax,
            file,
            Some(Span::new(abs, abs + c.len_utf8())),
            format!("全角“{c}”，请改为半角“{h}” (full-width character)"),
        )
        .with_label(format!("改为“{h}”"))
        .with_help(Some(
            "规则里的括号、逗号、冒号、百分号可用全角；其他标点请切换到英文（半角）输入".into(),
        ));
    }
    if expected.len() > 6 {
        expected.truncate(6);
        expected.push("…");
    }
    Problem {
        kind: DiagKind::Syntax,
        message: format!("语法错误：此处不能是{found} (syntax error)"),
        span: Some(span),
        label: if expected.is_empty() {
            "这里".into()
        } else {
            format!("应为 {}", expected.join("、"))
        },
        help: None,
        related: Vec::new(),
        file: file.clone(),
    }
}
