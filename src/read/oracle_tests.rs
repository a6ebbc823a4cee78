//! The own xlsx reader against calamine, the oracle: on every xlsx under `tests/fixtures/` and
//! `fuzz/regressions/`, on generated workbooks exercising what the own reader handles (shared
//! and inline strings, rich text, phonetic runs, `xml:space`, escapes, numbers, dates, the 1904
//! epoch, percent styles, formulas, merges, comments; the style sheets of `oracle_styles.rs`)
//! and on mutations of both, the reader gives the workbook the calamine path gives, or both
//! refuse with the same message; with and without its byte scanners, the same workbook.

use super::oracle_styles::{mutate_styles, styles_xml};
use super::own::scan::TAKEN;
use super::own::scan_styles::TAKEN as STYLES_TAKEN;
use super::xlsx::{read_xlsx_calamine, read_xlsx_own, read_xlsx_own_events};
use super::{read_xlsx, ReadError};
use crate::sheet::Workbook;
use std::io::{Cursor, Write};
use std::path::Path;

/// How the own reader fared on one input.
#[derive(Debug, Default)]
struct Tally {
    inputs: usize,
    own_read: usize,
    /// Of those, read with at least one worksheet's cells scanned as bytes (`own::scan`).
    scanned: usize,
    /// Of those, read with the number formats of `styles.xml` scanned (`own::scan_styles`).
    styles_scanned: usize,
    refused: usize,
}

/// The outcome as text, for comparing (Workbook has no `PartialEq`).
fn shown(r: &Result<Workbook, ReadError>) -> String {
    match r {
        Ok(w) => format!("{w:?}"),
        Err(e) => format!("error: {e}"),
    }
}

/// Reads `bytes` both ways and asserts they agree; whether the own reader read it.
fn agree(label: &str, bytes: &[u8], tally: &mut Tally) -> bool {
    let oracle = read_xlsx_calamine(bytes);
    let taken = TAKEN.with(|n| n.get());
    let styles_taken = STYLES_TAKEN.with(|n| n.get());
    let own = read_xlsx_own(bytes);
    let scanned = TAKEN.with(|n| n.get()) > taken;
    let styles_scanned = STYLES_TAKEN.with(|n| n.get()) > styles_taken;
    // The byte scanner gives what the event walk gives, or declines.
    assert_eq!(
        own.as_ref().map(|w| format!("{w:?}")),
        read_xlsx_own_events(bytes).map(|w| format!("{w:?}")),
        "{label}: the byte scanner differs from the event walk"
    );
    if let Some(w) = &own {
        let want = shown(&oracle);
        let got = format!("{w:?}");
        assert!(
            want == got,
            "{label}: the own reader differs from calamine\n own:      {got}\n calamine: {want}"
        );
    }
    // The reader the engine uses (own, calamine where it declines) gives the oracle's answer.
    assert_eq!(shown(&read_xlsx(bytes)), shown(&oracle), "{label}");
    tally.inputs += 1;
    tally.own_read += usize::from(own.is_some());
    tally.scanned += usize::from(own.is_some() && scanned);
    tally.styles_scanned += usize::from(own.is_some() && styles_scanned);
    tally.refused += usize::from(oracle.is_err());
    own.is_some()
}

/// Every `.xlsx`/`.xlsm` below `dir`, sorted.
pub(super) fn workbooks(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            workbooks(&p, out);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| matches!(x.to_ascii_lowercase().as_str(), "xlsx" | "xlsm"))
        {
            out.push(p);
        }
    }
    out.sort();
}

/// A small deterministic generator (xorshift64*).
pub(super) struct Rng(pub(super) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(super) fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    pub(super) fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// The parts of an xlsx package, by name.
type Parts = Vec<(String, String)>;

/// Zips parts into a package.
fn zip_parts(parts: &Parts) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in parts {
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(text.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The parts of a package, unzipped.
pub(super) fn unzip_parts(bytes: &[u8]) -> Option<Parts> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut out = Vec::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).ok()?;
        let mut text = String::new();
        std::io::Read::read_to_string(&mut f, &mut text).ok()?;
        out.push((f.name().ok()?.to_string(), text));
    }
    Some(out)
}

