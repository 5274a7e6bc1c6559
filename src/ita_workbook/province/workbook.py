"""The province workbook: `สรุปจังหวัด` (the summary), `แผนภูมิ` (charts), `ปัญหา` (problems) and the
hidden details; `ข้อมูลรวม` is datasheet.py's."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import form
from ..config import DEFAULT_FONT
from ..output import readable
from ..problems import ERROR
from ..thai import thai_date, thai_number, to_thai_digits
from .datasheet import DATA_SHEET, _DATA_INDEX, _data_sheet, _stream_data_rows
from .model import CHART_SHEET, KIND, PROBLEMS_SHEET, SUMMARY_SHEET, SUMMARY_SIZE, OrgPlan
from .result import ProvinceResult, _position
from .results_sheet import write_results_sheet

# The summary's remarks, in plain words: how the plan was read and where its organisation's name came from.
NAME_FROM = {"metadata": "ชื่อหน่วยงานนำมาจากข้อมูลในแผนรวม", "title": "ชื่อหน่วยงานนำมาจากหัวเรื่องของแผน",
             "file-name": "ชื่อหน่วยงานนำมาจากชื่อไฟล์ ควรตรวจสอบ"}
READ_AS = {"master": "แผนรวมที่สร้างด้วยโปรแกรม", "form": "แผนที่จัดทำเอง (อ่านจากตาราง)"}

# (header, width) of the summary's columns; the two groups get a header row of their own above.
_DIMENSION_GROUP = "จำนวนโครงการตามมิติ"
_QUARTER_GROUP = "จำนวนโครงการรายไตรมาส"
SUMMARY_COLUMNS: tuple[tuple[str, float, str | None], ...] = (
    ("ที่", 5, None), ("องค์กรปกครองส่วนท้องถิ่น", 34, None), ("อำเภอ", 13, None), ("จำนวนโครงการ", 9.5, None),
    *((f"มิติ {to_thai_digits(d.number)}", 6, _DIMENSION_GROUP) for d in form.DIMENSIONS),
    *((f"ไตรมาส {form.THAI_QUARTER_DIGITS[i]}", 9, _QUARTER_GROUP) for i in range(4)),
    ("งบประมาณ (บาท)", 14, None), ("ข้อ ผิดพลาด", 9, None), ("คำเตือน", 8.5, None), ("หมายเหตุ", 26, None),
    ("ไฟล์", 24, None),
)
_COL = {name: i for i, (name, _, _) in enumerate(SUMMARY_COLUMNS)}
_FIRST_COUNT, _BUDGET, _ERRORS, _WARNINGS, _NOTE, _FILE = 3, 12, 13, 14, 15, 16
_LAST = len(SUMMARY_COLUMNS) - 1
STATUS_TEXT = {"passed": "ผ่าน", "warnings": "มีคำเตือน", "errors": "มีข้อผิดพลาด", "unreadable": "อ่านไม่ได้",
               "left-out": "ไม่ใช่แผนของหน่วยงาน ไม่นับรวม"}
STATUS_FILL = {"passed": "#E2EFDA", "warnings": "#FFF2CC", "errors": "#F8CBAD", "unreadable": "#F8CBAD",
               "left-out": "#EDEDED"}


PROBLEM_COLUMNS = (("ที่", 6), ("องค์กรปกครองส่วนท้องถิ่น", 28), ("อำเภอ", 12), ("ระดับ", 12), ("ปัญหา", 60),
                   ("แผ่นงาน", 14), ("เซลล์", 8), ("รหัส", 24), ("Problem (English)", 50), ("ไฟล์", 26))


def write_province(result: ProvinceResult, target: str | Path, as_of: dt.date, *,
                   summary_only: bool = False, font: str = DEFAULT_FONT) -> None:
    """The province workbook at `target` (callers make that path atomic), its text in `font` (the
    PDF's: Sarabun, pdf.print_font), rows as tall as that font needs."""
    import xlsxwriter

    from ..master import workbook_options
    from ..xlsx_style import Formats, measuring

    target = Path(target)
    with tempfile.TemporaryDirectory(prefix=".ita-province-", dir=target.parent) as folder:
        plain = Path(folder) / "plain.xlsx"
        workbook = xlsxwriter.Workbook(str(plain), workbook_options())
        data = None
        try:
            with measuring(font):
                styles = Formats(workbook, font, size=SUMMARY_SIZE)
                summary = _summary_sheet(workbook, styles, result, as_of)
                if result.reports:
                    write_results_sheet(workbook, styles, result, as_of)
                if not summary_only:
                    _chart_sheet(workbook, styles, result, summary)
                    _problems_sheet(workbook, styles, result)
                    data = _data_sheet(workbook, styles, result)
                _metadata_sheet(workbook, result, as_of)
        finally:
            workbook.close()
        if data is None or not data.rows:
            shutil.move(plain, target)
        else:
            _stream_data_rows(plain, target, data)


@dataclass
class _Summary:
    first_row: int  # 1-based rows of the organisations
    last_row: int
    totals_row: int


def _summary_sheet(workbook, styles, result: ProvinceResult, as_of: dt.date) -> _Summary:
    from xlsxwriter.utility import xl_col_to_name

    from ..master import BLANK, THAI_DECIMAL, THAI_NUMBER, header_text
    from ..xlsx_style import THAI_INTEGER, a4_landscape, lines_height, room, row_height, text_width

    ws = workbook.add_worksheet(SUMMARY_SHEET)
    ws.activate()
    size = SUMMARY_SIZE
    widths = [w for _, w, _ in SUMMARY_COLUMNS]
    # A district's name is one word (โพธิ์ประทับช้าง): LibreOffice would break it mid-syllable, so the
    # column is as wide as the widest name. (Rows were measured at the narrower width: never short.)
    district = _COL["อำเภอ"]
    widest = max((text_width(p.district, size) for p in result.plans if p.district), default=0.0)
    while room(widths[district]) < widest:
        widths[district] += 0.5
    full = sum(widths)
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    plans = result.plans
    counted = result.counted
    year = to_thai_digits(result.fiscal_year) if result.fiscal_year else BLANK
    titles = [f"สรุป{form.TITLE.format(year=year)}",
              f"องค์กรปกครองส่วนท้องถิ่น{'ในจังหวัด' + result.province if result.province else ''} "
              f"จำนวน {thai_number(len(counted))} แห่ง",
              form.DATA_AS_OF.format(date=thai_date(as_of)).lstrip("* ")]
    for row, text in enumerate(titles):
        ws.merge_range(row, 0, row, _LAST, None, styles.title(font_size=size + 2 if row == 0 else size, border=0))
        ws.write_string(row, 0, text, styles.title(font_size=size + 2 if row == 0 else size, border=0))
        ws.set_row(row, row_height([(text, full)], size + 2))
    top, bottom = len(titles) + 1, len(titles) + 2
    # Header words are broken only between words, and print smaller where a word is wider than its
    # column (master.header_text).
    groups: dict[str, list[int]] = {}
    top_height = both = below = lines_height(1, size)
    for i, (name, width, group) in enumerate(SUMMARY_COLUMNS):
        shown, at = header_text(name, width)
        head = styles.header(font_size=at)
        height = lines_height(shown.count("\n") + 1, at)
        if group:
            groups.setdefault(group, []).append(i)
            ws.write_string(bottom, i, shown, head)
            below = max(below, height)
        else:
            ws.merge_range(top, i, bottom, i, None, head)
            ws.write_string(top, i, shown, head)
            both = max(both, height)
    for group, cols in groups.items():
        shown, at = header_text(group, sum(widths[c] for c in cols))
        ws.merge_range(top, cols[0], top, cols[-1], None, styles.header(font_size=at))
        ws.write_string(top, cols[0], shown, styles.header(font_size=at))
        top_height = max(top_height, lines_height(shown.count("\n") + 1, at))
    # The merged headers span both rows: the bottom row takes what the group row leaves them.
    ws.set_row(top, top_height)
    ws.set_row(bottom, max(below, both - top_height))

    text = styles.cell("left")
    centred = styles.cell("center")
    number = styles.cell("center", num_format=THAI_NUMBER)
    counts = styles.cell("center", num_format=THAI_INTEGER)
    amount = styles.cell("right", num_format=THAI_INTEGER)
    cents = styles.cell("right", num_format=THAI_DECIMAL)
    row = bottom + 1
    first = row
    for i, plan in enumerate(plans, start=1):
        ws.write_number(row, 0, i, number)
        ws.write_string(row, 1, plan.organisation or BLANK, text)
        place = result.place(plan)
        ws.write_string(row, 2, place, text)
        if plan.read_as and plan.counted:
            tally = plan.tally
            # What the plan's layout does not carry is left blank, never shown as zeros (its note says why).
            lacking = [False, *(("dimension" in plan.lacks,) * 4), *(("q1" in plan.lacks,) * 4)]
            for col, (count, blank) in enumerate(zip((tally.projects, *tally.dimensions, *tally.quarters), lacking),
                                                 start=_FIRST_COUNT):
                if blank:
                    ws.write_blank(row, col, None, counts)
                else:
                    ws.write_number(row, col, count, counts)
            budget = tally.budget
            if "budget" in plan.lacks:
                ws.write_blank(row, _BUDGET, None, amount)
            else:
                ws.write_number(row, _BUDGET, budget, amount if float(budget).is_integer() else cents)
        else:
            for col in range(_FIRST_COUNT, _BUDGET + 1):
                ws.write_blank(row, col, None, centred)
        ws.write_number(row, _ERRORS, plan.errors, number)
        ws.write_number(row, _WARNINGS, plan.warnings, number)
        note = _note(plan)
        ws.write_string(row, _NOTE, note, styles.cell("left", bg_color=STATUS_FILL[plan.status]))
        name = readable(Path(plan.path).name)
        ws.write_string(row, _FILE, name, text)
        lines = (plan.lines if plan.lines[0] else _text_lines(plan))[result.several(plan)]
        ws.set_row(row, row_height([(note, widths[_NOTE])], size, min_lines=lines))
        row += 1
    last = row - 1
    label = f"รวม {thai_number(len(counted))} แห่ง"
    bold_number = styles.cell("center", num_format=THAI_INTEGER, bold=True)  # a province counts thousands
    ws.merge_range(row, 0, row, 2, None, styles.cell("center", bold=True))
    ws.write_string(row, 0, label, styles.cell("center", bold=True))
    total = result.total
    totals = [total.projects, *total.dimensions, *total.quarters, total.budget, result.errors, result.warnings]
    cols = [*range(_FIRST_COUNT, _BUDGET + 1), _ERRORS, _WARNINGS]
    for col, value in zip(cols, totals):
        fmt = bold_number
        if col == _BUDGET:
            fmt = styles.cell("right", bold=True, num_format=THAI_INTEGER if float(value).is_integer() else THAI_DECIMAL)
        if plans:
            letter = xl_col_to_name(col)
            ws.write_formula(row, col, f"=SUM({letter}{first + 1}:{letter}{last + 1})", fmt, value)
        else:
            ws.write_number(row, col, value, fmt)
    for col in (_NOTE, _FILE):
        ws.write_blank(row, col, None, centred)
    ws.set_row(row, row_height([(label, sum(widths[:3]))], size))
    note = (f"หมายเหตุ: รายละเอียดของข้อผิดพลาดและคำเตือนอยู่ในแผ่นงาน \"{PROBLEMS_SHEET}\" "
            f"รายการโครงการทั้งหมดอยู่ในแผ่นงาน \"{DATA_SHEET}\" โครงการที่ดำเนินการหลายไตรมาสนับในทุกไตรมาส "
            f"{result.totals_text()[0]}")
    ws.merge_range(row + 2, 0, row + 2, _LAST, None, styles.paragraph())
    ws.write_string(row + 2, 0, note, styles.paragraph())
    ws.set_row(row + 2, row_height([(note, full)], size))
    a4_landscape(ws, repeat_rows=(top, bottom), font=styles.font)
    ws.hide_gridlines(2)
    ws.freeze_panes(bottom + 1, 2)
    return _Summary(first + 1, last + 1, row + 1)


def _note(plan: OrgPlan) -> str:
    parts = [STATUS_TEXT[plan.status]]
    if plan.read_as:
        parts.append(READ_AS[plan.read_as])
    if plan.layout and plan.layout != form.LAYOUTS[-1].key:
        parts.append(form.LAYOUT_BY_KEY[plan.layout].thai)
    if plan.name_from and plan.name_from != "metadata":
        parts.append(NAME_FROM[plan.name_from])
    return " · ".join(parts)


def _chart_sheet(workbook, styles, result: ProvinceResult, summary: _Summary) -> None:
    """Projects and budget per มิติ (formulas on ข้อมูลรวม) and organisations by number of projects
    (formulas on the summary), each table with its chart."""
    from xlsxwriter.utility import xl_col_to_name

    from ..xlsx_style import THAI_INTEGER, a4_landscape, row_height

    ws = workbook.add_worksheet(CHART_SHEET)
    size = SUMMARY_SIZE
    head = styles.header()
    text = styles.cell("left")
    number = styles.cell("center", num_format=THAI_INTEGER)
    amount = styles.cell("right", num_format=THAI_INTEGER)
    ws.set_column(0, 0, 8)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 3, 16)
    ws.set_default_row(row_height([("ก", 10)], size))
    total = result.total
    last_data = max(total.projects, 1) + 1

    def data_range(key: str) -> str:
        letter = xl_col_to_name(_DATA_INDEX[key])
        return f"'{DATA_SHEET}'!${letter}$2:${letter}${last_data}"

    ws.write_row(0, 0, ("มิติ", "ชื่อมิติ", "จำนวนโครงการ", "งบประมาณ (บาท)"), head)
    ws.set_row(0, row_height([("งบประมาณ (บาท)", 16)], size))
    for i, d in enumerate(form.DIMENSIONS, start=1):
        name = f"มิติ {to_thai_digits(d.number)} {d.name}"
        ws.write_number(i, 0, d.number, number)
        ws.write_string(i, 1, name, text)
        ws.write_formula(i, 2, f"=COUNTIF({data_range('dimension')},{d.number})", number, total.dimensions[i - 1])
        ws.write_formula(i, 3, f"=SUMIF({data_range('dimension')},{d.number},{data_range('budget')})", amount,
                         total.dimension_budgets[i - 1])
        ws.set_row(i, row_height([(name, 40)], size))
    total_row = len(form.DIMENSIONS) + 1
    ws.write_string(total_row, 0, "", text)
    ws.write_string(total_row, 1, "รวม", styles.cell("left", bold=True))
    ws.write_formula(total_row, 2, f"=SUM(C2:C{total_row})", styles.cell("center", num_format=THAI_INTEGER,
                                                                          bold=True), total.projects)
    ws.write_formula(total_row, 3, f"=SUM(D2:D{total_row})", styles.cell("right", num_format=THAI_INTEGER,
                                                                         bold=True),
                     total.budget)
    # One page each: the projects per มิติ, the budget per มิติ, the organisations by their number of
    # projects (in bands of ten), each chart beside its table.
    _chart(workbook, ws, styles.font, "จำนวนโครงการตามมิติ", "มิติ", (1, total_row - 1), 0, 2, (0, 5))
    _chart(workbook, ws, styles.font, "งบประมาณตามมิติ (บาท)", "มิติ", (1, total_row - 1), 0, 3, (_CHART_PAGE, 1))
    start = 2 * _CHART_PAGE
    counts = [p.tally.projects for p in result.counted if p.read_as]
    bands = [(0, 0)] + [(low, low + 9) for low in range(1, max(counts, default=1) + 1, 10)]
    ws.write_row(start, 1, ("จำนวนโครงการในแผน", "จำนวนหน่วยงาน"), head)
    ws.set_row(start, row_height([("จำนวนหน่วยงาน", 16)], size))
    counts_range = f"'{SUMMARY_SHEET}'!$D${summary.first_row}:$D${max(summary.last_row, summary.first_row)}"
    for i, (low, high) in enumerate(bands, start=start + 1):
        label = to_thai_digits(f"{low}–{high}") if high > low else to_thai_digits(low)
        ws.write_string(i, 1, label, styles.cell("center"))
        found = sum(low <= c <= high for c in counts)
        ws.write_formula(i, 2, f'=COUNTIFS({counts_range},">={low}",{counts_range},"<={high}")', number, found)
    _chart(workbook, ws, styles.font, "จำนวนหน่วยงานตามจำนวนโครงการในแผน", "จำนวนโครงการในแผน",
           (start + 1, start + len(bands)), 1, 2, (start, 5))
    ws.set_h_pagebreaks([_CHART_PAGE, 2 * _CHART_PAGE])
    a4_landscape(ws, font=styles.font)


