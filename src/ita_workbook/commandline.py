"""click, as a Thai clerk meets it: its errors said Thai first with what was expected, its help laid
out for Thai (helpformat.py), Ctrl+C said instead of "Aborted!", and a quick exit once a command is
done. cli.py holds the commands themselves."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from . import _STOPPED
from .helpformat import HELP_OPTION, ThaiContext, thai_extras
from .output import printable


class CommandLineError(click.ClickException):
    """A command-line error as the user reads it: Thai first, English beside, then how to use the
    command. click's own errors (a missing argument, an unknown option…) are English only and begin
    with an English `Usage:` line; the group turns each into this one (see `ThaiGroup`)."""

    def __init__(self, original: click.ClickException):
        super().__init__(original.format_message())
        self.exit_code = original.exit_code  # 2 for a usage error, 1 for a file click cannot open
        self.ctx = getattr(original, "ctx", None)
        english = original.format_message()
        self.thai, instead = ("", None) if _has_thai(english) else _thai_for(original)
        english = instead or english
        hint = getattr(original, "param_hint", None)
        if not self.thai and isinstance(hint, str):  # our own Thai message: no English "Invalid value for"
            english = f"{hint}: {original.message}"
        self.english = english

    def show(self, file=None) -> None:
        if self.thai:
            lines = [f"ผิดพลาด: {self.thai}", f"Error: {self.english}"]
        else:  # our own messages are Thai / English already
            lines = [f"ผิดพลาด / Error: {self.english}"]
        ctx = self.ctx
        if ctx is not None and self.thai:
            pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
            lines.append(f"วิธีใช้ / Usage: {ctx.command_path} {pieces}".rstrip())
            lines.append(f"ดูคำอธิบาย / Help: {ctx.command_path} --help")
        click.echo(printable("\n".join(lines)), file=file or sys.stderr)  # a name may hold ESC or TIS-620 bytes


class Stopped(click.ClickException):
    """Ctrl+C (or the end of input at a prompt) while a command runs: said Thai first, English beside,
    instead of click's "Aborted!". Outputs are written through output.atomic_path, so what was not
    finished is gone; exit 1, as click's."""

    def __init__(self) -> None:
        super().__init__("stopped")

    def show(self, file=None) -> None:
        click.echo(_STOPPED, file=file or sys.stderr)


@contextlib.contextmanager
def _interrupts():
    """While a command runs: Ctrl+C raises KeyboardInterrupt as usual and is also remembered, since
    one that lands in a callback Python runs on the side (a weakref's, an import lock's) is only
    printed there ("Exception ignored in …") and the command would carry on. The list it yields is
    not empty once Ctrl+C came; such side tracebacks are not printed then."""
    import signal
    import threading

    stopped: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield stopped
        return

    def interrupt(signum, frame):
        stopped.append(signum)
        raise KeyboardInterrupt

    def unraisable(info, default=sys.unraisablehook):
        if not (stopped and isinstance(info.exc_value, (KeyboardInterrupt, SystemExit))):
            default(info)

    previous, previous_hook = signal.signal(signal.SIGINT, interrupt), sys.unraisablehook
    sys.unraisablehook = unraisable
    try:
        yield stopped
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = previous_hook


def _has_thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def expected(param: click.Parameter | None) -> tuple[str, str, str]:
    """What a parameter takes, (Thai, English, an example), for a message that says what was expected."""
    kind = getattr(param, "type", None)
    if isinstance(kind, click.Choice):
        listed = ", ".join(map(str, kind.choices))
        return f"ค่าใดค่าหนึ่งใน {listed}", f"one of {listed}", str(kind.choices[0])
    if isinstance(kind, click.IntRange) and kind.min is not None and kind.max is not None:
        return (f"จำนวนเต็มตั้งแต่ {kind.min} ถึง {kind.max}", f"a whole number from {kind.min} to {kind.max}",
                str(kind.min))
    metavar = getattr(param, "metavar", None)
    if isinstance(kind, click.Path) and not kind.file_okay:
        return "ชื่อโฟลเดอร์", "a folder name", metavar or "out"
    if isinstance(kind, click.Path):
        example = metavar or ("plan.toml" if getattr(param, "name", "") == "config_path" else "ชื่อไฟล์.xlsx")
        return "ชื่อไฟล์", "a file name", example
    if metavar == "YYYY-MM-DD":
        return "วันที่แบบ ปี-เดือน-วัน", "a date year-month-day", "2023-03-22"
    return "ค่า (ข้อความ)", "a value (text)", metavar or "..."