const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Strings as writers store them, with calamine's special cases.
const STRINGS: &[&str] = &[
    "<t>项目支出绩效自评表</t>",
    "<t xml:space=\"preserve\">  前后空格  </t>",
    "<t>  trimmed\n</t>",
    "<r><rPr><b/></rPr><t>富</t></r><r><t xml:space=\"preserve\"> 文本</t></r>",
    "<t>漢字</t><rPh sb=\"0\" eb=\"1\"><t>かんじ</t></rPh>",
    "<r><t>a</t></r><rPh><t>x</t></rPh><r><t>b</t></r>",
    "<t>A&amp;B &lt;c&gt; &#x4E00;&#20108;</t>",
    "<t>line_x000D_break _x005F_x000D_ _xD83D__xDCF7_</t>",
    "<t><![CDATA[cdata <x>]]></t>",
    "<t/>",
    "",
    "<t>≥95%</t>",
    "<t>5.6万元</t>",
    "<t>=9台</t>",
    "<t>formlint: 接受 S002 理由</t>",
];

/// Cell values: type attribute and `<v>` text (or a whole body).
fn cell_body(rng: &mut Rng, strings: usize) -> (String, String) {
    let num = |rng: &mut Rng| {
        rng.pick(&[
            "0",
            "1",
            "56000",
            "82694.3",
            "-12.5",
            "0.96",
            "1E-3",
            "43831",
            "44197.5",
            "1e300",
            "0.30000000000000004",
            "100",
            "3.5E+2",
            "0.5",
            ".25",
            "-0",
        ])
        .to_string()
    };
    match rng.below(12) {
        0..=3 => (
            " t=\"s\"".into(),
            format!("<v>{}</v>", rng.below(strings.max(1))),
        ),
        4..=6 => (String::new(), format!("<v>{}</v>", num(rng))),
        7 => (" t=\"n\"".into(), format!("<v>{}</v>", num(rng))),
        8 => (
            " t=\"b\"".into(),
            format!("<v>{}</v>", rng.pick(&["0", "1", "true", "FALSE", " 1 "])),
        ),
        9 => (
            " t=\"e\"".into(),
            format!(
                "<v>{}</v>",
                rng.pick(&["#DIV/0!", "#N/A", "#VALUE!", "#REF!"])
            ),
        ),
        10 => (
            " t=\"str\"".into(),
            format!(
                "<f>{}</f><v>{}</v>",
                rng.pick(&["A1&amp;B1", "TEXT(A1,\"0\")"]),
                rng.pick(&["计算_x000D_结果", "a&amp;b", "", "  x "])
            ),
        ),
        _ => (
            " t=\"inlineStr\"".into(),
            format!("<is>{}</is>", rng.pick(STRINGS)),
        ),
    }
}

