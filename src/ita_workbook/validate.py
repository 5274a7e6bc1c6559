"""Files → Report and Plan: read every file, parse every cell, check all rows once with the schema.

Every row read ends up either as a project in the plan or with an error in the report (or both,
with `keep_invalid`): `Result.rows_read == len(plan.projects) + Result.rows_rejected`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import cells
from .config import Config
from .form import COLUMN_BY_KEY, FORM_VERSION, OFFERED_COLUMNS, PLAN_FORM, QUARTER_KEYS, Form
from .plan import Plan, Project, Source
from .problems import FileReport, Problem, Report
from .reader import RawRow, Workbook, lacks_problem, read_workbooks
from .sent_twice import files_sent_twice
from .thai import squeeze, whole_number


MASTER_KIND = "master"  # the `kind` a master's hidden sheet carries


@dataclass
class Result:
    report: Report
    plan: Plan
    rows_read: int = 0
    rows_rejected: int = 0  # rows with an error, left out of the plan (unless keep_invalid)
    metadata: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The report's to_dict() (what `validate --format json` prints); the plan is in .plan."""
        return self.report.to_dict()

    def to_json(self) -> str:
        return self.report.to_json()


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": cells.parse_text, "quantity": cells.parse_quantity, "dimension": cells.parse_dimension,
    "department": cells.parse_department, "amount": cells.parse_amount,
}


@dataclass
class _Row:
    raw: RawRow
    values: dict[str, Any]
    report: FileReport
    problems: list[Problem] = field(default_factory=list)
    blocked_columns: set[str] = field(default_factory=set)  # already reported at that cell
    name_key: str | None = None  # the name without spaces (schema.NAME_KEY), for duplicates


def validate_files(paths: list[str | Path], config: Config | None = None, *, keep_invalid: bool = False,
                   accept_master: bool = False, progress: Callable[[int, int], None] | None = None) -> Result:
    """`accept_master`: read masters too (`template --from` rolls last year's master over).
    `progress(files read, files)` is called after each file (the web page shows it)."""
    config = config or Config()
    report = Report()
    result = Result(report, Plan(organisation=config.organisation, district=config.district,
                                 province=config.province, fiscal_year=config.fiscal_year))
    rows = read_rows(paths, config, report, result.metadata, accept_master=accept_master,
                     progress=progress)
    _check_schema(rows, config)
    files_sent_twice(rows, report, result.metadata, config.match_department)
    result.rows_read = len(rows)
    for row in rows:
        row.report.problems.extend(row.problems)
        has_errors = any(p.is_error for p in row.problems) or bool(
            row.blocked_columns & {c.key for c in COLUMN_BY_KEY.values() if c.required})
        if has_errors:
            result.rows_rejected += 1
        if keep_invalid or not has_errors:
            result.plan.projects.append(_project(row, config, has_errors))
    return result


