"""What ``/healthz`` tells a load balancer: can this worker record and answer right now?

Reaching the database is not enough: a read-only, locked or full database answers ``SELECT 1``
and still loses every question. So the check writes (one heartbeat row) with a short lock
timeout, in a thread it waits for a bounded time, and it looks at how the last replies went.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from ..storage import Storage

# The write probe gets this long; with the JSON around it /healthz answers well within 2 s.
PROBE_DEADLINE_SECONDS = 1.5
# Replies count as failing when this many in a row failed, the last one this recently. The
# window lets a load balancer that took the instance out try it again: with no traffic there
# is nothing new to judge by.
FAILING_AFTER = 3
FAILING_WINDOW_SECONDS = 60.0


class ReplyOutcomes:
    """How this process's last reply attempts ended (thread-safe; one per worker)."""

    def __init__(self, count: int = FAILING_AFTER, window: float = FAILING_WINDOW_SECONDS, clock=time.monotonic):
        self._recent: deque[tuple[bool, float]] = deque(maxlen=count)
        self._window = window
        self._clock = clock
        self._lock = threading.Lock()

    def record(self, delivered: bool) -> None:
        with self._lock:
            self._recent.append((delivered, self._clock()))

    def failing(self) -> bool:
        with self._lock:
            recent = list(self._recent)
        return (len(recent) == self._recent.maxlen and not any(ok for ok, _ in recent)
                and self._clock() - recent[-1][1] < self._window)


class WriteProbe:
    """Runs :meth:`Storage.check_writes` with a deadline; one probe at a time per process.

    A probe still running when the deadline passes (a hung disk, an unanswering server) is
    not started again: later checks wait for the same one and answer "timeout" meanwhile.
    """

    def __init__(self, storage: Storage, deadline: float = PROBE_DEADLINE_SECONDS):
        self.storage = storage
        self.deadline = deadline
        self.name = socket.gethostname()[:200]
        self._lock = threading.Lock()
        self._running: Future | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._pid: int | None = None

    def __call__(self) -> str:
        with self._lock:
            if self._pid != os.getpid():  # threads do not survive a fork
                self._executor, self._pid, self._running = ThreadPoolExecutor(1, "health"), os.getpid(), None
            if self._running is None or self._running.done():
                self._running = self._executor.submit(self.storage.check_writes, self.name)
            running = self._running
        try:
            return running.result(timeout=self.deadline)
        except FutureTimeout:
            return "timeout"


def health_status(database: str, replies_failing: bool) -> tuple[str, int]:
    """("ok", 200) when the bot can record and answer, else ("degraded", 503)."""
    if database == "ok" and not replies_failing:
        return "ok", 200
    return "degraded", 503
