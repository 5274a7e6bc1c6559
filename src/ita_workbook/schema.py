"""The pandera model of a plan's rows, validated once over all rows of all files.

Each pandera `validate()` costs 10-15 ms whatever the size, so the rows of every file are checked in
one frame; each failure becomes a Problem at its cell. A check's `error` is its problem code, and the
code's severity (problems.CODES) decides whether it blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

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
    if frame.empty:
        return []
    try:
        plan_schema(department_names).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _failures(exc.failure_cases)
    return []


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
