//! The hand-written recogniser (`scan.rs`) against pest running grammar/value.pest
//! (`oracle.rs`): both must read every text alike — the same match (alternative, comparator,
//! the text of the number and the unit, the calendar's numbers), the same `Option<Parsed>` from
//! `read_value` with the shipped pack's units, the same `Option<Decimal>` from `plain_number` —
//! on the examples of the tests and the docs, every string of the fixtures and the rule tests,
//! tens of thousands of generated values and mutations of the real ones. Each text is compared
//! as written and as the production path feeds it (width-normalised, comparator words written
//! as symbols, compacted for `parse_number`).

use super::oracle::{pest_number, pest_plain_number, pest_read_value, pest_value};
use super::parse::{normalize_width, plain_number, read_value};
use super::scan;
use super::{parse, Parsed, Units};
use crate::tests_common::Rng;
use crate::text::compact;
use std::collections::BTreeSet;
use std::path::Path;

/// The units of the default shipped pack, as `check` loads them.
fn shipped_units() -> Units {
    let pack = crate::pack::load(&crate::pack::embedded(), "<embedded>/").expect("embedded pack");
    pack.program.units().clone()
}

/// What the texts compared were read as by the production path ([`parse`]).
#[derive(Debug, Default)]
struct Tally {
    texts: usize,
    quantities: usize,
    units: usize,
    bounds: usize,
    dates: usize,
    words: usize,
    numbers: usize,
}

/// Asserts both paths agree on `text` in every form the production path hands the grammar,
/// and counts what it reads as.
fn agree(text: &str, units: &Units, tally: &mut Tally) {
    let normalized = normalize_width(text.trim());
    let mut values = vec![text.to_string(), normalized.clone()];
    values.extend(units.comparator_words(&normalized));
    for v in &values {
        assert_eq!(scan::value(v), pest_value(v), "match of value {v:?}");
        assert_eq!(
            read_value(v, units),
            pest_read_value(v, units),
            "value {v:?}"
        );
    }
    let compacted = compact(text);
    let mut numbers = vec![text, compacted.as_str()];
    numbers.extend(compacted.strip_suffix('%'));
    for n in numbers {
        assert_eq!(
            scan::plain_number(n),
            pest_number(n),
            "match of number {n:?}"
        );
        assert_eq!(plain_number(n), pest_plain_number(n), "number {n:?}");
    }
    tally.texts += 1;
    match parse(text, units) {
        Parsed::Quantity(q) => {
            tally.quantities += 1;
            tally.units += usize::from(q.unit.is_some());
        }
        Parsed::DateBound { .. } => tally.bounds += 1,
        Parsed::Date { .. } => tally.dates += 1,
        Parsed::Words(_) => tally.words += 1,
    }
    tally.numbers += usize::from(plain_number(&compacted).is_some());
}

/// Compares every text of `texts` and returns the tally.
fn compare(texts: &BTreeSet<String>) -> Tally {
    let units = shipped_units();
    let mut tally = Tally::default();
    for t in texts {
        agree(t, &units, &mut tally);
    }
    tally
}

/// The files under `dir` (recursively).
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every string in a YAML or JSON document.
fn strings_of(v: &serde_json::Value, out: &mut BTreeSet<String>) {
    match v {
        serde_json::Value::String(s) => {
            out.insert(s.clone());
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| strings_of(i, out)),
        serde_json::Value::Object(m) => m.iter().for_each(|(k, v)| {
            out.insert(k.clone());
            strings_of(v, out);
        }),
        _ => {}
    }
}

/// The string literals of a Rust file, unescaped (`\n`, `\t`, `\u{3000}`, `\"`, `\\`).
fn literals(code: &str, out: &mut BTreeSet<String>) {
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut s = String::new();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('u') => {
                        let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                        let code = u32::from_str_radix(hex.trim_start_matches('{'), 16);
                        s.extend(code.ok().and_then(char::from_u32));
                    }
                    Some(other) => s.push(other),
                    None => {}
                },
                c => s.push(c),
            }
        }
        out.insert(s);
    }
}

/// The `code spans` of a document (Markdown, doc comments, grammar comments), up to 60 chars.
fn code_spans(text: &str, out: &mut BTreeSet<String>) {
    for line in text.lines() {
        for (i, span) in line.split('`').enumerate() {
            if i % 2 == 1 && span.chars().count() <= 60 {
                out.insert(span.to_string());
            }
        }
    }
}

