//! The byte scanner of `styles.xml` (`scan_styles`) against the event walk
//! (`styles::number_formats`): on every fixture's style sheet, on hand-written variations, on
//! random nestings of the elements the walk looks for, and on generated and mutated style
//! sheets, the scanner gives the walk's formats or declines; and it takes the plain ones.

use super::scan_styles::number_formats;
use super::styles::{self, DateKind, XfFormat};
use crate::read::oracle_styles::{mutate_styles, styles_xml};
use crate::read::oracle_tests::{unzip_parts, workbooks, Rng};
use DateKind::{DateTime, Other, TimeDelta};

/// The scanner's and the event walk's formats of `xml`, after checking the scanner gives
/// the walk's formats or declines.
fn both(label: &str, xml: &str) -> (Option<Vec<XfFormat>>, Option<Vec<XfFormat>>) {
    let scanned = number_formats(xml.as_bytes());
    let walked = styles::number_formats(xml.as_bytes());
    assert!(
        scanned.is_none() || scanned == walked,
        "{label}: the scanner differs from the event walk\n scanned: {scanned:?}\n walked:  {walked:?}\n{xml}"
    );
    (scanned, walked)
}

/// Shorthand for an expected format.
fn f(date: DateKind, percent: bool) -> XfFormat {
    XfFormat { date, percent }
}

/// A plain style sheet: custom formats (a date, a percent behind entities), fonts, fills,
/// borders as Excel writes them, cell styles of built-in and custom ids.
const PLAIN: &str = concat!(
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n",
    r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    r#"<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;"/>"#,
    r#"<numFmt numFmtId="165" formatCode="[&gt;=1]0.0%;0"/><numFmt numFmtId="166" formatCode="&quot;%&quot;0&amp;/0"/></numFmts>"#,
    r#"<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>"#,
    r#"<fills count="1"><fill><patternFill patternType="none"/></fill></fills>"#,
    r#"<borders count="1"><border><left style="thin"><color auto="1"/></left><right/><top/><bottom/><diagonal/></border></borders>"#,
    r#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0"/></cellStyleXfs>"#,
    r#"<cellXfs count="7"><xf numFmtId="0" fontId="0" xfId="0"/><xf numFmtId="164" xfId="0"/>"#,
    r#"<xf numFmtId="165" xfId="0"><alignment wrapText="1"/></xf><xf numFmtId="10"/>"#,
    r#"<xf numFmtId="46"/><xf xfId="0"/><xf numFmtId="166"/></cellXfs>"#,
    r#"<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#,
);

/// The `styles.xml` of every xlsx fixture and fuzz regression, with its label.
fn fixture_styles() -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    workbooks(&root.join("tests/fixtures"), &mut files);
    workbooks(&root.join("fuzz/regressions"), &mut files);
    let mut out = Vec::new();
    for path in &files {
        let Some(parts) = unzip_parts(&std::fs::read(path).unwrap()) else {
            continue;
        };
        for (name, xml) in parts.into_iter().filter(|(n, _)| n.ends_with("styles.xml")) {
            out.push((format!("{} {name}", path.display()), xml));
        }
    }
    out
}

/// Every fixture's `styles.xml` is taken, and read as the event walk reads it.
#[test]
fn fixtures_styles_taken_as_the_event_walk_reads_them() {
    let sheets = fixture_styles();
    assert!(sheets.len() > 50, "{} style sheets", sheets.len());
    for (label, xml) in &sheets {
        let (scanned, walked) = both(label, xml);
        assert!(walked.is_some(), "{label}: the event walk refuses it");
        assert!(scanned.is_some(), "{label}: the scanner declines it");
    }
}

