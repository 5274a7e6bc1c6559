"""The ita-workbook command. Heavy imports (pandas, pandera, xlsxwriter…) happen inside commands,
so that `ita-workbook --help` answers at once (a test guards this)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .commandline import ThaiGroup
from .helpformat import VERSION_OPTION
from .output import printable

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
NO_PDF = 3  # exit code: the workbook was written, the PDF asked for was not


@click.group(cls=ThaiGroup, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="ita-workbook", help=VERSION_OPTION)
def main() -> None:
    """แผนปฏิบัติการป้องกันการทุจริตและรายงานผล (ita-workbook): แบบฟอร์ม ตรวจ รวมแผน ตรวจยอดรวม
    แบบรายงานผล รายงานผล และสรุปของจังหวัด / The anti-corruption action plan and its result reports:
    init → template → validate → merge → check → report-template → report → province.

    ลำดับคำสั่งข้างล่างคือลำดับงานของปี ดูคำอธิบายแต่ละคำสั่งด้วย ita-workbook คำสั่ง --help /
    The commands below come in the order of the year's work; each has its own --help.
    """
    from .output import fit_terminal
    from . import isolate_module_path

    isolate_module_path()  # `python -m` put the current folder first: no module of a command comes from it
    fit_terminal()
    _fewer_full_collections()


def _fewer_full_collections() -> None:
    """A command builds millions of small objects and keeps them to its end: Python's full garbage
    collections, each walking all of them, took 13 % of validating 10,000 files and of merging 1,000
    (BENCHMARKS.md). Young objects are still collected; the setting is put back when the command ends
    (tests run commands inside their own process)."""
    import gc

    before = gc.get_threshold()
    gc.set_threshold(before[0], before[1], max(before[2], 1000))
    click.get_current_context().call_on_close(lambda: gc.set_threshold(*before))


def _config(path: str | None):
    from .config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             help="ไฟล์ตั้งค่า plan.toml (ไม่บังคับ) / the settings file (optional)")
format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                             show_default=True,
                             help="รูปแบบผลลัพธ์: text สำหรับอ่าน json สำหรับโปรแกรมอื่น / "
                                  "text for people, json for programs")


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="plan.toml", show_default=True,
              help="ไฟล์ตั้งค่าที่จะเขียน / the settings file to write")
@click.option("--force", is_flag=True, help="เขียนทับไฟล์เดิม / overwrite an existing file")
def init(output: str, force: bool) -> None:
    """เขียนไฟล์ตั้งค่า plan.toml ตัวอย่าง / Write a commented plan.toml.

    แก้ชื่อหน่วยงาน อำเภอ จังหวัด และปีงบประมาณในไฟล์ก่อนสั่ง template / Edit the organisation, its
    district and province and the fiscal year in it before running template.

    รหัสออก 0: เขียนแล้ว 1: เขียนไม่ได้ 2: คำสั่งไม่ถูกต้องหรือมีไฟล์อยู่แล้ว / Exit 0: written; 1: cannot
    be written; 2: wrong command line, or the file exists."""
    from .config import example_toml
    from .output import exists, write_text_atomic

    target = Path(output)
    if exists(target) and not force:
        raise click.UsageError(f"มีไฟล์ {target} อยู่แล้ว (ใช้ --force เพื่อเขียนทับ) / {target} exists; use --force")
    write_text_atomic(target, example_toml())
    click.echo(f"เขียน {target} แล้ว — แก้ชื่อหน่วยงาน ปีงบประมาณ และรายชื่อกอง / wrote {target}")


@main.command()
@config_option
@click.option("--department", "departments", multiple=True, metavar="NAME",
              help="เฉพาะหน่วยงานนี้ (ใส่ซ้ำได้) ค่าเริ่มต้น: ทุกหน่วยงาน / only this department (repeatable)")
@click.option("--rows", type=click.IntRange(1, 2000), default=30, show_default=True,
              help="จำนวนแถวสำหรับกรอก / input rows")
@click.option("--from", "previous", type=click.Path(dir_okay=False), metavar="PLAN.xlsx",
              help="แผนปีก่อน: ใส่โครงการของแต่ละหน่วยงานไว้ให้แก้ / last year's plan pre-fills the rows")
@click.option("--blank", is_flag=True,
              help="แบบฟอร์มเปล่าไม่ระบุหน่วยงาน หนึ่งไฟล์ / one blank form for any department")
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="โฟลเดอร์ที่จะเขียนแบบฟอร์ม / folder to write the templates to")
@click.option("--force", is_flag=True, help="เขียนทับไฟล์เดิม / overwrite files already there")
def template(config_path: str | None, departments: tuple[str, ...], rows: int, previous: str | None,
             blank: bool, outdir: str, force: bool) -> None:
    """เขียนแบบฟอร์มให้แต่ละหน่วยงานกรอก / Write each department's template to fill.

    หนึ่งไฟล์ต่อหนึ่งหน่วยงาน ตั้งชื่อตามหน่วยงาน มีรายการให้เลือก คำแนะนำ และคำชี้แจง / One .xlsx per
    department, named after it, with dropdowns, input messages and instructions.

    รหัสออก 0: เขียนแล้ว 1: อ่าน --from หรือเขียนไม่ได้ 2: คำสั่งหรือไฟล์ตั้งค่าไม่ถูกต้อง / Exit 0: written;
    1: nothing could be read from --from or written; 2: wrong command line or settings."""
    from .config import sample_settings
    from .template import TemplateError, for_everyone, read_previous, template_filename, write_template

    config = _config(config_path)
    if sample := sample_settings(config):
        raise click.UsageError(sample)
    if blank and (departments or previous):
        raise click.UsageError("--blank ใช้ร่วมกับ --department หรือ --from ไม่ได้ / "
                               "--blank goes with neither --department nor --from")
    names: list[str | None] = [None] if blank else []
    for typed in departments:
        name = config.match_department(typed)
        if name is None:
            hint = config.suggest_department(typed)
            raise click.BadParameter(
                f"ไม่มีหน่วยงาน \"{typed}\" ในรายชื่อ{f' (หรือหมายถึง {hint}?)' if hint else ''} / "
                f"unknown department", param_hint="--department")
        if name not in names:
            names.append(name)
    every_department = not blank and not names
    prefill: dict[str, list[dict]] = {}
    if previous:
        rollover = read_previous(previous, config)
        found = sum(len(r) for r in rollover.rows.values()) + len(rollover.unmatched)
        if not found:
            click.echo(printable(rollover.report.to_text()))
            click.echo(f"ไม่พบโครงการใน {previous} / no project found in {previous}", err=True)
            sys.exit(1)
        prefill = rollover.rows
        if rollover.unmatched:
            click.echo(printable(rollover.unmatched_note()))
    if every_department:
        # ทุกส่วนราชการ gets a template only for last year's projects it carries, or when named.
        names = [n for n in config.department_names if not for_everyone(n) or prefill.get(n)]
        shared = [n for n in config.department_names if n not in names]
        if shared:
            click.echo(f"ไม่ได้เขียนแบบฟอร์มของ {', '.join(shared)} ซึ่งไม่ใช่หน่วยงานที่ส่งแบบฟอร์มไปได้ "
                       f"(สั่ง --department \"{shared[0]}\" ถ้าต้องการ) / no template for {', '.join(shared)}, "
                       "which no one can be sent (ask for it with --department)")
    targets: dict[Path, str | None] = {}
    for name in names:
        path = Path(outdir) / template_filename(name)
        while path in targets:  # two names that differ only in characters a file name cannot hold
            path = path.with_stem(path.stem + "-")
        targets[path] = name
    # Templates are named like the files departments send back: writing into the folder of returned
    # files would replace a department's work.
    from .output import exists

    existing = [p for p in targets if exists(p)]
    if existing and not force:
        raise click.UsageError(
            f"มีไฟล์ชื่อเดียวกันอยู่แล้วใน {outdir}: {', '.join(p.name for p in existing)} — เลือกโฟลเดอร์อื่น "
            f"หรือใช้ --force เพื่อเขียนทับ / these files exist already; choose another folder or use --force")
    for path, name in targets.items():
        rows_before = prefill.get(name, []) if name else []
        try:
            written = write_template(path, config, name, rows=rows, prefill=rows_before)
        except TemplateError as exc:
            click.echo(f"เขียน {path} ไม่ได้ / cannot write {path}: {exc}", err=True)
            sys.exit(1)
        if written.tall_rows:
            rows_text = ", ".join(map(str, written.tall_rows))
            click.echo(f"! {path.name} แถว {rows_text}: ข้อความยาวเกินความสูงแถวสูงสุดของ Excel (409 พอยต์) "
                       f"ส่วนท้ายจะมองไม่เห็น ให้ย่อข้อความ / rows {rows_text}: the text needs more than Excel's "
                       "409-point row height and its end is hidden; shorten it")
        extra = f" ({len(rows_before)} โครงการจากปีก่อน / from last year)" if previous else ""
        click.echo(f"เขียน {path}{extra} / wrote {path}")


@main.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path())
@click.option("--year", "fiscal_year", help="แผน ๔ ปี: ปีงบประมาณที่จะนับงบประมาณ / a 4-year plan: the fiscal "
                                            "year whose budget is counted")
@format_option
def check(plans: tuple[str, ...], fiscal_year: str | None, fmt: str) -> None:
    """ตรวจยอดรวมของแผนที่มีอยู่แล้ว / Check an existing plan's stated totals.

    นับจำนวนโครงการ โครงการในแต่ละไตรมาส และงบประมาณจากรายการ แล้วเทียบกับแถว "รวม…" ใต้ตาราง /
    Recounts the projects, the projects of each quarter and the budget from the rows and compares
    them with the รวม… row under the table.

    อ่านแผนรายปี แผนที่ระบุเป็นเดือน แผน ๔ ปี (ระบุ --year) และรายการจาก e-PlanNACC
    สิ่งที่ตารางไม่มีจะแจ้งไว้ ไม่นับเป็นศูนย์ / Reads the yearly form, month columns, 4-year plans
    (with --year) and e-PlanNACC lists; what a layout lacks is said, never counted as zero.

    รหัสออก 0: ยอดรวมถูกต้อง 1: ยอดรวมผิดหรือไม่มี หรือนับบางอย่างไม่ได้ 2: คำสั่งไม่ถูกต้อง / Exit 0: totals
    right; 1: a total is wrong or missing, or something could not be counted; 2: wrong command line.
    """
    from .check import check_files, summary_text

    files, skipped = _input_files(plans, pdf=True)
    result = check_files(files, _parse_year(fiscal_year))
    result.report.problems.extend(skipped)
    if fmt == "json":
        click.echo(result.to_json())
    else:
        if result.tables:
            click.echo(printable(summary_text(result.tables)))
        click.echo(printable(result.report.to_text()))
    click.get_current_context().exit(0 if result.report.ok else 1)


def _input_files(args: tuple[str, ...], pdf: bool = False):
    """The files named, folders expanded, and a `file-not-read` problem for each file of a folder
    left out (every command reports them); a folder without any workbook is a command-line error.
    `pdf`: a folder's PDFs are read too (published plans)."""
    from .validate import folder_files

    files, skipped = folder_files(args, pdf)
    if not files:
        named = "".join(f"\n  {p.value}: {p.detail} / {p.detail_en}" for p in skipped)
        raise click.UsageError(f"ไม่พบไฟล์ Excel (.xlsx .xls .ods) ใน {', '.join(args)} / "
                               f"no workbook found in {', '.join(args)}{named}")
    return files, skipped


