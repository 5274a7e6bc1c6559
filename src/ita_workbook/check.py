"""An existing plan's stated totals against its rows.

The `รวม…` row under a plan's table states the number of projects (in its label, `รวมทั้งสิ้น ๔๑
โครงการ`), the projects of each quarter and often the budget. People count these by hand and get
them wrong; this recounts them from the rows and reports every stated total that differs, at its cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cells import CellError, is_excel_error, parse_summed_budget, parse_dimension, parse_mark
from .form import QUARTER_KEYS, YEAR_PREFIX
from .problems import FileReport, Problem, Report, json_text
from .reader import RawCell, RawRow, Table, lacks_problem, read_workbook
from .thai import parse_number, squeeze, to_arabic_digits

_LABEL_COUNT = re.compile(r"(\d[\d,]*)")


@dataclass
class TableCheck:
    """One table's totals: what its rows add up to, and where it was."""
    path: str
    sheet: str
    projects: int
    quarters: tuple[int, int, int, int]
    budget: float
    has_totals: bool
    dimensions: tuple[int, int, int, int] = (0, 0, 0, 0)
    layout: str = "yearly"
    lacks: tuple[str, ...] = ()  # what the table does not carry, so not counted (form.COUNTED_KEYS)


@dataclass
class CheckResult:
    report: Report
    tables: list[TableCheck]

    def to_dict(self) -> dict[str, Any]:
        """The report's to_dict() (what `check --format json` prints)."""
        return self.report.to_dict()

    def to_json(self) -> str:
        return json_text(self.to_dict())


def check_files(paths: list[str | Path], fiscal_year: int | None = None, progress=None) -> CheckResult:
    """`fiscal_year`: of a 4-year plan, the year whose budget is counted (else each year's total is
    checked and the budget is said to be missing). `progress(files read, files)`: as for validate_files."""
    report = Report()
    tables: list[TableCheck] = []
    for done, path in enumerate(paths):
        if progress:
            progress(done, len(paths))
        file_report, checked = check_file(path, fiscal_year)
        report.files.append(file_report)
        tables.extend(checked)
    return CheckResult(report, tables)


def check_file(path: str | Path, fiscal_year: int | None = None) -> tuple[FileReport, list[TableCheck]]:
    book = read_workbook(path, fiscal_year=fiscal_year)
    file_report = FileReport(book.path, projects=0 if book.tables else None, problems=list(book.problems))
    checked = []
    for table in book.tables:
        problems, counted = check_table(book.path, table)
        file_report.problems.extend(problems)
        file_report.projects += counted.projects
        checked.append(counted)
    return file_report, checked


def check_table(path: str, table: Table) -> tuple[list[Problem], TableCheck]:
    """What the rows add up to, against the totals row; never "OK" about what could not be counted
    (a layout without quarters or มิติ says so, a table without projects is `nothing-counted`)."""
    problems: list[Problem] = []
    quarters = [0, 0, 0, 0]
    dimensions = [0, 0, 0, 0]
    budget = 0.0
    years = {year: 0.0 for year in table.years} if table.budget_year is None else {}
    months = {key: 0 for key in table.columns if key.startswith("month")}
    for row in table.rows:
        for key in months:  # a wrong mark is reported through its quarter's cell
            try:
                months[key] += parse_mark(row.cells[key].value)
            except CellError:
                pass
        for i, key in enumerate(QUARTER_KEYS):
            cell = row.cells.get(key)
            try:
                quarters[i] += cell is not None and parse_mark(cell.value)
            except CellError as exc:
                problems.append(_cell_problem(exc.code, path, row, key, cell))
        cell = row.cells.get("dimension")
        failed = "bad-dimension"  # what a มิติ out of 1-4 is; a cell that is no มิติ at all says its own code
        try:
            number = parse_dimension(cell.value) if cell is not None and not cell.unevaluated else None
        except CellError as exc:
            number, failed = None, exc.code
        if number in (1, 2, 3, 4):
            dimensions[number - 1] += 1
        elif cell is not None:  # a project no มิติ count holds: said, as validate and province say it
            code = ("formula-without-value" if cell.unevaluated else
                    "missing-value" if cell.value is None else failed)
            problems.append(_cell_problem(code, path, row, "dimension", cell))
        budget += _amount(path, row, "budget", problems)
        for year in years:
            years[year] += _amount(path, row, f"{YEAR_PREFIX}{year}", problems)
    counted = TableCheck(path, table.sheet, len(table.rows), tuple(quarters), budget, table.totals is not None,
                         tuple(dimensions), table.layout.key if table.layout else "yearly", tuple(table.lacks))
    if (lacking := lacks_problem(path, table)) is not None:
        problems.append(lacking)
    if not table.rows:
        problems.append(Problem("nothing-counted", path, sheet=table.sheet, row=table.header_row))
    if table.totals is None:
        last = table.rows[-1].row if table.rows else table.header_row
        problems.append(Problem("totals-not-found", path, sheet=table.sheet, row=last + 1))
        return problems, counted
    totals = table.totals
    problems.extend(_label_count(path, totals, len(table.rows)))
    if "budget" not in table.lacks:
        problems.extend(_compare(path, totals, "budget", budget, _stated_budget))
    for year, amount in years.items():
        problems.extend(_compare(path, totals, f"{YEAR_PREFIX}{year}", amount, _stated_budget))
    for key, count in months.items():
        problems.extend(_compare(path, totals, key, count, _stated_count))
    for key, count in zip(QUARTER_KEYS, quarters):
        if key not in table.lacks and not months:  # a months table states its months' totals
            problems.extend(_compare(path, totals, key, count, _stated_count))
    return problems, counted


