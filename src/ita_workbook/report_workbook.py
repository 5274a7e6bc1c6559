"""The result report workbook, written with the master's official-sheet pieces.

Sheets, in order:

- ``รายงานผล`` — the report as published: title, round and its dates, organisation, อำเภอ จังหวัด; the
  two-row header (repeated on every printed page); one row per project grouped by มิติ; a totals row
  of live formulas with their values; the date, the issuer and a signature block.
- ``สรุป`` — per มิติ and รวม ๔ มิติ: projects, budgets, % disbursed, projects per status and
  รอรายงานผล, the score (ผลการนำแผนไปสู่การปฏิบัติ) and the round's colour; live formulas on the data
  sheet with their values; a chart of the statuses.
- ``ปัญหาอุปสรรค`` — the problems, obstacles and suggestions of every project.
- ``e-PlanNACC`` — one row per project in e-PlanNACC's field order, to key in.
- ``ข้อมูล`` — one plain row per project with the cell it was read from (DATA_COLUMNS: add columns at
  the end, never rename).
- ``_ita_workbook`` (hidden) — kind=report, round, organisation, fiscal year and the summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from . import __version__, eplan
from . import form
from .config import DEFAULT_FONT
from . import master
from .master import (FONT_SIZE, MARGINS, THAI_DECIMAL, TITLE_SIZE, _chart,
                     _header, _merged_text, _write_value, lines_height, row_height, workbook_options)
from .report_form import (CANNOT, DONE, IN_PROGRESS, LIGHT_FILL, LIGHT_THAI, LIGHTS, NOT_REPORTED,
                          NOT_STARTED, OFFICIAL_COLUMNS, OTHER_REASON, STATUS_WEIGHT, period_line, project_type,
                          report_form, title)
from .thai import thai_date, to_thai_digits
from .xlsx_style import (ARIAL_COLUMNS, THAI_INTEGER, FittedRows, Formats, a4_landscape, text_width,
                         unbroken_widths, write_details, write_table)
from .xlsx_style import measuring

REPORT_SHEET = "รายงานผล"
SUMMARY_SHEET = "สรุป"
PROBLEMS_SHEET = "ปัญหาอุปสรรค"
EPLAN_SHEET = "e-PlanNACC"
DATA_SHEET = "ข้อมูล"
KIND = "report"
BLANK = "........................"
DRAFT_FILL = "#F8CBAD"
AWAITED_FILL = "#FFF2CC"  # a project nobody reported
THAI_PERCENT = '[$-D00041E]0.00'

DATA_COLUMNS = ("no", "report_row", "dimension", "type", "name", "department", "q1", "q2", "q3", "q4", "budget",
                "no_budget", "in_ordinance", "budget_ordinance", "disbursed", "status", "reason", "reason_other",
                "period", "output", "result", "problems", "suggestions", "remark", "source_file", "source_sheet",
                "source_row", "source_cell", "has_errors", "found")
# What the data sheet's header shows and prints; its cells keep the keys above, which programs read.
DATA_HEADERS = {
    **{key: header for key, header in master.DATA_HEADERS.items() if key in DATA_COLUMNS},
    **{c.key: c.header for c in report_form(12).columns if c.key in DATA_COLUMNS},
    "no": "ที่", "report_row": "แถวในรายงาน", "dimension": "มิติ", "name": "แผนงาน/โครงการ/กิจกรรม",
    "department": "หน่วยงานรับผิดชอบ", "budget": "งบประมาณตามแผน (บาท)", "found": "ปัญหาที่พบ",
}
STATUS_ORDER = (DONE, IN_PROGRESS, CANNOT, NOT_STARTED, NOT_REPORTED)


@dataclass
class Heading(master.Heading):
    """The master's heading, and the round and the signature block of a report."""
    round: int = 6
    signatures: bool = True  # the ผู้รายงาน / ผู้บริหารท้องถิ่นรับทราบ block under the report


