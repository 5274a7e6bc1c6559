"""A clean plan: the projects read from the departments' files, with where each came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from .form import DIMENSIONS, QUARTER_KEYS
from .output import readable


@dataclass(frozen=True, slots=True)
class Source:
    path: str
    sheet: str
    row: int  # the spreadsheet row of the project's first line (1-based)
    cells: tuple[tuple[str, str], ...] = ()  # (column key, A1 address) of every value read

    def cell(self, key: str) -> str | None:
        return dict(self.cells).get(key)


@dataclass(slots=True)
class Project:
    name: str
    unit: str
    quantity: float | str  # a number, or words such as ทุกครั้งที่ดำเนินการ
    budget: float | None  # None: ไม่ใช้งบประมาณ
    dimension: int  # 1-4
    indicator: str
    outcome: str
    quarters: tuple[bool, bool, bool, bool]
    department: str
    source: Source | None = None
    has_errors: bool = False  # kept in a draft master, highlighted
    # e-PlanNACC's fields beyond the form (form.OFFERED_COLUMNS), where the file has them.
    type: str = ""  # ประเภท as typed; eplan derives it from the name when empty
    target_group: str = ""
    objective: str = ""

    @property
    def budget_value(self) -> float:
        return self.budget or 0.0

    def to_record(self) -> dict:
        """Plain values, as on the data sheet and in JSON."""
        src = self.source
        return {
            "name": self.name, "unit": self.unit, "quantity": self.quantity, "budget": self.budget,
            "dimension": self.dimension, "indicator": self.indicator, "outcome": self.outcome,
            **dict(zip(QUARTER_KEYS, self.quarters)), "department": self.department,
            "source_file": readable(src.path) if src else "", "source_sheet": src.sheet if src else "",
            "source_row": src.row if src else None,
        }


@dataclass
class Plan:
    projects: list[Project] = field(default_factory=list)
    organisation: str = ""
    district: str = ""
    province: str = ""
    fiscal_year: int | None = None

    def ordered(self, department_order: list[str]) -> list[Project]:
        """By มิติ, then the configured department order, then as they came."""
        rank = {name: i for i, name in enumerate(department_order)}
        indexed = list(enumerate(self.projects))
        # A project of several departments (สำนักปลัด/กองคลัง) goes with the first of them.
        indexed.sort(key=lambda ip: (ip[1].dimension, rank.get(ip[1].department.split("/")[0], len(rank)), ip[0]))
        return [p for _, p in indexed]

    def count_by_dimension(self) -> dict[int, int]:
        counts = {d.number: 0 for d in DIMENSIONS}
        for p in self.projects:
            counts[p.dimension] = counts.get(p.dimension, 0) + 1
        return counts

    def quarter_counts(self) -> list[int]:
        return [sum(p.quarters[i] for p in self.projects) for i in range(4)]

    def budget_total(self) -> float:
        return sum(p.budget_value for p in self.projects)
