"""The seal merge writes into a master's zip comment (grid.seal): province skips reading the printed
sheet of a master no one touched, and reads and compares in full any master edited or saved again by
a spreadsheet program, or whose printed sheet was changed under a kept comment."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from ita_workbook import grid
from ita_workbook.cli import main
from ita_workbook.config import load_config
from ita_workbook.master import Heading, write_master
from ita_workbook.pdf import find_libreoffice
from ita_workbook.plan import Plan
from ita_workbook.province import CHART_SHEET, DATA_SHEET, PROBLEMS_SHEET, SUMMARY_SHEET, read_plan
from ita_workbook.validate import collect_files, validate_files
from seed import PLAN_TOML, write_department_workbooks

PRINTED, DATA = "แผนปฏิบัติการ", "ข้อมูล"
READ = frozenset((DATA, PRINTED))


@pytest.fixture(scope="module")
def seed_projects(tmp_path_factory):
    folder = tmp_path_factory.mktemp("departments")
    write_department_workbooks(folder)
    result = validate_files(collect_files([folder]), load_config(PLAN_TOML))
    assert len(result.plan.projects) == 41
    return result.plan.projects


def master(path: Path, projects, organisation="เทศบาลตำบลโพทะเล", district="โพทะเล", province="พิจิตร",
           year=2566, draft=False) -> Path:
    write_master(Plan(list(projects)), path, Heading(organisation, district, province, year, draft=draft))
    return path


def rewritten(source: Path, target: Path, comment: bytes, change=None) -> Path:
    """The zip written again entry by entry, with `comment`; `change(name, bytes)` edits an entry."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info, change(info.filename, data) if change else data, zipfile.ZIP_DEFLATED)
        new.comment = comment
    return target


def province_of(folder: Path, out: Path) -> tuple[dict, dict]:
    run = CliRunner().invoke(main, ["province", str(folder), "-o", str(out), "--format", "json",
                                    "--date", "2566-03-22"])
    assert run.exit_code in (0, 1), run.output
    with CalamineWorkbook.from_path(str(out)) as book:
        sheets = {name: book.get_sheet_by_name(name).to_python()
                  for name in (SUMMARY_SHEET, DATA_SHEET, PROBLEMS_SHEET, CHART_SHEET)}
    return json.loads(run.output), sheets


def test_an_untouched_master_reads_the_same_with_its_printed_sheet_skipped_or_read(tmp_path, seed_projects,
                                                                                 monkeypatch):
    sealed, unsealed = tmp_path / "sealed", tmp_path / "unsealed"
    sealed.mkdir(), unsealed.mkdir()
    no_quarter = dataclasses.replace(seed_projects[2], quarters=(False, False, False, False))
    plans = [master(sealed / "01.xlsx", seed_projects),
             master(sealed / "02.xlsx", [p for p in seed_projects if p.dimension != 4], "องค์การบริหารส่วนตำบลท่าบัว",
                    "อำเภอโพทะเล"),
             master(sealed / "03.xlsx", seed_projects[::4], "เทศบาลตำบลวังจิก", "โพธิ์ประทับช้าง", year=2565),
             master(sealed / "04.xlsx", seed_projects[::4], "เทศบาลเมืองพิจิตร", "เมืองพิจิตร", draft=True),
             master(sealed / "05.xlsx", [*seed_projects[:5], no_quarter], "องค์การบริหารส่วนตำบลบางมูลนาก",
                    "บางมูลนาก", province="นครสวรรค์"),
             master(sealed / "06.xlsx", [], "องค์การบริหารส่วนตำบลหอไกร", "ตะพานหิน")]
    for path in plans:
        with zipfile.ZipFile(path) as zf:
            assert zf.comment.startswith(b"ita-workbook printed-sheet sha256=")
        loaded = grid.load_here(str(path), READ, PRINTED)
        assert loaded.sealed == PRINTED and [g.name for g in loaded.grids] == [DATA]  # not read
        rewritten(path, unsealed / path.name, b"")
        loaded = grid.load_here(str(unsealed / path.name), READ, PRINTED)
        assert loaded.sealed == "" and sorted(g.name for g in loaded.grids) == sorted(READ)  # read in full

    loads, load = [], grid.load
    monkeypatch.setattr(grid, "load", lambda *args, **kwargs: loads.append(found := load(*args, **kwargs)) or found)
    assert len(read_plan(plans[0]).projects) == 41
    assert [found.sealed for found in loads] == [PRINTED]  # one load, the printed sheet left unread
    loads.clear()
    read_plan(plans[4])  # a project without a quarter: its printed sheet says so too, so it is read
    assert [found.sealed for found in loads] == [PRINTED, ""]
    loads.clear()
    read_plan(unsealed / "01.xlsx")
    assert [found.sealed for found in loads] == [""]
    monkeypatch.undo()

    skipped, read = province_of(sealed, tmp_path / "a.xlsx"), province_of(unsealed, tmp_path / "b.xlsx")
    assert skipped[1] == read[1]  # every sheet of the province workbook, cell by cell
    assert skipped[0].pop("output").endswith("a.xlsx") and read[0].pop("output").endswith("b.xlsx")
    report = json.dumps(skipped[0], ensure_ascii=False).replace(str(sealed), "FOLDER")
    assert json.loads(report) == json.loads(json.dumps(read[0], ensure_ascii=False).replace(str(unsealed), "FOLDER"))
    organisations = {o["organisation"]: o for o in skipped[0]["organisations"]}
    assert organisations["เทศบาลตำบลโพทะเล"]["budget"] == 140_000 and organisations["เทศบาลตำบลโพทะเล"]["projects"] == 41
    codes = {p["code"] for p in organisations["องค์การบริหารส่วนตำบลบางมูลนาก"]["problems"]}
    assert "no-quarter" in codes