def _option(ctx: click.Context | None, name: str) -> click.Parameter | None:
    if ctx is None:
        return None
    return next((p for p in ctx.command.params if name in getattr(p, "opts", ()) + getattr(p, "secondary_opts", ())),
                None)


def _thai_for(exc: click.ClickException) -> tuple[str, str | None]:
    """click's English message, said in Thai with what was expected; and the English to show
    instead of click's, when click's does not say it (None: click's own)."""
    ctx = getattr(exc, "ctx", None)
    param = getattr(exc, "param", None)
    hint = getattr(exc, "param_hint", None) or (param.get_error_hint(ctx) if param is not None and ctx else "")
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    if isinstance(exc, click.MissingParameter):
        if getattr(exc, "param_type", None) == "argument" or isinstance(param, click.Argument):
            return (f"ไม่ได้ระบุ {hint} (ไฟล์หรือโฟลเดอร์ที่จะใช้) ใส่ชื่อไฟล์หรือโฟลเดอร์ต่อท้ายคำสั่ง",
                    f"missing {hint}: give the files or folders to use after the command")
        thai, english, example = expected(param)
        name = getattr(param, "opts", [hint])[0] if param is not None else hint
        return (f"ต้องระบุตัวเลือก {hint} ตามด้วย{thai} เช่น {name} {example}",
                f"missing option {hint}: it takes {english}, e.g. {name} {example}")
    if isinstance(exc, click.NoSuchOption):
        maybe = getattr(exc, "possibilities", None)
        return (f"ไม่มีตัวเลือก {exc.option_name}" + (f" (หรือหมายถึง {', '.join(maybe)}?)" if maybe else "")
                + " ดูตัวเลือกที่มีด้วย --help", None)
    if isinstance(exc, click.BadOptionUsage) and "does not take a value" in exc.format_message():
        name = exc.option_name
        return (f"ตัวเลือก {name} ไม่ต้องมีค่าตามหลัง ใช้ {name} เฉย ๆ", f"option {name} takes no value: just {name}")
    if isinstance(exc, click.BadOptionUsage):
        thai, english, example = expected(_option(ctx, exc.option_name))
        return (f"ตัวเลือก {exc.option_name} ต้องมี{thai} ตามหลัง เช่น {exc.option_name} {example}",
                f"option {exc.option_name} needs {english} after it, e.g. {exc.option_name} {example}")
    if isinstance(exc, click.BadParameter):
        kind = getattr(param, "type", None)
        thai, english, example = expected(param)
        if isinstance(kind, click.Path):
            said = exc.format_message()
            if "is a directory" in said:
                return f"{hint} ต้องเป็นชื่อไฟล์ แต่ที่ระบุเป็นโฟลเดอร์", None
            if "is a file" in said:
                return f"{hint} ต้องเป็นชื่อโฟลเดอร์ แต่ที่ระบุเป็นไฟล์", None
        return f"ค่าของ {hint} ไม่ถูกต้อง ต้องเป็น{thai} เช่น {example}", None
    if isinstance(exc, click.FileError):
        return f"เปิดไฟล์ {exc.ui_filename} ไม่ได้", None
    message = exc.format_message()
    if message.startswith("No such command"):
        commands = " ".join(ctx.find_root().command.list_commands(ctx)) if ctx is not None else ""
        return f"ไม่มีคำสั่งนี้ คำสั่งที่มี: {commands}", f"{message} The commands are: {commands}"
    if message.startswith("Got unexpected extra argument"):
        return ("มีค่าเกินมาที่คำสั่งนี้ไม่ใช้ (ชื่อที่มีช่องว่างต้องอยู่ในเครื่องหมายคำพูด \"...\")",
                f"{message} (a name with spaces goes in double quotes \"...\")")
    return "คำสั่งไม่ถูกต้อง ดูวิธีใช้ด้วย --help", None


# The commands in the order of the year's work, as --help lists them.
ORDER = ("init", "template", "validate", "merge", "check", "report-template", "report", "province", "serve")


