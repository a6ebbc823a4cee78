//! `styles.xml` for the oracle tests: the shapes writers give it (Excel's namespaces and
//! `x14ac` attributes, openpyxl's `" />"`, pretty-printed lines, `\r\n` after the declaration,
//! fonts, fills and borders of every kind, `dxfs`, `extLst`), the number formats the readers
//! must agree on (custom codes with entities, dates, durations, percents, redefined built-in
//! ids, `numFmtId` with leading zeros or missing), and mutations that bend or break them. Used
//! by `oracle_tests.rs` (whole workbooks against calamine) and by `own::scan_styles`'s tests
//! (the byte scanner against the event walk).

use super::oracle_tests::Rng;

/// Custom number format codes as written in `formatCode` (entities kept; a `"` is written as
/// `&quot;` by the generator): dates, durations, percents and lookalikes.
const CUSTOM_FORMATS: &[&str] = &[
    "yyyy-mm-dd",
    "0.0%",
    "[h]:mm:ss",
    r#"0.00"%""#,
    "m/d/yy h:mm",
    r"0.00\%",
    "#,##0.00_ ",
    "yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;",
    "[$-804]0.0%",
    "mm:ss",
    "[&gt;=100]0.0%;0",
    "&lt;0&gt;#,##0",
    "_ * #,##0.00_ ;_ * -#,##0.00_ ;_ * &quot;-&quot;??_ ;_ @_ ",
    "[Red][>0]0.0;0'x'",
    "h:mm AM/PM",
];

/// Codes no writer we know writes, which the byte scanner leaves to the event walk: a
/// character reference, a raw `<`.
const ODD_FORMATS: &[&str] = &["0.0&#37;", "[Red][<0]0.0;0"];

/// `numFmtId`s of cell styles: built-in ids, some written with leading zeros (read as numbers
/// for percent, as text for dates).
const BUILTIN_IDS: &[&str] = &[
    "0", "1", "2", "4", "9", "10", "14", "22", "46", "49", "45", "014", "09", "0010",
];

/// Fonts as writers write them (one with an entity, one with a character reference).
const FONTS: &[&str] = &[
    r#"<font><sz val="11"/><color theme="1"/><name val="宋体"/><family val="2"/><charset val="134"/></font>"#,
    r#"<font><b/><i val="1"/><sz val="10"/><color rgb="FF000000"/><name val="Times &amp; Roman"/><family val="1"/></font>"#,
    "<font/>",
    r#"<font><name val="Calibri" /><family val="2" /><color theme="1" /><sz val="11" /><scheme val="minor" /></font>"#,
];

/// A font name with a character reference, which the byte scanner leaves to the event walk.
const ODD_FONT: &str = r#"<font><sz val="9"/><name val="&#23435;体"/></font>"#;

/// Fills: patterns, colours, gradients.
const FILLS: &[&str] = &[
    r#"<fill><patternFill patternType="none"/></fill>"#,
    r#"<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>"#,
    r#"<fill><gradientFill degree="90"><stop position="0"><color theme="0"/></stop><stop position="1"><color theme="4"/></stop></gradientFill></fill>"#,
    "<fill><patternFill /></fill>",
];

/// Borders: empty sides, styled sides with colours, diagonals, `start`/`end`, line breaks.
const BORDERS: &[&str] = &[
    "<border><left/><right/><top/><bottom/><diagonal/></border>",
    r#"<border><left style="thin"><color indexed="64"/></left><right/><top/><bottom/><diagonal/></border>"#,
    r#"<border diagonalUp="1" diagonalDown="1"><left style="thin"><color auto="1"/></left><right style="medium"><color rgb="FF000000"/></right><top/><bottom/><diagonal style="thin"><color auto="1"/></diagonal></border>"#,
    "<border/>",
    "<border><start/><end/><top/><bottom/><diagonal/><vertical/><horizontal/></border>",
    "<border>\n  <left style=\"thin\">\n    <color indexed=\"64\"/>\n  </left>\n</border>",
];

/// What may follow the cell styles.
const TAILS: &[&str] = &[
    r#"<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>"#,
    r#"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0" /></cellStyles><tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16" />"#,
    r#"<dxfs count="1"><dxf><font><b/></font><numFmt numFmtId="164" formatCode="0.00%"/><border><left style="thin"><color auto="1"/></left><vertical/></border></dxf></dxfs>"#,
    r#"<extLst><ext uri="{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}" xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/></ext></extLst>"#,
    "<colors><indexedColors><rgbColor rgb=\"00000000\" /><rgbColor rgb=\"00FFFFFF\" /></indexedColors></colors>",
];

