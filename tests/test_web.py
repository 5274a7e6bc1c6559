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
            assert f"data-label=\"ช่อง\">{problem['cell']}</td>" in page.text
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
    assert "data-label=\"ช่อง\">J50</td>" in page.text and "data-label=\"ช่อง\">L50</td>" in page.text


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


# --- the result report --------------------------------------------------------------------------------

def unzip(data: bytes, folder: Path) -> list[Path]:
    folder.mkdir(parents=True)
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        bundle.extractall(folder)
    return sorted(folder.iterdir())


def cli_json(*args) -> dict:
    result = CliRunner().invoke(main, [*map(str, args), "--format", "json"])
    return json.loads(result.output)


def test_the_whole_year_in_the_page_is_the_command_lines_year(tmp_path):
    """Plan, 6-month and 12-month report, province: the page's figures are those of the CLI on the
    same files."""
    from seed import load_example_script

    from ita_workbook.report_form import DONE, IN_PROGRESS

    fill = load_example_script("fill_reports.py")
    config = tmp_path / "plan.toml"
    client = make_client(tmp_path)
    tab = Tab(client)
    page = text_of(client.get(tab.url + "/report-6"))
    assert "หน้านี้ยังไม่พร้อม" not in page and "ยังไม่มีแผนรวม" in page  # no plan yet, and why
    tab.upload("returned", DEPARTMENTS)
    merged = tab.run("/merge", {"date": "2023-03-22"})
    master = tmp_path / "master.xlsx"
    master.write_bytes(tab.download(merged.text, "ดาวน์โหลดแผนรวม"))

    # The forms, from the master merged in this tab: one per department, as report-template writes them.
    made = tab.run("/report-6/forms")
    assert str(made.url).endswith("/report-6#forms-result")
    assert "ใช้แผนรวมที่รวมในแท็บนี้" in text_of(made)
    forms = unzip(tab.download(made.text, "ดาวน์โหลดทั้งหมด"), tmp_path / "forms6")
    CliRunner().invoke(main, ["report-template", "--plan", str(master), "--round", "6", "--config", str(config),
                              "-o", str(tmp_path / "cli-forms6")])
    assert [p.name for p in forms] == sorted(p.name for p in (tmp_path / "cli-forms6").iterdir())
    returned6 = fill.fill_reports(tmp_path / "forms6", tmp_path / "returned6")

    # Checked as they come, with the score the report would have.
    tab.upload("report-6", returned6)
    checked = tab.run("/report-6/check")
    assert str(checked.url).endswith("/report-6#results")
    expected = cli_json("report", *returned6, "--plan", master, "--round", "6", "--config", config,
                        "-o", tmp_path / "cli6.xlsx")
    shown = text_of(checked)
    s = expected["summary"]
    assert f"แล้วเสร็จ {s['done']}, อยู่ระหว่างดำเนินการ {s['in_progress']}" in shown
    assert f"{s['score']:.2f} — " + {"green": "เขียว", "orange": "ส้ม", "red": "แดง"}[s["light"]] in shown
    for problem in [p for f in expected["files"] for p in f["problems"]] + expected["problems"]:
        assert problem["message"] in shown, problem
    assert s["not_reported"] == 1  # หน่วยตรวจสอบภายใน never answers

    # Compiled: the workbook the CLI writes, from the same forms.
    compiled = tab.run("/report-6/compile", {"date": "2023-04-05", "signatures": "1"})
    assert str(compiled.url).endswith("/report-6#compiled-result")
    six = tmp_path / "six.xlsx"
    six.write_bytes(tab.download(compiled.text, "ดาวน์โหลดรายงานผล"))
    book = load_workbook(six, read_only=True)
    assert book.sheetnames == load_workbook(tmp_path / "cli6.xlsx", read_only=True).sheetnames

    # 12 months: the forms start from the 6-month report compiled in this tab.
    twelve = text_of(client.get(tab.url + "/report-12"))
    assert "รายงานรอบ ๖ เดือนที่รวมในแท็บนี้" in twelve
    made = tab.run("/report-12/forms", {"previous": "1"})
    assert "ผลรอบ ๖ เดือนของ 40 โครงการจาก" in text_of(made)
    unzip(tab.download(made.text, "ดาวน์โหลดทั้งหมด"), tmp_path / "forms12")
    returned12 = []
    for form in sorted((tmp_path / "forms12").iterdir()):
        if "หน่วยตรวจสอบภายใน" not in form.stem:
            returned12.append(tmp_path / "returned12" / form.name)
            fill.fill_form(form, returned12[-1], lambda number, budget, quarters: {
                "status": IN_PROGRESS if number in (3, 9) else DONE})
    tab.upload("report-12", returned12)
    compiled = tab.run("/report-12/compile", {"date": "2023-10-05"})
    shown = text_of(compiled)
    assert "รวมแล้ว" in shown and "95.12 — เขียว" in shown  # test_report's year-end figures, from the CLI
    year_end = tmp_path / "twelve.xlsx"
    year_end.write_bytes(tab.download(compiled.text, "ดาวน์โหลดรายงานผล"))

    # The province takes the plan and the report together.
    tab.upload("masters", [master, year_end])
    province = tab.run("/province", {"province": "พิจิตร", "year": "2566"})
    shown = text_of(province)
    assert "รายงานผลรอบ 12 เดือน" in shown and "95.12 — เขียว" in shown and "1 หน่วยงาน, 41 โครงการ" in shown


