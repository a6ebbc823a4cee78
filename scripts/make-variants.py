#!/usr/bin/env python3
"""Writes the input-variant fixtures of tests/inputs_variants.rs from the seed workbooks.

Each is a seed form (tests/fixtures/seed/) as real submissions vary it, written by openpyxl
(a writer finance IT teams use):

  tests/fixtures/stacked/自评表汇编.xlsx              the nine forms stacked on one sheet, with
                                                     a blank row, a title, or both between
  tests/fixtures/stacked/第二张缺表头.xlsx            P3 and P5 stacked, P5 without its 三级指标
  tests/fixtures/comparator-words/P*-比较词.xlsx     every ≥ ≤ > < target written in words
                                                     (不低于95%, 95%以上, 不超过5.6万元, 5万元以内…)
  tests/fixtures/label-variants/P3-目标两行.xlsx      the goal block as label-and-value rows
  tests/fixtures/label-variants/P3-目标两行-未填.xlsx  the same with the goal left blank
  tests/fixtures/label-variants/P3-金额带单位.xlsx    amounts typed as text with a unit
  tests/fixtures/label-variants/P3-表头部分相符.xlsx  the reason column headed 偏差原因及措施
  tests/fixtures/label-variants/P3-标签错位.xlsx      the project name deleted, 项目金额 shifted
                                                     into its cell
  tests/fixtures/label-variants/P3-表头缺字.xlsx      the required 年度指标值 headed just 指标值

Run from the repository root: python3 scripts/make-variants.py (needs openpyxl).
The outputs are committed; rerun only to change them. Workbooks are loaded with their cached
values (data_only): openpyxl writes formulas without results, which a reader sees as blanks.
"""
import copy
import glob
import os

import openpyxl
from openpyxl.utils import get_column_letter

SEED = "tests/fixtures/seed"


def seed_files():
    return sorted(glob.glob(f"{SEED}/P*.xlsx"))


def load(name):
    return openpyxl.load_workbook(f"{SEED}/{name}.xlsx", data_only=True)


def save(wb, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    wb.save(path)
    print("wrote", path)


# ---- stacked forms --------------------------------------------------------------------------

# what goes between form i and form i+1, cycling: a blank row and a title, a title only, a
# blank row only
SEPARATORS = [("blank", "title"), ("title",), ("blank",)]


def stacked(paths, out_path, offsets_path=None, blank_header=None):
    """`paths` stacked on one sheet; `blank_header` (form index, header text) deletes that
    header cell of that form, to make it incomplete."""
    out = openpyxl.Workbook()
    ws = out.active
    ws.title = "2020年度自评表"
    ws["A1"] = "深圳市商务局2020年度项目支出绩效自评表汇编"
    row = 2  # next free row (1-based)
    offsets = []
    for i, path in enumerate(paths):
        if i > 0:
            for sep in SEPARATORS[(i - 1) % len(SEPARATORS)]:
                if sep == "title":
                    ws.cell(row=row, column=1, value=f"项目支出绩效自评表（{i + 1}）")
                    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=9)
                row += 1
        src = openpyxl.load_workbook(path, data_only=True).active
        offset = row - 1
        offsets.append((os.path.basename(path), offset))
        for r in src.iter_rows():
            for c in r:
                if c.value is None:
                    continue
                if blank_header and blank_header == (i, c.value):
                    continue
                dst = ws.cell(row=c.row + offset, column=c.column, value=c.value)
                dst.number_format = c.number_format
                if c.data_type == "s":
                    dst.data_type = "s"  # text such as `=9台` stays text, not a formula
        for m in src.merged_cells.ranges:
            ws.merge_cells(
                start_row=m.min_row + offset,
                start_column=m.min_col,
                end_row=m.max_row + offset,
                end_column=m.max_col,
            )
        row = src.max_row + offset + 1
    save(out, out_path)
    if offsets_path:
        # the row offset of each form, for the test
        with open(offsets_path, "w", encoding="utf-8") as f:
            for name, offset in offsets:
                f.write(f"{name}\t{offset}\n")


# ---- comparator words -----------------------------------------------------------------------

# each symbol, in turn, by the words filers write for it
WORDS = {
    "≥": [("不低于", ""), ("", "以上"), ("不少于", ""), ("", "及以上")],
    "≤": [("不超过", ""), ("", "以内"), ("不高于", ""), ("", "以下")],
    ">": [("超过", ""), ("高于", "")],
    "<": [("低于", ""), ("少于", "")],
}


