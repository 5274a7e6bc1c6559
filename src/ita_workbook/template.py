"""The department template: the official form, ready to fill and hard to fill wrong.

One workbook per department: a first sheet คำชี้แจง that explains the form, the form sheet (titles,
the official two-row header, an unlocked input area with dropdowns and input messages, the rest
protected without a password), a hidden sheet of dropdown lists, and a hidden sheet saying what the
workbook is (form version, organisation, fiscal year, department, generation time) for the reader.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from xlsxwriter.worksheet import Worksheet
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from . import form
from .config import Config
from .form import COLUMNS, DIMENSIONS, NO_BUDGET, PLAN_FORM, QUARTER_KEYS, QUARTER_MONTHS, Column
from .output import atomic_path, safe_filename
from .plan import Project
from .problems import Report
from .thai import thai_date, thai_number, to_thai_digits
from .xlsx_style import (FONT_SIZE, FORM_FONT_COLUMNS, THAI_INTEGER, TEXT_FORMAT, Formats, a4_landscape, column_width, new_workbook,
                         write_details)

# Row heights for this module's workbooks (`new_workbook`: the form font is the default font).
row_height = FORM_FONT_COLUMNS.row_height

FORM_SHEET = "แผนปฏิบัติการ"
# The official form's columns, then e-PlanNACC's optional fields after หน่วยงานรับผิดชอบ.
TEMPLATE_COLUMNS: tuple[Column, ...] = (*COLUMNS, *form.OFFERED_COLUMNS)
LISTS_SHEET = "_lists"
BLANK_FILENAME = "department-template.xlsx"
DEFAULT_ROWS = 30
SPARE_ROWS = 10  # empty rows left under last year's projects
QUARTER_MARK = "/"
PLACEHOLDER = "…………………………………"  # where a blank form leaves the organisation or year to fill
MISSING_FILL = "#FFC7CE"  # a required cell left empty in a row being filled

# The form's widths suit its printed size; at 16 pt on screen a header word (ไตรมาส, ปริมาณ) or
# งบประมาณ wider than its column is broken mid-word.
TEMPLATE_WIDTHS = {"unit": 10, "quantity": 10, "budget": 14, "dimension": 7,
                   **{key: 11 for key in QUARTER_KEYS}}
MAX_ROW_HEIGHT = 409.0  # Excel's limit: a taller row is cut to it, and the template says so
# The department column widens up to this for the template's own department to stand on one line in
# every empty row (its pre-filled default); a longer name wraps.
MAX_DEPARTMENT_WIDTH = 40
CENTERED = {"no", "unit", "quantity", *QUARTER_KEYS}

UNIT_SUGGESTIONS = ("คน", "ครั้ง", "โครงการ", "กิจกรรม", "มาตรการ", "แห่ง", "ฉบับ", "ช่องทาง", "เรื่อง",
                    "หลักสูตร", "รุ่น", "หมู่บ้าน", "ชุมชน", "ระบบ", "แผน", "ร้อยละ")

# What each มิติ is about, for the instructions sheet; the names themselves come from form.DIMENSIONS.
DIMENSION_EXPLAINED = {
    1: "ปลูกฝังให้ผู้บริหาร สมาชิกสภา พนักงาน และประชาชน ซื่อสัตย์สุจริตและไม่ทนต่อการทุจริต "
       "เช่น อบรมคุณธรรมจริยธรรม ประกาศเจตจำนงสุจริตของผู้บริหาร ส่งเสริมการปฏิบัติตามประมวลจริยธรรม",
    2: "บริหารงานอย่างโปร่งใส ตรวจสอบได้ และไม่เลือกปฏิบัติ เช่น เปิดเผยข้อมูลการจัดซื้อจัดจ้าง "
       "มาตรการป้องกันผลประโยชน์ทับซ้อน บริหารงานบุคคลอย่างโปร่งใส ลดขั้นตอนการให้บริการ",
    3: "เปิดโอกาสให้ประชาชนร่วมวางแผน ติดตาม และตรวจสอบการทำงาน เช่น ประชาคมจัดทำแผนพัฒนาท้องถิ่น "
       "ช่องทางรับเรื่องร้องเรียน การเผยแพร่ข้อมูลข่าวสารให้ประชาชน",
    4: "เสริมกลไกการตรวจสอบภายในและภายนอก เช่น แผนการตรวจสอบภายใน การประเมินผลการควบคุมภายใน "
       "การบริหารความเสี่ยงการทุจริต และส่งเสริมบทบาทการตรวจสอบของสภาท้องถิ่น",
}


class TemplateError(Exception):
    """The template cannot be written; the message says why, in Thai and English."""


def dimension_choice(number: int) -> str:
    """The dropdown value of a มิติ: its number, as the official form prints it (a name beside it
    would be cut to "1 การสร้" in print, or make the row many lines tall). The names are in the
    cell's input message and on the instructions sheet."""
    return str(number)


