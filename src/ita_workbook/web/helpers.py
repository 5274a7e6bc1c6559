"""Small pieces every page's routes share: a task's address, a report as the page shows it, a
date field."""

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


def when(value: str) -> dt.date | None:
    """A date field (YYYY-MM-DD, either era); empty means today."""
    if not value.strip():
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise Refused(f"\"{value}\" ไม่ใช่วันที่ / not a date") from None
