"""The departments' result reports (รายงานผล) → every project of the plan with its result, checked.

The returned files go through the plan's pipeline with the report's form description: the same
reader, cell parsers and pandera pass (schema.report_schema). Each row is then matched to a project
of the plan by its name; every project of the plan is in the result, the ones nobody reported as
รอรายงานผล (`not-reported`), counted and never dropped.
"""

from __future__ import annotations

import dataclasses
import json
import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config
from .plan import Plan, Project
from .problems import Problem, Report, counted
from .report_form import (CANNOT, DONE, IN_PROGRESS, INPUT_KEYS, NOT_REPORTED, NOT_STARTED, REPORT_VERSION,
                          Summary, report_form, round_period)
from .thai import squeeze, thai_date, to_arabic_digits

KIND = "report"  # the hidden sheet of the report workbook


@dataclass
class Entry:
    """One project of the plan and what its department reported (nothing: `values` is None)."""
    number: int  # its ที่ on the master's form
    project: Project
    values: dict[str, Any] | None = None
    source: Any = None  # the reader's RawRow of the report row
    problems: list[Problem] = field(default_factory=list)

    @property
    def status(self) -> str:
        status = (self.values or {}).get("status")
        return status or NOT_REPORTED

    def value(self, key: str) -> Any:
        return (self.values or {}).get(key)


@dataclass
class RoundReport:
    round: int
    report: Report
    plan: Plan
    entries: list[Entry]
    unmatched: list[Any] = field(default_factory=list)  # report rows matching no project (validate's _Row)
    rows_read: int = 0
    metadata: dict[str, dict[str, str]] = field(default_factory=dict)

    def summary(self) -> Summary:
        counts = {s: 0 for s in (DONE, IN_PROGRESS, CANNOT, NOT_STARTED, NOT_REPORTED)}
        for entry in self.entries:
            counts[entry.status] += 1
        return Summary(
            projects=len(self.entries), done=counts[DONE], in_progress=counts[IN_PROGRESS],
            cannot=counts[CANNOT], not_started=counts[NOT_STARTED], not_reported=counts[NOT_REPORTED],
            budget_plan=sum(e.project.budget_value for e in self.entries),
            budget_ordinance=sum(e.value("budget_ordinance") or 0.0 for e in self.entries),
            disbursed=sum(e.value("disbursed") or 0.0 for e in self.entries), round=self.round)

    def to_dict(self) -> dict:
        """validate's JSON document, with the round and the round's figures in `summary`."""
        data = self.report.to_dict()
        data["round"] = self.round
        data["summary"] = {**data["summary"], "rows": data["summary"]["projects"], **self.summary().to_dict()}
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    def summary_text(self) -> str:
        s = self.summary()
        light = {"green": "เขียว / green", "orange": "ส้ม / orange", "red": "แดง / red"}[s.light]
        return (f"รายงานผลรอบ {self.round} เดือน: {s.projects} โครงการ — แล้วเสร็จ {s.done}, "
                f"อยู่ระหว่างดำเนินการ {s.in_progress}, ไม่สามารถดำเนินการได้ {s.cannot}, "
                f"ยังไม่ดำเนินการ {s.not_started}, รอรายงานผล {s.not_reported}\n"
                f"ผลการนำแผนไปสู่การปฏิบัติ / score {s.score:.2f} ({light}); "
                f"เบิกจ่าย / disbursed {s.disbursed:,.0f} of {s.budget_ordinance:,.0f} บาท")


def read_plan(path: str | Path, config: Config) -> tuple[Plan, Report, dict[str, str]]:
    """The plan the report is about: our master or any plan `check` can read, in the master's order."""
    from .validate import validate_files

    result = validate_files([path], dataclasses.replace(config, fiscal_year=None), keep_invalid=True,
                            accept_master=True)
    plan = result.plan
    meta = result.metadata.get(str(path), {})
    plan.organisation = config.organisation or meta.get("organisation", "")
    plan.district = config.district or meta.get("district", "")
    plan.province = config.province or meta.get("province", "")
    year = to_arabic_digits(meta.get("fiscal_year", "")).strip()
    plan.fiscal_year = config.fiscal_year or (int(year) if year.isdigit() else None)
    plan.projects = plan.ordered(config.department_names)
    return plan, result.report, meta