_CHART_PAGE = 14  # rows from one chart's page to the next: a 360-pixel chart and its table fit in them


def _chart(workbook, ws, font: str, title: str, categories: str, rows: tuple[int, int], category_col: int,
           value_col: int, anchor: tuple[int, int]) -> None:
    chart = workbook.add_chart({"type": "column"})
    chart.add_series({
        "name": title,
        "categories": [ws.name, rows[0], category_col, rows[1], category_col],
        "values": [ws.name, rows[0], value_col, rows[1], value_col],
        "data_labels": {"value": True, "num_format": "#,##0", "font": {"name": font, "size": 11}},
        "fill": {"color": "#4472C4"},
    })
    chart.set_title({"name": title, "name_font": {"name": font, "size": 16, "bold": True}})
    chart.set_legend({"none": True})
    chart.set_x_axis({"name": categories, "name_font": {"name": font, "size": 12, "bold": False},
                      "num_font": {"name": font, "size": 12}})
    chart.set_y_axis({"num_font": {"name": font, "size": 12}, "num_format": "#,##0",
                      "major_gridlines": {"visible": True}})
    chart.set_size({"width": 640, "height": 360})
    ws.insert_chart(anchor[0], anchor[1], chart)


def _problems_sheet(workbook, styles, result: ProvinceResult) -> None:
    from ..master import THAI_NUMBER
    from ..xlsx_style import a4_landscape, row_height

    ws = workbook.add_worksheet(PROBLEMS_SHEET)
    size = SUMMARY_SIZE
    widths = [w for _, w in PROBLEM_COLUMNS]
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    head = styles.header()
    ws.write_row(0, 0, [name for name, _ in PROBLEM_COLUMNS], head)
    ws.set_row(0, row_height([(name, w) for name, w in PROBLEM_COLUMNS], size))
    text = styles.cell("left")
    number = styles.cell("center", num_format=THAI_NUMBER)
    error_fmt = styles.cell("left", bg_color=STATUS_FILL["errors"])
    warning_fmt = styles.cell("left", bg_color=STATUS_FILL["warnings"])
    row = 1
    for plan in [*result.plans, *result.reports]:  # an OrgReport is listed as a plan is
        for problem in sorted(plan.problems, key=_position):
            where = problem.sheet or ""
            ws.write_number(row, 0, row, number)
            ws.write_string(row, 1, plan.organisation, text)
            ws.write_string(row, 2, result.place(plan), text)
            is_error = problem.severity == ERROR
            ws.write_string(row, 3, "ข้อผิดพลาด" if is_error else "คำเตือน", error_fmt if is_error else warning_fmt)
            ws.write_string(row, 4, problem.message, text)
            ws.write_string(row, 5, where, text)
            ws.write_string(row, 6, problem.cell or "", text)
            ws.write_string(row, 7, problem.code, text)
            ws.write_string(row, 8, problem.message_en, text)
            name = readable(Path(plan.path).name)
            ws.write_string(row, 9, name, text)
            ws.set_row(row, row_height([(plan.organisation, widths[1]), (problem.message, widths[4]),
                                        (problem.message_en, widths[8]), (name, widths[9])], size))
            row += 1
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(row - 1, 1), len(PROBLEM_COLUMNS) - 1)
    a4_landscape(ws, repeat_rows=(0, 0), font=styles.font)


