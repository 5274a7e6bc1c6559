"""province: many organisations' plans → one province workbook.

Reads each organisation's plan (a master through its hidden details and `ข้อมูล` sheet, any other
plan laid out like the form as `check` reads it), checks it, and writes the province workbook:
`สรุปจังหวัด`, `ข้อมูลรวม`, `แผนภูมิ`, `ปัญหา`. The user's guide is the README's section for the province
office.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
import tempfile
import zipfile
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from . import cells, form
from .output import readable
from .problems import ERROR, Problem, _line
from .reader import RawRow, Workbook, read_workbook
from .thai import clean_text, squeeze, thai_date, thai_number, to_arabic_digits, to_thai_digits, whole_number

SUMMARY_SHEET = "สรุปจังหวัด"
DATA_SHEET = "ข้อมูลรวม"
CHART_SHEET = "แผนภูมิ"
PROBLEMS_SHEET = "ปัญหา"
KIND = "province"
MASTER_KIND = "master"
MASTER_DATA_SHEET = "ข้อมูล"  # master.DATA_SHEET, named here so that reading needs no xlsxwriter
MASTER_FORM_SHEET = "แผนปฏิบัติการ"
MAX_DATA_ROWS = 1_048_575  # Excel's rows less the header
PARALLEL_FROM = 200  # plans; fewer are read in this process (starting workers costs ~0.5 s)

# The summary's remarks, in plain words: how the plan was read and where its organisation's name came from.
NAME_FROM = {"metadata": "ชื่อหน่วยงานนำมาจากข้อมูลในแผนรวม", "title": "ชื่อหน่วยงานนำมาจากหัวเรื่องของแผน",
             "file-name": "ชื่อหน่วยงานนำมาจากชื่อไฟล์ ควรตรวจสอบ"}
READ_AS = {"master": "แผนรวมที่สร้างด้วยโปรแกรม", "form": "แผนที่จัดทำเอง (อ่านจากตาราง)"}


class ProvinceRefused(Exception):
    """The request itself is wrong (the output would overwrite an input, …): a command-line error."""


class Entry(NamedTuple):
    """One project of one organisation's plan, clean values. A tuple: there are 350,000 of them."""
    no: int
    name: str
    unit: str
    quantity: float | str
    budget: float | None  # None: ไม่ใช้งบประมาณ (or unreadable, with a problem)
    no_budget: bool
    dimension: int | None  # 1-4; None when it could not be read (with a problem)
    indicator: str
    outcome: str
    q1: bool
    q2: bool
    q3: bool
    q4: bool
    department: str
    sheet: str  # where the project is in the organisation's file
    row: int


class Tally(NamedTuple):
    """What the summary says of a plan: projects, per มิติ, per quarter, budget (and per มิติ)."""
    projects: int = 0
    dimensions: tuple[int, ...] = (0, 0, 0, 0)
    quarters: tuple[int, ...] = (0, 0, 0, 0)
    budget: float = 0.0
    dimension_budgets: tuple[float, ...] = (0.0, 0.0, 0.0, 0.0)

    @classmethod
    def of(cls, projects: list[Entry]) -> Tally:
        numbers = [d.number for d in form.DIMENSIONS]
        return cls(len(projects), tuple(sum(p.dimension == d for p in projects) for d in numbers),
                   (sum(p.q1 for p in projects), sum(p.q2 for p in projects), sum(p.q3 for p in projects),
                    sum(p.q4 for p in projects)),
                   sum(p.budget or 0.0 for p in projects),
                   tuple(sum(p.budget or 0.0 for p in projects if p.dimension == d) for d in numbers))

    @classmethod
    def total(cls, tallies: Iterable[Tally]) -> Tally:
        found = list(tallies)

        def added(field: int) -> tuple:  # one sum per มิติ or quarter
            return tuple(sum(t[field][k] for t in found) for k in range(4))

        return cls(sum(t.projects for t in found), added(1), added(2), sum(t.budget for t in found), added(4))


@dataclass
class OrgPlan:
    """One organisation's plan as read, with the problems found in it."""
    path: str
    organisation: str = ""
    district: str = ""  # อำเภอ, without the word
    province: str = ""  # จังหวัด, without the word
    fiscal_year: int | None = None
    read_as: str = ""  # "master" or "form"; "" when the file could not be read as a plan
    name_from: str = ""  # "metadata", "title" or "file-name"
    projects: list[Entry] = field(default_factory=list)  # emptied once rendered into `rows` (consolidate)
    problems: list[Problem] = field(default_factory=list)
    counted: bool = True  # False: not an organisation's plan (a province workbook), left out and said
    lacks: set[str] = field(default_factory=set)  # what its layout does not carry (form.COUNTED_KEYS)
    layout: str = ""  # form.LAYOUTS key of a plan read as a table ("" for a master)
    tally: Tally = Tally()  # counted from the projects as they were read
    rows: bytes = b""  # the projects as rows of ข้อมูลรวม, compressed (see _render_rows)
    # Lines its own texts take on the summary (name, file, อำเภอ without and with the จังหวัด),
    # measured where it was read: measuring Thai text is slow, and there may be thousands of plans.
    lines: tuple[int, int] = (0, 0)

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return sum(not p.is_error for p in self.problems)

    @property
    def status(self) -> str:
        """passed, warnings, errors, unreadable or left-out."""
        if not self.counted:
            return "left-out"
        if not self.read_as:
            return "unreadable"
        return "errors" if self.errors else "warnings" if self.warnings else "passed"

    def to_dict(self) -> dict[str, Any]:
        t = self.tally
        return {"path": self.path, "organisation": self.organisation, "district": self.district,
                "province": self.province, "fiscal_year": self.fiscal_year, "read_as": self.read_as or None,
                "name_from": self.name_from or None, "status": self.status, "projects": t.projects,
                "layout": self.layout or None,
                "dimensions": None if "dimension" in self.lacks else list(t.dimensions),
                "quarters": None if "q1" in self.lacks else list(t.quarters),
                "budget": None if "budget" in self.lacks else t.budget,
                "errors": self.errors, "warnings": self.warnings,
                "problems": [p.to_dict() for p in self.problems]}


# --- reading one plan ------------------------------------------------------------------------------

def read_plan(path: str | Path, fiscal_year: int | None = None) -> OrgPlan:
    """One organisation's plan. Never raises for a bad file: what is wrong becomes a Problem.
    `fiscal_year`: of a 4-year plan, the year whose budget is counted."""
    try:
        plan = _read_plan(Path(path), fiscal_year)
    except Exception as exc:  # a bug of ours must still not show a clerk a traceback
        plan = _failed(path, exc)
    if not plan.organisation:
        plan.organisation, plan.name_from = _name_from_file(path), "file-name"
        if plan.read_as:
            plan.problems.append(Problem("organisation-from-filename", plan.path, value=plan.organisation))
    return plan


