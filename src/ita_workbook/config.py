"""plan.toml: the organisation, the fiscal year, the departments and their aliases.

Every command works without a config: the usual departments of a เทศบาล / อบต. then apply.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .thai import closest, squeeze, to_arabic_digits

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
    digits: str = "thai"  # digits inside printed text: "thai" (๑๒๓) or "arabic" (123)
    order: str = "department"  # within a มิติ: "department" (this file's order) or "as-read"
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
        close = closest(_department_key(text), list(self._lookup))
        return self._lookup[close] if close else None


def _department_key(text: str) -> str:
    return squeeze(text).rstrip(".").replace("ฯลฯ", "ฯ")


class ConfigError(Exception):
    """plan.toml cannot be used; the message says where and why and what to do, Thai then English.
    `problems`: each value that cannot be used, one line each, when that is what is wrong."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


MAX_CONFIG_BYTES = 2**20  # a plan.toml is a few kilobytes; /dev/zero or a mistaken file is not read whole
_UTF8_BOM, _UTF16_BOMS = b"\xef\xbb\xbf", (b"\xff\xfe", b"\xfe\xff")


def load_config(path: str | Path | None) -> Config:
    """plan.toml → Config; anything wrong with it raises ConfigError (a command-line error, exit 2)."""
    if path is None:
        return Config()
    path = Path(path)
    return parse_config(read_config_text(path), path)


def read_config_text(path: Path) -> str:
    """plan.toml's text, read as untrusted input (an ordinary file, of a sensible size, in one of
    the encodings Notepad saves). Line ends as Python writes them: Notepad's \r\n written back in
    text mode on Windows would become \r\r\n, which TOML refuses."""
    return _decode(_read_bytes(path), path).replace("\r\n", "\n")


def parse_config(text: str, path: Path) -> Config:
    """plan.toml's text → Config, or ConfigError saying what is wrong where (`path` names it)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_mistake(path, text, str(exc))) from None
    except RecursionError:  # [[[[… nested thousands deep: tomllib recurses once a level
        raise ConfigError(f"ไฟล์ตั้งค่า {path} มีวงเล็บซ้อนกันลึกเกินไป ใช้ไฟล์ที่ได้จากคำสั่ง ita-workbook init / "
                          f"{path} nests brackets too deep; start again from `ita-workbook init`") from None
    problems = _wrong_values(data)
    if problems:
        raise ConfigError(f"ไฟล์ตั้งค่า {path} มีค่าที่ใช้ไม่ได้ / {path} has values that cannot be used:\n"
                          + "\n".join(f"  - {line}" for line in problems), problems)
    return _from_dict(data, path)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing what is not an ordinary file of a sensible size. Opened without
    blocking and checked again once open, so that a FIFO or device put in its place is not read."""
    def refuse(thai: str, english: str) -> ConfigError:
        return ConfigError(f"{thai} / {english}")

    try:
        before = os.stat(path)
        if not stat.S_ISREG(before.st_mode):
            raise refuse(f"{path} ไม่ใช่ไฟล์ตั้งค่า (เป็นโฟลเดอร์ อุปกรณ์ หรือไฟล์พิเศษ) ระบุไฟล์ plan.toml",
                         f"{path} is not an ordinary file (a folder, a device or a pipe); give a plan.toml")
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise refuse(f"ไม่พบไฟล์ตั้งค่า {path} ตรวจชื่อไฟล์ หรือสร้างด้วยคำสั่ง ita-workbook init",
                     f"config file {path} not found; check the name or create it with `ita-workbook init`") from None
    except OSError as exc:
        raise refuse(f"เปิดไฟล์ตั้งค่า {path} ไม่ได้ ({exc.strerror or exc})",
                     f"cannot open the config {path} ({exc.strerror or exc})") from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise refuse(f"{path} ไม่ใช่ไฟล์ตั้งค่า (เป็นไฟล์พิเศษ) ระบุไฟล์ plan.toml",
                         f"{path} is not an ordinary file; give a plan.toml")
        chunks, size = [], 0
        while size <= MAX_CONFIG_BYTES and (chunk := os.read(fd, 65536)):
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_CONFIG_BYTES:
            raise refuse(f"ไฟล์ตั้งค่า {path} ใหญ่เกิน {MAX_CONFIG_BYTES:,} ไบต์ จึงไม่ใช่ plan.toml ที่ถูกต้อง "
                         "ตรวจว่าระบุไฟล์ถูก",
                         f"{path} is over {MAX_CONFIG_BYTES:,} bytes, too large for a plan.toml; check the name")
        return b"".join(chunks)
    except OSError as exc:
        raise refuse(f"อ่านไฟล์ตั้งค่า {path} ไม่ได้ ({exc.strerror or exc})",
                     f"cannot read the config {path} ({exc.strerror or exc})") from None
    finally:
        os.close(fd)


