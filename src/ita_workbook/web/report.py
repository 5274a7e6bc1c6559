"""The result report's pages (รายงานผล ๖ and ๑๒ เดือน): the same library calls as `ita-workbook
report-template` and `ita-workbook report`, with their messages.

The plan a report is about is the one uploaded on the page, else the master merged in this tab.
The 12-month forms take their 6-month answers from a 6-month report: the one uploaded, else the one
compiled in this tab.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..output import safe_filename
from .helpers import marked_up, named, to_job, when
from .workspace import Job, Refused, Workspace

ROUNDS = {"report-6": 6, "report-12": 12}


def plan_source(ws: Workspace) -> tuple[Path, str, str] | None:
    """(file, name, where from) of the plan the report is about; None when there is none yet."""
    if ws.files["report-plan"]:
        stored = ws.files["report-plan"][0]
        return stored.path, stored.name, "uploaded"
    merged = ws.results.get("merge") or {}
    path = ws.outputs.get(merged.get("xlsx") or "")
    if path is not None and path.is_file():
        return path, path.name, "merged"
    return None


def previous_source(ws: Workspace) -> tuple[Path, str, str] | None:
    """(file, name, where from) of the 6-month report the 12-month forms start from."""
    if ws.files["report-previous"]:
        stored = ws.files["report-previous"][0]
        return stored.path, stored.name, "uploaded"
    compiled = ws.results.get("report-6-compiled") or {}
    path = ws.outputs.get(compiled.get("xlsx") or "")
    if path is not None and path.is_file():  # a draft too, as `report-template --from` takes one
        return path, path.name, "compiled"
    return None


def why_not(ws: Workspace, page: str) -> dict[str, str]:
    """Why each of the page's buttons cannot be pressed yet ("" when it can): said beside it."""
    no_plan = ("ยังไม่มีแผนรวม: รวมแผนในหน้า ๔ รวมแผน หรือส่งไฟล์แผนรวมด้านบน / "
               "no master plan yet: merge it on page 4, or upload the master above")
    no_files = ("ยังไม่มีแบบรายงานที่กองส่งคืน ส่งไฟล์ด้านบนก่อน / "
                "no returned report forms yet: upload them above first")
    plan = "" if plan_source(ws) else no_plan
    return {"forms": plan, "check": plan or (no_files if not ws.files[page] else ""),
            "compile": plan or (no_files if not ws.files[page] else "")}


