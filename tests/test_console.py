"""The staff console through Flask's test client: who may use it, and what its pages change."""

from __future__ import annotations

import html
import io
import logging
import re
import shutil
import time

import pytest
from conftest import server_env
from openpyxl import load_workbook
from staff_console import OTHER_PASSWORD, PASSWORD, console_env, csrf_of, sign_in, token

from bot.content.excel import import_workbook
from bot.content.loader import check_faq, load_faq
from bot.dialogue.replies import Responder
from bot.errors import WorkbookError
from bot.staff.console import auth
from bot.staff.console.accounts import add_account
from bot.staff.console.blueprint import UPLOAD_LIMIT

# The tests whose pages read or write the console's own tables (accounts, sign-in failures,
# audit log, residents' questions, bookings) run on both databases.
on_both = pytest.mark.parametrize("console", ["sqlite", "postgresql"], indirect=True)

# Values for the blueprint's URL arguments, so every route can be called.
URL_VALUES = {"entry_id": "mynumber-lost", "class_no": "2026-12-09-01", "filename": "console.css"}


@pytest.fixture
def console(request, line_api, faq_copy, tmp_path):
    """The app with the console on, on SQLite; on PostgreSQL too for a test marked ``on_both``."""
    from bot.web import create_app

    env = server_env(line_api, tmp_path, faq_copy)
    if getattr(request, "param", "sqlite") == "postgresql":
        env["DATABASE_URL"] = request.getfixturevalue("postgres").new_database()
    app = create_app(console_env(env, FAQ_RELOAD_SECONDS="0"))
    storage = app.extensions["storage"]
    add_account(storage, "sato", PASSWORD)
    add_account(storage, "suzuki", OTHER_PASSWORD)
    yield app
    app.extensions["dispatcher"].shutdown()


@pytest.fixture
def staff(console):
    client = console.test_client()
    assert sign_in(client).status_code == 302
    return client


def yaml_files(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.yaml"))}


def staff_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("staff.")]


def url_of(rule) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<{name}>", URL_VALUES[name]).replace(f"<path:{name}>", URL_VALUES[name])
    return path


# -- off by default -----------------------------------------------------------------------------
def test_the_console_is_off_by_default(client):
    assert client.get("/staff/login").status_code == 404
    assert client.get("/staff/").status_code == 404


# -- nobody without a session -----------------------------------------------------------------
def test_only_the_sign_in_form_and_its_style_sheet_are_open():
    assert auth.PUBLIC_ENDPOINTS == {"staff.login", "staff.static"}


def test_every_page_and_download_sends_anyone_not_signed_in_to_the_sign_in(console):
    client = console.test_client()
    rules = [r for r in staff_rules(console) if r.endpoint not in auth.PUBLIC_ENDPOINTS]
    assert len(rules) >= 15
    for rule in rules:
        url = url_of(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token_of_anonymous(client)} if method == "POST" else None
            response = client.open(url, method=method, data=data)
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"].startswith("/staff/login"), (method, url)


def token_of_anonymous(client) -> str:
    return csrf_of(client.get("/staff/login").get_data(as_text=True))


def test_the_sign_in_form_has_the_fields_of_the_design(console):
    page = console.test_client().get("/staff/login").get_data(as_text=True)
    assert re.search(r'<input name="name"', page) and re.search(r'<input name="password" type="password"', page)
    assert re.search(r'<input type="hidden" name="csrf_token" value="[^"]{20,}">', page)


def test_signing_in_redirects_to_the_page_asked_for(console):
    client = console.test_client()
    asked = client.get("/staff/entries")
    assert asked.headers["Location"] == "/staff/login?next=/staff/entries"
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    response = client.post("/staff/login", data={"name": "sato", "password": PASSWORD, "csrf_token": csrf_of(page),
                                                 "next": "/staff/entries"})
    assert (response.status_code, response.headers["Location"]) == (302, "/staff/entries")
    assert client.get("/staff/entries").status_code == 200


@pytest.mark.parametrize("target", ["https://example.com/", "//example.com/staff/", "/staff//example.com", "/callback"])
def test_after_signing_in_only_console_pages_are_followed(console, target):
    client = console.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    response = client.post("/staff/login", data={"name": "sato", "password": PASSWORD, "csrf_token": csrf_of(page), "next": target})
    assert response.headers["Location"] == "/staff/"


