//! One walk of a worksheet part: every cell's value and style (calamine's
//! `next_cell_with_style_id`), the cells holding a formula and the merged regions (the rules of
//! `read::marks`), in a single pass. `None` wherever either would fail or the two could place
//! something differently (a `<row>` or `<c>` outside `<sheetData>`, a reference past the sheet).

use super::styles::{digits, read_string, DateKind};
use super::Context;
use crate::read::grid::GridBuilder;
use crate::read::marks::{check_formula, merge};
use crate::read::number::decimal_from_f64;
use crate::read::rawxml::{get_attrs, push_entity, raw_attr, sheet_reader};
use crate::read::xlsx::{cell, data_value, mark_formula, number_value};
use crate::read::ReadError;
use crate::sheet::{CellRange, CellRef, CellValue, ProblemKind, Sheet};
use calamine::{CellErrorType, Data, ExcelDateTime, ExcelDateTimeType};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use quick_xml::Reader;

/// Most formula marks kept for one sheet: far more than the grid budget can place (the walk
/// declines past it and the calamine path reads the sheet).
const MAX_FORMULAS: usize = 4 * super::super::grid::MAX_GRID_CELLS as usize;

/// A sheet being walked: values go into the grid as they come (in stream order, as the
/// calamine path puts them), formula marks and merges wait for the end.
pub(super) struct Walked {
    /// The grid, with the values so far.
    grid: GridBuilder,
    /// Set once the grid went over its budget: no more values are put, the walk goes on.
    too_large: Option<ReadError>,
    /// Cells holding a formula, in stream order, each once in a row.
    formulas: Vec<CellRef>,
    /// Merged regions as written.
    merges: Vec<CellRange>,
}

impl Walked {
    /// Puts a value as the calamine path does (an out-of-range number reported first).
    pub(super) fn put(&mut self, at: CellRef, data: Data, percent: bool) {
        if self.too_large.is_some() {
            return;
        }
        let value = match data {
            // `data_value`'s own arms for text, without copying the text, and for a float,
            // converted once for both the range check and the value.
            Data::String(s) if s.is_empty() => CellValue::Empty,
            Data::String(s) => CellValue::Text(s),
            Data::Float(f) => match decimal_from_f64(f) {
                Some(d) => number_value(d, percent),
                None => {
                    self.grid.problem_with(
                        ProblemKind::OutOfRange,
                        Some(at),
                        format!("单元格 {at} 的数值 {f} 超出可计算的范围，按无法识别处理"),
                    );
                    data_value(&data, percent)
                }
            },
            data => data_value(&data, percent),
        };
        if value != CellValue::Empty {
            if let Err(e) = self.grid.put(at, cell(value, false)) {
                self.too_large = Some(e);
            }
        }
    }

    /// Notes that the cell at `at` holds a formula (once however many `<f>` it has); `None`
    /// past [`MAX_FORMULAS`].
    pub(super) fn mark_formula(&mut self, at: CellRef) -> Option<()> {
        if self.formulas.last() != Some(&at) {
            if self.formulas.len() >= MAX_FORMULAS {
                return None;
            }
            self.formulas.push(at);
        }
        Some(())
    }

    /// The sheet, finished as the calamine path finishes it: formula marks, then merged
    /// regions; `Err(SheetTooLarge)` when it is over the grid budget.
    pub(super) fn into_sheet(mut self) -> Result<Sheet, ReadError> {
        if let Some(e) = self.too_large {
            return Err(e);
        }
        for at in self.formulas {
            mark_formula(&mut self.grid, at)?;
        }
        self.grid.finish(self.merges)
    }
}

/// Element names whose meaning differs between the two walks when they sit inside a cell's
/// value; the own reader declines rather than guess.
pub(super) fn structural(local_name: &str) -> bool {
    matches!(
        local_name,
        "row" | "c" | "f" | "mergeCells" | "mergeCell" | "sheetData"
    )
}

