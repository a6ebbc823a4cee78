//! HTML output: one self-contained page for the whole run (inline CSS and JS, nothing fetched),
//! showing every form as its grid with the offending cells highlighted, a finding list per file
//! that scrolls to its cell, and filters by severity and code. Described in `docs/html-report.md`.
//!
//! Form contents are untrusted: every piece of text goes through [`escape`].

use super::{Counts, FileReport, Ruleset, Skipped};
use crate::finding::{Finding, Severity};
use crate::form::Place;
use crate::outcome::AcceptedBy;
use crate::sheet::{CellRange, CellRef, CellValue, Sheet};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

const CSS: &str = include_str!("html.css");
const JS: &str = include_str!("html.js");

/// Grids larger than this are cut (a stray value at row 60000 must not make a 1 GB page).
const MAX_ROWS: u32 = 1000;
/// Columns past this are cut.
const MAX_COLS: u32 = 64;

/// Renders the run as one HTML page: ruleset and totals, filters, then per file its findings and
/// its sheets as grids. `files` pairs each report with the sheets it was read from (empty for
/// YAML/JSON input or unreadable files: their findings are listed without a grid).
pub fn render_html(ruleset: &Ruleset, files: &[(FileReport, Vec<Sheet>)]) -> String {
    render_html_with_skipped(ruleset, files, &[])
}

/// [`render_html`], with the files a folder scan found but did not check listed at the end
/// of the page (path and reason), so the page accounts for every file found.
pub fn render_html_with_skipped(
    ruleset: &Ruleset,
    files: &[(FileReport, Vec<Sheet>)],
    skipped: &[Skipped],
) -> String {
    let mut total = Counts::default();
    let mut codes: BTreeMap<&str, (usize, &str)> = BTreeMap::new();
    for (r, _) in files {
        total.add(Counts::of(&r.findings));
        for f in &r.findings {
            codes.entry(&f.code).or_insert((0, &f.title)).0 += 1;
        }
    }
    let forms: usize = files.iter().map(|(r, _)| r.forms).sum();
    let accepted: usize = files.iter().map(|(r, _)| r.accepted.len()).sum();
    let mut out = String::with_capacity(64 * 1024);
    let title = format!("formlint 检查报告 · {} {}", ruleset.name, ruleset.version);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    header(&mut out, ruleset, files.len(), forms, total, accepted);
    filters(&mut out, total, &codes, accepted);
    out.push_str("<main>\n");
    let mut next_id = 0;
    for (i, (report, sheets)) in files.iter().enumerate() {
        file_section(&mut out, i, report, sheets, &mut next_id);
    }
    if files.is_empty() {
        out.push_str("<p class=\"empty\">没有检查任何文件。</p>\n");
    }
    if !skipped.is_empty() {
        let _ = write!(
            out,
            "<section class=\"skipped\">\n<h2>跳过 {} 个（未检查）</h2>\n<ul>\n",
            skipped.len()
        );
        for s in skipped {
            let _ = writeln!(
                out,
                "<li><code>{}</code>：{}</li>",
                escape(&s.path),
                escape(&s.reason)
            );
        }
        out.push_str("</ul>\n</section>\n");
    }
    let _ = write!(out, "</main>\n<script>\n{JS}</script>\n</body>\n</html>\n");
    out
}

fn header(
    out: &mut String,
    ruleset: &Ruleset,
    files: usize,
    forms: usize,
    c: Counts,
    accepted: usize,
) {
    let accepted = if accepted == 0 {
        String::new()
    } else {
        format!(
            "<span class=\"stat accepted\"><b id=\"total-accepted\">{accepted}</b> 条已接受</span>"
        )
    };
    let _ = write!(
        out,
        "<header class=\"top\">\n<h1>formlint 检查报告</h1>\n\
         <p class=\"meta\">规则包 <b class=\"ruleset\">{}</b> 版本 <b class=\"ruleset-version\">{}</b> \
          · formlint {}</p>\n<p class=\"summary\">\
         <span class=\"stat\"><b>{files}</b> 个文件</span>\
         <span class=\"stat\"><b>{forms}</b> 张表</span>\
         <span class=\"stat sev-error\"><b id=\"total-error\">{}</b> 个错误</span>\
         <span class=\"stat sev-warning\"><b id=\"total-warning\">{}</b> 个警告</span>\
         <span class=\"stat sev-info\"><b id=\"total-info\">{}</b> 条提示</span>{accepted}</p>\n</header>\n",
        escape(&ruleset.name),
        escape(&ruleset.version),
        env!("CARGO_PKG_VERSION"),
        c.errors,
        c.warnings,
        c.info,
    );
}

