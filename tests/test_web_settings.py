"""The settings page never loses plan.toml: what it would write is checked first, a refused save
leaves the file as it was, an unchanged one writes nothing, and the person's comments and the
settings the page does not show are kept. The same control characters are refused on the command
line."""

import html
import os
import re
import warnings
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("tomlkit")
warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")

from click.testing import CliRunner  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from ita_workbook.cli import main  # noqa: E402
from ita_workbook.config import ConfigError, load_config  # noqa: E402
from ita_workbook.web.app import create_app  # noqa: E402
from ita_workbook.web.guard import Settings  # noqa: E402
from test_web import BASE, TOKEN, Tab, make_client, text_of  # noqa: E402

# A plan.toml as a person keeps it: comments, aligned values, every setting the page does not show.
KEPT = """\
# แผนของเทศบาลตำบลทดสอบ — แก้ไขล่าสุดโดยงานแผน
[organisation]
name = "เทศบาลตำบลทดสอบ"   # ชื่อตามประกาศ
district = "เมือง"
province = "น่าน"

[plan]
fiscal_year = 2568
issuer = "สมชาย ใจดี"
deadline = "2024-09-15"
font = "TH Sarabun New"
digits = "arabic"     # ผู้บริหารขอเลขอารบิก
order = "as-read"

# กองที่ส่งแผนทุกปี
[[departments]]
name = "สำนักปลัด"
aliases = ["สำนักปลัดฯ"]  # ชื่อที่ธุรการพิมพ์มา

[[departments]]
name = "กองคลัง"
aliases = []
"""


def form_of(page) -> dict[str, str]:
    """The settings form's fields as the page shows them: what a person sends back by pressing Save."""
    fields = {name: html.unescape(value) for name, value in re.findall(r'<input name="(\w+)" value="([^"]*)"', page.text)}
    fields["departments"] = html.unescape(re.search(r'<textarea name="departments"[^>]*>(.*?)</textarea>',
                                                    page.text, re.S).group(1))
    return fields


@pytest.fixture
def kept(tmp_path):
    config = tmp_path / "plan.toml"
    config.write_text(KEPT, encoding="utf-8")
    client = make_client(tmp_path)
    return config, client, Tab(client)


@pytest.mark.parametrize("change, said", [
    ({"departments": "สำนักปลัด\nกองคลัง\nกอง คลัง"}, "ซ้ำกับหน่วยงานที่ 2"),
    ({"departments": "สำนักปลัด\n: ส่วนการคลัง\nกองคลัง"}, "บรรทัดที่ 2 ของรายชื่อหน่วยงานไม่มีชื่อหน่วยงาน"),
    ({"organisation": "เทศบาลตำบล\x7fทดสอบ"}, "[organisation] name มีอักขระควบคุมที่มองไม่เห็น (U+007F)"),
    ({"district": "เมือง\x00"}, "[organisation] district มีอักขระควบคุมที่มองไม่เห็น (U+0000)"),
    ({"departments": "สำนักปลัด\nกอง\x00คลัง"}, "หน่วยงานที่ 2 (กอง\\x00คลัง) name มีอักขระควบคุม"),
    ({"departments": "สำนักปลัด: สป.\x1b\nกองคลัง"}, "aliases มีอักขระควบคุม"),
    ({"departments": "สำนักปลัด\r\nกอง\x1cคลัง"}, "(U+001C)"),
    ({"issuer": "สมชาย\tใจดี"}, "[plan] issuer มีอักขระควบคุมที่มองไม่เห็น (U+0009)")])