def test_a_wrong_password_is_refused_and_says_so(console):
    response = sign_in(console.test_client(), password="wrong-password")
    assert response.status_code == 401
    assert "名前かパスワードがちがいます" in response.get_data(as_text=True)


@on_both
def test_signing_out_ends_the_session_even_for_a_copied_cookie(console, staff):
    cookie = staff.get_cookie("bot_staff", path="/staff").value
    assert staff.post("/staff/logout", data={"csrf_token": token(staff)}).headers["Location"] == "/staff/login"
    assert staff.get("/staff/").status_code == 302
    thief = console.test_client()
    thief.set_cookie("bot_staff", cookie, path="/staff")
    assert thief.get("/staff/").status_code == 302


@on_both
def test_a_new_password_ends_the_old_sessions(console, staff):
    add_account(console.extensions["storage"], "sato", "a-brand-new-password")
    assert staff.get("/staff/").status_code == 302


def test_the_session_is_new_after_signing_in(console):
    client = console.test_client()
    before = token_of_anonymous(client)
    sign_in(client)
    assert token(client) != before


# -- CSRF -----------------------------------------------------------------------------------------
def test_every_form_post_without_the_token_is_refused(console, staff, faq_copy):
    before = yaml_files(faq_copy)
    posts = [r for r in staff_rules(console) if "POST" in r.methods]
    assert {r.endpoint for r in posts} >= {"staff.login", "staff.logout", "staff.add_alternate", "staff.entry", "staff.excel_upload"}
    for rule in posts:
        for data in ({}, {"csrf_token": "forged"}):
            response = staff.post(url_of(rule), data={**data, "entry_id": "mynumber-lost", "wording": ["新しい言い方"],
                                                       "question": "x", "answer": "y"})
            assert response.status_code == 400, rule.endpoint
            assert "ページを読みこみなおして" in response.get_data(as_text=True)
    assert yaml_files(faq_copy) == before
    assert staff.get("/staff/").status_code == 200  # still signed in: the logout was refused too


def test_every_form_carries_the_session_token(staff):
    for path in ("/staff/", "/staff/report", "/staff/entries/mynumber-lost", "/staff/entries/new", "/staff/excel", "/staff/classes"):
        page = staff.get(path).get_data(as_text=True)
        forms = re.findall(r'<form[^>]*method="post".*?</form>', page, re.S)
        assert forms, path
        for form in forms:
            assert f'name="csrf_token" value="{token(staff)}"' in form, path


# -- failed sign-ins ------------------------------------------------------------------------------
@on_both
def test_wrong_passwords_lock_the_account_even_for_the_right_one(console):
    client = console.test_client()
    for _ in range(auth.FAILURES_PER_ACCOUNT):
        assert sign_in(client, password="guess").status_code == 401
    locked = sign_in(client)
    assert locked.status_code == 429
    assert "しばらくサインインできません" in locked.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    assert sign_in(console.test_client(), "suzuki", OTHER_PASSWORD).status_code == 302  # another account is not locked


@on_both
def test_one_address_trying_many_names_is_locked(console):
    attacker = {"environ_base": {"REMOTE_ADDR": "192.0.2.7"}}
    client = console.test_client()
    for n in range(auth.FAILURES_PER_ADDRESS):
        assert sign_in(client, f"guess{n}", "guess", **attacker).status_code == 401
    assert sign_in(client, **attacker).status_code == 429
    assert sign_in(console.test_client(), environ_base={"REMOTE_ADDR": "192.0.2.8"}).status_code == 302


def test_behind_the_towns_proxy_each_staff_address_is_locked_on_its_own(line_api, faq_copy, tmp_path):
    from bot.web import create_app

    app = create_app(console_env(server_env(line_api, tmp_path, faq_copy), FAQ_RELOAD_SECONDS="0", TRUSTED_PROXIES="1"))
    try:
        add_account(app.extensions["storage"], "sato", PASSWORD)
        via_proxy = {"REMOTE_ADDR": "192.0.2.1"}  # every request reaches the app from the proxy
        attacker = {"environ_base": {**via_proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}}
        client = app.test_client()
        for n in range(auth.FAILURES_PER_ADDRESS):
            assert sign_in(client, f"guess{n}", "guess", **attacker).status_code == 401
        assert sign_in(client, **attacker).status_code == 429
        colleague = {"environ_base": {**via_proxy, "HTTP_X_FORWARDED_FOR": "198.51.100.8"}}
        assert sign_in(app.test_client(), **colleague).status_code == 302
    finally:
        app.extensions["dispatcher"].shutdown()