def _decode(raw: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM); UTF-16 with a BOM (Notepad's "Unicode"); else Thai Windows' ANSI
    (cp874, a superset of TIS-620), which Notepad saves on Thai Windows. The bytes tell which: Thai
    letters in cp874 are single bytes 0xA1-0xFB, and a file of them is in practice never valid UTF-8
    (where such bytes only come in strict lead-and-continuation patterns)."""
    if raw.startswith(_UTF16_BOMS):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    else:
        try:
            return raw.removeprefix(_UTF8_BOM).decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp874")
            except UnicodeDecodeError:
                text = ""
            if any("\u0e01" <= ch <= "\u0e5b" for ch in text):
                return text
    raise ConfigError(f"อ่านตัวอักษรในไฟล์ตั้งค่า {path} ไม่ได้ เปิดไฟล์ใน Notepad เลือก File > Save As "
                      "แล้วตั้ง Encoding เป็น UTF-8 ก่อนกด Save / the characters of {path} cannot be read: "
                      "open it in Notepad, File > Save As, choose Encoding UTF-8 and save")


# tomllib's messages, said in Thai with the usual fix: (start of tomllib's message, what is wrong, what to do)
_TOML_MISTAKES = (
    ("Invalid value", "ค่าหลังเครื่องหมาย = อ่านไม่ได้",
     "ข้อความ (รวมทั้งภาษาไทย) ต้องอยู่ในเครื่องหมายคำพูด เช่น name = \"เทศบาลตำบลตัวอย่าง\" "
     "ตัวเลขไม่ต้องมี เช่น fiscal_year = 2567 รายการอยู่ใน [ ] เช่น aliases = [\"กองการคลัง\"]"),
    ("Unterminated string", "ข้อความไม่มีเครื่องหมายคำพูดปิด", "ใส่ \" ท้ายข้อความ"),
    ("Cannot overwrite a value", "ตั้งค่าเดียวกันซ้ำสองครั้ง", "ลบบรรทัดที่ซ้ำออกหนึ่งบรรทัด"),
    ("Cannot declare", "หัวข้อเดียวกันซ้ำสองครั้ง", "รวมเป็นหัวข้อเดียว (หน่วยงานแต่ละแห่งใช้ [[departments]])"),
    ("Expected ']'", "หัวข้อในวงเล็บเหลี่ยมไม่มี ] ปิด", "เขียนเป็น [plan] หรือ [[departments]]"),
    ("Expected '=' after a key", "บรรทัดนี้ไม่มีเครื่องหมาย =",
     "ทุกบรรทัดต้องเป็น ชื่อ = ค่า หรือขึ้นต้นด้วย # ถ้าเป็นหมายเหตุ"),
    ("Expected newline", "มีข้อความเกินมาหลังค่า", "ถ้าเป็นหมายเหตุให้ขึ้นต้นด้วย # หรือรวมข้อความไว้ในเครื่องหมายคำพูดเดียวกัน"),
    ("Unescaped '\\'", "มีเครื่องหมาย \\ ในข้อความ", "ใช้ / แทน หรือใช้เครื่องหมายคำพูดเดี่ยว '...'"),
    ("Invalid initial character", "ชื่อค่าขึ้นต้นด้วยตัวอักษรที่ใช้ไม่ได้",
     "ชื่อค่าใช้ตัวอักษรอังกฤษตามตัวอย่าง เช่น name หรือ fiscal_year"),
)


def _toml_mistake(path: Path, text: str, said: str) -> str:
    """Where the TOML mistake is, the line itself, what is wrong and the usual fix."""
    lines = text.splitlines() or [""]
    found = re.search(r"\(at line (\d+), column (\d+)\)", said)
    number = int(found.group(1)) if found else max(
        (n for n, line in enumerate(lines, 1) if line.strip()), default=1)
    shown = "".join(ch if ch.isprintable() else "?" for ch in lines[min(number, len(lines)) - 1])[:200]
    wrong, fix = next(((w, f) for start, w, f in _TOML_MISTAKES if said.startswith(start)),
                      ("รูปแบบไม่ถูกต้อง", "เทียบกับไฟล์ที่ได้จากคำสั่ง ita-workbook init"))
    return (f"ไฟล์ตั้งค่า {path} บรรทัดที่ {number} เขียนไม่ถูกต้อง: {wrong}\n"
            f"    {number} | {shown}\n"
            f"  วิธีแก้: {fix}\n"
            f"  {path} line {number} is not valid TOML ({said}); Thai text needs double quotes: "
            f"name = \"...\"")


# What plan.toml may hold, and how each value is described when it is wrong.
_TEXT = ("ข้อความในเครื่องหมายคำพูด", "text in double quotes", "\"...\"")
_SETTINGS: dict[str, dict[str, tuple[str, str, str]]] = {
    "organisation": {"name": _TEXT, "district": _TEXT, "province": _TEXT},
    "plan": {"fiscal_year": ("ปี พ.ศ. สี่หลัก", "a four-digit year", "2567"),
             "issuer": _TEXT,
             "deadline": ("วันที่แบบ ปี ค.ศ.-เดือน-วัน", "a date year-month-day", "\"2024-09-15\""),
             "font": _TEXT,
             "digits": ("\"thai\" (เลขไทย) หรือ \"arabic\" (เลขอารบิก)", "\"thai\" or \"arabic\"", "\"thai\""),
             "order": ("\"department\" (ตามลำดับกอง) หรือ \"as-read\" (ตามลำดับที่อ่าน)",
                       "\"department\" or \"as-read\"", "\"department\"")},
}
# The choices of [plan] digits (digits inside the printed form's text) and order (of the projects
# within a มิติ); the first is the default.
DIGITS = ("thai", "arabic")
ORDERS = ("department", "as-read")
_DEPARTMENT = {"name": _TEXT, "aliases": ("รายการในวงเล็บเหลี่ยม", "a list in square brackets",
                                          "[\"กองการคลัง\", \"ส่วนการคลัง\"]")}


# Control characters (NUL, ESC, DEL, a tab…) cannot be typed into a form, printed or be part of a
# file name (a NUL in a department's name broke its template); a lone surrogate cannot be written.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _shown(text: str) -> str:
    """A name as the page and the terminal can show it: its control characters as \\x00."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256 else "\ufffd", text)


def _wrong_values(data: dict) -> list[str]:
    """Every value of the wrong kind or setting not known, each as one Thai / English line."""
    problems: list[str] = []

    def control(where: str, key: str, value, where_en: str = "") -> None:
        found = _CONTROL.search(value) if isinstance(value, str) else None
        if found:
            code = f"U+{ord(found.group()):04X}"
            problems.append(f"{where}{key} มีอักขระควบคุมที่มองไม่เห็น ({code}) ซึ่งพิมพ์ไม่ได้และใช้เป็นชื่อไฟล์ไม่ได้ "
                            f"ลบข้อความนี้แล้วพิมพ์ใหม่ / {where_en or where}{key} holds an invisible control "
                            f"character ({code}), which cannot be printed or be part of a file name; delete the "
                            "text and type it again")

    def wrong(where: str, key: str, value, expected: tuple[str, str, str], where_en: str = "") -> None:
        thai, english, example = expected
        shown = repr(value)[:60] if not isinstance(value, str) else f"\"{value[:60]}\""
        problems.append(f"{where}{key} ต้องเป็น{thai} เช่น {key} = {example} แต่ในไฟล์เป็น {shown} / "
                        f"{where_en or where}{key} must be {english}, e.g. {key} = {example}")

    def unknown(where: str, key: str, known, where_en: str = "") -> None:
        problems.append(f"ไม่รู้จักค่า {where}{key} (ที่ใช้ได้: {', '.join(known)}) ตรวจการสะกด / "
                        f"unknown setting {where_en or where}{key} (known: {', '.join(known)}); check the spelling")

    for key, value in data.items():
        if key in _SETTINGS:
            if not isinstance(value, dict):
                problems.append(f"{key} ต้องเป็นหัวข้อ [{key}] ตามด้วยค่าในบรรทัดถัดไป / {key} must be a [{key}] "
                                f"table")
                continue
            for name, item in value.items():
                if name not in _SETTINGS[key]:
                    unknown(f"[{key}] ", name, _SETTINGS[key])
                elif not _value_fits(key, name, item):
                    wrong(f"[{key}] ", name, item, _SETTINGS[key][name])
                else:
                    control(f"[{key}] ", name, item)
        elif key == "departments":
            if not isinstance(value, list) or not all(isinstance(d, dict) for d in value):
                problems.append("หน่วยงานแต่ละแห่งต้องขึ้นต้นด้วย [[departments]] (วงเล็บเหลี่ยมสองชั้น) / "
                                "each department starts with [[departments]] (double brackets)")
                continue
            named: dict[str, int] = {}
            for number, dept in enumerate(value, 1):
                called = f"({_shown(dept['name'])}) " if isinstance(dept.get("name"), str) else ""
                if isinstance(dept.get("name"), str) and dept["name"].strip():
                    # Two departments of one name would share a template file and every project.
                    first = named.setdefault(_department_key(dept["name"]), number)
                    if first != number:
                        problems.append(f"หน่วยงานที่ {number} ชื่อ \"{dept['name']}\" ซ้ำกับหน่วยงานที่ {first} "
                                        f"ให้ตั้งชื่อไม่ซ้ำกัน / departments {first} and {number} are both named "
                                        f"\"{dept['name']}\": give each its own name")
                where, where_en = f"หน่วยงานที่ {number} {called}", f"department {number} {called}"
                if not isinstance(dept.get("name"), str) or not dept["name"].strip():
                    wrong(where, "name", dept.get("name", ""), _TEXT, where_en)
                control(where, "name", dept.get("name"), where_en)
                aliases = dept.get("aliases", [])
                if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                    wrong(where, "aliases", aliases, _DEPARTMENT["aliases"], where_en)
                else:
                    for alias in aliases:
                        control(where, "aliases", alias, where_en)
                for name in dept:
                    if name not in _DEPARTMENT:
                        unknown(where, name, _DEPARTMENT, where_en)
        else:
            unknown("", key, [*(f"[{k}]" for k in _SETTINGS), "[[departments]]"])
    return problems


def _value_fits(table: str, key: str, value) -> bool:
    if (table, key) == ("plan", "fiscal_year"):
        return _fiscal_year(value) is not None
    if (table, key) == ("plan", "deadline"):
        return _deadline(value) is not None
    if (table, key) == ("plan", "font"):
        return isinstance(value, str) and bool(value.strip())
    if (table, key) in (("plan", "digits"), ("plan", "order")):
        return value in (DIGITS if key == "digits" else ORDERS)
    return isinstance(value, str)


def _fiscal_year(value) -> int | None:
    """พ.ศ. from 2567, "๒๕๖๗" or a Christian-era year typed by mistake; None if it is not a year."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    digits = to_arabic_digits(str(value).strip())
    if not re.fullmatch(r"[0-9]{4}", digits) or not 1900 <= int(digits) <= 2700:
        return None
    year = int(digits)
    return year + 543 if year < 2400 else year


def _deadline(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _from_dict(data: dict, path: Path) -> Config:
    """A Config from a plan.toml whose values _wrong_values found right."""
    org = data.get("organisation", {})
    plan = data.get("plan", {})
    departments = tuple(Department(d["name"].strip(), tuple(d.get("aliases", ())))
                        for d in data.get("departments", ()))
    year = plan.get("fiscal_year")
    return Config(
        organisation=org.get("name", "").strip(),
        district=re.sub(r"^อำเภอ\s*", "", org.get("district", "").strip()),
        province=re.sub(r"^จังหวัด\s*", "", org.get("province", "").strip()),
        fiscal_year=None if year is None else _fiscal_year(year),
        departments=departments or DEFAULT_DEPARTMENTS,
        issuer=plan.get("issuer", "").strip(),
        deadline=None if plan.get("deadline") is None else _deadline(plan["deadline"]),
        font=plan.get("font", DEFAULT_FONT).strip(),
        digits=plan.get("digits", DIGITS[0]),
        order=plan.get("order", ORDERS[0]),
        path=path,
    )


# The organisation `init` writes, to be replaced: templates made with it come back as wrong-template.
SAMPLE_ORGANISATION = {"name": "เทศบาลตำบลตัวอย่าง", "district": "เมือง", "province": "พิจิตร"}


def sample_settings(config: Config) -> str:
    """Why templates must not be made yet while plan.toml still names init's sample organisation,
    Thai then English, naming the lines to edit; "" when it names a real one. Templates carry the
    organisation: made for the sample, every form that comes back is refused once it is corrected."""
    if squeeze(config.organisation) != squeeze(SAMPLE_ORGANISATION["name"]):
        return ""
    where = config.path or Path("plan.toml")
    lines = []
    try:  # read as load_config read it: a Notepad ANSI (cp874) file's lines are found too
        text = read_config_text(config.path) if config.path else ""
    except ConfigError:
        text = ""
    for key, value in SAMPLE_ORGANISATION.items():
        if key != "name" and getattr(config, key) != value:
            continue
        number = next((n for n, line in enumerate(text.splitlines(), 1)
                       if re.match(rf"\s*{key}\s*=\s*\"{re.escape(value)}\"", line)), None)
        lines.append((f"{key} = \"{value}\"", number))
    shown_th = ", ".join(f"บรรทัดที่ {n} {line}" if n else line for line, n in lines)
    shown_en = ", ".join(f"line {n} {line}" if n else line for line, n in lines)
    return (f"ไฟล์ตั้งค่า {where} ยังเป็นหน่วยงานตัวอย่างที่คำสั่ง init เขียนไว้ ({shown_th}) "
            "แก้เป็นชื่อหน่วยงาน อำเภอ และจังหวัดของท่านก่อนสร้างแบบฟอร์ม เพราะแบบฟอร์มที่ส่งคืนจะถูกตรวจกับชื่อนี้ / "
            f"{where} still holds init's sample organisation ({shown_en}); put your own organisation, "
            "district and province there before making the templates, which are checked against it")


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
name = "{SAMPLE_ORGANISATION['name']}"     # ชื่อหน่วยงาน (แก้ก่อนสร้างแบบฟอร์ม) / organisation: edit it first
district = "{SAMPLE_ORGANISATION['district']}"               # อำเภอ (ไม่ต้องพิมพ์คำว่า อำเภอ)
province = "{SAMPLE_ORGANISATION['province']}"              # จังหวัด (ไม่ต้องพิมพ์คำว่า จังหวัด)

[plan]
fiscal_year = {year}              # ปีงบประมาณ พ.ศ. / fiscal year (Buddhist Era)
issuer = ""                       # ชื่อ - สกุล ผู้ออกรายงาน / person issuing the report
# deadline = "{year - 544}-09-15"  # วันที่ต้องส่งแบบฟอร์มคืน (ปี ค.ศ.) / deadline for departments
font = "TH SarabunPSK"            # แบบอักษร / font of the printed forms
digits = "thai"                   # เลขในข้อความของแผนรวม: "thai" (๑๒๓) หรือ "arabic" (123) / digits in printed text
order = "department"              # ลำดับในมิติ: "department" (ตามลำดับกองข้างล่าง) หรือ "as-read" (ตามลำดับที่อ่านจากไฟล์)

# หน่วยงานรับผิดชอบ: ชื่อที่ใช้ในแผน และชื่ออื่นที่อาจพิมพ์มา (aliases)
# Departments: the name printed on the plan, and other names clerks type for it.
# Spaces are ignored, and short forms ending in ฯ (กองยุทธศาสตร์ฯ) are understood.

{departments}"""


def updated_toml(old_text: str | None, old: Config, new: Config) -> str:
    """plan.toml with the settings the page shows (organisation, district, province, fiscal year,
    issuer, departments) set to `new`'s, and everything else of `old_text` kept as it is: comments,
    layout, the settings the page does not show. Only what differs from `old` (what `old_text` reads
    as) is touched; with no `old_text`, every setting of `new` is written."""
    import tomlkit

    fresh = old_text is None
    doc = tomlkit.document() if fresh else tomlkit.parse(old_text)
    if fresh:
        doc.add(tomlkit.comment("ไฟล์ตั้งค่าแผนปฏิบัติการป้องกันการทุจริต (ita-workbook)"))

    def table(name: str):
        if name not in doc:
            doc[name] = tomlkit.table()
        return doc[name]

    for key, before, after in (("name", old.organisation, new.organisation),
                               ("district", old.district, new.district),
                               ("province", old.province, new.province)):
        if fresh or after != before:
            table("organisation")[key] = after
    if (fresh and new.fiscal_year) or new.fiscal_year != old.fiscal_year:
        if new.fiscal_year is None:
            table("plan").pop("fiscal_year", None)
        else:
            table("plan")["fiscal_year"] = new.fiscal_year
    if fresh or new.issuer != old.issuer:
        table("plan")["issuer"] = new.issuer
    if fresh:
        if new.deadline:
            table("plan")["deadline"] = new.deadline.isoformat()
        for key in ("font", "digits", "order"):
            table("plan")[key] = getattr(new, key)
    if fresh or [(d.name, d.aliases) for d in new.departments] != [(d.name, d.aliases) for d in old.departments]:
        # A department kept keeps its own table, with the comments written around it.
        before = doc.get("departments")
        kept = {_department_key(t["name"]): t for t in (before if isinstance(before, list) else ())
                if isinstance(t, tomlkit.items.Table) and isinstance(t.get("name"), str)}  # not inline ones
        departments = tomlkit.aot()
        for dept in new.departments:
            entry = kept.pop(_department_key(dept.name), None) or tomlkit.table()
            if entry.get("name") != dept.name:
                entry["name"] = dept.name
            if tuple(entry.get("aliases", ())) != dept.aliases:
                entry["aliases"] = list(dept.aliases)
            departments.append(entry)
        doc["departments"] = departments
    return tomlkit.dumps(doc)
