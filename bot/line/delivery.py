"""Replies leave off the request path: the webhook returns at once, a thread pool sends.

LINE waits 2 seconds for the webhook's 200, while the Messaging API can take seconds; so
the webhook only queues events. Each worker process has its own pool (created lazily, after
gunicorn forks), and the database decides which worker answers a redelivered event.
"""

from __future__ import annotations

import logging
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor

from linebot.v3.messaging import ReplyMessageRequest
from linebot.v3.messaging.exceptions import ApiException
from linebot.v3.webhooks import EventMode
from urllib3.exceptions import HTTPError as TransportError

from ..dialogue.conversation import Conversation
from ..content.source import FaqSource
from .health import ReplyOutcomes
from .api import messaging_api
from .messages import line_messages
from ..storage import Storage

log = logging.getLogger(__name__)

# Connect quickly, but let a slow API take its time: a reply token lives for a minute.
REQUEST_TIMEOUT = (3.05, 20.0)
RETRY_DELAY_SECONDS = 0.5


def _retryable(error: Exception) -> bool:
    if isinstance(error, ApiException):
        return error.status == 429 or (error.status or 0) >= 500
    return isinstance(error, TransportError)


class ReplySender:
    """Sends one reply through the Messaging API, retrying once on 429, 5xx or a timeout.

    A retry is safe for a reply: a reply token is accepted once, so a duplicate is refused
    by LINE rather than shown twice.
    """

    def __init__(self, endpoint: str, access_token: str):
        self.api = messaging_api(endpoint, access_token, retries=0)  # the one retry below is ours, and logged
        self.outcomes = ReplyOutcomes()

    def send(self, reply_token: str, messages: list, event_id: str) -> bool:
        request = ReplyMessageRequest(replyToken=reply_token, messages=messages)
        for attempt in (1, 2):
            try:
                self.api.reply_message(request, _request_timeout=REQUEST_TIMEOUT)
                self.outcomes.record(True)
                return True
            except (ApiException, TransportError) as error:
                status = getattr(error, "status", None) or type(error).__name__
                if attempt == 1 and _retryable(error):
                    log.warning("reply failed, retrying once: event=%s status=%s", event_id, status)
                    time.sleep(RETRY_DELAY_SECONDS)
                    continue
                log.error("reply not delivered: event=%s status=%s", event_id, status)
                # A 400 is about this one reply (a used or expired token), not about the service.
                if status != 400:
                    self.outcomes.record(False)
                return False
        return False


class Dispatcher:
    """Answers webhook events in background threads of the current worker process."""

    def __init__(self, source: FaqSource, storage: Storage, sender: ReplySender, secret_key: bytes, threads: int = 8):
        self.source = source
        self.storage = storage
        self.conversation = Conversation(storage, secret_key)
        self.sender = sender
        self.threads = threads
        self._executor: ThreadPoolExecutor | None = None
        self._pid: int | None = None

    def _pool(self) -> ThreadPoolExecutor:
        if self._pid != os.getpid():  # threads do not survive a fork
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="reply")
            self._pid = os.getpid()
        return self._executor

    def submit(self, event: object) -> Future:
        return self._pool().submit(self.handle, event)

    def handle(self, event: object) -> None:
        event_id = getattr(event, "webhook_event_id", None) or "-"
        kind = getattr(event, "type", None) or "unknown"
        try:
            self._handle(event, event_id, kind)
        except Exception:  # one bad event must not take the worker's reply threads down
            log.exception("event failed: event=%s type=%s", event_id, kind)

    def _handle(self, event: object, event_id: str, kind: str) -> None:
        if getattr(event, "mode", None) == EventMode.STANDBY:
            log.info("event skipped (standby): event=%s type=%s", event_id, kind)
            return
        reply_token = getattr(event, "reply_token", None)
        if not reply_token or not self.conversation.expects_reply(event):
            self.conversation.observe(event)
            log.info("event needs no reply: event=%s type=%s", event_id, kind)
            return
        # Claimed before the question is logged, so a redelivered copy is neither answered nor logged twice.
        if not self.storage.claim_event(event_id):
            log.info("event already answered (redelivery): event=%s type=%s", event_id, kind)
            return
        reply = self.conversation.reply_to(event, self.source.responder)
        match = reply.match
        delivered = self.sender.send(reply_token, line_messages(reply), event_id)
        log.info(
            "event answered: event=%s type=%s status=%s id=%s score=%.1f delivered=%s",
            event_id, kind, reply.status, match.id if match else "-", match.score if match else 0.0, delivered,
        )

    def shutdown(self) -> None:
        if self._executor is not None and self._pid == os.getpid():
            self._executor.shutdown(wait=True)
