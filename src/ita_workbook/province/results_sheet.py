"""`สรุปรายงานผล`: the organisations' result reports as e-PlanNACC's province table.

ลำดับที่ | อปท. | จำนวนโครงการ | ระหว่างดำเนินการ | ดำเนินการแล้วเสร็จ | ไม่สามารถดำเนินการได้ |
ผลการนำแผนไปสู่การปฏิบัติ, the score coloured with the round's thresholds (report_form.light), then
what e-PlanNACC leaves out: ยังไม่ดำเนินการ, รอรายงานผล, the money and % disbursed. One row per
organisation whose plan came (its report's figures, or `ยังไม่ได้รับรายงานผล`), then the reports
without a plan and those not counted; under the table, the organisations whose report did not come.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..output import readable
from ..report_form import (DONE, IN_PROGRESS, LIGHT_FILL, LIGHT_THAI, LIGHTS, NOT_REPORTED, NOT_STARTED,
                           STATUS_WEIGHT, Summary, period_line, title)
from ..thai import thai_date, thai_number, to_thai_digits
from .model import RESULTS_SHEET, SUMMARY_SIZE, OrgPlan
from .reports import OrgReport, disbursed_share

if TYPE_CHECKING:
    from .result import ProvinceResult

# (header, width, key of report_form.Summary or another value of the row)
RESULTS_COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("ลำดับที่", 6, "no"), ("อปท.", 30, "organisation"), ("อำเภอ", 12, "district"),
    ("จำนวนโครงการ", 9, "projects"), ("ระหว่างดำเนินการ", 10, "in_progress"), ("ดำเนินการแล้วเสร็จ", 10, "done"),
    ("ไม่สามารถดำเนินการได้", 11, "cannot"), ("ผลการนำแผนไปสู่การปฏิบัติ", 12, "score"), ("ระดับ", 7, "light"),
    (NOT_STARTED, 10, "not_started"), (NOT_REPORTED, 9, "not_reported"),
    ("งบประมาณตามข้อบัญญัติ (บาท)", 13, "budget_ordinance"), ("เบิกจ่าย (บาท)", 13, "disbursed"),
    ("ร้อยละการเบิกจ่าย", 9, "share"), ("หมายเหตุ", 24, "note"), ("ไฟล์", 22, "file"),
)
_AT = {key: i for i, (_, _, key) in enumerate(RESULTS_COLUMNS)}
_LAST = len(RESULTS_COLUMNS) - 1
_COUNTS = ("projects", "in_progress", "done", "cannot", "not_started", "not_reported")
_MONEY = ("budget_ordinance", "disbursed")
MISSING_TEXT = "ยังไม่ได้รับรายงานผล"
MISSING_FILL = "#EDEDED"
NOTE_TEXT = {"passed": "ผ่าน", "warnings": "มีคำเตือน", "errors": "มีข้อผิดพลาด", "unreadable": "อ่านไม่ได้",
             "left-out": "ไม่นับรวม (ดูแผ่นงานปัญหา)"}


def results_rows(result: ProvinceResult) -> list[tuple[OrgPlan | None, OrgReport | None]]:
    """(plan, report) per row: every organisation whose plan came, then the reports without one."""
    rows: list[tuple[OrgPlan | None, OrgReport | None]] = [(p, result.report_of(p)) for p in result.counted]
    return rows + [(None, r) for r in result.reports if not r.plan]


def _note(plan: OrgPlan | None, report: OrgReport | None) -> str:
    if report is None:
        return MISSING_TEXT
    parts = [NOTE_TEXT[report.status]]
    if plan is None and report.counted and report.read_as:
        parts.append("ไม่ได้รับแผนของหน่วยงานนี้")
    return " · ".join(parts)


def write_results_sheet(workbook, styles, result: ProvinceResult, as_of: dt.date) -> None:
    from pathlib import Path

    from xlsxwriter.utility import xl_col_to_name

    from ..master import BLANK, THAI_DECIMAL, THAI_NUMBER, header_text
    from ..xlsx_style import THAI_INTEGER, a4_landscape, lines_height, row_height

    ws = workbook.add_worksheet(RESULTS_SHEET)
    size = SUMMARY_SIZE
    round_ = result.round or 6
    widths = [w for _, w, _ in RESULTS_COLUMNS]
    full = sum(widths)
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    place = f"ในจังหวัด{result.province}" if result.province else ""
    titles = [f"สรุป{title(round_, result.fiscal_year)}", period_line(round_, result.fiscal_year),
              f"องค์กรปกครองส่วนท้องถิ่น{place} ส่งรายงานผล {thai_number(len(result.counted_reports))} แห่ง "
              f"จากที่ส่งแผน {thai_number(len(result.counted))} แห่ง",
              f"ข้อมูล ณ วันที่ {thai_date(as_of)}"]
    for row, text in enumerate(titles):
        fmt = styles.title(font_size=size + 2 if row == 0 else size, border=0)
        ws.merge_range(row, 0, row, _LAST, None, fmt)
        ws.write_string(row, 0, text, fmt)
        ws.set_row(row, row_height([(text, full)], size + 2))
    top = len(titles) + 1
    height = lines_height(1, size)
    for i, (name, width, _) in enumerate(RESULTS_COLUMNS):
        shown, at = header_text(name, width)
        ws.write_string(top, i, shown, styles.header(font_size=at))
        height = max(height, lines_height(shown.count("\n") + 1, at))
    ws.set_row(top, height)

    text = styles.cell("left")
    number = styles.cell("center", num_format=THAI_NUMBER)
    counts = styles.cell("center", num_format=THAI_INTEGER)
    amount = styles.cell("right", num_format=THAI_INTEGER)
    score_fmt = {colour: styles.cell("center", num_format=THAI_DECIMAL, bg_color=fill)
                 for colour, fill in LIGHT_FILL.items()}
    light_fmt = {colour: styles.cell("center", bg_color=fill) for colour, fill in LIGHT_FILL.items()}
    share_fmt = styles.cell("center", num_format=THAI_DECIMAL)
    blank = styles.cell("center")
    green, orange = LIGHTS[round_]
    first = top + 1
    row = first
    for i, (plan, report) in enumerate(results_rows(result), start=1):
        org = plan or report
        r = row + 1
        ws.write_number(row, _AT["no"], i, number)
        ws.write_string(row, _AT["organisation"], org.organisation or BLANK, text)
        ws.write_string(row, _AT["district"], result.place(org), text)
        s = report.summary if report is not None and report.counted else None
        if s is not None:
            for key in _COUNTS:
                ws.write_number(row, _AT[key], getattr(s, key), counts)
            for key in _MONEY:
                ws.write_number(row, _AT[key], getattr(s, key), amount)
            _score(ws, row, s, score_fmt[s.light], light_fmt[s.light])
            share = disbursed_share(s)
            ws.write_formula(row, _AT["share"], _share_formula(r), share_fmt, share if share is not None else "")
        else:
            for key in (*_COUNTS, *_MONEY, "score", "light", "share"):
                ws.write_blank(row, _AT[key], None, blank)
        note = _note(plan, report)
        fill = MISSING_FILL if report is None else None
        ws.write_string(row, _AT["note"], note, styles.cell("left", bg_color=fill) if fill else text)
        name = readable(Path(report.path).name) if report is not None else ""
        ws.write_string(row, _AT["file"], name, text)
        ws.set_row(row, row_height([(org.organisation, widths[_AT["organisation"]]),
                                    (result.place(org), widths[_AT["district"]]),
                                    (note, widths[_AT["note"]]), (name, widths[_AT["file"]])], size))
        row += 1
    last = row - 1
    total = result.report_total
    bold = styles.cell("center", bold=True)
    label = f"รวม {thai_number(len(result.counted_reports))} แห่ง"
    ws.merge_range(row, 0, row, _AT["district"], None, bold)
    ws.write_string(row, 0, label, bold)
    for key in (*_COUNTS, *_MONEY):
        letter = xl_col_to_name(_AT[key])
        fmt = styles.cell("right" if key in _MONEY else "center", bold=True, num_format=THAI_INTEGER)
        if last >= first:
            ws.write_formula(row, _AT[key], f"=SUM({letter}{first + 1}:{letter}{last + 1})", fmt, getattr(total, key))
        else:
            ws.write_number(row, _AT[key], getattr(total, key), fmt)
    colour = total.light
    _score(ws, row, total, styles.cell("center", bold=True, num_format=THAI_DECIMAL, bg_color=LIGHT_FILL[colour]),
           styles.cell("center", bold=True, bg_color=LIGHT_FILL[colour]))
    share = disbursed_share(total)
    ws.write_formula(row, _AT["share"], _share_formula(row + 1), styles.cell("center", bold=True, num_format=THAI_DECIMAL),
                     share if share is not None else "")
    for key in ("note", "file"):
        ws.write_blank(row, _AT[key], None, blank)
    ws.set_row(row, row_height([(label, sum(widths[:3]))], size))
    # The fill follows the score when a figure is edited: one rule per colour over the column.
    score_col = xl_col_to_name(_AT["score"])
    cells = f"{score_col}{first + 1}:{score_col}{row + 1}"
    at = f"${score_col}{first + 1}"
    for colour, rule in (("green", f">={green}"), ("orange", f">={orange}"), ("red", f"<{orange}")):
        ws.conditional_format(cells, {"type": "formula", "criteria": f"=AND(ISNUMBER({at}),{at}{rule})",
                                      "format": workbook.add_format({"bg_color": LIGHT_FILL[colour]}),
                                      "stop_if_true": True})

    row += 2
    criteria = (f"ผลการนำแผนไปสู่การปฏิบัติ = (แล้วเสร็จ × ๑ + อยู่ระหว่างดำเนินการ × ๐.๕) ÷ จำนวนโครงการทั้งหมด × ๑๐๐ "
                f"เกณฑ์รอบ {to_thai_digits(round_)} เดือน: {LIGHT_THAI['green']} ≥ {to_thai_digits(int(green))} "
                f"{LIGHT_THAI['orange']} ≥ {to_thai_digits(int(orange))} {LIGHT_THAI['red']} ต่ำกว่า "
                f"{to_thai_digits(int(orange))} ตัวเลขนับใหม่จากแถวข้อมูลของรายงานแต่ละฉบับ")
    ws.merge_range(row, 0, row, _LAST, None, styles.paragraph())
    ws.write_string(row, 0, criteria, styles.paragraph())
    ws.set_row(row, row_height([(criteria, full)], size))
    row += 2
    missing = result.reports_missing
    heading = f"หน่วยงานที่ส่งแผนแล้วแต่ยังไม่ส่งรายงานผล {thai_number(len(missing))} แห่ง"
    ws.merge_range(row, 0, row, _LAST, None, styles.paragraph(bold=True))
    ws.write_string(row, 0, heading, styles.paragraph(bold=True))
    ws.set_row(row, row_height([(heading, full)], size))
    for i, plan in enumerate(missing, start=1):
        row += 1
        ws.write_number(row, 0, i, number)
        ws.write_string(row, 1, plan.organisation, text)
        ws.write_string(row, 2, result.place(plan), text)
        ws.set_row(row, row_height([(plan.organisation, widths[1]), (result.place(plan), widths[2])], size))
    a4_landscape(ws, repeat_rows=(top, top), font=styles.font)
    ws.hide_gridlines(2)
    ws.freeze_panes(top + 1, 2)


def _score(ws, row: int, s: Summary, score_fmt, light_fmt) -> None:
    """The score as a live formula of the row's counts, and its colour's name beside it."""
    r = row + 1
    green, orange = LIGHTS[s.round]
    col = {key: _letter(key) for key in ("projects", "done", "in_progress", "score")}
    ws.write_formula(row, _AT["score"],
                     f"=IF({col['projects']}{r}=0,0,({col['done']}{r}*{STATUS_WEIGHT[DONE]}+{col['in_progress']}{r}"
                     f"*{STATUS_WEIGHT[IN_PROGRESS]})/{col['projects']}{r}*100)", score_fmt, s.score)
    ws.write_formula(row, _AT["light"], f'=IF({col["score"]}{r}>={green},"{LIGHT_THAI["green"]}",'
                                        f'IF({col["score"]}{r}>={orange},"{LIGHT_THAI["orange"]}","{LIGHT_THAI["red"]}"))',
                     light_fmt, LIGHT_THAI[s.light])


def _share_formula(r: int) -> str:
    ordinance, disbursed = _letter("budget_ordinance"), _letter("disbursed")
    return f'=IF(N({ordinance}{r})=0,"",{disbursed}{r}/{ordinance}{r}*100)'


def _letter(key: str) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(_AT[key])
