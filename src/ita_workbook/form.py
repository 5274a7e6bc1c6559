"""The official form of แผนปฏิบัติการป้องกันการทุจริต, written down once.

The department template, the reader's header matching, the pandera schema, the master layout and
the messages all read this module. A new year's form is a change here, not a hunt elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

FORM_VERSION = "2566.1"

TEXT = "text"  # any text
QUANTITY = "quantity"  # a number or words such as ทุกครั้งที่ดำเนินการ
BUDGET = "budget"  # baht >= 0, or no budget
DIMENSION = "dimension"  # มิติ 1-4
MARK = "mark"  # a quarter mark
DEPARTMENT = "department"  # a configured department
SEQUENCE = "sequence"  # the running number ที่
AMOUNT = "amount"  # whole baht >= 0 (a result report's budget and disbursement)
CHOICE = "choice"  # one of the column's `choices`
PERIOD = "period"  # when it was done: text holding Thai dates, or a date


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the header printed on the form (second header row where there are two)
    kind: str
    width: float  # Excel column width on the printed form
    required: bool = True  # a missing column is an error; an optional one only a warning
    value_required: bool = True  # an empty cell is `missing-value`
    group: str | None = None  # the merged header above it on the first header row
    aliases: tuple[str, ...] = ()  # other headers seen in real files
    english: str = ""
    choices: tuple[str, ...] = ()  # CHOICE: the dropdown's values
    synonyms: tuple[tuple[str, str], ...] = ()  # CHOICE: (what clerks type, the choice it means)
    prefilled: bool = False  # a result report's column copied from the plan, locked for the clerk

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


TARGET_GROUP = "เป้าหมายที่ดำเนินงาน"
PERIOD_GROUP = "ระยะเวลาดำเนินการ"
THAI_QUARTER_DIGITS = "๑๒๓๔"
# Months of each quarter of the fiscal year, which starts 1 October (some forms head the quarter
# columns with them).
QUARTER_MONTHS = ("ต.ค. – ธ.ค.", "ม.ค. – มี.ค.", "เม.ย. – มิ.ย.", "ก.ค. – ก.ย.")


def _quarter(n: int) -> Column:
    thai = THAI_QUARTER_DIGITS[n - 1]
    return Column(
        key=f"q{n}",
        header=f"ไตรมาส {thai}",
        kind=MARK,
        width=6.5,
        value_required=False,
        group=PERIOD_GROUP,
        aliases=(f"ไตรมาส {n}", f"ไตรมาสที่ {n}", f"ไตรมาสที่ {thai}", f"Q{n}", f"ไตรมาส{n}", QUARTER_MONTHS[n - 1]),
        english=f"quarter {n}",
    )


COLUMNS: tuple[Column, ...] = (
    Column("no", "ที่", SEQUENCE, 5, required=False, value_required=False,
           aliases=("ลำดับ", "ลำดับที่", "ลำดับ ที่"), english="no."),
    Column("name", "แผนงาน/โครงการ/กิจกรรม", TEXT, 30,
           aliases=("โครงการ/กิจกรรม", "แผนงาน/โครงการ", "โครงการ", "ชื่อโครงการ", "ชื่อโครงการ/กิจกรรม",
                    "แผนงาน / โครงการ / กิจกรรม", "โครงการ/กิจกรรม/มาตรการ", "มาตรการ/โครงการ/กิจกรรม",
                    "ชื่อโครงการ/กิจกรรม/มาตรการ/แนวปฏิบัติ", "โครงการ/กิจกรรม/มาตรการ/แนวปฏิบัติ"),
           english="project"),
    Column("unit", "หน่วยนับ", TEXT, 9, group=TARGET_GROUP, aliases=("หน่วย",), english="unit"),
    Column("quantity", "ปริมาณงาน", QUANTITY, 9, group=TARGET_GROUP,
           aliases=("ปริมาณ", "จำนวน"), english="quantity"),
    Column("budget", "งบประมาณ", BUDGET, 11,
           aliases=("งบประมาณ (บาท)", "งบประมาณ(บาท)", "งบประมาณ บาท", "จำนวนเงิน", "งบประมาณที่ใช้",
                    "งบประมาณตามแผนพัฒนาท้องถิ่น"),
           english="budget"),
    Column("dimension", "มิติ", DIMENSION, 5, aliases=("มิติที่", "สอดคล้อง", "สอดคล้องมิติที่", "สอดคล้องกับมิติ"),
           english="dimension"),
    Column("indicator", "ตัวชี้วัด", TEXT, 30, aliases=("ตัวชี้วัดความสำเร็จ", "ตัวชี้วัด (KPI)", "KPI"),
           english="indicator"),
    Column("outcome", "ผลลัพธ์", TEXT, 24, required=False, value_required=False,
           aliases=("ผลลัพธ์ที่คาดว่าจะได้รับ", "ผลที่คาดว่าจะได้รับ", "ผลลัพท์"), english="outcome"),
    _quarter(1),
    _quarter(2),
    _quarter(3),
    _quarter(4),
    Column("department", "หน่วยงานรับผิดชอบ", DEPARTMENT, 14,
           aliases=("หน่วยงานที่รับผิดชอบ", "ผู้รับผิดชอบ", "หน่วยรับผิดชอบ", "ส่วนราชการที่รับผิดชอบ",
                    "สำนัก/กอง", "หน่วยงาน"),
           english="department"),
)

COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
QUARTER_KEYS = ("q1", "q2", "q3", "q4")
# The columns a project carries once read (everything but the running number).
PROJECT_KEYS = tuple(c.key for c in COLUMNS if c.key != "no")


# --- the layouts real plans use ----------------------------------------------------------------------
# Plans are not all typed on the yearly form: some mark months instead of quarters, the 2561-2564
# plans covered four years with a budget per year, and some organisations paste their e-PlanNACC
# list. Their columns and how each is told apart are written here, so that the reader, `check` and
# `province` read them all one way and say what each does not carry.

MONTHS = ("ต.ค.", "พ.ย.", "ธ.ค.", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.")  # fiscal order
MONTH_NAMES = ("ตุลาคม", "พฤศจิกายน", "ธันวาคม", "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
               "กรกฎาคม", "สิงหาคม", "กันยายน")


def _month(n: int) -> Column:
    short = MONTHS[n - 1]
    return Column(key=f"month{n}", header=short, kind=MARK, width=4, required=False, value_required=False,
                  group=PERIOD_GROUP, aliases=(MONTH_NAMES[n - 1], short.replace(".", "")),
                  english=("October", "November", "December", "January", "February", "March", "April", "May", "June",
                           "July", "August", "September")[n - 1])


MONTH_COLUMNS = tuple(_month(n) for n in range(1, 13))


def quarter_of_month(key: str) -> str:
    """`month1` (ต.ค.) → `q1`: the fiscal year's quarters are its months three by three."""
    return f"q{(int(key.removeprefix('month')) - 1) // 3 + 1}"