class ReportRoutes:
    """The report pages' actions, mixed into the app's state (workspace, form, usable_config)."""

    def _round(self, request: Request) -> tuple[str, int]:
        page = request.path_params["page"]
        if page not in ROUNDS:
            raise HTTPException(404)
        return page, ROUNDS[page]

    def _plan(self, ws: Workspace, config):
        """The plan read as `report` reads it; a plan without projects refuses the work."""
        from ..report import no_projects, read_plan

        source = plan_source(ws)
        if source is None:
            raise Refused(why_not(ws, "report-6")["forms"], 409)
        path, name, _ = source
        plan, _, _ = read_plan(path, config)
        if not plan.projects:
            raise Refused(no_projects(name))
        return plan

    async def report_forms(self, request: Request) -> Response:
        from ..report import previous_note, previous_results
        from ..report_template import department_projects, filename, write_report_template
        from ..template import TemplateError

        ws = self.workspace(request)
        page, round_ = self._round(request)
        form = await self.form(request, ws)
        config = self.usable_config()
        previous = previous_source(ws) if round_ == 12 and form.get("previous") == "1" else None

        def work(job: Job) -> None:
            plan = self._plan(ws, config)
            prefill, note = {}, ""
            if previous:
                prefill = previous_results(previous[0], plan, config)
                note = previous_note(len(prefill), previous[1])
                if not prefill:
                    raise Refused(note)
            by_department = department_projects(plan, config)
            folder = ws.new_folder()
            written = []
            for done, (name, projects) in enumerate(by_department.items()):
                job.progress(done, len(by_department))
                path = folder / filename(name, round_)
                while path.exists():  # two names that differ only in characters a file name cannot hold
                    path = path.with_stem(path.stem + "-")
                try:
                    write_report_template(path, config, plan, name, round_, projects, prefill=prefill)
                except (TemplateError, OSError) as exc:
                    raise Refused(f"เขียน {path.name} ไม่ได้ / cannot write {path.name}: {exc}") from None
                written.append({"name": path.name, "department": name, "projects": len(projects),
                                "key": ws.offer(path)})
            bundle = folder / f"แบบรายงานผล{round_}เดือน.zip"
            with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
                for item in written:
                    zf.write(folder / item["name"], item["name"])
            ws.results[f"{page}-forms"] = {"files": written, "zip": ws.offer(bundle), "note": note,
                                           "plan": plan_source(ws)[1]}

        job = ws.start("แบบรายงานผล / report forms", work, f"/w/{ws.id}/{page}#forms-result")
        return to_job(ws, job)

    async def report_check(self, request: Request) -> Response:
        from ..report import compile_report

        ws = self.workspace(request)
        page, round_ = self._round(request)
        await self.form(request, ws)
        files = list(ws.files[page])
        if not files:
            raise Refused(why_not(ws, page)["check"])
        config = self.usable_config()

        def work(job: Job) -> None:
            plan = self._plan(ws, config)
            job.progress(0, len(files))
            result = compile_report([f.path for f in files], plan, round_, config)
            marked, notes = marked_up(ws, files, result.report)
            ws.results[page] = {"report": named(result.to_dict(), ws), "marked": marked, "notes": notes,
                                "summary": result.summary().to_dict(), "text": result.summary_text(),
                                "plan": plan_source(ws)[1]}

        job = ws.start("ตรวจแบบรายงานผล / checking the report forms", work, f"/w/{ws.id}/{page}#results")
        return to_job(ws, job)

    async def report_compile(self, request: Request) -> Response:
        from ..report import compile_report, not_written, write_report

        ws = self.workspace(request)
        page, round_ = self._round(request)
        form = await self.form(request, ws)
        files = list(ws.files[page])
        if not files:
            raise Refused(why_not(ws, page)["compile"])
        config = self.usable_config()
        as_of = when(str(form.get("date") or ""))
        draft, pdf = form.get("draft") == "1", form.get("pdf") == "1"
        signatures = form.get("signatures") == "1"

        def work(job: Job) -> None:
            plan = self._plan(ws, config)
            result = compile_report([f.path for f in files], plan, round_, config)
            folder = ws.new_folder()
            title = "ฉบับร่าง " if draft else ""
            output = folder / safe_filename(f"รายงานผล{round_}เดือน {title}{plan.organisation} {plan.fiscal_year or ''}"
                                            .strip(), ".xlsx")
            compiled = {"report": named(result.to_dict(), ws), "summary": result.summary().to_dict(),
                        "text": result.summary_text(), "draft": draft, "written": False, "xlsx": None,
                        "pdf": None, "pdf_error": "", "message": "", "xlsx_name": output.name}
            if result.report.ok or draft:
                try:
                    done = write_report(result, output, config, as_of=as_of, draft=draft, pdf=pdf,
                                        signatures=signatures)
                except OSError as exc:
                    raise Refused(f"เขียน {output.name} ไม่ได้ / cannot write {output.name} "
                                  f"({exc.strerror or exc})") from None
                compiled.update(written=True, xlsx=ws.offer(output), pdf=ws.offer(done.pdf) if done.pdf else None,
                                pdf_error=done.pdf_error)
            else:
                compiled["message"] = not_written(output.name, ("ตัวเลือก ฉบับร่าง", "the draft option"))
            ws.results[f"{page}-compiled"] = compiled

        job = ws.start("รวมรายงานผล / compiling the report", work, f"/w/{ws.id}/{page}#compiled-result")
        return to_job(ws, job)
