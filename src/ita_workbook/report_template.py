"""The report template: one workbook per department holding its projects of the plan, for the clerk
to report their results in.

The plan's columns (ที่, มิติ, ประเภท, name, department, planned quarters, planned budget) are filled
in and locked; the report's columns are unlocked, with dropdowns, input messages and validation.
Its layout is the report form's description (report_form.py), written with the plan template's
header writer, validation guard, formats and row heights.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from . import form
from .config import Config
from .form import AMOUNT, BUDGET, CHOICE, DIMENSION, MARK, Column
from .output import atomic_path
from .plan import Plan, Project
from .report_form import (CANNOT, NONE_WORD, OTHER_REASON, REPORT_VERSION, period_line, project_type,
                          report_form, round_period, statuses, title)
from .template import TemplateError, _validation, _write_header, template_filename
from .thai import THAI_MONTH_ABBREVIATIONS, thai_date, to_thai_digits
from .xlsx_style import (FORM_FONT_COLUMNS, TEXT_FORMAT, THAI_INTEGER, Formats, a4_landscape, column_width,
                         new_workbook, unbroken_widths, write_details)

REPORT_SHEET = "รายงานผล"
LISTS_SHEET = "_lists"
PLAN_FILL = "#F2F2F2"  # the plan's locked columns
MISSING_FILL = "#FFC7CE"  # a status not chosen, a reason missing
ASK_FILL = "#FFF2CC"  # ปัญหา/ข้อเสนอแนะ still empty: write ไม่มี
row_height = FORM_FONT_COLUMNS.row_height

GUIDES = {
    "in_ordinance": "เลือก ใช่ ถ้าโครงการนี้บรรจุในข้อบัญญัติ/เทศบัญญัติงบประมาณ หรือแผนการดำเนินงาน",
    "budget_ordinance": "งบประมาณที่ตั้งไว้ในข้อบัญญัติ/เทศบัญญัติ เป็นบาท เช่น 10000 (ไม่ใช้งบประมาณ: 0)",
    "disbursed": "จำนวนเงินที่เบิกจ่ายแล้ว เป็นบาท เช่น 8500 (ไม่ได้เบิกจ่าย: 0)",
    "status": "เลือกสถานะจากลูกศร",
    "reason": f"เลือกเมื่อสถานะเป็น {CANNOT} เท่านั้น",
    "reason_other": f"ระบุสาเหตุเมื่อเลือก {OTHER_REASON}",
    "output": "ผลผลิต เช่น จัดอบรม ๑ ครั้ง ผู้เข้าร่วม ๔๐ คน",
    "result": "ผลลัพธ์เทียบกับตัวชี้วัดของโครงการ",
    "problems": f"ปัญหาและอุปสรรค ถ้าไม่มีให้พิมพ์ {NONE_WORD}",
    "suggestions": f"ข้อเสนอแนะ ถ้าไม่มีให้พิมพ์ {NONE_WORD}",
    "remark": "หมายเหตุ (ไม่บังคับ)",
}


def guides(fiscal_year: int | None, round_: int) -> dict[str, str]:
    """Each input column's guide, the dates of the example in the form's own round and year."""
    def short(day: dt.date) -> str:  # ต.ค. ๖๕
        return f"{THAI_MONTH_ABBREVIATIONS[day.month - 1]} {to_thai_digits(f'{(day.year + 543) % 100:02d}')}"

    if fiscal_year:
        first, last = round_period(fiscal_year, round_)
        example = f"{thai_date(first.replace(month=12, day=15))} หรือ {short(first)} – {short(last)}"
    else:
        example = "๑๕ ธันวาคม หรือ ต.ค. – มี.ค." if round_ == 6 else "๑๕ ธันวาคม หรือ ต.ค. – ก.ย."
    return {**GUIDES, "period": f"วันที่หรือช่วงเวลาที่ดำเนินการ เช่น {example}"}


@dataclass(frozen=True)
class Layout:
    header_row: int  # 0-based, the first of the two header rows
    first_row: int  # 0-based, the first project row
    rows: int

    @staticmethod
    def col(key: str) -> int:
        return next(i for i, c in enumerate(report_form(12).columns) if c.key == key)  # the same in both rounds


def plan_cells(number: int, project: Project) -> dict[str, Any]:
    """The plan's columns of a project, as the report shows them."""
    return {
        "no": number, "dimension": project.dimension or "", "type": project_type(project.name),
        "name": project.name, "department": project.department,
        **{q: "/" if on else "" for q, on in zip(form.QUARTER_KEYS, project.quarters)},
        "budget": form.NO_BUDGET if project.budget is None else project.budget,
    }