def compile_report(paths: list[str | Path], plan: Plan, round_: int, config: Config) -> RoundReport:
    """Read and check every returned file against the plan's projects."""
    from .validate import _template_problems, read_rows

    form = report_form(round_)
    report = Report()
    result = RoundReport(round_, report, plan, [Entry(i, p) for i, p in enumerate(plan.projects, start=1)])
    config = dataclasses.replace(config, fiscal_year=plan.fiscal_year or config.fiscal_year,
                                 organisation=plan.organisation or config.organisation)

    def template_problems(book) -> list[Problem]:
        problems = _template_problems(book, config, REPORT_VERSION)
        typed = book.metadata.get("round", "")
        if typed and typed != str(round_):
            problems.append(Problem("wrong-round", book.path, value=typed, detail=str(round_)))
        return problems

    rows = read_rows(paths, config, report, result.metadata, form=form, template_problems=template_problems,
                     outputs={KIND: "report-as-input", "master": "master-as-input"})
    result.rows_read = len(rows)
    # Rows of a table without a status column (a plan's form sent by mistake) report nothing: the
    # file's missing-column error says why.
    incomplete = {(p.path, p.sheet) for p in report.all_problems()
                  if p.code == "missing-column" and p.column == "status"}
    rows = [row for row in rows if (row.raw.path, row.raw.sheet) not in incomplete]
    blank = [row for row in rows if _blank(row)]
    rows = [row for row in rows if not _blank(row)]
    _match(rows, result, config)
    _check_schema(rows, result, round_)
    if plan.fiscal_year:
        for row in rows:
            _check_dates(row, plan.fiscal_year, round_)
    for row in rows:
        row.report.problems.extend(row.problems)
    left_blank: dict[str, list] = {}
    for row in blank:
        left_blank.setdefault(squeeze(row.values.get("name") or ""), []).append(row)
    for entry in result.entries:
        if entry.values is None:
            project = entry.project
            rows_of_name = left_blank.get(squeeze(project.name), [])
            row = next((r for r in rows_of_name if config.match_department(r.values.get("department") or "")
                        == project.department), rows_of_name[0] if rows_of_name else None)
            if row is not None:  # on the department's form, but nothing reported: said at its status cell
                rows_of_name.remove(row)
                row.report.problems.append(_problem(row, "not-reported", "status", project.department,
                                                    value=project.name))
            else:
                report.problems.append(Problem("not-reported", value=project.name, row=entry.number,
                                               detail=project.department or "-"))
    in_plan = {squeeze(e.project.name): e for e in result.entries}
    for key, rows_of_name in left_blank.items():
        for row in rows_of_name:  # a blank row of no project still unreported: said all the same
            entry = in_plan.get(key)
            if entry is not None:
                row.report.problems.append(_problem(row, "reported-twice", "name", _where(entry.source)))
            else:
                row.report.problems.append(_problem(row, "unknown-project", "name"))
    if result.entries and all(entry.values is None for entry in result.entries):
        # A report of nothing would score 0.00, red, "disbursed 0 of 0", as if that were the result.
        report.problems.append(Problem("nothing-reported", value=len(result.entries)))
    return result


def _blank(row) -> bool:
    """A project row of a returned form where the clerk reported nothing (and nothing is wrong)."""
    return not row.problems and all(row.values.get(k) in (None, "") for k in INPUT_KEYS)


def _match(rows: list, result: RoundReport, config: Config) -> None:
    """Each row to the plan project of its name (of its department where two share a name)."""
    by_name: dict[str, list[Entry]] = {}
    for entry in result.entries:
        by_name.setdefault(squeeze(entry.project.name), []).append(entry)
    names = list(by_name)
    unknown = []
    for row in rows:
        name = row.values.get("name")
        if not name:
            result.unmatched.append(row)  # missing-value already said so
            continue
        candidates = by_name.get(squeeze(name), [])
        department = config.match_department(row.values.get("department") or "")
        free = [e for e in candidates if e.values is None]
        entry = next((e for e in free if e.project.department == department), free[0] if free else None)
        if entry is None and candidates:
            first = candidates[0].source
            row.problems.append(_problem(row, "reported-twice", "name", _where(first), value=name))
            result.unmatched.append(row)
            continue
        if entry is None:
            unknown.append((row, department))
            continue
        entry.values, entry.source, entry.problems = row.values, row.raw, row.problems
    for row, department in unknown:
        # Renamed, most likely: the closest name among the department's projects still unreported.
        own = [key for key, entries in by_name.items()
               if any(e.values is None and e.project.department == department for e in entries)]
        close = (difflib.get_close_matches(squeeze(row.values["name"]), own, n=1, cutoff=0.6)
                 or difflib.get_close_matches(squeeze(row.values["name"]), names, n=1, cutoff=0.6))
        choices = by_name[close[0]] if close else []
        hint = next((e for e in choices if e.values is None and e.project.department == department),
                    choices[0] if choices else None)
        hint = hint.project.name if hint else ""
        row.problems.append(_problem(
            row, "unknown-project", "name", f" (หรือหมายถึง \"{hint}\"?)" if hint else "",
            value=row.values["name"], detail_en=f" (did you mean '{hint}'?)" if hint else ""))
        result.unmatched.append(row)


