//! YAML and TOML errors as [`Problem`]s: the parser's position as a span into the file, and
//! its message in Chinese for the mistakes authors make (unknown or missing keys, wrong types,
//! duplicate keys), with "did you mean" for a misspelt key. The parser's English is kept in
//! brackets only where no Chinese wording exists.

use super::{DiagKind, Problem, SourceFile, Span};
use crate::text::did_you_mean;
use miette::SourceSpan;
use serde_saphyr::{Error, Location, MessageFormatter};

impl Problem {
    /// A serde-saphyr error in `text` (a `what`: "版式文件", "规则测试文件", …) as a problem at
    /// the parser's position.
    pub fn from_yaml(kind: DiagKind, name: &str, text: &str, what: &str, e: &Error) -> Self {
        let e = e.without_snippet();
        let span = e.location().and_then(|l| yaml_span(&l, text));
        let (message, help) = chinese(e);
        Problem::new(
            kind,
            &SourceFile::new(name, text),
            span.map(Span::from),
            format!("{what}格式有误：{message}"),
        )
        .with_help(help)
    }

    /// A TOML error in `text` (`formlint.toml`) as a problem at its span.
    pub fn from_toml(kind: DiagKind, name: &str, text: &str, e: &toml::de::Error) -> Self {
        let span = e.span().map(|r| Span::new(r.start, r.end));
        let (message, help) = chinese_serde_text(e.message());
        Problem::new(
            kind,
            &SourceFile::new(name, text),
            span,
            format!("{name} 格式有误：{message}"),
        )
        .with_help(help)
    }
}

/// Reads YAML text (a `what`: "版式文件", "规则测试文件", …) into `T`; a mistake is a problem
/// at its place, in Chinese.
pub(crate) fn from_yaml_str<T: serde::de::DeserializeOwned>(
    kind: DiagKind,
    name: &str,
    text: &str,
    what: &str,
) -> Result<T, Box<Problem>> {
    serde_saphyr::from_str(text)
        .map_err(|e| Box::new(Problem::from_yaml(kind, name, text, what, &e)))
}

/// The byte span of a YAML location, if the parser knew it (clamped to the text). Falls back
/// to the line and column (1-based, in characters) when byte offsets are unavailable.
pub(crate) fn yaml_span(loc: &Location, text: &str) -> Option<SourceSpan> {
    if *loc == Location::UNKNOWN {
        return None;
    }
    let span = loc.span();
    let (start, len) = match span.byte_offset() {
        Some(b) => (
            usize::try_from(b).ok()?,
            usize::try_from(span.byte_len().unwrap_or(0)).ok()?,
        ),
        None => (offset_of_line_col(text, loc.line(), loc.column())?, 0),
    };
    let start = start.min(text.len());
    let len = len.min(text.len() - start);
    Some(SourceSpan::new(start.into(), len))
}

/// Byte offset of a 1-based line and character column.
fn offset_of_line_col(text: &str, line: u64, column: u64) -> Option<usize> {
    let line = usize::try_from(line).ok()?.checked_sub(1)?;
    let column = usize::try_from(column).ok()?.saturating_sub(1);
    let mut start = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i == line {
            let within = l.char_indices().nth(column).map_or(l.len(), |(b, _)| b);
            return Some(start + within);
        }
        start += l.len();
    }
    Some(text.len())
}

/// The message and hint for an unknown key: did you mean the nearest, else the keys allowed.
fn unknown_key(field: &str, expected: &[&str]) -> (String, Option<String>) {
    let message = format!("不认识的键“{field}” (unknown field)");
    let help = match did_you_mean(field, expected.iter().copied()) {
        Some(near) => format!("是否想写“{near}”？ Did you mean `{near}`?"),
        None if expected.is_empty() => "这里不能写键".to_string(),
        None => format!("可写的键：{}", expected.join("、")),
    };
    (message, Some(help))
}

/// What serde calls a type, in the words of a form author.
fn type_words(expected: &str) -> String {
    let e = expected.trim();
    let word = if e.contains("string") || e.contains("文字") {
        "文字"
    } else if e.contains("sequence") || e.contains("list") {
        "列表"
    } else if e.contains("map") || e.starts_with("struct") {
        "映射（键: 值）"
    } else if e.contains("bool") {
        "真假值 true/false"
    } else if e.contains("integer") || e.contains("u32") || e.contains("usize") {
        "整数"
    } else if e.contains("float") || e.contains("number") || e.contains("decimal") {
        "数字"
    } else {
        return e.to_string();
    };
    if word == e {
        word.to_string()
    } else {
        format!("{word} ({e})")
    }
}

