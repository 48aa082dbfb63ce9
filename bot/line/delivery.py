"""Replies leave off the request path: the webhook returns at once, a thread pool sends.

LINE waits 2 seconds for the webhook's 200, while the Messaging API can take seconds; so
the webhook only records and queues events. Each worker process has its own pool (created
lazily, after gunicorn forks); the database decides which worker answers a redelivered event,
and hands the events of a worker that died or stopped to another (:mod:`.backlog`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait

from linebot.v3.messaging import ReplyMessageRequest
from linebot.v3.messaging.exceptions import ApiException
from linebot.v3.webhooks import EventMode
from urllib3.exceptions import HTTPError as TransportError

from ..content.source import FaqSource
from ..dialogue.conversation import Conversation
from ..storage import Storage
from .api import messaging_api
from .backlog import SWEEP_SECONDS, Backlog
from .health import ReplyOutcomes
from .messages import line_messages

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

    def send(self, reply_token: str, messages: list, event_id: str) -> str:
        """"sent", or "failed <status>" after the error has been logged with the event id."""
        request = ReplyMessageRequest(replyToken=reply_token, messages=messages)
        for attempt in (1, 2):
            try:
                self.api.reply_message(request, _request_timeout=REQUEST_TIMEOUT)
                self.outcomes.record(True)
                return "sent"
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
                return f"failed {status}"
        raise AssertionError("unreachable: the second attempt returns")


class Dispatcher:
    """Answers webhook events in background threads of the current worker process.

    An event that needs a reply is first recorded in the hand-over table (:mod:`.backlog`),
    in the request, so that LINE's 200 means the event is safe: if this worker dies, another
    one answers it. A sweeper thread keeps the leases of the events being answered, adopts
    events other workers left behind, and closes (and logs) those whose token ran out.
    """

    def __init__(self, source: FaqSource, storage: Storage, sender: ReplySender, secret_key: bytes,
                 threads: int = 8, sweep_seconds: float = SWEEP_SECONDS):
        self.source = source
        self.storage = storage
        self.conversation = Conversation(storage, secret_key)
        self.sender = sender
        self.threads = threads
        self.backlog = Backlog(storage, secret_key)
        self.sweep_seconds = sweep_seconds
        self._executor: ThreadPoolExecutor | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        # Held for a whole sweep and while a stop begins: a sweep that adopts events must not
        # interleave with the stop that hands them over (adopted, then refused by a closed pool).
        self._sweeping = threading.Lock()
        self._futures: set[Future] = set()
        self._in_flight: set[str] = set()
        self._finished: list[tuple[str, str]] = []
        self._draining = False
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    def _pool(self) -> ThreadPoolExecutor:
        if self._pid != os.getpid():  # threads do not survive a fork
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="reply")
            self._pid = os.getpid()
            self._futures, self._in_flight, self._finished, self._draining = set(), set(), [], False
            self._stop = threading.Event()
            self._sweeper = None
        return self._executor

    def start(self) -> None:
        """Start this process's sweeper (gunicorn forks first, so each worker starts its own)."""
        self._pool()
        if self.sweep_seconds > 0 and (self._sweeper is None or not self._sweeper.is_alive()):
            self._sweeper = threading.Thread(target=self._sweep_forever, name="reply-sweeper", daemon=True)
            self._sweeper.start()

    def submit(self, event: object) -> Future | None:
        """Called in the webhook request: records an event that needs a reply, then queues it."""
        event_id = getattr(event, "webhook_event_id", None) or "-"
        kind = getattr(event, "type", None) or "unknown"
        if not self._needs_reply(event):
            return self._run(self._observe, event, event_id, kind)
        try:
            recorded = self.backlog.accept(event)
        except Exception as error:  # a database refusing writes: answer anyway, unrecorded
            log.error("event not recorded, answered without a hand-over: event=%s error=%s", event_id,
                      type(error).__name__)
            return self._run(self._answer, event, event_id, kind, None, None)
        if not recorded:
            log.info("event already answered (redelivery): event=%s type=%s", event_id, kind)
            return None
        received_at = time.time()
        return self._run(self._answer, event, event_id, kind, received_at, received_at)

    def _needs_reply(self, event: object) -> bool:
        return (getattr(event, "mode", None) != EventMode.STANDBY and bool(getattr(event, "reply_token", None))
                and self.conversation.expects_reply(event))

    def _run(self, task, *args) -> Future:
        pool = self._pool()
        with self._lock:
            future = pool.submit(self._guarded, task, *args)
            self._futures.add(future)
        future.add_done_callback(self._forget_future)
        return future

    def _forget_future(self, future: Future) -> None:
        with self._lock:
            self._futures.discard(future)

    @staticmethod
    def _guarded(task, event, event_id: str, kind: str, *rest) -> None:
        try:
            task(event, event_id, kind, *rest)
        except Exception:  # one bad event must not take the worker's reply threads down
            log.exception("event failed: event=%s type=%s", event_id, kind)

    def _observe(self, event: object, event_id: str, kind: str) -> None:
        if getattr(event, "mode", None) == EventMode.STANDBY:
            log.info("event skipped (standby): event=%s type=%s", event_id, kind)
            return
        self.conversation.observe(event)
        log.info("event needs no reply: event=%s type=%s", event_id, kind)

    def _answer(self, event: object, event_id: str, kind: str, received_at: float | None,
                leased_at: float | None) -> None:
        """``received_at`` None: the event could not be recorded, so there is no lease to take.
        ``leased_at``: when this worker's lease on the event began (queued or adopted)."""
        recorded = received_at is not None
        if recorded and not self.backlog.still_held(leased_at) and not self.backlog.take(event_id):
            log.info("event answered by another worker: event=%s type=%s", event_id, kind)
            return
        outcome = "error"
        with self._lock:
            self._in_flight.add(event_id)
        try:
            if recorded and not self.backlog.worth_trying(received_at):
                outcome = "expired"
                return
            reply = self.conversation.reply_to(event, self.source.responder)
            if reply is None:
                outcome = "no reply"
                return
            match = reply.match
            outcome = self.sender.send(event.reply_token, line_messages(reply), event_id)
            log.info(
                "event answered: event=%s type=%s status=%s id=%s score=%.1f delivered=%s",
                event_id, kind, reply.status, match.id if match else "-", match.score if match else 0.0,
                outcome == "sent",
            )
        finally:
            with self._lock:
                self._in_flight.discard(event_id)
            adopted = recorded and leased_at != received_at
            if adopted and outcome == "failed 400":
                # The worker that died had most likely sent it: LINE refuses a token used twice.
                log.warning("reply token refused for an event taken over (probably sent before its "
                            "worker stopped): event=%s type=%s", event_id, kind)
            elif outcome not in ("sent", "no reply"):
                log.error("reply lost: event=%s type=%s reason=%s", event_id, kind, outcome)
            if recorded:  # written by the sweeper, a batch a second: fewer writes under load
                with self._lock:
                    self._finished.append((event_id, outcome))
                    late = self._stop.is_set()
                if late:  # finished after this worker's last flush: written at once
                    self._flush()

    # -- the sweeper ----------------------------------------------------------------------------
    def _sweep_forever(self) -> None:
        failing = None
        while not self._stop.wait(self.sweep_seconds):
            try:
                self.sweep()
            except Exception as error:  # the database is away: try again on the next round
                if type(error).__name__ != failing:  # said once, not every second
                    failing = type(error).__name__
                    log.warning("reply sweep failed, retrying every %.0f s: error=%s", self.sweep_seconds, failing)
                continue
            if failing:
                failing = None
                log.info("reply sweep works again")

    def sweep(self) -> None:
        """Renew the leases this worker holds, close what expired, adopt what others left."""
        with self._sweeping:
            self._sweep_once()

    def _sweep_once(self) -> None:
        self._flush()
        with self._lock:
            in_flight = list(self._in_flight)
            idle = self.threads - len(self._futures)
        self.backlog.renew(in_flight)
        for event_id in self.backlog.expire():
            log.error("reply lost: event=%s reason=expired before any worker could answer", event_id)
        if self._draining or idle <= 0:
            return
        for event, received_at in self.backlog.adopt(idle):
            event_id = event.webhook_event_id
            log.info("event taken over from a worker that stopped: event=%s type=%s", event_id, event.type)
            self._run(self._answer, event, event_id, event.type, received_at, time.time())

    def _flush(self) -> None:
        """Write the outcomes of the events answered since the last flush."""
        with self._lock:
            finished, self._finished = self._finished, []
        try:
            self.backlog.finish(finished)
        except Exception:
            with self._lock:  # kept for the next round
                self._finished = finished + self._finished
            raise

    def shutdown(self, timeout: float | None = None) -> None:
        """Stop this worker's share: hand queued events over, answer what can be answered in
        ``timeout`` seconds (None: all), leave the rest to another worker or the next start."""
        if self._executor is None or self._pid != os.getpid():
            return
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._sweeping:  # a sweep under way ends first; what it adopted is handed over below
            self._draining = True
        try:
            released = self.backlog.release()  # any worker may take them now, this one's threads too
        except Exception as error:
            released = 0
            log.warning("could not hand the queued events over: error=%s", type(error).__name__)
        with self._lock:
            pending = list(self._futures)
        log.info("worker stopping: %d replies queued or being sent, %d handed over", len(pending), released)
        done, not_done = wait(pending, timeout=None if deadline is None else max(0.0, deadline - time.monotonic()))
        for future in not_done:
            future.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)
        self._stop.set()
        try:
            self._flush()
        except Exception as error:  # their leases run out: another worker finds them answered by LINE
            log.warning("could not record the last outcomes: error=%s", type(error).__name__)
        if not_done:
            with self._lock:
                in_flight = len(self._in_flight)
            log.warning("worker stopped with %d replies unsent (%d being sent): another worker or the next "
                        "start answers those whose token is still valid", len(not_done), in_flight)