def _where(raw) -> str:
    return f"{Path(raw.path).name} {raw.sheet}!{raw.cells['name'].address}" if raw else ""


def _problem(row, code: str, key: str | None, detail: str = "", *, value: Any = None, detail_en: str = "") -> Problem:
    """A problem at the row's cell of `key`, quoting `value` (else what the cell holds)."""
    raw = row.raw
    cell = raw.cells.get(key or "name") or raw.cells.get("name")
    return Problem(code, raw.path, sheet=raw.sheet, cell=cell.address if cell else f"A{raw.row}", row=raw.row,
                   column=key, value=raw.value(key) if value is None and key else value, detail=detail,
                   detail_en=detail_en)


# Row-wide rules of the schema, and the cell each is reported at.
_RULE_COLUMN = {"missing-reason": "reason", "disbursed-over-budget": "disbursed",
                "money-without-budget": "disbursed", "not-started-late": "status"}


def _check_schema(rows: list, result: RoundReport, round_: int) -> None:
    if not rows:
        return
    import pandas as pd

    from .schema import PLAN_EARLY, PLAN_NO_BUDGET, check_frame, report_schema

    plan_of = {id(e.values): e.project for e in result.entries if e.values is not None}
    records = []
    for row in rows:
        project = plan_of.get(id(row.values))
        records.append({**row.values,
                        PLAN_NO_BUDGET: bool(project and project.budget is None),
                        PLAN_EARLY: bool(project and (project.quarters[0] or project.quarters[1]))})
    frame = pd.DataFrame.from_records(records)
    for key in ("budget_ordinance", "disbursed"):
        frame[key] = frame[key].astype(float)
    for failure in check_frame(frame, report_schema(round_)):
        row = rows[failure.index]
        column = failure.column or _RULE_COLUMN.get(failure.code)
        if column in row.blocked_columns:
            continue
        values = row.values
        if failure.code == "missing-reason":
            missing_other = values.get("reason") is not None
            row.problems.append(_problem(
                row, failure.code, "reason_other" if missing_other else "reason",
                "ไม่ได้ระบุสาเหตุอื่น" if missing_other else "ไม่ได้เลือกสาเหตุ",
                detail_en="the other reason is not written" if missing_other else "no reason is chosen"))
        elif failure.code == "disbursed-over-budget":
            row.problems.append(_problem(row, failure.code, "disbursed", f"{values['budget_ordinance']:,.0f}",
                                         value=f"{values['disbursed']:,.0f}"))
        elif failure.code == "money-without-budget":
            key = "disbursed" if (values.get("disbursed") or 0) > 0 else "budget_ordinance"
            row.problems.append(_problem(row, failure.code, key, value=f"{values[key]:,.0f}"))
        elif failure.code == "not-started-late":
            project = plan_of[id(values)]
            quarters = ", ".join(str(i + 1) for i in range(2) if project.quarters[i])
            row.problems.append(_problem(row, failure.code, "status", quarters))
        else:
            row.problems.append(_problem(row, failure.code, column))
            if failure.code == "bad-amount":
                values[column] = None  # a negative amount counts in no total