def write_report_workbook(result, target: str | Path, heading: Heading, *, font: str = DEFAULT_FONT,
                          form_only: bool = False) -> dict[str, int]:
    """Write the report workbook of `result` (report.RoundReport) to `target` (callers make the path
    atomic); returns the sheet rows of each project number on the report sheet."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(target), workbook_options())
    try:
        with measuring(font):  # rows as tall as text in `font` needs (the PDF's Sarabun: tighter)
            styles = Formats(workbook, font, FONT_SIZE)
            rows = _report_sheet(workbook, styles, result, heading, for_print=form_only)
            if not form_only:
                _summary_sheet(workbook, styles, result, heading)
                _problems_sheet(workbook, styles, result)
                _eplan_sheet(workbook, styles, result)
                _data_sheet(workbook, styles, result, rows)
            _metadata_sheet(workbook, result, heading)
    finally:
        workbook.close()
    return rows


# --- the report sheet ------------------------------------------------------------------------------

_INDEX = {c.key: i for i, c in enumerate(OFFICIAL_COLUMNS)}
_LAST = len(OFFICIAL_COLUMNS) - 1


def _column_widths(result) -> list[float]:
    """The sheet's widths, widened where an amount would not fit (Excel shows ### then) or a word of a
    header would be broken, as on the master."""
    widths = [c.width for c in OFFICIAL_COLUMNS]
    summary = result.summary()
    amounts = {"budget": [summary.budget_plan], "budget_ordinance": [summary.budget_ordinance],
               "disbursed": [summary.disbursed]}
    # The short texts' longest word, as on the master: narrower, the column broke ไม่ใช้งบ|ประมาณ.
    shown = [_shown(entry) for entry in result.entries]
    words = {key: master.longest_word({str(s[key]) for s in shown if isinstance(s[key], str)}, widths[_INDEX[key]])
             + (master.INDENT * ARIAL_COLUMNS.per_width if OFFICIAL_COLUMNS[_INDEX[key]].kind == form.TEXT else 0)
             for key in ("department", "budget", "status")}
    for i, column in enumerate(OFFICIAL_COLUMNS):
        needed = [*unbroken_widths(column.header, FONT_SIZE, bold=True), words.get(column.key, 0.0),
                  *(text_width(to_thai_digits(f"{a:,.0f}" if float(a).is_integer() else f"{a:,.2f}"), FONT_SIZE,
                               bold=True) for a in amounts.get(column.key, []))]
        while ARIAL_COLUMNS.room(widths[i]) < max(needed):
            widths[i] += 0.5
    return widths


def _status_text(entry) -> str:
    status = entry.status
    reason = entry.value("reason")
    if status == CANNOT and reason:
        other = entry.value("reason_other")
        status += f" ({other if reason == OTHER_REASON and other else reason})"
    return status


def _output_text(entry) -> str:
    parts = [entry.value("output"), entry.value("result")]
    if entry.value("result") and entry.value("output"):
        parts[1] = f"ผลลัพธ์: {parts[1]}"
    if entry.value("period"):
        parts.insert(0, f"({entry.value('period')})")
    return "\n".join(p for p in parts if p)


def _shown(entry, no_budget: str = form.NO_BUDGET) -> dict[str, object]:
    project = entry.project
    return {
        "no": entry.number, "name": project.name, "department": project.department,
        "budget": no_budget if project.budget is None else project.budget,
        "budget_ordinance": entry.value("budget_ordinance"), "disbursed": entry.value("disbursed"),
        "status": _status_text(entry), "output": _output_text(entry),
        "problems": entry.value("problems") or "", "suggestions": entry.value("suggestions") or "",
    }


def _title_lines(heading: Heading) -> list[str]:
    first = title(heading.round, heading.fiscal_year)
    if heading.draft:
        first += f" ({form.DRAFT_MARK})"
    return [first, period_line(heading.round, heading.fiscal_year), heading.organisation or BLANK,
            form.LOCATION.format(district=heading.district or BLANK, province=heading.province or BLANK)]


def _report_sheet(workbook, styles: Formats, result, heading: Heading, for_print: bool = False) -> dict[int, int]:
    ws = workbook.add_worksheet(REPORT_SHEET, worksheet_class=FittedRows)
    ws.activate()
    widths = _column_widths(result)
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    full = sum(widths)
    row = 0
    for text in _title_lines(heading):
        _merged_text(ws, row, 0, row, _LAST, text, styles.title(font_size=TITLE_SIZE, border=0))
        ws.set_row(row, row_height([(text, full)], TITLE_SIZE, bold=True))
        row += 1
    ws.set_row(row, 8)
    top = row + 1
    _header(ws, styles, top, top + 1, widths, OFFICIAL_COLUMNS)
    row = top + 2
    first_data = row
    rows: dict[int, int] = {}
    by_dimension: dict[int, list] = {}
    for entry in result.entries:
        by_dimension.setdefault(entry.project.dimension, []).append(entry)
    heading_fmt = styles.cell("left", bold=True, bg_color="#EDEDED")
    # Rows measured for this sheet's own columns, less the indent of left-aligned text (as the master's):
    # measured on the full widths, project ๑๘'s name was cut at its last line in the PDF.
    rooms = master.text_rooms(widths, OFFICIAL_COLUMNS)
    # ไม่ใช้งบประมาณ broken between its words, not at ICU's งบ|ประมาณ (as on the master)
    no_budget = master.between_words(form.NO_BUDGET, rooms[_INDEX["budget"]])
    for number in sorted(by_dimension):
        name = next((d.name for d in form.DIMENSIONS if d.number == number), "")
        text = f"มิติที่ {to_thai_digits(number)} {name}" if name else "ไม่ระบุมิติ"
        _merged_text(ws, row, 0, row, _LAST, text, heading_fmt)
        ws.set_row(row, row_height([(text, full)], bold=True))
        row += 1
        for entry in by_dimension[number]:
            shown = _shown(entry, no_budget)
            if for_print:  # short texts broken between words, as on the master's PDF
                shown.update({key: master.between_words(shown[key], rooms[_INDEX[key]])
                              for key in ("department", "status") if shown[key]})
            fill = ({"bg_color": DRAFT_FILL} if any(p.is_error for p in entry.problems)
                    else {"bg_color": AWAITED_FILL} if entry.status == NOT_REPORTED else {})
            for column in OFFICIAL_COLUMNS:
                value = shown[column.key]
                _write_value(ws, styles, row, _INDEX[column.key], value if value != "" else None, column, fill)
            texts = [(str(shown[c.key]), rooms[i]) for i, c in enumerate(OFFICIAL_COLUMNS)
                     if isinstance(shown[c.key], str) and shown[c.key]]
            ws.set_row(row, min(row_height(texts), 409.0))
            ws.refit.add(row)  # no merged cell: Excel fits it to TH SarabunPSK, LibreOffice keeps it
            rows[entry.number] = row + 1
            row += 1
    _totals(ws, styles, row, first_data, result, widths)
    row += 1
    _score(ws, styles, row, result.summary(), full)
    row += 2
    for text in (form.DATA_AS_OF.format(date=thai_date(heading.as_of)),
                 form.ISSUER.format(issuer=heading.issuer or BLANK)):
        _merged_text(ws, row, 0, row, _LAST, text, styles(text_wrap=True, align="left"))
        ws.set_row(row, row_height([(text, full)]))
        row += 1
    if heading.signatures:
        row = _signatures(ws, styles, row + 1, heading)
    a4_landscape(ws, repeat_rows=(top, top + 1), font=styles.font)
    ws.set_margins(**MARGINS)
    ws.print_area(0, 0, row, _LAST)
    if heading.draft:
        ws.set_header(f'&C&"{styles.font},Bold"&18&KFF0000{form.DRAFT_MARK}', {"margin": 0.25})
    ws.hide_gridlines(2)
    return rows


def _totals(ws, styles: Formats, row: int, first_data: int, result, widths: list[float]) -> None:
    """รวมทั้งสิ้น … โครงการ and the three amounts: live formulas with their values."""
    label = form.TOTALS_LABEL.format(count=to_thai_digits(len(result.entries)))
    bold = styles.cell("center", bold=True)
    _merged_text(ws, row, 0, row, _INDEX["budget"] - 1, label, bold)
    summary = result.summary()
    for key, value in (("budget", summary.budget_plan), ("budget_ordinance", summary.budget_ordinance),
                       ("disbursed", summary.disbursed)):
        col = _INDEX[key]
        letter = xl_col_to_name(col)
        number = styles.cell("center", bold=True,
                             num_format=THAI_INTEGER if float(value).is_integer() else THAI_DECIMAL)
        ws.write_formula(row, col, f"=SUM({letter}{first_data + 1}:{letter}{row})", number, value)
    for col in range(_INDEX["disbursed"] + 1, _LAST + 1):
        ws.write_blank(row, col, None, bold)
    ws.set_row(row, row_height([(label, sum(widths[:_INDEX["budget"]]))], bold=True))


def score_line(summary) -> str:
    """The round's score and its colour as the printed report states them (the summary sheet's figures)."""
    return (f"ผลการนำแผนไปสู่การปฏิบัติ ร้อยละ {to_thai_digits(f'{summary.score:.2f}')} ระดับ "
            f"{LIGHT_THAI[summary.light]} ({_criteria(summary.round)})")


def _criteria(round_: int) -> str:
    """The round's colours and the scores they start at."""
    green, orange = LIGHTS[round_]
    return (f"เกณฑ์รอบ {to_thai_digits(round_)} เดือน: เขียว ≥ {to_thai_digits(int(green))} ส้ม ≥ "
            f"{to_thai_digits(int(orange))} แดง ต่ำกว่า {to_thai_digits(int(orange))}")