def _emit(report, fmt: str) -> None:
    click.echo(report.to_json() if fmt == "json" else printable(report.to_text()))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@config_option
@format_option
@click.option("--annotate", "annotate_dir", type=click.Path(file_okay=False),
              help="เขียนสำเนาไฟล์ที่ระบายสีช่องที่มีปัญหาไว้ในโฟลเดอร์นี้ / write marked-up copies here")
def validate(files: tuple[str, ...], config_path: str | None, fmt: str, annotate_dir: str | None) -> None:
    """ตรวจไฟล์ของกองต่าง ๆ / Check the departments' workbooks.

    ตรวจทุกช่องของทุกไฟล์ แจ้งปัญหาพร้อมตำแหน่งเซลล์ / Checks every cell of every file and says each
    problem at its cell.

    รหัสออก 0: ไม่มีข้อผิดพลาด (มีคำเตือนได้) 1: พบข้อผิดพลาด 2: คำสั่งไม่ถูกต้อง / Exit 0: no errors
    (warnings allowed); 1: errors found; 2: wrong command line."""
    from .validate import validate_files

    config = _config(config_path)
    paths, skipped = _input_files(files)
    result = validate_files(paths, config)
    result.report.problems.extend(skipped)
    marked: list[str] = []
    unwritable = None
    if annotate_dir:
        from .annotate import annotate_files
        from .output import OutputError

        try:
            marked = annotate_files(result.report, Path(annotate_dir))  # adds what it neutralised to the report
        except OutputError as exc:  # said after the report, which stands (exit 1)
            unwritable = exc
    _emit(result.report, fmt)
    for line in marked:
        click.echo(printable(line), err=fmt == "json")
    if unwritable is not None:
        raise unwritable
    sys.exit(0 if result.report.ok else 1)