/// The examples of the value tests, the docs and the grammar, and every string of the
/// fixtures' and rule tests' YAML, JSON, CSV and TSV files.
fn real_texts() -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = BTreeSet::new();
    for f in files(&root.join("src/value")) {
        let code = std::fs::read_to_string(&f).expect("source");
        if f.ends_with("tests.rs") {
            literals(&code, &mut out);
        }
        code_spans(&code, &mut out);
    }
    let mut docs = files(&root.join("docs"));
    docs.extend([root.join("README.md"), root.join("grammar/value.pest")]);
    for f in docs {
        code_spans(&std::fs::read_to_string(&f).unwrap_or_default(), &mut out);
    }
    let mut data = files(&root.join("tests/fixtures"));
    data.extend(files(&root.join("rules")));
    for f in data {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue; // not UTF-8: an encoding fixture
        };
        let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext {
            "yaml" => {
                if let Ok(v) = serde_saphyr::from_str::<serde_json::Value>(&text) {
                    strings_of(&v, &mut out);
                }
            }
            "json" => {
                if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
                    strings_of(&v, &mut out);
                }
            }
            "csv" | "tsv" => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .delimiter(if ext == "tsv" { b'\t' } else { b',' })
                    .from_reader(text.as_bytes());
                for record in reader.records().flatten() {
                    out.extend(record.iter().map(str::to_string));
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn the_examples_and_the_fixtures_read_the_same_by_hand() {
    let texts = real_texts();
    let tally = compare(&texts);
    eprintln!("{tally:?}");
    for target in [
        "≥95%",
        "=9台",
        "≤5.6万元",
        "2020年12月底前",
        "≤2020年12月",
        "≥8场次",
    ] {
        assert!(texts.contains(target), "{target} not collected");
    }
    assert!(tally.texts > 2_000, "{tally:?}");
    assert!(tally.quantities > 300 && tally.units > 200, "{tally:?}");
    assert!(
        tally.bounds > 10 && tally.dates > 10 && tally.numbers > 100,
        "{tally:?}"
    );
}

/// White space the grammar skips, usually none.
const SPACE: &[&str] = &["", "", "", "", "", " ", "\t", "\u{3000}", "  ", " \u{3000}"];
/// Comparators in ASCII, Unicode and full-width spellings.
const CMP: &[&str] = &[
    "=", "＝", ">", "＞", "<", "＜", ">=", "<=", "≥", "≤", "≧", "≦", "＞＝",
];
/// Comparators written wrong.
const BAD_CMP: &[&str] = &["> =", "=>", "≥=", "==", "≥≤", "《"];
/// Units of the pack, as filers space and bracket them.
const UNIT: &[&str] = &[
    "%",
    "％",
    "万元",
    "元",
    "人次",
    "场",
    "场次",
    "台",
    "次/双月",
    "元/人·天",
    "人次 / 场",
    "人次／场",
    "元/人・天",
    "元 / 人 • 天",
    "人·次",
    "个月",
    "年",
    "月",
    "日",
    "天",
    "万",
    "个工作日",
    "亿元",
    "家",
    "(%)",
    "(万元)",
    "（%）",
    "( % )",
    "(元/人·天)",
    "（ 万元 ）",
    "\t人次\u{3000}/\u{3000}场",
];
/// What else a filer writes where a unit goes.
const BAD_UNIT: &[&str] = &[
    "次/",
    "/次",
    "%%",
    "次顺利组织召开",
    "以上",
    "以内",
    "x",
    "(%",
    "%)",
    "()",
    "( )",
    "(人次)场",
    "元)",
    "万 元",
    "%元",
    "元%",
    "·",
    "/",
    "元//人",
    "元/ /人",
];
/// Odd characters and pieces of the grammar, for junk and mutations.
const JUNK: &[&str] = &[
    "a",
    "é",
    "😀",
    "\n",
    "\u{a0}",
    "\u{2003}",
    ",",
    "，",
    ".",
    "。",
    "·",
    "/",
    "(",
    ")",
    "（",
    "）",
    "年",
    "月",
    "日",
    "号",
    "底",
    "末",
    "前",
    "以前",
    "之前",
    "约",
    "%",
    "％",
    "0",
    "9",
    "-",
    "+",
    "e5",
    "—",
    "～",
    "１",
    "．",
    "不低于",
    "以上",
    "及以下",
];

/// `n` random ASCII digits.
fn digits(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect()
}

/// A number as filers write it: signs, digits, right and wrong thousands groups, fractions,
/// dangling dots, full-width digits, numbers beyond [`rust_decimal::Decimal`].
fn number(rng: &mut Rng) -> String {
    let sign = rng.pick(&["", "", "", "", "", "", "-", "+", "－", "--", "+-"]);
    let int = match rng.below(10) {
        0..=4 => {
            let n = 1 + rng.below(6);
            digits(rng, n)
        }
        5 | 6 => {
            let n = 1 + rng.below(3);
            let mut s = digits(rng, n);
            for _ in 0..1 + rng.below(3) {
                let n = [3, 3, 3, 3, 3, 2, 4, 0][rng.below(8)];
                s.push_str(rng.pick(&[",", ",", ",", ",", "，", ",,"]));
                s.push_str(&digits(rng, n));
            }
            s
        }
        7 => rng
            .pick(&[
                "1,33",
                "1,3334",
                "12,345,678",
                "1234,567",
                ",100",
                "100,",
                "0,123",
                "",
            ])
            .to_string(),
        8 => match rng.below(3) {
            0 => "9".repeat(29 + rng.below(3)),
            _ => rng.pick(&["９５", "１２３", "0", "00"]).to_string(),
        },
        _ => "100".to_string(),
    };
    let fraction = match rng.below(8) {
        0 | 1 => {
            let n = 1 + rng.below(3);
            format!(".{}", digits(rng, n))
        }
        2 => rng.pick(&[".", "．5", ".5.5", "..5", ".00"]).to_string(),
        _ => String::new(),
    };
    format!("{sign}{int}{fraction}")
}

/// `pieces` with white space (often none) before, between and after them, one place in `every`.
fn spaced(rng: &mut Rng, pieces: &[String], every: usize) -> String {
    let mut s = String::new();
    for p in pieces {
        if rng.one_in(every) {
            s.push_str(rng.pick(SPACE));
        }
        s.push_str(p);
    }
    if rng.one_in(every) {
        s.push_str(rng.pick(SPACE));
    }
    s
}

/// A quantity: `约`, a comparator, a number and a unit, with white space anywhere.
fn quantity(rng: &mut Rng) -> String {
    let mut pieces = Vec::new();
    if rng.one_in(6) {
        pieces.push(
            rng.pick(&["约", "约", "不低于", "不超过", "低于"])
                .to_string(),
        );
    }
    if !rng.one_in(4) {
        pieces.push(rng.either(CMP, BAD_CMP, 10).to_string());
    }
    pieces.push(number(rng));
    if !rng.one_in(4) {
        pieces.push(rng.either(UNIT, BAD_UNIT, 5).to_string());
    }
    if rng.one_in(10) {
        pieces.push(
            rng.pick(&["以上", "以下", "以内", "及以上", "完成", ")", "%"])
                .to_string(),
        );
    }
    spaced(rng, &pieces, 1)
}

/// A date or a date bound: years of four digits and others, months 0–13, days 0–32 (Feb 29 on
/// leap and other years), `底`, `末`, `前`, `以前`, `之前`, a doubled `年`.
fn date(rng: &mut Rng) -> String {
    let mut pieces: Vec<String> = Vec::new();
    let mut put = |piece: &str| pieces.push(piece.to_string());
    if rng.one_in(4) {
        put(rng.pick(&["≤", "<", "<=", "≦", "＜", "≥", "=", "约", "不晚于"]));
    }
    let year = match rng.below(8) {
        0 => rng
            .pick(&["2020", "2021", "1900", "2000", "2100", "2024"])
            .to_string(),
        1 => rng
            .pick(&["20", "202", "20201", "２０２０", "0000"])
            .to_string(),
        _ => format!("{}", 1990 + rng.below(40)),
    };
    put(&year);
    put(rng.either(&["年"], &["年年", "", "月", "年 年"], 5));
    let month = if rng.one_in(4) { 2 } else { rng.below(14) };
    match rng.below(10) {
        0 => put(rng.pick(&["底", "末", "年底"])),
        1 => put(rng.pick(&["01", "00", "123", "012"])),
        _ => put(&month.to_string()),
    }
    put(rng.either(&["月"], &["", "日", "月月"], 8));
    match rng.below(5) {
        0 | 1 => {
            let day = if month == 2 {
                27 + rng.below(4)
            } else {
                rng.below(33)
            };
            put(&day.to_string());
            put(rng.either(&["日", "号"], &["", "月", "日日"], 8));
        }
        2 => put(rng.either(&["底", "末"], &["初", "底底"], 6)),
        _ => {}
    }
    if !rng.one_in(3) {
        put(rng.either(&["前", "以前", "之前"], &["前完成", "后", "前前"], 6));
    }
    spaced(rng, &pieces, 3)
}

/// Tokens of every kind in any order.
fn soup(rng: &mut Rng) -> String {
    (0..1 + rng.below(7))
        .map(|_| match rng.below(6) {
            0 => rng.pick(SPACE).to_string(),
            1 => rng.either(CMP, BAD_CMP, 3).to_string(),
            2 => rng.either(UNIT, BAD_UNIT, 3).to_string(),
            3 => number(rng),
            _ => rng.pick(JUNK).to_string(),
        })
        .collect()
}

/// `text` with one char deleted, a piece inserted, or a char doubled.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut at: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    at.push(text.len());
    let i = at[rng.below(at.len())];
    let next = at.iter().copied().find(|j| *j > i).unwrap_or(i);
    match rng.below(3) {
        0 => format!("{}{}", &text[..i], &text[next..]),
        1 => {
            let pieces = if rng.one_in(2) { JUNK } else { SPACE };
            let piece = rng.pick(pieces);
            format!("{}{piece}{}", &text[..i], &text[i..])
        }
        _ => format!("{}{}", &text[..next], &text[i..]),
    }
}

