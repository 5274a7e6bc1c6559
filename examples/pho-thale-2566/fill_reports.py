"""เทศบาลตำบลโพทะเล, 6-month result report: the report forms filled as the departments' clerks would.

The results are invented (the municipality's own report is not part of the seed); the way they are
typed is what clerks do: statuses picked from the dropdown or typed short (แล้วเสร็จ), amounts as
numbers, as `๑๐,๐๐๐` and as `10,000 บาท`, `-` for nothing disbursed, dates in Thai with a two-digit
พ.ศ., ไม่มี where there was no problem. One department (หน่วยตรวจสอบภายใน) never answers.

    python examples/pho-thale-2566/fill_reports.py FORMS_FOLDER OUTPUT_FOLDER

`make demo` writes the forms with `ita-workbook report-template`, fills them with this script and
compiles the report with `ita-workbook report`. The tests fill the forms with `fill_form` too.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable

import openpyxl

from ita_workbook.report_form import CANNOT, DONE, IN_PROGRESS, NOT_STARTED, report_form
from ita_workbook.thai import parse_number, to_thai_digits

SHEET = "รายงานผล"
SILENT = ("หน่วยตรวจสอบภายใน",)  # the department that never sends its report back
_KEYS = [c.key for c in report_form(6).columns]
COLUMN = {key: i + 1 for i, key in enumerate(_KEYS)}  # openpyxl's 1-based columns


def project_rows(ws) -> list[int]:
    """The sheet rows holding a project: those under the header whose ที่ is filled."""
    header = next(r for r in range(1, 20) if ws.cell(r, COLUMN["name"]).value == "แผนงาน/โครงการ/กิจกรรม")
    return [r for r in range(header + 2, ws.max_row + 1) if ws.cell(r, COLUMN["no"]).value not in (None, "")]


def _money(amount: float, style: int) -> Any:
    """An amount as one of the clerks types it."""
    if style == 0:
        return amount  # a number, shown in Thai digits by the cell's format
    if style == 1:
        return to_thai_digits(f"{amount:,.0f}")  # ๑๐,๐๐๐
    return f"{amount:,.0f} บาท"  # 10,000 บาท


def clerk_results(number: int, budget: float | None, quarters: list[bool]) -> dict[str, Any]:
    """What a clerk reports for project `number` at six months: done or under way when it was planned
    for the first half of the year, not yet started otherwise; one could not be done."""
    early = quarters[0] or quarters[1]
    if number == 7:
        status = CANNOT
    elif not early:
        status = NOT_STARTED
    else:
        status = DONE if number % 3 else IN_PROGRESS
    values: dict[str, Any] = {
        "status": "แล้วเสร็จ" if status == DONE and number % 2 else status,
        "problems": "ไม่มี", "suggestions": "ไม่มี",
    }
    if budget:
        values["in_ordinance"] = "ใช่"
        values["budget_ordinance"] = _money(budget, number % 3)
        spent = {DONE: budget * 0.9, IN_PROGRESS: budget * 0.4}.get(status, 0.0)
        values["disbursed"] = _money(round(spent), (number + 1) % 3) if spent else "-"
    else:
        values["in_ordinance"] = "ไม่ใช่"
    if status == CANNOT:
        values["reason"] = "บุคลากรไม่เพียงพอ"
        values["problems"] = "บุคลากรที่รับผิดชอบย้ายไปปฏิบัติงานที่อื่น ยังไม่มีผู้มาแทน"
        values["suggestions"] = "เลื่อนไปดำเนินการในปีงบประมาณถัดไป"
    elif status in (DONE, IN_PROGRESS):
        values["period"] = "๑๕ ธ.ค. ๖๕" if quarters[0] else "ม.ค. – มี.ค. ๒๕๖๖"
        values["output"] = "ดำเนินการตามแผน ผู้เข้าร่วมครบตามเป้าหมาย" if status == DONE else "อยู่ระหว่างดำเนินการตามแผน"
        if status == DONE:
            values["result"] = "บรรลุตามตัวชี้วัด"
    if number == 12:
        values["problems"] = "ผู้เข้าร่วมโครงการน้อยกว่าเป้าหมาย เนื่องจากตรงกับช่วงเก็บเกี่ยว"
        values["suggestions"] = "ควรจัดในช่วงที่ประชาชนว่างจากการทำนา"
    return values


def fill_form(source: Path, target: Path,
              results: Callable[[int, float | None, list[bool]], dict[str, Any]] = clerk_results) -> None:
    """Open a report form, type each project's results into its input cells and save it as `target`."""
    wb = openpyxl.load_workbook(source)
    ws = wb[SHEET]
    for r in project_rows(ws):
        number = int(parse_number(str(ws.cell(r, COLUMN["no"]).value)))
        budget_cell = ws.cell(r, COLUMN["budget"]).value
        budget = float(budget_cell) if isinstance(budget_cell, (int, float)) else None
        quarters = [ws.cell(r, COLUMN[q]).value == "/" for q in ("q1", "q2", "q3", "q4")]
        for key, value in results(number, budget, quarters).items():
            ws.cell(r, COLUMN[key]).value = value
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)


def fill_reports(forms: Path, out: Path, silent: tuple[str, ...] = SILENT) -> list[Path]:
    written = []
    for source in sorted(forms.glob("*.xlsx")):
        if any(name in source.stem for name in silent):
            continue
        target = out / source.name
        fill_form(source, target)
        written.append(target)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    for path in fill_reports(Path(sys.argv[1]), Path(sys.argv[2])):
        print(f"กรอกแล้ว / filled: {path}")