def _failed(path: str | Path, exc: Exception) -> OrgPlan:
    if os.environ.get("ITA_WORKBOOK_DEBUG"):
        raise exc
    plan = OrgPlan(str(path), organisation=_name_from_file(path), name_from="file-name")
    plan.problems.append(Problem(
        "unreadable-file", str(path), value="internal-error",
        detail=f"โปรแกรมอ่านไฟล์นี้ไม่สำเร็จ ({type(exc).__name__}) บันทึกเป็น .xlsx ใหม่ แล้วลองอีกครั้ง",
        detail_en=f"reading this file failed ({type(exc).__name__}); save it again as .xlsx and retry"))
    return plan


def _read_plan(path: Path, fiscal_year: int | None = None) -> OrgPlan:
    book = _load_plan(path, fiscal_year)
    meta = book.metadata
    plan = OrgPlan(book.path, problems=list(book.problems))
    if meta.get("kind") == KIND:
        plan.counted = False
        plan.problems = [Problem("province-as-input", book.path)]
        return plan
    data_tally = None
    if _is_master(book):
        plan.read_as = "master"
        data = _master_projects(plan, book.sheets[MASTER_DATA_SHEET])
        data_tally = Tally.of(data)
        printed = [t for t in book.tables if t.sheet == MASTER_FORM_SHEET]
        if printed:  # what was published: counted, and compared with the data sheet
            rows = printed[0].rows
            printed_entries = [_form_entry(plan, row, number) for number, row in enumerate(rows, start=1)]
            plan.projects = _compare_printed(plan, rows, printed_entries, data)
        else:
            plan.projects = data
        book.tables = printed  # its totals row is checked like any plan's; other sheets are not the plan
    elif book.tables:
        plan.read_as = "form"
        lacks = {t.sheet: set(t.lacks) for t in book.tables}
        plan.lacks = set().union(*lacks.values())
        if plan.lacks & set(form.QUARTER_KEYS):
            plan.lacks |= set(form.QUARTER_KEYS)
        plan.projects = [_form_entry(plan, row, number, lacks.get(row.sheet, set()))
                         for number, row in enumerate(book.rows, start=1)]
        if book.tables[0].budget_year is not None:
            plan.fiscal_year = book.tables[0].budget_year
        plan.layout = book.tables[0].layout.key if book.tables[0].layout else ""
    else:
        return plan
    plan.tally = Tally.of(plan.projects)
    _identify(plan, meta, book)
    if plan.read_as == "master":
        _check_master(plan, meta, data_tally or plan.tally)
    from .check import check_table

    for table in book.tables:
        plan.problems.extend(check_table(book.path, table)[0])
        if table.layout is not None and table.layout.signature:
            continue  # another layout: its layout-lacks problem names what it does not carry
        for key in table.missing:
            if key in table.lacks:
                continue
            column = form.COLUMN_BY_KEY[key]
            plan.problems.append(Problem("missing-column" if column.required else "missing-optional-column",
                                         plan.path, sheet=table.sheet, row=table.header_row, column=key))
    for d, count in zip(form.DIMENSIONS, plan.tally.dimensions):
        if not count and plan.projects and "dimension" not in plan.lacks:
            plan.problems.append(Problem("missing-dimension", plan.path, value=to_thai_digits(d.number),
                                         detail=d.name))
    if not plan.projects and not any(p.code == "nothing-counted" for p in plan.problems):
        plan.problems.append(Problem("no-projects", plan.path))
    plan.problems = _unique(plan.problems)
    return plan


def _load_plan(path: Path, fiscal_year: int | None = None) -> Workbook:
    """A master's hidden details, data sheet and printed form sheet, without its other sheets (the
    national benchmark spends half its time on them otherwise); every sheet of any other plan."""
    book = read_workbook(path, keep_sheets=(MASTER_DATA_SHEET,), only_sheets=(MASTER_DATA_SHEET, MASTER_FORM_SHEET),
                         fiscal_year=fiscal_year)
    if _is_master(book) or book.metadata.get("kind") == KIND:
        return book
    failed = any(p.code == "unreadable-file" and p.sheet is None for p in book.problems)
    if not failed and (book.kind in ("xlsx", "xlsm") or MASTER_DATA_SHEET in book.sheets):
        return read_workbook(path, fiscal_year=fiscal_year)  # an xlsx's other sheets, or a sheet named ข้อมูล read as a table
    return book


def _is_master(book: Workbook) -> bool:
    data = book.sheets.get(MASTER_DATA_SHEET)
    return book.metadata.get("kind") == MASTER_KIND and bool(data) and _data_columns(data[0]) is not None


_DATA_REQUIRED = ("name", "budget", "dimension", *form.QUARTER_KEYS)


def _data_columns(header: list[Any]) -> dict[str, int] | None:
    """A master data sheet's column names → columns; None if a needed one is missing."""
    columns = {str(v).strip(): i for i, v in enumerate(header) if isinstance(v, str) and v.strip()}
    return columns if all(k in columns for k in _DATA_REQUIRED) else None


_DATA_KEYS = ("no", "form_row", "name", "unit", "quantity", "budget", "no_budget", "dimension", "indicator",
              "outcome", *form.QUARTER_KEYS, "department")


def _master_projects(plan: OrgPlan, rows: list[list[Any]]) -> list[Entry]:
    """The projects of a master's data sheet: values written by master.py, so checked, not cleaned
    (the plain values master.py writes take the short way: there are 350,000 of them nationally)."""
    columns = _data_columns(rows[0])
    assert columns is not None
    at = [(key, columns.get(key)) for key in _DATA_KEYS]
    projects = []
    for r, values in enumerate(rows[1:], start=2):
        if all(v in ("", None) for v in values):
            continue
        v = {key: values[i] if i is not None and i < len(values) else None for key, i in at}
        budget = v["budget"]
        if _truthy(v["no_budget"]):
            budget, no_budget = None, True
        elif isinstance(budget, float) and 0 <= budget <= cells.MAX_BUDGET:  # NaN, ±inf and negatives are not
            no_budget = False
        else:
            budget, no_budget = _parse(plan, r, columns, "budget", cells.parse_summed_budget, budget, (None, False))
        if budget is not None and not 0 <= budget < float("inf"):  # a forged master: never summed
            _data_problem(plan, r, columns, "bad-budget", "budget", budget)
            budget = None
        dimension = v["dimension"]
        if dimension not in (1, 2, 3, 4) or isinstance(dimension, bool):
            found = _parse(plan, r, columns, "dimension", cells.parse_dimension, dimension, None)
            if found not in (1, 2, 3, 4) and (found is not None or dimension in ("", None)):
                _data_problem(plan, r, columns, "bad-dimension" if found is not None else "missing-value",
                              "dimension", dimension)
            dimension = found if found in (1, 2, 3, 4) else None
        marks = [m if m is True or m is False else _parse(plan, r, columns, q, cells.parse_mark, m, False)
                 for q in form.QUARTER_KEYS for m in (v[q],)]
        if not any(marks):
            _data_problem(plan, r, columns, "no-quarter", "q1", v["q1"])
        quantity, form_row, number = v["quantity"], _whole(v["form_row"]), _whole(v["no"])
        if isinstance(quantity, float) and not math.isfinite(quantity):
            _data_problem(plan, r, columns, "bad-quantity", "quantity", quantity)
            quantity = ""
        sheet, row = (MASTER_FORM_SHEET, form_row) if form_row and form_row > 0 else (MASTER_DATA_SHEET, r)
        projects.append(Entry(
            number if number is not None else len(projects) + 1, _text(v["name"]),
            _text(v["unit"]), quantity if isinstance(quantity, float) else _text(quantity), budget, no_budget,
            int(dimension) if dimension is not None else None, _text(v["indicator"]), _text(v["outcome"]),
            *marks, _text(v["department"]), sheet, row))
    return projects


