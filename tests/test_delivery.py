"""Replies sent from the app's own threads, outside gunicorn (bot serve, the Flask app in tests)."""

import threading

import line_events as ev
from conftest import wait_until
from gunicorn_server import free_port
from linebot.v3.messaging import TextMessage
from linebot.v3.webhook import WebhookParser

from bot.line.backlog import Backlog
from bot.line.delivery import ReplySender


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


class _WatchedLock:
    """A lock that says when someone had to wait for it."""

    def __init__(self):
        self._lock = threading.Lock()
        self.contended = threading.Event()

    def held(self) -> bool:
        return self._lock.locked()

    def __enter__(self):
        if not self._lock.acquire(blocking=False):
            self.contended.set()
            self._lock.acquire()
        return self

    def __exit__(self, *exc):
        self._lock.release()


def test_a_sweep_that_adopts_while_the_worker_stops_still_gets_its_events_answered(app, fake_api):
    dispatcher = app.extensions["dispatcher"]
    event = ev.text("メニュー")
    body = ev.body_of(event)
    (parsed,) = WebhookParser(ev.CHANNEL_SECRET).parse(body.decode(), ev.sign(body))
    gone = Backlog(dispatcher.storage, app.config["BOT"].secret_key)  # a worker that stopped
    assert gone.accept(parsed) and gone.release() == 1
    sweeping = dispatcher._sweeping = _WatchedLock()
    adopt = dispatcher.backlog.adopt

    def adopt_while_stopping(limit):
        # The stop has begun: it waits for this sweep (or, were there no lock, closes the pool).
        wait_until(lambda: sweeping.contended.is_set() or dispatcher._executor._shutdown, timeout=10, every=0.005)
        return adopt(limit)

    dispatcher.backlog.adopt = adopt_while_stopping
    sweep = threading.Thread(target=dispatcher.sweep)
    sweep.start()
    wait_until(sweeping.held, timeout=10, every=0.005)
    dispatcher.shutdown()
    sweep.join()
    assert [r["body"]["replyToken"] for r in fake_api.replies()] == [event["replyToken"]]
