//! One input file through the whole pipeline: read → extract → evaluate → drop what a reviewer
//! accepted on the form itself. Bad input becomes a finding with a code of its own (X…);
//! nothing here panics or stops a batch.

use crate::accept;
use crate::codes;
use crate::extract::{self, Extracted};
use crate::finding::Finding;
use crate::form::{Form, FormKind, Place};
use crate::outcome::{FileReport, FormSummary};
use crate::pack::Pack;
use crate::read::{self, ReadError};
use crate::sheet::{CellValue, ProblemKind, Sheet, Workbook};

/// What a check needs besides the pack.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Encoding of CSV input (`gbk`, `gb18030`, `utf-8`); detected when `None`.
    pub csv_encoding: Option<String>,
}

/// A checked file: its report, the sheets it was read from (for snippets) and the forms
/// extracted from them (for cross-form checks, in the order of `report.checked`).
#[derive(Debug)]
pub struct Checked {
    /// Findings and counts.
    pub report: FileReport,
    /// The sheets read (empty for YAML/JSON input).
    pub sheets: Vec<Sheet>,
    /// The forms extracted, one per entry of `report.checked`.
    pub forms: Vec<Form>,
}

fn read_error(e: &ReadError) -> Finding {
    match e {
        ReadError::Encrypted => codes::ENCRYPTED.finding(e.to_string()),
        ReadError::SheetTooLarge(why) => codes::UNREADABLE.finding(why.clone()),
        _ => codes::UNREADABLE.finding(e.to_string()),
    }
}

/// A file read and ready to check: a workbook, or the text of a canonical YAML/JSON form.
#[derive(Debug)]
pub enum Input {
    /// Sheets of an xlsx/xlsm/csv file.
    Book(Workbook),
    /// A canonical form document (see `docs/layout.md`).
    Canonical(String),
}

/// The extensions a folder scan checks: what the readers take (by content; the extension is
/// only a hint).
pub const CHECKED_EXTENSIONS: &[&str] = &[
    "xlsx", "xlsm", "xltx", "xltm", "xls", "xlt", "xlsb", "ods", "ots", "et", "ett", "csv", "yaml",
    "yml", "json",
];

/// Spreadsheet formats a folder scan hands to the readers although none reads them, so each is
/// reported as X001 (with the advice to save as .xlsx) rather than skipped.
const UNREADABLE_SPREADSHEETS: &[&str] = &[
    "fods", "numbers", "xlw", "xlr", "wk1", "wk3", "wk4", "wks", "123", "gnumeric", "sxc", "uos",
    "dif", "slk", "dbf",
];

/// Why a file found in a folder (`name`: its file name) is not checked, or `None` when it is (a spreadsheet, CSV or
/// canonical form by its extension, or a spreadsheet format no reader takes: that one's X001
/// says so). Lock files (`~$…` left by Excel and WPS while a workbook is open, `.~lock.…#` by
/// LibreOffice) and hidden files are skipped whatever their extension.
pub fn skip_reason(name: &str) -> Option<String> {
    if name.eq_ignore_ascii_case("formlint.toml") {
        return Some("formlint 的配置文件，不是自评表".into());
    }
    if name.starts_with("~$") {
        return Some("Office 临时锁定文件（~$ 开头，工作簿打开时生成），不是自评表".into());
    }
    if name.starts_with(".~lock.") {
        return Some("LibreOffice/WPS 临时锁定文件（.~lock. 开头），不是自评表".into());
    }
    if name.starts_with('.') {
        return Some("隐藏文件".into());
    }
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| !e.is_empty() && !e.contains(['/', '\\']));
    match ext.as_deref() {
        Some(e) if CHECKED_EXTENSIONS.contains(&e) || UNREADABLE_SPREADSHEETS.contains(&e) => None,
        Some(e) => Some(format!("不是电子表格（.{e} 文件），未检查")),
        None => Some("没有扩展名，不是可检查的文件".into()),
    }
}