def for_everyone(department: str) -> bool:
    """ทุกส่วนราชการ, ทุกกอง…: a name for projects every department shares, not a desk one sends a
    form to (its template is written only when asked for by name)."""
    return department.replace(" ", "").startswith("ทุก")


def template_filename(department: str | None) -> str:
    if not department:
        return BLANK_FILENAME
    safe = re.sub(r'[\\/:*?"<>|\s]+', "-", department).strip("-.")
    return safe_filename(safe or "department", ".xlsx", fill="-")  # two long names stay two files


def quarter_months(fiscal_year: int | None) -> list[str]:
    """`ต.ค. – ธ.ค. ๒๕๖๖` … for each quarter: the fiscal year starts in October of the year before."""
    if fiscal_year is None:
        return list(QUARTER_MONTHS)
    years = (fiscal_year - 1, fiscal_year, fiscal_year, fiscal_year)
    return [f"{months} {to_thai_digits(year)}" for months, year in zip(QUARTER_MONTHS, years)]


@dataclass(frozen=True)
class Layout:
    """Where things are on the form sheet (0-based rows and columns)."""

    header_row: int  # the first of the two header rows
    first_data_row: int
    last_data_row: int
    tall_rows: tuple[int, ...] = ()  # 1-based rows whose text needs more than Excel's 409 points

    @staticmethod
    def col(key: str) -> int:
        return next(i for i, c in enumerate(TEMPLATE_COLUMNS) if c.key == key)


def _width(column: Column) -> float:
    return TEMPLATE_WIDTHS.get(column.key, column.width)


def _department_width(department: str | None) -> float:
    """The department column's width: the form's, or wider for `department` to fit on one line."""
    width = TEMPLATE_COLUMNS[Layout.col("department")].width
    if department:
        while width < MAX_DEPARTMENT_WIDTH and FORM_FONT_COLUMNS.line_count(department, width) > 1:
            width += 1
    return width


def _guide(column: Column, fiscal_year: int | None) -> tuple[str, str]:
    """The input message of a column: (title ≤ 32 characters, message ≤ 255), both Thai."""
    key = column.key
    if key in QUARTER_KEYS:
        months = quarter_months(fiscal_year)[QUARTER_KEYS.index(key)]
        return (f"{column.header} ({months})",
                f"เลือก {QUARTER_MARK} จากลูกศร ถ้าโครงการดำเนินการในไตรมาสนี้ หรือเว้นว่าง "
                f"ทุกโครงการต้องมี {QUARTER_MARK} อย่างน้อยหนึ่งไตรมาส")
    messages = {
        "no": "ลำดับที่ ไม่บังคับ เว้นว่างได้ ลำดับจะเรียงใหม่เมื่อรวมแผน",
        "name": "ชื่อแผนงาน โครงการ กิจกรรม หรือมาตรการ หนึ่งแถวต่อหนึ่งโครงการ "
                "พิมพ์ทั้งชื่อในช่องเดียว (ขึ้นบรรทัดใหม่ในช่องเดียวกัน: กด Alt+Enter)",
        "unit": "เลือกจากลูกศร เช่น คน ครั้ง โครงการ หรือพิมพ์คำอื่นเองได้ "
                "(ตัวเลขให้ใส่ในช่องปริมาณงาน)",
        "quantity": "จำนวนตามหน่วยนับ เช่น 40 หรือ ๔๐ หรือเป็นคำ เช่น ทุกครั้งที่ดำเนินการ",
        "budget": f"จำนวนเงิน (บาท) เป็นตัวเลข เช่น 10000 ซึ่งจะแสดงเป็นเลขไทยให้เอง "
                  f"หรือพิมพ์คำว่า {NO_BUDGET}",
        "dimension": "เลือกมิติ 1-4 จากลูกศร: " + " ".join(f"{d.number} {d.name}" for d in DIMENSIONS),
        "indicator": "ตัวชี้วัดความสำเร็จ เช่น มีการจัดอบรมอย่างน้อย ๑ ครั้ง",
        "outcome": "ผลที่คาดว่าจะได้รับ (ไม่บังคับ)",
        "department": "แบบฟอร์มของกองมีชื่อกองใส่ไว้ให้แล้ว เปลี่ยนเฉพาะโครงการที่หน่วยงานอื่นรับผิดชอบ "
                      "โดยเลือกจากลูกศร (แถวที่มีแต่ชื่อกองไม่นับเป็นโครงการ)",
        "type": "ประเภทงานตามระบบ e-PlanNACC เลือกจากลูกศร (ไม่บังคับ ถ้าเว้นว่างจะดูจากคำแรกของชื่อโครงการ)",
        "target_group": "กลุ่มเป้าหมายของโครงการ เช่น ผู้บริหาร พนักงาน ประชาชน ตามที่จะเลือกในระบบ e-PlanNACC "
                        "(ไม่บังคับ)",
        "objective": "วัตถุประสงค์ของโครงการ สำหรับกรอกในระบบ e-PlanNACC (ไม่บังคับ)",
    }
    return column.header, messages.get(key, f"กรอก{column.header}")