def test_a_refused_save_says_why_and_leaves_the_file_as_it_was(kept, change, said):
    config, client, tab = kept
    before = config.read_bytes()
    page = tab.post("/settings", {**form_of(client.get(tab.url + "/settings")), **change})
    assert said in text_of(page) and "ไม่ได้บันทึก" in text_of(page)
    assert config.read_bytes() == before
    assert load_config(config).organisation == "เทศบาลตำบลทดสอบ"
    assert [p.name for p in config.parent.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_saving_unchanged_settings_writes_nothing(kept):
    config, client, tab = kept
    before = config.stat()
    page = tab.post("/settings", form_of(client.get(tab.url + "/settings")))
    assert "ไม่มีอะไรเปลี่ยน จึงไม่ได้เขียนไฟล์" in text_of(page)
    after = config.stat()
    assert config.read_text(encoding="utf-8") == KEPT
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_a_change_keeps_comments_and_every_setting_the_page_does_not_show(kept):
    config, client, tab = kept
    fields = form_of(client.get(tab.url + "/settings"))
    page = tab.post("/settings", {**fields, "organisation": "เทศบาลเมืองทดสอบ"})
    assert "บันทึกแล้วที่" in text_of(page)
    lines_before, lines_after = KEPT.splitlines(), config.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(lines_before, lines_after) if a != b]
    assert len(lines_before) == len(lines_after)
    assert changed == [('name = "เทศบาลตำบลทดสอบ"   # ชื่อตามประกาศ', 'name = "เทศบาลเมืองทดสอบ"   # ชื่อตามประกาศ')]
    loaded = load_config(config)
    assert (loaded.digits, loaded.order, loaded.font, str(loaded.deadline)) == (
        "arabic", "as-read", "TH Sarabun New", "2024-09-15")


def test_a_department_added_keeps_the_others_with_their_comments(kept):
    config, client, tab = kept
    fields = form_of(client.get(tab.url + "/settings"))
    tab.post("/settings", {**fields, "departments": fields["departments"] + "กองช่าง: กองโยธา\n"})
    text = config.read_text(encoding="utf-8")
    assert 'aliases = ["สำนักปลัดฯ"]  # ชื่อที่ธุรการพิมพ์มา' in text and "# กองที่ส่งแผนทุกปี" in text
    assert [(d.name, d.aliases) for d in load_config(config).departments] == [
        ("สำนักปลัด", ("สำนักปลัดฯ",)), ("กองคลัง", ()), ("กองช่าง", ("กองโยธา",))]
    assert load_config(config).digits == "arabic"


def test_the_downloaded_plan_toml_is_the_file_with_its_comments(kept):
    config, client, tab = kept
    assert client.get(tab.url + "/settings/plan.toml").text == KEPT