def _parse_date(value: str | None):
    """YYYY-MM-DD, in either era (2566-03-22 or 2023-03-22), Thai digits allowed."""
    from .thai import parse_date

    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise click.BadParameter(f"\"{value}\" ไม่ใช่วันที่แบบ YYYY-MM-DD เช่น 2023-03-22 / not a YYYY-MM-DD date",
                                 param_hint="--date") from None


def _parse_year(value: str | None) -> int | None:
    from .thai import whole_number

    if value is None:
        return None
    year = whole_number(value)
    if year is None or not 1900 <= year <= 2700:
        raise click.BadParameter(f"\"{value}\" ไม่ใช่ปี พ.ศ. เช่น 2566 / not a year such as 2566",
                                 param_hint="--year")
    return year + 543 if year < 2400 else year  # a Christian-era year typed by mistake


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="ไฟล์แผนรวม .xlsx / the master workbook to write")
@config_option
@click.option("--date", "as_of", metavar="YYYY-MM-DD", help="ข้อมูล ณ วันที่ (ค่าเริ่มต้น: วันนี้) / data as of (default: today)")
@click.option("--issuer", help="ชื่อ - สกุล ผู้ออกรายงาน / the person issuing the plan")
@click.option("--org", "organisation", help="ชื่อหน่วยงาน เมื่อไม่มี plan.toml / organisation, without a config")
@click.option("--year", "fiscal_year", help="ปีงบประมาณ พ.ศ. เมื่อไม่มี plan.toml / fiscal year, without a config")
@click.option("--pdf", "make_pdf", is_flag=True, help="สร้าง PDF ด้วย LibreOffice ด้วย / also write a PDF (LibreOffice)")
@click.option("--draft", is_flag=True,
              help="เขียนฉบับร่างแม้มีข้อผิดพลาด ระบายสีแถวที่มีปัญหา / write a draft despite errors, problem rows marked")
