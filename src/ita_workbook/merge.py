"""merge: the departments' files → one master workbook in the official form (and its PDF).

validate → plan → master → optional PDF. Any error writes nothing, unless a draft is asked for;
the master is written to a temporary file and renamed, so a merge stopped midway leaves no
half-written master and an existing one untouched.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .config import Config
from .master import KIND, Heading, write_master
from .output import OutputError, atomic_path, quiet_abandoned_files, same_file
from .problems import Problem, Report, counted, json_text
from .thai import whole_number


class MergeRefused(Exception):
    """The request itself is wrong (the output would overwrite an input, …): a command-line error."""


@dataclass
class MergeResult:
    report: Report
    heading: Heading
    files: int = 0
    projects_read: int = 0
    projects_written: int = 0
    output: Path | None = None  # None: nothing written
    pdf: Path | None = None
    pdf_error: str = ""  # why there is no PDF although one was asked for
    pdf_note: str = ""  # e.g. the font the PDF was made with instead of the configured one
    write_error: str = ""  # why the master could not be written (the folder, a file open in Excel)
    draft: bool = False

    @property
    def written(self) -> bool:
        return self.output is not None

    def summary(self) -> str:
        """One line, Thai then English: files read, projects read, projects written."""
        if self.write_error:
            return self.write_error
        if not self.written:
            errors, faulty = self.report.errors, self.files_with_errors
            if any(p.code == "sent-twice" for p in self.report.all_problems()):  # a draft is refused too
                todo = ("เอาไฟล์ที่ซ้ำออกให้เหลือกองละไฟล์เดียวแล้วสั่งใหม่",
                        "keep one file per department (see sent-twice) and run again")
            elif self.draft:
                todo = "แก้ไขแล้วสั่งใหม่", "fix them and run again"
            else:
                todo = "แก้ไขแล้วสั่งใหม่ หรือใช้ --draft เพื่อดูฉบับร่าง", "fix them and run again, or use --draft for a draft"
            return (f"ไม่ได้เขียนไฟล์: พบข้อผิดพลาด {errors} รายการใน {faulty} ไฟล์ (จากทั้งหมด {self.files} ไฟล์) "
                    f"{todo[0]}\n"
                    f"Nothing written: {counted(errors, 'error')} in {faulty} of {counted(self.files, 'file')}; "
                    f"{todo[1]}")
        kind = " (ฉบับร่าง)" if self.draft else ""
        line = (f"รวมแล้ว{kind}: อ่าน {self.files} ไฟล์ {self.projects_read} โครงการ "
                f"เขียน {self.projects_written} โครงการ → {self.output}")
        line += (f"\nMerged{' (draft)' if self.draft else ''}: {counted(self.files, 'file')}, "
                 f"{counted(self.projects_read, 'project')} read, {counted(self.projects_written, 'project')} "
                 f"written → {self.output}")
        if self.pdf:
            line += f"\nPDF: {self.pdf}" + (f"\n{self.pdf_note}" if self.pdf_note else "")
        elif self.pdf_error:
            line += f"\nไม่ได้สร้าง PDF / no PDF: {self.pdf_error}"
            old_pdf = self.output.with_suffix(".pdf")
            if old_pdf.exists():
                line += (f"\n! {old_pdf} ที่มีอยู่เป็นฉบับเก่า ไม่ตรงกับแผนรวมนี้ อย่านำไปเผยแพร่ / "
                         f"the {old_pdf} there is from an earlier run and does not match this master: "
                         "do not publish it")
        return line

    @property
    def files_with_errors(self) -> int:
        """How many files hold at least one error (an error across files counts the file it names)."""
        faulty = {f.path for f in self.report.files if any(p.is_error for p in f.problems)}
        faulty |= {p.path or "" for p in self.report.problems if p.is_error}
        return len(faulty)

    def to_json(self) -> str:
        return json_text(self.to_dict())

    def to_dict(self) -> dict:
        """The report's to_dict() with what was written under "merge"."""
        return {**self.report.to_dict(), "merge": {
            "written": self.written, "output": str(self.output) if self.output else None,
            "pdf": str(self.pdf) if self.pdf else None, "pdf_error": self.pdf_error or None,
            "pdf_note": self.pdf_note or None,
            "write_error": self.write_error or None,
            "draft": self.draft, "files": self.files, "projects_read": self.projects_read,
            "projects_written": self.projects_written}}


@dataclass
class Overrides:
    """What the command line says, ahead of plan.toml and the templates' hidden sheets."""
    organisation: str = ""
    fiscal_year: int | None = None
    issuer: str = ""
    as_of: dt.date | None = None


