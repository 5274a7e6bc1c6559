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