def test_a_plan_uploaded_is_used_before_the_tabs_own_and_a_plan_without_projects_is_refused(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    from openpyxl import Workbook

    empty = tmp_path / "ว่าง.xlsx"
    Workbook().save(empty)
    tab.upload("report-plan", [empty], params={"back": "report-12"})
    page = text_of(client.get(tab.url + "/report-12"))
    assert "ใช้แผนที่ส่งเข้ามา" in page and "ว่าง.xlsx" in page
    refused = text_of(tab.run("/report-12/forms"))
    assert "ไม่พบโครงการในแผน ว่าง.xlsx / no project found in the plan ว่าง.xlsx" in refused
    tab.upload("report-plan", [EXAMPLE / "published.xlsx"])  # another plan replaces it: one plan at a time
    page = text_of(client.get(tab.url + "/report-6"))
    assert "published.xlsx" in page and "ว่าง.xlsx" not in page


# --- seen by a new user ---------------------------------------------------------------------------------

def test_every_greyed_out_button_says_why_beside_it(tmp_path):
    from ita_workbook.web.app import PAGES

    client = make_client(tmp_path)
    tab = Tab(client)
    disabled = 0
    for page in PAGES:
        text = client.get(f"{tab.url}/{page}").text
        for button in re.findall(r"<button[^>]*\bdisabled\b[^>]*>", text):
            disabled += 1
            why = re.search(r'aria-describedby="([^"]+)"', button)
            assert why, (page, button)
            said = re.search(rf'id="{why.group(1)}">([^<]+)<span class="en">([^<]+)</span>', text)
            assert said and said.group(1).strip() and said.group(2).strip(), (page, button)  # Thai, then English
    assert disabled >= 5  # merge, province, and the report pages' buttons before there is a plan


def test_every_task_lands_on_its_results(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    tab.upload("returned", DEPARTMENTS[:2])
    for action, anchor in (("/check", "results"), ("/merge", "results"), ("/templates", "results")):
        page = tab.run(action, {"department": ["กองคลัง"], "draft": "1"})
        assert str(page.url).endswith(f"{action}#{anchor}"), page.url
        assert f'id="{anchor}" tabindex="-1"' in page.text
    listed = client.post(tab.url + "/files/plans", data={"csrf": tab.csrf},
                         files=[("file", ("แผน.xlsx", (EXAMPLE / "published.xlsx").read_bytes()))])
    assert str(listed.url).endswith("/plan-check#files-plans") and 'id="files-plans"' in listed.text


def test_removing_a_file_keeps_the_other_files_findings(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    tab.upload("returned", DEPARTMENTS[:2] + broken_files(tmp_path)[:1])
    first = text_of(tab.run("/check"))
    assert "3 ไฟล์" in first and "ข้อผิดพลาด 1" in first
    listed = re.findall(r'<td>([^<]+)</td><td class="num">.*?/files/returned/([0-9a-f]+)/remove',
                        client.get(tab.url + "/check").text, re.S)
    broken = dict(listed)["กองช่าง.xlsx"]
    removed = tab.client.post(f"{tab.url}/files/returned/{broken}/remove", data={"csrf": tab.csrf})
    for _ in range(3000):
        if "/job/" not in str(removed.url):
            break
        time.sleep(0.1)
        removed = client.get(str(removed.url))
    shown = text_of(removed)
    assert str(removed.url).endswith("/check#results")
    assert "สรุป: 2 ไฟล์" in shown and "ข้อผิดพลาด 0" in shown  # the two left, checked again
    for path in DEPARTMENTS[:2]:
        assert f"<h3>{path.name} " in removed.text


def test_the_value_column_never_shows_a_machine_word(tmp_path):
    from ita_workbook.problems import REASON_WORDS

    client = make_client(tmp_path)
    tab = Tab(client)
    tab.upload("returned", broken_files(tmp_path))
    page = tab.run("/check")
    values = re.findall(r'<td class="value" data-label="ค่าที่พบ">([^<]*)</td>', page.text)
    assert values and "not-a-workbook" not in values and "corrupt" not in values
    assert "ไม่ใช่ไฟล์ Excel" in values or "ไฟล์เสีย" in values
    # every reason the README lists for unreadable-file has its Thai words
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"`unreadable-file` \|.*?\((?:สาเหตุ|the reason)[^)]*?: ((?:`[a-z-]+`,? ?)+)\)", readme)
    reasons = re.findall(r"`([a-z-]+)`", listed.group(1))
    assert "not-a-workbook" in reasons and not set(reasons) - set(REASON_WORDS)


def test_a_department_is_suggested_only_when_it_is_close():
    from ita_workbook.config import Config, Department

    config = Config(departments=tuple(Department(n) for n in ("สำนักปลัด", "กองคลัง", "กองการศึกษา",
                                                              "กองสวัสดิการสังคม")))
    assert config.suggest_department("กองช่าง") is None  # shares only กอง with กองคลัง
    assert config.suggest_department("กองสาธารณสุข") is None
    assert config.suggest_department("กองคลง") == "กองคลัง"  # a vowel left out
    assert config.suggest_department("สำนักปลัส") == "สำนักปลัด"
    assert config.suggest_department("กองสวัสดิการ") == "กองสวัสดิการสังคม"  # cut short


def test_province_gives_the_same_counts_in_thai_and_english(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    tab.upload("masters", broken_files(tmp_path))
    page = text_of(tab.run("/province", {"province": "พิจิตร", "year": "2566"}))
    thai = re.search(r"ข้อผิดพลาด (\d+) รายการ, คำเตือน (\d+) รายการ", page)
    english = re.search(r"(\d+) errors, (\d+) warnings", page)
    assert thai and english and thai.groups() == english.groups() and thai.group(1) != "0"
    organisations = re.search(r"มีข้อผิดพลาด (\d+), อ่านไม่ได้ (\d+)", page)
    assert organisations.groups() == re.search(r"(\d+) with errors, (\d+) unreadable", page).groups()


def test_a_second_tab_says_where_the_first_tabs_files_are(tmp_path):
    client = make_client(tmp_path)
    first = Tab(client)
    first.upload("returned", DEPARTMENTS[:1])
    second = Tab(client)
    page = client.get(second.url + "/check")
    assert "แท็บนี้เป็นงานใหม่" in text_of(page)
    back = re.search(r'<a href="([^"]+)" class="other-tab">([^<]+)</a>', page.text)
    assert back.group(1) == first.url.split(BASE)[1] + "/check" and DEPARTMENTS[0].name in html.unescape(back.group(2))
    assert DEPARTMENTS[0].name in text_of(client.get(BASE + back.group(1)))
    (tmp_path / "alone").mkdir()
    fresh = Tab(make_client(tmp_path / "alone"))  # alone: nothing to point at
    assert "แท็บนี้เป็นงานใหม่" not in text_of(fresh.client.get(fresh.url + "/check"))


def test_a_date_field_shows_its_buddhist_era_date(tmp_path):
    import datetime as dt

    from ita_workbook.thai import thai_date

    client = make_client(tmp_path)
    tab = Tab(client)
    today = thai_date(dt.date.today())
    for page in ("merge", "province", "report-6"):
        shown = text_of(client.get(f"{tab.url}/{page}"))
        assert re.search(rf'<input type="date" name="date" value="{dt.date.today().isoformat()}" class="be-date">\s*'
                         rf'<output class="be"[^>]*>{today}</output>', shown), page


def test_saving_unchanged_settings_leaves_plan_toml_alone(tmp_path):
    client = make_client(tmp_path)
    tab = Tab(client)
    config = tmp_path / "plan.toml"
    before = config.read_bytes()
    page = client.get(tab.url + "/settings").text
    fields = {name: html.unescape(value) for name, value in re.findall(r'<input name="(\w+)" value="([^"]*)"', page)}
    fields["departments"] = html.unescape(re.search(r'<textarea name="departments"[^>]*>(.*?)</textarea>', page, re.S).group(1))
    os.utime(config, (1_000_000_000, 1_000_000_000))
    said = text_of(tab.post("/settings", fields))
    assert "ไม่มีอะไรเปลี่ยน" in said
    assert config.read_bytes() == before and config.stat().st_mtime == 1_000_000_000
    fields["issuer"] = "สมศรี ตรวจแผน"
    assert "บันทึกแล้ว" in text_of(tab.post("/settings", fields))
    assert load_config(config).issuer == "สมศรี ตรวจแผน"


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
