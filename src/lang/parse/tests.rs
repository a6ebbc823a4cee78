//! The hand-written parser against pest: on every rule file of the repository, the rule
//! snippets of the docs and thousands of mutations of them, both give the same tree, or the
//! hand-written one declines exactly where pest fails or cuts a chain at the tree limit.

use super::{chunks, fast, pest_items};
use crate::tests_common::Rng;
use std::path::Path;

/// Every `.rules` file under `rules/` and `fuzz/regressions/`, and the ```formlint blocks of
/// the docs.
fn sources() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let mut dirs = vec![root.join("rules"), root.join("fuzz/regressions")];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rules") {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                out.push((p.display().to_string(), text));
            }
        }
    }
    for doc in ["docs/rule-language.md", "docs/tutorial-zh.md"] {
        let text = std::fs::read_to_string(root.join(doc)).expect("doc");
        let mut block: Option<String> = None;
        for line in text.lines() {
            match &mut block {
                None if line.starts_with("```formlint") => block = Some(String::new()),
                Some(b) if line.starts_with("```") => {
                    out.push((doc.to_string(), std::mem::take(b)));
                    block = None;
                }
                Some(b) => {
                    b.push_str(line);
                    b.push('\n');
                }
                None => {}
            }
        }
    }
    out.sort();
    out
}

/// `Some` when `chunk` nests brackets at most a few deep: pest's time doubles with each
/// level of nested lists and calls (it parses their first expression twice), so the deep
/// regression files, which `parse_file` refuses before any parser runs, are left out.
fn shallow(chunk: &str) -> Option<()> {
    let mut open = 0usize;
    for c in chunk.chars() {
        match c {
            '(' | '[' | '{' | '（' | '［' => open += 1,
            ')' | ']' | '}' | '）' | '］' => open = open.saturating_sub(1),
            _ => {}
        }
        if open > 10 {
            return None;
        }
    }
    Some(())
}

/// What parsing a chunk gives, both ways: pest's items as text, with whether a chain was cut
/// (or `None` for a syntax error), and the hand-written parser's items as text.
fn both(chunk: &str) -> (Option<(String, bool)>, Option<String>) {
    let pest = pest_items(chunk, 7).ok().map(|items| {
        let cut = items.iter().any(|(_, deep)| deep.is_some());
        let items: Vec<_> = items.into_iter().map(|(i, _)| i).collect();
        (format!("{items:?}"), cut)
    });
    let fast = fast::parse_chunk(chunk, 7).map(|items| format!("{items:?}"));
    (pest, fast)
}

/// Asserts the two parsers agree on `chunk`; true when it parsed.
fn agree(chunk: &str, what: &str) -> bool {
    let (pest, fast) = super::depth::with_stack(|| both(chunk));
    match (pest, fast) {
        (Some((p, false)), Some(f)) => {
            assert_eq!(p, f, "{what}: different trees for\n{chunk}");
            true
        }
        (Some((_, false)), None) => panic!("{what}: only pest parses\n{chunk}"),
        (None, Some(f)) => panic!("{what}: only the hand-written parser parses\n{chunk}\n{f}"),
        (Some((_, true)), Some(_)) => panic!("{what}: a cut chain parsed by hand\n{chunk}"),
        (None, None) | (Some((_, true)), None) => false,
    }
}

#[test]
fn the_shipped_rules_and_the_docs_parse_the_same_by_hand() {
    let sources = sources();
    assert!(sources.len() > 30, "{} sources", sources.len());
    let mut chunks_seen = 0;
    for (name, text) in &sources {
        for (s, e) in chunks(text) {
            let chunk = &text[s..e];
            if shallow(chunk).is_none() {
                continue;
            }
            if name.contains("fuzz") || name.starts_with("docs") {
                agree(chunk, name);
            } else {
                assert!(agree(chunk, name), "{name}: a shipped chunk does not parse");
            }
            chunks_seen += 1;
        }
    }
    assert!(chunks_seen > 200, "{chunks_seen} chunks");
}

