"""A department's own file returned with its problems marked: the cell filled, the message in a
comment. Always a copy: the input is never modified."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from .grid import column_number
from .output import OutputError, atomic_path, same_file
from .problems import Problem, Report

ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
MAX_MERGED_CELLS = 200_000  # openpyxl makes an object per merged cell: a merge bomb must not reach it
MAX_ANNOTATE_BYTES = 20 * 2**20


def annotate_files(report: Report, folder: Path) -> list[str]:
    """Write a marked-up copy of every xlsx file that has problems at cells; say what was done."""
    lines = []
    for file in report.files:
        at_cells = [p for p in file.problems if p.cell and p.sheet]
        if not at_cells:
            continue
        source = Path(file.path)
        target = folder / f"{source.stem} (ตรวจแล้ว).xlsx"
        reason = _cannot_annotate(source, file.problems)
        if reason is None and same_file(source, target):
            reason = "ชื่อไฟล์ซ้ำกับต้นฉบับ / the copy would overwrite the original"
        if reason:
            lines.append(f"ไม่ได้ทำสำเนาระบายสีของ {source.name}: {reason}")
            continue
        try:
            _annotate_in_child(source, at_cells, target)
        except OutputError:
            raise  # the folder cannot be written: said once, with exit 1 (cli.py)
        except Exception as exc:  # openpyxl is stricter than the reader; the report above still stands
            reason = getattr(exc, "reason", "") or type(exc).__name__
            lines.append(f"ไม่ได้ทำสำเนาระบายสีของ {source.name} / could not mark up: {reason}")
            continue
        lines.append(f"สำเนาที่ระบายสีช่องที่มีปัญหา / marked-up copy: {target}")
    return lines


def _cannot_annotate(source: Path, problems: list[Problem]) -> str | None:
    if any(p.code == "unreadable-file" for p in problems):
        return "อ่านไฟล์ไม่ได้ / the file could not be read"
    if source.suffix.lower() not in (".xlsx", ".xlsm") or not zipfile.is_zipfile(source):
        return "ทำได้เฉพาะไฟล์ .xlsx / only .xlsx files can be marked up"
    if source.stat().st_size > MAX_ANNOTATE_BYTES or _merged_cells(source) > MAX_MERGED_CELLS:
        return "ไฟล์ใหญ่เกินไป / the file is too large"
    return None


def _merged_cells(source: Path) -> int:
    total = 0
    with zipfile.ZipFile(source) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                for ref in re.findall(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"', zf.read(name)):
                    total += (int(ref[3]) - int(ref[1]) + 1) * (column_number(ref[2]) - column_number(ref[0]) + 1)
    return total


def _annotate_in_child(source: Path, problems: list[Problem], target: Path):
    """_annotate, run in the reader's child (sandbox.py): openpyxl holds the whole workbook in memory,
    and a file built for it could take the command down; there, only its copy is lost (`limit`)."""
    from . import sandbox

    done, value = sandbox.run("annotate", str(source), problems, str(target))
    if not done:
        raise OutputError(target, said=value)
    return value


def annotate_here(source: str, problems: list[Problem], target: str) -> tuple[bool, Any]:
    """In the child: (True, what _annotate returned), or (False, why the copy cannot be written)."""
    try:
        return True, _annotate(Path(source), problems, Path(target))
    except OutputError as exc:
        return False, str(exc)


def _annotate(source: Path, problems: list[Problem], target: Path) -> None:
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    book = load_workbook(source, keep_vba=False, keep_links=False)
    by_cell: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        by_cell.setdefault((p.sheet, p.cell), []).append(p)
    for (sheet, cell), found in by_cell.items():
        if sheet not in book.sheetnames:
            continue
        target_cell = book[sheet][cell]
        if type(target_cell).__name__ == "MergedCell":
            continue
        error = any(p.is_error for p in found)
        target_cell.fill = PatternFill("solid", fgColor=ERROR_FILL if error else WARNING_FILL)
        text = "\n".join(f"{'✗' if p.is_error else '!'} {p.message}\n({p.code}) {p.message_en}" for p in found)
        comment = Comment(text, "ita-workbook")
        comment.width, comment.height = 320, 160
        target_cell.comment = comment
    with atomic_path(target, suffix=".xlsx") as tmp:
        book.save(tmp)