YEAR_PREFIX = "year:"  # `year:2561`: a 4-year plan's budget column of one year (ปี ๒๕๖๑ / งบประมาณ (บาท))

# One column naming the quarters (1, "1,2", "ไตรมาส 2", "1-4"), as e-PlanNACC lists have it: read as
# the four quarter marks it stands for (cells.parse_quarters), reported at its cell when it says
# anything else.
QUARTERS_COLUMN = Column("quarters", "ไตรมาส", TEXT, 8, required=False, value_required=False,
                         aliases=("ไตรมาสที่", "ไตรมาสที่ดำเนินการ", "ไตรมาสดำเนินการ"), english="quarters")

# Columns of other layouts that carry nothing the plan keeps: known, so never an "extra" column.
OTHER_COLUMNS: tuple[Column, ...] = (
    Column("mission", "ภารกิจตามมิติ", TEXT, 20, required=False, value_required=False,
           aliases=("ภารกิจ", "ภารกิจตามมิติที่"), english="mission"),
    Column("kind", "ประเภทงาน", TEXT, 12, required=False, value_required=False, english="type of work"),
    Column("plan_year", "ดำเนินการ ปีงบประมาณ พ.ศ.", TEXT, 10, required=False, value_required=False,
           aliases=("ดำเนินการปีงบประมาณ", "ปีงบประมาณที่ดำเนินการ"), english="fiscal year carried out"),
)

# e-PlanNACC's ประเภทงาน 1-4; a project without one is typed by its name's first word.
PROJECT_TYPES = ("โครงการ", "กิจกรรม", "มาตรการ", "แนวปฏิบัติงาน")