/// One generated worksheet: cells (some without `r`), formulas, merges.
fn sheet_xml(rng: &mut Rng, strings: usize, styles: usize) -> String {
    let mut x =
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet {NS}>");
    if rng.chance(50) {
        x.push_str("<dimension ref=\"A1:H30\"/>");
    }
    x.push_str("<sheetViews><sheetView workbookViewId=\"0\"/></sheetViews><sheetData>");
    let rows = 1 + rng.below(25);
    let mut r = 0;
    for _ in 0..rows {
        r += 1 + usize::from(rng.chance(20)) * rng.below(4);
        if rng.chance(85) {
            x.push_str(&format!("<row r=\"{r}\" spans=\"1:8\">"));
        } else {
            x.push_str("<row>");
        }
        let mut col = 0;
        for _ in 0..1 + rng.below(8) {
            col += 1 + usize::from(rng.chance(15));
            let letter = (b'A' + (col as u8 - 1).min(25)) as char;
            let reference = if rng.chance(90) {
                format!(" r=\"{letter}{r}\"")
            } else {
                String::new()
            };
            let style = if rng.chance(60) {
                format!(" s=\"{}\"", rng.below(styles + 1))
            } else {
                String::new()
            };
            if rng.chance(8) {
                x.push_str(&format!("<c{reference}{style}/>"));
                continue;
            }
            let (t, mut body) = cell_body(rng, strings);
            if t.is_empty() && rng.chance(25) {
                let f = match rng.below(3) {
                    0 => "<f>SUM(A1:A3)</f>".to_string(),
                    1 => format!(
                        "<f t=\"shared\" ref=\"{letter}{r}:{letter}{}\" si=\"0\">A1*2</f>",
                        r + 2
                    ),
                    _ => "<f t=\"shared\" si=\"0\"/>".to_string(),
                };
                body = format!("{f}{body}");
            }
            x.push_str(&format!("<c{reference}{style}{t}>{body}</c>"));
        }
        x.push_str("</row>");
    }
    x.push_str("</sheetData>");
    if rng.chance(60) {
        let n = 1 + rng.below(4);
        x.push_str(&format!("<mergeCells count=\"{n}\">"));
        for i in 0..n {
            let a = rng.pick(&["A", "B", "C"]);
            let b = rng.pick(&["C", "D", "H"]);
            x.push_str(&format!(
                "<mergeCell ref=\"{a}{}:{b}{}\"/>",
                i * 3 + 1,
                i * 3 + 2
            ));
        }
        x.push_str("</mergeCells>");
    }
    x.push_str("<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/></worksheet>");
    x
}