class _ThaiHelp:
    """--help said Thai first: click's stock texts and headings, the command list in the year's
    order with each command's whole summary line (click cut them to fit one line)."""

    context_class = ThaiContext

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option

    def format_options(self, ctx, formatter) -> None:
        rows = [(term, thai_extras(text)) for param in self.get_params(ctx) if not isinstance(param, click.Argument)
                and (record := param.get_help_record(ctx)) is not None for term, text in [record]]
        if rows:
            with formatter.section("Options"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.short_help or (command.help or "").split("\n\n")[0]))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class _ThaiCommand(_ThaiHelp, click.Command):
    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:  # click's parser leaves out the context: the message needs its options
            exc.ctx = exc.ctx or ctx
            raise


class ThaiGroup(_ThaiHelp, click.Group):
    """Every click error raised while reading the command line or running a command is shown in Thai
    first (CommandLineError); click's own handling of Ctrl+C, broken pipes and exit codes stays."""

    command_class = _ThaiCommand

    def list_commands(self, ctx) -> list[str]:
        return sorted(self.commands, key=lambda name: ORDER.index(name) if name in ORDER else len(ORDER))

    def make_context(self, *args, **kwargs):
        with in_thai():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        """Every command that writes (init, template, merge, province, --annotate) writes through
        output.atomic_path: an output that cannot be written is said here, in one place, with exit 1."""
        from .output import OutputError, quiet_abandoned_files

        stopped: list[int] = []
        try:
            with _interrupts() as stopped, in_thai():
                done = super().invoke(ctx)
        except OutputError as exc:
            if stopped:
                raise Stopped() from None
            message, release = str(exc), quiet_abandoned_files()
        except (KeyboardInterrupt, EOFError, click.Abort):
            raise Stopped() from None
        except SystemExit:  # every command ends with sys.exit(its code)
            if stopped:  # Ctrl+C came, and Python swallowed it on the side: stopped all the same
                raise Stopped() from None
            raise
        else:
            if stopped:
                raise Stopped()
            return done
        release()
        click.echo(message, err=True)
        ctx.exit(1)

    def main(self, args=None, *rest, **kwargs):
        """As the `ita-workbook` program (no arguments given: they come from its command line), leave
        without tearing the interpreter down once the command is done: its outputs are closed and
        renamed by then, and freeing the millions of objects a large merge keeps took 0.5 s of its
        time (BENCHMARKS.md). Called with arguments (tests, programs), it returns or raises as click's."""
        if args is not None or rest or not kwargs.get("standalone_mode", True) or not _the_program():
            return super().main(args, *rest, **kwargs)
        try:
            super().main(**kwargs)
        except SystemExit as done:
            _leave(done)
        raise SystemExit(0)  # click's standalone mode always exits: not reached


def _the_program() -> bool:
    """This process is the `ita-workbook` program itself (its script, or python -m ita_workbook), not
    a program or test that runs the command and carries on after it."""
    started = Path(getattr(sys.modules.get("__main__"), "__file__", None) or "")
    return started.name == "ita-workbook" or started == Path(__file__).with_name("__main__.py")


def _leave(done: SystemExit) -> None:
    """Exit with `done`'s status now, skipping the teardown, if nothing is left to finish: stdout and
    stderr flush cleanly and no other thread or child process runs. Otherwise exit as usual."""
    import os
    import threading

    code = done.code
    # Daemon threads (the reader child's answer reader) are never waited for, by either way out.
    if code is not None and not isinstance(code, int) \
            or any(not t.daemon for t in threading.enumerate() if t is not threading.current_thread()) \
            or "multiprocessing" in sys.modules and sys.modules["multiprocessing"].active_children():
        raise done  # a message to print, or something still running: Python's own way out
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - a closed pipe: let Python report and exit as it would
        raise done from None
    if "ita_workbook.sandbox" in sys.modules:  # atexit is skipped: the reader child is stopped here
        sys.modules["ita_workbook.sandbox"].stop_child()
    os._exit(code or 0)


@contextlib.contextmanager
def in_thai():
    try:
        yield
    except (click.exceptions.NoArgsIsHelpError, CommandLineError):  # help asked for, or said already
        raise
    except click.ClickException as exc:
        raise CommandLineError(exc) from None

