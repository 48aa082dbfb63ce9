"""Replies not lost: a worker killed (kill -9) or stopped (SIGTERM) with replies queued behind a
slow Messaging API; the other worker, the respawned one or the next start sends them, once."""

from __future__ import annotations

import collections
import os
import signal
import threading
import time

import line_events as ev
import pytest
from conftest import server_env, wait_until
from gunicorn_server import GunicornServer
from test_line_service import post

from bot.storage import Storage

pytestmark = pytest.mark.e2e

EVENTS = 30
API_SECONDS = 2.0  # each reply takes this long at the fake API: the workers fall behind


@pytest.fixture
def database(database_url):
    """Each test on SQLite and on PostgreSQL."""
    return database_url


def start(line_api, tmp_path, database, name="gunicorn", **extra) -> GunicornServer:
    """Four reply threads a worker: most of its share of the events waits in its queue."""
    env = {**server_env(line_api, tmp_path), "DATABASE_URL": database, "REPLY_THREADS": "4", **extra}
    return GunicornServer(env, tmp_path / f"{name}.log").start(timeout=120)


def post_all(server, events) -> None:
    statuses = []
    threads = [threading.Thread(target=lambda e=e: statuses.append(post(server, ev.body_of(e))[0])) for e in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * len(events)


def busiest_worker(database: str, server: GunicornServer) -> tuple[int, int]:
    """The worker holding the most unanswered events, and how many."""
    storage = Storage(database)
    with storage.engine.connect() as connection:
        from sqlalchemy import select

        from bot.storage import delivered_events as table

        owners = connection.execute(select(table.c.owner).where(table.c.state.in_(("queued", "working")))).scalars()
        counts = collections.Counter(int(owner.split(":")[1]) for owner in owners)
    storage.close()
    candidates = [(n, pid) for pid, n in counts.items() if pid in server.worker_pids()]
    n, pid = max(candidates)
    return pid, n


def accepted_once(fake_api, events, timeout: float) -> dict[str, int]:
    """Waits until every event's reply was accepted (or ``timeout``); accepted replies per token."""
    fake_api.wait_for_replies(len(events), timeout=timeout)
    accepted = collections.Counter(r["body"]["replyToken"] for r in fake_api.replies())
    return {e["replyToken"]: accepted[e["replyToken"]] for e in events}


def outcomes(database: str) -> collections.Counter:
    storage = Storage(database)
    try:
        return collections.Counter(storage.event_outcomes().values())
    finally:
        storage.close()


def every_event_closed(database: str, timeout: float) -> None:
    """Until the sweepers have written every event's outcome."""
    wait_until(lambda: None not in outcomes(database), timeout=timeout, every=0.2)


@pytest.mark.parametrize("how, sign", [
    (signal.SIGKILL, "event taken over from a worker that stopped"),  # kill -9: its leases run out
    (signal.SIGTERM, "handed over"),  # a stop: its queue is handed over at once, the rest drained
])
def test_a_busy_worker_killed_or_stopped_loses_no_reply(line_api, fake_api, tmp_path, database, how, sign):
    server = start(line_api, tmp_path, database, GRACEFUL_TIMEOUT="7")
    try:
        fake_api.delay = API_SECONDS
        events = [ev.text("マイナンバーカードをなくした") for _ in range(EVENTS)]
        post_all(server, events)
        pid, holding = busiest_worker(database, server)
        assert holding > 0
        os.kill(pid, how)
        assert accepted_once(fake_api, events, timeout=120) == {e["replyToken"]: 1 for e in events}
        assert sign in server.log()
        # A reply the killed worker sent but had not recorded stays its own until its lease runs
        # out; then another worker adopts it and LINE refuses the used token: wait for that.
        every_event_closed(database, timeout=120)
    finally:
        server.stop()
    # Adopted events the killed worker had already sent are refused by the API as used; no other outcome.
    assert set(outcomes(database)) <= {"sent", "failed 400"}


def test_a_stopped_instance_leaves_its_backlog_to_the_next_start(line_api, fake_api, tmp_path, database):
    first = start(line_api, tmp_path, database, name="first", GRACEFUL_TIMEOUT="6")
    fake_api.delay = API_SECONDS
    events = [ev.text("メニュー") for _ in range(EVENTS)]
    post_all(first, events)
    first.stop()  # SIGTERM to the master: both workers drain for a second, then stop
    left = [e for e in events if e["replyToken"] not in {r["body"]["replyToken"] for r in fake_api.replies()}]
    assert left, "the backlog was meant to outlast the graceful timeout"
    second = start(line_api, tmp_path, database, name="second")
    try:
        assert accepted_once(fake_api, events, timeout=120) == {e["replyToken"]: 1 for e in events}
        # A reply the stopping instance sent in its last moment, between LINE's 200 and writing
        # it down, is adopted once its lease runs out, and LINE refuses the used token.
        every_event_closed(database, timeout=120)
    finally:
        second.stop()
    assert set(outcomes(database)) <= {"sent", "failed 400"}


def test_an_unanswerable_reply_is_recorded_with_its_event_id(line_api, fake_api, tmp_path):
    database = f"sqlite:///{tmp_path}/bot.sqlite3"
    server = start(line_api, tmp_path, database)
    try:
        fake_api.fail_next = [503, 503]
        event = ev.text("メニュー")
        post_all(server, [event])
        deadline = time.monotonic() + 30
        while outcomes(database).get("failed 503") != 1 and time.monotonic() < deadline:
            time.sleep(0.1)  # polling the database until the worker has given up
        assert outcomes(database) == {"failed 503": 1}
        log = server.log()
        assert f"reply lost: event={event['webhookEventId']} type=message reason=failed 503" in log
        assert ev.USER_ID not in log
    finally:
        server.stop()