/// Whether `--annotate` can write an annotated copy of this file: only OOXML workbooks, told
/// by content whatever the extension (`Ok`); otherwise the name of the format it is, when
/// it is one formlint reads (`Err(Some("xls 工作簿"))`), or `Err(None)`.
pub fn annotatable(name: &str, bytes: &[u8]) -> Result<(), Option<&'static str>> {
    match read::sniff(name, bytes).format {
        Ok(read::Format::Xlsx) => Ok(()),
        Ok(other) => Err(Some(read::format_name(other))),
        Err(_) => Err(None),
    }
}

/// The forms found on a workbook's sheets, as the checker extracts them (sheets that are not a
/// form, or an incomplete one, give none): for tools that show or compare forms.
pub fn forms_of(pack: &Pack, sheets: &[Sheet]) -> Vec<crate::form::Form> {
    sheets
        .iter()
        .flat_map(|s| extract::extract_any(s, &[&pack.layout]).1)
        .filter_map(|(e, _)| match e {
            Extracted::Form(form, _) => Some(form),
            _ => None,
        })
        .collect()
}

/// Reads a file by its content (the name's extension a hint); a file that cannot be read
/// becomes its finding.
pub fn read_input(name: &str, bytes: &[u8], opts: &CheckOptions) -> Result<Input, Box<Finding>> {
    read_sniffed(name, bytes, &read::sniff(name, bytes), opts)
}

/// [`read_input`] with the file's format already told (`sniff`): a check sniffs each file once,
/// for its reader and its type note both.
fn read_sniffed(
    name: &str,
    bytes: &[u8],
    sniffed: &read::Sniffed,
    opts: &CheckOptions,
) -> Result<Input, Box<Finding>> {
    if let Some(format) = own_report(bytes) {
        return Err(Box::new(codes::NOT_A_FORM.finding(format!(
            "这是 formlint 的{format}检查报告，不是自评表，已跳过 (a formlint report, skipped)"
        ))));
    }
    let format = match &sniffed.format {
        Ok(format) => *format,
        Err(e) => return Err(Box::new(read_error(e))),
    };
    if format == read::Format::Canonical {
        return match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Input::Canonical(text.to_string())),
            Err(_) => Err(Box::new(
                codes::UNREADABLE.finding("文件不是 UTF-8 编码的 YAML/JSON"),
            )),
        };
    }
    read::read_as(format, name, bytes, opts.csv_encoding.as_deref())
        .map(Input::Book)
        .map_err(|e| Box::new(read_error(&e)))
}

/// The info note (X016) for a file whose content is another format than its extension says.
pub fn type_note(name: &str, bytes: &[u8]) -> Option<Finding> {
    note_of(&read::sniff(name, bytes))
}

/// The type note of a file already sniffed.
fn note_of(sniffed: &read::Sniffed) -> Option<Finding> {
    sniffed
        .note
        .clone()
        .map(|n| codes::TYPE_MISMATCH.finding(n))
}

/// Whether `bytes` are a report formlint wrote (a JSON report names itself with its `tool` key;
/// a CSV report starts with its header), so a report saved into a folder of submissions is not
/// read back as a form on the next run.
fn own_report(bytes: &[u8]) -> Option<&'static str> {
    let text = bytes.strip_prefix("\u{FEFF}".as_bytes()).unwrap_or(bytes);
    if text.starts_with(b"file,sheet,cell,code,severity,title,message") {
        return Some(" CSV ");
    }
    let first = text.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' {
        return None;
    }
    let doc: serde_json::Value = serde_json::from_slice(text).ok()?;
    (doc.get("tool")?.as_str()? == "formlint").then_some(" JSON ")
}

impl Input {
    /// The fiscal year the file states: a `（2020年度）` title on a sheet, or a canonical
    /// document's `fiscal_year:`; the first one found.
    pub fn fiscal_year(&self) -> Option<i32> {
        match self {
            Input::Book(book) => book.sheets.iter().find_map(sheet_fiscal_year),
            Input::Canonical(text) => extract::canonical_fiscal_year(text),
        }
    }
}

