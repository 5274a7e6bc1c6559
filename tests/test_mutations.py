"""The rule "every cell accounted for", tested by mutation: the seed plan's layouts (tests/layouts.py)
changed in ways the reader was not written for (tests/mutations.py: a new column, a budget split by
source, a unit in the header or the title, text-only rows, repeated headers and totals, hidden rows
and columns, other mark characters, cover sheets, spacers, a moved column, stray numbers).

The property: `check` reads the seed's counts, or an error points at the changed cells, rows or
columns; `check` never says OK with a wrong number; `province` agrees with it. Each sheet read also
keeps its ledger: every non-empty cell with exactly one fate, and every problem fate said.

`python tests/test_mutations.py [examples]` prints how each kind came out (silent wrong answers: 0).
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

import layouts  # noqa: E402
import mutations  # noqa: E402
from ita_workbook import grid  # noqa: E402
from ita_workbook.check import check_file  # noqa: E402
from ita_workbook.config import load_config  # noqa: E402
from ita_workbook.ledger import PROBLEM, VALUE, filled_cells  # noqa: E402
from ita_workbook.province import read_plan  # noqa: E402
from ita_workbook.reader import read_workbook  # noqa: E402
from ita_workbook.validate import validate_files  # noqa: E402
from seed import PLAN_TOML  # noqa: E402

RIGHT, REFUSED, SILENT, ELSEWHERE = "right", "refused", "silent", "pointed elsewhere"
LEDGER_CODES = {"unknown-column", "unknown-unit", "stray-value", "stray-text", "name-only-row", "nameless-row",
                "extra-column"}
CONFIG = load_config(PLAN_TOML)


def _letters_to_col(address: str) -> int:
    col = 0
    for ch in re.match(r"[A-Z]+", address).group(0):
        col = col * 26 + ord(ch) - 64
    return col - 1


def _points(problem, change: mutations.Change) -> bool:
    if problem.cell and _letters_to_col(problem.cell) in change.cols:
        return True
    return problem.row is not None and problem.row - 1 in change.rows


def _counts(tables) -> tuple:
    return (sum(t.projects for t in tables), tuple(sum(t.dimensions[i] for t in tables) for i in range(4)),
            tuple(sum(t.quarters[i] for t in tables) for i in range(4)), round(sum(t.budget for t in tables), 2))


def outcome(path: Path, variant: layouts.Variant, change: mutations.Change) -> tuple[str, list]:
    """How check read a mutated plan: right, refused (an error at the change), silent (a wrong or
    unknowable number with no error: never allowed) or pointed elsewhere; and province agreeing."""
    want = layouts.expected(variant)
    truth = (len(want.names), want.dimension_totals, want.quarter_totals, want.budget)
    report, tables = check_file(path)
    got = _counts(tables)
    errors = [p for p in report.problems if p.is_error]
    plan = read_plan(path)
    # province reads as check does: every error check finds (province checks more: a project without
    # a quarter); where province finds none, the same counts.
    assert {(p.code, p.cell) for p in errors} <= {(p.code, p.cell) for p in plan.problems if p.is_error}
    if not any(p.is_error for p in plan.problems):
        t = plan.tally
        assert (t.projects, t.dimensions, t.quarters, round(t.budget, 2)) == got
    # validate says what the ledger found, as check does.
    validated = validate_files([path], CONFIG, keep_invalid=True).report.all_problems()
    assert {(p.code, p.cell) for p in validated if p.code in LEDGER_CODES} == \
        {(p.code, p.cell) for p in report.problems if p.code in LEDGER_CODES}
    if got == truth and change.same:
        return RIGHT, errors
    if any(_points(p, change) for p in errors):
        return REFUSED, errors
    return (ELSEWHERE if errors else SILENT), errors


def assert_ledger(path: Path) -> None:
    """Every non-empty cell of each sheet read as a plan has exactly one fate; each problem fate is
    a problem of the file at its cell or its column; each value is a project row's."""
    book = read_workbook(path)
    loaded = {g.name: g for g in grid.load(path).grids}
    said = {(p.sheet, p.cell) for p in book.problems} | {(p.sheet, p.row) for p in book.problems}
    project_rows = {(r.sheet, r.row) for r in book.rows}
    assert book.ledgers
    for ledger in book.ledgers:
        assert ledger.doubles == []
        assert set(ledger.fates) == set(filled_cells(loaded[ledger.sheet]))
        for (r, c), (fate, what) in ledger.fates.items():
            if fate == PROBLEM:
                header = next((p for p in book.problems if p.code == what and p.cell and p.sheet == ledger.sheet
                               and _letters_to_col(p.cell) == c), None)
                assert header is not None or (ledger.sheet, r + 1) in said, (r, c, what)
            if fate == VALUE:
                assert (ledger.sheet, r + 1) in project_rows, (r, c, what)


