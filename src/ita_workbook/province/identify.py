"""Who a plan belongs to: organisation, อำเภอ, จังหวัด and year, from a master's hidden details or
the title lines above a plan's table; the same organisation however it is written."""

from __future__ import annotations

import re
from pathlib import Path

from .. import form
from ..reader import Workbook
from ..output import readable
from ..thai import clean_text, squeeze, to_arabic_digits, whole_number
from .model import OrgPlan

_YEAR = re.compile(r"(?:พ\.ศ\.?|ปีงบประมาณ|ประจำปี)\s*(\d{4})")
_DISTRICT = re.compile(r"(?:อำเภอ|(?<![ก-๙])อ\.)\s*([^\s,]+)")
_PROVINCE = re.compile(r"(?:จังหวัด|(?<![ก-๙])จ\.)\s*([^\s,]+)")
# The kinds of local government, long and short: the organisation's name starts with one.
_ORG_KINDS = ("องค์การบริหารส่วนตำบล", "องค์การบริหารส่วนจังหวัด", "เทศบาลนคร", "เทศบาลเมือง", "เทศบาลตำบล",
              "เทศบาล", "เมืองพัทยา", "อบต.", "อบจ.", "ทต.", "ทม.", "ทน.")
_ORG = re.compile("(?:" + "|".join(re.escape(k) for k in _ORG_KINDS) + r")\s*\S+")
_ABBREVIATIONS = {"อบต.": "องค์การบริหารส่วนตำบล", "อบจ.": "องค์การบริหารส่วนจังหวัด", "ทต.": "เทศบาลตำบล",
                  "ทม.": "เทศบาลเมือง", "ทน.": "เทศบาลนคร"}
_PLAN_TITLE = squeeze(form.TITLE.split("{")[0]).split("ประจำปี")[0]  # แผนปฏิบัติการป้องกันการทุจริต
_DOTS = re.compile(r"^[.\s…_-]*$")


def _identify(plan: OrgPlan, meta: dict[str, str], book: Workbook) -> None:
    """Organisation, อำเภอ, จังหวัด and year: the master's hidden sheet, else the title lines."""
    if plan.read_as == "master":
        plan.organisation = _clean_place(meta.get("organisation", ""))
        plan.district = _bare(meta.get("district", ""), "อำเภอ")
        plan.province = _bare(meta.get("province", ""), "จังหวัด")
        plan.fiscal_year = _year(meta.get("fiscal_year", ""))
        plan.name_from = "metadata" if plan.organisation else ""
    title = next((t.title for t in book.tables if t.title), [])
    org, district, province, year = parse_title(title)
    if not plan.organisation and org:
        plan.organisation, plan.name_from = org, "title"
    plan.district = plan.district or district
    plan.province = plan.province or province
    plan.fiscal_year = plan.fiscal_year or year or _year(meta.get("fiscal_year", ""))
    if not plan.organisation and meta.get("organisation", "").strip():  # a department's template
        plan.organisation, plan.name_from = _clean_place(meta["organisation"]), "metadata"


def parse_title(lines: list[str]) -> tuple[str, str, str, int | None]:
    """(organisation, อำเภอ, จังหวัด, year) from the lines above a plan's table; "" / None if not said.

    The organisation is the name that starts with a kind of local government (เทศบาลตำบล…, อบต.…),
    else the line after แผนปฏิบัติการป้องกันการทุจริต…; อำเภอ and จังหวัด come from `อำเภอX จังหวัดY`."""
    texts = [clean_text(line) for line in lines if line and not _DOTS.match(line)]
    joined = " ".join(texts)
    arabic = to_arabic_digits(joined)
    year = next((int(y) for y in _YEAR.findall(arabic) if 2400 <= int(y) <= 2700), None)
    district = next((_bare(d, "อำเภอ") for d in _DISTRICT.findall(joined)), "")
    province = next((_bare(p, "จังหวัด") for p in _PROVINCE.findall(joined)), "")
    organisation = ""
    for text in texts:
        if (found := _ORG.search(_before_place(text))) is not None:
            organisation = found.group(0)
            break
    else:
        for before, after in zip(texts, texts[1:]):
            if squeeze(before).startswith(_PLAN_TITLE):
                organisation = _before_place(after)
                break
    return _clean_place(organisation), district, province, year


def _before_place(text: str) -> str:
    """The text before อำเภอ / จังหวัด, and without a leading ของ."""
    cut = re.split(r"\s*(?:อำเภอ|(?<![ก-๙])อ\.|จังหวัด|(?<![ก-๙])จ\.)", text, maxsplit=1)[0]
    return re.sub(r"^ของ\s*", "", cut).strip()


def _clean_place(text: str) -> str:
    text = clean_text(str(text or ""))
    return "" if _DOTS.match(text) else text


def _bare(text: str, word: str) -> str:
    """`อำเภอโพทะเล` / `อ.โพทะเล` / `โพทะเล` → `โพทะเล`."""
    text = _clean_place(text)
    for prefix in (word, word[0] + "."):
        if text.startswith(prefix):
            text = text[len(prefix):].strip()
    return text


def _year(text: str) -> int | None:
    year = whole_number(text or "")
    return year if year is not None and 2400 <= year <= 2700 else None


def _name_from_file(path: str | Path) -> str:
    return clean_text(readable(Path(path).stem)) or readable(Path(path).name)


def organisation_key(name: str, district: str = "") -> tuple[str, str]:
    """The same organisation however it is written: short forms (อบต., ทต.) and spaces do not count."""
    key = squeeze(name)
    for short, long in _ABBREVIATIONS.items():
        if key.startswith(short):
            key = long + key[len(short):]
    return key, squeeze(district)
