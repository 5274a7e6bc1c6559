"""Structural changes the reader was not written for, applied to the seed plan's layouts
(tests/layouts.py), each with its known truth: the rule "every cell accounted for" is tested by them.

A `Sheet` is a rendered layout loaded back as a grid (values, merges, hidden rows and columns, cover
sheets) with what each row and column is, so that a mutation can insert, move, split or hide rows
and columns and say which it changed. A `Mutation` is one entry of `MUTATIONS`: its name, and a
function (sheet, hypothesis draw) → `Change`: the cells, rows and columns it touched, and whether
the counts stay what the seed says (`same`) or cannot be known from the file (the reader must then
point an error at what changed). A new kind (drawn arrows, a file copied) is one more entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import openpyxl
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

import layouts
from ita_workbook.cells import parse_budget

BASES = (
    layouts.Variant("yearly", 2),
    layouts.Variant("yearly", 1, headings=True, dimension_column=False),
    layouts.Variant("yearly", 2, headings=True, merged_headings=True, subheadings="split"),
    layouts.Variant("months", 2, headings=True),
    layouts.Variant("yearly", 2, department_merged=True, extra_column=True),
)


@dataclass
class Sheet:
    rows: list[list[Any]]
    merges: list[list[int]]  # [r0, c0, r1, c1], 0-based, inclusive
    keys: list[str]  # what each column is: a form key, "" for one the mutation added
    kinds: list[str]  # what each row is: title, header, heading, project, totals, blank, added
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    covers: list[list[list[Any]]] = field(default_factory=list)  # sheets before the plan's

    @property
    def width(self) -> int:
        return max(len(r) for r in self.rows)

    def col(self, key: str) -> int:
        return self.keys.index(key)

    def of_kind(self, kind: str) -> list[int]:
        return [r for r, k in enumerate(self.kinds) if k == kind]

    def insert_col(self, at: int, key: str, values: dict[int, Any]) -> None:
        for r, row in enumerate(self.rows):
            row.extend([None] * (at - len(row)))
            row.insert(at, values.get(r))
        for m in self.merges:
            if m[1] >= at:
                m[1] += 1
                m[3] += 1
            elif m[3] >= at:
                m[3] += 1
        self.keys.extend([""] * (at - len(self.keys)))
        self.keys.insert(at, key)
        self.hidden_cols = {c + (c >= at) for c in self.hidden_cols}

    def delete_col(self, at: int) -> tuple[dict[int, Any], list[list[int]]]:
        """The column's values and its own (vertical) merges, taken out."""
        values = {r: row.pop(at) for r, row in enumerate(self.rows) if at < len(row)}
        own = [m for m in self.merges if m[1] == m[3] == at]
        for m in own:
            self.merges.remove(m)
        for m in self.merges:
            if m[1] > at:
                m[1] -= 1
                m[3] -= 1
            elif m[3] >= at:
                m[3] -= 1
        self.keys.pop(at)
        return values, own

    def insert_row(self, at: int, kind: str, values: dict[int, Any]) -> None:
        self.rows.insert(at, [values.get(c) for c in range(max(self.width, *(c + 1 for c in values), 0))])
        for m in self.merges:
            if m[0] >= at:
                m[0] += 1
                m[2] += 1
            elif m[2] >= at:
                m[2] += 1
        self.kinds.insert(at, kind)
        self.hidden_rows = {r + (r >= at) for r in self.hidden_rows}

    def write(self, path: Path) -> Path:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for i, cover in enumerate(self.covers):
            ws = book.create_sheet(f"ปก{i + 1}")
            for row in cover:
                ws.append(row)
        ws = book.create_sheet("แผน")
        for row in self.rows:
            ws.append(row)
        for r0, c0, r1, c1 in self.merges:
            if (r0, c0) != (r1, c1):
                ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
        for r in self.hidden_rows:
            ws.row_dimensions[r + 1].hidden = True
        for c in self.hidden_cols:
            ws.column_dimensions[get_column_letter(c + 1)].hidden = True
        book.save(path)
        return path