def _validation(ws: Worksheet, first_row: int, col: int, last_row: int, options: dict,
                columns: Sequence[Column] = TEMPLATE_COLUMNS) -> None:
    # xlsxwriter only warns when a limit is exceeded (255-character list, 32-character title…) and
    # leaves the validation out: a template silently missing a dropdown is worse than no template.
    if ws.data_validation(first_row, col, last_row, col, options) != 0:
        raise TemplateError(f"เพิ่มการตรวจข้อมูลคอลัมน์ {columns[col].header} ไม่ได้ / "
                            f"data validation rejected for column {columns[col].key}: {options}")


class _Writer:
    def __init__(self, path: Path, config: Config, department: str | None, rows: int,
                 prefill: Sequence[dict[str, object]], generated: dt.datetime):
        self.config = config
        self.department = department
        self.widths = {**TEMPLATE_WIDTHS, "department": _department_width(department)}
        self.prefill: list[dict[str, object]] = []
        self.spread: list[int] = []  # offsets in `prefill` of continuation rows (_spread)
        for values in prefill:
            pieces = self._spread(values)
            self.spread += range(len(self.prefill) + 1, len(self.prefill) + len(pieces))
            self.prefill += pieces
        self.rows = max(rows, len(self.prefill) + SPARE_ROWS) if self.prefill else rows
        self.generated = generated
        self.tall_rows: list[int] = []
        self.wb = new_workbook(path, config.font)
        self.fmt = Formats(self.wb, config.font)

    def write(self) -> Layout:
        self.wb.set_properties({
            "title": form.TITLE.format(year=self._year()),
            "subject": self.department or "",
            "author": "ita-workbook",
            "company": self.config.organisation,
            "created": self.generated.replace(tzinfo=None),
        })
        instructions = self.wb.add_worksheet(form.INSTRUCTIONS_SHEET)
        sheet = self.wb.add_worksheet(FORM_SHEET)
        lists = self._lists()
        layout = self._form(sheet, lists)
        self._metadata(layout)
        self._instructions(instructions)
        instructions.activate()
        self.wb.close()
        return layout

    def _width(self, column: Column) -> float:
        return self.widths.get(column.key, column.width)

    def _total_width(self) -> float:
        return sum(self._width(c) for c in TEMPLATE_COLUMNS)

    def _spread(self, values: dict[str, object]) -> list[dict[str, object]]:
        """A pre-filled project as the rows it takes: one, or, when its ตัวชี้วัด or ผลลัพธ์ needs more
        than Excel's 409 points, its row and continuation rows holding only the rest of those texts
        (cut between words, as on the master; the reader joins them back). Only a cell that is still
        too tall on its own (a name) is cut to 409 points, and the template says so."""
        from .master import _max_lines, _split_lines  # only for pre-filled rows: a blank form needs no master

        per_row = _max_lines(FONT_SIZE)
        keys = sorted(PLAN_FORM.continuation_keys)
        texts = {k: str(values.get(k) or "") for k in keys}
        if all(FORM_FONT_COLUMNS.line_count(texts[k], self._width(form.COLUMN_BY_KEY[k])) <= per_row for k in keys):
            return [values]
        pieces = {k: _split_lines(texts[k], self._width(form.COLUMN_BY_KEY[k]), per_row, FORM_FONT_COLUMNS,
                                  FONT_SIZE) for k in keys}
        span = max(len(p) for p in pieces.values())
        return [{**values, **{k: p[0] for k, p in pieces.items()}},
                *({k: p[i] for k, p in pieces.items() if i < len(p)} for i in range(1, span))]

    # -- the form sheet ------------------------------------------------------------------------
    def _year(self) -> str:
        return to_thai_digits(self.config.fiscal_year) if self.config.fiscal_year else PLACEHOLDER

    def _titles(self) -> list[tuple[str, bool]]:
        """(text, fill-in) of each title line; a fill-in line is a blank form's line to type on."""
        cfg = self.config
        lines = [(form.TITLE.format(year=self._year()), not cfg.fiscal_year),
                 (form.SUBTITLE.format(organisation=cfg.organisation or PLACEHOLDER), not cfg.organisation)]
        if cfg.district or cfg.province or not cfg.organisation:
            lines.append((form.LOCATION.format(district=cfg.district or PLACEHOLDER,
                                               province=cfg.province or PLACEHOLDER),
                          not (cfg.district and cfg.province)))
        lines.append((f"{form.COLUMN_BY_KEY['department'].header} {self.department or PLACEHOLDER}",
                      not self.department))
        return lines

    def _form(self, ws: Worksheet, lists: dict[str, str]) -> Layout:
        fmt = self.fmt
        last_col = len(TEMPLATE_COLUMNS) - 1
        for i, column in enumerate(TEMPLATE_COLUMNS):
            ws.set_column(i, i, column_width(self._width(column)))
        row = 0
        for text, fill_in in self._titles():
            ws.set_row(row, row_height([(text, self._total_width())], fmt.size + 2, bold=True))
            ws.merge_range(row, 0, row, last_col, text,
                           fmt.title(font_size=fmt.size + 2, locked=not fill_in))
            row += 1
        if self.config.deadline:
            text = f"กรุณาส่งคืนผู้ประสานงานภายในวันที่ {thai_date(self.config.deadline)}"
            ws.set_row(row, row_height([(text, self._total_width())]))
            ws.merge_range(row, 0, row, last_col, text, fmt.title(bold=False, font_color="#C00000"))
            row += 1
        layout = Layout(header_row=row + 1, first_data_row=row + 3, last_data_row=row + 2 + self.rows)
        _write_header(ws, fmt, layout.header_row, width=self._width)
        self._input_area(ws, layout, lists)
        for offset, values in enumerate(self.prefill):
            self._write_row(ws, layout.first_data_row + offset, values, locked=False)
        ws.freeze_panes(layout.first_data_row, 2)
        a4_landscape(ws, (layout.header_row, layout.header_row + 1), font=self.config.font)
        ws.print_area(0, 0, layout.last_data_row, last_col)
        ws.protect("", {"format_columns": True, "format_rows": True, "insert_rows": True})
        return layout

    def _cell_format(self, column: Column, locked: bool = True):
        extra = {} if locked else {"locked": False}
        if column.kind == form.BUDGET:
            return self.fmt.cell("right", num_format=THAI_INTEGER, **extra)
        align = "center" if column.key in CENTERED else "left"
        return self.fmt(align=align, border=1, text_wrap=True,
                        num_format=TEXT_FORMAT, **extra)

    def _input_area(self, ws: Worksheet, layout: Layout, lists: dict[str, str]) -> None:
        first, last = layout.first_data_row, layout.last_data_row
        year = self.config.fiscal_year
        for i, column in enumerate(TEMPLATE_COLUMNS):
            default = self.department if column.kind == form.DEPARTMENT else None
            for r in range(first, last + 1):
                # The clerk changes it only for a project shared with another department. A cell a
                # pre-filled row writes is left to it: a string written twice counts twice in Excel's
                # shared-string total.
                prefilled = r - first < len(self.prefill) and self.prefill[r - first].get(column.key)
                if default and not prefilled:
                    ws.write_string(r, i, default, self._cell_format(column, locked=False))
                else:
                    ws.write_blank(r, i, None, self._cell_format(column, locked=False))
            title, message = _guide(column, year)
            options: dict = {"validate": "any", "input_title": title, "input_message": message}
            if column.kind == form.DIMENSION:
                options = {**options, "validate": "list", "source": lists["dimension"],
                           "error_title": "มิติไม่ถูกต้อง",
                           "error_message": "เลือกมิติจากลูกศรที่มุมขวาของช่อง (1 ถึง 4)\n"
                                            "Pick a dimension from the dropdown list."}
            elif column.kind == form.MARK:
                options = {**options, "validate": "list", "source": lists["mark"],
                           "error_title": "ใส่ได้เฉพาะ /",
                           "error_message": f"ใส่ {QUARTER_MARK} (เลือกจากลูกศร) หรือเว้นว่าง\n"
                                            f"Only {QUARTER_MARK} or blank."}
            elif column.kind == form.DEPARTMENT:
                options = {**options, "validate": "list", "source": lists["department"],
                           "error_title": "ไม่มีหน่วยงานนี้ในรายชื่อ",
                           "error_message": "เลือกหน่วยงานจากลูกศรที่มุมขวาของช่อง\n"
                                            "Pick a department from the dropdown list."}
            elif column.kind == form.CHOICE:
                options = {**options, "validate": "list", "source": lists[column.key],
                           "error_title": f"{column.header}ไม่ถูกต้อง",
                           "error_message": f"เลือก{column.header}จากลูกศร หรือเว้นว่าง\n"
                                            f"Pick one from the dropdown list, or leave it blank."}
            elif column.key == "unit":
                # A suggestion list: the dropdown helps, any other word is still accepted.
                options = {**options, "validate": "list", "source": lists["unit"], "show_error": False}
            elif column.kind == form.BUDGET:
                cell = xl_rowcol_to_cell(first, i)
                options = {**options, "validate": "custom",
                           "value": f'=OR(AND(ISNUMBER({cell}),{cell}>=0),TRIM({cell})="{NO_BUDGET}")',
                           "error_title": "งบประมาณไม่ถูกต้อง",
                           "error_message": f"ใส่จำนวนเงินเป็นตัวเลขตั้งแต่ 0 ขึ้นไป พิมพ์ด้วยเลขอารบิก "
                                            f"เช่น 10000 หรือพิมพ์คำว่า {NO_BUDGET}\n"
                                            f"Enter an amount of 0 or more, or {NO_BUDGET}."}
            _validation(ws, first, i, last, options)
        self._highlight_missing(ws, first, last)

    def _highlight_missing(self, ws: Worksheet, first: int, last: int) -> None:
        """Once a row is being filled, its empty required cells turn red until they are filled. What
        tells a project's row is what the reader goes by: neither the pre-filled department nor the
        text of a row continuing the ตัวชี้วัด/ผลลัพธ์ above (nor its own ที่)."""
        red = self.wb.add_format({"bg_color": MISSING_FILL})
        signs = [i for i, c in enumerate(TEMPLATE_COLUMNS)
                 if c.key != "no" and c.key not in PLAN_FORM.continuation_keys and c.kind != form.DEPARTMENT]
        runs: list[list[int]] = []
        for i in signs:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        ranges = ",".join(f"${xl_col_to_name(run[0])}{first + 1}:${xl_col_to_name(run[-1])}{first + 1}"
                          for run in runs)
        in_use = f"COUNTA({ranges})>0"
        q1, q4 = (xl_col_to_name(Layout.col(k)) for k in (QUARTER_KEYS[0], QUARTER_KEYS[-1]))
        rules = [(i, i, f"=AND({in_use},LEN(TRIM({xl_rowcol_to_cell(first, i)}))=0)")
                 for i, c in enumerate(TEMPLATE_COLUMNS) if c.value_required]
        rules.append((Layout.col(QUARTER_KEYS[0]), Layout.col(QUARTER_KEYS[-1]),
                      f'=AND({in_use},COUNTIF(${q1}{first + 1}:${q4}{first + 1},"{QUARTER_MARK}")=0)'))
        for first_col, last_col, criteria in rules:
            if ws.conditional_format(first, first_col, last, last_col,
                                     {"type": "formula", "criteria": criteria, "format": red}) != 0:
                raise TemplateError(f"conditional format rejected: {criteria}")

    def _write_row(self, ws: Worksheet, row: int, values: dict[str, object], locked: bool) -> None:
        """A row of values as a clerk would have typed them: budgets as numbers (shown in Thai
        digits), quantities as Thai-digit text like the printed form, the rest as text."""
        shown = []
        for i, column in enumerate(TEMPLATE_COLUMNS):
            value = values.get(column.key, "")
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, (int, float)) and column.kind != form.BUDGET:
                value = to_thai_digits(value)
            if isinstance(value, (int, float)):
                ws.write_number(row, i, value, self._cell_format(column, locked))
                value = thai_number(value)
            elif value:
                ws.write_string(row, i, str(value), self._cell_format(column, locked))
            shown.append((str(value), self._width(column)))
        # Known text gets its height (no application fits it on load); empty input rows get
        # none, so that Excel and LibreOffice fit them to what the clerk types.
        height = row_height(shown)
        if height > MAX_ROW_HEIGHT:
            self.tall_rows.append(row + 1)
        ws.set_row(row, min(height, MAX_ROW_HEIGHT))

    # -- hidden sheets -------------------------------------------------------------------------
    def _lists(self) -> dict[str, str]:
        """The dropdown lists on a hidden sheet, as range references (inline lists cap at 255)."""
        ws = self.wb.add_worksheet(LISTS_SHEET)
        columns = {
            "dimension": [dimension_choice(d.number) for d in DIMENSIONS],
            "mark": [QUARTER_MARK],
            "unit": list(UNIT_SUGGESTIONS),
            "department": self.config.department_names,
            **{c.key: list(c.choices) for c in TEMPLATE_COLUMNS if c.kind == form.CHOICE},
        }
        refs = {}
        for col, (name, values) in enumerate(columns.items()):
            for r, value in enumerate(values):
                ws.write_string(r, col, value)
            letter = xl_col_to_name(col)
            refs[name] = f"='{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"
        ws.hide()
        ws.protect()
        return refs

    def _metadata(self, layout: Layout) -> None:
        known = {
            "form_version": form.FORM_VERSION,
            "organisation": self.config.organisation,
            "fiscal_year": str(self.config.fiscal_year or ""),  # empty: a blank form, any year
            "department": self.department or "",
            "generated": self.generated.isoformat(timespec="seconds"),
        }
        details = {key: known.get(key, "") for key in form.METADATA_KEYS}
        if self.spread:  # the reader does not warn about these rows (reader.SPREAD_ROWS)
            from .reader import SPREAD_ROWS, spread_mark  # a blank form needs no reader

            keys = sorted(PLAN_FORM.continuation_keys)
            details[SPREAD_ROWS] = "\n".join(
                spread_mark(FORM_SHEET, layout.first_data_row + offset + 1,
                            [str(self.prefill[offset].get(k) or "") for k in keys]) for offset in self.spread)
        write_details(self.wb, form.METADATA_SHEET, details)

    # -- the instructions sheet ----------------------------------------------------------------
    def _instructions(self, ws: Worksheet) -> None:
        fmt = self.fmt
        cfg = self.config
        last_col = len(TEMPLATE_COLUMNS) - 1
        width = self._total_width()
        for i, column in enumerate(TEMPLATE_COLUMNS):
            ws.set_column(i, i, column_width(self._width(column)))
        row = 0

        def line(text: str, cell_format=None, size: int | None = None) -> None:
            nonlocal row
            ws.set_row(row, row_height([(text, width)], size or fmt.size,
                                       bold=bool(getattr(cell_format, "bold", False))))
            ws.merge_range(row, 0, row, last_col, text, cell_format or fmt.paragraph())
            row += 1

        def heading(text: str) -> None:
            nonlocal row
            row += 1
            line(text, fmt.paragraph(bold=True, font_color="#1F4E79"))

        line(f"คำชี้แจงการกรอกแบบฟอร์ม{form.TITLE.format(year=self._year())}",
             fmt.title(font_size=fmt.size + 2), fmt.size + 2)
        who = " ".join(x for x in (cfg.organisation, f"{form.COLUMN_BY_KEY['department'].header} "
                                   f"{self.department}" if self.department else "") if x)
        if who:
            line(who, fmt.title())
        if cfg.deadline:
            line(f"กรุณากรอกข้อมูลให้ครบ แล้วส่งไฟล์นี้คืนผู้ประสานงานภายในวันที่ {thai_date(cfg.deadline)}",
                 fmt.title(font_color="#C00000"))

        heading("วิธีกรอก")
        for text in (
            f"• กรอกในแผ่นงาน \"{FORM_SHEET}\" หนึ่งแถวต่อหนึ่งแผนงาน/โครงการ/กิจกรรม/มาตรการ "
            f"เริ่มที่แถวแรกใต้หัวตาราง ไม่ต้องเว้นแถว และไม่ต้องแก้หัวตาราง",
            "• คลิกที่ช่องแล้วจะมีคำแนะนำขึ้นมา ช่องมิติ ไตรมาส และหน่วยงานรับผิดชอบ "
            "ให้คลิกลูกศรที่มุมขวาของช่องแล้วเลือก (การพิมพ์ / ใน Excel อาจเปิดเมนูแทน จึงควรเลือกจากลูกศร)",
            f"• งบประมาณ: พิมพ์จำนวนเงินเป็นตัวเลขอารบิก เช่น 10000 ระบบจะแสดงเป็น ๑๐,๐๐๐ ให้เอง "
            f"ถ้าไม่ใช้เงิน ให้พิมพ์คำว่า {NO_BUDGET}",
            "• เมื่อเริ่มกรอกแถวใดแล้ว ช่องที่ต้องกรอกแต่ยังว่างจะเป็นสีแดง จนกว่าจะกรอกครบ",
            "• แถวไม่พอ: คลิกขวาที่หมายเลขแถวในตาราง แล้วเลือก \"แทรก\" (Insert) "
            "แถวใหม่จะมีลูกศรและคำแนะนำเหมือนแถวอื่น",
            "• แผ่นงานถูกป้องกันไว้ไม่ให้แก้หัวตารางโดยไม่ตั้งใจ (ไม่มีรหัสผ่าน) ถ้าจำเป็นต้องแก้ "
            "ใน Excel เลือก รีวิว > ยกเลิกการป้องกันแผ่นงาน ใน LibreOffice เลือก เครื่องมือ > ป้องกันแผ่นงาน",
        ):
            line(text)

        heading("ความหมายของแต่ละช่อง")
        for column in TEMPLATE_COLUMNS:
            title, message = _guide(column, cfg.fiscal_year)
            if column.kind == form.MARK:
                if column.key != QUARTER_KEYS[0]:
                    continue  # the four quarters share one line
                title = f"{column.header} – {form.COLUMN_BY_KEY[QUARTER_KEYS[-1]].header}"
                message += " (เดือนของแต่ละไตรมาสอยู่ด้านล่าง)"
            must = "" if column.value_required or column.kind == form.MARK else " (ไม่บังคับ)"
            text = f"{title}{must}: {message}"
            ws.set_row(row, row_height([(text, width)], bold=True))  # measured all bold: never short
            ws.merge_range(row, 0, row, last_col, "", fmt.paragraph())
            ws.write_rich_string(row, 0, fmt.paragraph(bold=True), f"{title}{must}: ",
                                 fmt.paragraph(), message, fmt.paragraph())
            row += 1

        heading("ตัวอย่างการกรอก (แถวตัวอย่างนี้ไม่ถูกนำไปรวมในแผน)")
        _write_header(ws, fmt, row, width=self._width)
        row += 2
        self._example(ws, row)
        row += 1

        heading("มิติของแผนปฏิบัติการป้องกันการทุจริต")
        for d in DIMENSIONS:
            name = f"มิติที่ {to_thai_digits(d.number)} {d.name}: "
            text = name + DIMENSION_EXPLAINED[d.number]
            ws.set_row(row, row_height([(text, width)], bold=True))
            ws.merge_range(row, 0, row, last_col, "", fmt.paragraph())
            ws.write_rich_string(row, 0, fmt.paragraph(bold=True), name,
                                 fmt.paragraph(), DIMENSION_EXPLAINED[d.number], fmt.paragraph())
            row += 1

        heading("ไตรมาสของปีงบประมาณ (ปีงบประมาณเริ่ม ๑ ตุลาคม)")
        for key, months in zip(QUARTER_KEYS, quarter_months(cfg.fiscal_year)):
            line(f"{form.COLUMN_BY_KEY[key].header} = {months}")
        line(f"ใส่ {QUARTER_MARK} ในทุกไตรมาสที่โครงการดำเนินการ เช่น โครงการที่ทำตลอดปีใส่ทั้ง ๔ ไตรมาส")

        a4_landscape(ws, font=cfg.font)
        ws.print_area(0, 0, row - 1, last_col)
        ws.protect("", {"format_columns": True, "format_rows": True})

    def _example(self, ws: Worksheet, row: int) -> None:
        department = self.department or self.config.department_names[0]
        values = {
            "no": "๑.",
            "name": "โครงการปลูกจิตสำนึกการเป็นข้าราชการที่ดีแก่คณะผู้บริหาร สมาชิกสภา และพนักงาน",
            "unit": "คน", "quantity": 40, "budget": 10000, "dimension": dimension_choice(1),
            "indicator": "มีการจัดอบรมอย่างน้อย ๑ ครั้ง และผู้เข้าอบรมมีความรู้ความเข้าใจหลักคุณธรรม"
                         "จริยธรรม ไม่น้อยกว่าร้อยละ ๘๐",
            "outcome": "บุคลากรตระหนักและมีจิตสำนึกด้านคุณธรรมจริยธรรมในการต่อต้านการทุจริต",
            "q2": QUARTER_MARK, "department": department,
        }
        self._write_row(ws, row, values, locked=True)