fn filters(out: &mut String, c: Counts, codes: &BTreeMap<&str, (usize, &str)>, accepted: usize) {
    out.push_str("<nav class=\"filters\" id=\"filters\">\n<div class=\"group\"><span class=\"legend\">严重程度</span>");
    for (sev, n) in [
        (Severity::Error, c.errors),
        (Severity::Warning, c.warnings),
        (Severity::Info, c.info),
    ] {
        let _ = write!(
            out,
            "<label class=\"chip sev-{s}\"><input type=\"checkbox\" data-filter=\"severity\" \
             value=\"{s}\" checked> {} <span class=\"n\">{n}</span></label>",
            label(sev),
            s = sev.as_str(),
        );
    }
    out.push_str("</div>\n<div class=\"group codes\"><span class=\"legend\">规则</span>");
    for (code, (n, title)) in codes {
        let _ = write!(
            out,
            "<label class=\"chip\" title=\"{t}\"><input type=\"checkbox\" data-filter=\"code\" \
             value=\"{c}\" checked> <code>{c}</code> <span class=\"n\">{n}</span></label>",
            c = escape(code),
            t = escape(title),
        );
    }
    if codes.is_empty() {
        out.push_str("<span class=\"none\">无</span>");
    } else {
        out.push_str(
            "<button type=\"button\" data-codes=\"all\">全选</button>\
             <button type=\"button\" data-codes=\"none\">全不选</button>",
        );
    }
    out.push_str("</div>\n");
    if accepted > 0 {
        let _ = writeln!(
            out,
            "<div class=\"group\"><span class=\"legend\">已接受</span><label class=\"chip accepted\">\
             <input type=\"checkbox\" data-filter=\"accepted\" value=\"shown\" checked> 显示已接受的问题 \
             <span class=\"n\">{accepted}</span></label></div>"
        );
    }
    out.push_str("<span class=\"shown\" id=\"shown\"></span>\n</nav>\n");
}

/// Chinese name of a severity, as the human summary uses.
fn label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "错误",
        Severity::Warning => "警告",
        Severity::Info => "提示",
    }
}

/// A finding placed on a grid: its list id and the `td` id of its cell, when it has one; for
/// an accepted finding, the acceptance.
struct Placed<'a> {
    id: String,
    finding: &'a Finding,
    cell: Option<String>,
    related: Vec<String>,
    accepted: Option<&'a AcceptedBy>,
}

