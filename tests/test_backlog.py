"""The hand-over table: leases, adoption by another worker, expiry; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from linebot.v3.webhook import WebhookParser
from sqlalchemy import select

import line_events as ev
from bot.line.backlog import ADOPT_WITHIN_SECONDS, LEASE_SECONDS, Backlog
from bot.storage import Storage, delivered_events


@pytest.fixture
def clock():
    return {"now": 1_800_000_000.0}


@pytest.fixture
def storage(database_url):
    return Storage(database_url)


def worker(storage, clock) -> Backlog:
    return Backlog(storage, b"key", clock=lambda: clock["now"])


def parsed(event: dict):
    body = ev.body_of(event)
    (parsed_event,) = WebhookParser(ev.CHANNEL_SECRET).parse(body.decode(), ev.sign(body))
    return parsed_event


def row(storage, event_id):
    with storage.engine.connect() as connection:
        return connection.execute(select(delivered_events).where(delivered_events.c.event_id == event_id)).one()


def test_the_receiving_worker_takes_its_event_and_no_other_can(storage, clock):
    mine, other = worker(storage, clock), worker(storage, clock)
    event = parsed(ev.text("マイナンバーカードをなくした"))
    assert mine.accept(event) is True
    assert other.take(event.webhook_event_id) is False
    assert mine.take(event.webhook_event_id) is True


def test_a_redelivery_is_not_accepted_again(storage, clock):
    event = parsed(ev.text("メニュー"))
    assert worker(storage, clock).accept(event) is True
    assert worker(storage, clock).accept(event) is False


def test_a_worker_that_stops_renewing_loses_its_event_to_another(storage, clock):
    gone, other = worker(storage, clock), worker(storage, clock)
    event = parsed(ev.postback("class:confirm:A"))
    gone.accept(event)
    gone.take(event.webhook_event_id)
    assert other.adopt(10) == []
    clock["now"] += LEASE_SECONDS + 1
    ((adopted, received_at),) = other.adopt(10)
    assert adopted == event and received_at == clock["now"] - LEASE_SECONDS - 1
    assert other.take(event.webhook_event_id) is True
    assert gone.take(event.webhook_event_id) is False


def test_renewed_leases_are_not_adopted(storage, clock):
    busy, other = worker(storage, clock), worker(storage, clock)
    event = parsed(ev.text("メニュー"))
    busy.accept(event)
    busy.take(event.webhook_event_id)
    for _ in range(3):
        clock["now"] += LEASE_SECONDS - 1
        busy.renew([event.webhook_event_id])
    assert other.adopt(10) == []


def test_a_released_event_is_adopted_at_once(storage, clock):
    stopping, other = worker(storage, clock), worker(storage, clock)
    event = parsed(ev.text("メニュー"))
    stopping.accept(event)
    assert stopping.release() == 1
    assert [e for e, _ in other.adopt(10)] == [event]


def test_an_event_past_its_token_is_not_adopted_but_expired_once(storage, clock):
    gone, other = worker(storage, clock), worker(storage, clock)
    event = parsed(ev.text("メニュー"))
    gone.accept(event)
    clock["now"] += ADOPT_WITHIN_SECONDS + 1
    assert other.adopt(10) == []
    assert other.expire() == [event.webhook_event_id]
    assert other.expire() == []
    kept = row(storage, event.webhook_event_id)
    assert (kept.state, kept.outcome, kept.payload) == ("done", "expired", None)


def test_a_finished_event_keeps_its_outcome_and_drops_its_payload(storage, clock):
    mine = worker(storage, clock)
    event = parsed(ev.text("メニュー"))
    mine.accept(event)
    mine.take(event.webhook_event_id)
    mine.finish([(event.webhook_event_id, "failed 503")])
    kept = row(storage, event.webhook_event_id)
    assert (kept.state, kept.outcome, kept.payload) == ("done", "failed 503", None)
    assert storage.event_outcomes() == {event.webhook_event_id: "failed 503"}


def test_the_queued_event_holds_neither_the_user_id_nor_the_text_in_clear(storage, clock):
    event = parsed(ev.text("わたしのひみつ 090-1234-5678"))
    worker(storage, clock).accept(event)
    payload = row(storage, event.webhook_event_id).payload
    assert ev.USER_ID not in payload and "090-1234-5678" not in payload and "ひみつ" not in payload


def test_an_event_sealed_under_another_key_is_closed_not_answered(storage, clock):
    event = parsed(ev.text("メニュー"))
    Backlog(storage, b"old-key", clock=lambda: clock["now"]).accept(event)
    clock["now"] += LEASE_SECONDS + 1
    assert worker(storage, clock).adopt(10) == []
    assert storage.event_outcomes()[event.webhook_event_id] == "error: sealed with another key"
