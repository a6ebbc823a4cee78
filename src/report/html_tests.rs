use super::{escape, render_html};
use crate::finding::{Finding, Related, Severity};
use crate::form::Place;
use crate::report::{FileReport, Ruleset};
use crate::sheet::{Cell, CellRange, CellRef, CellValue, Sheet};
use rust_decimal::Decimal;

fn at(a1: &str) -> CellRef {
    CellRef::parse(a1).expect("test cell")
}

/// A small hand-made form: a merged title, a merged label column, hostile text, numbers.
fn sheet() -> Sheet {
    let mut s = Sheet {
        name: "自评表".into(),
        ..Sheet::default()
    };
    let put = |s: &mut Sheet, a1: &str, v: CellValue| {
        s.set(
            at(a1),
            Cell {
                value: v,
                merged: None,
                formula: false,
            },
        )
    };
    put(&mut s, "A1", CellValue::Text("项目名称".into()));
    put(
        &mut s,
        "B1",
        CellValue::Text("<script>alert(\"x\")</script> & 'q'".into()),
    );
    put(&mut s, "A2", CellValue::Text("指标".into()));
    put(&mut s, "B2", CellValue::Text("分值".into()));
    put(&mut s, "C2", CellValue::Text("得分".into()));
    put(&mut s, "B3", CellValue::Number(Decimal::new(60, 1)));
    put(&mut s, "C3", CellValue::Number(Decimal::new(7, 0)));
    put(&mut s, "C4", CellValue::Percent(Decimal::new(96, 2)));
    // Trailing blank cells and an empty merge far out: trimmed away.
    put(&mut s, "F9", CellValue::Text("   ".into()));
    s.merges = vec![
        CellRange {
            start: at("B1"),
            end: at("C1"),
        },
        CellRange {
            start: at("A2"),
            end: at("A4"),
        },
        CellRange {
            start: at("E7"),
            end: at("F8"),
        },
    ];
    s.spread_merges();
    s
}

fn finding(code: &str, severity: Severity, a1: Option<&str>, message: &str) -> Finding {
    Finding {
        code: code.into(),
        severity,
        title: format!("{code} 标题"),
        message: message.into(),
        sheet: Some("自评表".into()),
        at: a1.map(|c| Place::Cell(at(c))),
        related: vec![],
        help: None,
    }
}

fn ruleset() -> Ruleset {
    Ruleset {
        name: "shenzhen-2020".into(),
        version: "1.0.0".into(),
    }
}

fn report() -> FileReport {
    let mut over = finding("S002", Severity::Error, Some("C3"), "得分 7 超过分值 6");
    over.related = vec![Related {
        at: Place::Cell(at("B3")),
        label: "分值".into(),
    }];
    over.help = Some("请核对 <评分>".into());
    FileReport {
        checked: Vec::new(),
        accepted: Vec::new(),
        path: "forms/<x>.xlsx".into(),
        forms: 1,
        findings: vec![
            finding("T001", Severity::Info, None, "没有总分行"),
            // Inside the merged A2:A4: highlights its top-left cell A2.
            finding("R005", Severity::Warning, Some("A3"), "缺少类别"),
            finding("S002", Severity::Info, Some("C3"), "同一格的提示"),
            over,
            // A blank cell below the used area widens the grid to show it.
            finding("R001", Severity::Error, Some("C5"), "必填项为空"),
        ],
    }
}

/// The `<main>` part of the page (the head holds the constant CSS and JS).
fn main_of(html: &str) -> &str {
    let start = html.find("<main>").expect("main");
    let end = html.find("</main>").expect("/main");
    &html[start..end + "</main>".len()]
}

#[test]
fn html_grid_snapshot() {
    let html = render_html(&ruleset(), &[(report(), vec![sheet()])]);
    insta::assert_snapshot!(main_of(&html));
}

