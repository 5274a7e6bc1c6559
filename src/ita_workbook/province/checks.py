"""The checks of the province: a master against its own stored totals and its printed sheet, and
the plans against each other (year, province, the same organisation twice); then their order."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from .. import form
from ..problems import Problem
from ..reader import RawRow
from ..thai import squeeze, to_arabic_digits
from .identify import _bare, organisation_key
from .model import MASTER_DATA_SHEET, MASTER_FORM_SHEET, Entry, OrgPlan, Tally

if TYPE_CHECKING:
    from .reports import OrgReport
    from .result import ProvinceResult

def _check_master(plan: OrgPlan, meta: dict[str, str], t: Tally) -> None:
    """A draft, or a master changed by hand after merge made it: the totals merge stored in its hidden
    details (projects, budget, per quarter, per มิติ) differ from what its data sheet adds up to."""
    if meta.get("draft") == "yes":
        plan.problems.append(Problem("draft-plan", plan.path))
    counted = {"projects": str(t.projects), "budget_total": f"{t.budget:.2f}",
               "quarter_projects": ",".join(map(str, t.quarters)),
               "dimension_projects": ",".join(map(str, t.dimensions))}
    words = {"projects": ("จำนวนโครงการ", "the number of projects"), "budget_total": ("งบประมาณรวม", "the budget"),
             "quarter_projects": ("จำนวนโครงการรายไตรมาส", "the projects per quarter"),
             "dimension_projects": ("จำนวนโครงการรายมิติ", "the projects per dimension")}
    for key, (thai, english) in words.items():
        stated = to_arabic_digits(meta.get(key, "")).replace(" ", "")
        if stated and stated != counted[key]:
            plan.problems.append(Problem(
                "master-edited", plan.path, value=stated,
                detail=f"{thai}ที่บันทึกไว้คือ {stated} แต่แผ่นงาน \"{MASTER_DATA_SHEET}\" นับได้ {counted[key]}",
                detail_en=f"its stored details say {english} is {stated} but its data sheet adds up to "
                          f"{counted[key]}"))


_COMPARED = ("name", "unit", "quantity", "budget", "no_budget", "dimension", "indicator", "outcome",
             *form.QUARTER_KEYS, "department")
# The compared fields are one run of an Entry's.
_FIRST, _AFTER = Entry._fields.index(_COMPARED[0]), Entry._fields.index(_COMPARED[-1]) + 1
assert Entry._fields[_FIRST:_AFTER] == _COMPARED


def _compare_printed(plan: OrgPlan, rows: list[RawRow], printed: list[Entry], data: list[Entry]) -> list[Entry]:
    """A master's printed form sheet against its data sheet, project by project (the data sheet
    names each project's row on the form sheet): a coordinator who edits the printed sheet and saves
    it in Excel changes what was published, not the data. Every difference is `master-edited` at
    its cell of the printed sheet; the printed values are the ones counted (where they agree, the
    data sheet's, which keeps the text exactly as merged)."""
    by_row = {e.row: e for e in data if e.sheet == MASTER_FORM_SHEET}
    counted = []
    for raw, entry in zip(rows, printed):
        held = by_row.pop(raw.row, None)
        if held is None:
            counted.append(entry)
            _edited(plan, raw, "name", entry.name, "",
                    "โครงการนี้มีในแผ่นงานที่พิมพ์แต่ไม่มีในแผ่นงานข้อมูล", "a project on the printed sheet "
                    "that the data sheet does not hold")
            continue
        # Equal values are the same (the printed sheet left as merge wrote it): _same only for the rest.
        differ = [key for key, mine, theirs in zip(_COMPARED, entry[_FIRST:_AFTER], held[_FIRST:_AFTER])
                  if mine != theirs and not _same(mine, theirs)]
        counted.append(held._replace(**{key: getattr(entry, key) for key in differ}) if differ else held)
        for key in differ:
            mine, theirs = getattr(entry, key), getattr(held, key)
            column = form.COLUMN_BY_KEY.get(key)
            header = column.header if column else form.NO_BUDGET
            _edited(plan, raw, "budget" if key == "no_budget" else key, mine, theirs,
                    f"ช่อง \"{header}\" ในแผ่นงาน \"{MASTER_FORM_SHEET}\" คือ {_shown(mine)} "
                    f"แต่แผ่นงาน \"{MASTER_DATA_SHEET}\" คือ {_shown(theirs)}",
                    f"'{column.english if column else 'no budget'}' on the printed sheet is {_shown(mine)} but "
                    f"the data sheet says {_shown(theirs)}")
    for held in by_row.values():
        plan.problems.append(Problem(
            "master-edited", plan.path, sheet=MASTER_FORM_SHEET, row=held.row, column="name", value=held.name,
            detail=f"โครงการ \"{held.name}\" ในแผ่นงานข้อมูลไม่อยู่ในแผ่นงานที่พิมพ์ (แถว {held.row})",
            detail_en=f"the data sheet's project '{held.name}' is not on the printed sheet (row {held.row})"))
    return counted


def _edited(plan: OrgPlan, raw: RawRow, key: str, printed: Any, held: Any, thai: str, english: str) -> None:
    cell = raw.cells.get(key)
    plan.problems.append(Problem("master-edited", plan.path, sheet=raw.sheet, row=raw.row, column=key,
                                 cell=cell.address if cell else None, value=_shown(printed),
                                 detail=thai, detail_en=english))


def _same(a: Any, b: Any) -> bool:
    if a == b and type(a) is type(b):  # nearly always: the printed sheet was left as merge wrote it
        return True
    if isinstance(a, str) and isinstance(b, str):  # the printed sheet writes digits in text as [plan] digits says
        return squeeze(to_arabic_digits(a)) == squeeze(to_arabic_digits(b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return abs(a - b) < 0.005
    return a == b


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(ว่าง)"
    if isinstance(value, bool):
        return "/" if value else "(ว่าง)"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return str(value)


def check_together(result: ProvinceResult, province: str = "", fiscal_year: int | None = None) -> None:
    """The checks across plans (year, province, the same organisation twice), then the order."""
    plans = [p for p in result.plans if p.counted and p.read_as]
    result.fiscal_year = fiscal_year or _most_common(p.fiscal_year for p in plans)
    result.province = _bare(province, "จังหวัด") or _province_of_most(plans)
    for plan in plans:
        if plan.fiscal_year is None:
            plan.problems.append(Problem("fiscal-year-unknown", plan.path))
        elif result.fiscal_year and plan.fiscal_year != result.fiscal_year:
            plan.problems.append(Problem("wrong-fiscal-year", plan.path, value=str(plan.fiscal_year),
                                         detail=str(result.fiscal_year)))
        if plan.province and result.province and squeeze(plan.province) != squeeze(result.province):
            plan.problems.append(Problem("other-province", plan.path, value=plan.province, detail=result.province))
        if not plan.district:
            plan.problems.append(Problem("district-unknown", plan.path))
    same: dict[tuple[str, ...], list[OrgPlan]] = defaultdict(list)
    for plan in plans:
        same[(*organisation_key(plan.organisation, plan.district), squeeze(plan.province))].append(plan)
    for group in same.values():
        for plan in group if len(group) > 1 else ():
            others = ", ".join(Path(o.path).name for o in group if o is not plan)
            plan.problems.append(Problem("duplicate-organisation", plan.path, value=plan.organisation,
                                         detail=others))
    # The same projects under two names, where one of them is only its file's name (a copy whose
    # title was left out). Two plans that name their organisations may share a model plan word for
    # word (neighbours copy the district's): not said.
    copies: dict[str, list[OrgPlan]] = defaultdict(list)
    for plan in plans:
        if plan.fingerprint:
            copies[plan.fingerprint].append(plan)
    for group in copies.values():
        for plan in group if len(group) > 1 else ():
            named = {o.path for g in same.values() if plan in g for o in g}  # said already as the same organisation
            others = [o for o in group if o is not plan and o.path not in named
                      and "file-name" in (plan.name_from, o.name_from)]
            if others:
                plan.problems.append(Problem("plan-sent-twice", plan.path, value=", ".join(Path(o.path).name for o in others),
                                             detail=str(plan.tally.projects)))
    result.plans = sort_plans(result.plans)


def _province_of_most(plans: list[OrgPlan]) -> str:
    """The province that more than half the plans name; "" for plans of several (a region, the nation)."""
    named = Counter(squeeze(p.province) for p in plans if p.province)
    if not named:
        return ""
    key, count = named.most_common(1)[0]
    return next(p.province for p in plans if squeeze(p.province) == key) if count * 2 > sum(named.values()) else ""


def _most_common(values: Iterable[Any]) -> Any:
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else None


def sort_plans(plans: list[Any]) -> list[Any]:
    """By จังหวัด, อำเภอ, then name in Thai dictionary order; plans without an อำเภอ after, files not
    read last."""
    from pythainlp.util import collate

    rank = {text: i for i, text in enumerate(collate({t for p in plans
                                                      for t in (p.province, p.district, p.organisation)}))}
    return sorted(plans, key=lambda p: (not p.read_as or not p.counted, not p.district, rank[p.province],
                                        rank[p.district], rank[p.organisation], p.path))


def check_reports(result: ProvinceResult, round_: int | None = None) -> None:
    """The result reports against the plans: the round (that of most reports unless given), the
    year, one report per organisation, each matched to its organisation's plan; then the plans whose
    report did not come (`report-missing`) and the order (that of the plans)."""
    if not result.reports:
        return
    readable = [r for r in result.reports if r.read_as]
    result.round = round_ or _most_common(r.round for r in readable) or 6
    for report in readable:
        if report.round != result.round:
            _left_out(report, f"เป็นรายงานรอบ {report.round} เดือน ไม่ใช่รอบ {result.round} เดือนที่กำลังสรุป",
                      f"it is of the {report.round}-month round, not the {result.round}-month round summed up")
        elif report.fiscal_year and result.fiscal_year and report.fiscal_year != result.fiscal_year:
            _left_out(report, f"เป็นรายงานของปีงบประมาณ {report.fiscal_year} ไม่ใช่ปี {result.fiscal_year}",
                      f"it is of fiscal year {report.fiscal_year}, not {result.fiscal_year}")
    plans: dict[tuple[str, str], OrgPlan] = {}
    for plan in result.counted:
        plans.setdefault(organisation_key(plan.organisation, plan.district), plan)
    first: dict[tuple[str, str], OrgReport] = {}
    for report in (r for r in readable if r.counted):
        key = organisation_key(report.organisation, report.district)
        if key in first:
            report.problems.append(Problem("duplicate-report", report.path, value=report.organisation,
                                           detail=Path(first[key].path).name))
            report.counted = False
            continue
        first[key] = report
        plan = plans.get(key)
        if plan is None:
            report.problems.append(Problem("report-without-plan", report.path, value=report.organisation))
        else:
            report.plan = plan.path
    reported = {r.plan for r in first.values()}
    for plan in plans.values():
        if plan.path not in reported:
            plan.problems.append(Problem("report-missing", plan.path, value=str(result.round)))
    order = {plan.path: i for i, plan in enumerate(result.plans)}
    unmatched = sort_plans([r for r in result.reports if not r.plan])  # by อำเภอ and name, as plans are
    result.reports = sorted((r for r in result.reports if r.plan), key=lambda r: order[r.plan]) + unmatched


def _left_out(report: OrgReport, thai: str, english: str) -> None:
    report.problems.append(Problem("report-left-out", report.path, detail=thai, detail_en=english))
    report.counted = False
