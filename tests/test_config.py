"""plan.toml as coordinators write it (Notepad on Thai Windows) and as it goes wrong: every problem is a
command-line error (exit 2) said in Thai first, English beside, with what to do; nothing hangs."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from ita_workbook.cli import main
from ita_workbook.config import MAX_CONFIG_BYTES, load_config
from workbooks import good, write_form


def validate_with(tmp_path, config) -> tuple[int, str]:
    path = write_form(tmp_path / "a.xlsx", [good(1)])
    result = CliRunner().invoke(main, ["validate", str(path), "--config", str(config)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_a_plan_toml_saved_as_ansi_on_thai_windows_is_read(tmp_path):
    config = tmp_path / "plan.toml"
    text = '[organisation]\nname = "เทศบาลตำบลโพทะเล"\n\n[[departments]]\nname = "กองคลัง"\naliases = ["กองการคลัง"]\n'
    config.write_bytes(text.encode("cp874"))
    loaded = load_config(config)
    assert loaded.organisation == "เทศบาลตำบลโพทะเล"
    assert loaded.match_department("กองการคลัง") == "กองคลัง"


def test_a_plan_toml_saved_as_notepads_unicode_is_read(tmp_path):
    config = tmp_path / "plan.toml"
    config.write_bytes('[organisation]\nname = "เทศบาลตำบลโพทะเล"\n'.encode("utf-16"))
    assert load_config(config).organisation == "เทศบาลตำบลโพทะเล"


def test_unreadable_characters_say_to_save_as_utf8(tmp_path):
    config = tmp_path / "plan.toml"
    config.write_bytes(b'name = "\xff\xfe\xfd\xfc"\n\x80\x81')
    code, output = validate_with(tmp_path, config)
    assert code == 2
    assert output.startswith("ผิดพลาด / Error: อ่านตัวอักษรในไฟล์ตั้งค่า")
    assert "Encoding เป็น UTF-8" in output and "Traceback" not in output


def test_thai_text_without_quotes_shows_the_line_and_the_fix(tmp_path):
    config = tmp_path / "plan.toml"
    config.write_text('[organisation]\nname = "x"\n\n[plan]\nissuer = นายสมชาย ใจดี\n', encoding="utf-8")
    code, output = validate_with(tmp_path, config)
    assert code == 2
    lines = output.splitlines()
    assert lines[0] == f"ผิดพลาด / Error: ไฟล์ตั้งค่า {config} บรรทัดที่ 5 เขียนไม่ถูกต้อง: ค่าหลังเครื่องหมาย = อ่านไม่ได้"
    assert lines[1] == "    5 | issuer = นายสมชาย ใจดี"
    assert lines[2].startswith("  วิธีแก้: ข้อความ (รวมทั้งภาษาไทย) ต้องอยู่ในเครื่องหมายคำพูด")
    assert "line 5 is not valid TOML (Invalid value (at line 5, column 10))" in lines[3]


def test_a_list_typed_as_a_string_is_an_error_not_split_into_letters(tmp_path):
    config = tmp_path / "plan.toml"
    config.write_text('[[departments]]\nname = "กองคลัง"\naliases = "กองการคลัง"\n', encoding="utf-8")
    code, output = validate_with(tmp_path, config)
    assert code == 2
    assert ('  - หน่วยงานที่ 1 (กองคลัง) aliases ต้องเป็นรายการในวงเล็บเหลี่ยม เช่น aliases = ["กองการคลัง", '
            '"ส่วนการคลัง"] แต่ในไฟล์เป็น "กองการคลัง"') in output


@pytest.mark.parametrize("text, expected", [
    ('[plan]\nfiscal_year = "²⁵⁶⁷"\n', '[plan] fiscal_year ต้องเป็นปี พ.ศ. สี่หลัก เช่น fiscal_year = 2567'),
    ('[plan]\nfiscal_year = 25670\n', '[plan] fiscal_year ต้องเป็นปี พ.ศ. สี่หลัก'),
    ('[plan]\ndeadline = "15/9/2567"\n', '[plan] deadline ต้องเป็นวันที่แบบ ปี ค.ศ.-เดือน-วัน'),
    ('[organisation]\nname = 12\n', '[organisation] name ต้องเป็นข้อความในเครื่องหมายคำพูด'),
    ('organisation = "เทศบาล"\n', 'organisation ต้องเป็นหัวข้อ [organisation]'),
    ('[departments]\nname = "กองคลัง"\n', 'หน่วยงานแต่ละแห่งต้องขึ้นต้นด้วย [[departments]]'),
    ('[plan]\nfiscal_yaer = 2567\n', 'ไม่รู้จักค่า [plan] fiscal_yaer (ที่ใช้ได้: fiscal_year, issuer, deadline, font, digits, order)'),
])
def test_every_value_has_its_type_checked(tmp_path, text, expected):
    config = tmp_path / "plan.toml"
    config.write_text(text, encoding="utf-8")
    code, output = validate_with(tmp_path, config)
    assert code == 2 and expected in output, output
    assert output.startswith(f"ผิดพลาด / Error: ไฟล์ตั้งค่า {config} มีค่าที่ใช้ไม่ได้")


def test_thai_digits_and_a_christian_year_are_still_understood(tmp_path):
    config = tmp_path / "plan.toml"
    config.write_text('[plan]\nfiscal_year = "๒๕๖๗"\ndeadline = 2024-09-15\n', encoding="utf-8")
    assert load_config(config).fiscal_year == 2567
    config.write_text('[plan]\nfiscal_year = 2024\n', encoding="utf-8")
    assert load_config(config).fiscal_year == 2567


def test_deep_nesting_is_refused_in_thai(tmp_path):
    config = tmp_path / "plan.toml"
    config.write_text("x = " + "[" * 100_000, encoding="utf-8")
    code, output = validate_with(tmp_path, config)
    assert code == 2 and "มีวงเล็บซ้อนกันลึกเกินไป" in output


def test_an_oversized_config_is_refused_without_reading_it_all(tmp_path):
    config = tmp_path / "plan.toml"
    config.write_text("# " + "ก" * MAX_CONFIG_BYTES + "\n", encoding="utf-8")
    code, output = validate_with(tmp_path, config)
    assert code == 2 and f"ใหญ่เกิน {MAX_CONFIG_BYTES:,} ไบต์" in output


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_is_refused_not_read():
    code, output = validate_with_path("/dev/zero")
    assert code == 2 and output.startswith("ผิดพลาด / Error: /dev/zero ไม่ใช่ไฟล์ตั้งค่า")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "plan.toml"
    os.mkfifo(fifo)
    code, output = validate_with(tmp_path, fifo)  # it would block forever if opened for reading
    assert code == 2 and "ไม่ใช่ไฟล์ตั้งค่า" in output


def validate_with_path(config: str) -> tuple[int, str]:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        return validate_with(Path(folder), config)


def test_a_missing_config_says_how_to_make_one(tmp_path):
    code, output = validate_with(tmp_path, tmp_path / "plan.toml")
    assert code == 2
    assert output.startswith(f"ผิดพลาด / Error: ไม่พบไฟล์ตั้งค่า {tmp_path / 'plan.toml'} ตรวจชื่อไฟล์ "
                             "หรือสร้างด้วยคำสั่ง ita-workbook init")


def test_the_shipped_configs_load():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    for path in (root / "templates" / "plan.toml", root / "examples" / "pho-thale-2566" / "plan.toml"):
        assert load_config(path).departments, path
