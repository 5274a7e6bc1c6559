"""A department's own file returned with its problems marked: the cell filled, the message in a
comment. Always a copy: the input is never modified.

The copy goes back to be opened in Excel, so it keeps what openpyxl cannot carry and loses what
must not travel: the worksheets' extension lists (`extLst`: the cross-sheet dropdowns Excel 2010+
saves as `x14:dataValidations`, conditional formats of its own) are copied over from the original
package, and formulas that call a program or another workbook (DDE such as `=cmd|'/c calc'!A0`,
external references, CALL/REGISTER/EXEC/RTD/WEBSERVICE) are kept as text (`active-formula`)."""

from __future__ import annotations

import os
import re
import warnings
import xml.parsers.expat
import zipfile
from pathlib import Path
from typing import Any

from .grid import column_number
from .output import OutputError, atomic_path, safe_filename, same_file
from .problems import Problem, Report

ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
MAX_MERGED_CELLS = 200_000  # openpyxl makes an object per merged cell: a merge bomb must not reach it
MAX_ANNOTATE_BYTES = 20 * 2**20


def annotate_files(report: Report, folder: Path) -> list[str]:
    """Write a marked-up copy of every xlsx file that has problems at cells; say what was done.

    Formulas neutralised in a copy are added to that file's problems (`active-formula`)."""
    lines = []
    for file in report.files:
        at_cells = [p for p in file.problems if p.cell and p.sheet]
        if not at_cells:
            continue
        source = Path(file.path)
        target = folder / marked_name(source)
        reason = _cannot_annotate(source, file.problems)
        if reason is None and same_file(source, target):
            reason = "ชื่อไฟล์ซ้ำกับต้นฉบับ / the copy would overwrite the original"
        if reason:
            lines.append(f"ไม่ได้ทำสำเนาระบายสีของ {source.name}: {reason}")
            continue
        try:
            file.problems.extend(_annotate_in_child(source, at_cells, target))
        except OutputError:
            raise  # the folder cannot be written: said once, with exit 1 (cli.py)
        except Exception as exc:  # openpyxl is stricter than the reader; the report above still stands
            reason = getattr(exc, "reason", "") or type(exc).__name__
            lines.append(f"ไม่ได้ทำสำเนาระบายสีของ {source.name} / could not mark up: {reason}")
            continue
        lines.append(f"สำเนาที่ระบายสีช่องที่มีปัญหา / marked-up copy: {target}")
    return lines


def marked_name(source: Path) -> str:
    """The marked-up copy's name: the original's, shortened if need be so that the whole fits."""
    return safe_filename(source.stem, " (ตรวจแล้ว).xlsx")


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


def _annotate_in_child(source: Path, problems: list[Problem], target: Path) -> list[Problem]:
    """_annotate, run in the reader's child (sandbox.py): openpyxl holds the whole workbook in memory,
    and a file built for it could take the command down; there, only its copy is lost (`limit`)."""
    from . import sandbox

    done, value = sandbox.run("annotate", str(source), problems, str(target))
    if not done:
        raise OutputError(target, said=value)
    return value


def annotate_here(source: str, problems: list[Problem], target: str) -> tuple[bool, Any]:
    """In the child: (True, the problems _annotate found), or (False, why the copy cannot be written)."""
    try:
        return True, _annotate(Path(source), problems, Path(target))
    except OutputError as exc:
        return False, str(exc)


# Formulas that reach outside the workbook: a DDE call (program|topic!item), a reference into another
# workbook ([1]Sheet!A1, '[book.xlsx]Sheet'!A1), or a function that runs code or fetches.
_STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')
_CALLS_OUT = re.compile(r"[\w.\\-]+\||\[[^\]]*\][^\[\]!]*!|\b(?:CALL|REGISTER(?:\.ID)?|EXEC|RTD|WEBSERVICE)\s*\(",
                        re.IGNORECASE)


def calls_out(formula: str) -> bool:
    """True for a formula that starts a program or reads another workbook or the network."""
    return bool(_CALLS_OUT.search(_STRING_LITERAL.sub('""', formula)))