def load(variant: layouts.Variant, folder: Path) -> Sheet:
    """A layout of the seed plan as a Sheet: rendered by layouts.render and read back."""
    path = layouts.render(folder / f"base-{variant.name}.xlsx", variant)
    ws = openpyxl.load_workbook(path).active
    keys = [key for key, _, _ in layouts._columns(variant)]
    rows = [[c.value for c in row] + [None] * (len(keys) - len(row)) for row in ws.iter_rows()]
    merges = [[m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1] for m in ws.merged_cells.ranges]
    header_rows = 2 if any(g for _, _, g in layouts._columns(variant)) else 1
    title = len(layouts.TITLE_4_YEARS if variant.family == "four-year" else layouts.TITLE)
    label = keys.index("no" if "no" in keys else "mission")
    kinds = []
    for r, row in enumerate(rows):
        present = [c for c, v in enumerate(row) if v not in (None, "")]
        if r < title:
            kinds.append("title")
        elif r < title + header_rows:
            kinds.append("header")
        elif not present:
            kinds.append("blank")
        elif isinstance(row[label], str) and row[label].startswith("รวม"):
            kinds.append("totals")
        elif len(present) <= 2 and keys.index("budget" if "budget" in keys else "name") not in present \
                and not any(keys[c].startswith(("q", "month")) for c in present):
            kinds.append("heading")
        else:
            kinds.append("project")
    return Sheet(rows, merges, keys, kinds)


@dataclass
class Change:
    same: bool = True  # the counts stay the seed's; else the reader must point an error at the change
    rows: set[int] = field(default_factory=set)  # 0-based rows of the plan's sheet
    cols: set[int] = field(default_factory=set)  # 0-based columns
    warned: bool = False  # what changed is text nobody counts: a warning at it is enough


@dataclass(frozen=True)
class Mutation:
    name: str
    apply: Callable[[Sheet, Any], Change]  # (sheet, hypothesis `draw`) → what changed
    fits: Callable[[layouts.Variant], bool] = lambda v: True


def _projects(sheet: Sheet) -> list[int]:
    return sheet.of_kind("project")


def _budget_cells(sheet: Sheet) -> list[int]:
    return _projects(sheet) + sheet.of_kind("totals")


# --- the mutations -------------------------------------------------------------------------------

def _between_groups(sheet: Sheet) -> st.SearchStrategy[int]:
    """A place for a new column that is not inside a header group (เป้าหมายที่ดำเนินงาน, ไตรมาส)."""
    return st.integers(2, sheet.width).filter(
        lambda at: not any(m[1] < at <= m[3] and sheet.kinds[m[0]] == "header" for m in sheet.merges))


def new_text_column(sheet: Sheet, draw) -> Change:
    at = draw(_between_groups(sheet))
    header = draw(st.sampled_from(["ผู้ประสานงาน", "สถานที่ดำเนินการ", "หมายเหตุ (เพิ่มเติม)", "กลุ่มเป้าหมายหลัก"]))
    top = sheet.of_kind("header")[0]
    values = {top: header} | {r: f"ข้อความ {i}" for i, r in enumerate(_projects(sheet)) if i % 2 == 0}
    sheet.insert_col(at, "", values)
    _merge_header(sheet, at)
    return Change(True, cols={at}, warned=True)


def new_money_column(sheet: Sheet, draw) -> Change:
    at = draw(_between_groups(sheet))
    header = draw(st.sampled_from(["งบประมาณสมทบ", "เงินสมทบจากจังหวัด", "ค่าใช้จ่ายจริง", "ปี 2567", "ไตรมาสที่ดำเนินการจริง"]))
    top = sheet.of_kind("header")[0]
    values = {top: header} | {r: 5000 * (i + 1) for i, r in enumerate(_projects(sheet)) if i % 3 == 0}
    sheet.insert_col(at, "", values)
    _merge_header(sheet, at)
    return Change(False, cols={at})


def _merge_header(sheet: Sheet, at: int) -> None:
    """A new column's header merged down the header's rows, as the form's own are."""
    header = sheet.of_kind("header")
    if len(header) > 1:
        sheet.merges.append([header[0], at, header[-1], at])


def split_budget(sheet: Sheet, draw) -> Change:
    """The budget by source: งบประมาณ over เงินงบประมาณ | เงินอุดหนุน | อื่นๆ, the amounts split."""
    at = sheet.col("budget")
    top, bottom = sheet.of_kind("header")
    values, own = sheet.delete_col(at)
    sources = draw(st.sampled_from([("เงินงบประมาณ", "เงินอุดหนุน", "อื่นๆ"), ("งบประมาณ อปท.", "เงินอุดหนุน"),
                                    ("เงินรายได้", "เงินอุดหนุนเฉพาะกิจ", "เงินสะสม")]))
    parts: list[dict[int, Any]] = [{} for _ in sources]
    for r in _projects(sheet):
        amount, none = parse_budget(values.get(r))
        if amount is None:
            parts[0][r] = values.get(r)
            continue
        share = draw(st.integers(0, len(sources) - 1))
        first = round(amount * 0.6)
        parts[share][r] = first
        if amount - first:
            parts[(share + 1) % len(sources)][r] = amount - first
    for r in sheet.of_kind("totals"):
        for p in parts:
            p[r] = sum(v for k, v in p.items() if isinstance(v, (int, float)) and sheet.kinds[k] == "project")
    for i, (source, p) in enumerate(zip(sources, parts)):
        sheet.insert_col(at + i, "budget" if i == 0 else "", p | {top: "งบประมาณ", bottom: source})
    sheet.merges.append([top, at, top, at + len(sources) - 1])
    return Change(True, cols=set(range(at, at + len(sources))))