@format_option
def merge(files: tuple[str, ...], output: str, config_path: str | None, as_of: str | None, issuer: str | None,
          organisation: str | None, fiscal_year: str | None, make_pdf: bool, draft: bool, fmt: str) -> None:
    """รวมไฟล์ของกองเป็นแผนปฏิบัติการตามแบบฟอร์ม / Merge the departments' workbooks into the master plan.

    ตรวจทุกไฟล์เหมือนคำสั่ง validate หากพบข้อผิดพลาดจะไม่เขียนไฟล์ใด (เว้นแต่ใช้ --draft) / Checks every
    file as validate does; any error writes nothing (unless --draft).

    รหัสออก 0: เขียนแล้ว (และ PDF เมื่อใช้ --pdf) 1: พบข้อผิดพลาด ไม่ได้เขียน 2: คำสั่งไม่ถูกต้อง
    3: เขียนแผนรวมแล้วแต่สร้าง PDF ไม่ได้ (ข้อความบอกเหตุผล) / Exit 0: written (and the PDF, with --pdf);
    1: errors, nothing written; 2: wrong command line; 3: the master is written but the PDF asked for is
    not (the message says why)."""
    import signal
    import threading

    from .merge import MergeRefused, Overrides, merge_files

    config = _config(config_path)
    overrides = Overrides(organisation=(organisation or "").strip(), fiscal_year=_parse_year(fiscal_year),
                          issuer=(issuer or "").strip(), as_of=_parse_date(as_of))
    # A plain `kill` then unwinds like Ctrl+C: the half-written temporary file is removed.
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum)) if in_main else None
    paths, skipped = _input_files(files)
    try:
        result = merge_files(paths, output, config, overrides=overrides, draft=draft, pdf=make_pdf)
        result.report.problems.extend(skipped)
    except MergeRefused as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    if fmt == "json":
        click.echo(result.to_json())
    else:
        click.echo(printable(result.report.to_text()))
        click.echo(printable(result.summary()))
    sys.exit(1 if not result.written else NO_PDF if make_pdf and not result.pdf else 0)


