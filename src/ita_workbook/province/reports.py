"""Reading an organisation's result report (the workbook `ita-workbook report` writes, known by its
hidden details' kind) into an OrgReport.

Its figures are recounted from the rows of its data sheet, never taken from the totals stored in its
hidden details; those totals, and the printed sheet `รายงานผล` (each data row names its row there),
are compared with the rows, and every difference is `report-edited`. As for a master, the printed
values are the ones counted: they are what was published.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .. import cells
from ..problems import Problem
from ..reader import Workbook
from ..form import TOTALS_PREFIX
from ..report_form import CANNOT, DONE, IN_PROGRESS, NOT_REPORTED, NOT_STARTED, OFFICIAL_COLUMNS, Summary
from ..thai import squeeze, to_arabic_digits
from .identify import _bare, _clean_place, _year
from .model import REPORT_DATA_SHEET, REPORT_SHEET, Counted

STATUSES = (DONE, IN_PROGRESS, CANNOT, NOT_STARTED, NOT_REPORTED)
_MONEY = ("budget", "budget_ordinance", "disbursed")
_NEEDED = ("name", "status", "report_row", *_MONEY)
_PRINTED = {c.key: i for i, c in enumerate(OFFICIAL_COLUMNS)}  # the printed sheet's columns
_COMPARED = ("name", "budget_ordinance", "disbursed", "status")
_FIGURES = tuple(Summary(*(0,) * 9, round=6).to_dict())  # the keys a report's figures take in JSON
_STORED = {"projects": ("จำนวนโครงการ", "the number of projects"), "done": (DONE, "done"),
           "in_progress": (IN_PROGRESS, "in progress"), "cannot": (CANNOT, "could not be done"),
           "not_started": (NOT_STARTED, "not started"), "not_reported": (NOT_REPORTED, "awaiting a report"),
           "budget_plan": ("งบประมาณตามแผน", "the planned budget"),
           "budget_ordinance": ("งบประมาณตามข้อบัญญัติ", "the ordinance budget"),
           "disbursed": ("เบิกจ่าย", "the amount disbursed")}


@dataclass
class OrgReport(Counted):
    """One organisation's result report as read, its figures recounted, with the problems found.
    Left out (`counted` False) when it is of another round or year (report-left-out)."""
    round: int | None = None  # 6 or 12
    summary: Summary | None = None  # recounted from its rows (the printed values where they differ)
    plan: str = ""  # the path of its organisation's plan; "" when none came

    @property
    def status(self) -> str:
        """As a plan's, but a report that could not be read is unreadable even if also left out."""
        return "unreadable" if not self.read_as else super().status

    @property
    def disbursed_share(self) -> float | None:
        return disbursed_share(self.summary) if self.summary else None

    def to_dict(self) -> dict[str, Any]:
        share = self.disbursed_share
        return {"path": self.path, "organisation": self.organisation, "district": self.district,
                "province": self.province, "fiscal_year": self.fiscal_year, "round": self.round,
                "status": self.status, "plan": self.plan or None,
                # Not read (or not as a report): its figures are not known, never 0.
                **(self.summary.to_dict() if self.summary else dict.fromkeys(_FIGURES)),
                "disbursed_percent": None if share is None else round(share, 2),
                "errors": self.errors, "warnings": self.warnings,
                "problems": [p.to_dict() for p in self.problems]}


def disbursed_share(s: Summary) -> float | None:
    """% disbursed of the ordinance budget (as the report's summary sheet); None without one."""
    return s.disbursed / s.budget_ordinance * 100 if s.budget_ordinance else None


def is_report(book: Workbook) -> bool:
    return book.metadata.get("kind") == "report"


def read_report(book: Workbook) -> OrgReport:
    """The report in `book` (read with its data sheet and printed sheet kept as cells)."""
    meta = book.metadata
    report = OrgReport(book.path, problems=list(book.problems))
    report.organisation = _clean_place(meta.get("organisation", ""))
    report.name_from = "metadata" if report.organisation else ""
    report.district = _bare(meta.get("district", ""), "อำเภอ")
    report.province = _bare(meta.get("province", ""), "จังหวัด")
    report.fiscal_year = _year(meta.get("fiscal_year", ""))
    report.round = {"6": 6, "12": 12}.get(to_arabic_digits(meta.get("round", "")).strip())
    rows = book.sheets.get(REPORT_DATA_SHEET) or []
    columns = _columns(rows[0]) if rows else None
    if report.round is None or columns is None:
        if not any(p.is_error for p in report.problems):
            report.problems.append(Problem(
                "unreadable-file", book.path, value="not-a-report",
                detail=f"ไฟล์ระบุว่าเป็นรายงานผล แต่ไม่มีรอบรายงานหรือแผ่นงาน \"{REPORT_DATA_SHEET}\" ที่อ่านได้ "
                       "ให้หน่วยงานสั่ง report ใหม่",
                detail_en=f"it says it is a result report but has no round or no readable '{REPORT_DATA_SHEET}' "
                          "sheet; ask for it to be compiled again"))
        return report
    report.read_as = "report"
    if meta.get("draft") == "yes":
        report.problems.append(Problem("draft-report", book.path))
    held, counted = _recount(report, rows, columns, book.sheets.get(REPORT_SHEET) or [])
    _check_stored(report, meta, held)
    report.summary = counted
    return report


