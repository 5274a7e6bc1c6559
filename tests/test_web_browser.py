"""The page in a real browser (Debian's chromium + chromedriver, through Selenium), against
`ita-workbook serve --no-browser` run as the user runs it. A screenshot of every step is kept under
the test's tmp folder (and copied to /tmp/web-shots) to be looked at."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from ita_workbook.cli import main
from ita_workbook.config import load_config
from ita_workbook.template import for_everyone

webdriver = pytest.importorskip("selenium.webdriver")
pytest.importorskip("starlette")
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER), reason="needs chromium and chromedriver")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "pho-thale-2566"
DEPARTMENTS = sorted((EXAMPLE / "departments").glob("*.xlsx"))
SHOTS_FOR_THE_LEAD = Path("/tmp/web-shots")


@pytest.fixture
def server(tmp_path):
    """`ita-workbook serve` as a user starts it; yields its printed address."""
    config = tmp_path / "plan.toml"
    shutil.copy(EXAMPLE / "plan.toml", config)
    env = {**os.environ, "TMPDIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "ita_workbook", "serve", "--no-browser", "--config", str(config),
                             "--max-file-mb", "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = ""
    while not url:
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        url = line.strip() if "token=" in line else ""
    yield url
    proc.terminate()
    out, err = proc.communicate(timeout=600)  # a bound against a hang, not a speed test
    assert "Traceback" not in err, err
    assert not list(tmp_path.glob("ita-workbook-web-*")), "the working folder outlived the server"


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1366,768", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    driver.downloads = downloads
    yield driver
    driver.quit()


class Steps:
    def __init__(self, driver, folder: Path):
        self.driver = driver
        self.folder = folder
        self.folder.mkdir()
        self.count = 0

    def shot(self, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        height = self.driver.execute_script("return document.body.scrollHeight")
        self.driver.set_window_size(1366, max(768, min(height + 140, 4000)))
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(1366, 768)
        return path

    def wait_for(self, css: str, text: str = "", rounds: int = 3000):
        """The element once it shows `text`; the page may go through a progress page first."""
        for _ in range(rounds):
            try:
                found = [e for e in self.driver.find_elements(By.CSS_SELECTOR, css) if text in e.text]
            except StaleElementReferenceException:  # the page changed while it was read: read it again
                found = []
            except WebDriverException as exc:  # the same race, as chromedriver sometimes words it
                if "does not belong to the document" not in str(exc):
                    raise
                found = []
            if found:
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"{css} with {text!r} never appeared on {self.driver.current_url}")

    def upload(self, paths):
        self.driver.find_element(By.CSS_SELECTOR, "form.drop input[type=file]").send_keys(
            "\n".join(str(p) for p in paths))
        self.driver.find_element(By.CSS_SELECTOR, "form.drop button[type=submit]").click()

    def download(self, css: str, suffix: str) -> Path:
        before = set(self.driver.downloads.iterdir())
        self.driver.find_element(By.CSS_SELECTOR, css).click()
        for _ in range(3000):
            done = [p for p in set(self.driver.downloads.iterdir()) - before if p.suffix == suffix]
            if done and not list(self.driver.downloads.glob("*.crdownload")):
                return done[0]
            time.sleep(0.1)
        raise AssertionError(f"no {suffix} downloaded")


def cli_messages(*paths: Path, config: Path) -> list[dict]:
    result = CliRunner().invoke(main, ["validate", *map(str, paths), "--config", str(config), "--format", "json"])
    report = json.loads(result.output)
    return [p for f in report["files"] for p in f["problems"]] + report["problems"]


def test_the_yearly_round_in_a_browser(server, browser, tmp_path):
    import httpx

    steps = Steps(browser, tmp_path / "shots")
    config = tmp_path / "plan.toml"

    # Without the token the page is refused.
    bare = server.split("?")[0]
    assert httpx.get(bare).status_code == 403
    assert httpx.get(bare + "static/style.css").status_code == 403

    browser.get(server)
    assert "token" not in browser.current_url  # the token went into a cookie
    assert browser.find_element(By.NAME, "organisation").get_attribute("value") == "เทศบาลตำบลโพทะเล"
    issuer = browser.find_element(By.NAME, "issuer")
    issuer.clear()
    issuer.send_keys("สมศรี ตรวจแผน")
    browser.find_element(By.CSS_SELECTOR, "form.settings button[type=submit]").click()
    steps.wait_for(".notice.ok", "บันทึกแล้ว")
    assert 'issuer = "สมศรี ตรวจแผน"' in config.read_text(encoding="utf-8")
    steps.shot("settings")

    # Templates: one per department of plan.toml, all in a zip.
    browser.find_element(By.PARTIAL_LINK_TEXT, "๒ แบบฟอร์ม").click()
    browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]").click()
    steps.wait_for(".results h2", "แบบฟอร์มที่สร้างแล้ว")
    steps.shot("templates")
    with zipfile.ZipFile(steps.download(".results a.button", ".zip")) as bundle:
        sent_to = [d for d in load_config(config).department_names if not for_everyone(d)]  # as the CLI does
        assert sorted(bundle.namelist()) == sorted(f"{d}.xlsx" for d in sent_to) and len(sent_to) == 6

    # Check: the departments' files, dropped in; the problems the CLI reports are shown.
    browser.find_element(By.LINK_TEXT, "๓ ตรวจไฟล์\nCheck returned files").click()
    steps.upload(DEPARTMENTS)
    summary = steps.wait_for(".summary", "41 โครงการ")
    assert "ข้อผิดพลาด 0, คำเตือน 3" in summary.text
    page = browser.find_element(By.ID, "results").text
    for problem in cli_messages(*DEPARTMENTS, config=config):
        assert problem["message"] in page and problem["message_en"] in page
    rows = browser.find_elements(By.CSS_SELECTOR, "table.problems tbody tr")
    cells = {r.find_elements(By.TAG_NAME, "td")[2].text for r in rows}
    assert cells == {p["cell"] for p in cli_messages(*DEPARTMENTS, config=config) if p["cell"]}
    steps.shot("check")
    marked = steps.download(".file-result a.button", ".xlsx")
    assert marked.name.endswith("(ตรวจแล้ว).xlsx")
    assert any(c.comment for ws in load_workbook(marked) for r in ws.iter_rows() for c in r if c.comment)

    # Merge, download the master and check its totals.
    browser.find_element(By.PARTIAL_LINK_TEXT, "ต่อไป: รวมแผน").click()
    browser.find_element(By.CSS_SELECTOR, "#merge-form button[type=submit]").click()
    steps.wait_for(".notice.ok", "เขียน 41 โครงการ")
    steps.shot("merge")
    master = steps.download("#download-master", ".xlsx")
    book = load_workbook(master, read_only=True)
    rows = list(book["ข้อมูล"].iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert len(data) == 41
    assert [sum(bool(r[header.index(q)]) for r in data) for q in ("q1", "q2", "q3", "q4")] == [27, 34, 15, 9]
    if browser.find_elements(By.ID, "download-pdf"):
        assert steps.download("#download-pdf", ".pdf").read_bytes().startswith(b"%PDF")

    # A damaged workbook and a file that is no workbook: the CLI's own words.
    broken = tmp_path / "กองช่าง.xlsx"
    broken.write_bytes(DEPARTMENTS[0].read_bytes()[:3000])
    notes = tmp_path / "บันทึก.txt"
    notes.write_text("ไม่ใช่ไฟล์ Excel", encoding="utf-8")
    browser.find_element(By.PARTIAL_LINK_TEXT, "๓ ตรวจไฟล์").click()
    steps.upload([broken, notes])
    steps.wait_for(".summary", "ข้อผิดพลาด 2")
    page = browser.find_element(By.ID, "results").text
    for path in (broken, notes):
        [problem] = cli_messages(path, config=config)
        assert problem["code"] == "unreadable-file" and problem["message"] in page, problem
    steps.shot("broken-files")

    # A file sent again: replace the damaged one, and the check runs again. It is a copy of a
    # department's file already there, under another name: both are named as sent twice (errors).
    fixed = tmp_path / "กองช่าง-แก้แล้ว.xlsx"
    fixed.write_bytes(DEPARTMENTS[0].read_bytes())
    row = [r for r in browser.find_elements(By.CSS_SELECTOR, "table.files tbody tr") if "กองช่าง.xlsx" in r.text][0]
    row.find_element(By.CSS_SELECTOR, "input.auto-submit").send_keys(str(fixed))
    steps.wait_for(".summary", "ข้อผิดพลาด 3")
    assert browser.find_element(By.ID, "results").text.count("(sent-twice)") == 2
    listed = browser.find_element(By.CSS_SELECTOR, "table.files").text
    assert "กองช่าง-แก้แล้ว.xlsx" in listed and "กองช่าง.xlsx" not in listed

    # Over the cap (--max-file-mb 1): refused with a sentence, nothing stored.
    big = tmp_path / "ใหญ่.xlsx"
    big.write_bytes(os.urandom(1_200_000))
    steps.upload([big])
    status = steps.wait_for(".upload-status.failed", "ใหญ่เกิน")
    assert "ใหญ่.xlsx ใหญ่เกิน 1 MB" in status.text and "over 1 MB" in status.text
    steps.shot("too-large")
    browser.get(browser.current_url)
    assert "ใหญ่.xlsx" not in browser.find_element(By.CSS_SELECTOR, "table.files").text

    # The marked-up copy of the damaged file cannot exist; another tab sees none of these files.
    browser.switch_to.new_window("tab")
    browser.get(server)
    browser.find_element(By.PARTIAL_LINK_TEXT, "๓ ตรวจไฟล์").click()
    assert not browser.find_elements(By.CSS_SELECTOR, "table.files")
    # Thai first; the English beside it can be hidden, and stays hidden on the next page.
    english = browser.find_element(By.CSS_SELECTOR, "h1 .en")
    assert english.is_displayed() and english.text == "Check the returned files"
    browser.find_element(By.ID, "lang").click()
    assert not english.is_displayed()
    browser.find_element(By.PARTIAL_LINK_TEXT, "๔ รวมแผน").click()
    assert not browser.find_element(By.CSS_SELECTOR, "h1 .en").is_displayed()
    assert browser.find_element(By.TAG_NAME, "h1").text == "รวมแผน"
    steps.shot("second-tab-thai-only")

    SHOTS_FOR_THE_LEAD.mkdir(exist_ok=True)
    for shot in sorted(steps.folder.glob("*.png")):
        shutil.copy(shot, SHOTS_FOR_THE_LEAD / shot.name)
    assert steps.count == 7 and all(p.stat().st_size > 10_000 for p in steps.folder.glob("*.png"))
    assert re.match(r"http://127\.0\.0\.1:\d+/\?token=", server)


# --- the whole year by clicking, on a laptop and on a phone ------------------------------------------

SIZES = {"laptop": (1366, 768), "phone": (390, 844)}


class Year:
    """A person clicking through the year at one screen size; a screenshot of what they see after
    each step (the viewport: what a step produced must be in it), kept under the test's tmp folder."""

    def __init__(self, driver, folder: Path, size: tuple[int, int]):
        self.driver, self.folder, self.size = driver, folder, size
        self.steps = Steps(driver, folder)
        self.shots: list[Path] = []
        self.metrics(size[1])

    def metrics(self, height: int) -> None:
        width = self.size[0]
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})

    def shot(self, name: str, full: bool = False) -> Path:
        path = self.folder / f"{len(self.shots) + 1:02d}-{name}.png"
        if full:
            height = self.driver.execute_script("return document.documentElement.scrollHeight")
            self.metrics(min(height, 6000))
        self.driver.save_screenshot(str(path))
        if full:
            self.metrics(self.size[1])
        self.shots.append(path)
        return path

    def go(self, page: str) -> None:
        self.driver.find_element(By.CSS_SELECTOR, f'nav.steps a[href$="/{page}"]').click()

    def click(self, css: str) -> None:
        element = self.driver.find_element(By.CSS_SELECTOR, css)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def upload(self, form_css: str, paths) -> None:
        form = self.driver.find_element(By.CSS_SELECTOR, form_css)
        form.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys("\n".join(str(p) for p in paths))
        self.driver.execute_script("arguments[0].requestSubmit()", form)

    def in_view(self, css: str, text: str = ""):
        """The element once it shows `text`, brought into view: at the window's top, or the page scrolled
        as far as it goes with the element's top in the window."""
        element = self.steps.wait_for(css, text)
        for _ in range(50):  # the page scrolls once it has loaded
            top, at_end = self.driver.execute_script(
                "return [arguments[0].getBoundingClientRect().top,"
                " scrollY + innerHeight >= document.documentElement.scrollHeight - 2]", element)
            if -2 <= top <= 2 or (at_end and 0 <= top < self.size[1] - 100):
                return element
            time.sleep(0.1)
        raise AssertionError(f"{css} is at {top}px, out of the {self.size[1]}px window")

    def readable(self) -> None:
        """Nothing wider than the window; Thai messages laid out at a width for words, not letters."""
        width = self.driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= self.size[0], f"the page is {width}px wide in a {self.size[0]}px window"
        narrow = self.driver.execute_script(
            "return [...document.querySelectorAll('.msg, .notice, .summary')]"
            ".filter(e => e.offsetParent && e.getBoundingClientRect().width < Math.min(300, innerWidth * .7))"
            ".map(e => e.textContent.slice(0, 40))")
        assert not narrow, narrow