def comparator_words():
    turn = {k: 0 for k in WORDS}
    for path in seed_files():
        wb = openpyxl.load_workbook(path, data_only=True)
        ws = wb.active
        changed = 0
        for r in ws.iter_rows():
            for c in r:
                if not isinstance(c.value, str):
                    continue
                text = c.value.strip()
                sym = next((s for s in WORDS if text.startswith(s)), None)
                if sym is None or text.startswith(">=") or text.startswith("<="):
                    continue
                rest = text[len(sym):].strip()
                if not rest[:1].isdigit():
                    continue
                before, after = WORDS[sym][turn[sym] % len(WORDS[sym])]
                turn[sym] += 1
                c.value = f"{before}{rest}{after}"
                changed += 1
        name = os.path.basename(path).split("-")[0]
        if changed:
            save(wb, f"tests/fixtures/comparator-words/{name}-比较词.xlsx")


# ---- P3 label and value variants ------------------------------------------------------------


def goal_rows(blank_goal):
    """预期目标 and 实际完成情况 each on its own row, the text right of the label."""
    wb = load("P3-贸易摩擦应对事务")
    ws = wb.active
    goal, actual = ws["B9"].value, ws["F9"].value
    for rng in ["B8:E8", "F8:I8", "B9:E9", "F9:I9"]:
        ws.unmerge_cells(rng)
    for col in "BCDEFGHI":
        ws[f"{col}8"] = None
        ws[f"{col}9"] = None
    ws["B8"] = "预期目标"
    ws["C8"] = None if blank_goal else goal
    ws["B9"] = "实际完成情况"
    ws["C9"] = actual
    ws.merge_cells("C8:I8")
    ws.merge_cells("C9:I9")
    suffix = "-未填" if blank_goal else ""
    save(wb, f"tests/fixtures/label-variants/P3-目标两行{suffix}.xlsx")


def money_with_units():
    """Amounts typed as text with their unit: 元 as the form states, and 万元 converted."""
    wb = load("P3-贸易摩擦应对事务")
    ws = wb.active
    assert "（元）" in ws["A3"].value
    ws["G1"] = "23万元"
    for ref in ["D4", "E4", "D5", "E5"]:
        ws[ref] = f"{ws[ref].value:,.2f}元"
    ws["F4"] = "82,694.30元"
    ws["F5"] = "8.26943万元"
    for ref in ["G1", "D4", "E4", "F4", "D5", "E5", "F5"]:
        ws[ref].number_format = "@"
    save(wb, "tests/fixtures/label-variants/P3-金额带单位.xlsx")


def short_required_header():
    """A required header cut short: 指标值 for 年度指标值 (the form is incomplete)."""
    wb = load("P3-贸易摩擦应对事务")
    ws = wb.active
    assert ws["E10"].value == "年度指标值"
    ws["E10"] = "指标值"
    save(wb, "tests/fixtures/label-variants/P3-表头缺字.xlsx")


def half_header():
    """The reason column headed 偏差原因及措施: it half matches 偏差原因分析及改进措施."""
    wb = load("P3-贸易摩擦应对事务")
    ws = wb.active
    assert ws["I10"].value == "偏差原因分析及改进措施"
    ws["I10"] = "偏差原因及措施"
    save(wb, "tests/fixtures/label-variants/P3-表头部分相符.xlsx")


def shifted_label():
    """The project name deleted and the row shifted left: right of 项目名称 is 项目金额."""
    wb = load("P3-贸易摩擦应对事务")
    ws = wb.active
    assert ws["F1"].value == "项目金额"
    amount = ws["G1"].value
    ws.unmerge_cells("G1:I1")
    ws["B1"] = "项目金额"
    ws["F1"] = amount
    ws["G1"] = None
    save(wb, "tests/fixtures/label-variants/P3-标签错位.xlsx")


if __name__ == "__main__":
    stacked(
        seed_files(),
        "tests/fixtures/stacked/自评表汇编.xlsx",
        "tests/fixtures/stacked/offsets.txt",
    )
    stacked(
        [f"{SEED}/P3-贸易摩擦应对事务.xlsx", f"{SEED}/P5-博士后创新基地.xlsx"],
        "tests/fixtures/stacked/第二张缺表头.xlsx",
        blank_header=(1, "三级指标"),
    )
    comparator_words()
    goal_rows(blank_goal=False)
    goal_rows(blank_goal=True)
    money_with_units()
    half_header()
    shifted_label()
    short_required_header()