def test_without_a_named_proxy_a_forged_forwarded_address_does_not_escape_the_lock(console):
    client = console.test_client()
    for n in range(auth.FAILURES_PER_ADDRESS):
        forged = {"environ_base": {"REMOTE_ADDR": "192.0.2.7", "HTTP_X_FORWARDED_FOR": f"203.0.113.{n}"}}
        assert sign_in(client, f"guess{n}", "guess", **forged).status_code == 401
    assert sign_in(client, environ_base={"REMOTE_ADDR": "192.0.2.7", "HTTP_X_FORWARDED_FOR": "203.0.113.99"}).status_code == 429


def test_a_failed_sign_in_is_slowed(console):
    console.config["STAFF_SIGNIN_DELAY"] = 0.3
    started = time.monotonic()
    sign_in(console.test_client(), password="guess")
    assert time.monotonic() - started >= 0.3


@on_both
def test_the_lock_ends_after_a_while(console, monkeypatch):
    client = console.test_client()
    for _ in range(auth.FAILURES_PER_ACCOUNT):
        sign_in(client, password="guess")
    later = time.time() + auth.LOCK_SECONDS + 1
    monkeypatch.setattr(auth.time, "time", lambda: later)
    assert sign_in(client).status_code == 302


# -- cookies and headers -------------------------------------------------------------------------
def test_the_session_cookie_is_secure_httponly_and_samesite(line_api, faq_copy, tmp_path):
    from bot.web import create_app

    env = console_env(server_env(line_api, tmp_path, faq_copy), FAQ_RELOAD_SECONDS="0")
    del env["STAFF_COOKIE_SECURE"]  # the default, as in production
    app = create_app(env)
    try:
        response = app.test_client().get("/staff/login", base_url="https://localhost")
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("bot_staff=")
        flags = {part.strip().split("=")[0].lower(): part for part in cookie.split(";")[1:]}
        assert {"secure", "httponly", "samesite", "path"} <= set(flags)
        assert flags["samesite"].strip() == "SameSite=Strict" and flags["path"].strip() == "Path=/staff"
    finally:
        app.extensions["dispatcher"].shutdown()


@pytest.mark.parametrize("path", ["/staff/login", "/staff/", "/staff/try?q=マイナ", "/staff/entries/mynumber-lost"])
def test_pages_send_a_content_security_policy_and_refuse_framing(staff, path):
    response = staff.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_style(staff):
    for path in ("/staff/login", "/staff/", "/staff/try?q=スマホ教室はいつ", "/staff/report", "/staff/entries/mynumber-lost",
                 "/staff/excel", "/staff/classes", "/staff/health", "/staff/audit"):
        page = staff.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\ssrc=)", page), path
        assert not re.search(r"\son[a-z]+=|\sstyle=", page), path


def test_no_password_or_hash_reaches_the_logs(console, caplog):
    caplog.set_level(logging.DEBUG)
    console.logger.setLevel(logging.DEBUG)
    sign_in(console.test_client(), password="wrong-but-secret-9")
    sign_in(console.test_client())
    stored = console.extensions["storage"].staff_account("sato").password_hash
    logged = caplog.text + "".join(str(e) for e in console.extensions["storage"].audit_entries())
    assert "wrong-but-secret-9" not in logged and PASSWORD not in logged
    assert stored not in logged and stored.split("$")[-1] not in logged
    assert "staff sato signed in" in caplog.text


def test_only_a_hash_is_stored(console, tmp_path):
    stored = console.extensions["storage"].staff_account("sato").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert PASSWORD.encode() not in (tmp_path / "bot.sqlite3").read_bytes()


