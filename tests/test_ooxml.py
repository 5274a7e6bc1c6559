"""Every kind of workbook the tool writes opens in Excel without a repair.

Two checks over the same files: Microsoft's Open XML SDK validator (npm @ooxml-tools/validate, pinned
in tests/ooxml/package-lock.json, installed there on first use; skipped without Node/npm or offline),
for Office 2010 and Microsoft 365; and the limits Excel enforces that the SDK does not check."""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ita_workbook.cli import main
from test_annotate import saved_by_excel_2010
from test_report import fill as fill_report_forms
from workbooks import good, write_form

import seed

OOXML = Path(__file__).resolve().parent / "ooxml"
VERSIONS = ("Office2010", "Microsoft365")
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"


def run(*args) -> None:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """One workbook of each kind the tool writes, made through the CLI."""
    out = tmp_path_factory.mktemp("written")
    departments = out / "departments"
    seed.write_department_workbooks(departments)
    run("template", "--blank", "-o", out / "blank")
    run("template", "--config", seed.PLAN_TOML, "--department", "กองคลัง", "-o", out / "templates")
    run("merge", departments, "--config", seed.PLAN_TOML, "--date", "2023-03-22", "-o", out / "master.xlsx")
    run("template", "--config", seed.PLAN_TOML, "--from", out / "master.xlsx", "--department", "สำนักปลัด",
        "-o", out / "rolled")
    shutil.copytree(departments, out / "with-error")
    write_form(out / "with-error" / "ผิด.xlsx", [good(1, budget="หนึ่งหมื่น", department="กองช่าง")])
    run("merge", out / "with-error", "--config", seed.PLAN_TOML, "--draft", "-o", out / "draft.xlsx")
    (out / "returned").mkdir()
    saved_by_excel_2010(out / "returned" / "กองคลัง.xlsx")
    write_form(out / "returned" / "ผิด.xlsx", [good(1, budget="หนึ่งหมื่น")])
    run("validate", out / "returned", "--annotate", out / "back")
    run("province", out / "master.xlsx", "-o", out / "province.xlsx")
    # The result report: forms, the 6-month report, 12-month forms pre-filled from it, and a 12-month
    # report with errors (a 6-month status at 12 months) written as a draft.
    plan = ("--plan", out / "master.xlsx", "--config", seed.PLAN_TOML)
    run("report-template", *plan, "--round", "6", "-o", out / "forms-6")
    fill_report_forms.fill_reports(out / "forms-6", out / "returned-6")
    run("report", out / "returned-6", *plan, "--round", "6", "--date", "2023-04-05", "-o", out / "report-6.xlsx")
    run("report-template", *plan, "--round", "12", "--from", out / "report-6.xlsx", "-o", out / "forms-12")
    fill_report_forms.fill_reports(out / "forms-12", out / "returned-12")
    run("report", out / "returned-12", *plan, "--round", "12", "--date", "2023-10-05", "--draft",
        "-o", out / "report-12-draft.xlsx")
    files = {
        "blank template": out / "blank" / "department-template.xlsx",
        "department template": out / "templates" / "กองคลัง.xlsx",
        "rolled-over template": out / "rolled" / "สำนักปลัด.xlsx",
        "master": out / "master.xlsx",
        "draft master": out / "draft.xlsx",
        "marked-up copy (Excel 2010 dropdowns)": out / "back" / "กองคลัง (ตรวจแล้ว).xlsx",
        "marked-up copy": out / "back" / "ผิด (ตรวจแล้ว).xlsx",
        "province": out / "province.xlsx",
        "report form": out / "forms-6" / "รายงานผล6เดือน-กองคลัง.xlsx",
        "report form from the 6-month report": out / "forms-12" / "รายงานผล12เดือน-กองคลัง.xlsx",
        "6-month report": out / "report-6.xlsx",
        "12-month report (draft)": out / "report-12-draft.xlsx",
    }
    missing = [kind for kind, path in files.items() if not path.is_file()]
    assert not missing, missing
    return files


# --- the Open XML SDK ----------------------------------------------------------------------------