def _score(ws, styles: Formats, row: int, summary, full: float) -> None:
    """Under the totals, on the printed page too: the score, on its colour's fill (it was on the
    summary sheet only, which the PDF leaves out)."""
    text = score_line(summary)
    _merged_text(ws, row, 0, row, _LAST, text,
                 styles.cell("left", bold=True, indent=1, bg_color=LIGHT_FILL[summary.light]))
    ws.set_row(row, row_height([(text, full - master.INDENT)], bold=True))


def _signatures(ws, styles: Formats, row: int, heading: Heading) -> int:
    """ผู้รายงาน on the left, ผู้บริหารท้องถิ่นรับทราบ on the right, each one cell of three lines so that a
    page never breaks inside it; returns the row used."""
    centre = styles(align="center", valign="top", text_wrap=True)
    reporter = "\n".join(("ลงชื่อ .................................................. ผู้รายงาน",
                          f"({heading.issuer})" if heading.issuer else "(..................................................)",
                          "ตำแหน่ง .................................................."))
    executive = "\n".join(("ผู้บริหารท้องถิ่นรับทราบ", "ลงชื่อ ..................................................",
                           "(..................................................)"))
    _merged_text(ws, row, 0, row, _INDEX["department"], reporter, centre)
    _merged_text(ws, row, _INDEX["status"], row, _INDEX["problems"], executive, centre)
    ws.set_row(row, lines_height(3))
    return row


