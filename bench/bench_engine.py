"""Engine benchmark: FAQ load time, per-question latency (p50, p99) on one core, and for
LocalgovFAQ the retrieval quality SR@1 / SR@5 on its development questions.

    python bench/bench_engine.py

LocalgovFAQ is read at run time from ../shared/bench-data/localgovfaq/ (or LOCALGOVFAQ_DIR)
and never copied into the project; the part is skipped when the files are absent.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import localgov  # noqa: E402

from bot.content.loader import load_faq  # noqa: E402
from bot.engine.analysis import words  # noqa: E402
from bot.engine.evaluation import read_questions  # noqa: E402
from bot.engine.matcher import Matcher  # noqa: E402


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed_build(faq) -> tuple[Matcher, float]:
    start = time.perf_counter()
    matcher = Matcher(faq)
    return matcher, time.perf_counter() - start


def latencies(matcher: Matcher, questions: list[str]) -> list[float]:
    out = []
    for question in questions:
        start = time.perf_counter()
        matcher.match(question)
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(name: str, entries: int, load_seconds: float, millis: list[float]) -> None:
    print(
        f"{name:<14} entries {entries:5d}  load {load_seconds:5.2f} s  "
        f"per question p50 {statistics.median(millis):5.2f} ms  p99 {percentile(millis, 0.99):5.2f} ms  ({len(millis)} questions)"
    )


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    words("準備")  # the analyser's dictionary is loaded once per process, not per FAQ load

    start = time.perf_counter()
    shipped = load_faq(HERE.parent / "faq")
    read_seconds = time.perf_counter() - start
    matcher, build_seconds = timed_build(shipped)
    questions = [q.question for q in read_questions(HERE.parent / "tests" / "data" / "devset.tsv")]
    report("shipped faq/", len(shipped.entries), read_seconds + build_seconds, latencies(matcher, questions * 3))

    if not localgov.available():
        print("LocalgovFAQ: skipped (no files at %s)" % localgov.DATA_DIR)
        return
    start = time.perf_counter()
    city = localgov.load_faq()
    read_seconds = time.perf_counter() - start
    matcher, build_seconds = timed_build(city)
    queries = localgov.load_queries()
    report("LocalgovFAQ", len(city.entries), read_seconds + build_seconds, latencies(matcher, [q for q, _ in queries]))
    found_at_1 = found_at_5 = 0
    for query, relevant in queries:
        ranked = [entry.id for entry, _ in matcher.rank(query, limit=5)]
        found_at_1 += bool(ranked[:1] and ranked[0] in relevant)
        found_at_5 += bool(set(ranked) & relevant)
    print(f"LocalgovFAQ    SR@1 {found_at_1 / len(queries):.3f}  SR@5 {found_at_5 / len(queries):.3f}  ({len(queries)} development questions)")


if __name__ == "__main__":
    main()