fn file_section(
    out: &mut String,
    index: usize,
    report: &FileReport,
    sheets: &[Sheet],
    next_id: &mut usize,
) {
    let grids: Vec<Grid> = sheets
        .iter()
        .enumerate()
        .map(|(si, s)| Grid::new(s, cells_on(report, sheets, s), &format!("c{index}-{si}-")))
        .collect();
    let all = report
        .findings
        .iter()
        .map(|f| (f, None))
        .chain(report.accepted.iter().map(|a| (&a.finding, Some(&a.by))));
    let placed: Vec<Placed> = all
        .map(|(f, accepted)| {
            let id = format!("f{next_id}");
            *next_id += 1;
            let grid = sheet_of(f, sheets).and_then(|si| grids.get(si));
            let on = |p: &Place| match (p, grid) {
                (Place::Cell(c), Some(g)) => g.td_id(*c),
                _ => None,
            };
            Placed {
                id,
                finding: f,
                cell: f.at.as_ref().and_then(on),
                related: f.related.iter().filter_map(|r| on(&r.at)).collect(),
                accepted,
            }
        })
        .collect();
    let c = Counts::of(&report.findings);
    // each form's kind and pack, so a mixed batch shows which rules checked what
    let kinds: Vec<String> = report
        .checked
        .iter()
        .map(|f| format!("{}（{} {}）", f.kind, f.pack.name, f.pack.version))
        .collect();
    let _ = write!(
        out,
        "<section class=\"file\" id=\"file-{index}\">\n<h2><span class=\"path\">{}</span>\
         <span class=\"counts\">{} 张表 · {} 错误 · {} 警告 · {} 提示{}</span>\
         <span class=\"kinds\">{}</span></h2>\n\
         <div class=\"body\">\n<div class=\"side\">\n",
        escape(&report.path),
        report.forms,
        c.errors,
        c.warnings,
        c.info,
        match report.accepted.len() {
            0 => String::new(),
            n => format!(" · {n} 已接受"),
        },
        escape(&kinds.join("、"))
    );
    if report.findings.is_empty() {
        out.push_str("<p class=\"ok\">未发现问题</p>\n");
    }
    if !placed.is_empty() {
        out.push_str("<ol class=\"findings\">\n");
        for p in &placed {
            finding_item(out, p);
        }
        out.push_str("</ol>\n<p class=\"all-hidden\" hidden>所有问题均已被筛选隐藏</p>\n");
    }
    out.push_str("</div>\n<div class=\"sheets\">\n");
    let mut by_cell: HashMap<&str, Vec<&Placed>> = HashMap::new();
    for p in &placed {
        if let Some(c) = &p.cell {
            by_cell.entry(c.as_str()).or_default().push(p);
        }
    }
    for (g, s) in grids.iter().zip(sheets) {
        if g.rows > 0 && g.cols > 0 {
            g.render(out, s, &by_cell);
        }
    }
    out.push_str("</div>\n</div>\n</section>\n");
}

fn finding_item(out: &mut String, p: &Placed) {
    let f = p.finding;
    let sev = f.severity.as_str();
    let tip = match p.accepted {
        Some(_) => format!("已接受 {}", tip(f)),
        None => tip(f),
    };
    let _ =
        write!(
        out,
        "<li class=\"finding sev-{sev}{}{}\" id=\"{}\" data-severity=\"{sev}\" data-code=\"{}\" \
         data-tip=\"{}\"",
        if p.cell.is_some() { " linked" } else { "" },
        if p.accepted.is_some() { " accepted" } else { "" },
        p.id,
        escape(&f.code),
        escape(&tip),
    );
    if p.accepted.is_some() {
        out.push_str(" data-accepted=\"1\"");
    }
    if let Some(c) = &p.cell {
        let _ = write!(out, " data-cell=\"{c}\" tabindex=\"0\" role=\"button\"");
    }
    if !p.related.is_empty() {
        let _ = write!(out, " data-related=\"{}\"", p.related.join(" "));
    }
    let _ = write!(
        out,
        ">\n<div class=\"line\">{}<span class=\"badge sev-{sev}\">{}</span> <code>{}</code> \
         <span class=\"loc\">{}</span></div>\n<div class=\"title\">{}</div>\n",
        if p.accepted.is_some() {
            "<span class=\"badge acc\">已接受</span> "
        } else {
            ""
        },
        label(f.severity),
        escape(&f.code),
        escape(&f.location()),
        escape(&f.title),
    );
    if !f.message.is_empty() && f.message != f.title {
        let _ = writeln!(out, "<div class=\"msg\">{}</div>", escape(&f.message));
    }
    if !f.related.is_empty() {
        let rel: Vec<String> = f
            .related
            .iter()
            .map(|r| format!("{} {}", r.at, r.label))
            .collect();
        let _ = writeln!(
            out,
            "<div class=\"rel\">相关：{}</div>",
            escape(&rel.join("，"))
        );
    }
    if let Some(h) = f.help.as_deref().filter(|h| !h.trim().is_empty()) {
        let _ = writeln!(out, "<div class=\"help\">{}</div>", escape(h));
    }
    if let Some(by) = p.accepted {
        let _ = writeln!(
            out,
            "<div class=\"accepted-by\">已接受：{}（{}）</div>",
            escape(&by.reason),
            escape(&by.place())
        );
    }
    out.push_str("</li>\n");
}

