"""The promises of SECURITY.md, each proved: inputs are never modified, outputs are written
atomically (a merge killed midway leaves no half-written master), macros never run, external
entities are never resolved, and every stated limit is the one in the code and is enforced.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus.build import (INJECTED, LAUGHS_DTD, form_sheet, make_injection, make_many_rows, make_xlsm, package_parts,
                          sheet_xml, stored_entry, write_raw_zip, write_xlsx)
from ita_workbook import annotate, cells, grid, pdf, pdfgrid, pdftext, reader, safety, sandbox
from ita_workbook import config as plan_config
from ita_workbook.cli import main
from ita_workbook.validate import validate_files
from seed import PLAN_TOML, write_department_workbooks
from workbooks import good, write_form

ROOT = Path(__file__).resolve().parents[1]
SECURITY = ROOT / "SECURITY.md"


# --- watching what the code does to files and programs --------------------------------------------

_watched: set[Path] = set()
_seen: list[tuple[str, str]] = []  # (event, what)
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
_CHANGES = {"os.rename", "os.remove", "os.rmdir", "os.truncate", "os.chmod", "os.chown", "os.utime", "os.link",
            "os.symlink", "shutil.move", "shutil.rmtree"}
_PROGRAMS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile"}


def _audit(event: str, args: tuple) -> None:
    """Python's audit hook: sees every open, rename, delete… and every program started, in-process."""
    if not _watched and event not in _PROGRAMS:
        return
    if event in _PROGRAMS:
        _seen.append((event, repr(args)))
    elif event == "open":
        path, _mode, flags = args
        if isinstance(path, (str, bytes, os.PathLike)) and flags and flags & _WRITE_FLAGS and _is_watched(path):
            _seen.append((event, os.fsdecode(path)))
    elif event in _CHANGES:
        for path in args[:2]:
            if isinstance(path, (str, bytes, os.PathLike)) and _is_watched(path):
                _seen.append((event, os.fsdecode(path)))


def _is_watched(path) -> bool:
    return Path(os.fsdecode(path)).resolve() in _watched


sys.addaudithook(_audit)  # hooks cannot be removed: it stays idle while nothing is watched


def snapshot(paths: list[Path]) -> dict[Path, tuple]:
    return {p: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_size, p.stat().st_mtime_ns,
                p.stat().st_mode) for p in paths}


def cli(*args) -> object:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


# --- inputs are never modified ----------------------------------------------------------------------

def test_no_command_writes_to_its_inputs(tmp_path):
    """Every command, its outputs put in the inputs' own folder: the inputs' bytes, size, time and
    mode are unchanged, and no write, rename, delete or chmod of an input was even attempted."""
    inputs = tmp_path / "inputs"
    write_department_workbooks(inputs)
    make_xlsm(inputs / "มีแมโคร.xlsm", inputs)
    make_injection(inputs / "สูตร.xlsx", inputs)
    (inputs / "เสีย.xlsx").write_bytes(b"PK\x03\x04 broken")
    config = inputs / "plan.toml"
    shutil.copy(PLAN_TOML, config)
    files = sorted(p for p in inputs.iterdir())
    before = snapshot(files)
    _watched.update(p.resolve() for p in files)
    _seen.clear()
    try:
        assert cli("validate", inputs, "--config", config, "--annotate", inputs).exit_code == 1
        # The macro and formula files are สำนักปลัด's plan again: refused (sent-twice), even as a draft.
        assert cli("merge", inputs, "--config", config, "-o", inputs / "แผนรวม.xlsx", "--draft").exit_code == 1
        departments = [p for p in files if p.suffix == ".xlsx" and p.name not in ("สูตร.xlsx", "เสีย.xlsx")]
        assert cli("merge", *departments, "--config", config, "-o", inputs / "แผนรวม.xlsx").exit_code == 0
        assert cli("check", *[p for p in files if p.suffix == ".xlsx"]).exit_code == 1
        # Into a folder of its own: templates are named after departments, like the files they return.
        assert cli("template", "--config", config, "--from", inputs / "แผนรวม.xlsx", "-o",
                   inputs / "แบบฟอร์ม").exit_code == 0
        assert cli("province", inputs / "แผนรวม.xlsx", "-o", inputs / "จังหวัด.xlsx").exit_code in (0, 1)
        assert cli("init", "-o", config).exit_code == 2  # refuses to overwrite without --force
    finally:
        _watched.clear()
    assert [e for e in _seen if e[0] not in _PROGRAMS] == []
    assert snapshot(files) == before
    made = {p.name for p in inputs.iterdir()} - {p.name for p in files}
    assert "แผนรวม.xlsx" in made and "สูตร (ตรวจแล้ว).xlsx" in made and len(made) > 5
    assert not [name for name in made if name.startswith(".")]


