"""Small pieces every page's routes share: a task's address, a report as the page shows it, the
marked-up copies of checked files, a date field."""

from __future__ import annotations

import datetime as dt

from starlette.responses import RedirectResponse, Response

from ..thai import parse_date
from .workspace import Job, Refused, Workspace


def to_job(ws: Workspace, job: Job) -> Response:
    return RedirectResponse(f"/w/{ws.id}/job/{job.id}", status_code=303)


def named(report: dict, ws: Workspace) -> dict:
    """A report as JSON, each file known by the name the person gave it rather than where it is kept."""
    for file in report["files"]:
        file["name"] = ws.name_of(file["path"])
    for problem in report["problems"]:
        problem["name"] = ws.name_of(problem["path"]) if problem.get("path") else ""
    return report


def marked_up(ws: Workspace, files: list, report) -> tuple[dict[str, str], list[str]]:
    """The checked files marked up where their problems are: each person's file name → its copy's
    download key, and what annotate had to say (less its line per copy, which the page shows as
    links)."""
    from ..annotate import annotate_files, marked_name

    folder = ws.new_folder()
    notes = [line.replace(str(folder) + "/", "") for line in annotate_files(report, folder)]
    marked = {}
    for f in files:
        copy = folder / marked_name(f.path)
        if copy.is_file():
            marked[f.name] = ws.offer(copy)
    return marked, [n for n in notes if not n.startswith("สำเนาที่")]


def when(value: str) -> dt.date | None:
    """A date field (YYYY-MM-DD, either era); empty means today."""
    if not value.strip():
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise Refused(f"\"{value}\" ไม่ใช่วันที่ / not a date") from None