def read_rows(paths: list[str | Path], config: Config, report: Report, metadata: dict[str, dict[str, str]], *,
              form: Form = PLAN_FORM, accept_master: bool = False,
              template_problems: Callable[[Workbook], list[Problem]] | None = None,
              outputs: dict[str, str] | None = None,
              progress: Callable[[int, int], None] | None = None) -> list[_Row]:
    """Every file read as `form` and every cell parsed: the rows, each with the problems of its
    cells; the files' own problems go into `report`, their hidden details into `metadata`.
    `template_problems`: what a form's hidden sheet may say is wrong (a plan template's by default).
    `outputs`: kinds of workbook we write (hidden sheet) → the code of the warning that leaves one out.
    `progress(files read, files)` is called before each file (the web page shows it)."""
    outputs = {MASTER_KIND: "master-as-input"} if outputs is None else outputs
    rows: list[_Row] = []
    columns = form.column_by_key
    books = read_workbooks(paths, form=form, fiscal_year=config.fiscal_year)
    try:
        for done, path in enumerate(paths):
            if progress:
                progress(done, len(paths))
            book = next(books)
            if isinstance(book, Exception):
                book = _failed_read(path, book)
            file_report = FileReport(book.path, problems=list(book.problems))
            report.files.append(file_report)
            metadata[book.path] = book.metadata
            kind = book.metadata.get("kind")
            if kind in outputs and not (accept_master and kind == MASTER_KIND):
                # A master left in the departments' folder by an earlier run: merging it again would
                # double every project. Its tables are not read, so nothing is said of their cells.
                file_report.problems = [p for p in file_report.problems if p.sheet is None]
                file_report.problems.append(Problem(outputs[kind], book.path))
                file_report.projects = None  # left out: what it holds is not counted here
                continue
            file_report.problems.extend(template_problems(book) if template_problems else _template_problems(book, config))
            for table in book.tables:
                # Another layout (4-year, e-PlanNACC): said what it lacks beside its missing columns.
                if table.layout is not None and table.layout.signature \
                        and (lacking := lacks_problem(book.path, table, form)) is not None:
                    file_report.problems.append(lacking)
                for key in table.missing:
                    code = "missing-column" if columns[key].required else "missing-optional-column"
                    file_report.problems.append(Problem(code, book.path, sheet=table.sheet, row=table.header_row,
                                                        column=key))
            missing = {(t.sheet, k) for t in book.tables for k in t.missing if columns[k].required}
            for raw in book.rows:
                row = _parse_row(raw, file_report, form)
                row.blocked_columns |= {k for sheet, k in missing if sheet == raw.sheet}
                rows.append(row)
            # No table found (a file not read, or no header): how many projects it holds is not known.
            file_report.projects = len(book.rows) if book.tables else None
            if not book.rows and not any(p.is_error for p in file_report.problems):
                file_report.problems.append(Problem("no-projects", book.path))
    finally:
        books.close()  # the reader child stopped now
    return rows


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def collect_files(args: list[str | Path]) -> list[Path]:
    """The files named, with each folder replaced by the workbooks in it (sorted), leaving out
    Excel's lock files (~$…), hidden files and the marked-up copies that `--annotate` writes."""
    return folder_files(args)[0]


_NOT_READ = {
    "annotated": ("เป็นสำเนาที่ระบายสีปัญหาไว้ (--annotate) ไม่ใช่ไฟล์ที่ส่งมา", "a marked-up copy written by --annotate"),
    "folder": ("เป็นโฟลเดอร์ย่อย ซึ่งไม่ได้อ่าน ย้ายไฟล์ในนั้นออกมาหรือระบุโฟลเดอร์นั้นด้วย",
               "a subfolder, not searched; move its files up or name it too"),
    "pdf": ("เป็นไฟล์ PDF ซึ่งคำสั่งนี้ไม่อ่านจากโฟลเดอร์ (อาจเป็น PDF ที่โปรแกรมสร้างจากแผนรวม) ถ้าเป็นแผน ให้ระบุชื่อไฟล์นั้นโดยตรง",
            "a PDF, which this command does not take from a folder (it may be the PDF made of the master); "
            "name the file itself if it is a plan"),
    "not-a-workbook": ("ไม่ใช่ไฟล์ Excel (อ่านเฉพาะ .xlsx .xlsm .xls .xlsb .ods) ถ้าเป็นแผน ให้เปิดแล้วบันทึกเป็น .xlsx",
                       "not a workbook (only .xlsx .xlsm .xls .xlsb .ods are read); if it is a plan, save it as .xlsx"),
}


def folder_files(args: list[str | Path], pdf: bool = False) -> tuple[list[Path], list[Problem]]:
    """`collect_files`, and a `file-not-read` problem naming each file of a folder left out, and why:
    a .docx, .pdf or .csv among the returned files never disappears from the report. Excel's lock
    files and hidden files are nobody's returned work: left out unsaid. An entry named like a workbook
    that is no regular file (a dangling link, a FIFO, a link to a device, a folder) is kept: reading
    it reports what it is, as when it is named directly. `pdf`: a folder's PDFs are read too (check
    and province read published plans; merge's folder holds the master's own PDF)."""
    files: list[Path] = []
    skipped: list[Problem] = []
    for arg in map(Path, args):
        if not _is_dir(arg):
            files.append(arg)
            continue
        for child in sorted(arg.iterdir()):
            if child.name.startswith(("~$", ".")):
                continue
            suffix = child.suffix.lower()
            workbook_name = suffix in WORKBOOK_SUFFIXES or pdf and suffix == ".pdf"
            if workbook_name and "(ตรวจแล้ว)" in child.stem:
                reason = "annotated"
            elif workbook_name:
                files.append(child)
                continue
            else:
                reason = "folder" if _is_dir(child) else "pdf" if suffix == ".pdf" else "not-a-workbook"
            thai, english = _NOT_READ[reason]
            skipped.append(Problem("file-not-read", str(child), value=child.name, detail=thai, detail_en=english))
    return files, skipped


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long to look up: reading it says so
        return False


