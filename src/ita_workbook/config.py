"""plan.toml: the organisation, the fiscal year, the departments and their aliases.

Every command works without a config: the usual departments of a เทศบาล / อบต. then apply.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .thai import squeeze, to_arabic_digits

DEFAULT_FONT = "TH SarabunPSK"


@dataclass(frozen=True)
class Department:
    name: str
    aliases: tuple[str, ...] = ()


DEFAULT_DEPARTMENTS: tuple[Department, ...] = (
    Department("สำนักปลัด", ("สำนักปลัดเทศบาล", "สำนักงานปลัด", "สำนักปลัด อบต.", "สำนักงานปลัดเทศบาล",
                            "สำนักปลัดองค์การบริหารส่วนตำบล")),
    Department("กองคลัง", ("ส่วนการคลัง", "กองการคลัง")),
    Department("กองช่าง", ("ส่วนโยธา", "กองโยธา")),
    Department("กองการศึกษา", ("ส่วนการศึกษา", "กองการศึกษา ศาสนาและวัฒนธรรม", "ส่วนการศึกษา ศาสนาและวัฒนธรรม")),
    Department("กองสาธารณสุขและสิ่งแวดล้อม", ("ส่วนสาธารณสุขและสิ่งแวดล้อม", "กองสาธารณสุข")),
    Department("กองสวัสดิการสังคม", ("ส่วนสวัสดิการสังคม",)),
    Department("กองยุทธศาสตร์และงบประมาณ", ("กองวิชาการและแผนงาน", "ฝ่ายแผนงานและงบประมาณ")),
    Department("กองการเจ้าหน้าที่", ("ฝ่ายการเจ้าหน้าที่", "งานการเจ้าหน้าที่")),
    Department("หน่วยตรวจสอบภายใน", ("หน่วยงานตรวจสอบภายใน", "งานตรวจสอบภายใน", "ตรวจสอบภายใน")),
    Department("ทุกส่วนราชการ", ("ทุกกอง", "ทุกสำนัก/กอง", "ทุกหน่วยงาน")),
)


@dataclass
class Config:
    organisation: str = ""
    district: str = ""  # อำเภอ
    province: str = ""  # จังหวัด
    fiscal_year: int | None = None  # พ.ศ.
    departments: tuple[Department, ...] = DEFAULT_DEPARTMENTS
    issuer: str = ""
    deadline: dt.date | None = None
    font: str = DEFAULT_FONT
    path: Path | None = None
    _lookup: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for dept in self.departments:
            for alias in (dept.name, *dept.aliases):
                self._lookup.setdefault(_department_key(alias), dept.name)

    @property
    def department_names(self) -> list[str]:
        return [d.name for d in self.departments]

    def match_department(self, text: str) -> str | None:
        """The configured name for a department as typed, or None.

        Spaces are ignored; a short form ending in ฯ (กองยุทธศาสตร์ฯ) matches the one name it begins."""
        key = _department_key(text)
        if not key:
            return None
        if key in self._lookup:
            return self._lookup[key]
        if text.strip().endswith("ฯ") or key.endswith("ฯ"):
            stem = key.rstrip("ฯ")
            found = {name for alias, name in self._lookup.items() if alias.startswith(stem)}
            if len(stem) >= 3 and len(found) == 1:
                return found.pop()
        return None

    def suggest_department(self, text: str) -> str | None:
        key = _department_key(text)
        close = difflib.get_close_matches(key, list(self._lookup), n=1, cutoff=0.5)
        return self._lookup[close[0]] if close else None


def _department_key(text: str) -> str:
    return squeeze(text).rstrip(".").replace("ฯลฯ", "ฯ")


class ConfigError(Exception):
    """plan.toml cannot be read; the message says where and why, in Thai and English."""


def load_config(path: str | Path | None) -> Config:
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"ไม่พบไฟล์ตั้งค่า {path} / config file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"อ่านไฟล์ตั้งค่า {path} ไม่ได้ / cannot read the config: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"ไฟล์ตั้งค่า {path} เขียนผิดรูปแบบ / the config is not valid TOML: {exc}") from None
    try:
        return _from_dict(data, path)
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ConfigError(f"ไฟล์ตั้งค่า {path} มีค่าไม่ถูกต้อง / a config value is wrong: {exc}") from None


def _from_dict(data: dict, path: Path) -> Config:
    org = data.get("organisation", {})
    plan = data.get("plan", {})
    departments = tuple(
        Department(str(d["name"]).strip(), tuple(str(a) for a in d.get("aliases", ())))
        for d in data.get("departments", ())
    )
    year = plan.get("fiscal_year")
    if year is not None:
        year = int(to_arabic_digits(str(year)))
        if year < 2400:  # a Christian-era year typed by mistake
            year += 543
    deadline = plan.get("deadline")
    if isinstance(deadline, str):
        deadline = dt.date.fromisoformat(deadline)
    return Config(
        organisation=str(org.get("name", "")).strip(),
        district=re.sub(r"^อำเภอ\s*", "", str(org.get("district", "")).strip()),
        province=re.sub(r"^จังหวัด\s*", "", str(org.get("province", "")).strip()),
        fiscal_year=year,
        departments=departments or DEFAULT_DEPARTMENTS,
        issuer=str(plan.get("issuer", "")).strip(),
        deadline=deadline,
        font=str(plan.get("font", DEFAULT_FONT)),
        path=path,
    )


def example_toml(fiscal_year: int | None = None) -> str:
    """The commented plan.toml that `ita-workbook init` writes."""
    year = fiscal_year or dt.date.today().year + 543 + (1 if dt.date.today().month >= 10 else 0)
    departments = "\n".join(
        f'[[departments]]\nname = "{d.name}"\naliases = [{", ".join(repr(a).replace(chr(39), chr(34)) for a in d.aliases)}]\n'
        for d in DEFAULT_DEPARTMENTS
    )
    return f"""# ไฟล์ตั้งค่าแผนปฏิบัติการป้องกันการทุจริต (ita-workbook)