def _columns(header: list[Any]) -> dict[str, int] | None:
    columns = {str(v).strip(): i for i, v in enumerate(header) if isinstance(v, str) and v.strip()}
    return columns if all(k in columns for k in _NEEDED) else None


def _recount(report: OrgReport, rows: list[list[Any]], columns: dict[str, int],
             printed: list[list[Any]]) -> tuple[Summary, Summary]:
    """(the data sheet's figures, the figures counted: the printed values where they differ)."""
    held_counts: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    held_money = dict.fromkeys(_MONEY, 0.0)
    money = dict.fromkeys(_MONEY, 0.0)
    projects = 0
    used: set[int] = set()  # the printed rows of the data sheet's projects
    for r, values in enumerate(rows[1:], start=2):
        if all(v in ("", None) for v in values):
            continue
        projects += 1
        v = {key: values[i] if i < len(values) else None for key, i in columns.items()}
        status = v["status"] if v["status"] in STATUSES else None
        if status is None:
            _data_problem(report, r, columns, "status", v["status"], "สถานะ", "the status")
        held = {"status": status or NOT_REPORTED, "name": _text(v["name"]),
                **{key: _amount(report, r, columns, key, v[key]) for key in _MONEY}}
        shown = _printed_row(report, printed, v.get("report_row"), held, used)
        held_counts[held["status"]] += 1
        counts[shown["status"]] += 1
        for key in _MONEY:
            held_money[key] += held[key] or 0.0
            money[key] += shown[key] or 0.0

    added = _added_rows(report, printed, used)
    for shown in added:  # published, so counted, as a master's printed sheet is
        counts[shown["status"]] += 1
        for key in _MONEY:
            money[key] += shown[key] or 0.0

    def summary(c: Counter[str], m: dict[str, float], projects: int) -> Summary:
        return Summary(projects=projects, done=c[DONE], in_progress=c[IN_PROGRESS], cannot=c[CANNOT],
                       not_started=c[NOT_STARTED], not_reported=c[NOT_REPORTED], budget_plan=m["budget"],
                       budget_ordinance=m["budget_ordinance"], disbursed=m["disbursed"], round=report.round or 6)

    return summary(held_counts, held_money, projects), summary(counts, money, projects + len(added))


