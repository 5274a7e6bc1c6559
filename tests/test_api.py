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