@main.command(short_help="รวมแผนของ อปท. ทั้งจังหวัด / Consolidate the organisations' plans.")
@click.argument("plans", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="ไฟล์สรุปของจังหวัด .xlsx / the province workbook to write")
@click.option("--year", "fiscal_year", help="ปีงบประมาณ พ.ศ. (ค่าเริ่มต้น: ปีของแผนส่วนใหญ่) / fiscal year "
                                            "(default: that of most plans)")
@click.option("--province", "province_name", help="ชื่อจังหวัด (ค่าเริ่มต้น: จังหวัดของแผนส่วนใหญ่) / the province "
                                                  "(default: that of most plans)")
@click.option("--date", "as_of", metavar="YYYY-MM-DD", help="ข้อมูล ณ วันที่ (ค่าเริ่มต้น: วันนี้) / data as of (default: today)")
@click.option("--pdf", "make_pdf", is_flag=True,
              help="สร้าง PDF ของแผ่นสรุปด้วย LibreOffice ด้วย / also write a PDF of the summary (LibreOffice)")
@click.option("--round", "round_", type=click.Choice(["6", "12"]),
              help="รอบของรายงานผลที่จะสรุป (ค่าเริ่มต้น: รอบของรายงานส่วนใหญ่) / the result reports' round "
                   "(default: that of most reports)")
@format_option
def province(plans: tuple[str, ...], output: str, fiscal_year: str | None, province_name: str | None,
             as_of: str | None, make_pdf: bool, round_: str | None, fmt: str) -> None:
    """รวมแผนของ อปท. ทั้งจังหวัด / Consolidate the organisations' plans into a province workbook.

    อ่านแผนรวมของแต่ละหน่วยงาน (หรือแผนที่จัดตามแบบฟอร์ม) ตรวจยอดรวม มิติ ไตรมาส ปีงบประมาณ และหน่วยงานซ้ำ
    แล้วเขียนสรุปรายหน่วยงาน ข้อมูลทุกโครงการ แผนภูมิ และรายการปัญหา / Reads each organisation's master
    (or any plan laid out like the form), checks it, and writes a summary per organisation, every
    project, charts and the problems found.

    รายงานผลที่คำสั่ง report เขียน (ใส่รวมในโฟลเดอร์เดียวกับแผนได้) สรุปเป็นตารางผลการนำแผนไปสู่การปฏิบัติของแต่ละหน่วยงาน /
    Result reports written by `report` (in the same folder or not) become a table of each
    organisation's results, with those whose plan came but whose report did not.

    รหัสออก 0: ไม่มีข้อผิดพลาด 1: พบข้อผิดพลาด (เขียนไฟล์สรุปแล้ว) 2: คำสั่งไม่ถูกต้อง 3: ไม่มีข้อผิดพลาด
    แต่สร้าง PDF ไม่ได้ / Exit 0: no errors; 1: errors found (the workbook is written all the same);
    2: wrong command line; 3: no errors and the workbook written, but the PDF asked for is not."""
    import signal
    import threading

    from .province import ProvinceRefused, consolidate

    year, day = _parse_year(fiscal_year), _parse_date(as_of)
    # A plain `kill` then unwinds like Ctrl+C: the half-written temporary file is removed, the
    # worker processes stop.
    stopped: list[int] = []

    def stop(signum, frame):
        stopped.append(signum)
        sys.exit(128 + signum)

    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, stop) if in_main else None
    paths, skipped = _input_files(plans, pdf=True)
    try:
        result = consolidate(paths, output, province=(province_name or "").strip(),
                             fiscal_year=year, as_of=day, pdf=make_pdf, round_=int(round_) if round_ else None)
        result.not_read = skipped
    except ProvinceRefused as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    if stopped:  # it came while a worker was being started, where Python ignores the exit it raised
        sys.exit(128 + stopped[0])
    click.echo(result.to_json() if fmt == "json" else printable(result.to_text()))
    sys.exit(1 if not result.ok else NO_PDF if make_pdf and not result.pdf else 0)


