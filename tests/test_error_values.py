"""Cells showing an Excel error (#DIV/0!, #N/A, #VALUE!, #REF!) in .xls and .ods files are `excel-error`
at their cell, as in an xlsx: calamine reads them as empty cells, which would make a quarter
silently unmarked and a budget silently missing (grid._xls_errors, grid._ods_merges_and_errors).

`tests/data/excel-errors.xls` and `.ods` were made once by `error_plan()` below and LibreOffice 7.4
(`soffice --headless --convert-to xls|ods`); the test that makes them afresh skips without soffice.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from ita_workbook.cli import main
from ita_workbook.pdf import find_libreoffice
from workbooks import good, write_form

DATA = Path(__file__).parent / "data"
# (cell, what it shows): a budget, a quarter mark (the project's only one besides q2), a name and a
# มิติ, each a formula that fails.
ERRORS = [("E3", "#DIV/0!"), ("I4", "#N/A"), ("B5", "#VALUE!"), ("F6", "#REF!")]


def error_plan(path: Path) -> Path:
    rows = [good(1, budget="=1/0"), good(2, q1="=NA()", q2="/"), good(3, name='="a"+1'), good(4, dimension="=#REF!")]
    return write_form(path, rows, title=False)


def _problems(path: Path, *command: str) -> tuple[int, list[tuple[str, str, str]]]:
    result = CliRunner().invoke(main, [*command, str(path), "--format", "json"])
    report = json.loads(result.output)
    return result.exit_code, sorted((p["code"], p["cell"], p["value"]) for f in report["files"]
                                    for p in f["problems"] if p["code"] not in ("totals-not-found",))


def _assert_errors_at_their_cells(path: Path, tmp_path: Path) -> None:
    want = sorted(("excel-error", cell, shown) for cell, shown in ERRORS)
    status, problems = _problems(path, "validate")
    assert status == 1 and problems == want, problems
    status, problems = _problems(path, "check")
    # check counts quarters, มิติ and the budget (not the name): each error where it counts.
    assert status == 1 and problems == [p for p in want if p[1] != "B5"], problems
    out = tmp_path / f"province-{path.suffix[1:]}.xlsx"
    result = CliRunner().invoke(main, ["province", str(path), "-o", str(out), "--format", "json"])
    org = json.loads(result.output)["organisations"][0]
    found = sorted((p["code"], p["cell"], p["value"]) for p in org["problems"] if p["code"] == "excel-error")
    # Row 4 is marked in q2 only: its q1 error is never counted as a mark, nor as no mark silently.
    assert found == want and org["quarters"] == [3, 1, 0, 0] and org["budget"] == 0


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_error_values_of_committed_xls_and_ods_files_are_reported_at_their_cells(tmp_path, suffix):
    _assert_errors_at_their_cells(DATA / f"excel-errors.{suffix}", tmp_path)


@pytest.mark.skipif(find_libreoffice() is None, reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("suffix", ["xls", "ods", "xlsx"])
def test_error_values_of_files_libreoffice_saves_are_reported_at_their_cells(tmp_path, suffix):
    (tmp_path / "source").mkdir()
    source = error_plan(tmp_path / "source" / "plan.xlsx")
    out = tmp_path / "out"
    subprocess.run([str(find_libreoffice()), "--headless", "--norestore",
                    f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to", suffix,
                    "--outdir", str(out), str(source)], capture_output=True, timeout=180, check=False)
    converted = out / f"plan.{suffix}"
    assert converted.exists(), "LibreOffice did not convert the plan"
    _assert_errors_at_their_cells(converted, tmp_path)


def test_error_fixtures_are_what_error_plan_makes(tmp_path):
    """The committed files hold the errors error_plan() writes, in the same cells (so that the
    fixture test above tests what this file says)."""
    from ita_workbook.grid import load_here

    for suffix in ("xls", "ods"):
        grid = load_here(str(DATA / f"excel-errors.{suffix}")).grids[0]
        shown = {f"{'ABCDEFGHIJKLM'[c]}{r + 1}": v for r, row in enumerate(grid.rows) for c, v in enumerate(row)
                 if isinstance(v, str) and v.startswith("#")}
        assert shown == dict(ERRORS), suffix