def test_merge_refuses_to_write_over_an_input(tmp_path):
    """However the input is named: as given, through "..", or through a link."""
    source = write_form(tmp_path / "กองคลัง.xlsx", [good(1, department="กองคลัง")])
    link = tmp_path / "แผน.xlsx"
    link.symlink_to(source)
    before = snapshot([source])
    for target in (source, tmp_path / "sub" / ".." / source.name, link):
        result = cli("merge", source, "-o", target)
        assert result.exit_code == 2 and "ไฟล์ที่นำเข้า" in result.output, target
    assert snapshot([source]) == before and not (tmp_path / "sub").exists()


# --- outputs are written atomically --------------------------------------------------------------

@pytest.fixture(scope="module")
def big_department(tmp_path_factory) -> Path:
    """3,000 projects: writing their master takes long enough to be interrupted."""
    path = tmp_path_factory.mktemp("big") / "กองใหญ่.xlsx"
    make_many_rows(3000)(path, path.parent)
    return path


def _merge_until_writing(source: Path, master: Path, *extra: str) -> subprocess.Popen:
    """Start a merge and return once it is writing the master: its temporary file exists."""
    proc = subprocess.Popen([sys.executable, "-m", "ita_workbook", "merge", str(source), "-o", str(master), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not list(master.parent.glob(f".{master.stem}.*")):
        assert proc.poll() is None, "the merge ended before it could be stopped"
        assert time.monotonic() < deadline
        time.sleep(0.001)
    # Into the writing.
    time.sleep(0.05)
    assert proc.poll() is None, "the merge ended before it could be stopped"
    return proc


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=lambda s: s.name)
@pytest.mark.parametrize("earlier", [False, True], ids=["no-master-yet", "earlier-master"])
def test_a_merge_stopped_midway_leaves_no_half_written_master(tmp_path, big_department, stop, earlier):
    out = tmp_path / "out"
    out.mkdir()
    master = out / "แผนรวม.xlsx"
    if earlier:
        earlier_source = write_form(tmp_path / "เก่า.xlsx", [good(1)])
        assert cli("merge", earlier_source, "-o", master).exit_code == 0
        before = master.read_bytes()
    proc = _merge_until_writing(big_department, master)
    proc.send_signal(stop)
    _, stderr = proc.communicate(timeout=60)
    if earlier:
        assert master.read_bytes() == before  # the earlier master, whole
    elif master.exists():  # on a busy machine the signal can land after the rename: whole, then
        with zipfile.ZipFile(master) as written:
            assert written.testzip() is None and "xl/workbook.xml" in written.namelist()
    left = sorted(p.name for p in out.iterdir() if p != master)
    if stop == signal.SIGKILL:  # nothing runs after SIGKILL: a hidden temporary file may stay
        assert all(name.startswith(".แผนรวม.") for name in left)
    else:
        assert left == [] and b"Traceback" not in stderr, (left, [(out / n).stat().st_size for n in left], stderr[-500:])
        assert proc.returncode == (128 + signal.SIGTERM if stop == signal.SIGTERM else 1)
        if stop == signal.SIGINT:  # Thai first, English beside; never click's "Aborted!"
            said = stderr.decode()
            assert "หยุดแล้ว" in said and "Stopped (Ctrl+C)" in said and "Aborted" not in said


@pytest.mark.skipif(shutil.which("soffice") is None or sys.platform != "linux",
                    reason="LibreOffice not installed, or no /proc to find its processes")
def test_a_merge_stopped_while_making_its_pdf_leaves_nothing_running(tmp_path):
    source = write_form(tmp_path / "กองคลัง.xlsx", [good(1, department="กองคลัง")])
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "ita_workbook", "merge", str(source), "-o", str(out / "แผน.xlsx"),
                             "--pdf"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not any("soffice.bin" in command for command in _libreoffice_writing_to(out).values()):
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.005)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signal.SIGTERM and b"Traceback" not in stderr
    assert sorted(p.name for p in out.iterdir()) == ["แผน.xlsx"]  # the master was done; no PDF, no temporaries
    assert not _libreoffice_writing_to(out), "LibreOffice was left running"