# --- the summary sheet -----------------------------------------------------------------------------

SUMMARY_HEADERS = ("มิติ", "ชื่อมิติ", "จำนวนโครงการ", "งบประมาณตามแผน (บาท)", "งบประมาณตามข้อบัญญัติ (บาท)",
                   "เบิกจ่าย (บาท)", "ร้อยละการเบิกจ่าย", DONE, IN_PROGRESS, CANNOT, NOT_STARTED, NOT_REPORTED,
                   "ผลการนำแผนไปสู่การปฏิบัติ (ร้อยละ)")
SUMMARY_WIDTHS = (8, 38, 11, 14, 14, 13, 11, 12, 12, 13, 12, 11, 14)


def _data_range(key: str, rows: int) -> str:
    letter = xl_col_to_name(DATA_COLUMNS.index(key))
    return f"'{DATA_SHEET}'!${letter}$2:${letter}${max(rows, 1) + 1}"


def _summary_sheet(workbook, styles: Formats, result, heading: Heading) -> None:
    ws = workbook.add_worksheet(SUMMARY_SHEET)
    size = 14
    for col, width in enumerate(SUMMARY_WIDTHS):
        ws.set_column(col, col, width)
    text = f"สรุป{_title_lines(heading)[0]} {heading.organisation}".strip()
    _merged_text(ws, 0, 0, 0, len(SUMMARY_WIDTHS) - 1, text, styles.title(font_size=size + 2, border=0))
    ws.set_row(0, row_height([(text, sum(SUMMARY_WIDTHS))], size + 2, bold=True))
    head, cell = styles.header(font_size=size), styles.cell("left", font_size=size)
    number = styles.cell("center", font_size=size, num_format=THAI_INTEGER)
    top = 2
    for col, header in enumerate(SUMMARY_HEADERS):
        ws.write_string(top, col, header, head)
    ws.set_row(top, row_height([(h, w) for h, w in zip(SUMMARY_HEADERS, SUMMARY_WIDTHS)], size, bold=True))
    n = len(result.entries)
    rng = {key: _data_range(key, n) for key in ("dimension", "status", "budget", "budget_ordinance", "disbursed")}
    groups = [(f"มิติ {to_thai_digits(d.number)}", d.name, [e for e in result.entries if e.project.dimension == d.number],
               f"{rng['dimension']},{d.number}") for d in form.DIMENSIONS]
    row = top + 1
    for label, name, entries, where in groups:
        _summary_row(ws, row, label, name, entries, where, rng, styles, size)
        row += 1
    _summary_row(ws, row, "รวม", "รวม ๔ มิติ", result.entries, None, rng, styles, size, first=top + 2, last=row)
    row += 2

    summary = result.summary()
    green, orange = LIGHTS[heading.round]
    score_cell = xl_rowcol_to_cell(row - 2, len(SUMMARY_HEADERS) - 1)
    light_text = LIGHT_THAI[summary.light]
    lines = ["ผลการนำแผนไปสู่การปฏิบัติ = (แล้วเสร็จ × ๑ + อยู่ระหว่างดำเนินการ × ๐.๕) ÷ จำนวนโครงการทั้งหมด × ๑๐๐",
             _criteria(heading.round)]
    ws.write_string(row, 1, "ระดับ (สี) / light", styles.cell("left", font_size=size, bold=True))
    ws.write_formula(row, 2, f'=IF({score_cell}>={green},"{LIGHT_THAI["green"]}",IF({score_cell}>={orange},'
                             f'"{LIGHT_THAI["orange"]}","{LIGHT_THAI["red"]}"))',
                     styles.cell("center", font_size=size, bold=True, bg_color=LIGHT_FILL[summary.light]), light_text)
    for colour, thai in LIGHT_THAI.items():  # the fill follows the formula when the figures are edited
        ws.conditional_format(row, 2, row, 2, {"type": "cell", "criteria": "==", "value": f'"{thai}"',
                                               "format": workbook.add_format({"bg_color": LIGHT_FILL[colour]})})
    ws.set_row(row, row_height([("ก", 10)], size))
    row += 1
    for line in lines:
        _merged_text(ws, row, 0, row, 8, line, styles(font_size=size, italic=True, text_wrap=True))
        ws.set_row(row, row_height([(line, sum(SUMMARY_WIDTHS[:9]))], size))
        row += 1
    row += 1

    status_top = row
    _merged_text(ws, row, 0, row, 1, "สถานะ", head)
    ws.write_string(row, 2, "จำนวนโครงการ", head)
    ws.set_row(row, row_height([("จำนวนโครงการ", SUMMARY_WIDTHS[2])], size, bold=True))
    counts = {DONE: summary.done, IN_PROGRESS: summary.in_progress, CANNOT: summary.cannot,
              NOT_STARTED: summary.not_started, NOT_REPORTED: summary.not_reported}
    statuses = [s for s in STATUS_ORDER if s != NOT_STARTED or heading.round == 6]
    for status in statuses:
        row += 1
        _merged_text(ws, row, 0, row, 1, status, cell)
        ws.write_formula(row, 2, f'=COUNTIF({rng["status"]},"{status}")', number, counts[status])
        ws.set_row(row, row_height([("ก", 10)], size))
    chart_rows = max(len(statuses) + 1, 10)
    _chart(workbook, ws, styles.font, "column", "จำนวนโครงการตามสถานะ", status_top, row, 0, 2,
           lines_height(1, size) * chart_rows)
    a4_landscape(ws, font=styles.font)


