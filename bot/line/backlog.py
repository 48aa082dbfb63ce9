"""Replies not lost: every event the bot takes on is kept in the database until it is answered.

Before LINE gets its 200, the worker that received an event claims its ``webhookEventId`` (a
redelivery then finds it taken) and queues it under a short lease. While the worker answers,
it renews the lease; if the worker dies (``kill -9``, out of memory) the lease runs out and
another worker, of this instance or another, or the next start, adopts the event and answers
it — as long as its reply token is still worth trying (LINE accepts a reply token for about a
minute). A stopping worker hands its queued events over at once instead of waiting.

What is kept is what answering needs and no more, sealed: the event as LINE sent it (the reply
token; the user id, which a booking needs for its reminder), encrypted with a key derived from
``BOT_SECRET_KEY`` and dropped when the event is done. An event that ends unanswered keeps its
id and why ("failed 503", "expired") in the table, and is logged with its id only.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid

from linebot.v3.webhooks import Event

from ..storage import Storage
from ..user_ids import UserIdBox

log = logging.getLogger(__name__)

# A worker renews the leases of the events it is answering every SWEEP_SECONDS; one that
# has not for LEASE_SECONDS is taken to be gone.
LEASE_SECONDS = 10.0
SWEEP_SECONDS = 1.0
# Another worker adopts an event only this long after it arrived: a reply token lives about a
# minute, and the adopter still needs the time to answer.
ADOPT_WITHIN_SECONDS = 50.0
# The worker that received an event still tries this much longer (a slow, backed-up API).
TOKEN_LIFETIME_SECONDS = 60.0


class Backlog:
    """This worker's side of the hand-over table (``delivered_events`` in :mod:`bot.storage`)."""

    def __init__(self, storage: Storage, secret_key: bytes, clock=time.time):
        self.storage = storage
        self.clock = clock
        self._box = UserIdBox(secret_key, purpose=b"queued-event")
        self._owner: tuple[int, str] | None = None

    @property
    def owner(self) -> str:
        """Who holds a lease: host, process and a random part (a pid is reused after a restart)."""
        if self._owner is None or self._owner[0] != os.getpid():
            self._owner = (os.getpid(), f"{socket.gethostname()[:100]}:{os.getpid()}:{uuid.uuid4().hex[:8]}")
        return self._owner[1]

    def accept(self, event: Event) -> bool:
        """Claim and queue ``event``; False when it was claimed before (a redelivery)."""
        now = self.clock()
        return self.storage.claim_event(
            event.webhook_event_id, now, owner=self.owner, lease_until=now + LEASE_SECONDS,
            reply_by=now + ADOPT_WITHIN_SECONDS, payload=self._box.seal(event.to_json()),
        )

    def take(self, event_id: str) -> bool:
        """Start answering: False when another worker adopted the event meanwhile, or it expired."""
        now = self.clock()
        return self.storage.take_event(event_id, self.owner, now + LEASE_SECONDS, now)

    def renew(self, event_ids: list[str]) -> None:
        self.storage.renew_leases(self.owner, event_ids, self.clock() + LEASE_SECONDS)

    def finish(self, outcomes: list[tuple[str, str]]) -> None:
        """Record how events ended, ``(event id, outcome)`` each, in one transaction."""
        if outcomes:
            self.storage.finish_events(self.owner, outcomes, self.clock())

    def adopt(self, limit: int) -> list[tuple[Event, float]]:
        """Up to ``limit`` events left by workers that are gone, now queued for this one, each
        with the moment it was received."""
        now = self.clock()
        events = []
        for event_id, payload, reply_by in self.storage.adopt_events(self.owner, now + LEASE_SECONDS, limit, now):
            opened = self._box.open(payload)
            if opened is None:  # sealed under another BOT_SECRET_KEY: cannot be answered here
                self.finish([(event_id, "error: sealed with another key")])
                log.error("reply lost: event=%s reason=sealed with another key", event_id)
                continue
            events.append((Event.from_json(opened), reply_by - ADOPT_WITHIN_SECONDS))
        return events

    def expire(self) -> list[str]:
        """Close the events whose token is past use and that nobody holds; their ids."""
        return self.storage.expire_events(self.clock())

    def release(self) -> int:
        """Let any worker take this one's queued events now (it is stopping)."""
        return self.storage.release_events(self.owner)

    def worth_trying(self, received_at: float) -> bool:
        return self.clock() < received_at + TOKEN_LIFETIME_SECONDS

    def still_held(self, leased_at: float) -> bool:
        """True while a lease taken at ``leased_at`` cannot have run out: nobody can have adopted
        the event, so starting on it needs no write (one fewer per reply under load)."""
        return self.clock() < leased_at + LEASE_SECONDS / 2
