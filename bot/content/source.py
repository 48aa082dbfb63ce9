"""The FAQ a running server answers from, reloaded when staff save a change.

Each worker watches the folder on its own (no signal between processes needed). A new
version replaces the old one only when it loads without a problem and the files did not
change while it was read, so a broken or half-saved edit never reaches residents: the bot
keeps the last good version and reports the problem (log and ``/healthz``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import FaqError, Problem
from .faq import Faq
from .files import replace_file
from .loader import load_faq

log = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]


def faq_files(faq_dir: Path) -> list[Path]:
    """Every file the FAQ is read from: the categories, synonyms, settings and classes.csv."""
    return sorted(p for p in faq_dir.glob("*") if p.suffix in (".yaml", ".csv") and p.is_file())


def fingerprint(faq_dir: Path) -> Fingerprint:
    """Name, modification time and size of every file the FAQ is read from."""
    marks = []
    for path in faq_files(faq_dir):
        try:
            stat = path.stat()
        except FileNotFoundError:  # removed between glob and stat
            continue
        marks.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(marks)


@dataclass(frozen=True)
class Loaded:
    responder: Any
    loaded_at: float
    load_seconds: float
    fingerprint: Fingerprint


class FaqSource:
    """Holds what ``build`` made of the current FAQ (the server's
    :class:`~bot.dialogue.replies.Responder`); :meth:`refresh` swaps in a changed FAQ.

    ``build`` is given by the caller because the content layer sits below the dialogue: it
    runs once per version that loads, so the costly analysis of a new FAQ is done before the
    version goes live.
    """

    def __init__(self, faq_dir: str | Path, snapshot_dir: str | Path | None = None, *,
                 build: Callable[[Faq], Any]):
        self.build = build
        self.faq_dir = Path(faq_dir)
        self.snapshot_dir = Path(snapshot_dir) if snapshot_dir else None
        self.last_error: list[Problem] = []
        self.last_error_at: float | None = None
        self._seen: Fingerprint | None = None
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None
        marks = fingerprint(self.faq_dir)
        try:
            self.loaded = self._load(marks)
        except FaqError as error:
            # A restart must not kill the bot over a typo saved earlier: start from the last
            # version that loaded, and say what is wrong, as a live reload would.
            if self.snapshot_dir is None or not any(self.snapshot_dir.glob("*.yaml")):
                raise
            self.loaded = self._load(marks, self.snapshot_dir)
            self.last_error, self.last_error_at = error.problems, time.time()
            for problem in error.problems:
                log.error("FAQ not loaded, started from the last good version: %s", problem)

    @property
    def responder(self) -> Any:
        return self.loaded.responder

    def _load(self, marks: Fingerprint, folder: Path | None = None) -> Loaded:
        started = time.perf_counter()
        responder = self.build(load_faq(folder or self.faq_dir))
        loaded = Loaded(responder, time.time(), time.perf_counter() - started, marks)
        if folder is None:
            self._keep_snapshot()
        return loaded

    def _keep_snapshot(self) -> None:
        """Copy the folder that just loaded, file by file (each replaced in one step)."""
        if self.snapshot_dir is None:
            return
        try:
            self.snapshot_dir.mkdir(parents=True, exist_ok=True)
            names = set()
            for path in faq_files(self.faq_dir):
                names.add(path.name)
                replace_file(self.snapshot_dir / path.name, path.read_bytes())
            for old in self.snapshot_dir.glob("*"):
                if old.is_file() and not old.name.startswith(".") and old.name not in names:
                    old.unlink(missing_ok=True)
        except OSError as error:  # a read-only disk must not stop the bot answering
            log.warning("could not keep a copy of the FAQ in %s: %s", self.snapshot_dir, error)

    def refresh(self) -> bool:
        """Load the folder again if it changed and has settled; True when a new version is live."""
        with self._lock:
            marks = fingerprint(self.faq_dir)
            if marks == self.loaded.fingerprint:
                self._seen = marks
                return False
            if marks != self._seen:
                # Changed since the last look: maybe still being saved; wait for it to settle.
                self._seen = marks
                return False
            try:
                loaded = self._load(marks)
            except FaqError as error:
                if error.problems != self.last_error:
                    for problem in error.problems:
                        log.error("FAQ not reloaded, the last good version stays live: %s", problem)
                self.last_error, self.last_error_at = error.problems, time.time()
                self.loaded = Loaded(self.loaded.responder, self.loaded.loaded_at, self.loaded.load_seconds, marks)
                return False
            if fingerprint(self.faq_dir) != marks:
                return False  # written to while we read it: try again on the next look
            self.loaded = loaded
            self.last_error, self.last_error_at = [], None
            entries = len(loaded.responder.faq.entries)
            log.info("FAQ reloaded: %d entries in %.2f s", entries, loaded.load_seconds)
            return True

    def watch(self, interval: float) -> None:
        """Look for changes every ``interval`` seconds in a background thread of this process."""
        if self._watcher is not None and self._watcher.is_alive():
            return

        def loop() -> None:
            while True:
                time.sleep(interval)
                try:
                    self.refresh()
                except Exception:  # a watcher that dies would silently freeze the FAQ
                    log.exception("FAQ watcher failed; it keeps watching")

        self._watcher = threading.Thread(target=loop, name="faq-watcher", daemon=True)
        self._watcher.start()