# What e-PlanNACC asks of a project beyond the official form: offered in the templates (after
# หน่วยงานรับผิดชอบ), never required and never missed in a typed file, carried to the master's
# e-PlanNACC sheet. e-PlanNACC picks กลุ่มเป้าหมาย from a list of its own, which is not documented
# where this tool could check it: free text here.
OFFERED_COLUMNS: tuple[Column, ...] = (
    Column("type", "ประเภท", CHOICE, 12, required=False, value_required=False, choices=PROJECT_TYPES,
           english="type"),
    Column("target_group", "กลุ่มเป้าหมาย", TEXT, 18, required=False, value_required=False,
           english="target group"),
    Column("objective", "วัตถุประสงค์", TEXT, 24, required=False, value_required=False,
           aliases=("วัตถุประสงค์ของโครงการ",), english="objective"),
)


@dataclass(frozen=True)
class Layout:
    key: str
    thai: str
    english: str
    # (column key or key prefix, how many) that tell the layout apart; the first layout whose
    # signature a header has is the one; the yearly form has none and comes last.
    signature: tuple[tuple[str, int], ...] = ()


LAYOUTS: tuple[Layout, ...] = (
    Layout("e-plannacc", "รายการโครงการจากระบบ e-PlanNACC", "an e-PlanNACC project list", (("kind", 1),)),
    Layout("four-year", "แผน ๔ ปี (งบประมาณรายปี)", "a 4-year plan (a budget per year)", ((YEAR_PREFIX, 2),)),
    Layout("months", "แผนรายปีที่ระบุระยะเวลาเป็นเดือน", "a yearly plan marking months", (("month", 3),)),
    Layout("yearly", "แผนรายปีตามแบบฟอร์ม", "the yearly form"),
)
LAYOUT_BY_KEY = {layout.key: layout for layout in LAYOUTS}
ANY_COLUMN_BY_KEY = {c.key: c for c in (*COLUMNS, *MONTH_COLUMNS, QUARTERS_COLUMN, *OTHER_COLUMNS, *OFFERED_COLUMNS)}


def column_names(key: str) -> tuple[str, str]:
    """(Thai, English) name of a column key of any layout, for messages: `year:2566` is that year's budget."""
    if key.startswith(YEAR_PREFIX):
        year = key.removeprefix(YEAR_PREFIX)
        return f"งบประมาณ ปี {year}", f"budget {year}"
    column = ANY_COLUMN_BY_KEY.get(key)
    return (column.header, column.english) if column else (key, key)
# --- money: units and the columns a budget is spread over -------------------------------------------
# A budget's unit is said in its header ("งบประมาณ (พันบาท)") or in the title block ("หน่วย : พันบาท");
# the amounts are read as typed and multiplied by it. A budget split by source ("งบประมาณ" over
# เงินงบประมาณ | เงินอุดหนุน | อื่นๆ) is one budget: its columns are added up.


@dataclass(frozen=True)
class Money:
    units: tuple[tuple[str, float], ...]  # unit word (squeezed) → baht; longest first, so พันบาท before บาท
    sources: tuple[str, ...]  # sub-headers of one budget's columns, by where the money comes from
    unit_said: str  # the word that introduces a unit in a title or header (หน่วย : พันบาท)
    # Words a header speaks of a count with (money, a unit, a year, a source, a period, a มิติ): a
    # column headed so that the reader does not know holds what changes a count, and is an error.
    count_words: tuple[str, ...]

    def unit(self, word: str) -> float | None:
        return dict(self.units).get(word)


MONEY = Money(
    units=(("ล้านบาท", 1_000_000.0), ("แสนบาท", 100_000.0), ("หมื่นบาท", 10_000.0), ("พันบาท", 1_000.0),
           ("บาท", 1.0)),
    sources=("เงินงบประมาณ", "งบประมาณ", "งบประมาณของอปท.", "เงินอุดหนุน", "เงินอุดหนุนทั่วไป",
             "เงินอุดหนุนเฉพาะกิจ", "เงินรายได้", "รายได้", "เงินสะสม", "เงินนอกงบประมาณ", "งบประมาณอื่น",
             "แหล่งอื่น", "แหล่งอื่นๆ", "อื่นๆ", "อื่น", "อื่นๆ(ระบุ)", "หน่วยงานอื่น", "ภาคเอกชน", "เงินกู้"),
    unit_said="หน่วย",
    count_words=("งบ", "เงิน", "บาท", "ค่าใช้จ่าย", "แหล่งที่มา", "ที่มา", "ปี", "พ.ศ", "ไตรมาส", "เดือน",
                 "ระยะเวลา", "มิติ", "สอดคล้อง", "q1", "q2", "q3", "q4", *MONTHS, *MONTH_NAMES),
)
SOURCE_PREFIX = "source:"  # `source:เงินอุดหนุน`: one column of a budget split by source, added up into the budget

