"""File names the tool makes: one helper (output.safe_filename) bounds every name to 255 bytes and
keeps out what Windows forbids, on the command line and in the page alike."""

import openpyxl
import pytest
from click.testing import CliRunner

from ita_workbook.cli import main
from ita_workbook.output import safe_filename
from ita_workbook.template import template_filename
from workbooks import good, write_form

# A real name of a plan, 233 bytes: its marked-up copy's name would be 268 bytes.
REAL_NAME = "แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ พ.ศ. ๒๕๖๗ กองยุทธศาสตร์และงบประมาณ.xlsx"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_a_long_thai_name_is_cut_by_bytes_and_keeps_its_suffix():
    stem = "แผนปฏิบัติการป้องกันการทุจริต" * 6  # 522 bytes
    name = safe_filename(stem, " (ตรวจแล้ว).xlsx")
    assert len(name.encode("utf-8")) <= 255 and name.endswith(" (ตรวจแล้ว).xlsx")
    assert name.startswith("แผนปฏิบัติการป้องกันการทุจริต")
    # two long names that differ only past the cut stay two names
    assert safe_filename(stem + "ก", ".xlsx") != safe_filename(stem + "ข", ".xlsx")
    assert safe_filename("สั้น", ".xlsx") == "สั้น.xlsx"  # a name that fits is left as it is


@pytest.mark.parametrize("stem, expected", [
    ("กอง/คลัง", "กอง_คลัง.xlsx"), ("a\\b:c*d?e\"f<g>h|i", "a_b_c_d_e_f_g_h_i.xlsx"),
    ("กอง\x00คลัง", "กอง_คลัง.xlsx"), ("กอง\x7fคลัง\x1b", "กอง_คลัง_.xlsx"),
    ("CON", "_CON.xlsx"), ("nul", "_nul.xlsx"), ("com1.backup", "_com1.backup.xlsx"), ("LPT¹", "_LPT¹.xlsx"),
    ("CONSOLE", "CONSOLE.xlsx"), ("..ซ่อน", "ซ่อน.xlsx"), ("", "file.xlsx")])
def test_a_name_never_holds_what_windows_forbids(stem, expected):
    assert safe_filename(stem, ".xlsx") == expected


def test_a_name_without_suffix_ends_in_neither_dot_nor_space():
    assert safe_filename("รายงาน. . ") == "รายงาน"


def test_template_names_never_hold_a_nul_or_a_device_name():
    assert template_filename("กอง\x00คลัง") == "กอง-คลัง.xlsx"
    assert template_filename("AUX") == "_AUX.xlsx"


def test_report_templates_of_two_long_names_alike_are_two_files(tmp_path):
    from ita_workbook.report_template import filename

    long = "กองยุทธศาสตร์และงบประมาณ ฝ่ายแผนงานและงบประมาณ งานวิเคราะห์นโยบายและแผน งาน"
    names = {filename(long + "ที่หนึ่ง", 6), filename(long + "ที่สอง", 6)}
    assert len(names) == 2 and all(len(n.encode("utf-8")) <= 255 and n.startswith("รายงานผล6เดือน-กองยุทธศาสตร์")
                                   for n in names)
    for name in names:
        (tmp_path / name).write_bytes(b"")  # each can be made


def test_the_marked_up_copy_of_a_long_name_is_made_with_a_shorter_name(tmp_path):
    source = write_form(tmp_path / REAL_NAME, [good(1, budget="หนึ่งหมื่น")])
    result = run("validate", source, "--annotate", tmp_path / "back")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "ยาวเกินไป" not in result.output
    [copy] = (tmp_path / "back").iterdir()
    assert len(copy.name.encode("utf-8")) <= 255 and copy.name.endswith(" (ตรวจแล้ว).xlsx")
    assert copy.name.startswith("แผนปฏิบัติการป้องกันการทุจริต ประจำปีงบประมาณ")
    assert openpyxl.load_workbook(copy)["แผน"]["E5"].fill.fgColor.rgb.endswith("FFC7CE")
    # and the shortened copy is still known as one when its folder is given again
    again = run("validate", tmp_path / "back")
    assert again.exit_code == 2 and "เป็นสำเนาที่ระบายสีปัญหาไว้" in again.output
