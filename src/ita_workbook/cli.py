"""The ita-workbook command. Heavy imports (pandas, pandera, xlsxwriter…) happen inside commands,
so that `ita-workbook --help` answers at once (a test guards this)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="ita-workbook")
def main() -> None:
    """ita-workbook — แผนปฏิบัติการป้องกันการทุจริต: แบบฟอร์ม ตรวจ รวม และตรวจยอดรวม

    Build the anti-corruption action plan from the departments' workbooks:
    template → validate → merge → check.
    """


def _config(path: str | None):
    from .config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             help="plan.toml (ไม่บังคับ / optional)")
format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                             show_default=True, help="text for people, json for programs")


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="plan.toml", show_default=True)
@click.option("--force", is_flag=True, help="overwrite an existing file")
def init(output: str, force: bool) -> None:
    """เขียนไฟล์ตั้งค่า plan.toml ตัวอย่าง / Write a commented plan.toml."""
    from .config import example_toml
    from .output import write_text_atomic

    target = Path(output)
    if target.exists() and not force:
        raise click.UsageError(f"มีไฟล์ {target} อยู่แล้ว (ใช้ --force เพื่อเขียนทับ) / {target} exists; use --force")
    write_text_atomic(target, example_toml())
    click.echo(f"เขียน {target} แล้ว — แก้ชื่อหน่วยงาน ปีงบประมาณ และรายชื่อกอง / wrote {target}")


@main.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@format_option
def check(plans: tuple[str, ...], fmt: str) -> None:
    """ตรวจยอดรวมของแผนที่มีอยู่แล้ว / Check an existing plan's stated totals.

    นับจำนวนโครงการ โครงการในแต่ละไตรมาส และงบประมาณจากรายการ แล้วเทียบกับแถว "รวม…" ใต้ตาราง

    Recounts the projects, the projects of each quarter and the budget from the rows and compares
    them with the รวม… row under the table.

    Exit 0: totals right; 1: a total is wrong or missing; 2: wrong command line.
    """
    from .check import check_files, summary_text

    result = check_files(list(plans))
    if fmt == "json":
        click.echo(result.report.to_json_text())
    else:
        if result.tables:
            click.echo(summary_text(result.tables))
        click.echo(result.report.to_text())
    click.get_current_context().exit(0 if result.report.ok else 1)


def _emit(report, fmt: str) -> None:
    click.echo(report.to_json_text() if fmt == "json" else report.to_text())


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@config_option
@format_option
@click.option("--annotate", "annotate_dir", type=click.Path(file_okay=False),
              help="เขียนสำเนาไฟล์ที่ระบายสีช่องที่มีปัญหาไว้ในโฟลเดอร์นี้ / write marked-up copies here")
def validate(files: tuple[str, ...], config_path: str | None, fmt: str, annotate_dir: str | None) -> None:
    """ตรวจไฟล์ของกองต่าง ๆ / Check the departments' workbooks.

    Exit 0: no errors (warnings allowed); 1: errors found; 2: wrong command line."""
    from .validate import collect_files, validate_files

    config = _config(config_path)
    result = validate_files(collect_files(files), config)
    _emit(result.report, fmt)
    if annotate_dir:
        from .annotate import annotate_files

        for line in annotate_files(result.report, Path(annotate_dir)):
            click.echo(line, err=fmt == "json")
    sys.exit(0 if result.report.ok else 1)