def _failed_read(path: str | Path, exc: Exception) -> Workbook:
    """A bug of ours met on a file: named for that file, never a traceback for a clerk."""
    if os.environ.get("ITA_WORKBOOK_DEBUG"):
        raise exc
    book = Workbook(str(path))
    book.problems.append(Problem(
        "unreadable-file", str(path), value="internal-error",
        detail=f"โปรแกรมอ่านไฟล์นี้ไม่สำเร็จ ({type(exc).__name__}) บันทึกเป็น .xlsx ใหม่ แล้วลองอีกครั้ง "
               "หากยังไม่ได้ โปรดแจ้งผู้พัฒนาพร้อมไฟล์",
        detail_en=f"reading this file failed ({type(exc).__name__}); save it again as .xlsx and retry, "
                  "and report it with the file if it persists"))
    return book


def _template_problems(book: Workbook, config: Config, version_now: str = FORM_VERSION) -> list[Problem]:
    meta = book.metadata
    if not meta:
        return []
    problems = []
    year = whole_number(meta.get("fiscal_year", ""))
    org = meta.get("organisation", "")
    if config.fiscal_year and year is not None and year != config.fiscal_year:
        problems.append(Problem("wrong-template", book.path, value=str(year),
                                detail=f"ปีงบประมาณ {year}", detail_en=f"fiscal year {year}"))
    if config.organisation and org and squeeze(org) != squeeze(config.organisation):
        problems.append(Problem("wrong-template", book.path, value=org, detail=org))
    version = meta.get("form_version", "")
    if version and version != version_now:
        problems.append(Problem("old-template", book.path, value=version))
    return problems


def _parse_row(raw: RawRow, file_report: FileReport, form: Form = PLAN_FORM) -> _Row:
    row = _Row(raw, {}, file_report)
    for key, column in form.column_by_key.items():
        if key == "no":
            continue
        cell = raw.cells.get(key)
        value = None if cell is None else cell.value
        if cell is not None and cell.unevaluated:
            row.problems.append(_at(raw, "formula-without-value", key))
            row.blocked_columns.add(key)
            value = None
        try:
            if column.kind == "budget":
                row.values["budget"], row.values["no_budget"] = cells.parse_budget(value)
            elif column.kind == "mark":
                row.values[key] = cells.parse_mark(value)
            elif column.kind == "choice":
                row.values[key] = cells.parse_choice(value, column.choices, column.synonyms)
            elif column.kind == "period":
                row.values[key], row.values[f"{key}_dates"] = cells.parse_period(value)
            else:
                row.values[key] = _PARSERS[column.kind](value)
        except cells.CellError as exc:
            row.problems.append(_at(raw, exc.code, key, exc.detail, exc.detail_en))
            row.blocked_columns.add(key)
            row.values.update({"budget": None, "no_budget": False} if key == "budget" else {key: None})
            if column.kind == "mark":
                row.values[key] = False
    # Squeezed now, while its cleaning is in thai.clean_text's cache: by the schema's pass, 10,000
    # names later, it had left it and every name was cleaned again.
    row.name_key = squeeze(name) if (name := row.values.get("name")) else None
    if raw.hidden:
        row.problems.append(_at(raw, "hidden-row", "name"))
    for address in raw.continued:
        row.problems.append(Problem("continuation-row", raw.path, sheet=raw.sheet, cell=address,
                                    row=int(address.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))))
    return row


def _cell(raw: RawRow, key: str) -> str | None:
    cell = raw.cells.get(key)
    return cell.address if cell else None


def _at(raw: RawRow, code: str, key: str | None, detail: str = "", detail_en: str = "") -> Problem:
    value = raw.value(key) if key else None
    return Problem(code, raw.path, sheet=raw.sheet, cell=_cell(raw, key or "name") or f"A{raw.row}",
                   row=raw.row, column=key, value=value, detail=detail, detail_en=detail_en)


