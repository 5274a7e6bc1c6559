"""Reading one organisation's plan into an OrgPlan: a master through its hidden details, its data
sheet and its printed form sheet; any other plan laid out like the form as `check` reads it."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from .. import cells, form
from ..problems import Problem
from ..reader import RawRow, Workbook, read_workbook
from ..thai import squeeze, to_thai_digits
from .checks import _check_master, _compare_printed
from .identify import _identify, _name_from_file
from .model import KIND, MASTER_DATA_SHEET, MASTER_FORM_SHEET, MASTER_KIND, REPORT_SHEET, Entry, OrgPlan, Tally
from .reports import OrgReport, is_report, read_report

def read_plan(path: str | Path, fiscal_year: int | None = None) -> OrgPlan | OrgReport:
    """One organisation's plan, or its result report (a workbook `ita-workbook report` wrote: an
    OrgReport). Never raises for a bad file: what is wrong becomes a Problem.
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


def _read_plan(path: Path, fiscal_year: int | None = None, trust_seal: bool = True) -> OrgPlan | OrgReport:
    book, sealed = _load_plan(path, fiscal_year, trust_seal)
    meta = book.metadata
    if is_report(book):
        return read_report(book)
    plan = OrgPlan(book.path, problems=list(book.problems))
    if meta.get("kind") == KIND:
        plan.counted = False
        plan.problems = [Problem("province-as-input", book.path)]
        return plan
    data_tally = None
    if _is_master(book):
        plan.read_as = "master"
        data = _master_projects(plan, book.sheets[MASTER_DATA_SHEET])
        if sealed and not _printed_adds_nothing(plan, meta, data):
            return _read_plan(path, fiscal_year, trust_seal=False)  # what its printed sheet says is wanted
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
    plan.fingerprint = _fingerprint(plan.projects)
    _identify(plan, meta, book)
    if plan.read_as == "master":
        _check_master(plan, meta, data_tally or plan.tally)
    from ..check import check_table

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


def _load_plan(path: Path, fiscal_year: int | None = None, trust_seal: bool = True) -> tuple[Workbook, bool]:
    """A master's hidden details, data sheet and printed form sheet, without its other sheets (the
    national benchmark spends half its time on them otherwise); a result report's data sheet and
    printed sheet, kept as cells; every sheet of any other plan. True with a master whose printed
    sheet was left unread, its seal holding (`trust_seal`: see _read_sealed)."""
    book, sealed = _read_sealed(path, fiscal_year, trust_seal)
    if _is_master(book) or book.metadata.get("kind") == KIND or is_report(book):
        return book, sealed and _is_master(book)
    failed = any(p.code == "unreadable-file" and p.sheet is None for p in book.problems)
    if not failed and (book.kind in ("xlsx", "xlsm") or MASTER_DATA_SHEET in book.sheets or REPORT_SHEET in book.sheets):
        return read_workbook(path, fiscal_year=fiscal_year), False  # an xlsx's other sheets, or a sheet named ข้อมูล read as a table
    return book, False


def _read_sealed(path: Path, fiscal_year: int | None, trust_seal: bool) -> tuple[Workbook, bool]:
    """`read_workbook` of those sheets, but a printed sheet whose seal holds (merge wrote it, and no
    spreadsheet program saved the file since: grid.seal) is not read: it is the data sheet as merge
    printed it, and reading it would cost half of a national run's CPU only to find no edit."""
    book = read_workbook(path, keep_sheets=(MASTER_DATA_SHEET, REPORT_SHEET),
                         only_sheets=(MASTER_DATA_SHEET, MASTER_FORM_SHEET, REPORT_SHEET), fiscal_year=fiscal_year,
                         sealed=MASTER_FORM_SHEET if trust_seal else None)
    return book, book.sealed == MASTER_FORM_SHEET


