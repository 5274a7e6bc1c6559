"""The public API: every name in __all__ exists, and the README documents every problem code."""

import re
from pathlib import Path

import ita_workbook
from ita_workbook.problems import CODES


def test_every_exported_name_resolves():
    for name in ita_workbook.__all__:
        assert getattr(ita_workbook, name) is not None, name


def test_readme_documents_every_problem_code():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z-]+)` \|", readme, re.M))
    assert documented == set(CODES)


def test_library_use_without_the_cli(tmp_path):
    from workbooks import good, write_form

    path = write_form(tmp_path / "a.xlsx", [good(1, budget=5000)])
    result = ita_workbook.validate_files(ita_workbook.collect_files([tmp_path]), ita_workbook.Config())
    assert result.report.ok and result.plan.projects[0].budget == 5000.0
    assert result.plan.projects[0].source.path == str(path)


def test_every_result_has_to_dict_and_to_json_text(tmp_path):
    """One convention: to_dict() gives plain data, to_json() the same as JSON text."""
    import json

    from workbooks import good, write_form

    path = write_form(tmp_path / "a.xlsx", [good(1, budget="หนึ่งหมื่น")])
    config = ita_workbook.Config()
    validated = ita_workbook.validate_files([path], config)
    results = [validated, validated.report, ita_workbook.check_files([path]),
               ita_workbook.merge_files([path], tmp_path / "m.xlsx", config, draft=True),
               ita_workbook.consolidate([tmp_path / "m.xlsx"], tmp_path / "p.xlsx")]
    for result in results:
        data, text = result.to_dict(), result.to_json()
        assert isinstance(data, dict) and isinstance(text, str), type(result)
        assert json.loads(text) == data, type(result)
        assert "หนึ่งหมื่น" in text or type(result).__name__ == "ProvinceResult"  # Thai stays readable
    problem = validated.report.files[0].problems[0]
    assert problem.to_dict()["code"] == "bad-budget"
    assert results[3].to_dict()["merge"]["written"] is True
    assert results[4].to_dict()["summary"]["organisations"] == 1