def _amount(path: str, row: RawRow, key: str, problems: list[Problem]) -> float:
    """A row's budget, once: a budget merged down several rows is one amount, typed once. A negative
    or unreadable amount is reported and never added."""
    cell = row.cells.get(key)
    if cell is None or cell.inherited:
        return 0.0
    try:
        return parse_summed_budget(cell.value)[0] or 0.0
    except CellError as exc:
        problems.append(_cell_problem(exc.code, path, row, key, cell))
        return 0.0


def _label_count(path: str, totals: RawRow, projects: int) -> list[Problem]:
    """The count written in the label (`รวมทั้งสิ้น ๔๑ โครงการ`), when it holds one."""
    match = _LABEL_COUNT.search(to_arabic_digits(squeeze(totals.label)))
    if not match:
        return []
    stated = parse_number(match.group(1))
    if stated == projects:
        return []
    cell = next((c for k in ("no", "name") if (c := totals.cells.get(k)) is not None
                 and not c.inherited and isinstance(c.value, str) and c.value.strip() == totals.label), None)
    # The project count is the count of the project column (แผนงาน/โครงการ/กิจกรรม).
    return [Problem("total-mismatch", path, sheet=totals.sheet, cell=cell.address if cell else None,
                    row=totals.row, column="name", value=_number(stated or 0), detail=str(projects))]


def _compare(path: str, totals: RawRow, key: str, counted: float, parse) -> list[Problem]:
    cell = totals.cells.get(key)
    if cell is None or cell.inherited:
        return []
    if cell.unevaluated:
        return [_cell_problem("formula-without-value", path, totals, key, cell)]
    if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
        return []  # nothing stated
    if is_excel_error(cell.value):
        return [_cell_problem("excel-error", path, totals, key, cell)]
    stated = parse(cell.value)
    if stated is not None and abs(stated - counted) < 0.005:
        return []
    shown = _number(stated) if stated is not None else str(cell.value).strip()
    return [Problem("total-mismatch", path, sheet=totals.sheet, cell=cell.address, row=totals.row,
                    column=key, value=shown, detail=_number(counted))]


def _stated_count(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return parse_number(re.sub(r"โครงการ$", "", squeeze(str(value))))


def _stated_budget(value: Any) -> float | None:
    try:
        return parse_summed_budget(value)[0]
    except CellError:
        return None


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _cell_problem(code: str, path: str, row: RawRow, key: str, cell: RawCell | None) -> Problem:
    return Problem(code, path, sheet=row.sheet, cell=cell.address if cell else None, row=row.row,
                   column=key, value=None if cell is None else cell.value)


def summary_text(tables: list[TableCheck]) -> str:
    """What the rows add up to, per table, for the person reading the report."""
    lines = ["นับจากรายการในตาราง / counted from the rows:"]
    for t in tables:
        q = " / ".join(str(n) for n in t.quarters)
        d = " / ".join(str(n) for n in t.dimensions)
        lacks = set(t.lacks)
        q = "-" if lacks & set(QUARTER_KEYS) else q
        d = "-" if "dimension" in lacks else d
        money = "-" if "budget" in lacks else f"{_number(t.budget)} บาท"
        lines.append(f"  {t.path} [{t.sheet}]: {t.projects} โครงการ/projects · มิติ/dimensions 1–4: {d} · "
                     f"ไตรมาส/quarters 1–4: {q} · งบประมาณ/budget {money}")
    return "\n".join(lines)
