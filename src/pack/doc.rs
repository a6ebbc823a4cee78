//! A pack's catalogue as Markdown, generated from its manifest and rule files, ready to publish
//! to the units that file forms (`formlint rules doc`).

use crate::pack::Pack;
use std::fmt::Write;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The catalogue: title, version, sources, parameters with their values, and every rule.
pub fn catalogue(pack: &Pack) -> String {
    let m = &pack.manifest;
    let mut out = String::new();
    let title = if m.title.is_empty() {
        m.name.as_str()
    } else {
        m.title.as_str()
    };
    let _ = writeln!(out, "# {title}\n");
    let _ = writeln!(
        out,
        "规则包 (pack) `{}` 版本 (version) `{}`",
        m.name, m.version
    );
    if let Some(base) = &m.extends {
        let _ = writeln!(out, "，基于 (extends) `{}`", base.value);
    }
    out.push('\n');
    if !m.fiscal_years.is_empty() {
        let years: Vec<String> = m.fiscal_years.iter().map(|y| y.to_string()).collect();
        let _ = writeln!(out, "适用年度 (fiscal years)：{}\n", years.join("、"));
    }
    if !m.description.trim().is_empty() {
        let _ = writeln!(out, "{}\n", m.description.trim());
    }
    if !m.sources.is_empty() {
        let _ = writeln!(out, "## 依据 (sources)\n");
        for s in &m.sources {
            let _ = writeln!(out, "- {s}");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## 参数 (parameters)\n");
    let _ = writeln!(out, "| 参数 | 值 |\n|---|---|");
    for (name, v) in pack.program.param_values() {
        let _ = writeln!(out, "| {} | {} |", cell(name), cell(&v.display()));
    }
    out.push('\n');
    let _ = writeln!(out, "## 规则 (rules)\n");
    let _ = writeln!(out, "| 代码 | 级别 | 规则 | Rule |\n|---|---|---|---|");
    for r in pack.program.rules() {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            r.code.text,
            severity_zh(r.severity),
            cell(&r.title),
            cell(r.meta("title_en").unwrap_or(""))
        );
    }
    out.push('\n');
    for r in pack.program.rules() {
        let _ = writeln!(out, "### {} {}\n", r.code.text, r.title);
        let _ = writeln!(out, "- 级别 (severity)：{}", severity_zh(r.severity));
        if let Some(en) = r.meta("title_en") {
            let _ = writeln!(out, "- English: {en}");
        }
        if let Some(s) = r.meta("source") {
            let _ = writeln!(out, "- 依据 (source)：{s}");
        }
        if let Some(d) = r.meta("description") {
            let _ = writeln!(out, "\n{d}");
        }
        if let Some(e) = r.meta("example") {
            let _ = writeln!(out, "\n示例 (example)：{e}");
        }
        out.push('\n');
    }
    out
}

fn severity_zh(s: crate::finding::Severity) -> &'static str {
    match s {
        crate::finding::Severity::Error => "错误 error",
        crate::finding::Severity::Warning => "警告 warning",
        crate::finding::Severity::Info => "提示 info",
    }
}
