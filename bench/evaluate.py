"""Print right / choices / wrong / refused for labelled questions against an FAQ folder.

    python bench/evaluate.py                      # shipped faq/ and tests/data/devset.tsv
    python bench/evaluate.py --faq DIR --questions FILE.tsv --misses
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.engine.evaluation import evaluate, format_report, read_questions
from bot.content.loader import load_faq
from bot.engine.matcher import Matcher

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faq", default=ROOT / "faq", type=Path)
    parser.add_argument("--questions", default=ROOT / "tests" / "data" / "devset.tsv", type=Path)
    parser.add_argument("--misses", action="store_true", help="list every question not answered right")
    args = parser.parse_args()
    report = evaluate(Matcher(load_faq(args.faq)), read_questions(args.questions))
    print(format_report(report))
    if args.misses:
        print("\nmisses:")
        for question, match, result in report.misses:
            top = ", ".join(f"{c.id} {c.score:.0f}" for c in match.candidates[:3])
            print(f"  {result:8} want {question.expected:28} [{question.style}] {question.question[:40]}  → {top}")


if __name__ == "__main__":
    main()
