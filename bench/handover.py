"""Replies queued when a worker dies or stops: how many still reach LINE, and how many are lost.

    python bench/handover.py                       # all three scenarios, SQLite
    python bench/handover.py --scenario kill9 --events 80 --delay 3
    python bench/handover.py --database postgresql+psycopg://user@127.0.0.1/db

Scenarios (the real gunicorn server, two workers, the fake Messaging API answering each reply
after ``--delay`` seconds, as LINE refuses a reply token used twice):

- ``kill9``: ``--events`` webhooks, then ``kill -9`` of the worker holding the most replies;
- ``sigterm``: the same with SIGTERM to that worker (it hands its queue over and drains);
- ``restart``: SIGTERM to the master (both workers stop within GRACEFUL_TIMEOUT), then a new
  instance on the same database.

For each: replies accepted once, accepted twice (must be 0), lost (no reply accepted), lost
and recorded with their event id (in the log and the database), seconds until the last reply.
A reply counts as lost when its token was not used within TOKEN_SECONDS of the event.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import line_events as ev  # noqa: E402
from fake_line import FakeLineApi  # noqa: E402
from gunicorn_server import GunicornServer  # noqa: E402
from test_line_service import post  # noqa: E402

from bot.storage import Storage, delivered_events  # noqa: E402

TOKEN_SECONDS = 60.0


def environment(fake: FakeLineApi, folder: Path, database: str, graceful: int) -> dict[str, str]:
    return {
        "LINE_CHANNEL_SECRET": ev.CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ev.ACCESS_TOKEN,
        "LINE_API_ENDPOINT": fake.url,
        "FAQ_DIR": str(ROOT / "faq"),
        "DATABASE_URL": database,
        "FAQ_SNAPSHOT_DIR": str(folder / "faq-last-good"),
        "ACCESS_LOG": str(folder / "access.log"),
        "GRACEFUL_TIMEOUT": str(graceful),
    }


def post_all(server: GunicornServer, events: list[dict]) -> float:
    """Posts every event (16 at a time); returns when the last one was accepted."""
    bodies = [ev.body_of(e) for e in events]
    shares = [bodies[n::16] for n in range(16)]
    threads = [threading.Thread(target=lambda share=share: [post(server, b) for b in share]) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic()


def busiest_worker(storage: Storage, server: GunicornServer) -> tuple[int, int]:
    from sqlalchemy import select

    with storage.engine.connect() as connection:
        owners = connection.execute(select(delivered_events.c.owner).where(
            delivered_events.c.state.in_(("queued", "working")))).scalars()
        counts = collections.Counter(int(owner.split(":")[1]) for owner in owners if owner)
    alive = server.worker_pids()
    n, pid = max((n, pid) for pid, n in counts.items() if pid in alive)
    return pid, n


def run(scenario: str, events_count: int, delay: float, database: str | None, graceful: int) -> None:
    fake = FakeLineApi(ev.ACCESS_TOKEN).start()
    folder = Path(tempfile.mkdtemp(prefix=f"bot-handover-{scenario}-"))
    database = database or f"sqlite:///{folder}/bot.sqlite3"
    env = environment(fake, folder, database, graceful)
    servers = [GunicornServer(env, folder / "gunicorn-1.log").start(timeout=180)]
    storage = Storage(database)
    try:
        fake.delay = delay
        events = [ev.text("マイナンバーカードをなくした") for _ in range(events_count)]
        started, wall = time.monotonic(), time.time()
        posted = post_all(servers[0], events)
        action = ""
        if scenario in ("kill9", "sigterm"):
            pid, holding = busiest_worker(storage, servers[0])
            os.kill(pid, signal.SIGKILL if scenario == "kill9" else signal.SIGTERM)
            action = f"{'kill -9' if scenario == 'kill9' else 'SIGTERM'} of worker {pid} holding {holding} replies"
        else:
            servers[0].stop()
            restarted = time.monotonic()
            servers.append(GunicornServer(env, folder / "gunicorn-2.log").start(timeout=180))
            action = (f"SIGTERM to the master, both workers stopped, new instance up after "
                      f"{time.monotonic() - restarted:.1f} s")
        fake.wait_for_replies(events_count, timeout=TOKEN_SECONDS + 30)
        accepted = collections.Counter(r["body"]["replyToken"] for r in fake.replies())
        arrival = {r["body"]["replyToken"]: r["at"] for r in fake.replies()}
        ids = {e["replyToken"]: e["webhookEventId"] for e in events}
        in_time = [t for t in ids if accepted[t] and arrival[t] - started <= TOKEN_SECONDS]
        twice = [t for t in ids if accepted[t] > 1]
        lost = [t for t in ids if t not in in_time]
        log = "".join(s.log() for s in servers)
        logged = {m for m in re.findall(r"reply lost: event=(\S+)", log)}
        settle = time.monotonic() + 15  # the senders record each outcome just after the API answered
        while None in storage.event_outcomes(since=wall - 1).values() and time.monotonic() < settle:
            time.sleep(0.2)
        outcomes = storage.event_outcomes(since=wall - 1)
        recorded = [t for t in lost if ids[t] in logged and outcomes.get(ids[t]) not in (None, "sent")]
        last = max(arrival.values()) - started if arrival else float("nan")
        print(f"{scenario:8} {events_count} events, API {delay:.1f} s per reply, GRACEFUL_TIMEOUT={graceful} s, "
              f"posted in {posted - started:.1f} s; {action}")
        print(f"         replies accepted once  {len(in_time) - len(twice)} of {events_count}"
              f" (within {TOKEN_SECONDS:.0f} s of the event)")
        print(f"         accepted twice         {len(twice)}")
        print(f"         lost                   {len(lost)}; recorded with event id (log and table) {len(recorded)}")
        print(f"         last reply after       {last:.1f} s; outcomes in the table {dict(collections.Counter(outcomes.values()))}")
    finally:
        for server in servers:
            server.stop()
        storage.close()
        fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", choices=["kill9", "sigterm", "restart", "all"], default="all")
    parser.add_argument("--events", type=int, default=None, help="default: 80 for kill9, 200 otherwise")
    parser.add_argument("--delay", type=float, default=None, help="default: 3 s for kill9, 4 s otherwise")
    parser.add_argument("--graceful", type=int, default=30, help="GRACEFUL_TIMEOUT of the server")
    parser.add_argument("--database", default=None, help="a SQLAlchemy URL of an empty database (default: SQLite)")
    args = parser.parse_args()
    for scenario in (["kill9", "sigterm", "restart"] if args.scenario == "all" else [args.scenario]):
        run(scenario, args.events or (80 if scenario == "kill9" else 200),
            args.delay or (3.0 if scenario == "kill9" else 4.0), args.database, args.graceful)


if __name__ == "__main__":
    main()