def _whole(value: Any) -> int | None:
    """A row number or a project's ลำดับ from a master; None for anything else (NaN, inf, 1e300)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) \
            and abs(value) < 2**31:
        return int(value)
    return None


def _data_problem(plan: OrgPlan, row: int, columns: dict[str, int], code: str, key: str, value: Any) -> None:
    from xlsxwriter.utility import xl_rowcol_to_cell

    plan.problems.append(Problem(code, plan.path, sheet=MASTER_DATA_SHEET, row=row, column=key,
                                 cell=xl_rowcol_to_cell(row - 1, columns[key]), value=value))


def _parse(plan: OrgPlan, row: int, columns: dict[str, int], key: str, parser, value: Any, failed: Any) -> Any:
    try:
        return parser(value)
    except cells.CellError as exc:
        _data_problem(plan, row, columns, exc.code, key, value)
        return failed


def _truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().upper() == "TRUE")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_master(plan: OrgPlan, meta: dict[str, str], t: Tally) -> None:
    """A draft, or a master changed by hand after merge made it: the totals merge stored in its hidden
    details (projects, budget, per quarter, per มิติ) differ from what its data sheet adds up to."""
    if meta.get("draft") == "yes":
        plan.problems.append(Problem("draft-plan", plan.path))
    counted = {"projects": str(t.projects), "budget_total": f"{t.budget:.2f}",
               "quarter_projects": ",".join(map(str, t.quarters)),
               "dimension_projects": ",".join(map(str, t.dimensions))}
    words = {"projects": ("จำนวนโครงการ", "the number of projects"), "budget_total": ("งบประมาณรวม", "the budget"),
             "quarter_projects": ("จำนวนโครงการรายไตรมาส", "the projects per quarter"),
             "dimension_projects": ("จำนวนโครงการรายมิติ", "the projects per dimension")}
    for key, (thai, english) in words.items():
        stated = to_arabic_digits(meta.get(key, "")).replace(" ", "")
        if stated and stated != counted[key]:
            plan.problems.append(Problem(
                "master-edited", plan.path, value=stated,
                detail=f"{thai}ที่บันทึกไว้คือ {stated} แต่แผ่นงาน \"{MASTER_DATA_SHEET}\" นับได้ {counted[key]}",
                detail_en=f"its stored details say {english} is {stated} but its data sheet adds up to "
                          f"{counted[key]}"))


_COMPARED = ("name", "unit", "quantity", "budget", "no_budget", "dimension", "indicator", "outcome",
             *form.QUARTER_KEYS, "department")


def _compare_printed(plan: OrgPlan, rows: list[RawRow], printed: list[Entry], data: list[Entry]) -> list[Entry]:
    """A master's printed form sheet against its data sheet, project by project (the data sheet
    names each project's row on the form sheet): a coordinator who edits the printed sheet and saves
    it in Excel changes what was published, not the data. Every difference is `master-edited` at
    its cell of the printed sheet; the printed values are the ones counted (where they agree, the
    data sheet's, which keeps the text exactly as merged)."""
    by_row = {e.row: e for e in data if e.sheet == MASTER_FORM_SHEET}
    counted = []
    for raw, entry in zip(rows, printed):
        held = by_row.pop(raw.row, None)
        counted.append(entry if held is None else held._replace(**{
            key: getattr(entry, key) for key in _COMPARED if not _same(getattr(entry, key), getattr(held, key))}))
        if held is None:
            _edited(plan, raw, "name", entry.name, "",
                    "โครงการนี้มีในแผ่นงานที่พิมพ์แต่ไม่มีในแผ่นงานข้อมูล", "a project on the printed sheet "
                    "that the data sheet does not hold")
            continue
        for key in _COMPARED:
            mine, theirs = getattr(entry, key), getattr(held, key)
            if _same(mine, theirs):
                continue
            column = form.COLUMN_BY_KEY.get(key)
            header = column.header if column else form.NO_BUDGET
            _edited(plan, raw, "budget" if key == "no_budget" else key, mine, theirs,
                    f"ช่อง \"{header}\" ในแผ่นงาน \"{MASTER_FORM_SHEET}\" คือ {_shown(mine)} "
                    f"แต่แผ่นงาน \"{MASTER_DATA_SHEET}\" คือ {_shown(theirs)}",
                    f"'{column.english if column else 'no budget'}' on the printed sheet is {_shown(mine)} but "
                    f"the data sheet says {_shown(theirs)}")
    for held in by_row.values():
        plan.problems.append(Problem(
            "master-edited", plan.path, sheet=MASTER_FORM_SHEET, row=held.row, column="name", value=held.name,
            detail=f"โครงการ \"{held.name}\" ในแผ่นงานข้อมูลไม่อยู่ในแผ่นงานที่พิมพ์ (แถว {held.row})",
            detail_en=f"the data sheet's project '{held.name}' is not on the printed sheet (row {held.row})"))
    return counted


def _edited(plan: OrgPlan, raw: RawRow, key: str, printed: Any, held: Any, thai: str, english: str) -> None:
    cell = raw.cells.get(key)
    plan.problems.append(Problem("master-edited", plan.path, sheet=raw.sheet, row=raw.row, column=key,
                                 cell=cell.address if cell else None, value=_shown(printed),
                                 detail=thai, detail_en=english))


def _same(a: Any, b: Any) -> bool:
    if a == b and type(a) is type(b):  # nearly always: the printed sheet was left as merge wrote it
        return True
    if isinstance(a, str) and isinstance(b, str):  # the printed sheet writes digits in text as [plan] digits says
        return squeeze(to_arabic_digits(a)) == squeeze(to_arabic_digits(b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return abs(a - b) < 0.005
    return a == b


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(ว่าง)"
    if isinstance(value, bool):
        return "/" if value else "(ว่าง)"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return str(value)


_PARSERS = {form.BUDGET: cells.parse_summed_budget, form.MARK: cells.parse_mark, form.DIMENSION: cells.parse_dimension,
            form.QUANTITY: cells.parse_quantity, form.DEPARTMENT: cells.parse_department}


def _form_entry(plan: OrgPlan, raw: RawRow, number: int, lacks: set[str] = frozenset()) -> Entry:
    """A row of a table laid out like the form, parsed cell by cell (check_table reports the budget
    and the quarter marks it cannot read; the rest is reported here)."""
    values: dict[str, Any] = {}

    def problem(code: str, key: str) -> None:
        cell = raw.cells.get(key)
        plan.problems.append(Problem(code, raw.path, sheet=raw.sheet, row=raw.row, column=key,
                                     cell=cell.address if cell else None, value=raw.value(key)))

    for column in form.COLUMNS:
        key = column.key
        if key == "no":
            continue
        cell = raw.cells.get(key)
        value = None if cell is None else cell.value
        if cell is not None and cell.unevaluated:
            problem("formula-without-value", key)
            value = None
        try:
            values[key] = _PARSERS.get(column.kind, cells.parse_text)(value)
        except cells.CellError as exc:
            if column.kind not in (form.BUDGET, form.MARK):  # check_table says these
                problem(exc.code, key)
            values[key] = (None, False) if column.kind == form.BUDGET else None
    budget, no_budget = values["budget"]
    dimension = values["dimension"]
    if dimension is not None and dimension not in (1, 2, 3, 4):
        problem("bad-dimension", "dimension")
        dimension = None
    for key in ("name", "dimension"):
        if values[key] is None and key in raw.cells and not raw.cells[key].unevaluated \
                and raw.value(key) in (None, "") and key not in lacks:
            problem("missing-value", key)
    if not any(values[q] for q in form.QUARTER_KEYS) and not lacks & set(form.QUARTER_KEYS):
        problem("no-quarter", "q1")
    quantity = values["quantity"]
    return Entry(number, values["name"] or "", values["unit"] or "",
                 "" if quantity is None else quantity, budget, no_budget, dimension, values["indicator"] or "",
                 values["outcome"] or "", *(bool(values[q]) for q in form.QUARTER_KEYS),
                 (values["department"] or "").replace("\n", " "), raw.sheet, raw.row)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen = set()
    kept = []
    for p in problems:
        key = (p.code, p.sheet, p.cell, p.row, p.column, p.value if isinstance(p.value, (str, int, float)) else None)
        if key not in seen:
            seen.add(key)
            kept.append(p)
    return kept


# --- who the plan belongs to -----------------------------------------------------------------------

_YEAR = re.compile(r"(?:พ\.ศ\.?|ปีงบประมาณ|ประจำปี)\s*(\d{4})")
_DISTRICT = re.compile(r"(?:อำเภอ|(?<![ก-๙])อ\.)\s*([^\s,]+)")
_PROVINCE = re.compile(r"(?:จังหวัด|(?<![ก-๙])จ\.)\s*([^\s,]+)")
# The kinds of local government, long and short: the organisation's name starts with one.
_ORG_KINDS = ("องค์การบริหารส่วนตำบล", "องค์การบริหารส่วนจังหวัด", "เทศบาลนคร", "เทศบาลเมือง", "เทศบาลตำบล",
              "เทศบาล", "เมืองพัทยา", "อบต.", "อบจ.", "ทต.", "ทม.", "ทน.")
_ORG = re.compile("(?:" + "|".join(re.escape(k) for k in _ORG_KINDS) + r")\s*\S+")
_ABBREVIATIONS = {"อบต.": "องค์การบริหารส่วนตำบล", "อบจ.": "องค์การบริหารส่วนจังหวัด", "ทต.": "เทศบาลตำบล",
                  "ทม.": "เทศบาลเมือง", "ทน.": "เทศบาลนคร"}
_PLAN_TITLE = squeeze(form.TITLE.split("{")[0]).split("ประจำปี")[0]  # แผนปฏิบัติการป้องกันการทุจริต
_DOTS = re.compile(r"^[.\s…_-]*$")


def _identify(plan: OrgPlan, meta: dict[str, str], book: Workbook) -> None:
    """Organisation, อำเภอ, จังหวัด and year: the master's hidden sheet, else the title lines."""
    if plan.read_as == "master":
        plan.organisation = _clean_place(meta.get("organisation", ""))
        plan.district = _bare(meta.get("district", ""), "อำเภอ")
        plan.province = _bare(meta.get("province", ""), "จังหวัด")
        plan.fiscal_year = _year(meta.get("fiscal_year", ""))
        plan.name_from = "metadata" if plan.organisation else ""
    title = next((t.title for t in book.tables if t.title), [])
    org, district, province, year = parse_title(title)
    if not plan.organisation and org:
        plan.organisation, plan.name_from = org, "title"
    plan.district = plan.district or district
    plan.province = plan.province or province
    plan.fiscal_year = plan.fiscal_year or year or _year(meta.get("fiscal_year", ""))
    if not plan.organisation and meta.get("organisation", "").strip():  # a department's template
        plan.organisation, plan.name_from = _clean_place(meta["organisation"]), "metadata"


def parse_title(lines: list[str]) -> tuple[str, str, str, int | None]:
    """(organisation, อำเภอ, จังหวัด, year) from the lines above a plan's table; "" / None if not said.

    The organisation is the name that starts with a kind of local government (เทศบาลตำบล…, อบต.…),
    else the line after แผนปฏิบัติการป้องกันการทุจริต…; อำเภอ and จังหวัด come from `อำเภอX จังหวัดY`."""
    texts = [clean_text(line) for line in lines if line and not _DOTS.match(line)]
    joined = " ".join(texts)
    arabic = to_arabic_digits(joined)
    year = next((int(y) for y in _YEAR.findall(arabic) if 2400 <= int(y) <= 2700), None)
    district = next((_bare(d, "อำเภอ") for d in _DISTRICT.findall(joined)), "")
    province = next((_bare(p, "จังหวัด") for p in _PROVINCE.findall(joined)), "")
    organisation = ""
    for text in texts:
        if (found := _ORG.search(_before_place(text))) is not None:
            organisation = found.group(0)
            break
    else:
        for before, after in zip(texts, texts[1:]):
            if squeeze(before).startswith(_PLAN_TITLE):
                organisation = _before_place(after)
                break
    return _clean_place(organisation), district, province, year


def _before_place(text: str) -> str:
    """The text before อำเภอ / จังหวัด, and without a leading ของ."""
    cut = re.split(r"\s*(?:อำเภอ|(?<![ก-๙])อ\.|จังหวัด|(?<![ก-๙])จ\.)", text, maxsplit=1)[0]
    return re.sub(r"^ของ\s*", "", cut).strip()


def _clean_place(text: str) -> str:
    text = clean_text(str(text or ""))
    return "" if _DOTS.match(text) else text


def _bare(text: str, word: str) -> str:
    """`อำเภอโพทะเล` / `อ.โพทะเล` / `โพทะเล` → `โพทะเล`."""
    text = _clean_place(text)
    for prefix in (word, word[0] + "."):
        if text.startswith(prefix):
            text = text[len(prefix):].strip()
    return text


def _year(text: str) -> int | None:
    year = whole_number(text or "")
    return year if year is not None and 2400 <= year <= 2700 else None


def _name_from_file(path: str | Path) -> str:
    return clean_text(readable(Path(path).stem)) or readable(Path(path).name)


def organisation_key(name: str, district: str = "") -> tuple[str, str]:
    """The same organisation however it is written: short forms (อบต., ทต.) and spaces do not count."""
    key = squeeze(name)
    for short, long in _ABBREVIATIONS.items():
        if key.startswith(short):
            key = long + key[len(short):]
    return key, squeeze(district)


# --- many plans ------------------------------------------------------------------------------------

@dataclass
class ProvinceResult:
    plans: list[OrgPlan]  # sorted by อำเภอ then name; unreadable files last
    province: str = ""
    fiscal_year: int | None = None
    output: Path | None = None
    pdf: Path | None = None
    pdf_error: str = ""
    not_read: list[Problem] = field(default_factory=list)  # files of a folder left out (file-not-read)

    @property
    def counted(self) -> list[OrgPlan]:
        return [p for p in self.plans if p.counted]

    @property
    def errors(self) -> int:
        return sum(p.errors for p in self.plans)

    @property
    def warnings(self) -> int:
        return sum(p.warnings for p in self.plans)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    @property
    def projects(self) -> int:
        return self.total.projects

    @property
    def total(self) -> Tally:
        """The organisations' tallies added up: every plan read, with errors or not (the summary's
        totals row; `clean_total` is the line for the plans without errors)."""
        return Tally.total(p.tally for p in self.counted)

    @property
    def clean_total(self) -> Tally:
        return Tally.total(p.tally for p in self.counted if p.read_as and not p.errors)

    def totals_text(self) -> tuple[str, str]:
        """What the totals include, Thai and English: said wherever they are shown."""
        all_, clean = self.total, self.clean_total
        flawed = sum(1 for p in self.counted if p.read_as and p.errors)
        return (f"ยอดรวมนับทุกแผนที่อ่านได้ รวมแผนที่มีข้อผิดพลาด {flawed:,} แผน: {all_.projects:,} โครงการ "
                f"งบประมาณ {all_.budget:,.2f} บาท; เฉพาะแผนที่ไม่มีข้อผิดพลาด: {clean.projects:,} โครงการ "
                f"งบประมาณ {clean.budget:,.2f} บาท (งบประมาณที่ติดลบหรืออ่านไม่ได้ไม่นับรวม)",
                f"Totals count every plan read, including {flawed:,} with errors: {all_.projects:,} projects, "
                f"budget {all_.budget:,.2f}; plans without errors only: {clean.projects:,} projects, budget "
                f"{clean.budget:,.2f} (negative or unreadable budgets are never added)")

    def place(self, plan: OrgPlan) -> str:
        """The อำเภอ as the summary shows it: with its จังหวัด when the plans are of several."""
        return f"{plan.district} จ.{plan.province}".strip() if self.several(plan) else plan.district

    def several(self, plan: OrgPlan) -> bool:
        """Whether the summary names the plan's จังหวัด: the plans are of several."""
        return not self.province and bool(plan.province)

    def to_dict(self) -> dict[str, Any]:
        groups = Counter(p.status for p in self.plans)
        return {"ok": self.ok, "province": self.province, "fiscal_year": self.fiscal_year,
                "output": str(self.output) if self.output else None,
                "pdf": str(self.pdf) if self.pdf else None, "pdf_error": self.pdf_error or None,
                "organisations": [p.to_dict() for p in self.plans],
                "summary": {"files": len(self.plans), "organisations": len(self.counted),
                            "passed": groups["passed"], "warnings_only": groups["warnings"],
                            "with_errors": groups["errors"], "unreadable": groups["unreadable"],
                            "left_out": groups["left-out"], "projects": self.projects,
                            "budget": self.total.budget,
                            "errors": self.errors, "warnings": self.warnings,
                            "totals": {"all_plans": _tally_json(self.total),
                                       "plans_without_errors": _tally_json(self.clean_total),
                                       "includes": self.totals_text()[1]}},
                "not_read": [{"path": p.path, **p.to_dict()} for p in self.not_read]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    def to_text(self) -> str:
        year = self.fiscal_year or "?"
        lines = [f"จังหวัด{self.province or '?'} ปีงบประมาณ {year}: {len(self.plans)} ไฟล์ / files"]
        sections = (("passed", "✓ ผ่าน / passed"), ("warnings", "! มีคำเตือน / warnings only"),
                    ("errors", "✗ มีข้อผิดพลาด / with errors"), ("unreadable", "✗ อ่านไม่ได้ / could not be read"),
                    ("left-out", "- ไม่นับรวม / left out"))
        for status, title in sections:
            plans = [p for p in self.plans if p.status == status]
            if not plans:
                continue
            lines.append(f"■ {title}: {len(plans)}")
            for p in plans:
                place = f" (อ.{p.district})" if p.district else ""
                counts = f"{p.tally.projects} โครงการ/projects" if p.read_as else ""
                lines.append(f"  {p.organisation}{place} — {counts + ' — ' if counts else ''}{p.path}")
                if status != "passed":
                    lines.extend("  " + _line(problem) for problem in sorted(p.problems, key=_position))
        groups = Counter(p.status for p in self.plans)
        verdict = "ผ่าน / OK" if self.ok else "ไม่ผ่าน / NOT OK"
        lines.append(f"สรุป: {len(self.counted)} หน่วยงาน, {self.projects:,} โครงการ, ผ่าน {groups['passed']}, "
                     f"มีคำเตือน {groups['warnings']}, มีข้อผิดพลาด {groups['errors']}, "
                     f"อ่านไม่ได้ {groups['unreadable']} — {verdict}")
        lines.append(f"Summary: {len(self.counted)} organisations, {self.projects:,} projects, "
                     f"{groups['passed']} passed, {groups['warnings']} with warnings only, "
                     f"{groups['errors']} with errors, {groups['unreadable']} unreadable; "
                     f"{self.errors} errors, {self.warnings} warnings")
        lines.extend(self.totals_text())
        if self.not_read:
            lines.append(f"■ ไฟล์ที่ไม่ได้อ่าน / files not read: {len(self.not_read)}")
            lines.extend(_line(problem) for problem in self.not_read)
        if self.output:
            lines.append(f"เขียนแล้ว / written: {self.output}")
        if self.pdf:
            lines.append(f"PDF: {self.pdf}")
        elif self.pdf_error:
            lines.append(f"ไม่ได้สร้าง PDF / no PDF: {self.pdf_error}")
        return "\n".join(lines)


def _tally_json(t: Tally) -> dict[str, Any]:
    return {"projects": t.projects, "dimensions": list(t.dimensions), "quarters": list(t.quarters),
            "budget": t.budget}


def _position(p: Problem) -> tuple:
    return (p.sheet or "", p.row or 0, p.cell or "", p.code)


def consolidate(paths: list[str | Path], output: str | Path, *, province: str = "", fiscal_year: int | None = None,
                as_of: dt.date | None = None, pdf: bool = False, workers: int | None = None) -> ProvinceResult:
    """Read every plan, check each and all together, write the province workbook (atomically)."""
    from .output import atomic_path

    output = Path(output)
    _check_request(paths, output)
    plans = read_plans(paths, workers, fiscal_year)
    result = ProvinceResult(plans)
    check_together(result, province, fiscal_year)
    if result.projects > MAX_DATA_ROWS:
        raise ProvinceRefused(f"มีโครงการ {result.projects:,} โครงการ เกินจำนวนแถวที่ Excel รับได้ "
                              f"({MAX_DATA_ROWS:,}) แบ่งเป็นหลายครั้ง / {result.projects:,} projects are more "
                              f"than one Excel sheet holds ({MAX_DATA_ROWS:,}); consolidate in parts")
    as_of = as_of or dt.date.today()
    with atomic_path(output) as tmp:
        write_province(result, tmp, as_of)
    result.output = output
    if pdf:
        _write_pdf(result, output.with_suffix(".pdf"), as_of)
    return result


def _check_request(paths: list[str | Path], output: Path) -> None:
    from .output import same_file

    if output.suffix.lower() != ".xlsx":
        raise ProvinceRefused(f"ไฟล์ผลลัพธ์ต้องลงท้ายด้วย .xlsx ({output}) / the output must end in .xlsx")
    if not paths:
        raise ProvinceRefused("ไม่พบไฟล์แผน (.xlsx .xlsm .xls .xlsb .ods) ในที่ระบุ ตรวจสอบชื่อโฟลเดอร์ / "
                              "no plan (.xlsx .xlsm .xls .xlsb .ods) found there; check the folder's name")
    for target in (output, output.with_suffix(".pdf")):
        if any(same_file(target, path) for path in paths):
            raise ProvinceRefused(f"ไฟล์ผลลัพธ์ {target} คือไฟล์ที่นำเข้า จะไม่เขียนทับ ใช้ชื่ออื่นกับ -o / "
                                  f"the output {target} is one of the input files; choose another name with -o")


def read_plans(paths: list[str | Path], workers: int | None = None, fiscal_year: int | None = None) -> list[OrgPlan]:
    """Every plan, in the order given. Many plans are read by one worker process per core."""
    paths = [str(p) for p in paths]
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(paths) >= PARALLEL_FROM else 1
    if workers <= 1 or _worker_context() is None:
        return [_read_for_province(p, fiscal_year) for p in paths]
    done: dict[int, OrgPlan] = {}
    size = max(1, min(64, len(paths) // (workers * 8)))
    # A worker that dies (a file took it down despite the guards) takes the pool with it: what was
    # not read is read again one file at a time, then what still fails each in a process of its own,
    # so that only the file at fault is lost, and named.
    for attempt in range(3):
        todo = [(i, p) for i, p in enumerate(paths) if i not in done]
        if not todo:
            break
        if attempt == 2:
            done.update((i, _read_alone(p, fiscal_year)) for i, p in todo)
            break
        _read_in_pool([todo[k:k + size] for k in range(0, len(todo), size)], workers, done, fiscal_year)
        size = 1
    return [done[i] for i in range(len(paths))]


def _worker_context():
    """Workers are forked: a started interpreter (spawn, forkserver) puts the current folder first
    on its module path before any of our code runs, and the plans' folder is often the current one,
    where a planted `pickle.py` would run. Where there is no fork (Windows), plans are read one after
    another (still each in the isolated reader child)."""
    import multiprocessing

    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def _read_in_pool(chunks: list[list[tuple[int, str]]], workers: int, done: dict[int, OrgPlan],
                  fiscal_year: int | None = None) -> None:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from .sandbox import isolate_module_path

    pool = ProcessPoolExecutor(workers, mp_context=_worker_context(), initializer=isolate_module_path)
    try:
        futures = [(chunk, pool.submit(_read_chunk, [p for _, p in chunk], fiscal_year)) for chunk in chunks]
        for chunk, future in futures:
            try:
                done.update(zip((i for i, _ in chunk), future.result()))
            except BrokenProcessPool:
                continue  # read again by the caller
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # Ctrl+C: no new work, the running chunks end


def _read_chunk(paths: list[str], fiscal_year: int | None = None) -> list[OrgPlan]:
    return [_read_for_province(p, fiscal_year) for p in paths]


def _read_alone(path: str, fiscal_year: int | None = None) -> OrgPlan:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from .sandbox import isolate_module_path

    try:
        with ProcessPoolExecutor(1, mp_context=_worker_context(), initializer=isolate_module_path) as pool:
            return pool.submit(_read_chunk, [path], fiscal_year).result()[0]
    except BrokenProcessPool:
        plan = OrgPlan(path, organisation=_name_from_file(path), name_from="file-name")
        plan.problems.append(Problem("unreadable-file", path, value="limit",
                                     detail="การอ่านไฟล์นี้ทำให้โปรแกรมหยุดทำงาน บันทึกเป็น .xlsx ใหม่ แล้วลองอีกครั้ง",
                                     detail_en="reading this file stopped the reader; save it again as .xlsx "
                                               "and retry"))
        return plan


def check_together(result: ProvinceResult, province: str = "", fiscal_year: int | None = None) -> None:
    """The checks across plans (year, province, the same organisation twice), then the order."""
    plans = [p for p in result.plans if p.counted and p.read_as]
    result.fiscal_year = fiscal_year or _most_common(p.fiscal_year for p in plans)
    result.province = _bare(province, "จังหวัด") or _province_of_most(plans)
    for plan in plans:
        if plan.fiscal_year is None:
            plan.problems.append(Problem("fiscal-year-unknown", plan.path))
        elif result.fiscal_year and plan.fiscal_year != result.fiscal_year:
            plan.problems.append(Problem("wrong-fiscal-year", plan.path, value=str(plan.fiscal_year),
                                         detail=str(result.fiscal_year)))
        if plan.province and result.province and squeeze(plan.province) != squeeze(result.province):
            plan.problems.append(Problem("other-province", plan.path, value=plan.province, detail=result.province))
        if not plan.district:
            plan.problems.append(Problem("district-unknown", plan.path))
    same: dict[tuple[str, ...], list[OrgPlan]] = defaultdict(list)
    for plan in plans:
        same[(*organisation_key(plan.organisation, plan.district), squeeze(plan.province))].append(plan)
    for group in same.values():
        for plan in group if len(group) > 1 else ():
            others = ", ".join(Path(o.path).name for o in group if o is not plan)
            plan.problems.append(Problem("duplicate-organisation", plan.path, value=plan.organisation,
                                         detail=others))
    result.plans = sort_plans(result.plans)


def _province_of_most(plans: list[OrgPlan]) -> str:
    """The province that more than half the plans name; "" for plans of several (a region, the nation)."""
    named = Counter(squeeze(p.province) for p in plans if p.province)
    if not named:
        return ""
    key, count = named.most_common(1)[0]
    return next(p.province for p in plans if squeeze(p.province) == key) if count * 2 > sum(named.values()) else ""


def _most_common(values: Iterable[Any]) -> Any:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None


def sort_plans(plans: list[OrgPlan]) -> list[OrgPlan]:
    """By จังหวัด, อำเภอ, then name in Thai dictionary order; plans without an อำเภอ after, files not
    read last."""
    from pythainlp.util import collate

    rank = {text: i for i, text in enumerate(collate({t for p in plans
                                                      for t in (p.province, p.district, p.organisation)}))}
    return sorted(plans, key=lambda p: (not p.read_as or not p.counted, not p.district, rank[p.province],
                                        rank[p.district], rank[p.organisation], p.path))


# --- the workbook ----------------------------------------------------------------------------------

SUMMARY_SIZE = 14
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

# (key, Thai header, width) of ข้อมูลรวม: the form's own headers where the form has the column.
DATA_COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("organisation", "องค์กรปกครองส่วนท้องถิ่น", 30), ("district", "อำเภอ", 14), ("province", "จังหวัด", 12),
    ("fiscal_year", "ปีงบประมาณ", 10), ("no", "ที่", 6),
    *((key, form.COLUMN_BY_KEY[key].header, width) for key, width in (
        ("name", 45), ("unit", 10), ("quantity", 10), ("budget", 13))),
    ("no_budget", form.NO_BUDGET, 10),
    *((key, form.COLUMN_BY_KEY[key].header, width) for key, width in (
        ("dimension", 6), ("indicator", 40), ("outcome", 30), ("q1", 8), ("q2", 8), ("q3", 8), ("q4", 8),
        ("department", 22))),
    ("source_file", "ไฟล์", 30), ("source_sheet", "แผ่นงาน", 14), ("source_row", "แถว", 7),
)
_DATA_INDEX = {key: i for i, (key, _, _) in enumerate(DATA_COLUMNS)}
_NUMBER_KEYS = {"fiscal_year", "no", "no_budget", "dimension", *form.QUARTER_KEYS, "source_row"}

PROBLEM_COLUMNS = (("ที่", 6), ("องค์กรปกครองส่วนท้องถิ่น", 28), ("อำเภอ", 12), ("ระดับ", 12), ("ปัญหา", 60),
                   ("แผ่นงาน", 14), ("เซลล์", 8), ("รหัส", 24), ("Problem (English)", 50), ("ไฟล์", 26))


def write_province(result: ProvinceResult, target: str | Path, as_of: dt.date, *,
                   summary_only: bool = False) -> None:
    """The province workbook at `target` (callers make that path atomic)."""
    import xlsxwriter

    from .master import DEFAULT_FONT_OPTIONS
    from .xlsx_style import WORKBOOK_OPTIONS, Formats

    target = Path(target)
    plans = result.plans
    with tempfile.TemporaryDirectory(prefix=".ita-province-", dir=target.parent) as folder:
        plain = Path(folder) / "plain.xlsx"
        workbook = xlsxwriter.Workbook(str(plain), {**WORKBOOK_OPTIONS, **DEFAULT_FONT_OPTIONS})
        try:
            styles = Formats(workbook, size=SUMMARY_SIZE)
            summary = _summary_sheet(workbook, styles, result, as_of)
            data = None
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

    from .master import BLANK, THAI_DECIMAL, THAI_NUMBER, header_text
    from .xlsx_style import THAI_INTEGER, a4_landscape, lines_height, row_height

    ws = workbook.add_worksheet(SUMMARY_SHEET)
    ws.activate()
    size = SUMMARY_SIZE
    widths = [w for _, w, _ in SUMMARY_COLUMNS]
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

    from .xlsx_style import THAI_INTEGER, a4_landscape, row_height

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
    from .master import THAI_NUMBER
    from .xlsx_style import a4_landscape, row_height

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
    for plan in result.plans:
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


@dataclass
class _DataSheet:
    """ข้อมูลรวม as xlsxwriter left it (the header), and the plans whose projects are streamed into it."""
    worksheet: Any
    plans: list[OrgPlan]
    rows: int
    text_format: Any
    number_format: Any
    amount_format: Any


def _data_sheet(workbook, styles, result: ProvinceResult) -> _DataSheet:
    from .xlsx_style import row_height

    ws = workbook.add_worksheet(DATA_SHEET)
    size = SUMMARY_SIZE
    text, number, amount = styles(), styles(num_format="0"), styles(num_format="#,##0.00")
    # The columns' own formats: what is typed there later looks the same, and every format gets
    # its style number (xf_index) when the workbook closes, for the streamed rows to use.
    for i, (key, _, width) in enumerate(DATA_COLUMNS):
        ws.set_column(i, i, width, amount if key == "budget" else number if key in _NUMBER_KEYS else text)
    head = styles(bold=True, bg_color="#D9D9D9", text_wrap=True, valign="top")
    ws.write_row(0, 0, [header for _, header, _ in DATA_COLUMNS], head)
    ws.set_row(0, row_height([(header, width) for _, header, width in DATA_COLUMNS], size))
    ws.set_default_row(row_height([("ก", 10)], size))
    plans = [plan for plan in result.counted if plan.read_as]
    rows = sum(plan.tally.projects for plan in plans)
    ws.freeze_panes(1, 1)
    ws.autofilter(0, 0, max(rows, 1), len(DATA_COLUMNS) - 1)
    return _DataSheet(ws, plans, rows, text, number, amount)


def _metadata_sheet(workbook, result: ProvinceResult, as_of: dt.date) -> None:
    from . import __version__

    counted = result.counted
    values = {
        "kind": KIND, "form_version": form.FORM_VERSION, "province": result.province,
        "fiscal_year": str(result.fiscal_year or ""), "data_as_of": as_of.isoformat(),
        "generated": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "generator": f"ita-workbook {__version__}", "files": str(len(result.plans)),
        "organisations": str(len(counted)), "projects": str(result.projects),
        "budget_total": f"{result.total.budget:.2f}",
    }
    ws = workbook.add_worksheet(form.METADATA_SHEET)
    for row, (key, value) in enumerate(values.items()):
        ws.write_string(row, 0, key)
        ws.write_string(row, 1, value)
    ws.hide()


# --- ข้อมูลรวม, streamed -----------------------------------------------------------------------------
# xlsxwriter keeps every cell of a sheet as an object until it closes: 350,000 projects x 21 columns
# took 46 s and 735 MB here, too slow and too big for a national consolidation. So xlsxwriter writes
# the whole workbook (styles, the header, the autofilter, the other sheets) with ข้อมูลรวม holding
# its header only, and the data rows are then streamed into that sheet's XML as inline strings,
# with the style numbers xlsxwriter gave the formats.

_XML_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;",
                **{c: f"_x{c:04X}_" for c in range(32) if c not in (9, 10)}, 0xFFFE: "_xFFFE_", 0xFFFF: "_xFFFF_"}
_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")
_ESCAPED_UNDERSCORE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_COMPRESS_LEVEL = 3  # measured on ข้อมูลรวม: 3 times faster than the default (6), a quarter larger
_CHUNK_BYTES = 8 << 20


def _xml_text(text: str) -> str:
    if not _NEEDS_ESCAPE.search(text):
        return text
    # A literal `_x0041_` in a clerk's text would be read back as "A": its underscore is escaped too.
    return _ESCAPED_UNDERSCORE.sub("_x005F_", text).translate(_XML_ESCAPES)


# Placeholders in rendered rows, filled in by the writer: the row number, and the style numbers that
# xlsxwriter gives the formats only when it closes the workbook. No cell text holds them (_xml_text
# escapes control characters).
_ROW, _END = b"\x00", b"\x04"
_STYLES = {"text": "\x01", "number": "\x02", "amount": "\x03"}


_LETTERS = {key: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i] for i, (key, _, _) in enumerate(DATA_COLUMNS)}
# Each column's cell up to its value: an inline string, or a number in the column's style.
_TEXT_OPEN = {key: f'<c r="{letter}\x00"{_STYLES["text"]} t="inlineStr"><is><t' for key, letter in _LETTERS.items()}
_NUMBER_OPEN = {key: f'<c r="{letter}\x00"{_STYLES["amount" if key == "budget" else "number"]}><v>'
                for key, letter in _LETTERS.items()}


def _cell(key: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
        return f"{_TEXT_OPEN[key]}{space}>{_xml_text(value)}</t></is></c>"
    return f"{_NUMBER_OPEN[key]}{int(value) if isinstance(value, bool) else value!r}</v></c>"


def _render_rows(plan: OrgPlan) -> bytes:
    """The plan's projects as rows of ข้อมูลรวม: XML with placeholders, compressed. Done where the plan
    is read (in the worker processes), so that 350,000 projects are never sent between processes."""
    cell = _cell
    # What every row of the plan repeats is made once.
    head = "".join(cell(key, value) for key, value in (
        ("organisation", plan.organisation), ("district", plan.district), ("province", plan.province),
        ("fiscal_year", plan.fiscal_year)))
    source = cell("source_file", readable(Path(plan.path).name))
    rows = ["".join(('<row r="\x00">', head, cell("no", p.no), cell("name", p.name), cell("unit", p.unit),
                     cell("quantity", p.quantity), cell("budget", p.budget), cell("no_budget", p.no_budget),
                     cell("dimension", p.dimension), cell("indicator", p.indicator), cell("outcome", p.outcome),
                     cell("q1", p.q1), cell("q2", p.q2), cell("q3", p.q3), cell("q4", p.q4),
                     cell("department", p.department), source, cell("source_sheet", p.sheet),
                     cell("source_row", p.row), "</row>"))
            for p in plan.projects]
    return zlib.compress("\x04".join(rows).encode("utf-8"), 1)


def _read_for_province(path: str, fiscal_year: int | None = None) -> OrgPlan:
    """A plan read, its rows rendered and its own texts measured for the summary: the work that the
    worker processes share."""
    plan = read_plan(path, fiscal_year)
    try:
        if plan.projects:
            plan.rows, plan.projects = _render_rows(plan), []
        plan.lines = _text_lines(plan)
    except Exception as exc:  # as in read_plan: named, never a traceback
        plan = _failed(path, exc)
        plan.lines = (1, 1)
    return plan


def _text_lines(plan: OrgPlan) -> tuple[int, int]:
    """Lines the plan's name, file and อำเภอ take on the summary: with the อำเภอ alone, and with
    its จังหวัด (shown when the plans are of several)."""
    from .xlsx_style import line_count, room, text_width

    def lines(text: str, col: int) -> int:
        width = SUMMARY_COLUMNS[col][1]
        # Most names fit on one line, which their width says at once; cutting Thai into words is slow.
        if "\n" not in text and text_width(text, SUMMARY_SIZE) <= 0.99 * room(width):
            return 1
        return line_count(text, width, SUMMARY_SIZE)

    own = max(lines(plan.organisation, 1), lines(readable(Path(plan.path).name), _FILE))
    return (max(own, lines(plan.district, 2)), max(own, lines(f"{plan.district} จ.{plan.province}".strip(), 2)))


def _stream_data_rows(plain: Path, target: Path, data: _DataSheet) -> None:
    """Copy `plain` to `target`, with the plans' rendered rows put into ข้อมูลรวม's sheet XML, numbered.
    A second thread compresses what is ready (zlib lets go of the GIL): two cores at work."""
    import queue
    import threading

    from xlsxwriter.utility import xl_col_to_name

    index = data.worksheet.index + 1  # xlsxwriter names the files sheet1.xml, sheet2.xml… in order
    part = f"xl/worksheets/sheet{index}.xml"
    last = f"{xl_col_to_name(len(DATA_COLUMNS) - 1)}{data.rows + 1}"
    styles = {_STYLES["text"].encode(): data.text_format, _STYLES["number"].encode(): data.number_format,
              _STYLES["amount"].encode(): data.amount_format}
    with zipfile.ZipFile(plain) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=_COMPRESS_LEVEL) as out:
        for info in source.infolist():
            if info.filename != part:
                out.writestr(info, source.read(info), compress_type=info.compress_type)
                continue
            xml = source.read(info).decode("utf-8")
            head, tail = xml.split("</sheetData>", 1)
            head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', head, count=1)
            # By name: a ZipInfo of our own would be deflated at the default level, not the archive's.
            with out.open(part, "w", force_zip64=True) as sheet:
                chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=4)
                failed: list[BaseException] = []

                def compress() -> None:
                    try:
                        while (chunk := chunks.get()) is not None:
                            sheet.write(chunk)
                    except BaseException as exc:  # noqa: BLE001 - raised again in the writing thread
                        failed.append(exc)
                        while chunks.get() is not None:  # drained, so that the writing thread never blocks
                            pass

                writer = threading.Thread(target=compress, daemon=True)
                writer.start()
                try:
                    chunks.put(head.encode("utf-8"))
                    number, batch, size = 2, [], 0
                    for plan in data.plans:
                        rows = zlib.decompress(plan.rows)
                        for marker, fmt in styles.items():
                            rows = rows.replace(marker, b' s="%d"' % fmt.xf_index)
                        rows = rows.split(_END)
                        batch.append(b"".join(row.replace(_ROW, b"%d" % n) for n, row in enumerate(rows, number)))
                        number += len(rows)
                        size += len(batch[-1])
                        # Large pieces: the other thread takes the GIL back after each, which can
                        # take this thread's switch interval (5 ms) every time.
                        if size >= _CHUNK_BYTES:
                            chunks.put(b"".join(batch))
                            batch, size = [], 0
                    chunks.put(b"".join(batch) + ("</sheetData>" + tail).encode("utf-8"))
                finally:
                    chunks.put(None)
                    writer.join()
                if failed:
                    raise failed[0]


# --- the PDF ---------------------------------------------------------------------------------------

def _write_pdf(result: ProvinceResult, target: Path, as_of: dt.date) -> None:
    """The PDF holds the summary sheet only: it is what gets printed and sent on."""
    from .pdf import PdfError, to_pdf

    with tempfile.TemporaryDirectory(prefix="ita-workbook-") as folder:
        copy = Path(folder) / f"{target.stem}.xlsx"
        write_province(result, copy, as_of, summary_only=True)
        try:
            result.pdf = to_pdf(copy, target)
        except PdfError as exc:
            result.pdf_error = str(exc)