# What a table must carry for its projects to be counted as the summary counts them; a layout
# without one of these is said, once, never counted as zeros.
COUNTED_KEYS = ("dimension", "budget", *QUARTER_KEYS)




@dataclass(frozen=True)
class Dimension:
    number: int
    name: str
    old_name: str  # the name used in the 2561-2564 plans, still seen in old files


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(1, "การสร้างวัฒนธรรมสุจริต", "การสร้างสังคมที่ไม่ทนต่อการทุจริต"),
    Dimension(2, "การบริหารราชการด้วยความโปร่งใส", "การบริหารราชการเพื่อป้องกันการทุจริต"),
    Dimension(3, "การส่งเสริมบทบาทและการมีส่วนร่วมของภาคประชาชน",
              "การส่งเสริมบทบาทและการมีส่วนร่วมของภาคประชาชน"),
    Dimension(4, "การยกระดับกลไกการตรวจสอบการดำเนินงานขององค์กรปกครองส่วนท้องถิ่น",
              "การเสริมสร้างและปรับปรุงกลไกในการตรวจสอบการปฏิบัติราชการ"),
)

NO_BUDGET = "ไม่ใช้งบประมาณ"

# Title and footer texts; {placeholders} are filled by the writers (Thai digits already applied).
TITLE = "แผนปฏิบัติการป้องกันการทุจริต ประจำปี พ.ศ. {year}"
SUBTITLE = "{organisation}"
LOCATION = "อำเภอ{district} จังหวัด{province}"
TOTALS_LABEL = "รวมทั้งสิ้น {count} โครงการ"
TOTALS_PREFIX = "รวม"  # a row starting with it ends the data
DATA_AS_OF = "** ข้อมูล ณ วันที่ {date}"
ISSUER = "ชื่อ - สกุล ผู้ออกรายงาน {issuer}"
LEGEND_TITLE = "คำอธิบาย"
LEGEND_LINE = "มิติ {number} {name}"
DRAFT_MARK = "ฉบับร่าง"

# The hidden sheet of a generated template, so that the reader knows what it holds.
METADATA_SHEET = "_ita_workbook"
METADATA_KEYS = ("form_version", "organisation", "fiscal_year", "department", "generated")
INSTRUCTIONS_SHEET = "คำชี้แจง"


@dataclass(frozen=True, eq=False)  # one object per form: hashed by identity (the reader caches on it)
class Form:
    """What the reader, the cell parsers and the writers need to know of one form: its columns, how
    its table is recognised, and the other layouts it is typed in. The plan is one (PLAN_FORM); the
    result report another (report_form.py)."""

    kind: str  # "plan", "report": written in a template's hidden sheet
    version: str
    columns: tuple[Column, ...]
    min_header_columns: int  # header cells that must match for a row to be the header (name among them)
    continuation_keys: frozenset[str] = frozenset()  # a row holding only these continues the row above
    totals_free_keys: tuple[str, ...] = ()  # a `รวม…` row has none of these: a project called รวมใจ… has
    quarter_keys: tuple[str, ...] = ()  # a row marking a quarter is never a continuation row
    layout_columns: tuple[Column, ...] = ()  # columns of the form's other layouts (months, 4-year, e-PlanNACC)
    layouts: tuple[Layout, ...] = ()  # the last is the form itself, without a signature
    counted_keys: tuple[str, ...] = ()  # what a table must carry to be counted; a layout without one says so
    name: str = ""

    @cached_property
    def column_by_key(self) -> dict[str, Column]:
        return {c.key: c for c in self.columns}


PLAN_FORM = Form("plan", FORM_VERSION, COLUMNS, min_header_columns=6,
                 continuation_keys=frozenset({"indicator", "outcome"}),
                 totals_free_keys=("unit", "dimension", "indicator", "department"), quarter_keys=QUARTER_KEYS,
                 layout_columns=(*MONTH_COLUMNS, QUARTERS_COLUMN, *OTHER_COLUMNS, *OFFERED_COLUMNS), layouts=LAYOUTS,
                 counted_keys=COUNTED_KEYS,
                 name="แผนปฏิบัติการป้องกันการทุจริต")
