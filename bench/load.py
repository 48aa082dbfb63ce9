"""Load on the LINE webhook: signed text events at the real gunicorn server, replies counted.

    python bench/load.py                 # 3,000 events, 16 senders, shipped FAQ
    python bench/load.py --events 10000 --senders 32

Starts a fake Messaging API (in its own process, so it does not share this one's CPU with
the senders) and gunicorn as the Procfile does (gunicorn.conf.py, two workers). Prints
events/s, webhook latency p50/p99, and how many replies reached the fake API: none may be
lost. Goal on a 2-core machine: >= 300 events/s with p99 under 100 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import line_events as ev  # noqa: E402
from fake_line import FakeLineApi  # noqa: E402
from gunicorn_server import GunicornServer  # noqa: E402

QUESTIONS = [
    "マイナンバーカードをなくした",
    "まいなんばーかーどのあんしょうばんごうわすれた",
    "ｺﾝﾋﾞﾆで住民票とれますか",
    "スマホ教室はいつありますか",
    "メニュー",
    "こんにちは、すみません、マイナ保険証ってなんですか？",
    "パスポートの申請",
    "電子証明書の更新",
]


def run_fake(queue: multiprocessing.Queue, stop: multiprocessing.Event) -> None:
    fake = FakeLineApi(ev.ACCESS_TOKEN).start()
    queue.put(fake.url)
    while not stop.is_set():
        time.sleep(0.2)
        queue.put(("count", len(fake.replies()), len(fake.requests)))
    fake.stop()


def sender(url: str, bodies: list[bytes], latencies: list[float], failures: list[int]) -> None:
    host = url.removeprefix("http://")
    connection = http.client.HTTPConnection(host, timeout=10)
    for body in bodies:
        headers = {"Content-Type": "application/json", "X-Line-Signature": ev.sign(body)}
        started = time.perf_counter()
        try:
            connection.request("POST", "/callback", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection(host, timeout=10)
            status = 0
        latencies.append(time.perf_counter() - started)
        if status != 200:
            failures.append(status)
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--faq", default=str(ROOT / "faq"))
    args = parser.parse_args()

    queue: multiprocessing.Queue = multiprocessing.Queue()
    stop = multiprocessing.Event()
    fake_process = multiprocessing.Process(target=run_fake, args=(queue, stop), daemon=True)
    fake_process.start()
    fake_url = queue.get(timeout=10)
    workdir = Path(tempfile.mkdtemp(prefix="bot-load-"))
    env = {
        "LINE_CHANNEL_SECRET": ev.CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ev.ACCESS_TOKEN,
        "LINE_API_ENDPOINT": fake_url,
        "FAQ_DIR": args.faq,
        "DATABASE_URL": f"sqlite:///{workdir}/bot.sqlite3",
        "ACCESS_LOG": str(workdir / "access.log"),
    }
    server = GunicornServer(env, workdir / "gunicorn.log", workers=args.workers).start()
    try:
        bodies = [ev.body_of(ev.text(QUESTIONS[n % len(QUESTIONS)])) for n in range(args.events)]
        # Warm up each worker's matcher and connections; not counted.
        for body in bodies[:20]:
            sender(server.url, [body], [], [])
        bodies = bodies[20:]
        shares = [bodies[n :: args.senders] for n in range(args.senders)]
        latencies: list[float] = []
        failures: list[int] = []
        threads = [threading.Thread(target=sender, args=(server.url, share, latencies, failures)) for share in shares]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started

        expected = args.events
        replies = 0
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            item = queue.get(timeout=5)
            if isinstance(item, tuple):
                replies = item[1]
                if replies >= expected:
                    break
        drained = time.perf_counter() - started
        latencies.sort()
        print(f"events sent        {len(latencies):,} by {args.senders} senders to {args.workers} gunicorn workers")
        print(f"webhook throughput {len(latencies) / elapsed:,.0f} events/s ({elapsed:.2f} s)")
        print(f"webhook latency    p50 {statistics.median(latencies) * 1000:.1f} ms, "
              f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
        print(f"non-200 answers    {len(failures)}")
        print(f"replies at the API {replies:,} of {expected:,} (all sent after {drained:.2f} s); lost {expected - replies}")
        health = json.load(urllib.request.urlopen(server.url + "/healthz"))
        print(f"FAQ                {health['entries']} entries")
    finally:
        server.stop()
        stop.set()
        fake_process.join(timeout=5)


if __name__ == "__main__":
    main()