# Settings of the anti-corruption action plan. Edit the values between quotes.

[organisation]
name = "เทศบาลตำบลตัวอย่าง"     # ชื่อหน่วยงาน / organisation
district = "เมือง"               # อำเภอ (ไม่ต้องพิมพ์คำว่า อำเภอ)
province = "พิจิตร"              # จังหวัด (ไม่ต้องพิมพ์คำว่า จังหวัด)

[plan]
fiscal_year = {year}              # ปีงบประมาณ พ.ศ. / fiscal year (Buddhist Era)
issuer = ""                       # ชื่อ - สกุล ผู้ออกรายงาน / person issuing the report
# deadline = "{year - 544}-09-15"  # วันที่ต้องส่งแบบฟอร์มคืน (ปี ค.ศ.) / deadline for departments
font = "TH SarabunPSK"            # แบบอักษร / font of the printed forms

# หน่วยงานรับผิดชอบ: ชื่อที่ใช้ในแผน และชื่ออื่นที่อาจพิมพ์มา (aliases)
# Departments: the name printed on the plan, and other names clerks type for it.
# Spaces are ignored, and short forms ending in ฯ (กองยุทธศาสตร์ฯ) are understood.

{departments}"""


def to_toml(config: Config) -> str:
    """plan.toml holding `config` (the settings page saves with it); `load_config` reads it back equal."""
    def text(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string

    lines = ["# ไฟล์ตั้งค่าแผนปฏิบัติการป้องกันการทุจริต (ita-workbook)", "", "[organisation]",
             f"name = {text(config.organisation)}", f"district = {text(config.district)}",
             f"province = {text(config.province)}", "", "[plan]"]
    if config.fiscal_year:
        lines.append(f"fiscal_year = {config.fiscal_year}")
    lines.append(f"issuer = {text(config.issuer)}")
    if config.deadline:
        lines.append(f"deadline = {text(config.deadline.isoformat())}")
    lines.append(f"font = {text(config.font)}")
    for dept in config.departments:
        lines += ["", "[[departments]]", f"name = {text(dept.name)}",
                  f"aliases = [{', '.join(text(a) for a in dept.aliases)}]"]
    return "\n".join(lines) + "\n"
