"""The result report (รายงานผล) of the plan, written down once, as form.py writes down the plan.

Two rounds: six months (รายงานการกำกับติดตาม…รอบ 6 เดือน, 1 ต.ค. – 31 มี.ค.) and the year
(รายงานผล…ประจำปี, 1 ต.ค. – 30 ก.ย.). Per project the NACC's e-PlanNACC records whether it is in the
ordinance, the ordinance budget, the amount disbursed, a status and, when it could not be done, a
reason. The report template, the reader, the cell parsers and the report workbook read this module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from . import form
from .form import AMOUNT, BUDGET, CHOICE, DEPARTMENT, PERIOD, SEQUENCE, TEXT, Column, Form
from .thai import squeeze, to_thai_digits

REPORT_VERSION = "2569.1"

DONE = "ดำเนินการแล้วเสร็จ"
IN_PROGRESS = "อยู่ระหว่างดำเนินการ"
CANNOT = "ไม่สามารถดำเนินการได้"
NOT_STARTED = "ยังไม่ดำเนินการ"  # six months only: at the year's end such a project could not be done
NOT_REPORTED = "รอรายงานผล"  # e-PlanNACC's word for a project nobody reported
# The score, ผลการนำแผนไปสู่การปฏิบัติ: what each status counts for (the rest count 0).
STATUS_WEIGHT = {DONE: 1.0, IN_PROGRESS: 0.5}
# e-PlanNACC's province tables: (green from, orange from) per round, plain comparisons of the score.
LIGHTS = {6: (50.0, 20.0), 12: (80.0, 50.0)}
LIGHT_THAI = {"green": "เขียว", "orange": "ส้ม", "red": "แดง"}
LIGHT_FILL = {"green": "#C6EFCE", "orange": "#FFD966", "red": "#FFC7CE"}

REASONS = ("ไม่ได้รับงบประมาณ", "นโยบายผู้บริหารเปลี่ยนแปลง", "บุคลากรไม่เพียงพอ", "อื่นๆ")
OTHER_REASON = REASONS[-1]
YES, NO = "ใช่", "ไม่ใช่"
NONE_WORD = "ไม่มี"  # what graders want written where there were no problems or suggestions
PROJECT_TYPES = form.PROJECT_TYPES  # e-PlanNACC's ประเภทงาน 1-4

PLAN_GROUP = "ไตรมาสตามแผน"
STATUS_GROUP = "ผลการดำเนินการ"


# The ways clerks type each status, besides the dropdown's words and their parts (แล้วเสร็จ).
STATUS_SYNONYMS = (
    *((typed, DONE) for typed in ("เสร็จแล้ว", "เสร็จสิ้น", "เสร็จสิ้นแล้ว", "ดำเนินการแล้ว", "ดำเนินการเสร็จแล้ว",
                                  "ดำเนินการเสร็จสิ้น", "ดำเนินการเสร็จสิ้นแล้ว", "ดำเนินการเรียบร้อยแล้ว",
                                  "เรียบร้อยแล้ว", "เสร็จ")),
    *((typed, IN_PROGRESS) for typed in ("กำลังดำเนินการ", "ระหว่างดำเนินการ", "อยู่ในระหว่างดำเนินการ",
                                         "อยู่ระหว่างการดำเนินการ", "ยังไม่แล้วเสร็จ", "ดำเนินการยังไม่แล้วเสร็จ")),
    *((typed, CANNOT) for typed in ("ไม่สามารถดำเนินการ", "ดำเนินการไม่ได้")),
    *((typed, NOT_STARTED) for typed in ("ไม่ได้ดำเนินการ", "ยังไม่ได้ดำเนินการ", "ยังไม่เริ่มดำเนินการ",
                                         "ยังไม่ได้เริ่มดำเนินการ")),
)


def statuses(round_: int) -> tuple[str, ...]:
    return (IN_PROGRESS, DONE, CANNOT, NOT_STARTED) if round_ == 6 else (IN_PROGRESS, DONE, CANNOT)


def _plan_column(key: str, **changes) -> Column:
    """A plan column as the report shows it: copied from the plan, locked, never typed."""
    return dataclasses.replace(form.COLUMN_BY_KEY[key], **{"required": False, "value_required": False,
                                                           "prefilled": True, **changes})


def _columns(round_: int) -> tuple[Column, ...]:
    return (
        _plan_column("no"),
        _plan_column("dimension", width=5),
        Column("type", "ประเภท", CHOICE, 9, required=False, value_required=False, prefilled=True,
               choices=PROJECT_TYPES, aliases=("ประเภทงาน",), english="Type of work"),
        _plan_column("name", required=True, value_required=True),
        _plan_column("department"),
        *(_plan_column(q, group=PLAN_GROUP, width=5) for q in form.QUARTER_KEYS),
        _plan_column("budget", header="งบประมาณตามแผน (บาท)", width=11,
                     aliases=("งบประมาณตามแผน", "งบประมาณตามแผนพัฒนาท้องถิ่น", "งบประมาณ",
                              *form.COLUMN_BY_KEY["budget"].aliases), english="Planned budget (baht)"),
        Column("in_ordinance", "บรรจุในข้อบัญญัติ/ เทศบัญญัติ/ แผนการดำเนินงาน", CHOICE, 11, required=False,
               value_required=False, choices=(YES, NO),
               aliases=("บรรจุในข้อบัญญัติ", "บรรจุในเทศบัญญัติ", "บรรจุในข้อบัญญัติ/เทศบัญญัติ"),
               english="In the ordinance"),
        Column("budget_ordinance", "งบประมาณตามข้อบัญญัติ/ เทศบัญญัติ (บาท)", AMOUNT, 12, value_required=False,
               aliases=("งบประมาณตามข้อบัญญัติ", "งบประมาณตามเทศบัญญัติ", "งบประมาณตามข้อบัญญัติ/เทศบัญญัติ",
                        "งบประมาณที่ได้รับ",
                        # the report as published: this column under the group งบประมาณ (บาท)
                        "ตามข้อบัญญัติ/ เทศบัญญัติ", "งบประมาณ (บาท) ตามข้อบัญญัติ/ เทศบัญญัติ"),
               english="Ordinance budget (baht)"),
        Column("disbursed", "เบิกจ่าย (บาท)", AMOUNT, 11, value_required=False,
               aliases=("เบิกจ่าย", "งบประมาณที่เบิกจ่าย", "เบิกจ่ายจริง", "งบประมาณที่ใช้จริง"),
               english="Disbursed (baht)"),
        Column("status", "สถานะ", CHOICE, 14, group=STATUS_GROUP, choices=statuses(round_), synonyms=STATUS_SYNONYMS,
               aliases=("สถานะการดำเนินการ", "สถานะโครงการ", "ผลการดำเนินการ"), english="Status"),
        Column("reason", "สาเหตุที่ไม่สามารถดำเนินการได้", CHOICE, 13, value_required=False, group=STATUS_GROUP,
               choices=REASONS, aliases=("สาเหตุ",), english="Reason it could not be done"),
        Column("reason_other", "ระบุสาเหตุอื่น", TEXT, 12, required=False, value_required=False,
               group=STATUS_GROUP, aliases=("ระบุ", "สาเหตุอื่นๆ"), english="Other reason"),
        Column("period", "วันที่/ ช่วงเวลาที่ดำเนินการ", PERIOD, 13, value_required=False,
               aliases=("วันที่ดำเนินการ", "ช่วงเวลาที่ดำเนินการ", "ระยะเวลาที่ดำเนินการ"), english="Date or period carried out"),
        Column("output", "ผลการดำเนินงาน (ผลผลิต)", TEXT, 22, value_required=False,
               aliases=("ผลการดำเนินงาน", "ผลผลิต"), english="Output"),
        Column("result", "ผลลัพธ์ตามตัวชี้วัด", TEXT, 22, value_required=False,
               aliases=("ผลลัพธ์", "ผลตามตัวชี้วัด"), english="Result against the indicator"),
        Column("problems", "ปัญหา/ อุปสรรค", TEXT, 18, value_required=False,
               aliases=("ปัญหาอุปสรรค", "ปัญหา", "ปัญหาและอุปสรรค"), english="Problems / obstacles"),
        Column("suggestions", "ข้อเสนอแนะ", TEXT, 18, value_required=False, english="Suggestions"),
        Column("remark", "หมายเหตุ", TEXT, 12, required=False, value_required=False, english="Remark"),
    )


@lru_cache(maxsize=2)
def report_form(round_: int) -> Form:
    return Form("report", REPORT_VERSION, _columns(round_), min_header_columns=6,
                continuation_keys=frozenset({"output", "result", "problems", "suggestions", "remark"}),
                totals_free_keys=("department", "status"))


# Columns a clerk fills (the rest are the plan's, locked).
INPUT_KEYS = tuple(c.key for c in _columns(12) if not c.prefilled)
COLUMN_BY_KEY = report_form(12).column_by_key


def project_type(name: str) -> str:
    """e-PlanNACC's ประเภทงาน from the first word of the name; โครงการ when it says nothing else."""
    key = squeeze(name)
    for kind in PROJECT_TYPES[1:]:
        if key.startswith(kind):
            return kind
    return PROJECT_TYPES[0]


