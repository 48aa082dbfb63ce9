"""Smartphone classes end to end: gunicorn (two workers), signed webhooks, the fake Messaging API."""

from __future__ import annotations

import datetime as dt
import json
import threading

import line_events as ev
import pytest
from conftest import server_env
from fake_line import reply_problems
from gunicorn_server import GunicornServer
from test_line_service import post, send, texts

from bot.clock import JST

pytestmark = pytest.mark.e2e


def in_days(days: int) -> str:
    return (dt.datetime.now(JST).date() + dt.timedelta(days=days)).isoformat()


@pytest.fixture(scope="module")
def class_server(line_api, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("classes")
    import shutil

    from conftest import SHIPPED_FAQ

    faq_dir = tmp_path / "faq"
    shutil.copytree(SHIPPED_FAQ, faq_dir)
    (faq_dir / "classes.csv").write_text(
        "NO,イベント名,開始日,開始時間,終了時間,場所名称,定員,参加申込終了日,参加申込方法,連絡先電話番号\n"
        f"LAST3,LINE入門,{in_days(10)},10:00,12:00,さくら町公民館,3,{in_days(5)},LINE,0000-00-0000\n"
        f"ROOMY,はじめてのスマホ,{in_days(12)},10:00,12:00,さくら町公民館,10,,LINE,0000-00-0000\n"
        f"TALK,スマホ相談会,{in_days(14)},13:30,15:30,図書館,,,当日会場へ,0000-00-0000\n",
        encoding="utf-8",
    )
    running = GunicornServer(server_env(line_api, tmp_path, faq_dir), tmp_path / "gunicorn.log").start()
    yield running
    running.stop()


def user(n: int) -> dict:
    return {"type": "user", "userId": f"U{n:032x}"}


def flex_of(request: dict) -> dict:
    return next(m for m in request["body"]["messages"] if m["type"] == "flex")


def test_ask_book_confirm_check_and_cancel(class_server, fake_api):
    me = user(1)
    schedule = send(class_server, fake_api, ev.text("次のスマホ教室はいつ？", source=me))
    assert reply_problems(schedule["body"]) == []
    carousel = flex_of(schedule)["contents"]
    assert [b["body"]["contents"][0]["text"] for b in carousel["contents"]] == ["LINE入門", "はじめてのスマホ", "スマホ相談会"]
    book = carousel["contents"][1]["footer"]["contents"][0]["action"]
    assert (book["label"], book["data"]) == ("申し込む", "class:book:ROOMY")
    assert "footer" not in carousel["contents"][2]  # 当日会場へ: nothing to book or call

    confirm = send(class_server, fake_api, ev.postback(book["data"], source=me))
    assert texts(confirm).startswith("この教室に申し込みますか？")
    yes = dict((i["action"]["label"], i["action"]["data"]) for i in confirm["body"]["messages"][-1]["quickReply"]["items"])
    booked = send(class_server, fake_api, ev.postback(yes["はい、申し込む"], source=me))
    assert texts(booked).startswith("申し込みました。\n受付番号：")
    assert reply_problems(booked["body"]) == []

    mine = send(class_server, fake_api, ev.text("予約の確認", source=me))
    assert "はじめてのスマホ" in texts(mine)
    cancel = next(i["action"]["data"] for i in mine["body"]["messages"][-1]["quickReply"]["items"]
                  if i["action"]["data"].startswith("class:cancel:"))
    sure = send(class_server, fake_api, ev.postback(cancel, source=me))
    ok = sure["body"]["messages"][-1]["quickReply"]["items"][0]["action"]["data"]
    done = send(class_server, fake_api, ev.postback(ok, source=me))
    assert texts(done).endswith("の予約を取り消しました。")
    again = send(class_server, fake_api, ev.text("次のスマホ教室はいつ？", source=me))
    assert "のこり 10席" in json.dumps(flex_of(again), ensure_ascii=False)


def test_twenty_residents_for_the_last_three_seats(class_server, fake_api):
    events = [ev.postback("class:confirm:LAST3", source=user(100 + n)) for n in range(20)]
    threads = [threading.Thread(target=post, args=(class_server, ev.body_of(e))) for e in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    replies = fake_api.wait_for_replies(20, timeout=20)
    outcomes = sorted(texts(r).split("\n", 1)[0][:6] for r in replies)
    assert len(replies) == 20
    assert outcomes.count("申し込みまし") == 3
    assert outcomes.count("ごめんなさい") == 17
    health_seats = send(class_server, fake_api, ev.text("LINEの教室はある？", source=user(999)))
    assert "満席です" in json.dumps(flex_of(health_seats), ensure_ascii=False)