round_option = click.option("--round", "round_", required=True, type=click.Choice(["6", "12"]),
                            help="รอบรายงาน ๖ หรือ ๑๒ เดือน / the round: 6 or 12 months")
plan_option = click.option("--plan", "plan_path", required=True, type=click.Path(dir_okay=False),
                           help="แผนรวม (ไฟล์ที่ merge เขียน) หรือแผนที่ check อ่านได้ / the master plan")


def _read_plan(plan_path: str, config):
    """The plan a report is about; a plan without projects is a command-line error."""
    from .report import no_projects, read_plan

    plan, plan_report, _ = read_plan(plan_path, config)
    if not plan.projects:
        click.echo(plan_report.to_text(), err=True)
        raise click.UsageError(no_projects(plan_path))
    return plan


@main.command("report-template", short_help="เขียนแบบรายงานผลของแต่ละหน่วยงาน / Write the result report forms.")
@plan_option
@round_option
@config_option
@click.option("--department", "departments", multiple=True, metavar="NAME",
              help="เฉพาะหน่วยงานนี้ (ใส่ซ้ำได้) / only this department (repeatable)")
@click.option("--from", "previous", type=click.Path(dir_okay=False), metavar="REPORT.xlsx",
              help="รายงานรอบ ๖ เดือน: ใส่ผลที่รายงานไว้ให้แก้ / the 6-month report pre-fills the 12-month forms")
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="โฟลเดอร์ที่จะเขียนแบบรายงาน / folder to write the report forms to")
@click.option("--force", is_flag=True, help="เขียนทับไฟล์เดิม / overwrite files already there")
def report_template(plan_path: str, round_: str, config_path: str | None, departments: tuple[str, ...],
                    previous: str | None, outdir: str, force: bool) -> None:
    """เขียนแบบรายงานผลให้แต่ละหน่วยงานกรอก / Write each department's result report form.

    หนึ่งไฟล์ต่อหน่วยงาน มีโครงการของหน่วยงานตามแผน (ล็อกไว้) และช่องรายงานผลพร้อมรายการให้เลือก /
    One .xlsx per department with its projects of the plan (locked) and the report's input columns,
    with dropdowns and input messages.

    รหัสออก 0: เขียนแล้ว 1: เขียนไม่ได้ 2: คำสั่งไม่ถูกต้อง / Exit 0: written; 1: nothing could be
    written; 2: wrong command line."""
    from .problems import counted
    from .report import previous_note, previous_results
    from .report_template import department_projects, filename, write_report_template
    from .template import TemplateError

    config = _config(config_path)
    round_number = int(round_)
    plan = _read_plan(plan_path, config)
    by_department = department_projects(plan, config)
    names = list(by_department)
    if departments:
        names = []
        for typed in departments:
            name = config.match_department(typed)
            if name not in by_department:
                raise click.BadParameter(f"ไม่มีโครงการของ \"{typed}\" ในแผน / no project of \"{typed}\" in the plan",
                                         param_hint="--department")
            names.append(name)
    prefill = {}
    if previous:
        if round_number != 12:
            raise click.UsageError("--from ใช้กับรอบ ๑๒ เดือน / --from goes with --round 12")
        prefill = previous_results(previous, plan, config)
        click.echo(previous_note(len(prefill), previous), err=not prefill)
        if not prefill:
            sys.exit(1)
    targets = {Path(outdir) / filename(name, round_number): name for name in names}
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        raise click.UsageError(
            f"มีไฟล์ชื่อเดียวกันอยู่แล้วใน {outdir}: {', '.join(p.name for p in existing)} — เลือกโฟลเดอร์อื่น "
            f"หรือใช้ --force เพื่อเขียนทับ / these files exist already; choose another folder or use --force")
    for path, name in targets.items():
        try:
            write_report_template(path, config, plan, name, round_number, by_department[name], prefill=prefill)
        except (TemplateError, OSError) as exc:
            click.echo(f"เขียน {path} ไม่ได้ / cannot write {path}: {exc}", err=True)
            sys.exit(1)
        click.echo(f"เขียน {path} ({len(by_department[name])} โครงการ / {counted(len(by_department[name]), 'project')})")