#[test]
fn generated_values_and_mutations_read_the_same_by_hand() {
    let mut rng = Rng(0x2020_1231);
    let mut texts = BTreeSet::new();
    while texts.len() < 30_000 {
        let t = match rng.below(6) {
            0 | 1 => quantity(&mut rng),
            2 | 3 => date(&mut rng),
            4 => {
                let n = number(&mut rng);
                let pieces = [n, rng.either(&[""], &["%", "％", "%%"], 4).to_string()];
                spaced(&mut rng, &pieces, 2)
            }
            _ => soup(&mut rng),
        };
        texts.insert(t);
    }
    let real: Vec<String> = real_texts()
        .into_iter()
        .filter(|t| t.chars().count() <= 40)
        .collect();
    for t in &real {
        let once = mutate(t, &mut rng);
        let twice = mutate(&once, &mut rng);
        texts.extend([once, twice]);
    }
    let tally = compare(&texts);
    eprintln!("{tally:?}");
    // every kind of outcome is well exercised
    assert!(tally.texts > 30_000, "{tally:?}");
    assert!(tally.quantities > 5_500 && tally.units > 2_800, "{tally:?}");
    assert!(tally.bounds > 1_600 && tally.dates > 800, "{tally:?}");
    assert!(tally.words > 20_000 && tally.numbers > 2_000, "{tally:?}");
}