@pytest.mark.parametrize("size", SIZES)
def test_the_whole_year_by_clicking(server, browser, tmp_path, size):
    from seed import load_example_script

    from ita_workbook.report_form import DONE, IN_PROGRESS

    fill = load_example_script("fill_reports.py")
    year = Year(browser, tmp_path / f"year-{size}", SIZES[size])
    phone = size == "phone"
    browser.get(server)
    year.readable()
    year.shot("settings")

    # The plan: templates, the departments' files checked as they are dropped, the master merged.
    year.go("templates")
    year.click("form.card button[type=submit]")
    year.in_view("#results", "แบบฟอร์มที่สร้างแล้ว")
    year.shot("templates")
    year.go("check")
    broken = tmp_path / "กองช่าง.xlsx"
    broken.write_bytes(b"not a workbook at all")
    year.upload("form.drop", [*DEPARTMENTS, broken])
    year.in_view("#results", "ข้อผิดพลาด 1")
    [section] = [s for s in browser.find_elements(By.CSS_SELECTOR, ".file-result") if "กองช่าง.xlsx" in s.text]
    value = section.find_element(By.CSS_SELECTOR, "table.problems td.value").text
    assert value in ("ไฟล์เสีย", "ไม่ใช่ไฟล์ Excel"), value  # never the machine word
    year.readable()
    year.shot("check-findings")
    row = [r for r in browser.find_elements(By.CSS_SELECTOR, "table.files tbody tr") if "กองช่าง.xlsx" in r.text][0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    row.find_element(By.CSS_SELECTOR, "button.secondary").click()  # remove the damaged file
    year.in_view("#results", "ข้อผิดพลาด 0")  # the other files' findings, found again without it
    assert "41 โครงการ" in browser.find_element(By.CSS_SELECTOR, ".summary").text
    year.shot("check-after-remove")
    year.go("merge")
    date = browser.find_element(By.CSS_SELECTOR, "#merge-form input[type=date]")
    browser.execute_script("arguments[0].value = '2023-03-22'; arguments[0].dispatchEvent(new Event('input'))", date)
    assert browser.find_element(By.CSS_SELECTOR, "#merge-form output.be").text == "๒๒ มีนาคม ๒๕๖๖"
    if phone:
        browser.find_elements(By.CSS_SELECTOR, "#merge-form input[name=pdf]") and browser.execute_script(
            "document.querySelector('#merge-form input[name=pdf]').checked = false")
    year.click("#merge-form button[type=submit]")
    year.in_view("#results", "เขียน 41 โครงการ")
    year.shot("merge")
    master = year.steps.download("#download-master", ".xlsx")

    # Six months: forms from the master merged in this tab, filled by the clerks, checked, compiled.
    year.go("report-6")
    assert "ใช้แผนรวมที่รวมในแท็บนี้" in browser.find_element(By.ID, "plan").text
    year.readable()
    year.shot("report-6")
    year.click("#forms-form button[type=submit]")
    year.in_view("#forms-result", "โครงการ")
    year.shot("report-6-forms")
    forms = tmp_path / f"forms6-{size}"
    with zipfile.ZipFile(year.steps.download("#download-forms", ".zip")) as bundle:
        bundle.extractall(forms)
    returned = fill.fill_reports(forms, tmp_path / f"returned6-{size}")
    year.upload("#returned form.drop", returned)
    year.in_view("#results", "ผลการตรวจ")
    assert "รอรายงานผล 1" in browser.find_element(By.CSS_SELECTOR, "#results pre.round-text").text
    year.readable()
    year.shot("report-6-checked")
    if phone and browser.find_elements(By.CSS_SELECTOR, "#compile-form input[name=pdf]"):
        browser.execute_script("document.querySelector('#compile-form input[name=pdf]').checked = false")
    year.click("#compile-form button[type=submit]")
    year.in_view("#compiled-result", "รวมแล้ว")
    light = browser.find_element(By.CSS_SELECTOR, "#compiled-result .light")
    assert light.get_attribute("class").split()[-1] in ("green", "orange", "red")
    year.shot("report-6-compiled")
    if browser.find_elements(By.ID, "download-report-pdf"):
        assert year.steps.download("#download-report-pdf", ".pdf").read_bytes().startswith(b"%PDF")

    # Twelve months: the forms start from the 6-month report just compiled.
    year.click('#compiled-result a[href$="/report-12"]')
    assert "รายงานรอบ ๖ เดือนที่รวมในแท็บนี้" in browser.find_element(By.ID, "previous").text
    year.click("#forms-form button[type=submit]")
    year.in_view("#forms-result", "ผลรอบ ๖ เดือนของ 40 โครงการ")
    year.shot("report-12-forms")
    forms = tmp_path / f"forms12-{size}"
    with zipfile.ZipFile(year.steps.download("#download-forms", ".zip")) as bundle:
        bundle.extractall(forms)
    returned = []
    for form in sorted(forms.iterdir()):
        if "หน่วยตรวจสอบภายใน" not in form.stem:
            returned.append(tmp_path / f"returned12-{size}" / form.name)
            fill.fill_form(form, returned[-1], lambda number, budget, quarters: {
                "status": IN_PROGRESS if number in (3, 9) else DONE})
    year.upload("#returned form.drop", returned)
    year.in_view("#results", "ผลการตรวจ")
    if phone and browser.find_elements(By.CSS_SELECTOR, "#compile-form input[name=pdf]"):
        browser.execute_script("document.querySelector('#compile-form input[name=pdf]').checked = false")
    year.click("#compile-form button[type=submit]")
    assert "95.12 — เขียว" in year.in_view("#compiled-result", "รวมแล้ว").text
    year.readable()
    year.shot("report-12-compiled")
    year_end = year.steps.download("#download-report", ".xlsx")

    # The province: the master and the year-end report together.
    year.go("province")
    year.upload("form.drop", [master, year_end])
    year.steps.wait_for("table.files", year_end.name)
    year.click("#province-form button[type=submit]")
    assert "95.12" in year.in_view("#results", "รายงานผลรอบ 12 เดือน").text
    year.readable()
    year.shot("province")

    shots = SHOTS_FOR_THE_LEAD / f"year-{size}"
    shots.mkdir(parents=True, exist_ok=True)
    for shot in year.shots:
        shutil.copy(shot, shots / shot.name)
    assert len(year.shots) == 12 and all(p.stat().st_size > 5_000 for p in year.shots)
