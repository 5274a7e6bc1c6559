"""e-PlanNACC's fields, in the order its forms ask for them: a sheet of the master (the plan) and of
the result report to key the NACC's system in from, one row per project, without retyping.

e-PlanNACC has no import: each project is typed into its web form. The sheet's columns follow that
form, so that a clerk copies along a row.
"""

from __future__ import annotations

from typing import Any

from .form import NO_BUDGET
from .plan import Project
from .report_form import project_type
from .thai import to_thai_digits
from .xlsx_style import StreamedRows, Formats, table_row_height, write_table

SHEET = "e-PlanNACC"

# A project of the plan: ประเภทงาน 1-4 (as typed in the template's ประเภท, else derived from the
# name), name, มิติ, ไตรมาส, budget or ไม่ใช้งบประมาณ, target group and objective (the template's
# optional columns; empty where the department's file has none), department.
PLAN_FIELDS: tuple[tuple[str, str], ...] = (
    ("no", "ลำดับ"), ("type", "ประเภทงาน"), ("name", "ชื่อโครงการ/กิจกรรม/มาตรการ"), ("dimension", "มิติ"),
    ("quarters", "ไตรมาส"), ("budget", "งบประมาณ (บาท)"), ("target_group", "กลุ่มเป้าหมาย"),
    ("objective", "วัตถุประสงค์"), ("department", "หน่วยงานรับผิดชอบ"),
)
# A project's result of a round.
REPORT_FIELDS: tuple[tuple[str, str], ...] = (
    ("no", "ลำดับ"), ("type", "ประเภทงาน"), ("name", "ชื่อโครงการ/กิจกรรม/มาตรการ"), ("dimension", "มิติ"),
    ("quarters", "ไตรมาส"), ("budget", "งบประมาณตามแผนพัฒนาท้องถิ่น (บาท)"),
    ("in_ordinance", "บรรจุในข้อบัญญัติ/เทศบัญญัติ/แผนการดำเนินงาน"),
    ("budget_ordinance", "งบประมาณตามข้อบัญญัติ/เทศบัญญัติ (บาท)"), ("disbursed", "เบิกจ่าย (บาท)"),
    ("status", "สถานะ"), ("reason", "สาเหตุที่ไม่สามารถดำเนินการได้"), ("reason_other", "ระบุสาเหตุอื่น"),
    ("remark", "หมายเหตุ"), ("department", "หน่วยงานรับผิดชอบ"),
)
_WIDTHS = {"name": 40, "objective": 30, "target_group": 20, "reason_other": 20, "remark": 20, "department": 18,
           "status": 18, "in_ordinance": 14}


def project_fields(number: int, project: Project) -> dict[str, Any]:
    return {"no": number, "type": project.type or project_type(project.name), "name": project.name,
            "target_group": project.target_group, "objective": project.objective,
            "dimension": project.dimension or "",
            "quarters": ",".join(str(i + 1) for i, on in enumerate(project.quarters) if on),
            "budget": NO_BUDGET if project.budget is None else project.budget, "department": project.department}


def _widths(fields: tuple[tuple[str, str], ...]) -> list[float]:
    return [_WIDTHS.get(key, 12) for key, _ in fields]


class PlanRows:
    """The master's rows of this sheet, each measured as soon as its project is written on the form
    sheet (`master`): its name's words are still in the measuring caches then. Measured after the
    whole form, 10,000 projects later, they were cut into words again: a sixth of a merge."""

    def __init__(self) -> None:
        self.rows: list[list[Any]] = []  # values in PLAN_FIELDS order
        self.heights: list[float] = []
        self._widths = _widths(PLAN_FIELDS)

    def add(self, number: int, project: Project) -> None:
        record = project_fields(number, project)
        self.rows.append([record.get(key) for key, _ in PLAN_FIELDS])
        self.heights.append(table_row_height(self.rows[-1], self._widths))


def write_sheet(workbook, styles: Formats, name: str, fields: tuple[tuple[str, str], ...],
                records: list[dict[str, Any]]) -> None:
    write_rows(workbook, styles, name, fields, [[record.get(key) for key, _ in fields] for record in records])


def write_rows(workbook, styles: Formats, name: str, fields: tuple[tuple[str, str], ...], rows: list[list[Any]],
               heights: list[float] | None = None) -> None:
    """`rows`: values in `fields` order; `heights`: the rows', when measured already (PlanRows)."""
    ws = workbook.add_worksheet(name, worksheet_class=StreamedRows)
    # Headers numbered in field order: the number helps copying along a row, and keeps the reader from
    # taking this sheet for a plan's table (its headers are a plan's).
    headers = [f"({to_thai_digits(i)}) {header}" for i, (_, header) in enumerate(fields, start=1)]
    write_table(ws, styles, headers, _widths(fields), rows, heights=heights)
