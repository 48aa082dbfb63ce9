"""The staff console in a real headless Chromium against the real gunicorn server and the fake
Messaging API: sign in, try a question, turn an unanswered question into an alternate and see
the bot answer it on LINE, edit an answer, upload a broken workbook, download a roster.

Each page is saved as a screenshot in ``var/screenshots/`` (printed at the end of the run).
Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

import line_events as ev
from bot.content.excel import export_workbook, import_workbook
from bot.content.loader import load_faq
from bot.errors import WorkbookError
from bot.storage import Storage
from conftest import ROOT, server_env
from gunicorn_server import GunicornServer
from staff_console import OTHER_PASSWORD, PASSWORD
from test_line_service import send, texts

pytestmark = pytest.mark.e2e

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
if not (CHROMIUM and DRIVER):
    pytest.skip("Debian's chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)",
                allow_module_level=True)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

SCREENSHOTS = ROOT / "var" / "screenshots"
UNANSWERED = "マイナンバーカードを洗濯してしまった"


@pytest.fixture(scope="module")
def site(line_api, tmp_path_factory):
    """gunicorn with the console on, a copy of the FAQ it may change, and two staff accounts
    made with ``bot staff add`` as IT would."""
    tmp = tmp_path_factory.mktemp("console")
    faq_dir = tmp / "faq"
    shutil.copytree(ROOT / "faq", faq_dir)
    env = {**server_env(line_api, tmp, faq_dir), "STAFF_CONSOLE": "1", "STAFF_SIGNIN_DELAY": "0.2"}
    for name, password in (("sato", PASSWORD), ("suzuki", OTHER_PASSWORD)):
        added = subprocess.run([sys.executable, "-m", "bot", "staff", "add", name, "--database", env["DATABASE_URL"]],
                               input=password + "\n", capture_output=True, text=True, cwd=ROOT)
        assert added.returncode == 0, added.stderr
    server = GunicornServer(env, tmp / "gunicorn.log").start()
    yield server, faq_dir, tmp
    server.stop()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory):
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads):
    options = _options()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def wait(browser, condition, timeout: float = 20):
    return WebDriverWait(browser, timeout).until(condition)


def shot(browser, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    browser.save_screenshot(str(path))
    return path


def sign_in(browser, site, name="sato", password=PASSWORD):
    server, _, _ = site
    browser.get(server.url + "/staff/login")
    browser.find_element(By.NAME, "name").send_keys(name)
    browser.find_element(By.NAME, "password").send_keys(password)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, ".signout")))


def flash(browser) -> str:
    return wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, ".flash"))).text


def test_sign_in(browser, site):
    server, _, _ = site
    browser.get(server.url + "/staff/")
    wait(browser, EC.url_contains("/staff/login"))
    shot(browser, "01-sign-in")
    browser.find_element(By.NAME, "name").send_keys("sato")
    browser.find_element(By.NAME, "password").send_keys("wrong-password")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    assert "名前かパスワードがちがいます" in wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, ".error"))).text
    shot(browser, "02-sign-in-refused")
    sign_in(browser, site)
    assert "sato さん" in browser.find_element(By.CSS_SELECTOR, ".signout").text
    shot(browser, "03-home")
    cookie = browser.get_cookie("bot_staff")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
    assert PASSWORD not in server.log()


def test_try_a_question(browser, site, responder):
    server, _, _ = site
    browser.get(server.url + "/staff/try")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("マイナンバーカードをなくした")
    box.submit()
    bubble = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, ".phone .bubble")))
    assert bubble.text.startswith(responder.faq.entry("mynumber-lost").answer.split("\n")[0])
    chips = [c.text for c in browser.find_elements(By.CSS_SELECTOR, ".phone .chip")]
    assert chips[-4:] == ["解決した", "解決しない", "メニュー", "職員に聞きたい"]
    assert browser.find_element(By.ID, "status").text == "答えた"
    assert "mynumber-lost" in browser.find_element(By.CSS_SELECTOR, "table.candidates").text
    shot(browser, "04-try-a-question")


def test_an_unanswered_question_becomes_an_alternate_and_the_bot_answers_it_on_line(browser, site, fake_api, responder):
    server, faq_dir, _ = site
    before = send(server, fake_api, ev.text(UNANSWERED))
    assert texts(before).startswith("ごめんなさい")
    browser.get(server.url + "/staff/report")
    group = wait(browser, EC.presence_of_element_located(
        (By.XPATH, f"//form[contains(@class, 'group')][.//input[@value='{UNANSWERED}']]")))
    assert group.find_elements(By.CSS_SELECTOR, "button.suggest"), "the engine's closest entries are offered"
    shot(browser, "05-report")
    Select(group.find_element(By.NAME, "other_entry")).select_by_value("mynumber-reissue")
    group.find_element(By.CSS_SELECTOR, "button[value='__other__']").click()
    assert "mynumber-reissue の言い方に" in flash(browser)
    shot(browser, "06-alternate-added")
    assert UNANSWERED in load_faq(faq_dir).entry("mynumber-reissue").alternates
    expected = responder.entry(responder.faq.entry("mynumber-reissue")).text
    deadline = time.monotonic() + 15
    while texts(send(server, fake_api, ev.text(UNANSWERED))) != expected:
        assert time.monotonic() < deadline, "the running bot did not answer the new wording within 15 seconds"
        fake_api.reset()


def test_edit_an_answer(browser, site, fake_api):
    server, faq_dir, _ = site
    browser.get(server.url + "/staff/entries")
    shot(browser, "07-entries")
    browser.find_element(By.LINK_TEXT, load_faq(faq_dir).entry("class-schedule").question).click()
    answer = wait(browser, EC.visibility_of_element_located((By.NAME, "answer")))
    shot(browser, "08-entry")
    answer.clear()
    answer.send_keys("スマホ教室は、毎月第2・第4水曜日です。\nくわしくは役場にお電話ください。")
    browser.find_element(By.CSS_SELECTOR, "button[value=preview]").click()
    bubble = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, "aside .phone .bubble")))
    assert bubble.text.startswith("スマホ教室は、毎月第2・第4水曜日です。")
    shot(browser, "09-entry-preview")
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    assert "保存しました" in flash(browser)
    assert load_faq(faq_dir).entry("class-schedule").answer.startswith("スマホ教室は、毎月第2・第4水曜日です。")
    deadline = time.monotonic() + 15
    while not texts(send(server, fake_api, ev.postback("entry:class-schedule"))).startswith("スマホ教室は、毎月第2"):
        assert time.monotonic() < deadline, "the edited answer did not reach LINE within 15 seconds"
        fake_api.reset()


def test_a_second_editor_is_refused_and_keeps_their_text(browser, site):
    server, faq_dir, _ = site
    browser.get(server.url + "/staff/entries/mynumber-lost")
    mine = wait(browser, EC.visibility_of_element_located((By.NAME, "answer")))
    # Meanwhile another staff member (another browser session) saves the same entry.
    other = webdriver.Chrome(service=Service(DRIVER), options=_options())
    try:
        sign_in(other, site, "suzuki", OTHER_PASSWORD)
        other.get(server.url + "/staff/entries/mynumber-lost")
        theirs = wait(other, EC.visibility_of_element_located((By.NAME, "answer")))
        theirs.clear()
        theirs.send_keys("鈴木が先に直した答え")
        other.find_element(By.CSS_SELECTOR, "button[value=save]").click()
        assert "保存しました" in flash(other)
    finally:
        other.quit()
    mine.clear()
    mine.send_keys("佐藤があとから直した答え")
    browser.find_element(By.CSS_SELECTOR, "button[value=save]").click()
    conflict = wait(browser, EC.visibility_of_element_located((By.ID, "conflict")))
    assert "ほかの人が先に保存しました" in conflict.text and "suzuki" in conflict.text
    assert browser.find_element(By.NAME, "answer").get_attribute("value") == "佐藤があとから直した答え"
    assert load_faq(faq_dir).entry("mynumber-lost").answer == "鈴木が先に直した答え"
    shot(browser, "10-edit-conflict")


def _options():
    """Headless Chromium at the size of a desk PC's screen (1366×768)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768",
                     "--lang=ja-JP", "--disable-gpu", "--no-first-run"):
        options.add_argument(argument)
    return options