def _budget_cell(path: Path, projects) -> tuple[int, float]:
    ws = openpyxl.load_workbook(path, read_only=True)[PRINTED]
    rows = list(ws.iter_rows(min_row=1, max_row=60, values_only=True))
    first = next(i for i, row in enumerate(rows, start=1) if row[1] == projects[0].name)
    return next((r, rows[r - 1][4]) for r in range(first, first + 41) if isinstance(rows[r - 1][4], (int, float)))


def test_a_printed_cell_changed_under_a_kept_comment_is_read_and_caught(tmp_path, seed_projects):
    made = master(tmp_path / "made.xlsx", seed_projects)
    row, budget = _budget_cell(made, seed_projects)
    with zipfile.ZipFile(made) as zf:
        comment = zf.comment
        part = grid._sheet_targets(zf)[PRINTED]

    def more_budget(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        cell = re.compile(rb'(<c r="E%d"[^>]*><v>)([^<]*)(</v>)' % row)
        assert float(cell.search(data)[2]) == budget
        return cell.sub(lambda m: m[1] + b"%d" % (budget + 5000) + m[3], data, count=1)

    folder = tmp_path / "in"
    folder.mkdir()
    edited = rewritten(made, folder / "m.xlsx", comment, more_budget)
    with zipfile.ZipFile(edited) as zf:
        assert zf.comment == comment  # the comment kept, the part no longer matching it
    assert grid.load_here(str(edited), READ, PRINTED).sealed == ""
    report, _ = province_of(folder, tmp_path / "p.xlsx")
    org = report["organisations"][0]
    assert org["budget"] == 145_000  # the printed value is counted
    assert [(p["cell"], p["column"]) for p in org["problems"] if p["code"] == "master-edited"] == [(f"E{row}", "budget")]


def test_a_master_saved_by_openpyxl_loses_its_seal_and_is_compared(tmp_path, seed_projects):
    folder = tmp_path / "in"
    folder.mkdir()
    path = master(folder / "m.xlsx", seed_projects)
    row, budget = _budget_cell(path, seed_projects)
    book = openpyxl.load_workbook(path)
    book[PRINTED].cell(row, 5).value = budget + 5000
    book.save(path)
    with zipfile.ZipFile(path) as zf:
        assert not zf.comment.startswith(b"ita-workbook")
    report, _ = province_of(folder, tmp_path / "p.xlsx")
    org = report["organisations"][0]
    assert org["budget"] == 145_000
    assert [(p["cell"], p["column"]) for p in org["problems"] if p["code"] == "master-edited"] == [(f"E{row}", "budget")]


@pytest.mark.skipif(find_libreoffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_saving_a_master_drops_its_seal(tmp_path, seed_projects):
    path = master(tmp_path / "m.xlsx", seed_projects)
    out = tmp_path / "saved"
    subprocess.run([find_libreoffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo-sdigest",
                    "--convert-to", "xlsx", "--outdir", str(out), str(path)], check=True, capture_output=True)
    saved = out / "m.xlsx"
    with zipfile.ZipFile(saved) as zf:
        assert not zf.comment.startswith(b"ita-workbook")
    loaded = grid.load_here(str(saved), READ, PRINTED)
    assert loaded.sealed == "" and PRINTED in [g.name for g in loaded.grids]
