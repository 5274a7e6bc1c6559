"""The real plan of เทศบาลตำบลโพทะเล (2566) for tests: its 41 projects as typed, its stated totals,
the departments' workbooks and the published table.

The parser and the writers live in examples/pho-thale-2566/make_departments.py, so that the example
and the tests read the seed one way; this module loads that file by path (`examples` is no package).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

EXAMPLE_DIR = Path(__file__).resolve().parents[1] / "examples" / "pho-thale-2566"
SEED_TEXT = Path(__file__).resolve().parent / "data" / "seed_pho_thale_2566.txt"


def load_example_script(script: str):
    """One of the example's scripts (make_departments.py, fill_reports.py) as a module, loaded once."""
    name = f"pho_thale_{Path(script).stem}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, EXAMPLE_DIR / script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


example = load_example_script("make_departments.py")

seed_rows = example.seed_rows  # -> list[dict[str, str]], keys = form.COLUMNS keys, text as typed
seed_stated_totals = example.seed_stated_totals  # -> {"label", "projects": 41, "quarters": (27, 31, 15, 12)}
rows_by_department = example.rows_by_department
write_department_workbooks = example.write_department_workbooks  # (folder, style="clerks"|"form")
write_published_plan = example.write_published_plan  # (path, totals=(27, 31, 15, 12), totals_as=…)
CLERKS = example.CLERKS
PLAN_TOML = example.PLAN_TOML