/// The Chinese message and hint of a serde-saphyr error.
fn chinese(e: &Error) -> (String, Option<String>) {
    match e {
        Error::SerdeUnknownField {
            field, expected, ..
        } => unknown_key(field, expected),
        Error::SerdeMissingField { field, .. } => {
            (format!("缺少键“{field}” (missing field)"), None)
        }
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let help = match did_you_mean(variant, expected.iter().copied()) {
                Some(near) => format!("是否想写“{near}”？"),
                None => format!("可选：{}", expected.join("、")),
            };
            (
                format!("无效的取值“{variant}” (unknown variant)"),
                Some(help),
            )
        }
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => (
            format!(
                "这里应为{}，写的是{unexpected} (invalid type)",
                type_words(expected)
            ),
            None,
        ),
        Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => (
            format!(
                "取值{unexpected}无效，应为{} (invalid value)",
                type_words(expected)
            ),
            None,
        ),
        Error::DuplicateMappingKey { key, .. } => (
            match key {
                Some(k) => format!("键“{k}”写了两次 (duplicate key)"),
                None => "同一个键写了两次 (duplicate key)".to_string(),
            },
            Some("删掉其中一个".to_string()),
        ),
        Error::Eof { .. } => ("文件意外结束 (unexpected end of file)".to_string(), None),
        Error::MultipleDocuments { .. } => (
            "一个文件只能有一个 YAML 文档，请删掉多余的“---” (more than one document)".to_string(),
            None,
        ),
        Error::Unexpected { expected, .. } => (
            format!("这里应为{} (unexpected value)", type_words(expected)),
            None,
        ),
        Error::NonFiniteFloat { value, .. } => (
            format!(
                "“{value}”不是可用的数字：不接受无穷大、NaN 或超出范围的数 (not a finite number)"
            ),
            None,
        ),
        Error::Message { msg, .. } => chinese_serde_text(msg),
        other => other_error(other),
    }
}

/// A parser error with no Chinese wording of its own: the limits by name, else the English in
/// brackets with the usual causes as the hint.
fn other_error(e: &Error) -> (String, Option<String>) {
    let english = serde_saphyr::DefaultMessageFormatter.format_message(e);
    let english = english.trim();
    let limit = if english.contains("recursion limit") {
        Some("嵌套层数过多")
    } else if english.contains("alias") && english.contains("limit") {
        Some("别名（*引用）展开过多")
    } else if english.contains("budget") {
        Some("文件过大或过于复杂")
    } else {
        None
    };
    match limit {
        Some(what) => (
            format!("{what}，超出读取上限 ({english})"),
            Some("这不像一份正常的表单文件；请检查文件来源".to_string()),
        ),
        None => (
            format!("YAML 写法不对 ({english})"),
            Some("检查缩进（只用空格）、冒号后的空格和引号是否成对".to_string()),
        ),
    }
}

/// serde's own message texts (from TOML, or custom errors through YAML) in Chinese, for the
/// shapes serde itself writes; anything else is kept as written.
fn chinese_serde_text(msg: &str) -> (String, Option<String>) {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        if let Some((field, tail)) = rest.split_once('`') {
            let expected: Vec<&str> = tail
                .split('`')
                .skip(1)
                .step_by(2)
                .filter(|s| !s.is_empty())
                .collect();
            return unknown_key(field, &expected);
        }
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        return (format!("缺少键“{field}” (missing field)"), None);
    }
    if let Some(rest) = msg.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            return (
                format!(
                    "这里应为{}，写的是{found} (invalid type)",
                    type_words(expected)
                ),
                None,
            );
        }
    }
    if let Some(rest) = msg.strip_prefix("duplicate key `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return (
            format!("键“{key}”写了两次 (duplicate key)"),
            Some("删掉其中一个".to_string()),
        );
    }
    (msg.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Spec {
        name: String,
        patch: Option<Vec<String>>,
    }

    fn problem(text: &str) -> Problem {
        let e = serde_saphyr::from_str::<Spec>(text).expect_err("must fail");
        Problem::from_yaml(DiagKind::RuleTest, "t.yaml", text, "规则测试文件", &e)
    }

    #[test]
    fn a_misspelt_key_is_named_in_chinese_at_its_place_with_the_near_key() {
        let text = "name: a\npatchs: []\n";
        let p = problem(text);
        assert_eq!(
            p.message,
            "规则测试文件格式有误：不认识的键“patchs” (unknown field)"
        );
        assert_eq!(
            p.help.as_deref(),
            Some("是否想写“patch”？ Did you mean `patch`?")
        );
        let s = p.span.expect("span");
        assert_eq!(&text[s.start..s.start + 6], "patchs");
    }

    #[test]
    fn missing_and_mistyped_keys_are_in_chinese() {
        assert!(problem("patch: []\n").message.contains("缺少键“name”"));
        let p = problem("name: a\npatch: 3\n");
        assert!(p.message.contains("这里应为列表"), "{}", p.message);
    }

    #[test]
    fn toml_unknown_key_is_in_chinese_with_a_span() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Config {
            ignore: Vec<String>,
        }
        let text = "ignroe = []\n";
        let e = toml::from_str::<Config>(text).expect_err("must fail");
        let p = Problem::from_toml(DiagKind::Config, "formlint.toml", text, &e);
        assert!(p.message.contains("不认识的键“ignroe”"), "{}", p.message);
        assert_eq!(
            p.help.as_deref(),
            Some("是否想写“ignore”？ Did you mean `ignore`?")
        );
        assert_eq!(p.span.map(|s| s.start), Some(0));
    }
}