def _validator() -> Path | None:
    """tests/ooxml with its pinned packages installed (npm ci on first use), or None."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return None
    version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    if int(re.sub(r"\D", " ", version).split()[0] if version else 0) < 20:  # the SDK's WebAssembly needs Node 20
        return None
    if not (OOXML / "node_modules" / "@ooxml-tools" / "validate").is_dir():
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=OOXML, capture_output=True, timeout=600)
        if done.returncode != 0:  # offline, or no registry
            return None
    return OOXML


def _false_alarm(error: dict, path: Path) -> bool:
    """openpyxl writes a font's children in another order than the schema's sequence (b, i, …, sz,
    color, name, family, …, scheme); Excel reads it as written. That one message, in styles.xml of
    a workbook openpyxl saved, is allowed; nothing else."""
    return (error["part"] == "/xl/styles.xml" and "/x:font[" in error["xpath"]
            and error["id"] == "Sch_UnexpectedElementContentExpectingComplex" and "(ตรวจแล้ว)" in path.name)


def test_the_open_xml_sdk_finds_no_error_for_office_2010_and_365(written: dict[str, Path]):
    folder = _validator()
    if folder is None:
        pytest.skip("Node.js 20+/npm not installed, or the npm registry cannot be reached")
    done = subprocess.run(["node", "validate-many.mjs", ",".join(VERSIONS), *map(str, written.values())],
                          cwd=folder, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    errors = {(kind, version): [e for e in found[str(path)][version] if not _false_alarm(e, path)]
              for kind, path in written.items() for version in VERSIONS}
    assert {k: v for k, v in errors.items() if v} == {}


# --- limits the SDK does not check ------------------------------------------------------------------

def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _rels(parts: dict[str, bytes], part: str) -> list[tuple[str, str, bool]]:
    """(type, target part, external) of a part's relationships."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in parts:
        return []
    found = []
    for r in ET.fromstring(parts[rels]).iter(f"{REL}Relationship"):
        target, external = r.get("Target"), r.get("TargetMode") == "External"
        if not external:
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found.append((r.get("Type").rsplit("/", 1)[-1], target, external))
    return found


def _cells(ref: str) -> tuple[int, int, int, int]:
    def one(a1: str) -> tuple[int, int]:
        letters, digits = re.match(r"\$?([A-Z]+)\$?(\d+)", a1).groups()
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch) - 64
        return int(digits), col
    first, _, last = ref.partition(":")
    (r1, c1), (r2, c2) = one(first), one(last or first)
    return r1, c1, r2, c2


@pytest.mark.parametrize("kind", ["blank template", "department template", "rolled-over template", "master",
                                  "draft master", "marked-up copy (Excel 2010 dropdowns)", "marked-up copy",
                                  "province", "report form", "report form from the 6-month report",
                                  "6-month report", "12-month report (draft)"])
def test_excels_limits_hold_in_every_part(written: dict[str, Path], kind: str):
    parts = _parts(written[kind])
    types = ET.fromstring(parts["[Content_Types].xml"])
    defaults = {d.get("Extension").lower() for d in types.iter(f"{CT}Default")}
    overrides = {o.get("PartName").lstrip("/") for o in types.iter(f"{CT}Override")}
    assert overrides <= set(parts), overrides - set(parts)  # every content type names a part that exists
    for name in parts:
        if not name.endswith("/") and name != "[Content_Types].xml":
            assert name in overrides or name.rsplit(".", 1)[-1].lower() in defaults, name
    for part in ["", *parts]:
        for _, target, external in _rels(parts, part or "/"):
            assert external or target in parts, (part, target)  # every relationship's target exists

    strings = 0
    sheets = [t for _, t, _ in _rels(parts, "xl/workbook.xml") if t.startswith("xl/worksheets/")]
    assert sheets
    for sheet in sheets:
        root = ET.fromstring(parts[sheet])
        for row in root.iter(f"{MAIN}row"):
            assert float(row.get("ht", 0)) <= 409, (sheet, row.get("r"), row.get("ht"))
        for col in root.iter(f"{MAIN}col"):
            assert float(col.get("width", 0)) <= 255, (sheet, col.get("min"))
        taken: dict[tuple[int, int], str] = {}
        for merge in root.iter(f"{MAIN}mergeCell"):
            r1, c1, r2, c2 = _cells(merge.get("ref"))
            for cell in ((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)):
                assert cell not in taken, (sheet, merge.get("ref"), taken.get(cell))
                taken[cell] = merge.get("ref")
        for dv in root.iter(f"{MAIN}dataValidation"):
            assert len(dv.get("promptTitle", "")) <= 32 and len(dv.get("errorTitle", "")) <= 32, dv.attrib
            assert len(dv.get("prompt", "")) <= 255 and len(dv.get("error", "")) <= 255, dv.attrib
        strings += sum(1 for c in root.iter(f"{MAIN}c") if c.get("t") == "s")
        _comments_have_shapes(parts, sheet)
    if "xl/sharedStrings.xml" in parts:
        sst = ET.fromstring(parts["xl/sharedStrings.xml"])
        unique = len(sst.findall(f"{MAIN}si"))
        assert int(sst.get("uniqueCount", unique)) == unique
        assert int(sst.get("count", strings)) == strings


def _comments_have_shapes(parts: dict[str, bytes], sheet: str) -> None:
    rels = _rels(parts, sheet)
    comments = [t for kind, t, _ in rels if kind == "comments"]
    if not comments:
        return
    drawings = [t for kind, t, _ in rels if kind == "vmlDrawing"]
    assert len(comments) == 1 and len(drawings) == 1, (sheet, rels)
    refs = {_cells(c.get("ref"))[:2] for c in ET.fromstring(parts[comments[0]]).iter(f"{MAIN}comment")}
    excel = "{urn:schemas-microsoft-com:office:excel}"
    notes = [(int(d.find(f"{excel}Row").text) + 1, int(d.find(f"{excel}Column").text) + 1)
             for d in ET.fromstring(parts[drawings[0]]).iter(f"{excel}ClientData") if d.get("ObjectType") == "Note"]
    assert sorted(notes) == sorted(refs), sheet