/// Tokens and fragments a mutation inserts: every operator, bracket, quote and keyword of the
/// grammar, full-width forms, comments and escapes.
const PIECES: &[&str] = &[
    " ",
    "\n",
    "\u{3000}",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "（",
    "）",
    "［",
    "］",
    "\"",
    "“",
    "”",
    ",",
    "，",
    ":",
    "：",
    ".",
    "-",
    "+",
    "*",
    "/",
    "×",
    "÷",
    "!",
    "!=",
    "=",
    "==",
    "<",
    "<=",
    ">",
    ">=",
    "≠",
    "≤",
    "≥",
    "＜",
    "＞",
    "＝",
    "??",
    "not ",
    "not\n in ",
    " in ",
    "in",
    "and",
    "&&",
    "or",
    "||",
    "if ",
    " then ",
    " else ",
    "for ",
    " where ",
    "true",
    "false",
    "null",
    "%",
    "％",
    "1.5",
    "12",
    "3.",
    "_",
    "x",
    "名称",
    "#c\n",
    "// c\n",
    "\\",
    "\\\"",
    "{{",
    "}}",
    "let ",
    "param ",
    "rule ",
    "assert ",
    "check",
    "check {",
    "message \"m\"",
    "at x",
    "when ",
    "related ",
    "title_en ",
    "error",
    "B001",
    "[x for x in y]",
    "f(x for x in y where x)",
    "{a: 1, \"b\": 2,}",
    "- -",
    "not not ",
    "ä",
    "①",
    "a.b",
    "x[0]",
    "f()",
    ",)",
];

/// The char boundaries of `s`.
fn bounds(s: &str) -> Vec<usize> {
    let mut b: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
    b.push(s.len());
    b
}

fn mutate(chunk: &str, rng: &mut Rng) -> String {
    let b = bounds(chunk);
    let at = b[rng.below(b.len())];
    let to = b[(b.iter().position(|&x| x == at).unwrap_or(0) + 1 + rng.below(4)).min(b.len() - 1)];
    let piece = PIECES[rng.below(PIECES.len())];
    match rng.below(4) {
        0 => format!("{}{}", &chunk[..at], &chunk[to..]),
        1 => format!("{}{piece}{}", &chunk[..at], &chunk[at..]),
        2 => format!("{}{piece}{}", &chunk[..at], &chunk[to..]),
        _ => format!("{}{}{}", &chunk[..to], &chunk[at..to], &chunk[to..]),
    }
}

#[test]
fn mutations_parse_the_same_by_hand_or_go_to_pest() {
    let mut rng = Rng(0x2020_1201);
    let mut parsed = 0;
    let mut tried = 0;
    for (name, text) in sources() {
        for (s, e) in chunks(&text) {
            let mut chunk = text[s..e].to_string();
            for round in 0..24 {
                // some mutants build on the last: several changes at once
                let m = mutate(if round % 3 == 0 { &text[s..e] } else { &chunk }, &mut rng);
                if shallow(&m).is_none() {
                    continue;
                }
                tried += 1;
                if agree(&m, &name) {
                    parsed += 1;
                }
                chunk = m;
            }
        }
    }
    // both outcomes are exercised
    assert!(tried > 4000, "{tried} mutants");
    assert!(parsed * 10 > tried, "{parsed} of {tried} mutants parsed");
    assert!(
        parsed * 10 < tried * 9,
        "{parsed} of {tried} mutants parsed"
    );
}

#[test]
fn corners_of_the_grammar_parse_the_same_by_hand() {
    let cases = [
        "let a = \"{{}}\"",
        "let a = \"{{x}}\"",
        "let a = \"a{ b }c{{d}}e\\\"f\\\\\"",
        "let a = “x{y}”",
        "let a = [[x for x in y]]",
        "let a = f(x for x in y where x > 1)",
        "let a = [x, y,]",
        "let a = {a: 1, \"b c\": [2], 'x': 3}",
        "let a = a not  in b and not c in d",
        "let a = 1.x + 1.5% - 2％",
        "parameter = 5",
        "letter = 5",
        "let a = - - x ?? y ?? z",
        "let a = not not !x",
        "let a = a != b",
        "let a = a . b [ 0 ] ( 1 )",
        "let a = (x).y",
        "let a = （1，2）",
        "let a = if a then b else if c then d else e",
        "let a = x # comment\n  + 1 // more\n",
        "let a = trueX or nullable and in_x",
        "rule B001 error \"t\" { title_en \"e\" check { when x message \"m\" } check { at y } }",
        "rule B001 警告 \"t\" {\n for r in 资金 where r.x\n let y = 1\n related r.y \"l\"\n message “{r.x}”\n}",
        "assert a = 1 \"m {a}\"",
        "let a = x <= y < z",
        "let a = \"\\",
        "let a = f(,)",
    ];
    for c in cases {
        agree(c, "corner");
    }
    let long = format!("let a = {}1", "1 + ".repeat(150));
    assert!(!agree(&long, "long chain"));
    let negs = format!("let a = {}1", "-".repeat(150));
    assert!(!agree(&negs, "long prefix"));
}