def _summary_row(ws, row: int, label: str, name: str, entries: list, where: str | None, rng: dict, styles: Formats,
                 size: int, first: int = 0, last: int = 0) -> None:
    """One มิติ (COUNTIFS on the data sheet), or the total (`where` None: sums of the rows above)."""
    bold = where is None
    text = styles.cell("left", font_size=size, bold=bold)
    number = styles.cell("center", font_size=size, num_format=THAI_INTEGER, bold=bold)
    percent = styles.cell("center", font_size=size, num_format=THAI_PERCENT, bold=bold)
    ws.write_string(row, 0, label, styles.cell("center", font_size=size, bold=bold))
    ws.write_string(row, 1, name, text)
    counts = {s: sum(e.status == s for e in entries) for s in STATUS_ORDER}
    money = {key: sum((e.project.budget_value if key == "budget" else e.value(key) or 0.0) for e in entries)
             for key in ("budget", "budget_ordinance", "disbursed")}
    r = row + 1

    def total(col: int) -> str:
        letter = xl_col_to_name(col)
        return f"=SUM({letter}{first}:{letter}{last})"

    ws.write_formula(row, 2, total(2) if bold else f"=COUNTIF({where})", number, len(entries))
    for col, key in ((3, "budget"), (4, "budget_ordinance"), (5, "disbursed")):
        ws.write_formula(row, col, total(col) if bold else f"=SUMIF({where},{rng[key]})", number, money[key])
    share = money["disbursed"] / money["budget_ordinance"] * 100 if money["budget_ordinance"] else 0.0
    ws.write_formula(row, 6, f"=IF(E{r}=0,0,F{r}/E{r}*100)", percent, share)
    for col, status in zip(range(7, 12), STATUS_ORDER):
        formula = total(col) if bold else f'=COUNTIFS({where},{rng["status"]},"{status}")'
        ws.write_formula(row, col, formula, number, counts[status])
    score = ((counts[DONE] * STATUS_WEIGHT[DONE] + counts[IN_PROGRESS] * STATUS_WEIGHT[IN_PROGRESS])
             / len(entries) * 100) if entries else 0.0
    ws.write_formula(row, 12, f"=IF(C{r}=0,0,(H{r}+I{r}*{STATUS_WEIGHT[IN_PROGRESS]})/C{r}*100)", percent, score)
    ws.set_row(row, row_height([(name, SUMMARY_WIDTHS[1])], size))