@pytest.mark.skipif(sys.platform != "linux", reason="a shell-script stand-in and /proc")
def test_a_hung_libreoffice_is_stopped_whole(tmp_path, monkeypatch):
    """LibreOffice's launcher starts soffice.bin as its child: on a timeout both must go, or a hung
    soffice.bin stays for ever. A stand-in launcher whose child sleeps shows it."""
    from ita_workbook.pdf import PdfError, to_pdf

    pid_file = tmp_path / "child.pid"
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > '{pid_file}'\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    source = write_form(tmp_path / "a.xlsx", [good(1)])
    with pytest.raises(PdfError) as raised:
        to_pdf(source, tmp_path / "a.pdf", timeout=1)
    assert raised.value.reason == "timeout"
    child = int(pid_file.read_text())
    try:
        time.sleep(0.2)
        assert not _alive(child), "the launcher's child was left running"
    finally:
        if _alive(child):
            os.kill(child, signal.SIGKILL)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "bin", "child.pid"]


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"  # a zombie is dead
    except (OSError, IndexError):
        return False


def _libreoffice_writing_to(folder: Path) -> dict[int, str]:
    """LibreOffice's processes (the oosplash launcher, soffice.bin) converting into `folder`: their
    command lines by process id."""
    found = {}
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().decode(errors="replace") if proc.name.isdigit() else ""
        except OSError:  # ended meanwhile
            continue
        if str(folder) in command and ("oosplash" in command or "soffice" in command) and "ita_workbook" not in command:
            found[int(proc.name)] = command
    return found


def test_a_refused_merge_writes_nothing_and_keeps_the_earlier_master(tmp_path):
    master = tmp_path / "แผนรวม.xlsx"
    assert cli("merge", write_form(tmp_path / "a.xlsx", [good(1)]), "-o", master).exit_code == 0
    before = master.read_bytes()
    result = cli("merge", write_form(tmp_path / "b.xlsx", [good(1, budget="หนึ่งหมื่น")]), "-o", master)
    assert result.exit_code == 1 and "bad-budget" in result.output
    assert master.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx", "b.xlsx", "แผนรวม.xlsx"]


def test_output_folders_that_cannot_be_written_are_said_not_raised(tmp_path):
    source = write_form(tmp_path / "a.xlsx", [good(1)])
    a_file = tmp_path / "a.xlsx"
    result = cli("merge", source, "-o", a_file / "master.xlsx")
    assert result.exit_code == 1 and "ไม่ได้" in result.output
    result = cli("validate", write_form(tmp_path / "b.xlsx", [good(1, dimension=9)]), "--annotate", a_file / "x")
    assert result.exit_code == 1 and "cannot write" in result.output and "not a folder" in result.output


# --- macros never run -------------------------------------------------------------------------------

def test_macros_are_never_run_and_never_copied(tmp_path):
    """Every program the commands start, seen by the audit hook: none is given the macro file, and
    the marked-up copy carries no macro."""
    source = tmp_path / "มีแมโคร.xlsm"
    make_xlsm(source, tmp_path)
    _seen.clear()
    result = cli("validate", source, "--annotate", tmp_path / "marked")
    assert result.exit_code == 1 and "macros-ignored" in result.output
    merged = cli("merge", source, "-o", tmp_path / "แผน.xlsx", "--draft",
                 *(["--pdf"] if shutil.which("soffice") else []))
    assert merged.exit_code == 0
    programs = [what for event, what in _seen if event in _PROGRAMS]
    assert not [p for p in programs if source.name in p or "xlsm" in p]
    if shutil.which("soffice"):
        assert any("soffice" in p for p in programs)  # LibreOffice ran, on the master's own copy only
        assert (tmp_path / "แผน.pdf").is_file()
    [copy] = (tmp_path / "marked").glob("*.xlsx")
    with zipfile.ZipFile(copy) as zf:
        assert not [n for n in zf.namelist() if "vba" in n.lower()]
        assert b"macroEnabled" not in zf.read("[Content_Types].xml")


