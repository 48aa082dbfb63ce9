"""Booking a class in LINE, through the conversation, with a frozen clock."""

import datetime as dt

import pytest
from linebot.v3.webhook import WebhookParser

import line_events as ev
from bot.clock import JST
from bot.dialogue.conversation import Conversation
from bot.content.loader import load_faq
from bot.dialogue.replies import Responder
from bot.storage import Storage
from bot.user_ids import UserIdBox

CLASSES = """\
NO,イベント名,開始日,開始時間,終了時間,場所名称,定員,参加申込終了日,参加申込方法,連絡先電話番号
A,はじめてのスマホ,2026-12-09,10:00,12:00,公民館,2,2026-12-02,LINE または電話,0000-00-0000
B,スマホ相談会,2026-12-19,13:30,15:30,図書館,,,当日会場へ,0000-00-0000
"""
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=JST)


@pytest.fixture
def responder(small_faq):
    (small_faq / "classes.csv").write_text(CLASSES, encoding="utf-8")
    return Responder(load_faq(small_faq))


@pytest.fixture
def storage(database_url):
    """Every booking test runs on SQLite and on PostgreSQL."""
    return Storage(database_url)


@pytest.fixture
def clock():
    return {"now": NOW}


@pytest.fixture
def conversation(storage, clock):
    return Conversation(storage, b"key", clock=lambda: clock["now"])


def resident(n: int) -> dict:
    return {"type": "user", "userId": f"U{n:032x}"}


def tap(conversation, responder, data, who=1):
    body = ev.body_of(ev.postback(data, source=resident(who)))
    (event,) = WebhookParser(ev.CHANNEL_SECRET).parse(body.decode(), ev.sign(body))
    return conversation.reply_to(event, responder)


def say(conversation, responder, text, who=1):
    body = ev.body_of(ev.text(text, source=resident(who)))
    (event,) = WebhookParser(ev.CHANNEL_SECRET).parse(body.decode(), ev.sign(body))
    return conversation.reply_to(event, responder)


def test_book_asks_to_confirm_then_books(conversation, responder, storage):
    asking = tap(conversation, responder, "class:book:A")
    assert asking.text.startswith("この教室に申し込みますか？")
    assert [b.action for b in asking.buttons] == ["class:confirm:A", "menu"]
    assert storage.seats_taken("A") == 0
    booked = tap(conversation, responder, "class:confirm:A")
    assert booked.text.startswith("申し込みました。\n受付番号：1")
    assert "12月9日（水）10:00〜12:00" in booked.text
    assert storage.seats_taken("A") == 1


def test_one_seat_per_resident(conversation, responder, storage):
    tap(conversation, responder, "class:confirm:A")
    again = tap(conversation, responder, "class:confirm:A")
    assert again.text.startswith("この教室には、もう申し込んでいます（受付番号：1）")
    assert storage.seats_taken("A") == 1


def test_a_full_class_says_so(conversation, responder):
    tap(conversation, responder, "class:confirm:A", who=1)
    tap(conversation, responder, "class:confirm:A", who=2)
    assert tap(conversation, responder, "class:book:A", who=3).text.startswith("ごめんなさい。「はじめてのスマホ」（12月9日（水）10:00〜12:00）は満席になりました")
    assert tap(conversation, responder, "class:confirm:A", who=3).text.startswith("ごめんなさい。")


def test_no_booking_after_the_last_application_day(conversation, responder, clock, storage):
    clock["now"] = dt.datetime(2026, 12, 3, 8, 0, tzinfo=JST)
    reply = tap(conversation, responder, "class:confirm:A")
    assert reply.text == "「はじめてのスマホ」（12月9日（水）10:00〜12:00）の申し込みは、しめきりました。"
    assert storage.seats_taken("A") == 0


def test_a_class_without_capacity_shows_how_to_apply(conversation, responder):
    reply = tap(conversation, responder, "class:book:B")
    assert reply.text.startswith("「スマホ相談会」は LINE では申し込めません。\n申し込み：当日会場へ")


def test_my_bookings_lists_and_cancel_frees_the_seat(conversation, responder, storage):
    tap(conversation, responder, "class:confirm:A")
    mine = say(conversation, responder, "予約の確認")
    assert mine.text.startswith("申し込んでいる教室です。")
    cancel = next(b for b in mine.buttons if b.action.startswith("class:cancel:"))
    assert cancel.label == "取り消す 12/9 はじめてのスマホ"
    confirm = tap(conversation, responder, cancel.action)
    assert confirm.text.startswith("この予約を取り消しますか？")
    done = tap(conversation, responder, confirm.buttons[0].action)
    assert done.text == "「はじめてのスマホ」（12月9日（水）10:00〜12:00）の予約を取り消しました。"
    assert storage.seats_taken("A") == 0
    assert tap(conversation, responder, "class:mine").text == "申し込んでいる教室はありません。"


def test_a_resident_cannot_cancel_someone_elses_booking(conversation, responder, storage):
    tap(conversation, responder, "class:confirm:A", who=1)
    assert tap(conversation, responder, "class:cancel-ok:1", who=2).text.startswith("その予約は見つかりませんでした")
    assert storage.seats_taken("A") == 1


def test_the_booking_keeps_the_user_id_encrypted_and_no_raw_id(conversation, responder, storage):
    tap(conversation, responder, "class:confirm:A")
    (booking,) = storage.roster("A")
    assert f"U{1:032x}" not in booking.user_token and f"U{1:032x}" != booking.resident
    assert UserIdBox(b"key").open(booking.user_token) == f"U{1:032x}"


def test_the_schedule_shows_seats_left(conversation, responder):
    tap(conversation, responder, "class:confirm:A")
    reply = say(conversation, responder, "次のスマホ教室はいつ？", who=2)
    assert "のこり 1席" in reply.text
    assert [o.seats_left for o in reply.offers] == [1, None]
