"""/healthz tells the truth: 503 while the database refuses writes or replies fail, 200 after."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import time
from contextlib import contextmanager

import pytest

import line_events as ev
from bot.line.health import ReplyOutcomes
from conftest import server_env


@pytest.fixture
def sqlite_folder(tmp_path):
    """The folder of the SQLite file. Under root (CI) file modes do not stop writes, so it is a
    small tmpfs of its own that the test can remount read-only, as a failing disk would be."""
    folder = tmp_path / "db"
    folder.mkdir()
    if os.geteuid() != 0:
        yield folder
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("running as root without the right to mount a tmpfs: a read-only SQLite file cannot be made")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def kind(request):
    return request.param


@pytest.fixture
def database(kind, request, sqlite_folder):
    if kind == "sqlite":
        return f"sqlite:///{sqlite_folder}/bot.sqlite3"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def health_app(line_api, tmp_path, database):
    from bot.web import create_app

    app = create_app({**server_env(line_api, tmp_path), "DATABASE_URL": database, "FAQ_RELOAD_SECONDS": "0"})
    yield app
    app.extensions["dispatcher"].shutdown()


def health(app) -> tuple[int, dict, float]:
    started = time.monotonic()
    response = app.test_client().get("/healthz")
    return response.status_code, response.get_json(), time.monotonic() - started


@contextmanager
def write_locked(kind: str, app, postgres=None):
    """Another connection holds the write lock (a long migration, a stuck batch job)."""
    url = app.extensions["storage"].url
    if kind == "sqlite":
        holder = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    holder = postgres.connect(url.rsplit("/", 1)[1])
    holder.autocommit = False
    holder.execute("LOCK TABLE heartbeat IN ACCESS EXCLUSIVE MODE")
    try:
        yield
    finally:
        holder.rollback()
        holder.close()


def set_read_only(kind: str, app, on: bool, postgres=None) -> None:
    storage = app.extensions["storage"]
    if kind == "sqlite":
        path = storage.url.removeprefix("sqlite:///")
        folder = os.path.dirname(path)
        # Open files keep a filesystem from being remounted: the pool's connections go first
        # (a kernel remounting a failing disk read-only does not ask).
        storage.engine.dispose()
        if os.geteuid() == 0:
            subprocess.run(["mount", "-o", f"remount,{'ro' if on else 'rw'}", folder], check=True)
        else:
            for name in os.listdir(folder):
                os.chmod(os.path.join(folder, name), 0o444 if on else 0o644)
            os.chmod(folder, 0o555 if on else 0o755)
        return
    name = storage.url.rsplit("/", 1)[1]
    with postgres.connect() as admin:
        admin.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = {"on" if on else "off"}')
        # Settings apply to new sessions: the bot's pooled ones are ended and it reconnects.
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))


def postgres_of(kind, request):
    return request.getfixturevalue("postgres") if kind == "postgresql" else None


def test_health_writes_and_is_200_when_all_is_well(health_app):
    code, body, _ = health(health_app)
    assert (code, body["status"], body["database"], body["replies"]) == (200, "ok", "ok", "ok")


def test_a_write_lock_held_elsewhere_is_503_within_2_seconds_then_200(health_app, kind, request):
    health(health_app)
    with write_locked(kind, health_app, postgres_of(kind, request)):
        code, body, seconds = health(health_app)
        assert (code, body["status"], body["database"]) == (503, "degraded", "locked")
        assert seconds < 2.0
    code, body, _ = health(health_app)
    assert (code, body["database"]) == (200, "ok")


def test_a_read_only_database_is_503_within_2_seconds_then_200(health_app, kind, request):
    postgres = postgres_of(kind, request)
    health(health_app)
    set_read_only(kind, health_app, True, postgres)
    try:
        code, body, seconds = health(health_app)
        assert (code, body["status"]) == (503, "degraded")
        assert body["database"] in ("read-only", "unreachable")
        assert seconds < 2.0
    finally:
        set_read_only(kind, health_app, False, postgres)
    code, body, _ = health(health_app)
    assert (code, body["database"]) == (200, "ok")


def test_the_answer_names_no_path_and_no_error_text(health_app, kind, request, tmp_path):
    with write_locked(kind, health_app, postgres_of(kind, request)):
        _, body, _ = health(health_app)
    text = json.dumps(body, ensure_ascii=False)
    assert str(tmp_path) not in text and "/tmp" not in text
    assert "Error" not in text and "sqlite" not in text.lower() and "psycopg" not in text


def wait_for_health(app, code: int, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status, body, _ = health(app)
        if status == code or time.monotonic() > deadline:
            return {"code": status, **body}


@pytest.mark.parametrize("kind", ["sqlite"])
def test_replies_failing_make_it_503_and_a_delivered_reply_makes_it_200(health_app, fake_api):
    client = health_app.test_client()
    fake_api.fail_next = [503] * 6  # three replies, each tried twice
    for _ in range(3):
        body = ev.body_of(ev.text("メニュー"))
        assert client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body)}).status_code == 200
    failing = wait_for_health(health_app, 503)
    assert (failing["code"], failing["replies"], failing["database"]) == (503, "failing", "ok")
    body = ev.body_of(ev.text("メニュー"))
    client.post("/callback", data=body, headers={"X-Line-Signature": ev.sign(body)})
    fake_api.wait_for_replies(1)
    recovered = wait_for_health(health_app, 200)
    assert (recovered["code"], recovered["replies"]) == (200, "ok")


def test_a_broken_faq_file_is_named_without_its_folder(line_api, tmp_path, faq_copy):
    from bot.web import create_app

    app = create_app({**server_env(line_api, tmp_path, faq_copy), "FAQ_RELOAD_SECONDS": "0"})
    try:
        (faq_copy / "10-mynumber.yaml").write_text("category: [\n", encoding="utf-8")
        source = app.extensions["faq_source"]
        source.refresh()  # sees the change
        source.refresh()  # the change has settled: loads it, and fails
        _, body, _ = health(app)
    finally:
        app.extensions["dispatcher"].shutdown()
    assert body["last_error"][0].startswith("10-mynumber.yaml:1: ")
    assert all(re.match(r"[\w.-]+\.(yaml|csv):\d+: ", problem) for problem in body["last_error"])
    assert str(faq_copy) not in json.dumps(body, ensure_ascii=False)


def test_two_failures_are_not_yet_failing():
    outcomes = ReplyOutcomes(count=3)
    outcomes.record(False)
    outcomes.record(False)
    assert outcomes.failing() is False
    outcomes.record(False)
    assert outcomes.failing() is True


def test_one_delivered_reply_ends_failing():
    outcomes = ReplyOutcomes(count=3)
    for _ in range(3):
        outcomes.record(False)
    outcomes.record(True)
    assert outcomes.failing() is False


def test_failures_older_than_the_window_no_longer_count():
    now = {"t": 100.0}
    outcomes = ReplyOutcomes(count=3, window=60.0, clock=lambda: now["t"])
    for _ in range(3):
        outcomes.record(False)
    now["t"] = 161.0
    assert outcomes.failing() is False