# -- trying a question ---------------------------------------------------------------------------
def test_trying_a_question_shows_the_residents_reply_and_buttons(staff, responder):
    page = staff.get("/staff/try?q=マイナンバーカードをなくした").get_data(as_text=True)
    answer = responder.entry(responder.faq.entry("mynumber-lost")).text
    assert answer.split("\n")[0] in page
    for label in ("解決した", "解決しない", "メニュー", "職員に聞きたい"):
        assert f">{label}</span>" in page
    assert "答えた" in page and "mynumber-lost" in page


def test_trying_a_question_logs_nothing(console, staff):
    staff.get("/staff/try?q=マイナンバーカードをなくした")
    assert console.extensions["storage"].questions_since(0) == []


# -- unanswered questions into alternates ----------------------------------------------------------
def log_unanswered(console, *questions):
    for question in questions:
        console.extensions["storage"].log_question(resident="r1", question=question, status="none")


@on_both
def test_the_report_page_shows_unanswered_groups_with_a_button_per_close_entry(console, staff):
    log_unanswered(console, "マイナカード犬にかじられた", "マイナカード犬にかじられた", "犬がマイナカードをかじった")
    page = staff.get("/staff/report").get_data(as_text=True)
    assert "答えられなかった質問" in page and "マイナカード犬にかじられた" in page
    assert re.search(r'<button type="submit" name="entry_id" value="[a-z0-9-]+" class="suggest">', page)


@on_both
def test_an_unanswered_wording_becomes_an_alternate_and_is_answered(console, staff, faq_copy):
    response = staff.post("/staff/report/alternate", data={
        "csrf_token": token(staff), "entry_id": "mynumber-reissue", "wording": ["マイナカード犬にかじられた"]})
    assert response.status_code == 302
    entry = load_faq(faq_copy).entry("mynumber-reissue")
    assert entry.alternates[-1] == "マイナカード犬にかじられた"
    assert check_faq(faq_copy) == []
    assert Responder(load_faq(faq_copy)).answer("マイナカード犬にかじられた").match.id == "mynumber-reissue"
    log = console.extensions["storage"].audit_entries()
    assert (log[0].staff, log[0].action, log[0].target) == ("sato", "add-alternate", "mynumber-reissue")


@on_both
def test_the_report_download_never_runs_a_residents_formula(console, staff):
    log_unanswered(console, "=HYPERLINK(\"https://example.com\",\"click\")")
    text = staff.get("/staff/report.csv").data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


# -- editing entries -------------------------------------------------------------------------------
def entry_form(client, entry_id="mynumber-lost"):
    page = client.get(f"/staff/entries/{entry_id}").get_data(as_text=True)
    values = {name: value for name, value in re.findall(r'<input name="(\w+)" value="([^"]*)"', page)}
    values.update({name: value for name, value in re.findall(r'<textarea name="(\w+)"[^>]*>(.*?)</textarea>', page, re.S)})
    values["version"] = re.search(r'name="version" value="([^"]*)"', page)[1]
    values["csrf_token"] = csrf_of(page)
    return {k: html.unescape(v) for k, v in values.items()}


def test_an_edited_answer_is_saved_to_the_file(staff, faq_copy):
    form = entry_form(staff)
    form["answer"] = "新しい答えです。\nフリーダイヤルに電話してください。"
    response = staff.post("/staff/entries/mynumber-lost", data={**form, "action": "save"})
    assert response.status_code == 302
    assert load_faq(faq_copy).entry("mynumber-lost").answer == "新しい答えです。\nフリーダイヤルに電話してください。"


