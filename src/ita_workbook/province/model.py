"""The province's records: an organisation's plan as read (OrgPlan), its projects (Entry) and
what the summary says of it (Tally); the names of the sheets read and written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, NamedTuple

from .. import form
from ..problems import Problem

SUMMARY_SHEET = "สรุปจังหวัด"
DATA_SHEET = "ข้อมูลรวม"
CHART_SHEET = "แผนภูมิ"
PROBLEMS_SHEET = "ปัญหา"
KIND = "province"
MASTER_KIND = "master"
MASTER_DATA_SHEET = "ข้อมูล"  # master.DATA_SHEET, named here so that reading needs no xlsxwriter
MASTER_FORM_SHEET = "แผนปฏิบัติการ"
REPORT_KIND = "report"  # report.KIND: a result report workbook (ita-workbook report)
REPORT_SHEET = "รายงานผล"  # report_workbook.REPORT_SHEET, named here so that reading needs no xlsxwriter
REPORT_DATA_SHEET = MASTER_DATA_SHEET  # report_workbook.DATA_SHEET: the same name as the master's
RESULTS_SHEET = "สรุปรายงานผล"  # the province workbook's table of the result reports
SUMMARY_SIZE = 14  # the province workbook's font size


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

    def known(self, lacks: Iterable[str]) -> dict[str, Any]:
        """As JSON: what a table that `lacks` these columns cannot tell (its layout-lacks) is null,
        never counted as zero."""
        lacks = set(lacks)
        return {"projects": self.projects, "dimensions": None if "dimension" in lacks else list(self.dimensions),
                "quarters": None if lacks & set(form.QUARTER_KEYS) else list(self.quarters),
                "budget": None if "budget" in lacks else self.budget}

    @classmethod
    def total(cls, tallies: Iterable[Tally]) -> Tally:
        found = list(tallies)

        def added(field: int) -> tuple:  # one sum per มิติ or quarter
            return tuple(sum(t[field][k] for t in found) for k in range(4))

        return cls(sum(t.projects for t in found), added(1), added(2), sum(t.budget for t in found), added(4))


@dataclass
class Counted:
    """An organisation's plan or report as read: who it is, what its problems say of it, and its
    status from them."""
    path: str
    organisation: str = ""
    district: str = ""  # อำเภอ, without the word
    province: str = ""  # จังหวัด, without the word
    fiscal_year: int | None = None
    read_as: str = ""  # "master", "form" or "report"; "" when the file could not be read as one
    name_from: str = ""  # "metadata", "title" or "file-name"
    problems: list[Problem] = field(default_factory=list)
    # False: left out and said (a plan: a province workbook; a report: of another round or year)
    counted: bool = True

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


@dataclass
class OrgPlan(Counted):
    """One organisation's plan as read, with the problems found in it."""
    projects: list[Entry] = field(default_factory=list)  # emptied once rendered into `rows` (consolidate)
    lacks: set[str] = field(default_factory=set)  # what its layout does not carry (form.COUNTED_KEYS)
    layout: str = ""  # form.LAYOUTS key of a plan read as a table ("" for a master)
    tally: Tally = Tally()  # counted from the projects as they were read
    rows: bytes = b""  # the projects as rows of ข้อมูลรวม, compressed (see _render_rows)
    # Lines its own texts take on the summary (name, file, อำเภอ without and with the จังหวัด),
    # measured where it was read: measuring Thai text is slow, and there may be thousands of plans.
    lines: tuple[int, int] = (0, 0)
    # Its projects as a whole (names, budgets, มิติ, quarters, departments): the same plan sent twice
    # under two names is told by it (checks.check_together). "" for a plan without projects.
    fingerprint: str = ""

    def to_dict(self) -> dict[str, Any]:
        # A file not read, or left out: nothing of it is known.
        counts = self.tally.known(self.lacks) if self.read_as and self.counted else \
            dict.fromkeys(("projects", "dimensions", "quarters", "budget"))
        return {"path": self.path, "organisation": self.organisation, "district": self.district,
                "province": self.province, "fiscal_year": self.fiscal_year, "read_as": self.read_as or None,
                "name_from": self.name_from or None, "status": self.status, "projects": counts["projects"],
                "layout": self.layout or None, "dimensions": counts["dimensions"], "quarters": counts["quarters"],
                "budget": counts["budget"], "errors": self.errors, "warnings": self.warnings,
                "problems": [p.to_dict() for p in self.problems]}