def _annotate(source: Path, problems: list[Problem], target: Path) -> list[Problem]:
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    with warnings.catch_warnings():
        # "Data Validation extension is not supported and will be removed": the extension is copied
        # over below; no raw Python warning reaches the console.
        warnings.simplefilter("ignore")
        book = load_workbook(source, keep_vba=False, keep_links=False)
    neutralised = _neutralise(book, source)
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
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book.save(tmp)
        _carry_extensions(source, Path(tmp))
    return neutralised


def _neutralise(book, source: Path) -> list[Problem]:
    """Formulas that call out, turned into their text (shown, never run) and reported."""
    found = []
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                formula = str(getattr(cell.value, "text", cell.value))
                if calls_out(formula):
                    cell.value = formula
                    cell.data_type = "s"
                    found.append(Problem("active-formula", str(source), sheet=ws.title, cell=cell.coordinate,
                                         row=cell.row, value=formula))
    return found


# --- the worksheets' extension lists, copied from the original package ----------------------------

def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part's name in the package."""
    names: dict[str, str] = {}
    targets: dict[str, str] = {}

    def relationship(tag: str, attrs: dict) -> None:
        if tag.endswith("Relationship"):
            target = attrs.get("Target", "")
            targets[attrs.get("Id", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"

    def sheet(tag: str, attrs: dict) -> None:
        if tag.split(":")[-1] == "sheet":
            rid = next((v for k, v in attrs.items() if k.split(":")[-1] == "id" and k != "sheetId"), "")
            names[attrs.get("name", "")] = rid

    _scan(zf.read("xl/_rels/workbook.xml.rels"), relationship)
    _scan(zf.read("xl/workbook.xml"), sheet)
    return {name: targets[rid] for name, rid in names.items() if rid in targets}


def _scan(data: bytes, on_start) -> None:
    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = on_start
    parser.Parse(data, True)


def _top_level_extension(data: bytes) -> tuple[bytes, dict[str, str]] | None:
    """The worksheet's own `extLst` (a child of the root, bytes as stored) and the root's namespace
    declarations it may use; None when there is none."""
    parser = xml.parsers.expat.ParserCreate()
    depth, start, end, root_ns = 0, -1, -1, {}

    def on_start(tag: str, attrs: dict) -> None:
        nonlocal depth, start
        if depth == 0:
            root_ns.update({k: v for k, v in attrs.items() if k.startswith("xmlns")})
        elif depth == 1 and tag.split(":")[-1] == "extLst" and start < 0:
            start = parser.CurrentByteIndex
        depth += 1

    def on_end(tag: str) -> None:
        nonlocal depth, end
        depth -= 1
        if depth == 1 and tag.split(":")[-1] == "extLst" and end < 0 <= start:
            end = data.index(b">", parser.CurrentByteIndex) + 1 if data[parser.CurrentByteIndex:][:2] == b"</" \
                else parser.CurrentByteIndex  # <extLst/> ends where it starts
    parser.StartElementHandler, parser.EndElementHandler = on_start, on_end
    parser.Parse(data, True)
    if start < 0 or end <= start:
        return None
    return data[start:end], root_ns


def _carry_extensions(source: Path, copy: Path) -> None:
    """Put each original worksheet's `extLst` back into the copy openpyxl wrote without it."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(copy) as written:
        before, after = _sheet_parts(original), _sheet_parts(written)
        replaced: dict[str, bytes] = {}
        for name, part in before.items():
            if name not in after or part not in original.namelist():
                continue
            found = _top_level_extension(original.read(part))
            mine = written.read(after[name])
            if found is None or _top_level_extension(mine) is not None:
                continue
            extension, namespaces = found
            head_end = mine.index(b">", mine.index(b"<worksheet")) + 1
            head = mine[:head_end]
            missing = b"".join(f' {k}="{v}"'.encode() for k, v in namespaces.items() if k.encode() + b"=" not in head)
            head = head[:-2] + missing + b"/>" if head.endswith(b"/>") else head[:-1] + missing + b">"
            closing = mine.rindex(b"</worksheet>")
            replaced[after[name]] = head + mine[head_end:closing] + extension + mine[closing:]
        if not replaced:
            return
        rebuilt = copy.with_name(copy.name + ".ext")
        with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as out:
            for item in written.infolist():
                out.writestr(item, replaced.get(item.filename, None) or written.read(item.filename))
    os.replace(rebuilt, copy)