def test_upload_a_broken_workbook_and_read_the_cell_messages(browser, site):
    server, faq_dir, tmp = site
    workbook = tmp / "faq-broken.xlsx"
    export_workbook(load_faq(faq_dir), workbook)
    book = load_workbook(workbook)
    book["10-mynumber"]["B3"] = None
    book["30-smartphone"]["C3"] = "とても長いボタンの名前で二十文字をこえています"
    book.save(workbook)
    before = {p.name: p.read_bytes() for p in faq_dir.glob("*.yaml")}
    browser.get(server.url + "/staff/excel")
    shot(browser, "11-excel")
    browser.find_element(By.NAME, "workbook").send_keys(str(workbook))
    browser.find_element(By.CSS_SELECTOR, "form[enctype] button[type=submit]").click()
    problems = wait(browser, EC.visibility_of_element_located((By.ID, "problems"))).text
    scratch = tmp / "scratch-faq"
    shutil.copytree(faq_dir, scratch)
    with pytest.raises(WorkbookError) as refused:  # what `bot faq import` says about the same workbook
        import_workbook(workbook, scratch)
    expected = [str(p) for p in refused.value.problems]
    assert any(m.startswith("10-mynumber!B3: ") for m in expected) and any(m.startswith("30-smartphone!C3: ") for m in expected)
    assert all(m in problems for m in expected)
    assert {p.name: p.read_bytes() for p in faq_dir.glob("*.yaml")} == before
    shot(browser, "12-excel-refused")