/// The plain shapes and the variations writers use are taken and read as the walk reads
/// them; what the scanner is not sure of it declines.
#[test]
fn variations_taken_or_declined() {
    let (scanned, _) = both("plain", PLAIN);
    let want = [
        f(Other, false),
        f(DateTime, false),
        f(Other, true),
        f(Other, true),
        f(TimeDelta, false),
        f(Other, false),
        f(Other, false),
    ];
    assert_eq!(scanned.as_deref(), Some(&want[..]));
    let taken = [
        ("\n<styleSheet", "\r\n<styleSheet"),
        ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>", ""),
        ("encoding=\"UTF-8\"", "encoding='utf-8'"),
        (r#"<xf numFmtId="10"/>"#, r#"<xf numFmtId="010" />"#),
        (r#"<xf numFmtId="46"/>"#, r#"<xf numFmtId="046"/>"#),
        (r#"<xf numFmtId="0" fontId="0" xfId="0"/>"#, "<xf\n\tfontId=\"0\"\n\tnumFmtId=\"09\"></xf>"),
        ("<numFmt numFmtId=\"165\"", "<numFmt numFmtId=\"164\""),
        ("<numFmt numFmtId=\"165\"", "<numFmt numFmtId=\"10\""),
        (r#"formatCode="[&gt;=1]0.0%;0""#, r#"formatCode="[>=1]0.0'%';0&amp;&lt;&apos;""#),
        ("<cellStyleXfs", "<dxfs><dxf><numFmt numFmtId=\"0\" formatCode=\"0%\"/><font><name val=\"&bogus;\"/></font><border><left></left></border></dxf></dxfs><cellStyleXfs"),
        ("</styleSheet>", "<extLst><ext xmlns:x14=\"x\"><x14:slicerStyles a=\"1\"/></ext></extLst></styleSheet>"),
        ("</styleSheet>", "</styleSheet><!-- after the end --> &bogus;"),
        ("<name val=\"宋体\"/>", "<name val=\"Times &amp; Roman\"/>"),
        ("<right/>", "<right style=\"thin\"><color rgb=\"FF000000\"/></right><vertical/>"),
        ("<fills", "<cellXfs><xf numFmtId=\"164\"/></cellXfs><fills"),
        ("<numFmts count=\"2\">", "<numFmts count=\"2\" x14ac:knownFonts=\"1\">\n  "),
        ("<cellXfs count=\"7\">", "<cellXfs count=\"7\">text > here"),
        ("<xf numFmtId=\"46\"/>", "<x:y:xf numFmtId=\"46\"/>"),
    ];
    for (from, to) in taken {
        let xml = PLAIN.replacen(from, to, 1);
        assert_ne!(xml, PLAIN, "{from}");
        let (scanned, walked) = both(to, &xml);
        assert!(walked.is_some(), "{to}: the event walk refuses it");
        assert!(scanned.is_some(), "{to}: declined");
    }
    // Namespace prefixes on every element, as the walk matches local names.
    let prefixed = PLAIN
        .replace("</", "\u{0}")
        .replace("<", "<x:")
        .replace("<x:?", "<?")
        .replace('\u{0}', "</x:");
    assert_eq!(both("prefixed", &prefixed).0, Some(want.to_vec()));
    let declined = [
        ("<fonts", "<!-- c --><fonts"),
        ("<fonts", "<![CDATA[<xf/>]]><fonts"),
        ("<fonts", "<?pi x?><fonts"),
        ("<fonts", "&amp;<fonts"),
        ("<?xml", "\u{FEFF}<?xml"),
        ("encoding=\"UTF-8\"", "encoding=\"GBK\""),
        ("formatCode=\"[&gt;", "formatCode=\"[&#62;"),
        ("formatCode=\"[&gt;", "formatCode=\"[&bogus;"),
        ("formatCode=\"[&gt;", "formatCode=\"[<"),
        ("<name val=\"宋体\"/>", "<name val=\"&#23435;\"/>"),
        ("<name val=\"宋体\"/>", "<name val=\"&bogus;\"/>"),
        ("<name val=\"宋体\"/>", "<name val=\"a\" val=\"b\"/>"),
        (r#"<xf numFmtId="10"/>"#, r#"<xf numFmtId='10'/>"#),
        (
            r#"<xf numFmtId="10"/>"#,
            r#"<xf numFmtId="10" numFmtId="9"/>"#,
        ),
        // calamine stops at its fourth style id, before this `numFmtId`
        (
            r#"<xf numFmtId="10"/>"#,
            r#"<xf fontId="0" fontId="1" fillId="0" borderId="0" numFmtId="10"/>"#,
        ),
        (r#"<xf numFmtId="10"/>"#, r#"<xf numFmtId="abc"/>"#),
        (r#"<xf numFmtId="10"/>"#, r#"<xf numFmtId=""/>"#),
        (r#"<xf numFmtId="10"/>"#, r#"<xf numFmtId="1234567890"/>"#),
        (r#"<xf numFmtId="10"/>"#, r#"<xf numFmtId="10"a="1"/>"#),
        (r#"<xf numFmtId="10"/>"#, r#"<xf numFmtId=10/>"#),
        (r#"<xf numFmtId="10"/>"#, "<xf numFmtId=\"10\"\r/>"),
        (r#"<xf numFmtId="10"/>"#, r#"<xf numFmtId = "10"/>"#),
        ("</cellXfs>", "</cellxfs>"),
        ("</cellXfs>", "</cellXfs >"),
        ("</styleSheet>", ""),
        ("<left style", "<left><border></border><left style"),
    ];
    for (from, to) in declined {
        let xml = PLAIN.replacen(from, to, 1);
        assert_ne!(xml, PLAIN, "{from}");
        assert_eq!(both(to, &xml).0, None, "{to}: taken");
    }
    let deep = PLAIN.replacen("<fills", &"<a>".repeat(40), 1).replacen(
        "</fills>",
        &format!("</fills>{}", "</a>".repeat(40)),
        1,
    );
    assert_eq!(both("deep", &deep).0, None);
}

/// Random sequences of the elements the walk's loops look for, opened, closed and left
/// empty in every order (now and then under a prefix, or with a font name that does not
/// decode): the scanner's state machine leaves and enters each loop where the walk does.
#[test]
fn random_nestings_as_the_event_walk_reads_them() {
    const NAMES: &[&str] = &[
        "numFmts", "numFmt", "fonts", "font", "name", "fills", "fill", "borders", "border", "left",
        "right", "top", "bottom", "diagonal", "cellXfs", "cellXfs", "xf", "xf", "xf", "other",
    ];
    /// What may follow inside `parent` to show which loop the walk is in.
    fn likely(parent: &str) -> &'static [&'static str] {
        match parent {
            "" | "other" => &["numFmts", "fonts", "fills", "borders", "cellXfs"],
            "numFmts" | "numFmt" => &["numFmt", "numFmts", "cellXfs"],
            "fonts" | "font" | "name" => &["font", "fonts", "name", "cellXfs"],
            "fills" | "fill" => &["fill", "fills", "cellXfs"],
            "borders" | "border" => &["border", "borders", "left", "diagonal", "cellXfs"],
            "cellXfs" | "xf" => &["xf", "cellXfs", "other"],
            _ => &["left", "right", "diagonal", "border", "borders", "cellXfs"],
        }
    }
    let mut rng = Rng(0x7EE5);
    let (mut taken, mut with_xfs) = (0, 0);
    for n in 0..20_000 {
        let mut x = String::from("<styleSheet>");
        let mut open: Vec<String> = Vec::new();
        for _ in 0..5 + rng.below(60) {
            if !open.is_empty() && rng.chance(35) {
                x.push_str(&format!("</{}>", open.pop().unwrap_or_default()));
                continue;
            }
            // Half the time a name that means something where the walk may be, and that
            // would mislead a loop that ended too early or too late; a `styleSheet` ends
            // the walk, now and then early.
            let parent = open.last().map_or("", |p| p.trim_start_matches("x:"));
            let name = match (rng.chance(1), rng.chance(50)) {
                (true, _) => "styleSheet",
                (_, true) => rng.pick(likely(parent)),
                _ => rng.pick(NAMES),
            };
            let name = match rng.chance(5) {
                true => format!("x:{name}"),
                false => name.to_string(),
            };
            x.push_str(&format!("<{name}"));
            if rng.chance(60) {
                let id = rng.pick(&["9", "10", "14", "46", "164", "165", "0"]);
                x.push_str(&format!(" numFmtId=\"{id}\""));
            }
            if rng.chance(40) {
                let code = rng.pick(&["0%", "yyyy", "0.0", "&quot;%&quot;", "[h]:mm"]);
                x.push_str(&format!(" formatCode=\"{code}\""));
            }
            if rng.chance(10) {
                x.push_str(&format!(" val=\"{}\"", rng.pick(&["a", "&bogus;"])));
            }
            if rng.chance(40) {
                x.push_str("/>");
            } else {
                x.push('>');
                open.push(name);
            }
        }
        while let Some(name) = open.pop() {
            x.push_str(&format!("</{name}>"));
        }
        x.push_str("</styleSheet>");
        let (s, w) = both(&format!("nesting {n}"), &x);
        if !x.contains("&bogus;") {
            assert!(s.is_some(), "nesting {n}: declined\n{x}");
        }
        taken += usize::from(s.is_some());
        with_xfs += usize::from(w.is_some_and(|w| !w.is_empty()));
    }
    eprintln!("nestings: {taken} taken, {with_xfs} with cell styles");
    assert!(taken > 15_000 && with_xfs > 3000, "{taken} {with_xfs}");
}

/// Generated style sheets and mutations of them and of the fixtures': the scanner gives
/// the walk's formats or declines, takes most of the plain ones, and declines some.
#[test]
fn generated_and_mutated_as_the_event_walk_reads_them() {
    let mut rng = Rng(0x5CA1_AB1E);
    let (mut plain, mut plain_taken) = (0, 0);
    let (mut walked_some, mut taken, mut refused) = (0, 0, 0);
    let fixtures = fixture_styles();
    for n in 0..4000 {
        let xfs = 1 + rng.below(8);
        let mut xml = styles_xml(&mut rng, xfs);
        let (s, w) = both(&format!("generated {n}"), &xml);
        plain += 1;
        plain_taken += usize::from(s.is_some());
        assert!(w.is_some(), "generated {n}: refused\n{xml}");
        // every other one a fixture's instead
        let label = match fixtures.get(rng.below(fixtures.len() * 2)) {
            Some((label, fixture)) => {
                xml.clone_from(fixture);
                label.as_str()
            }
            None => "generated",
        };
        for _ in 0..1 + rng.below(3) {
            mutate_styles(&mut rng, &mut xml);
        }
        let (s, w) = both(&format!("{label} {n} mutated"), &xml);
        walked_some += usize::from(w.is_some());
        taken += usize::from(s.is_some());
        refused += usize::from(w.is_none());
    }
    eprintln!(
        "plain {plain_taken}/{plain} taken; mutated: {taken} taken, {walked_some} read by the walk, {refused} refused"
    );
    assert!(plain_taken * 10 >= plain * 7 && plain_taken < plain);
    assert!(taken > 0 && taken < walked_some && refused > 0);
}