def _in_thousands(sheet: Sheet) -> None:
    col = sheet.col("budget")
    for r in _budget_cells(sheet):
        amount, _ = parse_budget(sheet.rows[r][col])
        if amount is not None:
            sheet.rows[r][col] = amount / 1000


def unit_in_header(sheet: Sheet, draw) -> Change:
    col = sheet.col("budget")
    header = sheet.of_kind("header")[0]
    sheet.rows[header][col] = draw(st.sampled_from(["งบประมาณ (พันบาท)", "งบประมาณ\n(หน่วย : พันบาท)", "งบประมาณ(พันบาท)"]))
    _in_thousands(sheet)
    return Change(True, cols={col})


def unit_in_title(sheet: Sheet, draw) -> Change:
    line = draw(st.sampled_from(["หน่วย : พันบาท", "(หน่วย: พันบาท)", "หน่วย:พันบาท"]))
    at = sheet.of_kind("header")[0]
    sheet.insert_row(at, "title", {sheet.width - 1: line})
    _in_thousands(sheet)
    return Change(True, rows={at})


def unknown_unit(sheet: Sheet, draw) -> Change:
    col = sheet.col("budget")
    where = draw(st.sampled_from(["header", "title"]))
    unit = draw(st.sampled_from(["ดอลลาร์", "ร้อยบาท", "USD"]))
    if where == "header":
        sheet.rows[sheet.of_kind("header")[0]][col] = f"งบประมาณ ({unit})"
        return Change(False, cols={col})
    at = sheet.of_kind("header")[0]
    sheet.insert_row(at, "title", {sheet.width - 1: f"หน่วย : {unit}"})
    return Change(False, rows={at})


def text_only_rows(sheet: Sheet, draw) -> Change:
    """A row of text alone: a note in the name column (no project, yet it looks like one), or more
    words for the indicator above (a continuation, which keeps the counts)."""
    projects = _projects(sheet)
    at = draw(st.sampled_from(projects[1:])) + 1
    where = draw(st.sampled_from(["name", "indicator", "outside"]))
    if where == "outside":
        sheet.insert_row(at, "added", {sheet.width + 1: "หมายเหตุ: ตรวจสอบอีกครั้ง"})
        return Change(True, rows={at}, warned=True)
    sheet.insert_row(at, "added", {sheet.col(where): "(ดำเนินการร่วมกับหน่วยงานอื่น)"})
    return Change(where == "indicator", rows={at}, warned=where == "indicator")


def repeated_header(sheet: Sheet, draw) -> Change:
    """The header typed again in the middle of the table (a page break's repeat)."""
    at = draw(st.sampled_from(_projects(sheet)[5:]))
    header = sheet.of_kind("header")
    for offset, h in enumerate(header):
        sheet.insert_row(at + offset, "header", dict(enumerate(sheet.rows[h])))
    for m in [m for m in sheet.merges if header[0] <= m[0] <= header[-1]]:
        shift = at - header[0]
        sheet.merges.append([m[0] + shift, m[1], m[2] + shift, m[3]])
    return Change(True, rows=set(range(at, at + len(header))))


def subtotals(sheet: Sheet, draw) -> Change:
    """A subtotal row after some projects (รวมมิติที่ …), or the totals row typed twice."""
    label = sheet.col("no") if "no" in sheet.keys else 0
    kind = draw(st.sampled_from(["dimension", "twice"]))
    totals = sheet.of_kind("totals")
    if kind == "twice" and totals:
        sheet.insert_row(totals[0] + 1, "totals", dict(enumerate(sheet.rows[totals[0]])))
        return Change(True, rows={totals[0] + 1})
    at = draw(st.sampled_from(_projects(sheet)[3:]))
    sheet.insert_row(at, "totals", {label: "รวมมิติที่ ๑", sheet.col("budget"): 12345})
    return Change(True, rows={at})


