"""The test suite, run again and again on a loaded machine: does it pass every time?

    python bench/suite_under_load.py                 # ten runs beside two CPU-bound processes
    python bench/suite_under_load.py --runs 3 --hogs 0 --keep-going

Each run is the README's test command (``python -m pytest -q``); the busy processes spin for as
long as the runs last and end with them (or after --max-minutes, whichever comes first). Prints
one line a run: exit code, seconds, load average and pytest's closing line, and the log of a
failed run is kept in var/suite-under-load/. Stops at the first failure unless --keep-going.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOGS = ROOT / "var" / "suite-under-load"


def spin(until: float) -> None:
    """A CPU-bound process that ends by itself."""
    while time.monotonic() < until:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--hogs", type=int, default=2, help="CPU-bound processes beside the suite")
    parser.add_argument("--max-minutes", type=float, default=180.0)
    parser.add_argument("--keep-going", action="store_true", help="go on after a failed run")
    args = parser.parse_args()
    LOGS.mkdir(parents=True, exist_ok=True)
    until = time.monotonic() + args.max_minutes * 60
    hogs = [multiprocessing.Process(target=spin, args=(until,), daemon=True) for _ in range(args.hogs)]
    for hog in hogs:
        hog.start()
    passed = 0
    try:
        for n in range(1, args.runs + 1):
            if time.monotonic() > until:
                print(f"stopped: {args.max_minutes} minutes are up")
                break
            log = LOGS / f"run-{n}.log"
            started = time.monotonic()
            with open(log, "wb") as out:
                code = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT,
                                       stdout=out, stderr=subprocess.STDOUT)
            lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
            load = " ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"run {n}: exit {code}, {time.monotonic() - started:.0f} s, load {load}: {lines[-1] if lines else ''}", flush=True)
            if code == 0:
                passed += 1
                log.unlink()
            elif not args.keep_going:
                print(f"the failed run's output: {log}")
                break
    finally:
        for hog in hogs:
            hog.terminate()
    print(f"{passed} of {args.runs} runs passed")
    return 0 if passed == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
