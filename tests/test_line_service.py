"""End to end: the real gunicorn server (two workers), signed webhooks, a fake Messaging API."""

from __future__ import annotations

import http.client
import threading
import time
import unicodedata
import urllib.parse
from pathlib import Path

import line_events as ev
import pytest
from conftest import server_env
from fake_line import reply_problems
from gunicorn_server import GunicornServer

from bot.dialogue.conversation import NOT_KEPT

pytestmark = pytest.mark.e2e


def post(server, body: bytes, signature: str | None = "sign") -> tuple[int, float]:
    """POST /callback; ``signature="sign"`` signs the body correctly. Returns status and seconds."""
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        headers["X-Line-Signature"] = ev.sign(body)
    elif signature is not None:
        headers["X-Line-Signature"] = signature
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(server.url).netloc, timeout=10)
    started = time.perf_counter()
    connection.request("POST", "/callback", body=body, headers=headers)
    status = connection.getresponse().status
    elapsed = time.perf_counter() - started
    connection.close()
    return status, elapsed


def send(server, fake_api, event: dict, body: bytes | None = None) -> dict:
    """Send one event (in ``body`` when given) and return the one reply request that reached the
    fake API for it, once the server is done with the event (its log and database written)."""
    status, _ = post(server, body or ev.body_of(event))
    assert status == 200
    token = event["replyToken"]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for request in fake_api.wait_for_replies(1, timeout=0.2):
            if request["body"]["replyToken"] == token:
                # LINE's 200 comes before the worker writes its log line: wait for that line.
                server.wait_for_events(event)
                return request
    raise AssertionError(f"no reply for {token}; fake API saw {fake_api.requests}")


def texts(request: dict) -> str:
    return "\n".join(m["text"] for m in request["body"]["messages"])


def buttons(request: dict) -> list[tuple[str, str]]:
    items = request["body"]["messages"][-1].get("quickReply", {}).get("items", [])
    return [(i["action"]["label"], i["action"]["data"]) for i in items]


def test_a_question_gets_its_answer_with_buttons(server, fake_api, responder):
    request = send(server, fake_api, ev.text("マイナンバーカードをなくしてしもうた"))
    assert request["headers"]["Authorization"] == "Bearer test-access-token"
    assert reply_problems(request["body"]) == []
    assert texts(request) == responder.entry(responder.faq.entry("mynumber-lost")).text
    labels = [label for label, _ in buttons(request)]
    assert labels[-4:] == ["解決した", "解決しない", "メニュー", "職員に聞きたい"]
    related = responder.faq.entry("mynumber-lost").related
    assert [data for _, data in buttons(request)][: len(related)] == [f"entry:{i}" for i in related]


def test_an_unsure_question_offers_choices_and_none_of_these(server, fake_api):
    request = send(server, fake_api, ev.text("申請"))
    assert texts(request).startswith("こちらのどれですか")
    data = [d for _, d in buttons(request)]
    assert data[-1] == "none"
    assert all(d.startswith("entry:") for d in data[:-1]) and len(data) >= 3
    assert buttons(request)[-1][0] == "どれでもない"


def test_none_of_these_leads_to_the_contact(server, fake_api):
    request = send(server, fake_api, ev.postback("none"))
    assert "0000-00-0000" in texts(request)


def test_nothing_fits_apologises_with_categories_and_contact(server, fake_api):
    request = send(server, fake_api, ev.text("パスポートを申請したい"))
    assert texts(request).startswith("ごめんなさい")
    assert "0000-00-0000" in texts(request) and "平日" in texts(request)
    data = [d for _, d in buttons(request)]
    assert data[:3] == ["category:10-mynumber.yaml", "category:20-online.yaml", "category:30-smartphone.yaml"]


def test_typed_menu_shows_the_categories(server, fake_api, faq):
    request = send(server, fake_api, ev.text("メニュー"))
    assert [label for label, _ in buttons(request)] == [c.name for c in faq.categories] + ["職員に聞きたい"]


def test_a_category_pages_through_its_questions_with_next(server, fake_api, faq):
    first = send(server, fake_api, ev.postback("category:10-mynumber.yaml"))
    data = [d for _, d in buttons(first)]
    assert len(data) == 13
    assert data[10] == "category:10-mynumber.yaml:1"
    assert buttons(first)[10][0] == "つぎへ"
    entries = faq.category("10-mynumber.yaml").entries
    assert data[:10] == [f"entry:{e.id}" for e in entries[:10]]
    third = send(server, fake_api, ev.postback("category:10-mynumber.yaml:2"))
    assert [d for _, d in buttons(third)][:10] == [f"entry:{e.id}" for e in entries[20:30]]


def test_a_tapped_question_shows_its_answer(server, fake_api, responder):
    request = send(server, fake_api, ev.postback("entry:class-schedule"))
    assert texts(request) == responder.entry(responder.faq.entry("class-schedule")).text