#[test]
fn html_escapes_untrusted_text() {
    let html = render_html(&ruleset(), &[(report(), vec![sheet()])]);
    assert!(
        !html.contains("<script>alert"),
        "cell text must not become markup"
    );
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"));
    assert!(html.contains("forms/&lt;x&gt;.xlsx"));
    assert!(html.contains("请核对 &lt;评分&gt;"));
    // Exactly one real script element: ours.
    assert_eq!(html.matches("<script>").count(), 1);
    let hostile = Ruleset {
        name: "</title><b>".into(),
        version: "\"1".into(),
    };
    let html = render_html(&hostile, &[]);
    assert!(!html.contains("</title><b>"));
    assert!(html.contains("&lt;/title&gt;&lt;b&gt;"));
    assert_eq!(escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&#39;");
}

#[test]
fn html_merges_and_highlights() {
    let html = render_html(&ruleset(), &[(report(), vec![sheet()])]);
    let main = main_of(&html);
    assert!(main.contains("<td id=\"c0-0-B1\" colspan=\"2\">"));
    assert!(main.contains("<td id=\"c0-0-A2\" class=\"hl sev-warning\" rowspan=\"3\""));
    // Covered cells of a merge are not emitted.
    assert!(!main.contains("id=\"c0-0-C1\""));
    assert!(!main.contains("id=\"c0-0-A3\""));
    // The worst severity wins; both findings are in the tooltip.
    assert!(main.contains("<td id=\"c0-0-C3\" class=\"num hl sev-error\" data-f=\"f2 f3\""));
    assert!(main.contains("错误 S002：S002 标题 — 得分 7 超过分值 6"));
    assert!(main.contains("data-related=\"c0-0-B3\""));
    // Used area: rows 1–5 (C5 has a finding), columns A–C; the blank F9 and empty E7:F8 trimmed.
    assert!(main.contains("id=\"c0-0-C5\""));
    assert!(!main.contains("id=\"c0-0-A6\""));
    assert!(!main.contains("id=\"c0-0-D1\""));
    assert!(main.contains("<td id=\"c0-0-C4\" class=\"num\">96%</td>"));
    // The finding without a cell is listed but not linked.
    assert!(main.contains("<li class=\"finding sev-info\" id=\"f0\""));
    assert_eq!(main.matches("<li class=\"finding").count(), 5);
}

#[test]
fn html_top_and_filters() {
    let broken = FileReport {
        checked: Vec::new(),
        accepted: Vec::new(),
        path: "broken.xlsx".into(),
        forms: 0,
        findings: vec![Finding {
            sheet: None,
            ..finding("X001", Severity::Error, None, "文件损坏")
        }],
    };
    let clean = FileReport {
        checked: Vec::new(),
        accepted: Vec::new(),
        path: "clean.xlsx".into(),
        forms: 1,
        findings: vec![],
    };
    let html = render_html(
        &ruleset(),
        &[(report(), vec![sheet()]), (broken, vec![]), (clean, vec![])],
    );
    assert!(html.contains("<b class=\"ruleset\">shenzhen-2020</b>"));
    assert!(html.contains("<b class=\"ruleset-version\">1.0.0</b>"));
    assert!(html.contains("<b>3</b> 个文件"));
    assert!(html.contains("<b id=\"total-error\">3</b>"));
    assert!(html.contains("<b id=\"total-warning\">1</b>"));
    assert!(html.contains("<b id=\"total-info\">2</b>"));
    assert!(html.contains("value=\"error\" checked> 错误 <span class=\"n\">3</span>"));
    assert!(html.contains("value=\"S002\" checked> <code>S002</code> <span class=\"n\">2</span>"));
    assert!(html.contains("未发现问题"));
    // Finding ids are unique across files.
    assert!(html.contains("id=\"f5\" data-severity=\"error\" data-code=\"X001\""));
    // Self-contained: nothing to fetch.
    for needle in ["http://", "https://", "<link", "src="] {
        assert!(!html.contains(needle), "{needle}");
    }
}

#[test]
fn html_huge_and_odd_sheets_do_not_panic() {
    let mut s = sheet();
    s.set(
        CellRef::new(100_000, 3),
        Cell {
            value: CellValue::Text("far".into()),
            merged: None,
            formula: false,
        },
    );
    // Overlapping, reversed and out-of-range merges.
    s.merges.push(CellRange {
        start: at("A1"),
        end: at("B2"),
    });
    s.merges.push(CellRange {
        start: at("C3"),
        end: at("B2"),
    });
    s.merges.push(CellRange {
        start: CellRef::new(u32::MAX - 1, u32::MAX - 1),
        end: CellRef::new(u32::MAX, u32::MAX),
    });
    let mut r = report();
    r.findings.push(Finding {
        // Far past the cut (u32::MAX itself overflows CellRef's Display, in sheet.rs).
        at: Some(Place::Cell(CellRef::new(5_000_000, 16_383))),
        ..finding("Z001", Severity::Info, None, "")
    });
    let html = render_html(&ruleset(), &[(r, vec![s, Sheet::default()])]);
    assert!(html.contains("表格过大，只显示前 1000 行"));
    assert!(html.contains("<td id=\"c0-0-B1\" colspan=\"2\">"));
}