def _check_schema(rows: list[_Row], config: Config) -> None:
    if not rows:
        return
    import pandas as pd  # heavy: only once there is something to check

    from .schema import NAME_KEY, check_rows

    matched: dict[str, str | None] = {}
    records = []
    for row in rows:
        values = dict(row.values)
        dept = values.get("department")
        if dept is not None:
            if dept not in matched:
                matched[dept] = _match_departments(dept, config)
            values["department"] = matched[dept] or dept
            row.values["department"] = values["department"]
        values[NAME_KEY] = row.name_key
        records.append(values)
    frame = pd.DataFrame.from_records(records)
    frame["dimension"] = frame["dimension"].astype(float)
    frame["budget"] = frame["budget"].astype(float)
    known = config.department_names + sorted({m for m in matched.values() if m and "/" in m})
    failures = check_rows(frame, known)
    # Rows by name, built once: looking for a duplicate's twins among all rows for each of them was
    # quadratic (5,000 files sharing the example row took 2.3 times as long as 5,000 different ones).
    same_name: dict[str, list[int]] = {}
    if any(f.code == "duplicate-project" for f in failures):
        for i, record in enumerate(records):
            same_name.setdefault(record[NAME_KEY], []).append(i)
    for failure in failures:
        row = rows[failure.index]
        if failure.column in row.blocked_columns:
            continue
        if failure.code == "no-quarter" and row.blocked_columns & set(QUARTER_KEYS):
            continue
        row.problems.append(_schema_problem(row, failure, rows, records, same_name, config))


def _match_departments(text: str, config: Config) -> str | None:
    """A configured department, or several written in one cell (สำนักปลัด/กองคลัง) → "สำนักปลัด/กองคลัง"."""
    if found := config.match_department(text):
        return found
    parts = [p for p in re.split(r"[/,;\n]", text) if p.strip()]
    names = [config.match_department(p) for p in parts]
    if len(parts) > 1 and all(names):
        return "/".join(dict.fromkeys(names))
    return None


def _schema_problem(row: _Row, failure, rows: list[_Row], records: list[dict], same_name: dict[str, list[int]],
                    config: Config) -> Problem:
    raw = row.raw
    if failure.code == "no-quarter":
        return Problem("no-quarter", raw.path, sheet=raw.sheet, cell=_cell(raw, "q1") or f"A{raw.row}",
                       row=raw.row)
    if failure.code == "unknown-department":
        suggestion = config.suggest_department(str(row.values.get("department", "")))
        return _at(raw, failure.code, "department",
                   f" (หรือหมายถึง \"{suggestion}\"?)" if suggestion else "",
                   f" (did you mean '{suggestion}'?)" if suggestion else "")
    if failure.code == "duplicate-project":
        twins = same_name[records[failure.index]["name_key"]]  # schema.NAME_KEY
        others = [rows[i].raw for i in twins[:4] if i != failure.index]
        where = ", ".join(f"{Path(o.path).name} {o.sheet}!{_cell(o, 'name')}" for o in others[:3])
        problem = _at(raw, failure.code, "name", where)
        problem.value = row.values.get("name")
        return problem
    return _at(raw, failure.code, failure.column)


def _project(row: _Row, config: Config, has_errors: bool) -> Project:
    v = row.values
    raw = row.raw
    dimension = v.get("dimension")
    return Project(
        name=v.get("name") or "",
        unit=v.get("unit") or "",
        quantity=v.get("quantity") if v.get("quantity") is not None else "",
        budget=v.get("budget") if not v.get("no_budget") else None,
        dimension=dimension if dimension in (1, 2, 3, 4) else 0,
        indicator=v.get("indicator") or "",
        outcome=v.get("outcome") or "",
        quarters=tuple(bool(v.get(q)) for q in QUARTER_KEYS),
        department=v.get("department") or "",
        source=Source(raw.path, raw.sheet, raw.row, tuple((k, c.address) for k, c in raw.cells.items())),
        has_errors=has_errors,
        **{c.key: _offered(raw, c.key) for c in OFFERED_COLUMNS},
    )


def _offered(raw: RawRow, key: str) -> str:
    """An optional e-PlanNACC field (ประเภท, กลุ่มเป้าหมาย, วัตถุประสงค์) as typed, or empty: never a problem."""
    cell = raw.cells.get(key)
    if cell is None or cell.value is None or cell.unevaluated or isinstance(cell.value, bool):
        return ""
    try:
        return cells.parse_text(cell.value) or ""
    except cells.CellError:
        return ""