def test_a_button_of_a_deleted_entry_is_answered_politely(server, fake_api):
    request = send(server, fake_api, ev.postback("entry:removed-last-year"))
    assert texts(request).startswith("その質問は見つかりませんでした")
    assert "category:10-mynumber.yaml" in [d for _, d in buttons(request)]


def test_asking_for_staff_shows_contact_and_hours(server, fake_api):
    request = send(server, fake_api, ev.postback("contact"))
    assert "デジタル推進課" in texts(request) and "0000-00-0000" in texts(request) and "受付" in texts(request)


def test_a_new_friend_is_greeted_with_the_categories(server, fake_api):
    request = send(server, fake_api, ev.follow())
    assert "さくら町" in texts(request)
    assert len(buttons(request)) == 3


@pytest.mark.parametrize("kind", ["sticker", "image", "video", "audio", "file", "location"])
def test_media_gets_a_kind_reply_asking_for_text(server, fake_api, kind):
    request = send(server, fake_api, ev.media(kind))
    assert "文字で送ってください" in texts(request)
    assert [d for _, d in buttons(request)][0] == "category:10-mynumber.yaml"


def test_events_that_need_no_reply_get_none(server, fake_api):
    quiet = [ev.unfollow(), ev.join(), ev.leave(), ev.text("マイナンバーカードをなくした", mode="standby")]
    assert post(server, ev.body_of(*quiet))[0] == 200
    server.wait_for_events(*quiet)
    assert fake_api.requests == []


def test_a_5000_character_message_is_answered_within_limits(server, fake_api):
    request = send(server, fake_api, ev.text("マイナンバーカードをなくした。" + "あ" * 4985))
    assert reply_problems(request["body"]) == []


@pytest.mark.parametrize("signature", [None, "d3Jvbmc=", ""])
def test_a_missing_or_wrong_signature_is_refused_and_nothing_sent(server, fake_api, signature):
    event = ev.text("メニュー")
    assert post(server, ev.body_of(event), signature=signature)[0] == 400
    # Events are queued only after the signature is checked: a 400 means none was.
    assert event["webhookEventId"] not in server.log()
    assert fake_api.requests == []


@pytest.mark.parametrize("body", [b"{not json", b'{"events": 3}', b"[]", b'{"events": [7]}', b"\xff\xfe"])
def test_a_signed_body_that_is_not_a_webhook_is_refused(server, fake_api, body):
    assert post(server, body)[0] == 400


def test_the_verification_request_with_no_events_gets_200(server, fake_api):
    assert post(server, ev.body_of())[0] == 200


def test_a_slow_line_api_does_not_make_the_webhook_late(server, fake_api):
    fake_api.delay = 4.0
    event = ev.text("マイナンバーカードをなくした")
    status, elapsed = post(server, ev.body_of(event))
    assert status == 200 and elapsed < 2.0
    replies = fake_api.wait_for_replies(1, timeout=15)
    assert [r["body"]["replyToken"] for r in replies] == [event["replyToken"]]


def test_a_500_from_line_is_retried_once(server, fake_api):
    fake_api.fail_next = [500]
    event = ev.text("マイナンバーカードをなくした")
    send(server, fake_api, event)
    attempts = [r for r in fake_api.requests if r["body"]["replyToken"] == event["replyToken"]]
    assert [a["status"] for a in attempts] == [500, 200]