/// A generated workbook's parts.
fn generated(rng: &mut Rng) -> Parts {
    let mut parts: Parts = Vec::new();
    let strings: Vec<&str> = (0..1 + rng.below(12)).map(|_| rng.pick(STRINGS)).collect();
    let xfs = 1 + rng.below(8);
    parts.push((
        "[Content_Types].xml".into(),
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>"#.into(),
    ));
    let book = if rng.chance(10) {
        "/xl/workbook.xml"
    } else {
        "xl/workbook.xml"
    };
    parts.push((
        "_rels/.rels".into(),
        format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="{book}"/></Relationships>"#),
    ));
    let sheets = 1 + rng.below(3);
    let mut rels = String::new();
    let mut list = String::new();
    for i in 1..=sheets {
        let state = if rng.chance(10) {
            " state=\"hidden\""
        } else {
            ""
        };
        list.push_str(&format!(
            "<sheet name=\"表{i}&amp;\" sheetId=\"{i}\"{state} r:id=\"rId{i}\"/>"
        ));
        rels.push_str(&format!("<Relationship Id=\"rId{i}\" Type=\"{REL}/worksheet\" Target=\"worksheets/sheet{i}.xml\"/>"));
        parts.push((
            format!("xl/worksheets/sheet{i}.xml"),
            sheet_xml(rng, strings.len(), xfs),
        ));
        if rng.chance(30) {
            parts.push((
                format!("xl/worksheets/_rels/sheet{i}.xml.rels"),
                format!(r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/comments" Target="../comments{i}.xml"/></Relationships>"#),
            ));
            parts.push((
                format!("xl/comments{i}.xml"),
                format!(r#"<comments {NS}><authors><author>张</author></authors><commentList><comment ref="B{i}" authorId="0"><text><r><t>张三:</t></r><r><t xml:space="preserve">formlint: 接受 S00{i} 已核实</t></r></text></comment></commentList></comments>"#),
            ));
        }
    }
    let mut n = sheets + 1;
    if rng.chance(10) {
        // A chart sheet: listed, not read (its part is still walked for marks).
        list.push_str(&format!(
            "<sheet name=\"图表\" sheetId=\"{n}\" state=\"veryHidden\" r:id=\"rId{n}\"/>"
        ));
        rels.push_str(&format!("<Relationship Id=\"rId{n}\" Type=\"{REL}/chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"));
        parts.push((
            "xl/chartsheets/sheet1.xml".into(),
            format!("<chartsheet {NS}><sheetPr/><sheetViews><sheetView workbookViewId=\"0\"/></sheetViews><drawing r:id=\"rId1\"/></chartsheet>"),
        ));
        n += 1;
    }
    let pr = match rng.below(4) {
        0 => "<workbookPr date1904=\"1\"/>",
        1 => "<workbookPr date1904=\"false\" defaultThemeVersion=\"124226\"/>",
        _ => "<workbookPr/>",
    };
    let names = if rng.chance(20) {
        "<definedNames><definedName name=\"_xlnm.Print_Area\" localSheetId=\"0\">'表1&amp;'!$A$1:$H$30</definedName></definedNames>"
    } else {
        ""
    };
    parts.push((
        "xl/workbook.xml".into(),
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook {NS}>{pr}<sheets>{list}</sheets>{names}</workbook>"),
    ));
    rels.push_str(&format!("<Relationship Id=\"rId{n}\" Type=\"{REL}/styles\" Target=\"styles.xml\"/><Relationship Id=\"rId{}\" Type=\"{REL}/sharedStrings\" Target=\"sharedStrings.xml\"/>", n + 1));
    parts.push((
        "xl/_rels/workbook.xml.rels".into(),
        format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#),
    ));
    let styles = styles_xml(rng, xfs);
    parts.push(("xl/styles.xml".into(), styles));
    let mut sst = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst {NS} count=\"{0}\" uniqueCount=\"{0}\">",
        strings.len()
    );
    for s in &strings {
        if s.is_empty() {
            sst.push_str("<si/>");
        } else {
            sst.push_str(&format!("<si>{s}</si>"));
        }
    }
    sst.push_str("</sst>");
    parts.push(("xl/sharedStrings.xml".into(), sst));
    parts
}

/// Snippets a mutation inserts: what breaks or bends the readers' rules.
const SNIPPETS: &[&str] = &[
    "<",
    ">",
    "\"",
    "&",
    "&bogus;",
    "&#xD800;",
    "_x00",
    "</c>",
    "<c>",
    "<c r=\"XFE1\">",
    "<v>",
    "</v>",
    "<f>",
    "</row>",
    "<row r=\"0\">",
    "t=\"x\"",
    " s=\"999\"",
    " r=\"a1\"",
    "<is><t>i</t></is>",
    "<mergeCell ref=\"A1\"/>",
    "<mergeCells>",
    "</sheetData>",
    "<![CDATA[",
    "<!--",
    "-->",
    "=",
    "'",
    " xml:space=\"preserve\"",
    "<rPh><t>p</t></rPh>",
    "<r><t>r</t></r>",
    "1e309",
    "-",
    ".",
    "#N/A",
    "<dimension ref=\"B2:A1\"/>",
    "\u{0}",
    "É",
    "\r\n",
];

/// One random edit of one XML part (of `styles.xml`, one time in six, by its own edits).
fn mutate(rng: &mut Rng, parts: &mut Parts) {
    if rng.chance(16) {
        if let Some((_, styles)) = parts.iter_mut().find(|(n, _)| n.ends_with("styles.xml")) {
            mutate_styles(rng, styles);
            return;
        }
    }
    let i = rng.below(parts.len());
    let text = &mut parts[i].1;
    let len = text.len();
    let at = |rng: &mut Rng, text: &String| {
        let mut p = rng.below(text.len() + 1);
        while !text.is_char_boundary(p) {
            p -= 1;
        }
        p
    };
    match rng.below(5) {
        // Another declared encoding, or a byte-order mark.
        4 => {
            let decl = rng.pick(&[
                "encoding=\"GBK\"",
                "encoding=\"ISO-8859-1\"",
                "encoding=\"UTF-16\"",
                "encoding=\"utf-8\"",
            ]);
            *text = text.replacen("encoding=\"UTF-8\"", decl, 1);
            if rng.chance(30) {
                text.insert(0, '\u{FEFF}');
            }
        }
        0 if len > 0 => {
            let a = at(rng, text);
            let mut b = (a + 1 + rng.below(16)).min(len);
            while !text.is_char_boundary(b) {
                b += 1;
            }
            text.replace_range(a..b, "");
        }
        1 if len > 0 => {
            let a = at(rng, text);
            let mut b = (a + 1 + rng.below(40)).min(len);
            while !text.is_char_boundary(b) {
                b += 1;
            }
            let piece = text[a..b].to_string();
            let c = at(rng, text);
            text.insert_str(c, &piece);
        }
        _ => {
            let c = at(rng, text);
            text.insert_str(c, rng.pick(SNIPPETS));
        }
    }
}

#[test]
fn own_reader_agrees_with_calamine_on_every_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    workbooks(&root.join("tests/fixtures"), &mut files);
    workbooks(&root.join("fuzz/regressions"), &mut files);
    assert!(files.len() > 50, "{} workbooks found", files.len());
    let (mut plain, mut mutated) = (Tally::default(), Tally::default());
    let mut declined = Vec::new();
    let mut rng = Rng(0x5EED_2020);
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let label = path.strip_prefix(root).unwrap().display().to_string();
        let refused_before = plain.refused;
        if !agree(&label, &bytes, &mut plain) && plain.refused == refused_before {
            declined.push(label.clone());
        }
        // Mutations of each form-sized fixture's XML (the bombs are left whole).
        if bytes.len() > 100_000 {
            continue;
        }
        if let Some(parts) = unzip_parts(&bytes).filter(|p| p.len() < 40) {
            for k in 0..8 {
                let mut m = parts.clone();
                for _ in 0..1 + rng.below(3) {
                    mutate(&mut rng, &mut m);
                }
                agree(
                    &format!("{label} mutation {k}"),
                    &zip_parts(&m),
                    &mut mutated,
                );
            }
        }
    }
    eprintln!("fixtures: {plain:?}; mutated: {mutated:?}; declined though readable: {declined:?}");
    // Every readable form takes the hot path; what the own reader leaves to calamine is odd.
    assert!(
        declined
            .iter()
            .all(|l| l.contains("bad") || l.contains("regressions")),
        "the own reader declined readable forms: {declined:?}"
    );
    assert!(mutated.own_read > 0 && mutated.inputs > 300, "{mutated:?}");
    // The byte scanner takes the forms real writers wrote (Excel, WPS, LibreOffice, openpyxl,
    // xlsxwriter); what it declines, the event walk reads.
    assert!(plain.scanned * 10 >= plain.own_read * 9, "{plain:?}");
    assert!(
        mutated.scanned > 0 && mutated.scanned < mutated.own_read,
        "{mutated:?}"
    );
    // So does the styles scanner; what it declines (a comment, a character reference …), the
    // event walk reads.
    assert!(plain.styles_scanned * 10 >= plain.own_read * 9, "{plain:?}");
    assert!(
        mutated.styles_scanned > 0 && mutated.styles_scanned < mutated.own_read,
        "{mutated:?}"
    );
}