def _metadata_sheet(workbook, result: ProvinceResult, as_of: dt.date) -> None:
    from .. import __version__

    counted = result.counted
    values = {
        "kind": KIND, "form_version": form.FORM_VERSION, "province": result.province,
        "fiscal_year": str(result.fiscal_year or ""), "data_as_of": as_of.isoformat(),
        "generated": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "generator": f"ita-workbook {__version__}", "files": str(len(result.plans)),
        "organisations": str(len(counted)), "projects": str(result.projects),
        "budget_total": f"{result.total.budget:.2f}",
        **({"round": str(result.round), "reports": str(len(result.counted_reports))} if result.reports else {}),
    }
    ws = workbook.add_worksheet(form.METADATA_SHEET)
    for row, (key, value) in enumerate(values.items()):
        ws.write_string(row, 0, key)
        ws.write_string(row, 1, value)
    ws.hide()


def _text_lines(plan: OrgPlan) -> tuple[int, int]:
    """Lines the plan's name, file and อำเภอ take on the summary: with the อำเภอ alone, and with
    its จังหวัด (shown when the plans are of several)."""
    from ..xlsx_style import line_count, room, text_width

    def lines(text: str, col: int) -> int:
        width = SUMMARY_COLUMNS[col][1]
        # Most names fit on one line, which their width says at once; cutting Thai into words is slow.
        if "\n" not in text and text_width(text, SUMMARY_SIZE) <= 0.99 * room(width):
            return 1
        return line_count(text, width, SUMMARY_SIZE)

    own = max(lines(plan.organisation, 1), lines(readable(Path(plan.path).name), _FILE))
    return (max(own, lines(plan.district, 2)), max(own, lines(f"{plan.district} จ.{plan.province}".strip(), 2)))
