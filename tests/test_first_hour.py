"""The traps a new coordinator fell into in the first hour (issue #22), each pinned: templates made
for init's sample organisation, and a wrong-template message that sent them to themselves."""

from __future__ import annotations

from click.testing import CliRunner

from ita_workbook.cli import main
from ita_workbook.config import Config, example_toml, load_config, sample_settings
from ita_workbook.problems import Problem


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args], prog_name="ita-workbook")
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_template_refuses_inits_sample_organisation_and_names_the_line_to_edit(tmp_path):
    config = tmp_path / "plan.toml"
    assert run("init", "-o", config)[0] == 0
    code, output = run("template", "--config", config, "-o", tmp_path / "forms")
    assert code == 2 and not (tmp_path / "forms").exists()
    assert output.startswith(f"ผิดพลาด / Error: ไฟล์ตั้งค่า {config} ยังเป็นหน่วยงานตัวอย่างที่คำสั่ง init เขียนไว้ "
                             "(บรรทัดที่ 5 name = \"เทศบาลตำบลตัวอย่าง\", บรรทัดที่ 6 district = \"เมือง\", "
                             "บรรทัดที่ 7 province = \"พิจิตร\")")
    assert "still holds init's sample organisation (line 5 name = \"เทศบาลตำบลตัวอย่าง\"" in output

    text = config.read_text(encoding="utf-8").replace("เทศบาลตำบลตัวอย่าง", "เทศบาลตำบลโพทะเล")
    config.write_text(text.replace('district = "เมือง"', 'district = "โพทะเล"'), encoding="utf-8")
    code, output = run("template", "--config", config, "-o", tmp_path / "forms")
    assert code == 0, output
    assert sample_settings(load_config(config)) == ""


def test_the_sample_is_found_whatever_its_spacing_and_without_a_file():
    said = sample_settings(Config(organisation="เทศบาลตำบล ตัวอย่าง", district="เมือง"))
    assert said.startswith("ไฟล์ตั้งค่า plan.toml ยังเป็นหน่วยงานตัวอย่าง") and "district = \"เมือง\"" in said
    assert "province" not in said.split(" / ")[0]  # only the lines that still hold the sample
    assert sample_settings(Config(organisation="เทศบาลเมืองตัวอย่างดี")) == ""


def test_wrong_template_says_what_the_coordinator_can_do():
    problem = Problem("wrong-template", "a.xlsx", value="เทศบาลตำบลตัวอย่าง", detail="เทศบาลตำบลตัวอย่าง")
    assert "ผู้ประสานงาน" not in problem.message and "ask the coordinator" not in problem.message_en
    assert problem.message.startswith("แบบฟอร์มนี้เป็นของเทศบาลตำบลตัวอย่าง ไม่ใช่ของแผนที่กำลังรวม (ตาม plan.toml) "
                                      "ถ้า plan.toml ผิด ให้แก้ชื่อหน่วยงานหรือปีงบประมาณใน plan.toml")
    assert "สร้างแบบฟอร์มใหม่ด้วยคำสั่ง template" in problem.message
    assert "make the templates again with `template`" in problem.message_en


def test_the_pages_template_step_refuses_the_sample_organisation_as_the_command_does(tmp_path):
    import pytest

    pytest.importorskip("starlette")
    from test_web import Tab, make_client

    (tmp_path / "plan.toml").write_text(example_toml(2567), encoding="utf-8")
    tab = Tab(make_client(tmp_path))
    page = tab.post("/templates", {"department": ["กองคลัง"]})
    assert page.status_code == 409
    assert "ยังเป็นหน่วยงานตัวอย่างที่คำสั่ง init เขียนไว้ (บรรทัดที่ 5 name = &#34;เทศบาลตำบลตัวอย่าง&#34;" in page.text \
        or "ยังเป็นหน่วยงานตัวอย่างที่คำสั่ง init เขียนไว้ (บรรทัดที่ 5 name = &quot;เทศบาลตำบลตัวอย่าง&quot;" in page.text
