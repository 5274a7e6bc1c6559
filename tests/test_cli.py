"""The command line as a user meets it: exit codes, no tracebacks, --help without heavy imports."""

import json
import subprocess
import sys

from click.testing import CliRunner

from ita_workbook.cli import main
from workbooks import good, write_form


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_help_does_not_import_pandas_pandera_or_numpy():
    code = ("import sys, runpy; sys.argv=['ita-workbook','--help']\n"
            "try:\n runpy.run_module('ita_workbook', run_name='__main__')\n"
            "except SystemExit: pass\n"
            "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('pandas','pandera','numpy','xlsxwriter','openpyxl'))\n"
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out, out
    assert "validate" in out


def test_python_dash_m_runs_the_same_command():
    out = subprocess.run([sys.executable, "-m", "ita_workbook", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and "ita-workbook" in out.stdout


def test_validate_exit_codes(tmp_path):
    ok = write_form(tmp_path / "ok.xlsx", [good(1)])
    bad = write_form(tmp_path / "bad.xlsx", [good(1, budget="หนึ่งหมื่น")])
    assert run("validate", ok).exit_code == 0
    result = run("validate", bad)
    assert result.exit_code == 1 and "E5" in result.output and "bad-budget" in result.output
    assert run("validate").exit_code == 2
    assert run("validate", ok, "--format", "xml").exit_code == 2


def test_json_is_one_document_on_stdout(tmp_path):
    bad = write_form(tmp_path / "bad.xlsx", [good(1, dimension=7)])
    result = run("validate", bad, "--format", "json")
    data = json.loads(result.output)
    assert data["files"][0]["problems"][0]["code"] == "bad-dimension"


def test_unreadable_inputs_never_show_a_traceback(tmp_path):
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04garbage")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "~$locked.xlsx").write_bytes(b"\x00lock")
    (folder / "renamed.xls").write_text("ที่,โครงการ", encoding="utf-8")
    result = run("validate", junk, tmp_path / "missing.xlsx", folder)
    assert result.exit_code == 1, result.output
    assert "~$locked" not in result.output and "renamed.xls" in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.count("unreadable-file") == 3


def test_bad_config_is_a_usage_error(tmp_path):
    config = tmp_path / "plan.toml"
    config.write_text("[plan\nfiscal_year = ", encoding="utf-8")
    result = run("validate", write_form(tmp_path / "a.xlsx", [good(1)]), "--config", config)
    assert result.exit_code == 2 and "TOML" in result.output


def test_init_writes_a_config_that_loads(tmp_path):
    from ita_workbook.config import load_config

    target = tmp_path / "plan.toml"
    assert run("init", "-o", target).exit_code == 0
    config = load_config(target)
    assert config.fiscal_year and "กองคลัง" in config.department_names
    assert run("init", "-o", target).exit_code == 2  # never overwrites without --force


def test_annotate_marks_a_copy_and_leaves_the_original(tmp_path):
    import hashlib

    import openpyxl

    bad = write_form(tmp_path / "bad.xlsx", [good(1, budget="หนึ่งหมื่น")])
    before = hashlib.sha256(bad.read_bytes()).hexdigest()
    result = run("validate", bad, "--annotate", tmp_path / "back")
    assert result.exit_code == 1
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == before
    copy = openpyxl.load_workbook(tmp_path / "back" / "bad (ตรวจแล้ว).xlsx")
    cell = copy["แผน"]["E5"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE") and "งบประมาณ" in cell.comment.text


def test_template_never_overwrites_returned_files_without_force(tmp_path):
    returned = tmp_path / "กองคลัง.xlsx"
    returned.write_bytes(b"a department's work")
    result = run("template", "--department", "กองคลัง", "-o", tmp_path)
    assert result.exit_code == 2 and "--force" in result.output
    assert returned.read_bytes() == b"a department's work"
    assert run("template", "--department", "กองคลัง", "-o", tmp_path, "--force").exit_code == 0
    assert returned.read_bytes().startswith(b"PK")


def test_json_repeats_at_most_a_thousand_characters_of_a_value(tmp_path):
    path = write_form(tmp_path / "a.xlsx", [good(1, budget="ก" * 4000)])
    data = json.loads(run("validate", path, "--format", "json").output)
    [problem] = data["files"][0]["problems"]
    assert problem["code"] == "bad-budget" and len(problem["value"]) == 1001


def test_a_folder_without_workbooks_is_a_command_line_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    for command in (["validate", empty], ["merge", empty, "-o", tmp_path / "m.xlsx"],
                    ["province", empty, "-o", tmp_path / "p.xlsx"]):
        result = run(*command)
        assert result.exit_code == 2 and "no workbook found" in result.output, command
    assert not (tmp_path / "m.xlsx").exists()
