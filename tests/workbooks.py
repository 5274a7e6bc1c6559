"""Small workbooks for tests, written from readable tables.

`FORM_HEADER` is the official two-row header as the seed's PDF shows it; `row(...)` builds a data row
by column key so that a test reads like the form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

HEADER_TOP = ["ที่", "แผนงาน/โครงการ/ กิจกรรม", "เป้าหมายที่ ดำเนินงาน", None, "งบประมาณ", "มิติ", "ตัวชี้วัด",
              "ผลลัพธ์", "ระยะเวลาดำเนินการ", None, None, None, "หน่วยงาน รับผิดชอบ"]
HEADER_BOTTOM = [None, None, "หน่วย นับ", "ปริมาณ งาน", None, None, None, None,
                 "ไตรมาส ๑", "ไตรมาส ๒", "ไตรมาส ๓", "ไตรมาส ๔", None]
HEADER_MERGES = ["A{t}:A{b}", "B{t}:B{b}", "C{t}:D{t}", "E{t}:E{b}", "F{t}:F{b}", "G{t}:G{b}", "H{t}:H{b}",
                 "I{t}:L{t}", "M{t}:M{b}"]
KEYS = ["no", "name", "unit", "quantity", "budget", "dimension", "indicator", "outcome", "q1", "q2", "q3", "q4",
        "department"]


def row(**values: Any) -> list[Any]:
    return [values.get(k) for k in KEYS]


def good(n: int = 1, **overrides: Any) -> list[Any]:
    """A valid project row; override any column."""
    values = dict(no=f"{n}.", name=f"โครงการทดสอบที่ {n}", unit="คน", quantity=40, budget="ไม่ใช้งบประมาณ",
                  dimension=1, indicator="มีการจัดอบรม ๑ ครั้ง", outcome="บุคลากรมีความรู้", q1="/",
                  department="สำนักปลัด")
    values.update(overrides)
    return row(**values)


def write_form(path: Path, rows: list[list[Any]], *, sheet: str = "แผน", title: bool = True,
               merged_header: bool = True, extra_merges: tuple[str, ...] = (), book=None,
               totals: list[Any] | None = None) -> Path:
    """A department's sheet laid out like the form: titles, the two-row header, the rows."""
    own = book is None
    book = book or openpyxl.Workbook()
    ws = book.active if own else book.create_sheet(sheet)
    ws.title = sheet
    if title:
        ws.append(["แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๖"])
        ws.append(["เทศบาลตำบลทดสอบ"])
    top = ws.max_row + 1 if title else 1
    ws.append(HEADER_TOP)
    ws.append(HEADER_BOTTOM)
    if merged_header:
        for m in HEADER_MERGES:
            ws.merge_cells(m.format(t=top, b=top + 1))
    for r in rows:
        ws.append(r)
    if totals is not None:
        ws.append(totals)
    for m in extra_merges:
        ws.merge_cells(m)
    if own:
        book.save(path)
    return path


def write_without(path: Path, key: str, rows: list[list[Any]], *, totals: list[Any] | None = None) -> Path:
    """ท่าฬ่อ's plan typed without one of the form's columns (`key`): its titles, the two-row header
    unmerged, `rows` (full form rows, that column taken out) and a totals row if given."""
    keep = [i for i, k in enumerate(KEYS) if k != key]
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. ๒๕๖๖"])
    ws.append(["เทศบาลตำบลท่าฬ่อ อำเภอเมืองพิจิตร จังหวัดพิจิตร"])
    for r in (HEADER_TOP, HEADER_BOTTOM, *rows):
        ws.append([r[i] for i in keep])
    if totals is not None:
        ws.append(totals)
    book.save(path)
    return path