/// `2020年度` (with or without brackets and spaces) in the top rows of a sheet.
pub fn sheet_fiscal_year(sheet: &Sheet) -> Option<i32> {
    for row in sheet.rows.iter().take(8) {
        for cell in row {
            // (a text without 度 cannot hold 年度, however spaced: most cells are passed over
            // without being copied)
            if let CellValue::Text(t) = &cell.value {
                if !t.contains('度') {
                    continue;
                }
                let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                if let Some(i) = compact.find("年度") {
                    let digits: String = compact[..i]
                        .chars()
                        .rev()
                        .take_while(char::is_ascii_digit)
                        .collect();
                    if digits.len() == 4 {
                        return digits.chars().rev().collect::<String>().parse().ok();
                    }
                }
            }
        }
    }
    None
}

/// Checks a file already read. A panic anywhere in extracting or evaluating (a bug, or a pack
/// rule that trips one) is caught here and becomes an X015 finding naming the file, so one file
/// never stops a batch.
pub fn check_input(pack: &Pack, name: &str, input: Input) -> Checked {
    isolated(name, || check_input_unguarded(&[pack], name, input))
}

/// Checks a file already read with the packs of a run, one per kind of form: each sheet goes
/// to the pack whose layout it fits best (its title, then its labels), a canonical document to
/// the pack of the `kind:` it states (自评表 by default).
pub fn check_input_with(packs: &[&Pack], name: &str, input: Input) -> Checked {
    isolated(name, || check_input_unguarded(packs, name, input))
}

/// Runs `f` for the file `name`; a panic becomes that file's X015 finding.
pub fn isolated(name: &str, f: impl FnOnce() -> Checked) -> Checked {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|payload| internal_error(name, &panic_text(payload.as_ref())))
}

/// The text of a caught panic.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "未知错误".to_string())
}

/// A file whose check broke off: its X015 finding and nothing else.
pub fn internal_error(name: &str, why: &str) -> Checked {
    Checked {
        report: FileReport {
            findings: vec![
                codes::INTERNAL.finding(format!("检查该文件时发生内部错误，已跳过该文件（{why}）"))
            ],
            ..FileReport::new(name)
        },
        sheets: Vec::new(),
        forms: Vec::new(),
    }
}

/// What the kinds of form the packs check are called together: 自评表, 自评表或申报表.
fn kinds_text(packs: &[&Pack]) -> String {
    let mut kinds: Vec<&str> = Vec::new();
    for p in packs {
        let k = p.manifest.kind.label();
        if !kinds.contains(&k) {
            kinds.push(k);
        }
    }
    kinds.join("或")
}

/// One extracted form: its summary for reports and the form itself for cross-form checks.
fn summary(pack: &Pack, form: &Form) -> FormSummary {
    let project = form.fields.get("项目名称").and_then(|f| match &f.value {
        crate::form::FieldValue::Text(t) if !t.trim().is_empty() => Some(t.trim().to_string()),
        _ => None,
    });
    FormSummary {
        sheet: form.sheet.clone(),
        kind: pack.manifest.kind,
        pack: crate::outcome::Ruleset {
            name: pack.manifest.name.clone(),
            version: pack.manifest.version.clone(),
        },
        project,
        fiscal_year: None,
    }
}

