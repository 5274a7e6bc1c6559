"""The page's routes: a thin layer over the same library functions the command line calls
(validate_files, annotate_files, merge_files, check_files, write_template, consolidate; the result
report's, in report.py: report-template's and report's).

Every request passes `guard.Guard` first. Each browser tab gets its own workspace (its id in the address), and
every state-changing request carries that workspace's CSRF token.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import re
import zipfile
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..config import Config, ConfigError, Department, load_config, parse_config, sample_settings, read_config_text, updated_toml
from ..output import safe_filename, write_text_atomic
from ..problems import counted, shown_value
from ..thai import thai_date, to_arabic_digits
from .guard import SECURITY_HEADERS, Guard, Settings, wants_json
from .helpers import marked_up, named as _named, to_job as _to_job, when as _date
from .report import ROUNDS, ReportRoutes, plan_source, previous_source, why_not
from .workspace import BINS, EXPIRED, Job, Limits, Refused, Workspace, Workspaces, safe_name

PAGES = ("settings", "templates", "check", "merge", "plan-check", "report-6", "report-12", "province")
STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings) -> Starlette:
    from ..template import for_everyone

    env = Environment(loader=PackageLoader("ita_workbook.web", "templates"), autoescape=select_autoescape())
    env.globals["for_everyone"] = for_everyone  # ทุกส่วนราชการ: no desk to send a template to, unticked
    env.globals["shown_value"] = shown_value
    env.filters["thai_date"] = lambda iso: thai_date(dt.date.fromisoformat(iso))
    env.filters["counted"] = counted  # "1 file", "2 files", as the command line says them
    workspaces = Workspaces(settings.workdir, settings.limits)
    state = _State(settings, workspaces, env)
    routes = [
        Route("/", state.enter),
        Route("/w/{wid}/", state.home),
        Route("/w/{wid}/job/{jid}", state.job),
        Route("/w/{wid}/download/{key}", state.download),
        Route("/w/{wid}/files/{bin}", state.upload, methods=["POST"]),
        Route("/w/{wid}/files/{bin}/{fid}/remove", state.remove, methods=["POST"]),
        Route("/w/{wid}/settings", state.save_settings, methods=["POST"]),
        Route("/w/{wid}/settings/plan.toml", state.plan_toml),
        Route("/w/{wid}/templates", state.make_templates, methods=["POST"]),
        Route("/w/{wid}/check", state.run_check, methods=["POST"]),
        Route("/w/{wid}/merge", state.run_merge, methods=["POST"]),
        Route("/w/{wid}/plan-check", state.run_plan_check, methods=["POST"]),
        Route("/w/{wid}/province", state.run_province, methods=["POST"]),
        Route("/w/{wid}/{page}/forms", state.report_forms, methods=["POST"]),
        Route("/w/{wid}/{page}/check", state.report_check, methods=["POST"]),
        Route("/w/{wid}/{page}/compile", state.report_compile, methods=["POST"]),
        Route("/w/{wid}/{page}", state.page),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    handlers = {Refused: state.refused, HTTPException: state.http_error, Exception: state.bug}
    app = Starlette(routes=routes, exception_handlers=handlers)
    return Guard(app, settings, state)


class _State(ReportRoutes):
    def __init__(self, settings: Settings, workspaces: Workspaces, env: Environment):
        self.settings = settings
        self.workspaces = workspaces
        self.env = env

    # --- configuration ---------------------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        # Never in the private working folder, which is deleted when the server stops.
        return self.settings.config_path or Path.cwd() / "plan.toml"

    def config(self) -> tuple[Config, str]:
        """The settings, and why they could not be read ("" when they could)."""
        if not self.config_path.exists():
            return Config(), ""
        try:
            return load_config(self.config_path), ""
        except ConfigError as exc:
            return Config(), str(exc)

    def usable_config(self) -> Config:
        """The settings, for work that needs them: unreadable ones refuse the work, saying why."""
        config, error = self.config()
        if error:
            raise Refused(error, 409)
        return config

    # --- helpers ---------------------------------------------------------------------------------

    def workspace(self, request: Request) -> Workspace:
        found = self.workspaces.get(request.path_params["wid"])
        if found is None:
            raise Refused(EXPIRED, 404)
        return found

    async def form(self, request: Request, ws: Workspace):
        """The posted form, after its CSRF token is checked."""
        limits = self.settings.limits
        if not request.headers.get("content-type", "").startswith(("multipart/form-data",
                                                                     "application/x-www-form-urlencoded")):
            raise Refused("คำขอนี้ไม่ใช่ฟอร์ม / this request is not a form", 400)
        try:
            form = await request.form(max_files=limits.files_per_request, max_fields=200)
        except (MultiPartException, HTTPException) as exc:  # Starlette turns the first into the second
            raise Refused(_multipart_message(str(getattr(exc, "detail", exc)), limits), 400) from None
        except ClientDisconnect:  # the browser cancelled the upload: nobody to answer, nothing to print
            raise Refused("ส่งไฟล์ไม่ครบ (ยกเลิกกลางทาง) / the upload was cancelled midway", 400) from None
        sent = request.headers.get("x-csrf-token") or form.get("csrf") or ""
        if not isinstance(sent, str) or not hmac.compare_digest(sent, ws.csrf):
            raise Refused("หน้านี้เก่าเกินไป โหลดหน้าใหม่แล้วลองอีกครั้ง / "
                          "this page is out of date (no valid form token); reload it and try again", 403)
        return form

    def render(self, name: str, request: Request, status: int = 200, **values: Any) -> HTMLResponse:
        template = self.env.get_template(name)
        html = template.render(request=request, pages=PAGES, today=dt.date.today().isoformat(), **values)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def page_of_error(self, request: Request, status: int, message: str) -> Response:
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=status, headers=SECURITY_HEADERS)
        return self.render("error.html", request, status=status, message=message, ws=None)

    async def refused(self, request: Request, exc: Refused) -> Response:
        return self.page_of_error(request, exc.status, exc.message)

    async def http_error(self, request: Request, exc: HTTPException) -> Response:
        message = {404: "ไม่มีหน้านี้ / no such page",
                   405: "หน้านี้รับคำขอแบบนี้ไม่ได้ / this page does not take this kind of request"}
        return self.page_of_error(request, exc.status_code,
                                  message.get(exc.status_code, f"คำขอไม่ถูกต้อง / bad request ({exc.status_code})"))

    async def bug(self, request: Request, exc: Exception) -> Response:
        return self.page_of_error(request, 500, f"เกิดข้อผิดพลาดของโปรแกรม ({type(exc).__name__}) โปรดแจ้งผู้พัฒนา / "
                                                f"a bug of the program ({type(exc).__name__}); please report it")

    def show(self, request: Request, ws: Workspace, page: str, **values: Any) -> HTMLResponse:
        from ..pdf import find_libreoffice

        config, config_error = self.config()
        if page in ROUNDS:
            values.update(round=ROUNDS[page], why=why_not(ws, page), plan=plan_source(ws),
                          previous=previous_source(ws), forms=ws.results.get(f"{page}-forms"),
                          compiled=ws.results.get(f"{page}-compiled"))
        return self.render(f"{page}.html" if page not in ROUNDS else "report.html", request, ws=ws, page=page,
                           config=config, config_error=config_error, libreoffice=find_libreoffice() is not None,
                           config_path=self.config_path, limits=self.settings.limits,
                           result=ws.results.get(page), others=self.workspaces.others(ws), **values)

    # --- pages -----------------------------------------------------------------------------------

    async def enter(self, request: Request) -> Response:
        """The printed address: sets the token cookie and opens a new workspace for this tab."""
        ws = self.workspaces.create()
        response = RedirectResponse(f"/w/{ws.id}/", status_code=303)
        response.set_cookie(self.settings.cookie, self.settings.token, httponly=True, samesite="strict")
        return response

    async def home(self, request: Request) -> Response:
        ws = self.workspace(request)
        return RedirectResponse(f"/w/{ws.id}/settings", status_code=303)

    async def page(self, request: Request) -> Response:
        ws = self.workspace(request)
        page = request.path_params["page"]
        if page not in PAGES:
            raise HTTPException(404)
        return self.show(request, ws, page)

    async def job(self, request: Request) -> Response:
        ws = self.workspace(request)
        job = ws.job
        if job is None or job.id != request.path_params["jid"]:
            raise HTTPException(404)
        if wants_json(request):
            return JSONResponse({"done": job.done, "total": job.total, "finished": job.finished,
                                 "error": job.error, "next": job.next_url})
        if job.finished and not job.error:
            return RedirectResponse(job.next_url, status_code=303)
        return self.render("job.html", request, ws=ws, job=job, page=None)

    async def download(self, request: Request) -> Response:
        ws = self.workspace(request)
        path = ws.outputs.get(request.path_params["key"])
        if path is None or not path.is_file():
            raise Refused("ไม่พบไฟล์นี้ (อาจถูกแทนที่ด้วยไฟล์ใหม่แล้ว) / no such file (it may have been replaced)", 404)
        return FileResponse(path, filename=path.name, headers=SECURITY_HEADERS)

    # --- files -----------------------------------------------------------------------------------

    async def upload(self, request: Request) -> Response:
        ws = self.workspace(request)
        bin = request.path_params["bin"]
        if bin not in BINS:
            raise HTTPException(404)
        form = await self.form(request, ws)
        uploads = [f for f in form.getlist("file") if hasattr(f, "filename")]
        if not uploads or not any(f.filename for f in uploads):
            raise Refused("ยังไม่ได้เลือกไฟล์ / no file was chosen", 400)
        replace = form.get("replace") if isinstance(form.get("replace"), str) else None
        if bin in ("previous", "settings", "report-plan", "report-previous"):  # one file at a time
            ws.clear(bin)
            uploads = uploads[:1]
        names = []
        for upload in uploads:
            if upload.size is not None and upload.size > self.settings.limits.file_bytes:
                name = safe_name(upload.filename or "")
                limit = self.settings.limits.file_bytes / 2**20
                raise Refused(f"ไฟล์ {name} ใหญ่เกิน {limit:.0f} MB จึงไม่รับ / {name} is over {limit:.0f} MB "
                              "and was refused", 413)
            stored = ws.add(bin, upload.filename or "", _chunks(upload), self.settings.limits, replace=replace)
            names.append(stored.name)
        if bin == "settings":
            return self._adopt_settings(request, ws)
        if wants_json(request):
            return JSONResponse({"stored": names})
        return RedirectResponse(_back(request, ws, bin), status_code=303)

    async def remove(self, request: Request) -> Response:
        ws = self.workspace(request)
        bin = request.path_params["bin"]
        if bin not in BINS:
            raise HTTPException(404)
        await self.form(request, ws)
        page = _BIN_PAGE[bin]
        checked = bin in _RECHECK and ws.results.get(page) is not None
        ws.remove(bin, request.path_params["fid"])
        if checked and ws.files[bin]:  # the other files' findings stay: checked again without this one
            return RedirectResponse(f"/w/{ws.id}/{_RECHECK[bin]}", status_code=307)
        return RedirectResponse(_back(request, ws, bin), status_code=303)

    # --- settings --------------------------------------------------------------------------------

    async def save_settings(self, request: Request) -> Response:
        ws = self.workspace(request)
        form = await self.form(request, ws)
        text = {key: str(form.get(key) or "").strip() for key in
                ("organisation", "district", "province", "fiscal_year", "issuer", "departments")}
        year = to_arabic_digits(text["fiscal_year"])
        if year and not (year.isdigit() and 1900 <= int(year) <= 2700):
            return self.show(request, ws, "settings", status_message=(
                f"\"{text['fiscal_year']}\" ไม่ใช่ปี พ.ศ. เช่น 2566 / not a year such as 2566"), saved=False)
        departments = []
        # Only line ends split: splitlines() would also cut at \x1c, \x85… which are refused instead.
        for number, line in enumerate(re.split(r"\r\n|\r|\n", text["departments"]), 1):
            if line.strip():
                departments.append(_department(line))
                if not departments[-1].name:
                    return self.show(request, ws, "settings", saved=False, status_message=(
                        f"ไม่ได้บันทึก: บรรทัดที่ {number} ของรายชื่อหน่วยงานไม่มีชื่อหน่วยงานก่อนเครื่องหมาย : / "
                        f"not saved: line {number} of the departments has no name before the colon"))
        old, error = self.config()
        if error:  # the file on disk is the person's: never replaced by one they did not see
            return self.show(request, ws, "settings", saved=False, status_message=(
                "ไม่ได้บันทึก เพราะไฟล์ตั้งค่าเดิมอ่านไม่ได้ (ดูเหตุผลด้านล่าง) ไฟล์เดิมไม่เปลี่ยน แก้ไฟล์นั้น "
                "หรือเลือกไฟล์ plan.toml ที่ใช้ได้ / not saved: the settings file cannot be read (see below) and "
                "is left as it was; fix it, or choose a plan.toml that reads"))
        new = dataclasses.replace(old, organisation=text["organisation"], district=text["district"],
                                  province=text["province"], fiscal_year=int(year) if year else None,
                                  issuer=text["issuer"], departments=tuple(departments) or old.departments)
        return self._save(request, ws, updated_toml(self._file_text(), old, new))

    def _adopt_settings(self, request: Request, ws: Workspace) -> Response:
        """A plan.toml chosen on the settings page replaces the settings, as it is, once it reads."""
        stored = ws.files["settings"][0]
        try:
            text = read_config_text(stored.path)
            parse_config(text, stored.path)
        except ConfigError as exc:
            message = str(exc).replace(str(stored.path), stored.name)
            return self.show(request, ws, "settings", status_message=message, saved=False)
        finally:
            ws.clear("settings")
        return self._save(request, ws, text)

    def _file_text(self) -> str | None:
        """plan.toml's text as it is on disk; None if there is none (or it cannot be read)."""
        try:
            return read_config_text(self.config_path) if self.config_path.exists() else None
        except ConfigError:
            return None

    def _save(self, request: Request, ws: Workspace, text: str) -> Response:
        """Write `text` as plan.toml, atomically, once it reads as every command reads it: a refused
        save, or one that changes nothing, leaves the file as it was."""
        path = self.config_path
        try:
            parse_config(text, path)
        except ConfigError as exc:
            said = "; ".join(exc.problems) or str(exc)
            return self.show(request, ws, "settings", saved=False, status_message=(
                f"ไม่ได้บันทึก ไฟล์ตั้งค่าเดิมไม่เปลี่ยน / not saved, the settings file is as it was: {said}"))
        if text == self._file_text():
            return self.show(request, ws, "settings", saved=True, status_message=(
                f"ไม่มีอะไรเปลี่ยน จึงไม่ได้เขียนไฟล์ / nothing changed, nothing written: {path}"))
        try:
            write_text_atomic(path, text)
        except OSError as exc:
            return self.show(request, ws, "settings", saved=False, status_message=(
                f"บันทึก {path} ไม่ได้ ไฟล์เดิมไม่เปลี่ยน / cannot save it, the file is as it was: {exc}"))
        return self.show(request, ws, "settings", saved=True, status_message=f"บันทึกแล้วที่ / saved at: {path}")

    async def plan_toml(self, request: Request) -> Response:
        self.workspace(request)
        config = self.usable_config()
        text = self._file_text() or updated_toml(None, Config(), config)
        return Response(text, media_type="application/toml; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="plan.toml"', **SECURITY_HEADERS})

    # --- the yearly round ------------------------------------------------------------------------

    async def make_templates(self, request: Request) -> Response:
        from ..template import DEFAULT_ROWS, TemplateError, read_previous, template_filename, write_template

        ws = self.workspace(request)
        form = await self.form(request, ws)
        config = self.usable_config()
        if sample := sample_settings(config):  # the same refusal as the command line's
            raise Refused(sample, 409)
        chosen = [name for name in config.department_names if name in form.getlist("department")]
        blank = form.get("blank") == "1"
        rows = _int(form.get("rows"), DEFAULT_ROWS, 1, 2000)
        use_previous = form.get("previous") == "1" and bool(ws.files["previous"])
        if not chosen and not blank:
            raise Refused("เลือกอย่างน้อยหนึ่งหน่วยงาน / choose at least one department", 400)
        previous = ws.files["previous"][0] if use_previous else None

        def work(job: Job) -> dict:
            prefill: dict[str, list[dict]] = {}
            note = ""
            report = None
            if previous:
                rollover = read_previous(previous.path, config)
                report = _named(rollover.report.to_dict(), ws)
                if not sum(len(r) for r in rollover.rows.values()) + len(rollover.unmatched):
                    raise Refused(f"ไม่พบโครงการใน {previous.name} / no project found in {previous.name}")
                prefill, note = rollover.rows, rollover.unmatched_note()
            folder = ws.new_folder()
            names: list[str | None] = ([None] if blank else []) + chosen
            written = []
            for done, name in enumerate(names):
                job.progress(done, len(names))
                path = folder / template_filename(name)
                while path.exists():  # two names that differ only in characters a file name cannot hold
                    path = path.with_stem(path.stem + "-")
                try:
                    write_template(path, config, name, rows=rows, prefill=prefill.get(name, []) if name else [])
                except (TemplateError, OSError) as exc:
                    raise Refused(f"เขียน {path.name} ไม่ได้ / cannot write {path.name}: {exc}") from None
                written.append({"name": path.name, "projects": len(prefill.get(name, [])) if name else 0,
                                "key": ws.offer(path)})
            bundle = folder / "แบบฟอร์ม.zip"
            with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
                for item in written:
                    zf.write(folder / item["name"], item["name"])
            ws.results["templates"] = {"files": written, "zip": ws.offer(bundle), "note": note,
                                       "report": report, "previous": previous.name if previous else ""}

        job = ws.start("แบบฟอร์ม / templates", work, f"/w/{ws.id}/templates#results")
        return _to_job(ws, job)

    async def run_check(self, request: Request) -> Response:
        from ..validate import validate_files

        ws = self.workspace(request)
        await self.form(request, ws)
        files = list(ws.files["returned"])
        if not files:
            raise Refused("ยังไม่มีไฟล์ให้ตรวจ ลากไฟล์ของกองมาวางก่อน / no file to check yet; drop the departments' files first")
        config = self.usable_config()

        def work(job: Job) -> None:
            result = validate_files([f.path for f in files], config, progress=job.progress)
            marked, notes = marked_up(ws, files, result.report)
            ws.results["check"] = {"report": _named(result.report.to_dict(), ws), "marked": marked,
                                   "notes": notes, "rows": result.rows_read, "names": [f.name for f in files]}

        job = ws.start("ตรวจไฟล์ / checking the files", work, f"/w/{ws.id}/check#results")
        return _to_job(ws, job)

    async def run_merge(self, request: Request) -> Response:
        from ..merge import MergeRefused, Overrides, merge_files

        ws = self.workspace(request)
        form = await self.form(request, ws)
        files = list(ws.files["returned"])
        if not files:
            raise Refused("ยังไม่มีไฟล์ของกอง ส่งไฟล์ในหน้า ตรวจไฟล์ ก่อน / "
                          "no department files yet; add them on the Check page first")
        config = self.usable_config()
        as_of = _date(str(form.get("date") or ""))
        draft, pdf = form.get("draft") == "1", form.get("pdf") == "1"

        def work(job: Job) -> None:
            folder = ws.new_folder()
            title = "ฉบับร่าง " if draft else ""
            name = safe_filename(f"แผนปฏิบัติการ {title}{config.organisation} {config.fiscal_year or ''}".strip(),
                                 ".xlsx")
            try:
                result = merge_files([f.path for f in files], folder / name, config,
                                     overrides=Overrides(as_of=as_of), draft=draft, pdf=pdf, progress=job.progress,
                                     file_names={f.path: f.name for f in files})
            except MergeRefused as exc:
                raise Refused(str(exc)) from None
            ws.results["merge"] = {
                "report": _named(result.report.to_dict(), ws), "written": result.written, "draft": draft,
                "files": result.files, "read": result.projects_read, "projects": result.projects_written,
                "xlsx": ws.offer(result.output) if result.output else None,
                "xlsx_name": result.output.name if result.output else "",
                "pdf": ws.offer(result.pdf) if result.pdf else None,
                "pdf_error": result.pdf_error, "pdf_note": result.pdf_note, "write_error": result.write_error}

        job = ws.start("รวมแผน / merging", work, f"/w/{ws.id}/merge#results")
        return _to_job(ws, job)

    async def run_plan_check(self, request: Request) -> Response:
        from ..check import check_files

        ws = self.workspace(request)
        await self.form(request, ws)
        files = list(ws.files["plans"])
        if not files:
            raise Refused("ยังไม่ได้เลือกแผนที่จะตรวจ / no plan chosen yet")

        def work(job: Job) -> None:
            result = check_files([f.path for f in files], progress=job.progress)
            # What a table's layout does not carry is blank, never zeros (its layout-lacks problem says why).
            tables = [{"name": ws.name_of(t.path), "sheet": t.sheet, "projects": t.projects,
                       "quarters": None if set(t.lacks) & {"q1", "q2", "q3", "q4"} else t.quarters,
                       "budget": None if "budget" in t.lacks else t.budget, "has_totals": t.has_totals}
                      for t in result.tables]
            ws.results["plan-check"] = {"report": _named(result.report.to_dict(), ws), "tables": tables}

        job = ws.start("ตรวจยอดรวม / checking the totals", work, f"/w/{ws.id}/plan-check#results")
        return _to_job(ws, job)

    async def run_province(self, request: Request) -> Response:
        from ..province import ProvinceRefused, consolidate

        ws = self.workspace(request)
        form = await self.form(request, ws)
        files = list(ws.files["masters"])
        if not files:
            raise Refused("ยังไม่ได้เลือกแผนหรือรายงานผลของ อปท. / no organisation's plan or report chosen yet")
        province = str(form.get("province") or "").strip()
        year = to_arabic_digits(str(form.get("year") or "").strip())
        if year and not (year.isdigit() and 2400 <= int(year) <= 2700):
            raise Refused(f"\"{year}\" ไม่ใช่ปี พ.ศ. เช่น 2566 / not a Buddhist-era year such as 2566")
        as_of = _date(str(form.get("date") or ""))
        pdf = form.get("pdf") == "1"
        round_ = {"6": 6, "12": 12}.get(str(form.get("round") or ""))

        def work(job: Job) -> None:
            folder = ws.new_folder()
            name = safe_filename(f"สรุปจังหวัด{province} {year}".strip(), ".xlsx")
            try:
                result = consolidate([f.path for f in files], folder / name, province=province,
                                     fiscal_year=int(year) if year else None, as_of=as_of, pdf=pdf, workers=1,
                                     round_=round_, progress=job.progress)
            except ProvinceRefused as exc:
                raise Refused(str(exc)) from None
            plans = [{**plan.to_dict(), "name": ws.name_of(plan.path),
                      "problems": sorted((p.to_dict() for p in plan.problems),
                                         key=lambda p: (p["sheet"] or "", p["row"] or 0, p["cell"] or ""))}
                     for plan in result.plans]
            reports = [{**report.to_dict(), "name": ws.name_of(report.path)} for report in result.reports]
            ws.results["province"] = {
                "plans": plans, "summary": result.to_dict()["summary"], "province": result.province,
                "lines": result.summary_lines(), "reports": reports, "round": result.round,
                "reports_missing": [{"organisation": p.organisation or ws.name_of(p.path)}
                                    for p in result.reports_missing],
                "year": result.fiscal_year, "xlsx": ws.offer(result.output) if result.output else None,
                "xlsx_name": result.output.name if result.output else "",
                "pdf": ws.offer(result.pdf) if result.pdf else None, "pdf_error": result.pdf_error}

        job = ws.start("รวมแผนของจังหวัด / consolidating the province", work, f"/w/{ws.id}/province#results")
        return _to_job(ws, job)


_BIN_PAGE = {"returned": "check", "plans": "plan-check", "masters": "province", "previous": "templates",
             "settings": "settings", "report-6": "report-6", "report-12": "report-12", "report-plan": "report-6",
             "report-previous": "report-12"}
# The bins whose files are checked as they come, and the action that checks them.
_RECHECK = {"returned": "check", "plans": "plan-check", "report-6": "report-6/check", "report-12": "report-12/check"}


def _back(request: Request, ws: Workspace, bin: str) -> str:
    """The page the files were sent from (the plan for the reports is on both rounds' pages), at its list."""
    page = request.query_params.get("back", "")
    return f"/w/{ws.id}/{page if page in PAGES else _BIN_PAGE[bin]}#files-{bin}"


def _chunks(upload, size: int = 2**20):
    upload.file.seek(0)
    while chunk := upload.file.read(size):
        yield chunk


def _department(line: str) -> Department:
    """`name: alias, alias` — one line of the settings page's list."""
    name, _, aliases = line.partition(":")
    return Department(name.strip(), tuple(a.strip() for a in aliases.split(",") if a.strip()))


def _int(value: Any, default: int, low: int, high: int) -> int:
    text = to_arabic_digits(str(value or "").strip())
    if not text:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise Refused(f"\"{value}\" ต้องเป็นตัวเลข {low}–{high} / must be a number from {low} to {high}")
    return int(text)


def _multipart_message(said: str, limits: Limits) -> str:
    if "Too many files" in said:
        return (f"ส่งได้ครั้งละไม่เกิน {limits.files_per_request} ไฟล์ แบ่งส่งหลายครั้ง / "
                f"at most {limits.files_per_request} files at a time; send them in parts")
    return f"ฟอร์มที่ส่งมาไม่ถูกต้อง / the form sent is malformed ({said})"
