"""Reading many plans: in this process, or in worker processes (one per core) when there are many,
each plan rendered and measured where it was read."""

from __future__ import annotations

import os
from pathlib import Path

from ..problems import Problem
from .datasheet import _render_rows
from .identify import _name_from_file
from .model import OrgPlan
from .read import _failed, read_plan
from .reports import OrgReport
from .workbook import _text_lines

PARALLEL_FROM = 200  # plans; fewer are read in this process (starting workers costs ~0.5 s)


def read_plans(paths: list[str | Path], workers: int | None = None,
               fiscal_year: int | None = None, progress=None) -> list[OrgPlan | OrgReport]:
    """Every plan (or result report), in the order given. Many are read by one worker process per core.
    `progress(files read, files)`: called as files are read (by the pool, as its chunks come back)."""
    paths = [str(p) for p in paths]
    progress = progress or (lambda done, total: None)
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(paths) >= PARALLEL_FROM else 1
    if workers <= 1 or _worker_context() is None:
        read = []
        for path in paths:
            progress(len(read), len(paths))
            read.append(_read_for_province(path, fiscal_year))
        return read
    _measure_before_forking()
    done: dict[int, OrgPlan] = {}
    size = max(1, min(64, len(paths) // (workers * 8)))
    # A worker that dies (a file took it down despite the guards) takes the pool with it: what was
    # not read is read again one file at a time, then what still fails each in a process of its own,
    # so that only the file at fault is lost, and named.
    for attempt in range(3):
        todo = [(i, p) for i, p in enumerate(paths) if i not in done]
        if not todo:
            break
        if attempt == 2:
            done.update((i, _read_alone(p, fiscal_year)) for i, p in todo)
            break
        _read_in_pool([todo[k:k + size] for k in range(0, len(todo), size)], workers, done, fiscal_year,
                      lambda: progress(len(done), len(paths)))
        size = 1
    return [done[i] for i in range(len(paths))]


def _measure_before_forking() -> None:
    """Thai text measured once here, before the workers are forked: the word lists that measuring
    loads (twice 0.4 s or so, and this process loads them for the summary anyway) are then the
    workers' too, instead of each worker loading its own."""
    _text_lines(OrgPlan("", organisation="องค์การบริหารส่วนตำบล" * 4, district="โพธิ์ประทับช้าง"))


def _worker_context():
    """Workers are forked: a started interpreter (spawn, forkserver) puts the current folder first
    on its module path before any of our code runs, and the plans' folder is often the current one,
    where a planted `pickle.py` would run. Where there is no fork (Windows), plans are read one after
    another (still each in the isolated reader child)."""
    import multiprocessing

    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def _worker_pool(workers: int):
    """The worker processes that read plans: how they are started is decided here alone."""
    from concurrent.futures import ProcessPoolExecutor

    from .. import isolate_module_path

    return ProcessPoolExecutor(workers, mp_context=_worker_context(), initializer=isolate_module_path)


def _read_in_pool(chunks: list[list[tuple[int, str]]], workers: int, done: dict[int, OrgPlan],
                  fiscal_year: int | None = None, read_more=lambda: None) -> None:
    from concurrent.futures.process import BrokenProcessPool

    pool = _worker_pool(workers)
    try:
        futures = [(chunk, pool.submit(_read_chunk, [p for _, p in chunk], fiscal_year)) for chunk in chunks]
        for chunk, future in futures:
            try:
                done.update(zip((i for i, _ in chunk), future.result()))
                read_more()
            except BrokenProcessPool:
                continue  # read again by the caller
    finally:
        pool.shutdown(wait=True, cancel_futures=True)  # Ctrl+C: no new work, the running chunks end


def _read_chunk(paths: list[str], fiscal_year: int | None = None) -> list[OrgPlan]:
    return [_read_for_province(p, fiscal_year) for p in paths]


def _read_alone(path: str, fiscal_year: int | None = None) -> OrgPlan:
    from concurrent.futures.process import BrokenProcessPool

    try:
        with _worker_pool(1) as pool:
            return pool.submit(_read_chunk, [path], fiscal_year).result()[0]
    except BrokenProcessPool:
        plan = OrgPlan(path, organisation=_name_from_file(path), name_from="file-name")
        plan.problems.append(Problem("unreadable-file", path, value="limit",
                                     detail="การอ่านไฟล์นี้ทำให้โปรแกรมหยุดทำงาน บันทึกเป็น .xlsx ใหม่ แล้วลองอีกครั้ง",
                                     detail_en="reading this file stopped the reader; save it again as .xlsx "
                                               "and retry"))
        return plan


def _read_for_province(path: str, fiscal_year: int | None = None) -> OrgPlan | OrgReport:
    """A plan read, its rows rendered and its own texts measured for the summary: the work that the
    worker processes share."""
    plan = read_plan(path, fiscal_year)
    if isinstance(plan, OrgReport):
        return plan  # a result report: its figures only, nothing to render
    try:
        if plan.projects:
            plan.rows, plan.projects = _render_rows(plan), []
        plan.lines = _text_lines(plan)
    except Exception as exc:  # as in read_plan: named, never a traceback
        plan = _failed(path, exc)
        plan.lines = (1, 1)
    return plan