fn check_input_unguarded(packs: &[&Pack], name: &str, input: Input) -> Checked {
    let mut report = FileReport::new(name);
    let mut forms = Vec::new();
    let book = match input {
        Input::Canonical(text) => {
            // a document that states no kind is a self-evaluation, or whatever the only pack checks
            let stated = extract::canonical_kind(&text);
            let kind = stated.unwrap_or_default();
            let found = packs.iter().find(|p| p.manifest.kind == kind);
            let found = found.or(if stated.is_none() {
                packs.first()
            } else {
                None
            });
            let Some(pack) = found else {
                report.findings.push(codes::NO_FORM.finding(format!(
                    "文件中是{kind}，但本次检查没有{kind}的规则包（只有：{}）",
                    kinds_text(packs)
                )));
                return Checked {
                    report,
                    sheets: Vec::new(),
                    forms,
                };
            };
            match extract::read_canonical(&text, &pack.layout) {
                Ok(found) => {
                    for (form, mut found) in found {
                        report.forms += 1;
                        report.checked.push(summary(pack, &form));
                        found.extend(pack.program.check(&form));
                        let accepted = accept::apply(&form, &[], &mut found, name);
                        report.accepted.extend(accepted);
                        report.findings.extend(found);
                        forms.push(form);
                    }
                    if report.forms == 0 {
                        report
                            .findings
                            .push(codes::NO_FORM.finding("文件中没有任何表单 (no form in file)"));
                    }
                }
                Err(e) => report
                    .findings
                    .push(codes::UNREADABLE.finding(e.message_with_place())),
            }
            return Checked {
                report,
                sheets: Vec::new(),
                forms,
            };
        }
        Input::Book(book) => book,
    };
    let layouts: Vec<&extract::Layout> = packs
        .iter()
        .filter(|p| p.manifest.kind != FormKind::Pair)
        .map(|p| &p.layout)
        .collect();
    let form_packs: Vec<&Pack> = packs
        .iter()
        .copied()
        .filter(|p| p.manifest.kind != FormKind::Pair)
        .collect();
    let mut skipped = Vec::new();
    for sheet in &book.sheets {
        let problems = cell_problems(sheet);
        let (i, extracted) = extract::extract_any(sheet, &layouts);
        // the sheet's unreadable cells are reported once, with its first form
        let mut unreported = Some(problems.clone());
        for (extracted, start) in extracted {
            match extracted {
                Extracted::Form(form, mut found) => {
                    let pack = form_packs[i];
                    report.forms += 1;
                    report.checked.push(summary(pack, &form));
                    // A cell the reader could not take has its own finding: no second one
                    // (X006) for the same cell from typing it.
                    found.retain(|f| {
                        !problems
                            .iter()
                            .any(|p| p.at.is_some() && p.at == f.at && p.sheet == f.sheet)
                    });
                    found.extend(unreported.take().unwrap_or_default());
                    found.extend(pack.program.check(&form));
                    let accepted = accept::apply(&form, &sheet.merges, &mut found, name);
                    report.accepted.extend(accepted);
                    report.findings.extend(found);
                    forms.push(form);
                }
                Extracted::NotAForm => skipped.push(sheet.name.clone()),
                Extracted::Incomplete(missing) => {
                    report.forms += 1;
                    report.findings.push(extract::incomplete_finding(
                        &sheet.name,
                        form_packs[i].manifest.kind.label(),
                        &missing,
                        start,
                    ));
                }
            }
        }
        report.findings.extend(unreported.unwrap_or_default());
    }
    let what = kinds_text(&form_packs);
    if report.forms == 0 {
        let names = book
            .sheets
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>()
            .join("、");
        report.findings.push(codes::NO_FORM.finding(format!(
            "没有找到项目支出绩效{}（工作表：{names}）",
            what.replace("申报表", "目标申报表")
        )));
    } else {
        for s in skipped {
            report.findings.push(extract::not_a_form_finding(&s, &what));
        }
    }
    let order: Vec<String> = book.sheets.iter().map(|s| s.name.clone()).collect();
    crate::outcome::sort_findings(&mut report.findings, &order);
    crate::outcome::sort_accepted(&mut report.accepted, &order);
    Checked {
        report,
        sheets: book.sheets,
        forms,
    }
}

/// The findings for the cells a sheet's reader could not take (X013, X014, …).
fn cell_problems(sheet: &Sheet) -> Vec<Finding> {
    sheet
        .problems
        .iter()
        .map(|p| {
            let code = match p.kind {
                ProblemKind::Malformed => codes::BAD_CELL,
                ProblemKind::OutOfRange => codes::OUT_OF_RANGE,
                ProblemKind::SheetNotRead => codes::UNREADABLE,
            };
            Finding {
                at: p.at.map(Place::Cell),
                ..code.on_sheet(&sheet.name, p.message.clone())
            }
        })
        .collect()
}

