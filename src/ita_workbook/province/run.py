"""`consolidate`: read every plan, check each and all together, write the province workbook and,
if asked, its PDF."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

from .checks import check_reports, check_together
from .model import ProvinceRefused
from .reports import OrgReport
from .result import ProvinceResult
from .workbook import write_province
from .workers import read_plans

MAX_DATA_ROWS = 1_048_575  # Excel's rows less the header


def consolidate(paths: list[str | Path], output: str | Path, *, province: str = "", fiscal_year: int | None = None,
                as_of: dt.date | None = None, pdf: bool = False, workers: int | None = None,
                round_: int | None = None, progress=None) -> ProvinceResult:
    """Read every plan and result report, check each and all together, write the province workbook
    (atomically). `round_`: of the result reports, the round summed up (default: that of most).
    `progress(files read, files)`: as for validate_files."""
    from ..output import atomic_path

    output = Path(output)
    _check_request(paths, output)
    read = read_plans(paths, workers, fiscal_year, progress)
    result = ProvinceResult([p for p in read if not isinstance(p, OrgReport)],
                            reports=[r for r in read if isinstance(r, OrgReport)])
    check_together(result, province, fiscal_year)
    check_reports(result, round_)
    if result.projects > MAX_DATA_ROWS:
        raise ProvinceRefused(f"มีโครงการ {result.projects:,} โครงการ เกินจำนวนแถวที่ Excel รับได้ "
                              f"({MAX_DATA_ROWS:,}) แบ่งเป็นหลายครั้ง / {result.projects:,} projects are more "
                              f"than one Excel sheet holds ({MAX_DATA_ROWS:,}); consolidate in parts")
    as_of = as_of or dt.date.today()
    with atomic_path(output) as tmp:
        write_province(result, tmp, as_of)
    result.output = output
    if pdf:
        _write_pdf(result, output.with_suffix(".pdf"), as_of)
    return result


def _check_request(paths: list[str | Path], output: Path) -> None:
    if output.suffix.lower() != ".xlsx":
        raise ProvinceRefused(f"ไฟล์ผลลัพธ์ต้องลงท้ายด้วย .xlsx ({output}) / the output must end in .xlsx")
    if not paths:
        raise ProvinceRefused("ไม่พบไฟล์แผน (.xlsx .xlsm .xls .xlsb .ods) ในที่ระบุ ตรวจสอบชื่อโฟลเดอร์ / "
                              "no plan (.xlsx .xlsm .xls .xlsb .ods) found there; check the folder's name")
    for target in _inputs_among((output, output.with_suffix(".pdf")), paths):
        raise ProvinceRefused(f"ไฟล์ผลลัพธ์ {target} คือไฟล์ที่นำเข้า จะไม่เขียนทับ ใช้ชื่ออื่นกับ -o / "
                              f"the output {target} is one of the input files; choose another name with -o")


def _inputs_among(targets: tuple[Path, ...], paths: list[str | Path]) -> list[Path]:
    """The targets that are one of the input files, as `output.same_file` says of each pair (the same
    path once resolved, or the same file), with each path resolved and looked at once: pair by pair,
    7,850 plans cost ~1 s before any reading began."""
    found = []
    resolved = [_resolved(path) for path in paths]
    inputs = None  # (device, inode) of each input, asked only when a target exists
    for target in targets:
        mine = _resolved(target)
        if mine is None:
            continue  # same_file is False for a target that cannot be resolved
        if mine in resolved:
            found.append(target)
            continue
        try:
            stat = os.stat(target)
        except OSError:
            continue  # os.path.samefile is an OSError, same_file False
        if inputs is None:
            inputs = {_identity(path) for path, r in zip(paths, resolved) if r is not None}
        if (stat.st_dev, stat.st_ino) in inputs:
            found.append(target)
    return found


def _resolved(path: str | Path) -> Path | None:
    try:
        return Path(path).resolve()
    except OSError:
        return None


def _identity(path: str | Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _write_pdf(result: ProvinceResult, target: Path, as_of: dt.date) -> None:
    """The PDF holds the summary sheet only (and, with result reports, their table): it is what gets
    printed and sent on."""
    from ..config import DEFAULT_FONT
    from ..pdf import PdfError, print_font, to_pdf

    with tempfile.TemporaryDirectory(prefix="ita-workbook-") as folder:
        copy = Path(folder) / f"{target.stem}.xlsx"
        font, files = print_font(DEFAULT_FONT)  # Sarabun, shipped, as the master's and the report's PDF
        write_province(result, copy, as_of, summary_only=True, font=font)
        try:
            result.pdf = to_pdf(copy, target, fonts=files)
        except PdfError as exc:
            result.pdf_error = str(exc)