/// The tooltip line of a finding on its cell: `错误 S002：title — message`.
fn tip(f: &Finding) -> String {
    let mut s = format!("{} {}：{}", label(f.severity), f.code, f.title);
    if !f.message.is_empty() && f.message != f.title {
        s.push_str(" — ");
        s.push_str(&f.message);
    }
    s
}

/// The index of the sheet a finding is on: by name, or the only sheet when it names none.
fn sheet_of(f: &Finding, sheets: &[Sheet]) -> Option<usize> {
    match &f.sheet {
        Some(name) => sheets.iter().position(|s| &s.name == name),
        None if sheets.len() == 1 => Some(0),
        None => None,
    }
}

/// Cells of `sheet` that findings point at (they widen the shown area past blank cells).
fn cells_on(report: &FileReport, sheets: &[Sheet], sheet: &Sheet) -> Vec<CellRef> {
    let mut out = Vec::new();
    let accepted = report.accepted.iter().map(|a| &a.finding);
    for f in report.findings.iter().chain(accepted) {
        if sheet_of(f, sheets)
            .and_then(|i| sheets.get(i))
            .map(|s| s.name.as_str())
            != Some(sheet.name.as_str())
        {
            continue;
        }
        let places = f.at.iter().chain(f.related.iter().map(|r| &r.at));
        out.extend(places.filter_map(|p| match p {
            Place::Cell(c) => Some(*c),
            Place::Path(_) | Place::Elsewhere(_) => None,
        }));
    }
    out
}

/// A sheet's shown area and its merged regions, clipped to that area.
struct Grid {
    /// Rows shown (from row 1).
    rows: u32,
    /// Columns shown (from column A).
    cols: u32,
    /// Whether the sheet was larger than [`MAX_ROWS`] × [`MAX_COLS`].
    cut: bool,
    /// Merged regions by their top-left cell, clipped; overlapping regions are dropped.
    spans: HashMap<CellRef, CellRange>,
    /// For every cell inside a kept region, its top-left cell.
    anchor: HashMap<CellRef, CellRef>,
    /// Prefix of `td` ids (`c{file}-{sheet}-`).
    prefix: String,
}

