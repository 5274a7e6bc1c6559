"""The seed plan (เทศบาลตำบลโพทะเล 2566, tests/data/seed_pho_thale_2566.txt) rendered in each layout
family real plans use, and their variants, for the property that every rendering reads the same.

A `Variant` says how the table is laid out; `render(path, variant)` writes it with openpyxl and
`expected(variant)` is what any reader must get from it: the projects' names, each one's มิติ,
quarters and budget, the budget total, what the layout lacks, and the totals cells that are wrong.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from pathlib import Path

import openpyxl

from ita_workbook.cells import parse_budget, parse_dimension, parse_mark
from ita_workbook.form import DIMENSIONS, MONTHS, QUARTER_KEYS
from ita_workbook.thai import clean_text, to_thai_digits

from seed import seed_rows

FISCAL_YEAR = 2566
TITLE = ["แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๖", "เทศบาลตำบลโพทะเล", "อำเภอโพทะเล จังหวัดพิจิตร"]
TITLE_4_YEARS = ["แผนปฏิบัติการป้องกันการทุจริต ๔ ปี (พ.ศ. ๒๕๖๕ - ๒๕๖๘)", "เทศบาลตำบลโพทะเล",
                 "อำเภอโพทะเล จังหวัดพิจิตร"]
YEARS = (2565, 2566, 2567, 2568)
# Sub-headings (ภารกิจ) put before the first project of these seed rows (0-based), numbered by มิติ.
SUBHEADING_AT = (0, 4, 11, 20, 30, 35)


@dataclass(frozen=True)
class Variant:
    family: str = "yearly"  # yearly · months · four-year · e-plannacc
    header_rows: int = 2  # yearly/months: one row of headers, or the form's two
    headings: bool = False  # a มิติ heading row before each มิติ's projects
    blank_after_header: bool = True  # a blank row between the header and the first heading
    merged_headings: bool = False  # headings (and sub-headings) merged across the table
    subheadings: str = ""  # "" · merged (one text across the table) · split (1.1 | text) · name (in the name column)
    # · beside (its number and text in the label column, merged down beside its projects: no row of its own)
    dimension_column: bool = True  # the มิติ column (without it, the headings give the มิติ)
    department_merged: bool = False  # a department typed once and merged down its projects
    extra_column: bool = False  # a หมายเหตุ column the clerk added, with data
    totals: str = "right"  # right · wrong (quarter 2 and the budget) · none
    old_names: bool = False  # four-year: headings with the 2561-2564 names of the มิติ
    dimension_marks: bool = False  # e-plannacc: a column per มิติ (สอดคล้อง (มิติที่ ๑) …), the project's marked
    quarters_column: bool = False  # e-plannacc: one ไตรมาส column naming the project's quarters (1,2 · ๒ · 1-4)
    repeat_header: bool = False  # the header typed again under each มิติ heading (the first heading above it)

    @property
    def name(self) -> str:
        parts = [self.family, f"h{self.header_rows}"]
        parts += [k for k in ("headings", "merged_headings", "department_merged", "extra_column", "old_names",
                              "dimension_marks", "quarters_column", "repeat_header")
                  if getattr(self, k)]
        if self.headings and not self.blank_after_header:
            parts.append("no_blank")
        if self.subheadings:
            parts.append(f"sub_{self.subheadings}")
        if not self.dimension_column:
            parts.append("no_dimension_column")
        parts.append(f"totals_{self.totals}")
        return "-".join(parts)


def variants() -> list[Variant]:
    """Each family with its variants: header rows, headings with or without a blank row, merged or
    not, the three shapes of sub-heading, departments merged down, extra columns, totals right or
    wrong."""
    found = []
    for family in ("yearly", "months"):
        for header_rows, headings, blank, merged, sub, dim_col, dept, extra, totals in itertools.product(
                (1, 2), (False, True), (True, False), (False, True), ("", "merged", "split", "name"), (True, False),
                (False, True), (False, True), ("right", "wrong")):
            if not headings and (not blank or merged or not dim_col):
                continue  # these only vary the headings
            if sub == "merged" and not merged:
                continue
            found.append(Variant(family, header_rows, headings, blank, merged, sub, dim_col, dept, extra, totals))
    for merged, sub, old, totals in itertools.product((False, True), ("", "split", "name"), (False, True),
                                                      ("right", "wrong", "none")):
        found.append(Variant("four-year", 2, True, True, merged, sub, False, False, True, totals, old))
    # Two 4-year plans met in the field: the header typed again under each มิติ heading (the first
    # heading above it), and each ภารกิจ's number and text merged down beside its projects, with or
    # without มิติ headings (without, its number gives the มิติ: ภารกิจตามมิติ 1.1 … 4.4).
    for merged, totals in itertools.product((False, True), ("right", "wrong")):
        found.append(Variant("four-year", 2, True, True, merged, "", False, False, True, totals, repeat_header=True))
    for headings, totals in itertools.product((False, True), ("right", "wrong")):
        found.append(Variant("four-year", 2, headings, True, False, "beside", False, False, True, totals))
    for totals, marks, quarters in itertools.product(("right", "none"), (False, True), (False, True)):
        found.append(Variant("e-plannacc", 1, totals=totals, dimension_marks=marks, quarters_column=quarters))
    return found


def sample(step: int = 7) -> list[Variant]:
    """Every `step`-th variant, every family's first and every e-PlanNACC list: a quick run that still
    covers each family and shape."""
    every = variants()
    chosen = every[::step]
    chosen += [v for v in every if v.family == "e-plannacc" and v not in chosen]
    for family in ("yearly", "months", "four-year", "e-plannacc"):
        first = next(v for v in every if v.family == family)
        if first not in chosen:
            chosen.append(first)
    chosen += [v for v in every if (v.repeat_header or v.subheadings == "beside") and v not in chosen]
    return chosen


# --- what must be read -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Expected:
    names: tuple[str, ...]
    dimensions: tuple[int, ...]
    quarters: tuple[tuple[bool, bool, bool, bool], ...]
    budgets: tuple[float | None, ...]
    lacks: frozenset[str]  # of form.COUNTED_KEYS
    wrong_totals: frozenset[str]  # the totals cells check must report (their column keys)

    @property
    def quarter_totals(self) -> tuple[int, ...]:
        return tuple(sum(q[i] for q in self.quarters) for i in range(4))

    @property
    def dimension_totals(self) -> tuple[int, ...]:
        return tuple(sum(d == n for d in self.dimensions) for n in (1, 2, 3, 4))

    @property
    def budget(self) -> float:
        return sum(b or 0.0 for b in self.budgets)


def _seed() -> list[dict[str, str]]:
    return seed_rows()


def expected(variant: Variant) -> Expected:
    rows = _seed()
    lacks = frozenset(QUARTER_KEYS) if variant.family == "four-year" or \
        (variant.family == "e-plannacc" and not variant.quarters_column) else frozenset()
    wrong = frozenset()
    if variant.totals == "wrong":  # check is run with the fiscal year: a 4-year plan's budget is that year's
        wrong = frozenset({"q2" if variant.family == "yearly" else "month5", "budget"})
        if variant.family not in ("yearly", "months"):
            wrong = frozenset({"budget"})
    return Expected(
        tuple(clean_text(_value(variant, "name", r, i)) for i, r in enumerate(rows)),
        tuple(parse_dimension(r["dimension"]) for r in rows),
        tuple((False,) * 4 if lacks else tuple(parse_mark(r[q] or None) for q in QUARTER_KEYS) for r in rows),
        tuple(parse_budget(r["budget"])[0] for r in rows),
        lacks, wrong)


# --- writing ------------------------------------------------------------------------------------------

def _columns(variant: Variant) -> list[tuple[str, str, str | None]]:
    """(key, header, the header of the group above it, if any) of each column."""
    if variant.family == "four-year":
        return [("mission", "ภารกิจตามมิติ", None), ("name", "โครงการ/กิจกรรม/มาตรการ", None),
                *((f"year{y}", "งบประมาณ (บาท)", f"ปี {to_thai_digits(y)}") for y in YEARS),
                ("remark", "หมายเหตุ", None)]
    if variant.family == "e-plannacc":
        dimension = ([(f"mark{n}", f"สอดคล้อง (มิติที่ {to_thai_digits(n)})", None) for n in (1, 2, 3, 4)]
                     if variant.dimension_marks else [("dimension", "สอดคล้อง (มิติที่)", None)])
        return [("no", "ลำดับที่", None), ("kind", "ประเภทงาน", None),
                ("name", "ชื่อโครงการ/กิจกรรม/มาตรการ/แนวปฏิบัติ", None),
                ("budget", "งบประมาณตามแผนพัฒนาท้องถิ่น", None), *dimension,
                *([("quarters", "ไตรมาส", None)] if variant.quarters_column else []),
                ("plan_year", "ดำเนินการ ปีงบประมาณ พ.ศ. ๒๕๖๖", None)]
    two = variant.header_rows == 2
    target = "เป้าหมายที่ดำเนินงาน" if two else None
    period = "ระยะเวลาดำเนินการ" if two else None
    cols = [("no", "ที่", None), ("name", "แผนงาน/โครงการ/กิจกรรม", None), ("unit", "หน่วยนับ", target),
            ("quantity", "ปริมาณงาน", target), ("budget", "งบประมาณ", None)]
    if variant.dimension_column:
        cols.append(("dimension", "มิติ", None))
    cols += [("indicator", "ตัวชี้วัด", None), ("outcome", "ผลลัพธ์", None)]
    if variant.family == "months":
        cols += [(f"month{n}", MONTHS[n - 1], period) for n in range(1, 13)]
    else:
        cols += [(q, f"ไตรมาส {to_thai_digits(i + 1)}", period) for i, q in enumerate(QUARTER_KEYS)]
    cols.append(("department", "หน่วยงานรับผิดชอบ", None))
    if variant.extra_column:
        cols.append(("remark", "หมายเหตุ", None))
    return cols


def _value(variant: Variant, key: str, row: dict[str, str], index: int):
    if key.startswith("month"):
        n = int(key[5:])
        quarter = QUARTER_KEYS[(n - 1) // 3]
        # The middle month of each quarter marked: a quarter is marked when any of its months is.
        return "/" if row[quarter].strip() and (n - 1) % 3 == 1 else None
    if key.startswith("mark"):
        return "/" if parse_dimension(row["dimension"]) == int(key[4:]) else None
    if key.startswith("year"):
        year = int(key[4:])
        return row["budget"] if year == FISCAL_YEAR else ("๕,๐๐๐" if row["budget"][0] in "๐๑๒๓๔๕๖๗๘๙" else
                                                            row["budget"])
    if key == "remark":
        return "ต่อเนื่อง" if index % 3 == 0 else None
    if key == "kind":
        return next((k for k in ("โครงการ", "กิจกรรม", "มาตรการ") if row["name"].startswith(k)), "แนวปฏิบัติ")
    if key == "quarters":
        return _quarters_text(row, index)
    if key == "plan_year":
        return "๒๕๖๖"
    if key == "no" and variant.family == "e-plannacc":
        return index + 1
    if key == "dimension" and variant.family == "e-plannacc":
        return f"มิติที่ {row['dimension']}"
    if key == "name" and variant.family == "four-year":
        return f"{to_thai_digits(index + 1)}) {row['name']}"
    return row.get(key) or None


def _quarters_text(row: dict[str, str], index: int):
    """The seed row's quarters as clerks type them in one ไตรมาส column, varied down the rows."""
    numbers = [i + 1 for i, q in enumerate(QUARTER_KEYS) if row[q].strip()]
    if numbers == [1, 2, 3, 4] and index % 2:
        return "1-4" if index % 4 == 1 else "ทุกไตรมาส"
    if len(numbers) == 1:
        return (numbers[0], f"ไตรมาส {to_thai_digits(numbers[0])}", str(numbers[0]))[index % 3]
    return (",".join(map(str, numbers)), ", ".join(map(to_thai_digits, numbers)),
            " และ ".join(f"ไตรมาสที่ {n}" for n in numbers))[index % 3]