const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;
const EXCEL_NS: &str = r#" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac x16r2" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac""#;

/// A generated `styles.xml` with `xfs` cell styles.
pub(super) fn styles_xml(rng: &mut Rng, xfs: usize) -> String {
    let customs: Vec<&str> = (0..rng.below(4))
        .map(|_| match rng.chance(3) {
            true => rng.pick(ODD_FORMATS),
            false => rng.pick(CUSTOM_FORMATS),
        })
        .collect();
    let excel = rng.chance(30);
    let line = if rng.chance(20) { "\n  " } else { "" };
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>");
    x.push_str(rng.pick(&["", "\n", "\r\n"]));
    x.push_str(&format!(
        "<styleSheet {NS}{}>{line}",
        if excel { EXCEL_NS } else { "" }
    ));
    if rng.chance(5) {
        x.push_str("<!-- styles -->");
    }
    let numfmts = |rng: &mut Rng, x: &mut String| {
        if customs.is_empty() {
            if rng.chance(10) {
                x.push_str("<numFmts count=\"0\"/>");
            }
            return;
        }
        x.push_str(&format!("<numFmts count=\"{}\">", customs.len()));
        for (i, c) in customs.iter().enumerate() {
            // now and then a built-in id redefined, or a custom one defined twice
            let id = match rng.below(12) {
                0 => rng.pick(&["9", "14", "0"]).to_string(),
                1 if i > 0 => (176 + i - 1).to_string(),
                _ => (176 + i).to_string(),
            };
            let code = c.replace('"', "&quot;");
            x.push_str(&match rng.below(3) {
                0 => format!("<numFmt formatCode=\"{code}\" numFmtId=\"{id}\" />"),
                _ => format!("<numFmt numFmtId=\"{id}\" formatCode=\"{code}\"/>"),
            });
        }
        x.push_str(&format!("</numFmts>{line}"));
    };
    // The cell styles before the formats (as no writer does): read with the formats so far.
    let late = rng.chance(5);
    if !late {
        numfmts(rng, &mut x);
    }
    let known = if excel { " x14ac:knownFonts=\"1\"" } else { "" };
    let fonts: Vec<&str> = (0..1 + rng.below(3))
        .map(|_| match rng.chance(3) {
            true => ODD_FONT,
            false => rng.pick(FONTS),
        })
        .collect();
    x.push_str(&format!(
        "<fonts count=\"{}\"{known}>{}</fonts>{line}",
        fonts.len(),
        fonts.concat()
    ));
    let fills: Vec<&str> = (0..1 + rng.below(3)).map(|_| rng.pick(FILLS)).collect();
    x.push_str(&format!(
        "<fills count=\"{}\">{}</fills>{line}",
        fills.len(),
        fills.concat()
    ));
    let borders: Vec<&str> = (0..1 + rng.below(3)).map(|_| rng.pick(BORDERS)).collect();
    x.push_str(&format!(
        "<borders count=\"{}\">{}</borders>{line}",
        borders.len(),
        borders.concat()
    ));
    x.push_str("<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>");
    x.push_str(&format!("<cellXfs count=\"{xfs}\">"));
    for _ in 0..xfs {
        let id = if !customs.is_empty() && rng.chance(40) {
            (176 + rng.below(customs.len())).to_string()
        } else {
            rng.pick(BUILTIN_IDS).to_string()
        };
        let rest = "fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"";
        x.push_str(&match rng.below(8) {
            0 => format!("<xf {rest}/>"),
            1 => format!("<xf {rest} numFmtId=\"{id}\" applyNumberFormat=\"1\" />"),
            2 => format!("<xf numFmtId=\"{id}\"\n\t{rest}><protection locked=\"0\"/></xf>"),
            _ => format!("<xf numFmtId=\"{id}\" {rest} applyNumberFormat=\"1\"><alignment horizontal=\"center\" wrapText=\"1\"/></xf>"),
        });
    }
    x.push_str(&format!("</cellXfs>{line}"));
    if late {
        numfmts(rng, &mut x);
    }
    for _ in 0..rng.below(3) {
        x.push_str(rng.pick(TAILS));
    }
    x.push_str("</styleSheet>");
    if rng.chance(5) {
        // Every element under a namespace prefix.
        x = x
            .replace(
                NS,
                r#"xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#,
            )
            .replace("</", "\u{0}")
            .replace('<', "<x:")
            .replace("<x:?", "<?")
            .replace("<x:!", "<!")
            .replace("<x:x14:", "<x14:")
            .replace('\u{0}', "</x:")
            .replace("</x:x14:", "</x14:");
    }
    x
}

