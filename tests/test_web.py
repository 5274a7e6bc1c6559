"""`ita-workbook serve`'s routes through Starlette's test client: the guards (token, Host, Origin,
CSRF, caps), malformed requests, two tabs kept apart, and the same messages as the command line."""

import html
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("starlette")
pytest.importorskip("httpx")
warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
from openpyxl import load_workbook  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from ita_workbook.cli import main  # noqa: E402
from ita_workbook.config import ConfigError, load_config  # noqa: E402
from ita_workbook.template import read_previous  # noqa: E402
from ita_workbook.web.app import create_app  # noqa: E402
from ita_workbook.web.guard import Settings  # noqa: E402
from ita_workbook.web.workspace import Limits  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "pho-thale-2566"
DEPARTMENTS = sorted((EXAMPLE / "departments").glob("*.xlsx"))
TOKEN = "the-token-of-this-test"
BASE = "http://127.0.0.1:8765"


def make_client(tmp_path, **limits) -> TestClient:
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    config = tmp_path / "plan.toml"
    if not config.exists():
        shutil.copy(EXAMPLE / "plan.toml", config)
    settings = Settings(token=TOKEN, port=8765, workdir=work, config_path=config, limits=Limits(**limits))
    return TestClient(create_app(settings), base_url=BASE, raise_server_exceptions=False)


class Tab:
    """One browser tab: its workspace address and form token."""

    def __init__(self, client: TestClient):
        self.client = client
        page = client.get(f"/?token={TOKEN}")
        assert page.status_code == 200, page.text
        self.url = str(page.url).rsplit("/", 1)[0]
        self.csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)

    def post(self, path: str, data=None, files=None, **kw):
        return self.client.post(self.url + path, data={"csrf": self.csrf, **(data or {})}, files=files, **kw)

    def upload(self, bin: str, paths, **kw):
        files = [("file", (Path(p).name, Path(p).read_bytes())) for p in paths]
        return self.post(f"/files/{bin}", files=files, **kw)

    def run(self, path: str, data=None):
        """Start a task and follow its progress page to the result."""
        page = self.post(path, data)
        for _ in range(3000):
            if "/job/" not in str(page.url) or "error-text" in page.text:  # done, or failed with a sentence
                return page
            time.sleep(0.1)
            page = self.client.get(str(page.url))
        raise AssertionError("the task never finished")

    def download(self, page_text: str, marker: str) -> bytes:
        link = re.search(rf'href="(/w/[^"]+/download/[^"]+)"[^>]*>{marker}', page_text).group(1)
        response = self.client.get(link)
        assert response.status_code == 200
        return response.content


def text_of(page) -> str:
    return html.unescape(page.text)


def broken_files(folder: Path) -> list[Path]:
    broken = folder / "กองช่าง.xlsx"
    broken.write_bytes(DEPARTMENTS[0].read_bytes()[:3000])  # cut off midway: a damaged download
    notes = folder / "บันทึก.txt"
    notes.write_text("ไม่ใช่ไฟล์ Excel", encoding="utf-8")
    return [broken, notes]


# --- the guards ------------------------------------------------------------------------------------

def test_no_token_no_page(tmp_path):
    client = make_client(tmp_path)
    assert client.get("/").status_code == 403
    refused = client.get("/?token=wrong")
    assert refused.status_code == 403 and "token" in refused.text
    tab = Tab(client)
    assert client.get(tab.url + "/check").status_code == 200  # the cookie from the first visit
    client.cookies.clear()
    assert client.get(tab.url + "/check").status_code == 403
    assert client.get("/static/style.css").status_code == 403


