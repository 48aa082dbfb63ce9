"""Start the real server as production does (gunicorn, gunicorn.conf.py) on a free local port."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The line bot.line.delivery logs when it is done with an event, whatever became of it.
FINISHED = re.compile(r"event (?:answered|needs no reply|skipped \(standby\)|already answered \(redelivery\)|failed): event=(\S+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornServer:
    def __init__(self, env: dict[str, str], log_path: Path, workers: int = 2):
        self.workers = workers
        self.log_path = log_path
        self.env = {**os.environ, **env, "WEB_CONCURRENCY": str(workers)}
        self._use_port(free_port())
        self.process: subprocess.Popen | None = None

    def _use_port(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env["BIND"] = f"127.0.0.1:{port}"

    def start(self, timeout: float = 60.0, tries: int = 3) -> GunicornServer:
        self._log = open(self.log_path, "wb")
        command = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py"), "bot.web:create_app()"]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if tries > 1 and "Connection in use" in self.log():
                    # Another test process took the free port between our probe and gunicorn's bind.
                    self._log.close()
                    self._use_port(free_port())
                    return self.start(timeout, tries - 1)
                raise RuntimeError(f"gunicorn exited {self.process.returncode}:\n{self.log()}")
            if self.log().count(" ready: ") >= self.workers:  # every worker has loaded the FAQ
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not get ready in {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_events(self, *events: dict, copies: int = 1, timeout: float = 60.0) -> None:
        """Wait until the server has finished each webhook event ``copies`` times (its log says
        so), so that asserting what was or was not sent is not a race."""
        ids = [e["webhookEventId"] for e in events]
        deadline = time.monotonic() + timeout
        while True:
            done = FINISHED.findall(self.log())
            if all(done.count(i) >= copies for i in ids):
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not finish {ids} in {timeout} s:\n{self.log()[-3000:]}")
            time.sleep(0.05)

    def health(self) -> dict:
        with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
            return json.load(response)

    def worker_pids(self) -> list[int]:
        """The pids of the master's worker processes (read from /proc)."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return sorted(pids)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if getattr(self, "_log", None):
            self._log.close()