/// Corners of the grammar, each where one rule decides.
#[test]
fn corners_of_the_grammar_read_the_same_by_hand() {
    let corners = [
        "1,3334",
        "1,33",
        "12,345,678",
        "1,333,33",
        "1234,567",
        "1,333.5",
        "1.",
        "+.5",
        "-0",
        "约",
        "约 ≥ 95 %",
        " \u{3000}≥\t95%\u{3000}",
        "96%%",
        "96%元",
        "=100(%",
        "=100( % )",
        "5(万元)x",
        "5元)",
        "5 人次 / 场",
        "5人次/",
        "5人次 /",
        "5人·次",
        "5年",
        "5月",
        "2020年",
        "2020年年底",
        "2020 年 年 底 前",
        "2020年底前",
        "2020年12月底",
        "2020年12月31",
        "2020年1月123日",
        "2020年123月",
        "20201年1月",
        "2020年2月29日",
        "2021年2月29日",
        "1900年2月29日",
        "2000年2月29日前",
        "2020年0月",
        "2020年13月",
        "2020年12月0日",
        "≤2020年12月",
        "<2020年12月31号",
        "< =2020年12月",
        "≤ 2020 年 12 月 31 日 前",
        "2020年12月以前",
        "2020年12月之前",
        "2020年12月前完成",
        "> =5",
        ">=5",
        "≧5",
        "≦5",
    ];
    let texts: BTreeSet<String> = corners.iter().map(|c| c.to_string()).collect();
    let tally = compare(&texts);
    assert_eq!(tally.texts, corners.len());
}
