"""Replies sent from the app's own threads, outside gunicorn (bot serve, the Flask app in tests)."""

from linebot.v3.messaging import TextMessage

import line_events as ev
from bot.line.delivery import ReplySender
from gunicorn_server import free_port


def post(client, *events):
    body = ev.body_of(*events)
    return client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body)})


def test_a_webhook_is_answered_from_the_apps_own_threads(app, client, fake_api):
    event = ev.text("マイナンバーカードをなくした")
    assert post(client, event).status_code == 200
    app.extensions["dispatcher"].shutdown()  # waits for the reply threads
    assert [r["body"]["replyToken"] for r in fake_api.replies()] == [event["replyToken"]]


def test_stopping_sends_every_reply_still_queued(app, client, fake_api):
    fake_api.delay = 0.2
    events = [ev.text("メニュー") for _ in range(6)]
    assert post(client, *events).status_code == 200
    app.extensions["dispatcher"].shutdown()
    assert sorted(r["body"]["replyToken"] for r in fake_api.replies()) == sorted(e["replyToken"] for e in events)


def test_a_429_is_retried_once_in_process(app, client, fake_api):
    fake_api.fail_next = [429]
    assert post(client, ev.text("メニュー")).status_code == 200
    app.extensions["dispatcher"].shutdown()
    assert [r["status"] for r in fake_api.requests] == [429, 200]


def test_an_unreachable_api_is_given_up_after_one_retry_and_logged(caplog):
    sender = ReplySender(f"http://127.0.0.1:{free_port()}", ev.ACCESS_TOKEN)
    assert sender.send("reply-token-x", [TextMessage(text="はい")], "01HTESTUNREACHABLE").startswith("failed ")
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.line.delivery"]
    assert logged[0].startswith("reply failed, retrying once: event=01HTESTUNREACHABLE")
    assert logged[1].startswith("reply not delivered: event=01HTESTUNREACHABLE")
