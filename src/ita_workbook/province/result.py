"""The outcome of a province run (ProvinceResult): every plan, the totals, and what the command
prints (text) or returns (JSON)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import Problem, _line, counted
from ..report_form import Summary
from .model import OrgPlan, Tally
from .reports import OrgReport, disbursed_share

@dataclass
class ProvinceResult:
    plans: list[OrgPlan]  # sorted by อำเภอ then name; unreadable files last
    province: str = ""
    fiscal_year: int | None = None
    output: Path | None = None
    pdf: Path | None = None
    pdf_error: str = ""
    not_read: list[Problem] = field(default_factory=list)  # files of a folder left out (file-not-read)
    reports: list[OrgReport] = field(default_factory=list)  # result reports: by their plans' order, then the rest
    round: int | None = None  # the round of the result reports summed up (6 or 12)

    @property
    def counted(self) -> list[OrgPlan]:
        return [p for p in self.plans if p.counted]

    @property
    def errors(self) -> int:
        return sum(p.errors for p in self.plans) + sum(r.errors for r in self.reports)

    @property
    def warnings(self) -> int:
        return sum(p.warnings for p in self.plans) + sum(r.warnings for r in self.reports)

    @property
    def counted_reports(self) -> list[OrgReport]:
        return [r for r in self.reports if r.counted and r.summary is not None]

    def report_of(self, plan: OrgPlan) -> OrgReport | None:
        return next((r for r in self.counted_reports if r.plan == plan.path), None)

    @property
    def reports_missing(self) -> list[OrgPlan]:
        """The organisations whose plan came but whose result report did not."""
        return [p for p in self.plans if any(x.code == "report-missing" for x in p.problems)]

    @property
    def report_total(self) -> Summary:
        """The counted reports' figures added up (the score of the sums, as e-PlanNACC's total)."""
        found = [r.summary for r in self.counted_reports]
        keys = ("projects", "done", "in_progress", "cannot", "not_started", "not_reported", "budget_plan",
                "budget_ordinance", "disbursed")
        return Summary(**{k: sum(getattr(s, k) for s in found) for k in keys}, round=self.round or 6)

    @property
    def ok(self) -> bool:
        return self.errors == 0

    @property
    def projects(self) -> int:
        return self.total.projects

    @property
    def total(self) -> Tally:
        """The organisations' tallies added up: every plan read, with errors or not (the summary's
        totals row; `clean_total` is the line for the plans without errors)."""
        return Tally.total(p.tally for p in self.counted)

    @property
    def clean_total(self) -> Tally:
        return Tally.total(p.tally for p in self.counted if p.read_as and not p.errors)

    def totals_text(self) -> tuple[str, str]:
        """What the totals include, Thai and English: said wherever they are shown."""
        all_, clean = self.total, self.clean_total
        flawed = sum(1 for p in self.counted if p.read_as and p.errors)
        return (f"ยอดรวมนับทุกแผนที่อ่านได้ รวมแผนที่มีข้อผิดพลาด {flawed:,} แผน: {all_.projects:,} โครงการ "
                f"งบประมาณ {all_.budget:,.2f} บาท; เฉพาะแผนที่ไม่มีข้อผิดพลาด: {clean.projects:,} โครงการ "
                f"งบประมาณ {clean.budget:,.2f} บาท (งบประมาณที่ติดลบหรืออ่านไม่ได้ไม่นับรวม)",
                f"Totals count every plan read, including {flawed:,} with errors: {all_.projects:,} projects, "
                f"budget {all_.budget:,.2f}; plans without errors only: {clean.projects:,} projects, budget "
                f"{clean.budget:,.2f} (negative or unreadable budgets are never added)")

    def place(self, plan: OrgPlan) -> str:
        """The อำเภอ as the summary shows it: with its จังหวัด when the plans are of several."""
        return f"{plan.district} จ.{plan.province}".strip() if self.several(plan) else plan.district

    def several(self, plan: OrgPlan) -> bool:
        """Whether the summary names the plan's จังหวัด: the plans are of several."""
        return not self.province and bool(plan.province)

    def to_dict(self) -> dict[str, Any]:
        groups = Counter(p.status for p in self.plans)
        return {"ok": self.ok, "province": self.province, "fiscal_year": self.fiscal_year,
                "output": str(self.output) if self.output else None,
                "pdf": str(self.pdf) if self.pdf else None, "pdf_error": self.pdf_error or None,
                "organisations": [{**p.to_dict(), "report": _report_figures(self.report_of(p))}
                                  for p in self.plans],
                "summary": {"files": len(self.plans), "organisations": len(self.counted),
                            "passed": groups["passed"], "warnings_only": groups["warnings"],
                            "with_errors": groups["errors"], "unreadable": groups["unreadable"],
                            "left_out": groups["left-out"], "projects": self.projects,
                            "budget": self.total.budget,
                            "errors": self.errors, "warnings": self.warnings,
                            "totals": {"all_plans": _tally_json(self.total, self.counted),
                                       "plans_without_errors": _tally_json(
                                           self.clean_total, [p for p in self.counted if p.read_as and not p.errors]),
                                       "includes": self.totals_text()[1]},
                            "reports": len(self.counted_reports), "reports_missing": len(self.reports_missing),
                            "report_totals": self.report_total.to_dict() if self.reports else None},
                "round": self.round,
                "reports": [r.to_dict() for r in self.reports],
                "reports_missing": [{"organisation": p.organisation, "district": p.district, "path": p.path}
                                    for p in self.reports_missing],
                "not_read": [{"path": p.path, **p.to_dict()} for p in self.not_read]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    def to_text(self) -> str:
        year = self.fiscal_year or "?"
        lines = [f"จังหวัด{self.province or '?'} ปีงบประมาณ {year}: {len(self.plans)} ไฟล์ / files"]
        sections = (("passed", "✓ ผ่าน / passed"), ("warnings", "! มีคำเตือน / warnings only"),
                    ("errors", "✗ มีข้อผิดพลาด / with errors"), ("unreadable", "✗ อ่านไม่ได้ / could not be read"),
                    ("left-out", "- ไม่นับรวม / left out"))
        for status, title in sections:
            plans = [p for p in self.plans if p.status == status]
            if not plans:
                continue
            lines.append(f"■ {title}: {len(plans)}")
            for p in plans:
                place = f" (อ.{p.district})" if p.district else ""
                counts = f"{p.tally.projects} โครงการ/projects" if p.read_as else ""
                lines.append(f"  {p.organisation}{place} — {counts + ' — ' if counts else ''}{p.path}")
                if status != "passed":
                    lines.extend("  " + _line(problem) for problem in sorted(p.problems, key=_position))
        lines.extend(self.summary_lines())
        lines.extend(self.totals_text())
        if self.reports:
            lines.extend(self._reports_text())
        if self.not_read:
            lines.append(f"■ ไฟล์ที่ไม่ได้อ่าน / files not read: {len(self.not_read)}")
            lines.extend(_line(problem) for problem in self.not_read)
        if self.output:
            lines.append(f"เขียนแล้ว / written: {self.output}")
        if self.pdf:
            lines.append(f"PDF: {self.pdf}")
        elif self.pdf_error:
            lines.append(f"ไม่ได้สร้าง PDF / no PDF: {self.pdf_error}")
        return "\n".join(lines)


    def summary_lines(self) -> tuple[str, str]:
        """The verdict, Thai and English, with the same counts in both: plans by outcome, then problems."""
        groups = Counter(p.status for p in self.plans)
        verdict = "ผ่าน / OK" if self.ok else "ไม่ผ่าน / NOT OK"
        return (f"สรุป: {len(self.counted)} หน่วยงาน, {self.projects:,} โครงการ, ผ่าน {groups['passed']}, "
                f"มีคำเตือน {groups['warnings']}, มีข้อผิดพลาด {groups['errors']}, "
                f"อ่านไม่ได้ {groups['unreadable']}; ข้อผิดพลาด {self.errors} รายการ, "
                f"คำเตือน {self.warnings} รายการ — {verdict}",
                f"Summary: {counted(len(self.counted), 'organisation')}, {counted(self.projects, 'project')}, "
                f"{groups['passed']} passed, {groups['warnings']} with warnings only, "
                f"{groups['errors']} with errors, {groups['unreadable']} unreadable; "
                f"{counted(self.errors, 'error')}, {counted(self.warnings, 'warning')}")

    def _reports_text(self) -> list[str]:
        lines = [f"■ รายงานผลรอบ {self.round} เดือน / {self.round}-month result reports: "
                 f"{len(self.counted_reports)} ฉบับ"]
        for r in self.reports:
            place = f" (อ.{r.district})" if r.district else ""
            lines.append(f"  {r.organisation}{place} — {_report_line(r)}{r.path}")
            if r.status != "passed":
                lines.extend("  " + _line(problem) for problem in sorted(r.problems, key=_position))
        t = self.report_total
        lines.append(f"  รวม / total: {_report_line_of(t, disbursed_share(t))}")
        missing = self.reports_missing
        lines.append(f"■ ยังไม่ได้รับรายงานผล / plan came, report did not: {len(missing)}")
        lines.extend(f"  {p.organisation}{f' (อ.{p.district})' if p.district else ''} — {p.path}" for p in missing)
        return lines


def _report_line(r: OrgReport) -> str:
    if r.summary is None or not r.counted:
        return ""
    return _report_line_of(r.summary, r.disbursed_share) + " — "


def _report_line_of(s: Summary, share: float | None) -> str:
    light = {"green": "เขียว / green", "orange": "ส้ม / orange", "red": "แดง / red"}[s.light]
    spent = f", เบิกจ่าย / disbursed {share:.2f}%" if share is not None else ""
    return (f"{s.projects} โครงการ: แล้วเสร็จ {s.done}, อยู่ระหว่าง {s.in_progress}, ไม่สามารถ {s.cannot}, "
            f"ยังไม่ดำเนินการ {s.not_started}, รอรายงานผล {s.not_reported} — "
            f"ผลการนำแผนไปสู่การปฏิบัติ / score {s.score:.2f} ({light}){spent}")


def _report_figures(report: OrgReport | None) -> dict[str, Any] | None:
    """A report's fields beside its organisation's plan in the JSON (its problems are under `reports`)."""
    if report is None:
        return None
    return {k: v for k, v in report.to_dict().items() if k not in ("problems", "organisation", "district",
                                                                     "province")}


def _tally_json(t: Tally, plans: list[OrgPlan]) -> dict[str, Any]:
    """A total; what one of its plans does not carry (its layout-lacks) makes that part of the total
    unknown: null, never the sum of the others."""
    return t.known(set().union(*(p.lacks for p in plans if p.read_as)))


def _position(p: Problem) -> tuple:
    return (p.sheet or "", p.row or 0, p.cell or "", p.code)