def round_period(fiscal_year: int, round_: int) -> tuple[dt.date, dt.date]:
    """The round's first and last day (Christian era): 1 Oct of the year before – 31 Mar or 30 Sep."""
    year = fiscal_year - 543
    return dt.date(year - 1, 10, 1), (dt.date(year, 3, 31) if round_ == 6 else dt.date(year, 9, 30))


def light(score: float, round_: int) -> str:
    green, orange = LIGHTS[round_]
    return "green" if score >= green else "orange" if score >= orange else "red"


def title(round_: int, fiscal_year: int | None) -> str:
    year = to_thai_digits(fiscal_year) if fiscal_year else "…………"
    if round_ == 6:
        return f"รายงานการกำกับติดตามการดำเนินการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. {year} รอบ ๖ เดือน"
    return f"รายงานผลการดำเนินการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. {year}"


def period_line(round_: int, fiscal_year: int | None) -> str:
    from .thai import thai_date

    if not fiscal_year:
        return "(๑ ตุลาคม – ๓๑ มีนาคม)" if round_ == 6 else "(๑ ตุลาคม – ๓๐ กันยายน)"
    first, last = round_period(fiscal_year, round_)
    return f"({thai_date(first)} – {thai_date(last)})"


@dataclass(frozen=True)
class Summary:
    """The round's figures, as e-PlanNACC computes them."""
    projects: int
    done: int
    in_progress: int
    cannot: int
    not_started: int
    not_reported: int
    budget_plan: float
    budget_ordinance: float
    disbursed: float
    round: int

    @property
    def score(self) -> float:
        if not self.projects:
            return 0.0
        return (self.done * STATUS_WEIGHT[DONE] + self.in_progress * STATUS_WEIGHT[IN_PROGRESS]) \
            / self.projects * 100

    @property
    def light(self) -> str:
        return light(self.score, self.round)

    def to_dict(self) -> dict:
        return {"projects": self.projects, "done": self.done, "in_progress": self.in_progress,
                "cannot": self.cannot, "not_started": self.not_started, "not_reported": self.not_reported,
                "score": round(self.score, 2), "light": self.light, "budget_plan": self.budget_plan,
                "budget_ordinance": self.budget_ordinance, "disbursed": self.disbursed}


# The report as published (the report workbook's first sheet): fewer, wider columns than the
# clerk's form, the amounts under one group. `status` shows the reason too, `output` the result.
MONEY_GROUP = "งบประมาณ (บาท)"
OFFICIAL_COLUMNS: tuple[Column, ...] = (
    Column("no", "ที่", SEQUENCE, 5),
    Column("name", "แผนงาน/โครงการ/กิจกรรม", TEXT, 30),
    Column("department", "หน่วยงานรับผิดชอบ", DEPARTMENT, 15),
    Column("budget", "ตามแผน", BUDGET, 11, group=MONEY_GROUP),
    Column("budget_ordinance", "ตามข้อบัญญัติ/ เทศบัญญัติ", AMOUNT, 11, group=MONEY_GROUP),
    Column("disbursed", "เบิกจ่าย", AMOUNT, 11, group=MONEY_GROUP),
    Column("status", "สถานะ", TEXT, 18),
    Column("output", "ผลการดำเนินงาน / ผลลัพธ์ตามตัวชี้วัด", TEXT, 28),
    Column("problems", "ปัญหา/ อุปสรรค", TEXT, 18),
    Column("suggestions", "ข้อเสนอแนะ", TEXT, 18),
)