def _printed_adds_nothing(plan: OrgPlan, meta: dict[str, str], data: list[Entry]) -> bool:
    """Whether an untouched printed sheet (the data sheet as merge printed it) can tell province no
    more than the data sheet: a final plan whose data sheet holds projects and reads without a
    problem, each value one the printed sheet's reading takes as it is. A draft, an empty master or
    one with a doubtful value is read in full, so that its printed sheet says what it says of it."""
    if meta.get("draft") == "yes" or not data or plan.problems:
        return False
    try:
        for entry in data:
            if not entry.name:
                return False
            for key, parser, _, _ in _FORM_PARSED:
                parser(getattr(entry, key))
    except cells.CellError:
        return False
    return True


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


_PARSERS = {form.BUDGET: cells.parse_summed_budget, form.MARK: cells.parse_mark, form.DIMENSION: cells.parse_dimension,
            form.QUANTITY: cells.parse_quantity, form.DEPARTMENT: cells.parse_department}


# (key, parser, reported by check_table, the value when unreadable) of each column a row is parsed in.
_FORM_PARSED = tuple((c.key, _PARSERS.get(c.kind, cells.parse_text), c.kind in (form.BUDGET, form.MARK),
                      (None, False) if c.kind == form.BUDGET else None)
                     for c in form.COLUMNS if c.key != "no")
_QUARTERS = frozenset(form.QUARTER_KEYS)


def _form_entry(plan: OrgPlan, raw: RawRow, number: int, lacks: set[str] = frozenset()) -> Entry:
    """A row of a table laid out like the form, parsed cell by cell (check_table reports the budget
    and the quarter marks it cannot read; the rest is reported here)."""
    values: dict[str, Any] = {}
    found = raw.cells
    for key, parser, checked, unreadable in _FORM_PARSED:
        cell = found.get(key)
        value = None
        if cell is not None:
            if cell.unevaluated:
                _row_problem(plan, raw, "formula-without-value", key)
            else:
                value = cell.value
        try:
            values[key] = parser(value)
        except cells.CellError as exc:
            if not checked:  # check_table says these
                _row_problem(plan, raw, exc.code, key)
            values[key] = unreadable
    budget, no_budget = values["budget"]
    dimension = values["dimension"]
    if dimension is not None and dimension not in (1, 2, 3, 4):
        _row_problem(plan, raw, "bad-dimension", "dimension")
        dimension = None
    for key in ("name", "dimension"):
        if values[key] is None and key in found and not found[key].unevaluated \
                and raw.value(key) in (None, "") and key not in lacks:
            _row_problem(plan, raw, "missing-value", key)
    # A quarter cell that could not be read (None) is said by check_table, and not again as no quarter
    # (as validate does).
    quarters = (values["q1"], values["q2"], values["q3"], values["q4"])
    if not any(quarters) and not lacks & _QUARTERS and None not in quarters:
        _row_problem(plan, raw, "no-quarter", "q1")
    quantity = values["quantity"]
    return Entry(number, values["name"] or "", values["unit"] or "",
                 "" if quantity is None else quantity, budget, no_budget, dimension, values["indicator"] or "",
                 values["outcome"] or "", *(bool(values[q]) for q in form.QUARTER_KEYS),
                 (values["department"] or "").replace("\n", " "), raw.sheet, raw.row)


def _row_problem(plan: OrgPlan, raw: RawRow, code: str, key: str) -> None:
    cell = raw.cells.get(key)
    plan.problems.append(Problem(code, raw.path, sheet=raw.sheet, row=raw.row, column=key,
                                 cell=cell.address if cell else None, value=raw.value(key)))


def _unique(problems: list[Problem]) -> list[Problem]:
    seen = set()
    kept = []
    for p in problems:
        key = (p.code, p.sheet, p.cell, p.row, p.column, p.value if isinstance(p.value, (str, int, float)) else None)
        if key not in seen:
            seen.add(key)
            kept.append(p)
    return kept


def _fingerprint(projects: list[Entry]) -> str:
    """A digest of the projects, in any order, as they count: the same plan read from two files."""
    if not projects:
        return ""
    import hashlib

    lines = sorted(repr((squeeze(p.name), p.budget, p.no_budget, p.dimension, p.q1, p.q2, p.q3, p.q4,
                         squeeze(p.department))) for p in projects)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