@main.command(short_help="ตรวจแบบรายงานผลและเขียนรายงานผล / Check result reports, write the report.")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@plan_option
@round_option
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="ไฟล์รายงานผล .xlsx / the report workbook to write")
@config_option
@click.option("--date", "as_of", metavar="YYYY-MM-DD", help="ข้อมูล ณ วันที่ (ค่าเริ่มต้น: วันนี้) / data as of (default: today)")
@click.option("--pdf", "make_pdf", is_flag=True, help="สร้าง PDF ด้วย LibreOffice ด้วย / also write a PDF (LibreOffice)")
@click.option("--draft", is_flag=True, help="เขียนฉบับร่างแม้มีข้อผิดพลาด / write a draft despite errors")
@click.option("--signatures/--no-signatures", default=True, show_default=True,
              help="ช่องลงชื่อผู้รายงานและผู้บริหารท้องถิ่นท้ายรายงาน / the signature block under the report")
@click.option("--annotate", "annotate_dir", type=click.Path(file_okay=False),
              help="เขียนสำเนาไฟล์ที่ระบายสีช่องที่มีปัญหาไว้ในโฟลเดอร์นี้ / write marked-up copies here")
@format_option
def report(files: tuple[str, ...], plan_path: str, round_: str, output: str, config_path: str | None,
           as_of: str | None, make_pdf: bool, draft: bool, signatures: bool, annotate_dir: str | None,
           fmt: str) -> None:
    """ตรวจแบบรายงานผลของกองและเขียนรายงานผล / Check the returned result reports and write the report.

    ตรวจทุกไฟล์ทีละช่องเหมือนคำสั่ง validate แล้วเขียนรายงานผลตามแบบ สรุปรายมิติ และข้อมูลสำหรับ e-PlanNACC
    หากพบข้อผิดพลาดหรือยังไม่มีผลรายงานเลยจะไม่เขียนไฟล์ (เว้นแต่ใช้ --draft) / Checks every file cell by cell
    as validate does, then writes the report in the official style, a summary per มิติ and a sheet for
    e-PlanNACC; any error, or no result reported at all, writes nothing (unless --draft).

    รหัสออก 0: เขียนแล้ว (ฉบับร่างด้วย) 1: พบข้อผิดพลาด ไม่ได้เขียน 2: คำสั่งไม่ถูกต้อง 3: เขียนแล้วแต่สร้าง
    PDF ไม่ได้ / Exit 0: written (a draft too); 1: errors found, nothing written; 2: wrong command line;
    3: written without the PDF asked for."""
    from .output import same_file
    from .report import KIND, compile_report, not_written, write_report

    config = _config(config_path)
    if Path(output).suffix.lower() != ".xlsx":
        raise click.BadParameter(f"ต้องลงท้ายด้วย .xlsx / must end in .xlsx ({output})", param_hint="-o")
    plan = _read_plan(plan_path, config)
    inputs, skipped = _input_files(files)
    result = compile_report(inputs, plan, int(round_), config)
    result.report.problems.extend(skipped)
    for path in inputs:  # a department's form is never written over; an earlier report may be
        if any(same_file(path, target) for target in (output, Path(output).with_suffix(".pdf"))) \
                and result.metadata.get(str(path), {}).get("kind") != KIND:
            raise click.UsageError(f"ไฟล์ผลลัพธ์ {output} คือไฟล์ที่นำเข้า จะไม่เขียนทับ ใช้ชื่ออื่นกับ -o / "
                                   f"the output {output} is one of the input files; choose another name with -o")
    written, pdf_failed = "", False
    if result.report.ok or draft:
        try:
            done = write_report(result, output, config, as_of=_parse_date(as_of), draft=draft, pdf=make_pdf,
                                signatures=signatures)
            written, pdf_failed = done.text, done.pdf_failed
        except OSError as exc:
            click.echo(f"เขียน {output} ไม่ได้ ({exc.strerror or exc}) ถ้าเปิดไฟล์นี้อยู่ใน Excel ให้ปิดก่อน / "
                       f"cannot write {output}", err=True)
            sys.exit(1)
    else:
        written = not_written(output)
    if fmt == "json":
        click.echo(result.to_json())
    else:
        click.echo(result.report.to_text())
        click.echo(result.summary_text())
        click.echo(written)
    if annotate_dir:
        from .annotate import annotate_files

        for line in annotate_files(result.report, Path(annotate_dir)):
            click.echo(line, err=fmt == "json")
    # As merge: a draft written is 0, errors or not; the workbook written without its PDF is 3.
    sys.exit(1 if not (result.report.ok or draft) else NO_PDF if pdf_failed else 0)


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="พอร์ต (0: พอร์ตว่างใดก็ได้) / port (0: any free port)")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="รับเฉพาะจากเครื่องนี้ เว้นแต่ระบุอื่น / listen on this address (this computer only by default)")
@click.option("--no-browser", is_flag=True, help="ไม่เปิดเบราว์เซอร์เอง / do not open the browser")
@config_option
@click.option("--max-file-mb", type=click.IntRange(1, 50), default=50, show_default=True,
              help="ขนาดไฟล์ที่รับได้ต่อไฟล์ / the largest file accepted")