#[test]
fn own_reader_agrees_with_calamine_on_generated_workbooks() {
    let mut rng = Rng(0x00C0_FFEE_1904);
    let mut plain = Tally::default();
    let mut mutated = Tally::default();
    for n in 0..1500 {
        let parts = generated(&mut rng);
        let bytes = zip_parts(&parts);
        assert!(
            agree(&format!("generated {n}"), &bytes, &mut plain),
            "generated {n}: declined\n{parts:#?}"
        );
        let mut m = parts.clone();
        for _ in 0..1 + rng.below(4) {
            mutate(&mut rng, &mut m);
        }
        agree(
            &format!("generated {n} mutated"),
            &zip_parts(&m),
            &mut mutated,
        );
    }
    eprintln!("generated: {plain:?}; mutated: {mutated:?}");
    assert_eq!(plain.own_read, plain.inputs);
    assert!(
        plain.scanned > 0 && mutated.scanned > 0,
        "{plain:?} {mutated:?}"
    );
    // The generated style sheets hold shapes the styles scanner declines, now and then.
    for t in [&plain, &mutated] {
        assert!(
            t.styles_scanned > 0 && t.styles_scanned < t.own_read,
            "{t:?}"
        );
    }
    assert!(
        mutated.own_read > 0 && mutated.own_read < mutated.inputs,
        "{mutated:?}"
    );
}