def _write_header(ws: Worksheet, fmt: Formats, row: int, columns: Sequence[Column] = TEMPLATE_COLUMNS,
                  width: Callable[[Column], float] = _width) -> None:
    """The official two-row header: grouped columns under a merged group title, the others merged
    over both rows."""
    header = fmt.header()
    groups: dict[str, list[int]] = {}
    for i, column in enumerate(columns):
        if column.group is None:
            ws.merge_range(row, i, row + 1, i, column.header, header)
        else:
            ws.write_string(row + 1, i, column.header, header)
            groups.setdefault(column.group, []).append(i)
    for group, cols in groups.items():
        ws.merge_range(row, cols[0], row, cols[-1], group, header)
    top = row_height([(g, sum(width(columns[i]) for i in cols)) for g, cols in groups.items()], bold=True)
    bottom = row_height([(c.header, width(c)) for c in columns if c.group], bold=True)
    spanning = row_height([(c.header, width(c)) for c in columns if not c.group], bold=True)
    ws.set_row(row, top)
    ws.set_row(row + 1, max(bottom, spanning - top))


def write_template(path: str | Path, config: Config, department: str | None = None, *,
                   rows: int = DEFAULT_ROWS, prefill: Sequence[dict[str, object]] = (),
                   generated: dt.datetime | None = None) -> Layout:
    """Write one department's template (None: a blank form for any department) to `path`.

    `prefill` rows (cell values by column key, see `project_cells`) fill the first input rows;
    there are `rows` input rows, and at least SPARE_ROWS empty ones under pre-filled rows."""
    if rows < 1:
        raise TemplateError(f"จำนวนแถวต้องมากกว่า 0 / rows must be at least 1 (got {rows})")
    generated = generated or dt.datetime.now().astimezone().replace(microsecond=0)
    with atomic_path(path) as tmp:
        writer = _Writer(tmp, config, department, rows, prefill, generated)
        layout = dataclasses.replace(writer.write(), tall_rows=tuple(writer.tall_rows))
    return layout