def _check_dates(row, fiscal_year: int, round_: int) -> None:
    """A date in วันที่/ช่วงเวลาที่ดำเนินการ outside the round (a year typed wrong, mostly)."""
    if "period" in row.blocked_columns:
        return
    first, last = round_period(fiscal_year, round_)
    for year, month, day in row.values.get("period_dates") or []:
        if year is None:  # ต.ค.-ธ.ค. belong to the year before the fiscal year
            year = fiscal_year - 1 if month >= 10 else fiscal_year
        year -= 543
        try:
            start = dt.date(year, month, day or 1)
        except ValueError:
            continue
        end = start if day else (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
        if end < first or start > last:
            row.problems.append(_problem(row, "date-outside-round", "period",
                                         f"{thai_date(first)} – {thai_date(last)}"))
            return


def no_projects(plan_name: str) -> str:
    """Why no report can be made of a plan read without projects."""
    return f"ไม่พบโครงการในแผน {plan_name} / no project found in the plan {plan_name}"


def not_written(output_name: str, draft: tuple[str, str] = ("--draft", "--draft")) -> str:
    """Why the report was not written: errors were found and no draft was asked for (`draft`: how
    to ask for one, Thai and English)."""
    return (f"มีข้อผิดพลาด จึงไม่ได้เขียน {output_name} แก้แล้วสั่งใหม่ หรือใช้ {draft[0]} เพื่อเขียนฉบับร่าง / "
            f"errors found, {output_name} not written (use {draft[1]} for a draft)")


def previous_note(found: int, name: str) -> str:
    """What the 6-month report gave the 12-month forms (`found` projects' results)."""
    if not found:
        return (f"ไม่พบผลรอบ ๖ เดือนใน {name} (ใช้ไฟล์รายงานผลที่คำสั่ง report เขียน หรือแบบรายงานที่กรอกแล้ว) / "
                f"no 6-month result found in {name}")
    return f"ผลรอบ ๖ เดือนของ {found} โครงการจาก {name} / the 6-month results of {counted(found, 'project')} from {name}"


@dataclass
class Written:
    """What write_report wrote: `text` to print; the PDF, or why it could not be made."""
    text: str
    pdf: Path | None = None
    pdf_error: str = ""

    @property
    def pdf_failed(self) -> bool:
        return bool(self.pdf_error)


def write_report(result: RoundReport, output: str | Path, config: Config, *, as_of: dt.date | None = None,
                 draft: bool = False, pdf: bool = False, signatures: bool = True) -> Written:
    """Write the report workbook (and its report sheet as PDF). A PDF that cannot be made is said in
    `pdf_error`; the workbook is written all the same."""
    import tempfile

    from .output import atomic_path
    from .report_workbook import Heading, write_report_workbook

    plan = result.plan
    heading = Heading(organisation=plan.organisation, district=plan.district, province=plan.province,
                      fiscal_year=plan.fiscal_year, round=result.round, as_of=as_of or dt.date.today(),
                      issuer=config.issuer, draft=draft, signatures=signatures)
    output = Path(output)
    with atomic_path(output) as tmp:
        write_report_workbook(result, tmp, heading, font=config.font)
    lines = [f"รายงานผล / report: {output}"]
    written = Written("")
    if pdf:
        from .pdf import PdfError, font_note, print_font, to_pdf

        with tempfile.TemporaryDirectory(prefix="ita-workbook-") as folder:
            sheet_only = Path(folder) / f"{output.stem}.xlsx"
            font, files = print_font(config.font)  # Sarabun, shipped, for TH SarabunPSK (as the master's PDF)
            write_report_workbook(result, sheet_only, heading, font=font, form_only=True)
            try:
                written.pdf = Path(to_pdf(sheet_only, output.with_suffix('.pdf'), fonts=files))
                lines.append(f"PDF: {written.pdf}")
                if not files and (note := font_note(font)):
                    lines.append(note)
            except PdfError as exc:
                lines.append(str(exc))
                written.pdf_error = str(exc)
    written.text = "\n".join(lines)
    return written


def previous_results(path: str | Path, plan: Plan, config: Config) -> dict[int, dict[str, Any]]:
    """The 6-month results of each project number, to pre-fill the 12-month forms: read from the
    6-month report workbook's data sheet, or from the departments' filled 6-month forms."""
    from .reader import read_workbook
    from .report_workbook import DATA_SHEET

    book = read_workbook(path, keep_sheets=(DATA_SHEET,))
    found: dict[int, dict[str, Any]] = {}
    number_of = {squeeze(p.name): i for i, p in enumerate(plan.projects, start=1)}
    if DATA_SHEET in book.sheets and book.metadata.get("kind") == KIND:
        rows = book.sheets[DATA_SHEET]
        header = [str(h) for h in rows[0]] if rows else []
        for values in rows[1:]:
            record = dict(zip(header, values))
            number = number_of.get(squeeze(str(record.get("name") or "")))
            if number is not None:
                found[number] = {k: record.get(k) for k in INPUT_KEYS if record.get(k) not in (None, "")}
    else:
        result = compile_report([path], plan, 6, config)
        for entry in result.entries:
            if entry.values is not None:
                found[entry.number] = {k: entry.values.get(k) for k in INPUT_KEYS
                                       if entry.values.get(k) not in (None, "")}
    for values in found.values():
        if values.get("status") in (NOT_STARTED, NOT_REPORTED):
            del values["status"]  # at the year's end a project is done, in progress or could not be done
    return found