def test_download_a_roster(browser, site, downloads):
    server, faq_dir, _ = site
    course = next(c for c in load_faq(faq_dir).classes if c.bookable)
    storage = Storage(server.env["DATABASE_URL"])
    _, booking = storage.book(class_no=course.no, class_date=course.date.isoformat(), capacity=course.capacity,
                              resident="a" * 64, user_token="sealed-line-id")
    browser.get(server.url + "/staff/classes")
    shot(browser, "13-classes")
    browser.find_element(By.CSS_SELECTOR, f"a[href='/staff/classes/{course.no}']").click()
    link = wait(browser, EC.element_to_be_clickable((By.ID, "download-roster")))
    shot(browser, "14-roster")
    link.click()
    target = downloads / f"roster-{course.no}.csv"
    wait(browser, lambda _: target.exists() and target.stat().st_size > 0)
    lines = target.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0] == "受付番号,申し込み日時,参加者番号,教室"
    assert lines[1].startswith(f"{booking.id},")
    assert "sealed" not in target.read_text(encoding="utf-8-sig") and ev.USER_ID not in target.read_text(encoding="utf-8-sig")


def test_health_and_audit_pages(browser, site):
    server, _, _ = site
    browser.get(server.url + "/staff/health")
    assert "ふつうに動いています" in wait(browser, EC.visibility_of_element_located((By.ID, "health-status"))).text
    shot(browser, "15-health")
    browser.get(server.url + "/staff/audit")
    log = browser.find_element(By.CSS_SELECTOR, "table.audit").text
    assert "言い方を足した" in log and "質問を直した" in log and "名簿をダウンロード" in log
    shot(browser, "16-audit")


def test_sign_out(browser, site):
    server, _, _ = site
    browser.find_element(By.CSS_SELECTOR, ".signout button").click()
    wait(browser, EC.url_contains("/staff/login"))
    browser.get(server.url + "/staff/entries")
    wait(browser, EC.url_contains("/staff/login"))
    stored = [Storage(server.env["DATABASE_URL"]).staff_account(n).password_hash for n in ("sato", "suzuki")]
    for secret in (PASSWORD, OTHER_PASSWORD, *stored, *(h.split("$")[-1] for h in stored)):
        assert secret not in server.log()