def hidden_rows(sheet: Sheet, draw) -> Change:
    hidden = draw(st.sets(st.sampled_from(_projects(sheet)), min_size=1, max_size=3))
    sheet.hidden_rows |= hidden
    return Change(True, rows=hidden, warned=True)


def hidden_column(sheet: Sheet, draw) -> Change:
    kind = draw(st.sampled_from(["form", "money"]))
    if kind == "form":
        col = sheet.col(draw(st.sampled_from(["outcome", "unit"])))
        sheet.hidden_cols.add(col)
        return Change(True, cols={col})
    at = sheet.width
    values = {sheet.of_kind("header")[0]: "งบประมาณเดิม"} | {r: 1000 for r in _projects(sheet)[::4]}
    sheet.insert_col(at, "", values)
    sheet.hidden_cols.add(at)
    return Change(False, cols={at})


def mark_characters(sheet: Sheet, draw) -> Change:
    """The quarter marks typed with another character or font (✓ in Wingdings is ü)."""
    mark = draw(st.sampled_from(["✓", "✔", "x", "X", "•", "●", "√", "ü", "๑", 1, "○", "◯", "→", "ใช่", "P", "ถูก"]))
    cols = {c for c, k in enumerate(sheet.keys) if k.startswith(("q", "month"))}
    changed = set()
    for r in _projects(sheet):
        for c in cols:
            if sheet.rows[r][c] == "/":
                sheet.rows[r][c] = mark
                changed.add(c)
    from ita_workbook.cells import CellError, parse_mark

    try:
        known = parse_mark(mark)
    except CellError:
        known = False
    return Change(known, cols=changed)


def cover_sheets(sheet: Sheet, draw) -> Change:
    count = draw(st.integers(1, 2))
    sheet.covers = [[["แผนปฏิบัติการป้องกันการทุจริต"], ["เทศบาลตำบลโพทะเล"], [None, "จัดทำโดย สำนักปลัด"]]] * count
    return Change(True)


def spacers(sheet: Sheet, draw) -> Change:
    at = draw(st.integers(1, sheet.width))
    sheet.insert_col(at, "", {})
    for r in sorted(draw(st.sets(st.sampled_from(_projects(sheet)), max_size=3)), reverse=True):
        sheet.insert_row(r, "blank", {})
    return Change(True)


def moved_column(sheet: Sheet, draw) -> Change:
    key = draw(st.sampled_from([k for k in ("budget", "dimension", "department", "indicator", "unit")
                                if k in sheet.keys and not _grouped(sheet, sheet.col(k))]))
    values, own = sheet.delete_col(sheet.col(key))
    at = draw(_between_groups(sheet))
    sheet.insert_col(at, key, values)
    for m in own:
        sheet.merges.append([m[0], at, m[2], at])
    return Change(True, cols={at})


def _grouped(sheet: Sheet, col: int) -> bool:
    return any(m[1] <= col <= m[3] and m[1] != m[3] and sheet.kinds[m[0]] == "header" for m in sheet.merges)


def stray_number(sheet: Sheet, draw) -> Change:
    """A number typed under the table in its budget column, or beside it with no header."""
    where = draw(st.sampled_from(["below", "beside"]))
    if where == "below":
        sheet.rows.append([None] * sheet.width)
        sheet.kinds.append("added")
        sheet.rows[-1][sheet.col("budget")] = 50000
        return Change(False, rows={len(sheet.rows) - 1})
    r = draw(st.sampled_from(_projects(sheet)))
    sheet.insert_col(sheet.width + 1, "", {r: 20000})
    return Change(False, rows={r})


MUTATIONS: tuple[Mutation, ...] = (
    Mutation("new-text-column", new_text_column),
    Mutation("new-money-column", new_money_column),
    Mutation("split-budget", split_budget, lambda v: v.header_rows == 2),
    Mutation("unit-in-header", unit_in_header),
    Mutation("unit-in-title", unit_in_title),
    Mutation("unknown-unit", unknown_unit),
    Mutation("text-only-rows", text_only_rows),
    Mutation("repeated-header", repeated_header),
    Mutation("subtotals", subtotals),
    Mutation("hidden-rows", hidden_rows),
    Mutation("hidden-column", hidden_column),
    Mutation("mark-characters", mark_characters),
    Mutation("cover-sheets", cover_sheets),
    Mutation("spacers", spacers),
    Mutation("moved-column", moved_column),
    Mutation("stray-number", stray_number),
)