/// Edits of `styles.xml`: a piece put in place of another (what bends the readers' rules).
const STYLE_EDITS: &[(&str, &str)] = &[
    ("numFmtId=\"", "numFmtId=\"0"),
    ("numFmtId=\"", "numFmtId=\"a"),
    ("numFmtId=\"0\"", "numFmtId=\"\""),
    ("numFmtId=\"", "numFmtId=\"1234567890"),
    ("numFmtId=\"", "numFmtId=\"9\" numFmtId=\""),
    ("numFmtId=\"", "numFmtId='"),
    ("numFmtId=\"", "numFmtId = \""),
    ("numFmtId=\"", "numFmtId=1 x=\""),
    ("<xf ", "<xf numFmtId=\"10\" "),
    ("fontId=\"", "fontId=\"1\" fillId=\"2\" fontId=\""),
    ("<xf ", "<x:xf "),
    ("</xf>", "</x:xf>"),
    ("</xf>", "</xf >"),
    ("<xf ", "<!-- xf --><xf "),
    ("<xf ", "<![CDATA[<xf/>]]><xf "),
    ("\"/>", "\" />"),
    ("\"/>", "\">"),
    ("/>", ">"),
    ("formatCode=\"", "formatCode=\"&#37;"),
    ("formatCode=\"", "formatCode=\"&bogus;"),
    ("formatCode=\"", "formatCode=\"&amp;"),
    ("formatCode=\"", "formatCode=\"&quot"),
    ("formatCode=\"", "formatCode=\"<"),
    ("formatCode=\"", "formatCode=\"0%\" formatCode=\""),
    (
        "<numFmts",
        "<numFmts><numFmt numFmtId=\"0\" formatCode=\"0.00%\"/></numFmts><numFmts",
    ),
    ("</numFmts>", "<numFmt numFmtId=\"176\"/></numFmts>"),
    ("<font>", "<font><name val=\"&bogus;\"/>"),
    ("<font>", "<font><name val=\"a\" val=\"&bogus;\"/>"),
    ("<font>", "<font><x:name val=\"&#x41;\"/>"),
    ("</font>", ""),
    ("</fonts>", ""),
    ("<left", "<left><border></border"),
    ("</left>", ""),
    ("</left>", "</top>"),
    ("</border>", "<vertical/></border>"),
    ("</fill>", "<fill>"),
    ("<cellXfs", "<cellXfs/><cellXfs"),
    ("</cellXfs>", ""),
    ("</cellXfs>", "<xf numFmtId=\"14\"/></cellXfs>"),
    ("</styleSheet>", ""),
    ("</styleSheet>", "</x:styleSheet>"),
    ("<styleSheet", "<!DOCTYPE s><styleSheet"),
    ("<styleSheet", "<?pi x?><styleSheet"),
    ("<styleSheet", "\u{FEFF}<styleSheet"),
    ("<styleSheet", "&amp;<styleSheet"),
    ("<styleSheet", "x\r\n\t<styleSheet"),
    ("encoding=\"UTF-8\"", "encoding=\"GBK\""),
    ("<?xml ", "\u{FEFF}<?xml "),
    ("<?xml version", "<?xml-stylesheet version"),
    (" ", "\r"),
    (" ", "\t"),
    (" ", "\u{C}"),
    ("\"", "'"),
    ("<", "< "),
    (">", " >"),
];

/// One random edit of a `styles.xml`: a piece of [`STYLE_EDITS`] at one of its places, or a
/// byte range cut out.
pub(super) fn mutate_styles(rng: &mut Rng, text: &mut String) {
    if rng.chance(15) && !text.is_empty() {
        let mut a = rng.below(text.len());
        while !text.is_char_boundary(a) {
            a -= 1;
        }
        let mut b = (a + 1 + rng.below(12)).min(text.len());
        while !text.is_char_boundary(b) {
            b += 1;
        }
        text.replace_range(a..b, "");
        return;
    }
    let (from, to) = STYLE_EDITS[rng.below(STYLE_EDITS.len())];
    let places: Vec<usize> = text.match_indices(from).map(|(i, _)| i).collect();
    if places.is_empty() {
        return;
    }
    let at = places[rng.below(places.len())];
    text.replace_range(at..at + from.len(), to);
}