# --- external entities are never resolved ---------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on Windows")
def test_external_entities_are_never_opened(tmp_path):
    """Entities naming a FIFO that nobody writes to: a parser resolving one would block for ever.
    Every reader that sees an input (calamine, the xlsx scan, openpyxl for --annotate, ElementTree
    for .ods merges) is run; all finish, and none read the secret next to it."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-fifo-test", encoding="utf-8")
    xxe = f'<!DOCTYPE {{root}} [<!ENTITY xxe SYSTEM "{fifo.as_uri()}"><!ENTITY leak SYSTEM "{secret.as_uri()}">]>'
    sheet = form_sheet([good(1, name="&xxe;&leak;"), good(2, dimension=9)], prolog=xxe.format(root="worksheet"))
    write_xlsx(tmp_path / "sheet.xlsx", {"แผน": sheet.replace(b"&amp;xxe;&amp;leak;", b"&xxe;&leak;")})
    core = (f'<?xml version="1.0"?>{xxe.format(root="cp:coreProperties")}<cp:coreProperties xmlns:cp="http://'
            'schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/'
            '1.1/"><dc:title>&xxe;&leak;</dc:title></cp:coreProperties>').encode()
    write_xlsx(tmp_path / "props.xlsx", {"แผน": form_sheet([good(1), good(2, dimension=9)])},
               extra={"docProps/core.xml": core})
    files = [tmp_path / "sheet.xlsx", tmp_path / "props.xlsx"]
    done = subprocess.run([sys.executable, "-m", "ita_workbook", "validate", *map(str, files), "--annotate",
                           str(tmp_path / "marked"), "--format", "json"], capture_output=True, timeout=60)
    merged = subprocess.run([sys.executable, "-m", "ita_workbook", "merge", *map(str, files), "-o",
                             str(tmp_path / "m.xlsx"), "--draft"], capture_output=True, timeout=60)
    assert done.returncode == 1 and merged.returncode == 0
    outputs = done.stdout + done.stderr + merged.stdout + merged.stderr
    for made in [tmp_path / "m.xlsx", *(tmp_path / "marked").glob("*")]:
        with zipfile.ZipFile(made) as zf:
            outputs += b"".join(zf.read(n) for n in zf.namelist())
    assert b"SECRET-fifo-test" not in outputs


def test_entity_expansion_is_refused_not_performed(tmp_path):
    path = tmp_path / "laughs.xlsx"
    sheet = form_sheet([good(1)], prolog=LAUGHS_DTD.format(root="worksheet")).replace(
        "โครงการทดสอบที่ 1".encode(), b"&lol9;")
    write_xlsx(path, {"แผน": sheet})
    # Read in the reader child, whose CPU time is limited: an expansion would end as `limit`, not
    # `corrupt`. The wall-time bound is only a guard against a hang (a busy machine is slow).
    started = time.monotonic()
    [problem] = validate_files([path]).report.all_problems()
    assert (problem.code, problem.value) == ("unreadable-file", "corrupt") and time.monotonic() - started < 120


# --- the limits: as stated, and enforced ----------------------------------------------------------

LIMIT_ROW = re.compile(r"^\| ([^|]+?) \| `(\w+)\.(\w+)` \|", re.M)
MODULES = {"safety": safety, "grid": grid, "reader": reader, "cells": cells, "annotate": annotate, "pdf": pdf,
           "config": plan_config, "sandbox": sandbox, "pdfgrid": pdfgrid, "pdftext": pdftext}
UNITS = {"GB": 2**30, "MB": 2**20, "KB": 2**10}


def _stated(value: str) -> float:
    number, _, unit = value.replace(",", "").partition(" ")
    return float(number) * UNITS.get(unit.split()[0] if unit else "", 1)


def test_security_md_states_the_limits_the_code_has():
    stated = LIMIT_ROW.findall(SECURITY.read_text(encoding="utf-8"))
    names = {(module, name) for _, module, name in stated}
    for module, limits in MODULES.items():
        in_code = {n for n in vars(limits) if n.startswith(("MAX_", "CHILD_"))}
        assert {(module, n) for n in in_code} <= names, f"a limit of {module}.py is not in SECURITY.md"
    for value, module, name in stated:
        assert _stated(value) == getattr(MODULES[module], name), (module, name, value)


def _reason(path: Path) -> str | None:
    problems = [p for p in validate_files([path]).report.all_problems() if p.code == "unreadable-file"]
    return problems[0].value if problems else None


def test_file_size_limit(tmp_path):
    for size, expected in ((safety.MAX_FILE_BYTES + 1, "too-large"), (safety.MAX_FILE_BYTES, "corrupt")):
        path = tmp_path / f"{size}.xlsx"
        with path.open("wb") as fh:
            fh.write(b"PK\x03\x04")
            fh.truncate(size)  # sparse: no disk used
        assert _reason(path) == expected


def test_zip_limits(tmp_path):
    parts = [stored_entry(n, d) for n, d in package_parts(["แผน"]).items()]
    sheet = stored_entry("xl/worksheets/sheet1.xml", form_sheet([good(1)]))
    over_total = tmp_path / "declared.xlsx"  # sizes as declared, before anything is inflated
    write_raw_zip(over_total, [*parts, sheet, ("xl/media/big.bin", b"x", 0, 0, 1, safety.MAX_UNZIPPED_BYTES)])
    assert _reason(over_total) == "zip-bomb"
    dense = tmp_path / "ratio.xlsx"  # an honest entry of 2 MB that compresses past the ratio
    write_xlsx(dense, {"แผน": form_sheet([good(1)])}, extra={"xl/media/zeros.bin": bytes(2 * 2**20)})
    assert _reason(dense) == "zip-bomb"
    many = tmp_path / "entries.xlsx"
    write_xlsx(many, {"แผน": form_sheet([good(1)])},
               extra={f"xl/media/{i}.bin": b"" for i in range(safety.MAX_ZIP_ENTRIES)})
    assert _reason(many) == "zip-bomb"


def test_sheet_limits(tmp_path):
    rows_over = grid.MAX_SHEET_CELLS // 13 + 1  # 13 columns, A to M
    far = tmp_path / "far.xlsx"
    write_xlsx(far, {"แผน": form_sheet([good(1)]).replace(
        b"</sheetData>", f'<row r="{rows_over}"><c r="M{rows_over}"><v>1</v></c></row></sheetData>'.encode())})
    assert _reason(far) == "sheet-too-large"
    sheets = tmp_path / "sheets.xlsx"
    write_xlsx(sheets, {f"s{i}": form_sheet([good(1)]) if i == 0 else sheet_xml([["x"]])
                        for i in range(grid.MAX_SHEETS + 1)})
    result = validate_files([sheets])
    assert _reason(sheets) == "too-many-sheets" and len(result.plan.projects) == 1
    claims = tmp_path / "claims.xlsx"
    sst = (f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount='
           f'"{grid.MAX_SHARED_STRINGS_CLAIMED + 2}"><si><t>x</t></si></sst>').encode()
    write_xlsx(claims, {"แผน": form_sheet([good(1)])}, shared_strings=sst)
    assert _reason(claims) == "corrupt"


def test_text_limit():
    assert cells.parse_text("ก" * cells.MAX_TEXT) == "ก" * cells.MAX_TEXT
    with pytest.raises(cells.CellError) as raised:
        cells.parse_text("ก" * (cells.MAX_TEXT + 1))
    assert raised.value.code == "text-too-long"


def test_annotate_limits(tmp_path):
    """Past them the report stands; only the marked-up copy is not made, and that is said."""
    bomb = tmp_path / "merged.xlsx"
    write_xlsx(bomb, {"แผน": form_sheet([good(1, dimension=9)], merges=("O1:Z100000",))})
    result = validate_files([bomb])
    assert [p.code for p in result.report.all_problems()] == ["bad-dimension"]
    [line] = annotate.annotate_files(result.report, tmp_path / "marked")
    assert "ใหญ่เกินไป" in line and not (tmp_path / "marked").exists()


def test_the_reader_child_runs_without_rlimits(tmp_path):
    """On Windows there is no `resource` module: the .xls/.ods child must still read the file."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice not installed")
    source = write_form(tmp_path / "a.xlsx", [good(1), good(2)])
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "ods", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True,
                   timeout=180)
    import pickle
    import struct

    code = "import sys; sys.modules['resource'] = None\nfrom ita_workbook.sandbox import serve\nserve()"
    request = pickle.dumps(("load", (str(tmp_path / "a.ods"), None)))
    done = subprocess.run([sys.executable, "-c", code], input=struct.pack("<Q", len(request)) + request,
                          capture_output=True, timeout=60)
    assert done.returncode == 0
    ok, loaded = pickle.loads(done.stdout[8:])
    assert ok
    assert [g.name for g in loaded.grids] == ["แผน"] and len(loaded.grids[0].rows) == 6


def test_injected_formulas_stay_text_in_the_json_report(tmp_path):
    path = tmp_path / "สูตร.xlsx"
    make_injection(path, tmp_path)
    result = cli("validate", path, "--format", "json")
    import json

    values = {(p["code"], p["value"]) for p in json.loads(result.output)["files"][0]["problems"]}
    assert values == {("bad-budget", "=1+1"), ("bad-dimension", "@SUM(A1)")}
    assert INJECTED[0] not in result.output  # valid text is not echoed: nothing to report