@pytest.mark.parametrize("mutation", mutations.MUTATIONS, ids=lambda m: m.name)
def test_a_mutated_plan_is_read_right_or_refused_at_the_change(tmp_path_factory, mutation):
    folder = tmp_path_factory.mktemp(mutation.name)
    fitting = [v for v in mutations.BASES if mutation.fits(v)]

    @settings(max_examples=3, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data):
        variant = data.draw(st.sampled_from(fitting))
        sheet = mutations.load(variant, folder)
        change = mutation.apply(sheet, data.draw)
        path = sheet.write(folder / f"{mutation.name}.xlsx")
        result, errors = outcome(path, variant, change)
        assert result in (RIGHT, REFUSED), (result, [(p.code, p.cell, p.value) for p in errors])
        assert_ledger(path)

    run()


def test_a_unit_in_the_budget_header_multiplies_the_amounts(tmp_path):
    sheet = mutations.load(mutations.BASES[0], tmp_path)
    col = sheet.col("budget")
    sheet.rows[sheet.of_kind("header")[0]][col] = "งบประมาณ (พันบาท)"
    mutations._in_thousands(sheet)  # 10,000 บาท is typed 10
    first = sheet.of_kind("project")[0]
    sheet.rows[first][col] = 140
    path = sheet.write(tmp_path / "thousands.xlsx")
    book = read_workbook(path)
    assert book.rows[0].cells["budget"].value == 140_000
    report, tables = check_file(path)
    assert tables[0].budget == layouts.expected(mutations.BASES[0]).budget - 10_000 + 140_000
    assert [(p.code, p.column) for p in report.problems] == [("total-mismatch", "budget")]  # the stated total is now wrong


def test_a_unit_nobody_knows_is_an_error_at_its_cell(tmp_path):
    sheet = mutations.load(mutations.BASES[0], tmp_path)
    sheet.insert_row(sheet.of_kind("header")[0], "title", {5: "หน่วย : ดอลลาร์"})
    path = sheet.write(tmp_path / "dollars.xlsx")
    report, _ = check_file(path)
    assert [(p.code, p.cell, p.value) for p in report.problems] == [("unknown-unit", "F4", "ดอลลาร์")]
    assert any(p.is_error for p in report.problems)


def test_a_budget_split_by_source_is_added_up(tmp_path):
    sheet = mutations.load(mutations.BASES[0], tmp_path)
    change = mutations.split_budget(sheet, _first)
    path = sheet.write(tmp_path / "sources.xlsx")
    report, tables = check_file(path)
    assert change.same and len(change.cols) == 3
    assert tables[0].budget == layouts.expected(mutations.BASES[0]).budget
    assert report.problems == []


def _first(strategy):
    """A strategy's simplest value, for a test that needs one fixed mutation."""
    from hypothesis import find

    return find(strategy, lambda _: True)


def tally(examples: int = 10) -> Counter:
    """Each mutation kind run on `examples` drawn cases: outcome counts (for the closing note)."""
    counts: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for mutation in mutations.MUTATIONS:
            fitting = [v for v in mutations.BASES if mutation.fits(v)]

            @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
            @given(st.data())
            def run(data):
                variant = data.draw(st.sampled_from(fitting))
                sheet = mutations.load(variant, folder)
                change = mutation.apply(sheet, data.draw)
                path = sheet.write(folder / "m.xlsx")
                counts[(mutation.name, outcome(path, variant, change)[0])] += 1

            run()
    return counts


if __name__ == "__main__":
    found = tally(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
    for (name, result), n in sorted(found.items()):
        print(f"{name:20} {result:18} {n}")
    print("silent wrong answers:", sum(n for (_, r), n in found.items() if r == SILENT))