def test_two_failures_are_given_up_after_one_retry(server, fake_api):
    fake_api.fail_next = [503, 503]
    event = ev.text("メニュー")
    assert post(server, ev.body_of(event))[0] == 200
    server.wait_for_events(event)
    assert [r["status"] for r in fake_api.requests] == [503, 503]
    assert "status=503" in server.log()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server_on(request, line_api, tmp_path_factory):
    """The module's server on SQLite, then one on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield request.getfixturevalue("server")
        return
    tmp_path = tmp_path_factory.mktemp("server-pg")
    env = {**server_env(line_api, tmp_path), "DATABASE_URL": request.getfixturevalue("postgres").new_database()}
    running = GunicornServer(env, tmp_path / "gunicorn.log").start()
    yield running
    running.stop()


def test_a_redelivered_event_is_answered_once_across_two_workers(server_on, fake_api):
    server = server_on
    events = [ev.text("マイナンバーカードをなくした") for _ in range(10)]
    bodies = [ev.body_of(e) for e in events] + [ev.body_of({**e, "deliveryContext": {"isRedelivery": True}}) for e in events]
    statuses = []
    threads = [threading.Thread(target=lambda b=b: statuses.append(post(server, b)[0])) for b in bodies * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 40
    server.wait_for_events(*events, copies=4)
    tokens = [r["body"]["replyToken"] for r in fake_api.replies()]
    assert sorted(tokens) == sorted(e["replyToken"] for e in events)


def test_health_reports_the_faq(server, faq):
    health = server.health()
    assert health["status"] == "ok"
    assert health["entries"] == len(faq.entries) and health["categories"] == len(faq.categories)
    assert health["last_error"] is None and health["version"]


def test_logs_hold_no_user_id_and_no_message_text(server, fake_api):
    send(server, fake_api, ev.text("わたしのひみつのしつもん"))
    log = server.log()
    assert ev.USER_ID not in log
    assert "ひみつ" not in log
    assert "event answered" in log


@pytest.mark.parametrize("missing", ["LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"])
def test_the_server_refuses_to_start_without_a_line_secret(line_api, tmp_path, missing):
    env = {**server_env(line_api, tmp_path), missing: ""}
    server = GunicornServer(env, tmp_path / "gunicorn.log", workers=1)
    with pytest.raises(RuntimeError) as refused:
        server.start(timeout=60)
    assert f"{missing} が設定されていません" in str(refused.value)
    assert server.process.returncode != 0


def test_the_server_refuses_to_answer_real_residents_without_a_secret_key(line_api, tmp_path):
    env = {**server_env(line_api, tmp_path), "LINE_API_ENDPOINT": "", "BOT_SECRET_KEY": "", "BOT_ALLOW_DERIVED_KEY": ""}
    server = GunicornServer(env, tmp_path / "gunicorn.log", workers=1)
    with pytest.raises(RuntimeError) as refused:
        server.start(timeout=60)
    assert "BOT_SECRET_KEY が設定されていません" in str(refused.value)
    assert server.process.returncode != 0


def test_with_the_derived_key_allowed_the_server_starts_and_warns(line_api, tmp_path):
    env = {**server_env(line_api, tmp_path), "LINE_API_ENDPOINT": "", "BOT_SECRET_KEY": "", "BOT_ALLOW_DERIVED_KEY": "1"}
    server = GunicornServer(env, tmp_path / "gunicorn.log", workers=1).start(timeout=60)
    try:
        assert server.health()["entries"] > 0
        assert "BOT_SECRET_KEY is not set" in server.log()
    finally:
        server.stop()


SECRETS = [
    "123456789012", "1234 5678 9012", "1234-5678-9012", "１２３４５６７８９０１２", "１２３４　５６７８　９０１２",
    "090-1234-5678", "09012345678", "０９０－１２３４－５６７８", "+81 90 1234 5678",
    "taro.yamada@example.jp", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ",
]


def stored_bytes(server) -> bytes:
    database = server.env["DATABASE_URL"].removeprefix("sqlite:///")
    return b"".join(p.read_bytes() for p in Path(database).parent.glob(Path(database).name + "*"))


@pytest.mark.parametrize("secret", SECRETS)
def test_numbers_and_addresses_never_reach_the_database_or_the_log(server, fake_api, secret):
    request = send(server, fake_api, ev.text(f"マイナンバーカードをなくした。{secret}に連絡ください"))
    assert reply_problems(request["body"]) == []
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", secret) if ch.isdigit())
    forms = {secret, unicodedata.normalize("NFKC", secret), digits, digits[-8:]} if digits else {secret, unicodedata.normalize("NFKC", secret)}
    database, log = stored_bytes(server), server.log().encode()
    masked = {"[電話番号]に連絡ください", "[メール]に連絡ください", NOT_KEPT}
    assert any(m.encode() in database for m in masked)  # the question was logged, masked
    for form in forms:
        assert form.encode() not in database, form
        assert form.encode() not in log, form


def test_a_my_number_is_answered_with_the_warning(server, fake_api):
    request = send(server, fake_api, ev.text("マイナンバーは 1234-5678-9012 です"))
    assert texts(request).startswith("マイナンバー（12けたの番号）は、ここに送らないでください")


def test_an_answer_offers_solved_and_unsolved_and_unsolved_gives_the_contact(server, fake_api):
    request = send(server, fake_api, ev.text("マイナンバーカードをなくした"))
    labels = [label for label, _ in buttons(request)]
    assert labels[-4:] == ["解決した", "解決しない", "メニュー", "職員に聞きたい"]
    unsolved = dict(buttons(request))["解決しない"]
    assert "0000-00-0000" in texts(send(server, fake_api, ev.postback(unsolved)))


def test_an_unsent_message_leaves_the_question_log(server, fake_api):
    from bot.storage import Storage

    said = ev.text("山田花子です。スマホ教室の持ち物は？")
    send(server, fake_api, said)
    storage = Storage(server.env["DATABASE_URL"])
    assert any("山田花子" in q.question for q in storage.questions_since(0))
    unsent = ev.unsend(said["message"]["id"])
    assert post(server, ev.body_of(unsent))[0] == 200
    server.wait_for_events(unsent)
    assert not any("山田花子" in q.question for q in storage.questions_since(0))
