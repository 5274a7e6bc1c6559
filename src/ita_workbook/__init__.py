"""ita-workbook: the yearly anti-corruption action plan of a Thai local government, from its
departments' workbooks to the official form.

The public API, usable without the CLI. Names load on first use, so that importing the package
(and so `ita-workbook --help`) stays light.

    validate_files(paths, config) -> Result       read, clean and check departments' workbooks
    collect_files(args) -> [Path]                  folders → the workbooks in them
    read_workbook(path) -> Workbook                the raw form tables of one file
    check_files(paths) -> CheckResult              a plan's stated totals against its rows
    merge_files(paths, output, config) -> ...      validate, then write the master plan
    consolidate(paths, output) -> ProvinceResult  many organisations' plans → a province workbook
    write_master(plan, target, heading)            the master workbook from a Plan
    write_template(path, config, department)       one department's template
    load_config(path) -> Config                    plan.toml
    read_plan(path, config) -> (Plan, Report, {})  the plan a result report is about
    compile_report(paths, plan, round, config)     read and check returned result reports → RoundReport
    write_report(result, output, config)           the result report workbook (and PDF)
    write_report_template(path, config, plan, …)   one department's result report form
"""

from __future__ import annotations

import sys

_STOPPED = ("\nหยุดแล้วตามที่สั่ง (Ctrl+C) ไฟล์ที่เขียนเสร็จก่อนหยุดยังอยู่ ไฟล์ที่ยังเขียนไม่เสร็จถูกลบแล้ว\n"
            "Stopped (Ctrl+C): files finished before the stop are kept, none is left half written")


def _stopped_while_starting(signum, frame) -> None:
    import os

    sys.stderr.write(_STOPPED + "\n")
    sys.stderr.flush()
    os._exit(1)


if (getattr(sys.modules.get("__main__"), "__file__", None) or "").replace("\\", "/").endswith(
        ("ita-workbook", "ita-workbook.exe/__main__.py", "ita_workbook/__main__.py")):  # the program, not a library user
    import signal

    # Ctrl+C while the program is still starting, before a command runs (cli._interrupts takes over
    # then): nothing is written yet, so it leaves at once, without Python's traceback of an import.
    signal.signal(signal.SIGINT, _stopped_while_starting)

import importlib  # noqa: E402 - after the handler: importing is most of the program's start
import os  # noqa: E402
from typing import Any  # noqa: E402

__version__ = "0.1.0"

# pythainlp creates ~/pythainlp-data whenever it is imported (and fails when HOME is read-only); we use
# only the data it ships with, so it is told to write nothing. A caller's own choice is left alone
# (PYTHAINLP_READ_MODE is the older name; pythainlp refuses both at once).
if "PYTHAINLP_READ_MODE" not in os.environ:
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")

def isolate_module_path() -> None:
    """Takes the current folder out of this process's own module path (`python -m` puts it first),
    so that the modules a command imports later cannot come from the input folder. Here, not in
    sandbox.py, so that a command that reads nothing (template) does not import the reader's child
    machinery (subprocess, threading, pickle: ~6 ms of a 0.15 s template) just for this."""
    here = os.path.realpath(os.getcwd())
    sys.path[:] = [p for p in sys.path if p and os.path.isabs(p) and os.path.realpath(p) != here]


_EXPORTS = {
    "validate_files": "validate", "collect_files": "validate", "Result": "validate",
    "read_workbook": "reader", "Workbook": "reader",
    "check_files": "check", "CheckResult": "check",
    "merge_files": "merge", "MergeRefused": "merge",
    "consolidate": "province", "ProvinceResult": "province",
    "write_master": "master", "Heading": "master",
    "write_template": "template",
    "load_config": "config", "Config": "config", "ConfigError": "config", "Department": "config",
    "Plan": "plan", "Project": "plan", "Source": "plan",
    "Problem": "problems", "Report": "problems", "FileReport": "problems", "CODES": "problems",
    "COLUMNS": "form", "DIMENSIONS": "form", "Column": "form", "Dimension": "form",
    "Form": "form", "PLAN_FORM": "form",
    "read_plan": "report", "compile_report": "report", "write_report": "report", "RoundReport": "report",
    "write_report_template": "report_template", "Summary": "report_form",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'ita_workbook' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