def write_report_template(path: str | Path, config: Config, plan: Plan, department: str, round_: int,
                          projects: list[tuple[int, Project]], *, prefill: dict[int, dict[str, Any]] | None = None,
                          generated: dt.datetime | None = None) -> Layout:
    """One department's report template: its (number, project) pairs of the plan; `prefill` gives the
    input cells already known for a project number (the 12-month form from the 6-month report)."""
    if not projects:
        raise TemplateError(f"ไม่มีโครงการของ {department} ในแผน / no project of {department} in the plan")
    generated = generated or dt.datetime.now().astimezone().replace(microsecond=0)
    with atomic_path(path) as tmp:
        workbook = new_workbook(tmp, config.font)
        try:
            writer = _Writer(workbook, config, plan, department, round_)
            writer.instructions()
            lists = writer.lists()
            layout = writer.form_sheet(projects, lists, prefill or {})
            writer.metadata(generated)
        finally:
            workbook.close()
    return layout


class _Writer:
    def __init__(self, workbook, config: Config, plan: Plan, department: str, round_: int):
        self.wb, self.config, self.plan, self.department, self.round = workbook, config, plan, department, round_
        self.form = report_form(round_)
        self.guides = guides(plan.fiscal_year, round_)
        self.columns = self.form.columns
        self.fmt = Formats(workbook, config.font)
        self._widths: dict[str, float] = {}

    def _width(self, column: Column) -> float:
        """The form's width, widened until no word of the header or of a dropdown value is broken."""
        if column.key not in self._widths:
            words = [w for text in (column.header, *column.choices)
                     for w in unbroken_widths(text, self.fmt.size, bold=True)]
            width = column.width
            while FORM_FONT_COLUMNS.room(width) < max(words):
                width += 0.5
            self._widths[column.key] = width
        return self._widths[column.key]

    def _titles(self) -> list[str]:
        plan = self.plan
        place = form.LOCATION.format(district=plan.district or "…", province=plan.province or "…")
        return [title(self.round, plan.fiscal_year), period_line(self.round, plan.fiscal_year),
                plan.organisation or "…", place, f"{form.COLUMN_BY_KEY['department'].header} {self.department}"]

    def form_sheet(self, projects: list[tuple[int, Project]], lists: dict[str, str],
                   prefill: dict[int, dict[str, Any]]) -> Layout:
        ws = self.wb.add_worksheet(REPORT_SHEET)
        ws.activate()
        fmt = self.fmt
        last_col = len(self.columns) - 1
        total = sum(self._width(c) for c in self.columns)
        for i, column in enumerate(self.columns):
            ws.set_column(i, i, column_width(self._width(column)))
        row = 0
        for text in self._titles():
            ws.set_row(row, row_height([(text, total)], fmt.size + 2, bold=True))
            ws.merge_range(row, 0, row, last_col, text, fmt.title(font_size=fmt.size + 2))
            row += 1
        if self.config.deadline:
            text = f"กรุณาส่งคืนผู้ประสานงานภายในวันที่ {thai_date(self.config.deadline)}"
            ws.set_row(row, row_height([(text, total)]))
            ws.merge_range(row, 0, row, last_col, text, fmt.title(bold=False, font_color="#C00000"))
            row += 1
        layout = Layout(header_row=row, first_row=row + 2, rows=len(projects))
        _write_header(ws, fmt, row, self.columns, self._width)
        for offset, (number, project) in enumerate(projects):
            self._project_row(ws, layout.first_row + offset, {**plan_cells(number, project),
                                                              **prefill.get(number, {})})
        self._inputs(ws, layout, lists)
        ws.freeze_panes(layout.first_row, Layout.col("department") + 1)
        a4_landscape(ws, (layout.header_row, layout.header_row + 1), font=self.config.font)
        ws.print_area(0, 0, layout.first_row + layout.rows - 1, last_col)
        ws.protect("", {"format_columns": True, "format_rows": True})
        return layout

    def _format(self, column: Column, value: Any = None):
        locked = column.prefilled
        extra = {"bg_color": PLAN_FILL} if locked else {"locked": False}
        if column.kind in (BUDGET, AMOUNT) and not isinstance(value, str):
            return self.fmt.cell("right", num_format=THAI_INTEGER, **extra)
        align = "center" if column.kind in (MARK, DIMENSION, form.SEQUENCE, CHOICE) else "left"
        return self.fmt.cell(align, num_format=TEXT_FORMAT if not locked else "General", **extra)

    def _project_row(self, ws, row: int, values: dict[str, Any]) -> None:
        shown = []
        for i, column in enumerate(self.columns):
            value = values.get(column.key, "")
            if column.kind in (DIMENSION, form.SEQUENCE) and isinstance(value, int):
                value = to_thai_digits(value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ws.write_number(row, i, value, self._format(column, value))
                shown.append((to_thai_digits(f"{value:,.0f}"), self._width(column)))
            elif value not in (None, ""):
                ws.write_string(row, i, str(value), self._format(column, value))
                shown.append((str(value), self._width(column)))
            else:
                ws.write_blank(row, i, None, self._format(column))
        ws.set_row(row, row_height(shown))

    def _inputs(self, ws, layout: Layout, lists: dict[str, str]) -> None:
        first, last = layout.first_row, layout.first_row + layout.rows - 1
        for i, column in enumerate(self.columns):
            if column.prefilled:
                continue
            options: dict = {"validate": "any", "input_title": column.header[:32],
                             "input_message": self.guides.get(column.key, "")}
            if column.kind == CHOICE:
                options.update(validate="list", source=lists[column.key], error_title="เลือกจากรายการ",
                               error_message="เลือกจากลูกศรที่มุมขวาของช่อง\nPick a value from the dropdown list.")
            elif column.kind == AMOUNT:
                options.update(validate="decimal", criteria=">=", value=0, error_title="จำนวนเงินไม่ถูกต้อง",
                               error_message="ใส่จำนวนเงินเป็นตัวเลข ตั้งแต่ 0 ขึ้นไป เช่น 10000\n"
                                             "Enter an amount of 0 or more.")
            _validation(ws, first, i, last, options, self.columns)
        self._highlights(ws, first, last)

    def _highlights(self, ws, first: int, last: int) -> None:
        """Red while the status or a needed reason is missing; yellow while ปัญหา/ข้อเสนอแนะ are empty."""
        red = self.wb.add_format({"bg_color": MISSING_FILL})
        yellow = self.wb.add_format({"bg_color": ASK_FILL})
        cell = {key: xl_rowcol_to_cell(first, Layout.col(key), col_abs=True)
                for key in ("status", "reason", "reason_other")}
        rules = [
            ("status", "status", red, f'=LEN(TRIM({cell["status"]}))=0'),
            ("reason", "reason", red, f'=AND({cell["status"]}="{CANNOT}",LEN(TRIM({cell["reason"]}))=0)'),
            ("reason_other", "reason_other", red,
             f'=AND({cell["reason"]}="{OTHER_REASON}",LEN(TRIM({cell["reason_other"]}))=0)'),
            ("problems", "suggestions", yellow,
             f"=LEN(TRIM({xl_rowcol_to_cell(first, Layout.col('problems'))}))=0"),
        ]
        for first_key, last_key, fill, criteria in rules:
            if ws.conditional_format(first, Layout.col(first_key), last, Layout.col(last_key),
                                     {"type": "formula", "criteria": criteria, "format": fill}) != 0:
                raise TemplateError(f"conditional format rejected: {criteria}")

    def lists(self) -> dict[str, str]:
        """The dropdown lists on a hidden sheet, as range references (inline lists cap at 255)."""
        ws = self.wb.add_worksheet(LISTS_SHEET)
        refs = {}
        choices = [c for c in self.columns if c.kind == CHOICE and not c.prefilled]
        for col, column in enumerate(choices):
            for r, value in enumerate(column.choices):
                ws.write_string(r, col, value)
            letter = xl_col_to_name(col)
            refs[column.key] = f"='{LISTS_SHEET}'!${letter}$1:${letter}${len(column.choices)}"
        ws.hide()
        ws.protect()
        return refs

    def metadata(self, generated: dt.datetime) -> None:
        write_details(self.wb, form.METADATA_SHEET, {
            "kind": "report-template", "form_version": REPORT_VERSION, "organisation": self.plan.organisation,
            "fiscal_year": str(self.plan.fiscal_year or ""), "department": self.department, "round": str(self.round),
            "generated": generated.isoformat(timespec="seconds")})

    def instructions(self) -> None:
        ws = self.wb.add_worksheet(form.INSTRUCTIONS_SHEET)
        fmt = self.fmt
        width = 150
        ws.set_column(0, 0, column_width(width))
        lines: list[tuple[str, bool]] = [
            (f"คำชี้แจงการกรอก{title(self.round, self.plan.fiscal_year)}", True),
            (f"{self.plan.organisation} {form.COLUMN_BY_KEY['department'].header} {self.department}".strip(), True),
            (f"• กรอกในแผ่นงาน \"{REPORT_SHEET}\" หนึ่งแถวต่อหนึ่งโครงการของแผน ช่องสีเทาเป็นข้อมูลตามแผน "
             "แก้ไม่ได้ และห้ามเพิ่มหรือลบแถว", False),
            ("• คลิกที่ช่องแล้วจะมีคำแนะนำขึ้นมา ช่องที่มีลูกศรให้เลือกจากลูกศร", False),
            (f"• สถานะที่เลือกได้: {' / '.join(statuses(self.round))}", False),
            (f"• ช่องสีแดง: ยังไม่ได้เลือกสถานะ หรือสถานะเป็น {CANNOT} แต่ยังไม่ได้เลือกสาเหตุ", False),
            (f"• ช่องสีเหลือง: ปัญหา/อุปสรรค และข้อเสนอแนะ ถ้าไม่มีให้พิมพ์ \"{NONE_WORD}\" "
             "(ผู้ประเมิน ITA ต้องการเห็นทุกโครงการ)", False),
            ("• จำนวนเงินพิมพ์เป็นตัวเลขอารบิก เช่น 10000 ระบบจะแสดงเป็น ๑๐,๐๐๐ ให้เอง", False),
            ("", False),
            ("ความหมายของแต่ละช่อง", True),
        ]
        lines += [(f"{c.header}: {self.guides[c.key]}", False) for c in self.columns if c.key in self.guides]
        for row, (text, bold) in enumerate(lines):
            ws.set_row(row, row_height([(text, width)], bold=bold))
            ws.write_string(row, 0, text, fmt.paragraph(bold=bold))
        a4_landscape(ws, font=self.config.font)
        ws.protect("", {"format_columns": True, "format_rows": True})


def department_projects(plan: Plan, config: Config) -> dict[str, list[tuple[int, Project]]]:
    """The plan's projects of each department, numbered as on the master. A project of several
    departments (สำนักปลัด/กองคลัง) goes to the first of them, as on the master."""
    found: dict[str, list[tuple[int, Project]]] = {}
    for number, project in enumerate(plan.projects, start=1):
        name = config.match_department(project.department.split("/")[0]) or project.department or "-"
        found.setdefault(name, []).append((number, project))
    order = {n: i for i, n in enumerate(config.department_names)}
    return dict(sorted(found.items(), key=lambda kv: order.get(kv[0], len(order))))


def filename(department: str, round_: int) -> str:
    return template_filename(f"รายงานผล{round_}เดือน-{department}")