def _heading_text(variant: Variant, number: int) -> str:
    d = DIMENSIONS[number - 1]
    if variant.family == "four-year" and variant.old_names:
        return f"{to_thai_digits(number)}. {d.old_name}"
    return f"มิติที่ {to_thai_digits(number)} {d.name}"


def render(path: Path, variant: Variant) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "แผน"
    cols = _columns(variant)
    width = len(cols)
    key_col = {key: i + 1 for i, (key, _, _) in enumerate(cols)}
    for line in (TITLE_4_YEARS if variant.family == "four-year" else TITLE):
        ws.append([line])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)

    def header() -> None:
        top = ws.max_row + 1
        if any(g for _, _, g in cols):
            ws.append([g if g else h for _, h, g in cols])
            ws.append([h if g else None for _, h, g in cols])
            for i, (_, _, g) in enumerate(cols, start=1):
                if not g:
                    ws.merge_cells(start_row=top, start_column=i, end_row=top + 1, end_column=i)
            for group in {g for _, _, g in cols if g}:
                span = [i for i, (_, _, g) in enumerate(cols, start=1) if g == group]
                if len(span) > 1:
                    ws.merge_cells(start_row=top, start_column=span[0], end_row=top, end_column=span[-1])
        else:
            ws.append([h for _, h, _ in cols])

    if not variant.repeat_header:
        header()
    name_col = key_col["name"]
    label_col = key_col.get("no", key_col.get("mission", 1))
    rows = _seed()
    dimension = 0
    sub = 0
    first_heading = True
    department_start: tuple[int, str] | None = None
    beside_start, beside_text = 0, ""

    def line(texts: dict[int, str], merged: bool) -> None:
        values = [None] * width
        for col, text in texts.items():
            values[col - 1] = text
        ws.append(values)
        if merged:
            start = min(texts)
            ws.merge_cells(start_row=ws.max_row, start_column=start, end_row=ws.max_row, end_column=width)

    def close_department() -> None:
        if department_start and "department" in key_col and ws.max_row > department_start[0]:
            col = key_col["department"]
            ws.merge_cells(start_row=department_start[0], start_column=col, end_row=ws.max_row, end_column=col)

    for index, row in enumerate(rows):
        number = parse_dimension(row["dimension"])
        if variant.headings and number != dimension:
            close_department()
            department_start = None
            if first_heading and variant.blank_after_header:
                ws.append([])
            first_heading = False
            line({label_col: _heading_text(variant, number)}, variant.merged_headings)
            if variant.repeat_header:
                header()
            dimension = number
        if variant.subheadings and index in SUBHEADING_AT:
            close_department()
            department_start = None
            sub += 1
            numbered = f"{to_thai_digits(number)}.{to_thai_digits(sub)}"
            text = f"การสร้างจิตสำนึกและความตระหนัก ส่วนที่ {to_thai_digits(sub)}"
            if variant.subheadings == "beside":
                beside_start = ws.max_row + 1
                beside_text = f"{numbered} {text}"
            elif variant.subheadings == "merged":
                line({label_col: f"{numbered} {text}"}, True)
            elif variant.subheadings == "split" and label_col != name_col:
                line({label_col: numbered, name_col: text}, False)
            else:
                line({name_col: f"{numbered} {text}"}, False)
        values = [_value(variant, key, row, index) for key, _, _ in cols]
        if variant.department_merged and "department" in key_col:
            department = row["department"]
            if department_start and department_start[1] == department:
                values[key_col["department"] - 1] = None
            else:
                close_department()
                department_start = (ws.max_row + 1, department)
        if variant.subheadings == "beside":
            values[label_col - 1] = beside_text if ws.max_row + 1 == beside_start else None
        ws.append(values)
        ends = index + 1 in SUBHEADING_AT or index + 1 == len(rows) or \
            parse_dimension(rows[index + 1]["dimension"]) != number
        if beside_start and ends:
            if ws.max_row > beside_start:
                ws.merge_cells(start_row=beside_start, start_column=label_col, end_row=ws.max_row,
                               end_column=label_col)
            beside_start = 0
    close_department()
    if variant.totals != "none":
        _totals(ws, variant, cols, key_col)
    book.save(path)
    return path


def _totals(ws, variant: Variant, cols, key_col: dict[str, int]) -> None:
    exp = expected(replace(variant, totals="right"))
    wrong = variant.totals == "wrong"
    values: list = [None] * len(cols)
    label = f"รวมทั้งสิ้น {to_thai_digits(len(exp.names))} โครงการ"
    values[key_col.get("no", key_col.get("mission", 1)) - 1] = label
    for n in range(1, 13):
        if f"month{n}" in key_col:  # the middle month of each quarter is the one marked
            count = exp.quarter_totals[(n - 1) // 3] if (n - 1) % 3 == 1 else 0
            values[key_col[f"month{n}"] - 1] = count + (3 if wrong and n == 5 else 0)
    if "q1" in key_col:
        for i, q in enumerate(QUARTER_KEYS):
            values[key_col[q] - 1] = exp.quarter_totals[i] + (3 if wrong and q == "q2" else 0)
    if "budget" in key_col:
        values[key_col["budget"] - 1] = exp.budget + (1000 if wrong else 0)
    if f"year{FISCAL_YEAR}" in key_col:
        values[key_col[f"year{FISCAL_YEAR}"] - 1] = exp.budget + (1000 if wrong else 0)
    ws.append(values)

