"""The pandera model of a plan's rows, validated once over all rows of all files.

Each pandera `validate()` costs 10-15 ms whatever the size, so the rows of every file are checked in
one frame; each failure becomes a Problem at its cell. A check's `error` is its problem code, and the
code's severity (problems.CODES) decides whether it blocks.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import pandas as pd

# pandera loads its data-synthesis strategies with its built-in checks, and with them hypothesis (a
# test tool) whenever it is installed: 0.06 s of every command, for something a plan's checks never
# use. Unless the process has it already (a test run), pandera is loaded as if it were not installed.
_HIDE_HYPOTHESIS = "hypothesis" not in sys.modules
if _HIDE_HYPOTHESIS:
    sys.modules["hypothesis"] = None  # type: ignore[assignment]  # `import hypothesis` → ImportError
try:
    import pandera.backends.pandas.builtin_checks  # noqa: F401 - where pandera imports its strategies
    import pandera.pandas as pa
finally:
    if _HIDE_HYPOTHESIS and "hypothesis" in sys.modules and sys.modules["hypothesis"] is None:
        del sys.modules["hypothesis"]

from .form import QUARTER_KEYS
from .thai import parse_number

# Columns of the frame (one row per project row read), besides the form's own keys.
NO_BUDGET = "no_budget"
NAME_KEY = "name_key"  # the project name without spaces, for duplicates


@dataclass(frozen=True)
class Failure:
    index: int  # row of the frame
    code: str
    column: str | None  # form column key, None for a check on the whole row


def _unit_is_word(units: pd.Series) -> pd.Series:
    return units.map(lambda u: not isinstance(u, str) or parse_number(u) is None)


def plan_schema(department_names: list[str]) -> pa.DataFrameSchema:
    def required(checks=None, nullable=False, dtype=None):
        return pa.Column(dtype, checks=checks or [], nullable=nullable, coerce=False)

    return pa.DataFrameSchema(
        {
            "name": required(),
            "unit": required([pa.Check(_unit_is_word, error="unit-is-number")]),
            "quantity": required(),
            "budget": required([pa.Check.ge(0, error="bad-budget")], nullable=True, dtype=float),
            NO_BUDGET: required(dtype=bool),
            "dimension": required([pa.Check.isin([1, 2, 3, 4], error="bad-dimension")], dtype=float),
            "indicator": required(),
            "outcome": required(nullable=True),
            **{q: required(dtype=bool) for q in QUARTER_KEYS},
            "department": required([pa.Check.isin(department_names, error="unknown-department")]),
            NAME_KEY: required([pa.Check(lambda s: ~s.duplicated(keep=False), error="duplicate-project")],
                               nullable=True),
        },
        checks=[
            pa.Check(lambda df: df[list(QUARTER_KEYS)].any(axis=1), error="no-quarter"),
            pa.Check(lambda df: df["budget"].notna() | df[NO_BUDGET], error="missing-budget"),
        ],
    )


def check_rows(frame: pd.DataFrame, department_names: list[str]) -> list[Failure]:
    return check_frame(frame, plan_schema(department_names))


def check_frame(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> list[Failure]:
    """Every failure of `schema` over `frame` (all rows of all files), one per row, code and column."""
    if frame.empty:
        return []
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _failures(exc.failure_cases)
    return []


# Columns of a result report's frame besides its form's keys: what the plan says of the project.
PLAN_NO_BUDGET = "plan_no_budget"
PLAN_EARLY = "plan_early"  # planned for quarter 1 or 2


def report_schema(round_: int) -> pa.DataFrameSchema:
    """The rules on a result report's rows (report_form.py); the matching to the plan is report.py's."""
    from .report_form import CANNOT, NOT_STARTED, OTHER_REASON

    def amount():
        return pa.Column(float, [pa.Check.ge(0, error="bad-amount")], nullable=True, coerce=False)

    def written(code: str):  # an empty cell fails it (pandera skips empty cells unless told)
        return pa.Column(checks=[pa.Check(lambda s: s.notna(), ignore_na=False, error=code)], nullable=True)

    def row_check(code: str, failing) -> pa.Check:
        return pa.Check(lambda df: ~failing(df), error=code)

    cannot = lambda df: df["status"] == CANNOT  # noqa: E731
    money = lambda df: (df["budget_ordinance"].fillna(0) > 0) | (df["disbursed"].fillna(0) > 0)  # noqa: E731
    checks = [
        row_check("missing-reason", lambda df: cannot(df) & (
            df["reason"].isna() | ((df["reason"] == OTHER_REASON) & df["reason_other"].isna()))),
        row_check("disbursed-over-budget", lambda df: df["disbursed"] > df["budget_ordinance"]),
        row_check("money-without-budget", lambda df: df[PLAN_NO_BUDGET] & money(df)),
    ]
    if round_ == 6:
        checks.append(row_check("not-started-late", lambda df: (df["status"] == NOT_STARTED) & df[PLAN_EARLY]))
    return pa.DataFrameSchema(
        {
            "status": pa.Column(nullable=False),
            "budget_ordinance": amount(),
            "disbursed": amount(),
            "problems": written("empty-problems"),
            "suggestions": written("empty-problems"),
        },
        checks=checks,
    )


def _failures(cases: pd.DataFrame) -> list[Failure]:
    found: dict[tuple[int, str, str | None], Failure] = {}
    for context, column, check, index in cases[["schema_context", "column", "check", "index"]].itertuples(
            index=False):
        if index is None or pd.isna(index):
            continue
        if check == "not_nullable":
            code = "missing-value"
        elif check == "missing-budget":
            code, column = "missing-value", "budget"
        else:
            code = str(check)
        if context == "DataFrameSchema" and code != "missing-value":
            column = None  # a check of the whole row: pandera lists every column of it
        key = (int(index), code, column)
        found.setdefault(key, Failure(int(index), code, column))
    return list(found.values())