impl Grid {
    fn new(sheet: &Sheet, marked: Vec<CellRef>, prefix: &str) -> Grid {
        let (mut rows, mut cols) = (0u32, 0u32);
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.value.is_blank() {
                    rows = rows.max(r as u32 + 1);
                    cols = cols.max(c as u32 + 1);
                }
            }
        }
        for m in &sheet.merges {
            if !sheet.value(m.start).is_blank() {
                rows = rows.max(m.end.row.saturating_add(1));
                cols = cols.max(m.end.col.saturating_add(1));
            }
        }
        for c in marked {
            rows = rows.max(c.row.saturating_add(1));
            cols = cols.max(c.col.saturating_add(1));
        }
        let cut = rows > MAX_ROWS || cols > MAX_COLS;
        let (rows, cols) = (rows.min(MAX_ROWS), cols.min(MAX_COLS));
        let mut spans = HashMap::new();
        let mut anchor = HashMap::new();
        for m in &sheet.merges {
            if m.start.row >= rows || m.start.col >= cols || m.end < m.start {
                continue;
            }
            let end = CellRef::new(m.end.row.min(rows - 1), m.end.col.min(cols - 1));
            if end.col < m.start.col {
                continue;
            }
            let inside = || {
                (m.start.row..=end.row)
                    .flat_map(move |r| (m.start.col..=end.col).map(move |c| CellRef::new(r, c)))
            };
            if inside().any(|c| anchor.contains_key(&c)) {
                continue;
            }
            for c in inside() {
                anchor.insert(c, m.start);
            }
            spans.insert(
                m.start,
                CellRange {
                    start: m.start,
                    end,
                },
            );
        }
        Grid {
            rows,
            cols,
            cut,
            spans,
            anchor,
            prefix: prefix.to_string(),
        }
    }

    /// The id of the `td` showing `c` (its merged region's top-left cell), if it is shown.
    fn td_id(&self, c: CellRef) -> Option<String> {
        if c.row >= self.rows || c.col >= self.cols {
            return None;
        }
        let a = self.anchor.get(&c).copied().unwrap_or(c);
        Some(format!("{}{a}", self.prefix))
    }

    fn render(&self, out: &mut String, sheet: &Sheet, by_cell: &HashMap<&str, Vec<&Placed>>) {
        let _ = write!(
            out,
            "<figure class=\"sheet\">\n<figcaption>{}</figcaption>\n<div class=\"scroll\">\
             <table class=\"grid\">\n<thead><tr><th class=\"corner\"></th>",
            escape(&sheet.name)
        );
        for c in 0..self.cols {
            let _ = write!(out, "<th>{}</th>", CellRef::col_name(c));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for r in 0..self.rows {
            let _ = write!(out, "<tr><th>{}</th>", r + 1);
            for c in 0..self.cols {
                let at = CellRef::new(r, c);
                if self.anchor.get(&at).is_some_and(|a| *a != at) {
                    continue;
                }
                self.cell(out, sheet, at, by_cell);
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table></div>\n");
        if self.cut {
            let _ = writeln!(
                out,
                "<p class=\"cut\">表格过大，只显示前 {} 行、{} 列</p>",
                self.rows, self.cols
            );
        }
        out.push_str("</figure>\n");
    }

    fn cell(
        &self,
        out: &mut String,
        sheet: &Sheet,
        at: CellRef,
        by_cell: &HashMap<&str, Vec<&Placed>>,
    ) {
        let id = format!("{}{at}", self.prefix);
        let value = sheet.value(at);
        let mut class = Vec::new();
        if matches!(value, CellValue::Number(_) | CellValue::Percent(_)) {
            class.push("num".to_string());
        }
        let found = by_cell.get(id.as_str());
        let mut attrs = String::new();
        if let Some(ps) = found {
            let worst = ps
                .iter()
                .filter(|p| p.accepted.is_none())
                .map(|p| p.finding.severity)
                .min();
            match worst {
                Some(w) => class.push(format!("hl sev-{}", w.as_str())),
                // only accepted findings here: marked, not highlighted
                None => class.push("acc".to_string()),
            }
            let ids: Vec<&str> = ps.iter().map(|p| p.id.as_str()).collect();
            let tips: Vec<String> = ps
                .iter()
                .map(|p| match p.accepted {
                    Some(_) => format!("已接受 {}", tip(p.finding)),
                    None => tip(p.finding),
                })
                .collect();
            let _ = write!(
                attrs,
                " data-f=\"{}\" title=\"{}\"",
                ids.join(" "),
                escape(&tips.join("\n"))
            );
        }
        let _ = write!(out, "<td id=\"{id}\"");
        if !class.is_empty() {
            let _ = write!(out, " class=\"{}\"", class.join(" "));
        }
        if let Some(span) = self.spans.get(&at) {
            let rs = span.end.row - span.start.row + 1;
            let cs = span.end.col - span.start.col + 1;
            if rs > 1 {
                let _ = write!(out, " rowspan=\"{rs}\"");
            }
            if cs > 1 {
                let _ = write!(out, " colspan=\"{cs}\"");
            }
        }
        let _ = write!(out, "{attrs}>{}</td>", escape(&value.display()));
    }
}

/// Escapes text for HTML element content and quoted attribute values.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
#[path = "html_tests.rs"]
mod tests;