def serve(port: int, host: str, no_browser: bool, config_path: str | None, max_file_mb: int) -> None:
    """เปิดหน้าเว็บในเครื่องนี้ ทำทุกขั้นตอนในเบราว์เซอร์ / The whole round as a page in the browser.

    ตั้งค่า แบบฟอร์ม ตรวจไฟล์ รวมแผน ตรวจยอดรวม รายงานผล และจังหวัด ไฟล์อยู่ในเครื่องนี้เท่านั้น
    กด Ctrl+C เพื่อหยุด / Settings, templates, checking, merging, totals, the result report and the
    province, served on this computer only; the files never leave it. Ctrl+C stops it and deletes the
    uploaded files."""
    try:
        from .web.server import serve as run
        from .web.workspace import Limits
    except ImportError as exc:
        raise click.ClickException(
            f"ยังไม่ได้ติดตั้งส่วนหน้าเว็บ ({exc.name}) ติดตั้งด้วยคำสั่ง: pip install \"ita-workbook[web]\"\n"
            f"The web page's parts are not installed ({exc.name}); install them with: "
            "pip install \"ita-workbook[web]\"") from None
    if config_path:
        _config(config_path)  # a plan.toml that does not read is said now, as by every command
    run(host=host, port=port, config_path=Path(config_path) if config_path else None,
        open_browser=not no_browser, limits=Limits(file_bytes=max_file_mb * 2**20), say=click.echo)
