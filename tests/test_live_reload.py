"""Staff edit a FAQ file under the running gunicorn server (two workers)."""

from __future__ import annotations

import re
import time

import pytest

import line_events as ev
from conftest import server_env
from gunicorn_server import GunicornServer
from test_line_service import post, texts

pytestmark = pytest.mark.e2e

OLD = "フリーダイヤル"


@pytest.fixture
def editable_server(line_api, faq_copy, tmp_path):
    running = GunicornServer(server_env(line_api, tmp_path, faq_copy), tmp_path / "gunicorn.log").start()
    yield running, faq_copy
    running.stop()


def ask_many(server, fake_api, question: str, count: int = 8) -> list[str]:
    """Ask the same question ``count`` times at once, so both workers answer; their texts."""
    fake_api.reset()
    events = [ev.text(question) for _ in range(count)]
    for event in events:
        assert post(server, ev.body_of(event))[0] == 200
    replies = fake_api.wait_for_replies(count)
    assert len(replies) == count
    return [texts(r) for r in replies]


def answered_by_both_workers(server) -> bool:
    return len(set(re.findall(r"\[(\d+)\] INFO bot.line.delivery: event answered", server.log()))) == 2


def wait_for_both_workers(server, message: str, timeout: float = 60.0) -> None:
    """Wait until each of the two workers has logged ``message`` (from its FAQ watcher)."""
    pattern = re.compile(r"\[(\d+)\] \w+ bot\.content\.source: " + re.escape(message))
    deadline = time.monotonic() + timeout
    while len(set(pattern.findall(server.log()))) < 2:
        assert time.monotonic() < deadline, f"not both workers logged {message!r}:\n{server.log()[-3000:]}"
        time.sleep(0.05)


def test_an_edit_reaches_both_workers_and_a_broken_one_keeps_the_old(editable_server, fake_api, faq):
    server, faq_dir = editable_server
    category = faq_dir / "10-mynumber.yaml"
    original = category.read_text(encoding="utf-8")
    assert OLD in original
    assert all(OLD in t for t in ask_many(server, fake_api, "マイナンバーカードをなくした"))

    category.write_text(original.replace(OLD, "コールセンター（テスト）"), encoding="utf-8")
    wait_for_both_workers(server, "FAQ reloaded")
    assert all("コールセンター（テスト）" in t for t in ask_many(server, fake_api, "マイナンバーカードをなくした"))
    assert answered_by_both_workers(server)

    broken = original.replace(OLD, "コールセンター（テスト）").replace("answer:", "anwser:", 1)
    category.write_text(broken, encoding="utf-8")
    wait_for_both_workers(server, "FAQ not reloaded, the last good version stays live")
    assert all("コールセンター（テスト）" in t for t in ask_many(server, fake_api, "マイナンバーカードをなくした"))
    for _ in range(6):  # each worker reports the problem; ask often enough to meet both
        health = server.health()
        assert health["entries"] == len(faq.entries)
        assert health["last_error"] and re.search(r"10-mynumber\.yaml:\d+: ", health["last_error"][0])
        assert "anwser" in health["last_error"][0]