def _printed_row(report: OrgReport, printed: list[list[Any]], report_row: Any, held: dict[str, Any],
                 used: set[int]) -> dict:
    """The project's values as the printed sheet shows them (the data's where it cannot be read),
    each difference from the data sheet said at its printed cell. A project that is not on the row
    the data sheet names, but on the nearest row below or above (rows inserted or deleted by hand
    moved it), is read there; its printed row is added to `used`."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    row = int(report_row) if isinstance(report_row, (int, float)) and not isinstance(report_row, bool) \
        and math.isfinite(report_row) and 1 <= report_row <= len(printed) else None
    if row is not None and not _same(_printed_name(printed, row), held["name"]):
        moved = [r for r in range(1, len(printed) + 1)
                 if r not in used and _same(_printed_name(printed, r), held["name"])]
        row = min(moved, key=lambda r: abs(r - row), default=row)
    if row is not None:
        used.add(row)
    if row is None:
        report.problems.append(Problem(
            "report-edited", report.path, sheet=REPORT_SHEET, column="name", value=held["name"],
            detail=f"โครงการ \"{held['name']}\" ในแผ่นงาน \"{REPORT_DATA_SHEET}\" ไม่อยู่ในแผ่นงานที่พิมพ์",
            detail_en=f"the data sheet's project '{held['name']}' is not on the printed sheet"))
        return held
    cells_ = printed[row - 1]
    shown = dict(held)
    for key in _COMPARED:
        col = _PRINTED[key]
        value = cells_[col] if col < len(cells_) else None
        mine = _read_printed(key, value)
        if _same(mine, held[key]):
            continue
        if mine is not None or key in _MONEY:
            shown[key] = mine
        report.problems.append(Problem(
            "report-edited", report.path, sheet=REPORT_SHEET, row=row, column=key,
            cell=xl_rowcol_to_cell(row - 1, col), value=_shown(value),
            detail=f"ช่อง \"{OFFICIAL_COLUMNS[col].header}\" ในแผ่นงาน \"{REPORT_SHEET}\" คือ {_shown(value)} "
                   f"แต่แผ่นงาน \"{REPORT_DATA_SHEET}\" คือ {_shown(held[key])}",
            detail_en=f"'{OFFICIAL_COLUMNS[col].english or key}' on the printed sheet is {_shown(value)} but the "
                      f"data sheet says {_shown(held[key])}"))
    return shown


def _printed_name(printed: list[list[Any]], row: int) -> str:
    values = printed[row - 1]
    return _read_printed("name", values[_PRINTED["name"]] if _PRINTED["name"] < len(values) else None)


def _added_rows(report: OrgReport, printed: list[list[Any]], used: set[int]) -> list[dict]:
    """The rows a clerk added by hand to the printed sheet's table (between its first project and its
    totals row): no data row names them. Each is `report-edited` at its first cell, and returned as
    the printed sheet shows it (a status it does not show is counted as awaiting a report)."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    if not used:
        return []
    end = next((r for r in range(min(used), len(printed) + 1)
                if squeeze(_text(printed[r - 1][0] if printed[r - 1] else None)).startswith(TOTALS_PREFIX)),
               len(printed) + 1)
    added = []
    for row in range(min(used), end):
        values = printed[row - 1]
        filled = [c for c, v in enumerate(values) if _text(v)]
        if row in used or not filled:
            continue
        if filled == [0] and _is_heading(_text(values[0])):  # a มิติ heading, merged across the table
            continue
        shown = {key: _read_printed(key, values[_PRINTED[key]] if _PRINTED[key] < len(values) else None)
                 for key in ("name", "status", *_MONEY)}
        shown["status"] = shown["status"] or NOT_REPORTED
        added.append(shown)
        first = next((c for c in filled if c == _PRINTED["name"]), filled[0])
        report.problems.append(Problem(
            "report-edited", report.path, sheet=REPORT_SHEET, row=row, column="name",
            cell=xl_rowcol_to_cell(row - 1, first), value=_shown(values[first]),
            detail=f"แถว {row} ในแผ่นงาน \"{REPORT_SHEET}\" เพิ่มด้วยมือ ไม่มีในแผ่นงาน \"{REPORT_DATA_SHEET}\" "
                   f"นับตามที่พิมพ์ (สถานะ {shown['status']})",
            detail_en=f"row {row} of the printed sheet was added by hand and is not on the data sheet; counted "
                      f"as printed (status {shown['status']})"))
    return added


def _is_heading(text: str) -> bool:
    return squeeze(text).startswith(("มิติที่", "ไม่ระบุมิติ"))


def _read_printed(key: str, value: Any) -> Any:
    """A printed cell's value as the data sheet holds it: a status without its reason in brackets."""
    if key == "status":
        text = _text(value)
        return next((s for s in STATUSES if text == s or text.startswith(s + " (")), None)
    if key == "name":
        return _text(value)
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0:
        return float(value)
    try:
        return cells.parse_amount(value)
    except cells.CellError:
        return None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return squeeze(a) == squeeze(b)
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 0.005
    return a == b


def _amount(report: OrgReport, row: int, columns: dict[str, int], key: str, value: Any) -> float | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0:
        return float(value)
    try:
        return cells.parse_amount(value) if isinstance(value, str) else _bad()
    except cells.CellError:
        _data_problem(report, row, columns, key, value, "จำนวนเงิน", "the amount")
        return None


def _bad() -> float:
    raise cells.CellError("bad-amount")


def _data_problem(report: OrgReport, row: int, columns: dict[str, int], key: str, value: Any, thai: str,
                  english: str) -> None:
    from xlsxwriter.utility import xl_rowcol_to_cell

    report.problems.append(Problem(
        "report-edited", report.path, sheet=REPORT_DATA_SHEET, row=row, column=key,
        cell=xl_rowcol_to_cell(row - 1, columns[key]), value=_shown(value),
        detail=f"{thai}ในแผ่นงาน \"{REPORT_DATA_SHEET}\" คือ {_shown(value)} ซึ่งโปรแกรมไม่ได้เขียน จึงไม่นับ",
        detail_en=f"{english} on the data sheet is {_shown(value)}, which the program never writes; not counted"))


def _check_stored(report: OrgReport, meta: dict[str, str], held: Summary) -> None:
    """The totals stored in the hidden details against the data sheet's rows."""
    for key, (thai, english) in _STORED.items():
        stated = to_arabic_digits(meta.get(key, "")).replace(",", "").strip()
        try:
            number = float(stated)
        except ValueError:
            continue  # not stored (an older report): nothing to compare
        counted = float(getattr(held, key))
        if not abs(number - counted) < 0.005:
            report.problems.append(Problem(
                "report-edited", report.path, value=stated,
                detail=f"{thai}ที่บันทึกไว้คือ {_shown(number)} แต่แผ่นงาน \"{REPORT_DATA_SHEET}\" นับได้ {_shown(counted)}",
                detail_en=f"its stored details say {english} is {_shown(number)} but its data sheet adds up to "
                          f"{_shown(counted)}"))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(ว่าง)"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return str(value)