def test_another_host_or_origin_is_refused(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    # DNS rebinding: a name that resolves to 127.0.0.1 but is not ours
    assert client.get(tab.url + "/check", headers={"host": "evil.example:8765"}).status_code == 403
    assert client.get(tab.url + "/check", headers={"host": "localhost:8765"}).status_code == 200
    page = tab.upload("returned", DEPARTMENTS[:1], headers={"origin": "http://evil.example"})
    assert page.status_code == 403 and "หน้าเว็บอื่น" in page.text
    assert list_files(client, tab) == []


def list_files(client, tab) -> list[str]:
    return re.findall(r"<tr>\s*<td>([^<]+)</td><td class=\"num\">", client.get(tab.url + "/check").text)


def test_a_state_change_needs_the_form_token(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    files = [("file", ("กองคลัง.xlsx", DEPARTMENTS[0].read_bytes()))]
    refused = client.post(tab.url + "/files/returned", files=files)
    assert refused.status_code == 403 and "โหลดหน้าใหม่" in refused.text
    refused = client.post(tab.url + "/files/returned", data={"csrf": "guessed"}, files=files)
    assert refused.status_code == 403
    assert list_files(client, tab) == []
    assert tab.upload("returned", DEPARTMENTS[:1]).status_code == 200
    assert list_files(client, tab) == [DEPARTMENTS[0].name]


def test_uploads_are_capped(tmp_path):
    client = make_client(tmp_path, file_bytes=40_000, files_per_request=3, request_bytes=200_000,
                         workspace_bytes=60_000)
    tab = Tab(client)
    big = tmp_path / "ใหญ่.xlsx"
    big.write_bytes(os.urandom(50_000))
    refused = tab.upload("returned", [big], headers={"accept": "application/json"})
    assert refused.status_code == 413
    assert refused.json()["error"].startswith("ไฟล์ ใหญ่.xlsx ใหญ่เกิน")
    many = tab.upload("returned", DEPARTMENTS[:4])
    assert many.status_code == 400 and "ไม่เกิน 3 ไฟล์" in many.text
    huge = tab.post("/files/returned", files=[("file", ("x.xlsx", b"0" * 300_000))])
    assert huge.status_code == 413 and "ไม่เกิน" in huge.text
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    first.write_bytes(b"1" * 30_000)
    second.write_bytes(b"2" * 35_000)
    assert tab.upload("returned", [first]).status_code == 200
    refused = tab.upload("returned", [second])  # 65,000 bytes kept in all: over the tab's 60,000
    assert refused.status_code == 413 and "เกินที่รับได้" in refused.text
    assert list_files(client, tab) == ["a.xlsx"]


def test_malformed_requests_get_a_4xx_sentence(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    garbage = client.post(tab.url + "/files/returned", content=b"--x\r\nnonsense",
                          headers={"content-type": "multipart/form-data; boundary=x", "x-csrf-token": tab.csrf})
    json_body = client.post(tab.url + "/check", json={"csrf": tab.csrf})
    no_boundary = client.post(tab.url + "/check", content=b"a", headers={"content-type": "multipart/form-data"})
    for response in (garbage, json_body, no_boundary,
                     client.get("/w/nope/check"), client.get(tab.url + "/nope"),
                     client.get(tab.url + "/download/nope"), client.get(tab.url + "/job/nope"),
                     tab.post("/files/nope"), tab.post("/files/returned"),
                     tab.post("/files/returned/nope/remove"), client.put(tab.url + "/check"),
                     tab.post("/merge", {"date": "32/13/2566"}), tab.post("/templates", {"rows": "many"}),
                     client.post(tab.url + "/check", content=b"x", headers={"content-length": "abc"})):
        assert 400 <= response.status_code < 500, (response.request.url, response.status_code)
        assert "Traceback" not in response.text
        assert "ทำไม่ได้" in response.text or response.headers["content-type"].startswith("application/json")


def test_a_name_sent_by_the_browser_is_never_a_path(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    files = [("file", ("../../../outside.xlsx", DEPARTMENTS[0].read_bytes())),
             ("file", ("..\\..\\win.xlsx", DEPARTMENTS[1].read_bytes()))]
    assert tab.post("/files/returned", files=files).status_code == 200
    assert sorted(list_files(client, tab)) == ["outside.xlsx", "win.xlsx"]
    assert not list(tmp_path.glob("outside.xlsx")) and not list(tmp_path.parent.glob("outside.xlsx"))
    stored = sorted((p.relative_to(tmp_path / "work") for p in (tmp_path / "work").rglob("*.xlsx")),
                    key=lambda p: p.name)
    assert [p.name for p in stored] == ["outside.xlsx", "win.xlsx"] and all(len(p.parts) == 3 for p in stored)


def test_two_tabs_do_not_mix_their_files(tmp_path):
    client = make_client(tmp_path)
    first, second = Tab(client), Tab(client)
    assert first.url != second.url
    first.upload("returned", DEPARTMENTS[:2])
    merged = first.run("/merge", {"draft": "1"})
    master_link = re.search(r'href="(/w/[^"]+/download/([^"]+))"', merged.text)
    assert list_files(client, second) == []
    assert client.get(second.url + "/download/" + master_link.group(2)).status_code == 404
    stolen = client.post(first.url + "/files/returned", data={"csrf": second.csrf},
                         files=[("file", ("x.xlsx", b"PK"))])
    assert stolen.status_code == 403
    assert "ยังไม่มีไฟล์" in text_of(second.post("/check"))


# --- the same library, the same messages ------------------------------------------------------------

def cli_report(files: list[Path], config: Path) -> dict:
    result = CliRunner().invoke(main, ["validate", *map(str, files), "--config", str(config), "--format", "json"])
    return json.loads(result.output)


def test_check_shows_every_problem_the_command_line_reports(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    sent = tmp_path / "sent"
    sent.mkdir()
    for path in DEPARTMENTS:
        shutil.copy(path, sent / path.name)
    extra = broken_files(sent)
    assert tab.upload("returned", sorted(sent.iterdir())).status_code == 200
    page = tab.run("/check")
    shown = text_of(page)
    expected = cli_report(sorted(sent.iterdir()), tmp_path / "plan.toml")  # each file named, as uploaded
    assert len(expected["files"]) == len(DEPARTMENTS) + len(extra)
    messages = [p for f in expected["files"] for p in f["problems"]] + expected["problems"]
    assert {p["code"] for p in messages} >= {"unit-is-number", "duplicate-project", "unreadable-file"}
    for problem in messages:
        assert problem["message"] in shown and problem["message_en"] in shown, problem
        if problem["cell"]:
            assert f"<td>{problem['cell']}</td>" in page.text
    assert "ไฟล์เสียหรือดาวน์โหลดมาไม่ครบ" in shown  # the damaged file, in the CLI's words
    assert "41 โครงการ" in shown and "ข้อผิดพลาด 2" in shown
    # the marked-up copy of the file with warnings at cells
    marked = tab.download(page.text, "ดาวน์โหลดสำเนาที่ระบายสี")
    book = load_workbook(io.BytesIO(marked))
    comments = [c.comment.text for ws in book for r in ws.iter_rows() for c in r if c.comment]
    assert any("unit-is-number" in c or "duplicate-project" in c for c in comments)


def test_merge_writes_the_master_with_its_totals(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    tab.upload("returned", DEPARTMENTS)
    page = tab.run("/merge", {"date": "2023-03-22"})
    assert "รวมแล้ว: อ่าน 7 ไฟล์ 41 โครงการ เขียน 41 โครงการ" in text_of(page)
    master = load_workbook(io.BytesIO(tab.download(page.text, "ดาวน์โหลดแผนรวม")), read_only=True)
    rows = list(master["ข้อมูล"].iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    quarters = [sum(bool(r[header.index(q)]) for r in data) for q in ("q1", "q2", "q3", "q4")]
    assert len(data) == 41 and quarters == [27, 34, 15, 9]
    # The names the clerk uploaded, never where the page keeps them (tmp_path/work/…/…/name).
    assert {r[header.index("source_file")] for r in data} == {p.name for p in DEPARTMENTS}
    cells = [str(v) for ws in master.worksheets for row in ws.iter_rows(values_only=True) for v in row if v]
    assert not [v for v in cells if str(tmp_path) in v or "/" + DEPARTMENTS[0].name in v]


def test_merge_with_errors_writes_nothing_unless_draft(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    tab.upload("returned", DEPARTMENTS + broken_files(tmp_path))
    refused = text_of(tab.run("/merge"))
    assert "ไม่ได้เขียนไฟล์: พบข้อผิดพลาด 2 รายการใน 9 ไฟล์" in refused and "ดาวน์โหลดแผนรวม" not in refused
    draft = tab.run("/merge", {"draft": "1"})
    assert "รวมแล้ว (ฉบับร่าง)" in text_of(draft)
    assert re.search(r"download/[^\"]+\"[^>]*>ดาวน์โหลดแผนรวม", draft.text)


def test_settings_are_saved_as_the_plan_toml_the_cli_reads(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    saved = tab.post("/settings", {"organisation": "อบต.ทดสอบ", "district": "อำเภอเมือง", "province": "น่าน",
                                   "fiscal_year": "๒๕๖๘", "issuer": "สมชาย ใจดี",
                                   "departments": "สำนักปลัด: สำนักปลัดฯ, สป.\nกองคลัง\n"})
    assert "บันทึกแล้ว" in text_of(saved)
    config = load_config(tmp_path / "plan.toml")
    assert (config.organisation, config.district, config.province, config.fiscal_year) == ("อบต.ทดสอบ", "เมือง", "น่าน", 2568)
    assert [(d.name, d.aliases) for d in config.departments] == [("สำนักปลัด", ("สำนักปลัดฯ", "สป.")), ("กองคลัง", ())]
    download = client.get(tab.url + "/settings/plan.toml")
    assert download.status_code == 200 and 'name = "อบต.ทดสอบ"' in download.text
    wrong = tab.post("/settings", {"fiscal_year": "ปีหน้า"})
    assert "ไม่ใช่ปี พ.ศ." in text_of(wrong) and load_config(tmp_path / "plan.toml").fiscal_year == 2568
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("[organisation\nname = 1", encoding="utf-8")
    shown = text_of(tab.upload("settings", [bad_toml]))
    with pytest.raises(ConfigError) as said:  # what the command line says of the same file
        load_config(bad_toml)
    assert str(said.value).replace(str(bad_toml), "bad.toml") in shown
    assert load_config(tmp_path / "plan.toml").organisation == "อบต.ทดสอบ"


def test_templates_one_each_and_a_zip_with_last_years_projects(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    merged = tmp_path / "merged"
    merged.mkdir()
    CliRunner().invoke(main, ["merge", str(EXAMPLE / "departments"), "--config", str(tmp_path / "plan.toml"),
                              "-o", str(merged / "แผน 2566.xlsx")])
    tab.upload("previous", [merged / "แผน 2566.xlsx"])
    page = tab.run("/templates", {"department": ["กองคลัง", "สำนักปลัด"], "previous": "1", "rows": "40"})
    shown = text_of(page)
    links = re.findall(r'href="(/w/[^"]+/download/[^"]+)">([^<]+\.xlsx)</a> — (\d+) โครงการจากปีก่อน', shown)
    rollover = read_previous(merged / "แผน 2566.xlsx", load_config(tmp_path / "plan.toml"))
    assert [(name, int(n)) for _, name, n in links] == [
        ("สำนักปลัด.xlsx", len(rollover.rows["สำนักปลัด"])), ("กองคลัง.xlsx", len(rollover.rows["กองคลัง"]))]
    assert len(rollover.rows["สำนักปลัด"]) == 13  # the example's own count, read from the CLI's master
    bundle = zipfile.ZipFile(io.BytesIO(tab.download(page.text, "ดาวน์โหลดทั้งหมด")))
    assert sorted(bundle.namelist()) == ["กองคลัง.xlsx", "สำนักปลัด.xlsx"]
    assert tab.post("/templates", {}).status_code == 400  # no department chosen


def test_check_a_plan_finds_the_hand_counted_totals(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    tab.upload("plans", [EXAMPLE / "published.xlsx"])
    page = tab.run("/plan-check")
    shown = text_of(page)
    assert "27 / 34 / 15 / 9" in shown
    assert "ที่ระบุไว้คือ 31 แต่นับจากรายการได้ 34" in shown and "ที่ระบุไว้คือ 12 แต่นับจากรายการได้ 9" in shown
    assert "<td>J50</td>" in page.text and "<td>L50</td>" in page.text


def test_province_reads_the_masters(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    master = tmp_path / "โพทะเล.xlsx"
    CliRunner().invoke(main, ["merge", str(EXAMPLE / "departments"), "--config", str(tmp_path / "plan.toml"),
                              "-o", str(master), "--date", "2023-03-22"])
    tab.upload("masters", [master])
    page = tab.run("/province", {"province": "พิจิตร", "year": "2566"})
    shown = text_of(page)
    assert "1 หน่วยงาน, 41 โครงการ" in shown and "เทศบาลตำบลโพทะเล" in shown
    book = load_workbook(io.BytesIO(tab.download(page.text, "ดาวน์โหลดสรุปของจังหวัด")), read_only=True)
    assert book.sheetnames[0]


# --- the command ------------------------------------------------------------------------------------

def test_serve_without_the_web_extra_says_how_to_install_it():
    code = ("import sys; sys.modules['starlette'] = None\n"
            "from ita_workbook.cli import main\n"
            "main(['serve', '--no-browser'])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 1
    assert 'pip install "ita-workbook[web]"' in done.stderr and "ยังไม่ได้ติดตั้ง" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_on_a_signal_and_deletes_its_files(tmp_path, stop):
    import httpx

    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "ita_workbook", "serve", "--no-browser"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = ""
        while not url:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            url = line.strip() if "token=" in line else ""
        assert url.startswith("http://127.0.0.1:")
        with httpx.Client() as client:
            page = client.get(url, follow_redirects=True)
            assert page.status_code == 200
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
            base = str(page.url).rsplit("/", 1)[0]
            client.post(base + "/files/returned", data={"csrf": csrf},
                        files=[("file", (DEPARTMENTS[0].name, DEPARTMENTS[0].read_bytes()))])
        [work] = tmp_path.glob("ita-workbook-web-*")
        assert list(work.rglob("*.xlsx"))
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=600)  # a bound against a hang, not a speed test
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "หยุดแล้ว" in out and "Traceback" not in err
    assert not list(tmp_path.glob("ita-workbook-web-*"))


def test_security_md_states_the_pages_limits():
    from ita_workbook.web import workspace

    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    stated = dict((name, value) for value, name in re.findall(r"^\| ([^|]+?) \| `web\.workspace\.(\w+)` \|", text, re.M))
    in_code = {n for n in vars(workspace) if n.startswith("MAX_")}
    assert set(stated) == in_code
    units = {"MB": 2**20}
    for name, value in stated.items():
        number, _, unit = value.replace(",", "").partition(" ")
        assert int(number) * units.get(unit, 1) == getattr(workspace, name), name


def test_a_bug_of_ours_is_a_sentence_not_a_traceback(tmp_path, monkeypatch):
    import ita_workbook.validate
    from ita_workbook.web.workspace import Workspace

    client = make_client(tmp_path)
    tab = Tab(client)
    tab.upload("returned", DEPARTMENTS[:1])

    def broken(*args, **kwargs):
        raise RuntimeError("internal detail 4711")

    monkeypatch.setattr(ita_workbook.validate, "validate_files", broken)
    page = tab.run("/check")
    shown = text_of(page)
    assert "ข้อผิดพลาดของโปรแกรม (RuntimeError)" in shown and "4711" not in shown and "Traceback" not in shown
    monkeypatch.setattr(Workspace, "remove", broken)
    fid = re.search(r"/files/returned/([0-9a-f]+)/remove", client.get(tab.url + "/check").text).group(1)
    answer = tab.post(f"/files/returned/{fid}/remove")
    assert answer.status_code == 500 and "(RuntimeError)" in text_of(answer) and "Traceback" not in answer.text


def test_any_address_accepts_this_computers_names_only(tmp_path):
    settings = Settings(token=TOKEN, port=8765, host="0.0.0.0", workdir=tmp_path, names=("pc-1", "192.168.1.5", "fe80::1"))
    assert settings.hosts == {"0.0.0.0:8765", "pc-1:8765", "192.168.1.5:8765", "[fe80::1]:8765", "127.0.0.1:8765",
                              "localhost:8765"}
    assert Settings(token=TOKEN, port=8765, host="::1", workdir=tmp_path).hosts == {
        "[::1]:8765", "127.0.0.1:8765", "localhost:8765"}


def test_province_shows_how_many_plans_are_read_while_it_reads_them(tmp_path, monkeypatch):
    import threading

    from ita_workbook.province import workers

    client = make_client(tmp_path)
    master = tmp_path / "โพทะเล.xlsx"
    CliRunner().invoke(main, ["merge", str(EXAMPLE / "departments"), "--config", str(tmp_path / "plan.toml"),
                              "-o", str(master), "--date", "2023-03-22"])
    copies = []
    for name in ("ก.xlsx", "ข.xlsx", "ค.xlsx"):
        copies.append(tmp_path / name)
        shutil.copy(master, copies[-1])
    read, second = workers._read_for_province, threading.Event()
    started = []

    def held(path, fiscal_year=None):  # the second plan waits until the page has shown the first one read
        started.append(path)
        if len(started) == 2:
            second.wait(120)
        return read(path, fiscal_year)

    monkeypatch.setattr(workers, "_read_for_province", held)
    tab = Tab(client)
    tab.upload("masters", copies)
    page = tab.post("/province", {"province": "พิจิตร", "year": "2566"})
    try:
        for _ in range(1200):  # a hang guard only
            state = client.get(str(page.url), headers={"Accept": "application/json"}).json()
            if state["done"] == 1:
                break
            time.sleep(0.05)
        assert (state["done"], state["total"], state["finished"]) == (1, 3, False)
        assert "เสร็จแล้ว 1 จาก 3 ไฟล์" in text_of(client.get(str(page.url)))
    finally:
        second.set()
    for _ in range(1200):  # a hang guard only
        state = client.get(str(page.url), headers={"Accept": "application/json"}).json()
        if state["finished"]:
            break
        time.sleep(0.05)
    assert (state["done"], state["total"], state["error"]) == (3, 3, "")
    assert "3 หน่วยงาน, 123 โครงการ" in text_of(client.get(str(page.url)))


def test_a_department_sent_twice_is_an_error_on_the_page_and_nothing_is_merged(tmp_path):
    """The issue's case: a re-downloaded copy among the files gave a plan with "ผ่าน" and the copies'
    warnings folded away; each copy is now an error row naming the other file."""
    client = make_client(tmp_path)
    tab = Tab(client)
    copy = tmp_path / "กองคลัง (1).xlsx"
    shutil.copy(EXAMPLE / "departments" / "กองคลัง.xlsx", copy)
    tab.upload("returned", [*DEPARTMENTS, copy])
    page = tab.run("/check")
    rows = re.findall(r'<tr class="(\w+)">(.*?)</tr>', html.unescape(page.text), re.S)
    twice = [(severity, row) for severity, row in rows if "(sent-twice)" in row]
    assert [severity for severity, _ in twice] == ["error", "error"]
    assert "กองคลัง (1).xlsx" in twice[0][1] + twice[1][1] and "ไม่ผ่าน" in text_of(page)
    merged = text_of(tab.run("/merge"))
    assert "ไม่ได้เขียนไฟล์" in merged and "ดาวน์โหลดแผนรวม" not in merged