def test_a_chosen_plan_toml_is_kept_with_its_comments(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    chosen = tmp_path / "chosen" / "plan.toml"
    chosen.parent.mkdir()
    chosen.write_text(KEPT, encoding="utf-8")
    assert "บันทึกแล้วที่" in text_of(tab.upload("settings", [chosen]))
    assert (tmp_path / "plan.toml").read_text(encoding="utf-8") == KEPT


def test_a_file_that_does_not_read_is_never_overwritten_by_the_form(tmp_path):
    config = tmp_path / "plan.toml"
    config.write_text('[organisation]\nname = "เทศบาล"\ncolour = "แดง"\n', encoding="utf-8")
    client = make_client(tmp_path)
    tab = Tab(client)
    page = tab.post("/settings", {"organisation": "อบต.ใหม่", "departments": "กองคลัง"})
    assert "ไม่ได้บันทึก เพราะไฟล์ตั้งค่าเดิมอ่านไม่ได้" in text_of(page) and "colour" in text_of(page)
    assert config.read_text(encoding="utf-8") == '[organisation]\nname = "เทศบาล"\ncolour = "แดง"\n'


def test_without_config_the_settings_are_saved_where_serve_was_started(tmp_path, monkeypatch):
    work, folder = tmp_path / "work", tmp_path / "เอกสาร"
    work.mkdir()
    folder.mkdir()
    monkeypatch.chdir(folder)
    client = TestClient(create_app(Settings(token=TOKEN, port=8765, workdir=work)), base_url=BASE)
    tab = Tab(client)
    page = tab.post("/settings", {"organisation": "อบต.ทดสอบ", "departments": "กองคลัง"})
    assert f"บันทึกแล้วที่ / saved at: {folder / 'plan.toml'}" in text_of(page)
    assert load_config(folder / "plan.toml").organisation == "อบต.ทดสอบ"
    assert not list(work.rglob("*.toml"))


def _config_with(tmp_path: Path, organisation: str, department: str) -> Path:
    config = tmp_path / "plan.toml"
    config.write_text(f'[organisation]\nname = "{organisation}"\n\n[[departments]]\nname = "{department}"\n'
                      '\n[[departments]]\nname = "กองช่าง"\n', encoding="utf-8")
    return config


@pytest.mark.parametrize("organisation, department, said", [
    ("เทศบาล", "กอง\\u0000คลัง", "หน่วยงานที่ 1 (กอง\\x00คลัง) name มีอักขระควบคุมที่มองไม่เห็น (U+0000)"),
    ("เทศบาล\\u007f", "กองคลัง", "[organisation] name มีอักขระควบคุมที่มองไม่เห็น (U+007F)"),
    ("เทศบาล\\u001b[31m", "กองคลัง", "(U+001B)")])
def test_control_characters_in_plan_toml_are_refused_in_thai(tmp_path, organisation, department, said):
    config = _config_with(tmp_path, organisation, department)
    with pytest.raises(ConfigError) as refused:
        load_config(config)
    assert said in str(refused.value) and "control character" in str(refused.value)
    result = CliRunner().invoke(main, ["template", "--config", str(config), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "อักขระควบคุม" in result.output and result.exception.__class__ is SystemExit
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("layout", [
    'departments = [{name = "กองคลัง", aliases = ["x"]}, {name = "กองช่าง"}]\n[organisation]\nname = "ก"\n',
    'organisation.name = "ก"\norganisation.district = "ข"\nplan.issuer = "ค"\n',
    '[organisation]\nname = "ก"\n[plan]\n[[departments]]\nname = "กองคลัง"\n[[departments]]\nname = "กองช่าง"\n',
    ""])
def test_the_page_edits_any_spelling_of_plan_toml(layout):
    import dataclasses

    from ita_workbook.config import Department, parse_config, updated_toml

    old = parse_config(layout, Path("plan.toml"))
    new = dataclasses.replace(old, organisation="ใหม่", district="ง", issuer="จ", fiscal_year=2567,
                              departments=(Department("กองช่าง"), Department("กองใหม่", ("ก",))))
    again = parse_config(updated_toml(layout, old, new), Path("plan.toml"))
    assert (again.organisation, again.district, again.issuer, again.fiscal_year) == ("ใหม่", "ง", "จ", 2567)
    assert [(d.name, d.aliases) for d in again.departments] == [("กองช่าง", ()), ("กองใหม่", ("ก",))]


def test_a_notepad_plan_toml_is_edited_with_its_line_ends_whole(tmp_path):
    config = tmp_path / "plan.toml"
    config.write_bytes(KEPT.replace("\n", "\r\n").encode("utf-8"))
    client = make_client(tmp_path)
    tab = Tab(client)
    fields = form_of(client.get(tab.url + "/settings"))
    assert "ไม่มีอะไรเปลี่ยน" in text_of(tab.post("/settings", fields))
    assert config.read_bytes() == KEPT.replace("\n", "\r\n").encode("utf-8")
    assert "บันทึกแล้วที่" in text_of(tab.post("/settings", {**fields, "issuer": "สมหญิง"}))
    written = config.read_bytes()  # the text is given with \n alone, which Windows' text mode makes \r\n once
    assert b"\r\r" not in written and written.count(b"\r\n") == (written.count(b"\n") if os.linesep == "\r\n" else 0)
    assert load_config(config).issuer == "สมหญิง"
    assert "# ผู้บริหารขอเลขอารบิก" in config.read_text(encoding="utf-8")