def project_cells(project: Project, blank: Collection[str] = ()) -> dict[str, object]:
    """A project as a clerk fills it in the template (dropdown texts, / marks); `blank` columns
    are left empty, for the clerk to fill again."""
    values: dict[str, object] = {
        "name": project.name, "unit": project.unit, "quantity": project.quantity,
        "budget": NO_BUDGET if project.budget is None else project.budget,
        "dimension": dimension_choice(project.dimension) if 1 <= project.dimension <= 4 else "",
        "indicator": project.indicator, "outcome": project.outcome,
        **{k: QUARTER_MARK if on else "" for k, on in zip(QUARTER_KEYS, project.quarters)},
        "department": project.department,
        "type": project.type, "target_group": project.target_group, "objective": project.objective,
    }
    return {k: v for k, v in values.items() if k not in blank}


@dataclass
class Rollover:
    """Last year's plan, ready to pre-fill this year's templates."""

    rows: dict[str, list[dict[str, object]]]  # configured department → pre-filled rows
    unmatched: list[Project]  # projects whose department is none of the configured ones
    report: Report  # what reading last year's file found

    def unmatched_note(self) -> str:
        """What was left out, Thai then English ("" when every project found its department)."""
        if not self.unmatched:
            return ""
        counts: dict[str, int] = {}
        for project in self.unmatched:
            counts[project.department or "(ว่าง)"] = counts.get(project.department or "(ว่าง)", 0) + 1
        listed = ", ".join(f"{name} ({n})" for name, n in counts.items())
        return (f"! {len(self.unmatched)} โครงการของปีก่อนไม่ตรงกับหน่วยงานใดใน plan.toml จึงไม่ได้ใส่: "
                f"{listed} — เพิ่มชื่อเหล่านี้เป็น aliases ของหน่วยงาน\n"
                f"  {len(self.unmatched)} of last year's projects match no configured department "
                f"and were left out; add these names as aliases")


def read_previous(path: str | Path, config: Config) -> Rollover:
    """Read last year's master (or any plan laid out like the form) for `--from`.

    Projects with errors are kept with their faulty cells left empty: the clerk fills them again
    (and the template marks them red)."""
    from .validate import validate_files

    # Last year's file is of another fiscal year by definition: no wrong-template for that.
    result = validate_files([path], dataclasses.replace(config, fiscal_year=None), keep_invalid=True,
                            accept_master=True)
    faulty: dict[tuple[str | None, int | None], set[str]] = {}
    for problem in result.report.all_problems():
        if problem.is_error and problem.column:
            faulty.setdefault((problem.sheet, problem.row), set()).add(problem.column)
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in config.department_names}
    unmatched = []
    for project in result.plan.projects:
        name = config.match_department(project.department)
        if name is None:
            unmatched.append(project)
            continue
        src = project.source
        blank = faulty.get((src.sheet, src.row), set()) if src else set()
        # The configured spelling, so that the pre-filled cell matches its dropdown.
        rows[name].append(project_cells(dataclasses.replace(project, department=name), blank))
    return Rollover(rows, unmatched, result.report)