/// Checks one file with the pack `choice` gives for the fiscal year it states: what
/// `formlint check` does for every file. A file checked by a pack other than the run's, or
/// stating a year no pack covers, starts with an info note (X012/X011).
pub fn check_chosen(
    choice: &crate::pack::PackChoice,
    name: &str,
    bytes: &[u8],
    opts: &CheckOptions,
) -> Checked {
    isolated(name, || {
        let sniffed = read::sniff(name, bytes);
        let input = match read_sniffed(name, bytes, &sniffed, opts) {
            Ok(i) => i,
            Err(f) => return noted(unread(name, *f), &sniffed),
        };
        let year = input.fiscal_year();
        let chosen = choice.for_year(year);
        let packs: Vec<&Pack> = chosen.iter().map(|(p, _)| *p).collect();
        let mut checked = check_input_unguarded(&packs, name, input);
        for s in &mut checked.report.checked {
            s.fiscal_year = year;
        }
        // a note for each pack that checked a form of this file (or the main kind's, if none did)
        let notes = chosen.into_iter().enumerate().filter_map(|(i, (p, note))| {
            let used = checked
                .report
                .checked
                .iter()
                .any(|s| s.pack.name == p.manifest.name);
            (used || (i == 0 && checked.report.checked.is_empty()))
                .then_some(note)
                .flatten()
        });
        let notes: Vec<Finding> = notes.collect();
        checked.report.findings.splice(0..0, notes);
        noted(checked, &sniffed)
    })
}

/// A file that could not be read: `f` is its only finding.
fn unread(name: &str, f: Finding) -> Checked {
    Checked {
        report: FileReport {
            findings: vec![f],
            ..FileReport::new(name)
        },
        sheets: Vec::new(),
        forms: Vec::new(),
    }
}

/// Checks one file given by name (its extension picks the reader) and contents.
pub fn check_file(pack: &Pack, name: &str, bytes: &[u8], opts: &CheckOptions) -> Checked {
    isolated(name, || check_file_unguarded(pack, name, bytes, opts))
}

fn check_file_unguarded(pack: &Pack, name: &str, bytes: &[u8], opts: &CheckOptions) -> Checked {
    let sniffed = read::sniff(name, bytes);
    let checked = match read_sniffed(name, bytes, &sniffed, opts) {
        Ok(input) => check_input(pack, name, input),
        Err(f) => unread(name, *f),
    };
    noted(checked, &sniffed)
}

/// `checked` with the file's type note (X016) first, when its content and extension disagree.
fn noted(mut checked: Checked, sniffed: &read::Sniffed) -> Checked {
    if let Some(note) = note_of(sniffed) {
        checked.report.findings.insert(0, note);
    }
    checked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fiscal_year_is_read_from_the_top_rows_however_spaced() {
        let year = |texts: &[&str], row: u32| {
            let mut sheet = Sheet::default();
            for (c, t) in texts.iter().enumerate() {
                let mut cell = crate::sheet::Cell::empty();
                cell.value = CellValue::Text(t.to_string());
                sheet.set(crate::sheet::CellRef::new(row, c as u32), cell);
            }
            sheet_fiscal_year(&sheet)
        };
        assert_eq!(year(&["项目支出绩效自评表", "（2020年度）"], 0), Some(2020));
        assert_eq!(year(&["( 2021 年 度 )"], 2), Some(2021));
        assert_eq!(year(&["20 19年\u{3000}度"], 1), Some(2019));
        assert_eq!(year(&["2020年", "度"], 0), None);
        assert_eq!(year(&["年度资金总额", "202年度"], 0), None);
        assert_eq!(year(&["（2020年度）"], 8), None);
    }

    #[test]
    fn a_panic_while_checking_becomes_the_files_x015() {
        let quiet = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let checked = isolated("坏.xlsx", || panic!("规则出错"));
        let by_string = isolated("坏2.xlsx", || panic!("{}", String::from("格式化的")));
        std::panic::set_hook(quiet);
        assert_eq!(checked.report.path, "坏.xlsx");
        assert_eq!(checked.report.findings.len(), 1);
        let f = &checked.report.findings[0];
        assert_eq!(f.code, codes::INTERNAL.code);
        assert!(f.message.contains("规则出错"), "{}", f.message);
        assert!(by_string.report.findings[0].message.contains("格式化的"));
    }
}