/// Whether an event opens or closes one of the [`structural`] elements.
pub(super) fn structural_event(ev: &Event<'_>) -> bool {
    match ev {
        Event::Start(e) => structural(e.local_name().as_ref()),
        Event::End(e) => structural(e.local_name().as_ref()),
        _ => false,
    }
}

/// A `<row>`'s or `<c>`'s `r`, raw as calamine reads it, if the marks walk (quick-xml's
/// attribute reader) reads the same.
fn r_attr<'a>(e: &'a BytesStart<'_>) -> Option<Option<&'a str>> {
    let raw = raw_attr(e, "r")?;
    let checked = e.try_get_attribute("r").ok()?;
    (checked.as_ref().map(|a| a.value.as_ref()) == raw).then_some(raw)
}

/// The next event, `None` on an XML error. (Attributes are read only where calamine reads
/// them: in a worksheet, those of `<dimension>`, `<row>`, `<c>` and, for the marks, `<f>` and
/// `<mergeCell>`.)
fn next<'a>(r: &mut Reader<&'a [u8]>) -> Option<Event<'a>> {
    r.read_event().ok()
}

/// quick-xml's `read_to_end` (what calamine skips an element with), declining on structure
/// inside.
fn skip(r: &mut Reader<&[u8]>, name: QName<'_>) -> Option<()> {
    let mut depth = 0u32;
    loop {
        match next(r)? {
            Event::Start(e) if structural(e.local_name().as_ref()) => return None,
            Event::Start(e) if e.name() == name => depth += 1,
            Event::End(e) if e.name() == name => {
                if depth == 0 {
                    return Some(());
                }
                depth -= 1;
            }
            Event::End(e) if structural(e.local_name().as_ref()) => return None,
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// A reference strictly on the sheet (`A1` … `XFD1048576`).
pub(super) fn on_sheet(at: CellRef) -> Option<CellRef> {
    at.on_sheet().then_some(at)
}

/// Walks a worksheet part event by event (quick-xml): every part the byte scanner
/// ([`super::scan`]) declines, and the parts around the cells of those it takes.
pub(super) fn walk_events(xml: &[u8], ctx: &Context, name: &str) -> Option<Walked> {
    let mut r = sheet_reader(xml);
    let mut out = Walked {
        grid: GridBuilder::new(name),
        too_large: None,
        formulas: Vec::new(),
        merges: Vec::new(),
    };
    let mut in_merges = false;
    // Before <sheetData> (calamine's `XlsxCellReader::new`).
    loop {
        match next(&mut r)? {
            Event::Start(e) => match e.local_name().as_ref() {
                "dimension" => dimension(raw_attr(&e, "ref")??)?,
                "sheetData" => break,
                "row" | "c" => return None,
                "f" => check_formula(&e)?,
                _ => merges(&e, &mut out.merges, &mut in_merges)?,
            },
            Event::End(e) if e.local_name().as_ref() == "mergeCells" => in_merges = false,
            Event::End(e) if matches!(e.local_name().as_ref(), "row" | "c") => return None,
            Event::Eof => return None,
            _ => {}
        }
    }
    // The cells.
    let (mut row, mut col) = (0u32, 0u32);
    loop {
        match next(&mut r)? {
            Event::Start(e) => match e.local_name().as_ref() {
                "row" => {
                    if let Some(v) = r_attr(&e)? {
                        row = CellRef::row_from_a1(v)?;
                    }
                }
                "c" => {
                    let [at, style, kind] = get_attrs(&e, ["r", "s", "t"])?;
                    if at != r_attr(&e)? {
                        return None;
                    }
                    let at = match at {
                        Some(a) => on_sheet(CellRef::from_a1(a)?)?,
                        None => on_sheet(CellRef::new(row, col))?,
                    };
                    col = at.col;
                    cell_body(&mut r, ctx, &mut out, at, style, kind)?;
                    col += 1;
                }
                "f" => check_formula(&e)?,
                "sheetData" => return None,
                _ => merges(&e, &mut out.merges, &mut in_merges)?,
            },
            Event::End(e) => match e.local_name().as_ref() {
                "row" => {
                    row = row.checked_add(1)?;
                    col = 0;
                }
                "sheetData" => break,
                "mergeCells" => in_merges = false,
                _ => {}
            },
            Event::Eof => return None,
            _ => {}
        }
    }
    // After </sheetData>: merged regions, and the rest must read (the marks walk reads it all).
    loop {
        match next(&mut r)? {
            Event::Start(e) => match e.local_name().as_ref() {
                "row" | "c" | "sheetData" => return None,
                "f" => check_formula(&e)?,
                _ => merges(&e, &mut out.merges, &mut in_merges)?,
            },
            Event::End(e) if e.local_name().as_ref() == "mergeCells" => in_merges = false,
            Event::End(e) if matches!(e.local_name().as_ref(), "row" | "c") => return None,
            Event::Eof => return Some(out),
            _ => {}
        }
    }
}

/// `<mergeCells>` and `<mergeCell>` as the marks walk takes them.
fn merges(e: &BytesStart<'_>, merges: &mut Vec<CellRange>, in_merges: &mut bool) -> Option<()> {
    match e.local_name().as_ref() {
        // A second opening inside the first is where the two readers' views could part.
        "mergeCells" if *in_merges => return None,
        "mergeCells" if merges.is_empty() => *in_merges = true,
        "mergeCell" if *in_merges => merges.push(merge(e)?),
        _ => {}
    }
    Some(())
}

/// A `<dimension ref>` calamine reads without complaint (and without overflowing).
fn dimension(v: &str) -> Option<()> {
    let mut parts = v.split(':');
    let start = CellRef::from_a1(parts.next()?)?;
    if let Some(end) = parts.next() {
        let end = CellRef::from_a1(end)?;
        if end.row < start.row || end.col < start.col || parts.next().is_some() {
            return None;
        }
    }
    Some(())
}

/// The children of one `<c>`: the last of `<v>`, `<is>`, `<f>` gives the value (as in
/// calamine), an `<f>` marks the cell.
fn cell_body(
    r: &mut Reader<&[u8]>,
    ctx: &Context,
    out: &mut Walked,
    at: CellRef,
    style: Option<&str>,
    kind: Option<&str>,
) -> Option<()> {
    let style_id = match style {
        Some(s) => digits(s)? as usize,
        None => 0,
    };
    let mut value = Data::Empty;
    loop {
        match next(r)? {
            Event::Start(e) => {
                value = match e.local_name().as_ref() {
                    "is" => Data::String(read_string(r, e.name(), true)?),
                    "v" if matches!(kind, Some("inlineStr" | "is")) => {
                        skip(r, e.name())?;
                        Data::Empty
                    }
                    "v" if matches!(kind, Some("n" | "s" | "b" | "e") | None) => match next(r)? {
                        Event::Text(t) => {
                            let v = read_v(ctx, &t, style, kind)?;
                            skip(r, e.name())?;
                            v
                        }
                        Event::End(end) if end.name() == e.name() => Data::Empty,
                        Event::Eof => return None,
                        Event::Start(inner) if structural(inner.local_name().as_ref()) => {
                            return None
                        }
                        Event::End(inner) if structural(inner.local_name().as_ref()) => {
                            return None
                        }
                        Event::Start(inner) if inner.name() == e.name() => return None,
                        _ => {
                            skip(r, e.name())?;
                            Data::Empty
                        }
                    },
                    "v" => {
                        let mut text = String::new();
                        loop {
                            match next(r)? {
                                Event::Text(t) => text.push_str(&t.xml10_content()),
                                Event::GeneralRef(g) => push_entity(&g, &mut text)?,
                                Event::End(end) if end.name() == e.name() => break,
                                Event::Start(inner) if structural(inner.local_name().as_ref()) => {
                                    return None
                                }
                                Event::End(inner) if structural(inner.local_name().as_ref()) => {
                                    return None
                                }
                                Event::Eof => return None,
                                _ => {}
                            }
                        }
                        read_v(ctx, &text, style, kind)?
                    }
                    "f" => {
                        check_formula(&e)?;
                        out.mark_formula(at)?;
                        skip(r, e.name())?;
                        Data::Empty
                    }
                    _ => return None,
                };
            }
            Event::End(e) if e.local_name().as_ref() == "c" => break,
            Event::End(e) if structural(e.local_name().as_ref()) => return None,
            Event::Eof => return None,
            _ => {}
        }
    }
    let percent = ctx.formats.get(style_id).is_some_and(|f| f.percent);
    out.put(at, value, percent);
    Some(())
}

/// calamine's `read_v`: a `<v>`'s text by the cell's type.
pub(super) fn read_v(
    ctx: &Context,
    v: &str,
    style: Option<&str>,
    kind: Option<&str>,
) -> Option<Data> {
    let date = match style {
        Some(s) => ctx.formats.get(digits(s)? as usize).map(|f| f.date),
        None => Some(DateKind::Other),
    };
    Some(match kind {
        Some("s") if v.is_empty() => Data::Empty,
        Some("s") => Data::String(ctx.strings.get(digits(v)? as usize)?.clone()),
        Some("b") => match v.trim() {
            "" => Data::Empty,
            "0" => Data::Bool(false),
            "1" => Data::Bool(true),
            t if t.eq_ignore_ascii_case("false") => Data::Bool(false),
            t if t.eq_ignore_ascii_case("true") => Data::Bool(true),
            _ => return None,
        },
        Some("d") => Data::DateTimeIso(v.to_string()),
        Some("e") => Data::Error(error_value(v)?),
        Some("str") => Data::String(crate::read::rawxml::unescape_excel(v).into_owned()),
        Some("n") | None if v.is_empty() => Data::Empty,
        Some("n") | None => {
            let n = plain_number(v)?;
            let kind = match date {
                Some(DateKind::DateTime) => ExcelDateTimeType::DateTime,
                Some(DateKind::TimeDelta) => ExcelDateTimeType::TimeDelta,
                _ => return Some(Data::Float(n)),
            };
            Data::DateTime(ExcelDateTime::new(n, kind, ctx.is_1904))
        }
        Some(_) => return None,
    })
}

/// A number written plainly (`-12.5`, `1E-3`, `.5`): read as calamine's float parser reads
/// it (both round correctly); `None` for anything else (`inf`, `+1`, spaces, text).
fn plain_number(v: &str) -> Option<f64> {
    let b = v.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let int = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    i += int;
    let mut frac = 0;
    if b.get(i) == Some(&b'.') {
        i += 1;
        frac = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        i += frac;
    }
    if int + frac == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if exp == 0 {
            return None;
        }
        i += exp;
    }
    if i != b.len() {
        return None;
    }
    v.parse().ok()
}

/// The error values calamine knows.
fn error_value(v: &str) -> Option<CellErrorType> {
    Some(match v {
        "#DIV/0!" => CellErrorType::Div0,
        "#N/A" => CellErrorType::NA,
        "#NAME?" => CellErrorType::Name,
        "#NULL!" => CellErrorType::Null,
        "#NUM!" => CellErrorType::Num,
        "#REF!" => CellErrorType::Ref,
        "#VALUE!" => CellErrorType::Value,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_only() {
        for (v, n) in [
            ("12", 12.0),
            ("-0.5", -0.5),
            (".5", 0.5),
            ("1.", 1.0),
            ("1E-3", 1e-3),
        ] {
            assert_eq!(plain_number(v), Some(n), "{v}");
        }
        for v in ["", "-", ".", "+1", " 1", "1e", "inf", "NaN", "1,5", "0x10"] {
            assert_eq!(plain_number(v), None, "{v}");
        }
    }
}