def test_a_broken_edit_is_refused_with_the_messages_of_bot_check(staff, faq_copy):
    before = yaml_files(faq_copy)
    form = entry_form(staff)
    form["label"] = "とても長いボタンの名前で二十文字をこえています"
    form["answer"] = "かえた答え"
    response = staff.post("/staff/entries/mynumber-lost", data={**form, "action": "save"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "label「とても長いボタンの名前で二十文字をこえています」が23文字です — LINEのボタンに入るよう20文字以内にしてください" in page
    assert yaml_files(faq_copy) == before
    assert "かえた答え" in page  # the staff member's text is still in the form


def test_a_preview_shows_the_answer_as_on_line_and_saves_nothing(staff, faq_copy):
    before = yaml_files(faq_copy)
    form = entry_form(staff)
    form["answer"] = "プレビューの答え"
    page = staff.post("/staff/entries/mynumber-lost", data={**form, "action": "preview"}).get_data(as_text=True)
    assert '<div class="bubble">プレビューの答え' in page and ">解決しない</span>" in page
    assert yaml_files(faq_copy) == before


def test_the_second_of_two_staff_editing_one_entry_is_refused_and_keeps_their_text(console, faq_copy):
    first, second = console.test_client(), console.test_client()
    sign_in(first), sign_in(second, "suzuki", OTHER_PASSWORD)
    mine, theirs = entry_form(first), entry_form(second)
    mine["answer"] = "佐藤が直した答え"
    theirs["answer"] = "鈴木が直した答え"
    assert first.post("/staff/entries/mynumber-lost", data={**mine, "action": "save"}).status_code == 302
    refused = second.post("/staff/entries/mynumber-lost", data={**theirs, "action": "save"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "ほかの人が先に保存しました" in page and "sato" in page
    assert "鈴木が直した答え" in page and "佐藤が直した答え" in page
    assert load_faq(faq_copy).entry("mynumber-lost").answer == "佐藤が直した答え"
    # Saving again from the refused page is a deliberate choice, and it is saved.
    again = {**theirs, "version": re.search(r'name="version" value="([^"]*)"', page)[1], "csrf_token": csrf_of(page)}
    assert second.post("/staff/entries/mynumber-lost", data={**again, "action": "save"}).status_code == 302
    assert load_faq(faq_copy).entry("mynumber-lost").answer == "鈴木が直した答え"


def test_a_new_entry_is_added_to_its_category(staff, faq_copy):
    page = staff.get("/staff/entries/new?question=マイナカードを犬がかじった").get_data(as_text=True)
    assert 'value="マイナカードを犬がかじった"' in page
    response = staff.post("/staff/entries/new", data={
        "csrf_token": csrf_of(page), "id": "mynumber-dog", "category_file": "10-mynumber.yaml",
        "question": "マイナカードを犬がかじった", "answer": "再交付の申請をしてください。", "action": "save"})
    assert response.status_code == 302
    assert load_faq(faq_copy).entry("mynumber-dog").category == "マイナンバーカード"


def test_a_new_entry_with_a_taken_id_is_refused(staff, faq_copy):
    before = yaml_files(faq_copy)
    response = staff.post("/staff/entries/new", data={
        "csrf_token": token(staff), "id": "mynumber-lost", "category_file": "10-mynumber.yaml",
        "question": "重なる id", "answer": "答え", "action": "save"})
    assert response.status_code == 422
    assert "id「mynumber-lost」が2回使われています" in response.get_data(as_text=True)
    assert yaml_files(faq_copy) == before


# -- Excel -----------------------------------------------------------------------------------------
def test_the_faq_downloads_as_a_workbook(staff):
    response = staff.get("/staff/excel/faq.xlsx")
    assert response.headers["Content-Disposition"] == "attachment; filename=faq.xlsx"
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["10-mynumber", "20-online", "30-smartphone"]


def test_a_broken_workbook_is_refused_with_its_cells(staff, faq_copy, tmp_path):
    book = load_workbook(io.BytesIO(staff.get("/staff/excel/faq.xlsx").data))
    book["10-mynumber"]["B3"] = None
    book["20-online"]["C4"] = "とても長いボタンの名前で二十文字をこえています"
    data = io.BytesIO()
    book.save(data)
    before = yaml_files(faq_copy)
    response = staff.post("/staff/excel", data={"csrf_token": token(staff, "/staff/excel"),
                                                "workbook": (io.BytesIO(data.getvalue()), "faq.xlsx")})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    expected = import_messages(data.getvalue(), faq_copy, tmp_path)
    assert [m for m in expected if m.startswith(("10-mynumber!B3: ", "20-online!C4: "))] and all(m in page for m in expected)
    assert yaml_files(faq_copy) == before


def import_messages(workbook: bytes, faq_dir, tmp_path) -> list[str]:
    """What ``bot faq import`` says about the workbook (its library function, on a scratch copy)."""
    scratch = tmp_path / "scratch-faq"
    shutil.copytree(faq_dir, scratch)
    (tmp_path / "upload.xlsx").write_bytes(workbook)
    with pytest.raises(WorkbookError) as refused:
        import_workbook(tmp_path / "upload.xlsx", scratch)
    return [str(p) for p in refused.value.problems]


def test_an_edited_workbook_is_imported(staff, faq_copy):
    book = load_workbook(io.BytesIO(staff.get("/staff/excel/faq.xlsx").data))
    book["10-mynumber"]["F3"] = "Excel で直した答え"
    data = io.BytesIO()
    book.save(data)
    response = staff.post("/staff/excel", data={"csrf_token": token(staff, "/staff/excel"),
                                                "workbook": (io.BytesIO(data.getvalue()), "faq.xlsx")})
    assert response.status_code == 302
    assert load_faq(faq_copy).entry("mynumber-apply").answer == "Excel で直した答え"


def test_an_upload_over_the_limit_is_refused(staff):
    response = staff.post("/staff/excel", data={"csrf_token": token(staff, "/staff/excel"),
                                                "workbook": (io.BytesIO(b"x" * (UPLOAD_LIMIT + 1)), "big.xlsx")})
    assert response.status_code == 413
    assert "ファイルが大きすぎます" in response.get_data(as_text=True)


def test_an_upload_larger_than_a_webhook_but_under_the_limit_is_read(staff):
    response = staff.post("/staff/excel", data={"csrf_token": token(staff, "/staff/excel"),
                                                "workbook": (io.BytesIO(b"x" * (2 * 1024 * 1024)), "big.xlsx")})
    assert response.status_code == 422
    assert "Excel ファイルとして読めません" in response.get_data(as_text=True)


# -- classes, health, audit ------------------------------------------------------------------------
@on_both
def test_the_roster_lists_booking_numbers_and_times_never_a_line_id(console, staff):
    storage = console.extensions["storage"]
    outcome, booking = storage.book(class_no="2026-12-09-01", class_date="2026-12-09", capacity=10,
                                    resident="f" * 64, user_token="sealed-Uxxxxxxxx")
    assert outcome == "booked"
    page = staff.get("/staff/classes").get_data(as_text=True)
    assert "1 / 10人" in page
    csv = staff.get("/staff/classes/2026-12-09-01/roster.csv")
    text = csv.data.decode("utf-8-sig")
    assert text.splitlines()[0] == "受付番号,申し込み日時,参加者番号,教室"
    assert text.splitlines()[1].startswith(f"{booking.id},")
    assert "sealed" not in text and "f" * 9 not in text
    assert console.extensions["storage"].audit_entries()[0].action == "download-roster"


def test_an_uploaded_classes_csv_is_checked(staff):
    bad = "NO,イベント名,開始日,開始時間,終了時間,場所名称\n1,教室,2026-13-01,10:00,12:00,公民館\n".encode()
    response = staff.post("/staff/classes/check", data={"csrf_token": token(staff, "/staff/classes"),
                                                        "classes": (io.BytesIO(bad), "classes.csv")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "classes.csv:2:" in page


def test_the_health_page_shows_what_healthz_knows(staff, faq_copy):
    page = staff.get("/staff/health").get_data(as_text=True)
    faq = load_faq(faq_copy)
    assert "ふつうに動いています" in page
    assert f"{len(faq.entries)}件（{len(faq.categories)}カテゴリ）" in page
    assert "<th>データベース</th><td>ok</td>" in page


def test_the_health_page_names_a_broken_file_and_its_line(console, staff, faq_copy):
    category = faq_copy / "10-mynumber.yaml"
    category.write_text(category.read_text(encoding="utf-8").replace("answer:", "anwser:", 1), encoding="utf-8")
    source = console.extensions["faq_source"]
    source.refresh(), source.refresh()  # the second look sees the change has settled
    page = staff.get("/staff/health").get_data(as_text=True)
    assert re.search(r"<li>10-mynumber\.yaml:\d+: 「anwser」という項目名は使えません", page)
    assert "ボットは前の正しい内容で答えています" in page


@on_both
def test_the_audit_log_shows_who_did_what(staff):
    form = entry_form(staff)
    form["answer"] = "記録される変更"
    staff.post("/staff/entries/mynumber-lost", data={**form, "action": "save"})
    page = staff.get("/staff/audit").get_data(as_text=True)
    assert re.search(r"<td>sato</td><td>質問を直した</td><td>mynumber-lost</td>", page)
    assert re.search(r"<td>sato</td><td>サインイン</td>", page)
