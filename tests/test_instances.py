"""Two instances (two gunicorn masters, two workers each) sharing one database, on SQLite and
on PostgreSQL: what a town gets behind a load balancer."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

import line_events as ev
import pytest
from conftest import SHIPPED_FAQ, server_env
from gunicorn_server import GunicornServer
from test_line_service import post, texts

from bot.clock import JST

pytestmark = pytest.mark.e2e

# Each round boots two instances of two workers on a fresh database (a few CPU-seconds each):
# three in a local run; CI soaks ten (BOT_TEST_COLD_STARTS in .ci/run). The race they look for,
# every process creating the schema at once, test_storage also provokes directly.
COLD_STARTS = int(os.environ.get("BOT_TEST_COLD_STARTS", "3"))


def in_days(days: int) -> str:
    return (dt.datetime.now(JST).date() + dt.timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def faq_with_classes(tmp_path_factory):
    faq_dir = tmp_path_factory.mktemp("instances") / "faq"
    shutil.copytree(SHIPPED_FAQ, faq_dir)
    (faq_dir / "classes.csv").write_text(
        "NO,イベント名,開始日,開始時間,終了時間,場所名称,定員,参加申込終了日,参加申込方法,連絡先電話番号\n"
        f"LAST3,LINE入門,{in_days(10)},10:00,12:00,さくら町公民館,3,{in_days(5)},LINE,0000-00-0000\n",
        encoding="utf-8",
    )
    return faq_dir


def fresh_database(kind: str, request, folder) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder}/bot.sqlite3"
    return request.getfixturevalue("postgres").new_database()


def start_instances(line_api, folder, faq_dir, database_url: str, count: int = 2) -> list[GunicornServer]:
    """``count`` gunicorn masters of two workers each, started at the same moment."""
    servers = []
    for n in range(count):
        env = {**server_env(line_api, folder, faq_dir), "DATABASE_URL": database_url,
               "FAQ_SNAPSHOT_DIR": str(folder / f"faq-last-good-{n}")}
        servers.append(GunicornServer(env, folder / f"gunicorn-{n}.log"))
    with ThreadPoolExecutor(count) as pool:
        started = list(pool.map(lambda s: _start_or_error(s), servers))
    errors = [s for s in started if isinstance(s, Exception)]
    if errors:
        for server in servers:
            server.stop()
        raise errors[0]
    return servers


def _start_or_error(server: GunicornServer):
    try:
        return server.start(timeout=120)
    except RuntimeError as error:
        return error


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def instances(request, line_api, faq_with_classes, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"pair-{request.param}")
    servers = start_instances(line_api, folder, faq_with_classes, fresh_database(request.param, request, folder))
    yield servers
    for server in servers:
        server.stop()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_repeated_cold_starts_of_two_instances_on_a_fresh_database_all_come_up(
        kind, request, line_api, faq_with_classes, tmp_path):
    for round_ in range(COLD_STARTS):
        folder = tmp_path / f"round-{round_}"
        folder.mkdir()
        servers = start_instances(line_api, folder, faq_with_classes, fresh_database(kind, request, folder))
        try:
            for server in servers:
                assert server.health()["status"] == "ok"
                assert "Worker failed to boot" not in server.log()
                assert server.log().count(" ready: ") == 2
        finally:
            for server in servers:
                server.stop()


def test_twenty_residents_for_three_seats_across_two_instances(instances, fake_api):
    events = [ev.postback("class:confirm:LAST3", source={"type": "user", "userId": f"U{200 + n:032x}"})
              for n in range(20)]
    threads = [threading.Thread(target=post, args=(instances[n % 2], ev.body_of(e))) for n, e in enumerate(events)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    replies = fake_api.wait_for_replies(20, timeout=30)
    outcomes = [texts(r).split("\n", 1)[0][:6] for r in replies]
    assert len(replies) == 20
    assert outcomes.count("申し込みまし") == 3
    assert outcomes.count("ごめんなさい") == 17


def test_an_event_and_its_redelivery_to_the_other_instance_are_answered_once(instances, fake_api):
    events = [ev.text("マイナンバーカードをなくした") for _ in range(10)]
    copies = [(instances[0], ev.body_of(e)) for e in events] + [
        (instances[1], ev.body_of({**e, "deliveryContext": {"isRedelivery": True}})) for e in events]
    statuses = []
    threads = [threading.Thread(target=lambda s=s, b=b: statuses.append(post(s, b)[0])) for s, b in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 20
    fake_api.wait_for_replies(10)
    # One more reply after them shows that nothing else was still on its way.
    sentinel = ev.text("メニュー")
    assert post(instances[1], ev.body_of(sentinel))[0] == 200
    replies = fake_api.wait_for_replies(11)
    tokens = [r["body"]["replyToken"] for r in replies]
    assert sorted(tokens) == sorted([e["replyToken"] for e in events] + [sentinel["replyToken"]])