def merge_files(paths: list[str | Path], output: str | Path, config: Config | None = None, *,
                overrides: Overrides | None = None, draft: bool = False, pdf: bool = False,
                progress=None, file_names: Mapping[str, str] | None = None) -> MergeResult:
    """`progress(files read, files)`: as for validate_files. `file_names`: the name the master's
    data sheet shows for each path (the web page's uploads are kept under private paths)."""
    from .validate import validate_files

    config = config or Config()
    overrides = overrides or Overrides()
    output = Path(output)
    if output.suffix.lower() != ".xlsx":
        raise MergeRefused(f"ไฟล์ผลลัพธ์ต้องลงท้ายด้วย .xlsx ({output}) / the output must end in .xlsx")
    clashes = [str(path) for path in paths for target in (output, output.with_suffix(".pdf"))
               if same_file(target, path)]

    result = validate_files(list(paths), config, keep_invalid=draft, progress=progress)
    for path in clashes:
        # An earlier master in the input folder is left out by validate, and may be replaced.
        if result.metadata.get(path, {}).get("kind") != KIND or Path(path).suffix.lower() != ".xlsx":
            raise MergeRefused(f"ไฟล์ผลลัพธ์ {path} คือไฟล์ที่นำเข้า จะไม่เขียนทับ ใช้ชื่ออื่นกับ -o / "
                               f"the output {path} is one of the input files; choose another name with -o")
    report = result.report
    heading, problems = _heading(config, overrides, result.metadata, draft)
    report.problems.extend(problems)
    merged = MergeResult(report, heading, files=len(paths), projects_read=result.rows_read, draft=draft)
    # Files sent twice are refused even for a draft: it would count their projects twice.
    if not report.ok and (not draft or any(p.code == "sent-twice" for p in report.all_problems())):
        return merged
    if len(result.plan.projects) != result.rows_read:
        # Every row read must be in the master: never drop one silently.
        report.problems.append(Problem("unreadable-file", value="rows-lost",
                                       detail=f"อ่านได้ {result.rows_read} แถว แต่จะเขียนได้ "
                                              f"{len(result.plan.projects)} แถว จึงไม่เขียนไฟล์",
                                       detail_en=f"{result.rows_read} rows read but {len(result.plan.projects)} "
                                                 "would be written, so nothing was written"))
        return merged

    departments = config.department_names
    marked = report.all_problems() if draft else []  # a final master carries no notes
    try:
        with atomic_path(output) as tmp:
            layout = write_master(result.plan, tmp, heading, department_order=departments, font=config.font,
                                  problems=marked, order=config.order,
                                  file_names={str(path): name for path, name in (file_names or {}).items()})
    except OutputError as exc:
        merged.write_error, release = str(exc), quiet_abandoned_files()
    if merged.write_error:
        release()
        return merged
    merged.output = output
    merged.projects_written = layout.projects
    if pdf:
        _write_pdf(merged, result.plan, output.with_suffix(".pdf"), heading, departments, config, marked)
    return merged


def _heading(config: Config, overrides: Overrides, metadata: dict[str, dict[str, str]],
             draft: bool) -> tuple[Heading, list[Problem]]:
    """The plan's organisation and year: the command line, else plan.toml, else the templates' hidden
    sheets; what none of them says is left as a dotted line, with a warning."""
    problems: list[Problem] = []
    organisation = overrides.organisation or config.organisation
    year = overrides.fiscal_year or config.fiscal_year
    if not organisation:
        organisation = _agreed(metadata, "organisation", "ชื่อหน่วยงาน", "the organisation", problems)
    if not year:
        found = _agreed(metadata, "fiscal_year", "ปีงบประมาณ", "the fiscal year", problems)
        year = whole_number(found)
    missing = [(thai, english, option) for value, thai, english, option in (
        (organisation, "ชื่อหน่วยงาน", "The organisation", "--org"),
        (year, "ปีงบประมาณ", "The fiscal year", "--year"),
        (config.district, "อำเภอ", "The district", "[organisation] district"),
        (config.province, "จังหวัด", "The province", "[organisation] province")) if not value]
    for thai, english, option in missing:
        problems.append(Problem("plan-details-missing", value=option, detail=thai, detail_en=english))
    heading = Heading(organisation=organisation, district=config.district, province=config.province,
                      fiscal_year=year, as_of=overrides.as_of or dt.date.today(),
                      issuer=overrides.issuer or config.issuer, draft=draft, digits=config.digits)
    return heading, problems


def _agreed(metadata: dict[str, dict[str, str]], key: str, thai: str, english: str,
            problems: list[Problem]) -> str:
    """The value the templates' hidden sheets give for `key`: the most common one, with a warning when
    they disagree."""
    values = Counter(v.strip() for meta in metadata.values() if (v := meta.get(key, "")) and v.strip())
    if not values:
        return ""
    if len(values) > 1:
        problems.append(Problem("templates-disagree", value=" / ".join(values), detail=thai, detail_en=english))
    return values.most_common(1)[0][0]


def _write_pdf(merged: MergeResult, plan, target: Path, heading: Heading, departments: list[str],
               config: Config, problems: list[Problem]) -> None:
    """The PDF holds the form sheet only: it is what gets published."""
    from .pdf import PdfError, font_note, print_font, to_pdf

    with tempfile.TemporaryDirectory(prefix="ita-workbook-") as folder:
        form_copy = Path(folder) / f"{target.stem}.xlsx"
        font, files = print_font(config.font)  # Sarabun, shipped, for TH SarabunPSK (pdf.py)
        write_master(plan, form_copy, heading, department_order=departments, font=font,
                     problems=problems, form_only=True, order=config.order)
        try:
            merged.pdf = to_pdf(form_copy, target, fonts=files)
            merged.pdf_note = "" if files else font_note(font)
        except PdfError as exc:
            merged.pdf_error = str(exc)
