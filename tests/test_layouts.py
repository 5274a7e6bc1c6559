"""Every layout family real plans use, rendered from the seed plan (tests/layouts.py), reads to the
same projects, มิติ, quarters and budget in `check`, `validate` and `province`, or names exactly what
its layout lacks; `check` finds exactly the totals that are wrong.

A sample of the variants runs by default (each family among them); ITA_ALL_LAYOUTS=1 runs all of them.
"""

from __future__ import annotations

import os

import pytest

import layouts
from ita_workbook.check import check_file
from ita_workbook.config import load_config
from ita_workbook.form import QUARTER_KEYS
from ita_workbook.province import read_plan
from ita_workbook.validate import validate_files
from seed import PLAN_TOML

VARIANTS = layouts.variants() if os.environ.get("ITA_ALL_LAYOUTS") else layouts.sample(9)


def _year(variant: layouts.Variant) -> int | None:
    return layouts.FISCAL_YEAR if variant.family == "four-year" else None


def test_the_variants_cover_every_family_and_shape():
    every = layouts.variants()
    assert {v.family for v in every} == {"yearly", "months", "four-year", "e-plannacc"}
    assert {v.subheadings for v in every} == {"", "merged", "split", "name", "beside"}
    assert any(v.repeat_header for v in VARIANTS)
    assert {v.header_rows for v in every} == {1, 2}
    assert {v.totals for v in every} == {"right", "wrong", "none"}
    assert {v.family for v in VARIANTS} == {"yearly", "months", "four-year", "e-plannacc"}


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: v.name)
def test_every_layout_reads_to_the_same_plan(tmp_path, variant):
    path = layouts.render(tmp_path / f"{variant.name}.xlsx", variant)
    want = layouts.expected(variant)
    quarters = (0, 0, 0, 0) if want.lacks else want.quarter_totals

    report, tables = check_file(path, _year(variant))
    assert [(t.projects, t.dimensions, t.quarters, t.budget) for t in tables] == \
        [(len(want.names), want.dimension_totals, quarters, want.budget)]
    expected_problems = sorted([("total-mismatch", key) for key in want.wrong_totals]
                               + [("layout-lacks", None)] * bool(want.lacks)
                               + [("totals-not-found", None)] * (variant.totals == "none")
                               + [("extra-column", None)] * variant.extra_column)
    assert sorted((p.code, p.column) for p in report.problems) == expected_problems
    if want.lacks:
        lacking = next(p for p in report.problems if p.code == "layout-lacks")
        assert set(lacking.value.split(",")) == set(want.lacks) and "ไตรมาส" in lacking.message

    plan = read_plan(path, _year(variant))
    entries = plan.projects
    assert [e.name for e in entries] == list(want.names)
    assert [e.dimension for e in entries] == list(want.dimensions)
    assert [(e.q1, e.q2, e.q3, e.q4) for e in entries] == list(want.quarters)
    assert [e.budget for e in entries] == list(want.budgets)
    assert (plan.tally.projects, plan.tally.dimensions, plan.tally.budget) == \
        (len(want.names), want.dimension_totals, want.budget)
    assert plan.lacks == set(want.lacks)
    assert (plan.organisation, plan.district, plan.fiscal_year) == ("เทศบาลตำบลโพทะเล", "โพทะเล", 2566)
    # Nothing province reports beyond what check reports, but the department names it does not check.
    assert {p.code for p in plan.problems} - {"missing-column", "missing-optional-column"} == \
        {code for code, _ in expected_problems}

    result = validate_files([path], load_config(PLAN_TOML), keep_invalid=True)
    projects = result.plan.projects
    assert result.rows_read == len(want.names)
    assert [p.name for p in projects] == list(want.names)
    assert [p.dimension for p in projects] == list(want.dimensions)
    assert [p.quarters for p in projects] == list(want.quarters)
    assert [p.budget for p in projects] == list(want.budgets)
    codes = {p.code for p in result.report.all_problems()}
    if variant.family in ("yearly", "months"):
        # The yearly form, however laid out: no error; the seed's own warnings, and a clerk's added column.
        assert result.report.errors == 0, [p.message for p in result.report.all_problems() if p.is_error]
        assert codes <= {"extra-column", "duplicate-project", "unit-is-number"}, codes
        assert ("extra-column" in codes) == variant.extra_column
    else:
        assert ("layout-lacks" in codes) == bool(want.lacks) and "header-not-found" not in codes
        missing = {p.column for p in result.report.all_problems() if p.code == "missing-column"}
        assert (set(QUARTER_KEYS) <= missing) == bool(want.lacks) and "name" not in missing
        assert not missing & set(QUARTER_KEYS) or want.lacks