# --- problems, e-PlanNACC, data --------------------------------------------------------------------

def _problems_sheet(workbook, styles: Formats, result) -> None:
    ws = workbook.add_worksheet(PROBLEMS_SHEET)
    rows = [[e.project.dimension, e.number, e.project.name, e.project.department, e.status,
             e.value("problems") or "", e.value("suggestions") or ""] for e in result.entries]
    write_table(ws, styles, ["มิติ", "ที่", "แผนงาน/โครงการ/กิจกรรม", "หน่วยงานรับผิดชอบ", "สถานะ", "ปัญหา/อุปสรรค",
                        "ข้อเสนอแนะ"], [6, 6, 40, 18, 18, 40, 40], rows)


def _eplan_sheet(workbook, styles: Formats, result) -> None:
    rows = [{**(e.values or {}), **eplan.project_fields(e.number, e.project), "status": e.status}
            for e in result.entries]
    eplan.write_sheet(workbook, styles, EPLAN_SHEET, eplan.REPORT_FIELDS, rows)


def _data_sheet(workbook, styles: Formats, result, report_rows: dict[int, int]) -> None:
    ws = workbook.add_worksheet(DATA_SHEET)
    plain = styles(font_size=12)
    master.data_header(ws, styles, DATA_COLUMNS, DATA_HEADERS, 12)  # as the master's data sheet
    for i, e in enumerate(result.entries, start=1):
        p, raw = e.project, e.source
        name_cell = raw.cells.get("name") if raw else None
        record = {**(e.values or {}), "no": e.number, "report_row": report_rows.get(e.number),
                  "dimension": p.dimension, "type": project_type(p.name), "name": p.name,
                  "department": p.department, **dict(zip(form.QUARTER_KEYS, p.quarters)), "budget": p.budget,
                  "no_budget": p.budget is None, "status": e.status,
                  "source_file": raw.path if raw else "", "source_sheet": raw.sheet if raw else "",
                  "source_row": raw.row if raw else None, "source_cell": name_cell.address if name_cell else "",
                  "has_errors": any(pr.is_error for pr in e.problems),
                  "found": "\n".join(f"{pr.code}: {pr.message}" for pr in e.problems)}
        for col, key in enumerate(DATA_COLUMNS):
            value = record.get(key)
            if isinstance(value, bool):
                ws.write_boolean(i, col, value, plain)
            elif isinstance(value, (int, float)):
                ws.write_number(i, col, value, plain)
            elif value in (None, ""):
                ws.write_blank(i, col, None, plain)
            else:
                ws.write_string(i, col, str(value), plain)
    widths = {key: 30 if key in ("name", "output", "result", "problems", "suggestions", "found", "source_file")
              else 12 for key in DATA_COLUMNS}
    for col, key in enumerate(DATA_COLUMNS):
        ws.set_column(col, col, widths[key])
    ws.set_row(0, row_height([(DATA_HEADERS[k], widths[k]) for k in DATA_COLUMNS], 12, bold=True))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(result.entries), 1), len(DATA_COLUMNS) - 1)
    # Printed with the whole workbook, one page wide (30 columns): before, it added 7 pages.
    a4_landscape(ws, repeat_rows=(0, 0), font=styles.font)


def _metadata_sheet(workbook, result, heading: Heading) -> None:
    summary = result.summary().to_dict()
    values = {"kind": KIND, "round": str(heading.round), "organisation": heading.organisation,
              "district": heading.district, "province": heading.province,
              "fiscal_year": str(heading.fiscal_year or ""), "generator": f"ita-workbook {__version__}",
              "data_as_of": heading.as_of.isoformat(), "draft": "yes" if heading.draft else "no",
              **{key: str(value) for key, value in summary.items()}}
    write_details(workbook, form.METADATA_SHEET, values, protect=False)
