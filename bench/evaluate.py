"""Where a town would stand: the engine on the shipped FAQ, on sparse FAQs and on LocalgovFAQ.

    python bench/evaluate.py                      # all of them, side by side
    python bench/evaluate.py --misses             # and every question not answered right
    python bench/evaluate.py --faq DIR --questions FILE.tsv [--misses]

Questions files: `expected<TAB>style<TAB>question` with a header (tests/data/devset.tsv), or
`expected<TAB>question` without one (tests/data/kaede/, hinode/, minato/ questions.tsv);
`-` = out of scope.
"Questions only" is the shipped FAQ cut to each entry's question (no alternates, no keywords)
and asked the same dev set: a sparse town that nobody tuned on, beside kaede, which the sparse
settings were also measured on.
LocalgovFAQ (Amagasaki city, 1,786 entries) is read from ../shared/bench-data at run time and
never copied; it is skipped when absent. Its Recall@10 is computed as the public Japanese
embedding benchmark does: the mean over questions of |relevant ∩ top 10| / |relevant|.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import localgov

from bot.content.loader import load_faq
from bot.engine.evaluation import evaluate, format_report, questions_only, read_questions
from bot.engine.matcher import Matcher

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = (ROOT / "faq", ROOT / "tests" / "data" / "devset.tsv")
KAEDE = (ROOT / "tests" / "data" / "kaede" / "faq", ROOT / "tests" / "data" / "kaede" / "questions.tsv")
# A second town, sparser still: formal headings, question + answer only (tests/data/hinode).
HINODE = (ROOT / "tests" / "data" / "hinode" / "faq", ROOT / "tests" / "data" / "hinode" / "questions.tsv")
# A third town: plain short questions written for a LINE bot, one alternate on one entry in three.
MINATO = (ROOT / "tests" / "data" / "minato" / "faq", ROOT / "tests" / "data" / "minato" / "questions.tsv")
# One long message (a story around the question, 98–139 characters) per shipped entry, plus 20
# off-topic ones, written from each entry's situation without its wording.
LONG = (ROOT / "faq", ROOT / "tests" / "data" / "longset.tsv")


def labelled(name: str, faq_dir: Path, questions_file: Path, misses: bool, alternates: int | None = None) -> None:
    """``alternates``: the FAQ cut to its questions and that many alternates (None: as it is)."""
    faq = load_faq(faq_dir)
    if alternates is not None:
        faq = questions_only(faq, alternates)
    started = time.perf_counter()
    matcher = Matcher(faq)
    loaded = time.perf_counter() - started
    questions = read_questions(questions_file)
    in_scope = [q for q in questions if q.expected != "-"]
    first = sum(1 for q in in_scope if (r := matcher.rank(q.question, 1)) and r[0][0].id == q.expected)
    report = evaluate(matcher, questions)
    print(f"== {name}: {faq_dir.relative_to(ROOT) if faq_dir.is_relative_to(ROOT) else faq_dir} "
          f"({len(matcher.faq.entries)} entries, {matcher.calibration.phrasings_per_entry} phrasings each, load {loaded:.2f} s)")
    print(format_report(report))
    print(f"right entry ranked first: {first / len(in_scope):.1%}")
    if misses:
        print("misses:")
        for question, match, result in report.misses:
            top = ", ".join(f"{c.id} {c.score:.0f}" for c in match.candidates[:3])
            print(f"  {result:8} want {question.expected:28} [{question.style}] {question.question[:40]}  → {top}")
    print()


def localgov_figures() -> None:
    if not localgov.available():
        print(f"== LocalgovFAQ: skipped, no data at {localgov.DATA_DIR}")
        return
    started = time.perf_counter()
    matcher = Matcher(localgov.load_faq())
    loaded = time.perf_counter() - started
    queries = localgov.load_queries()
    sr1 = sr5 = recall10 = 0.0
    for query, relevant in queries:
        ranked = [entry.id for entry, _ in matcher.rank(query, 10)]
        sr1 += bool(ranked[:1] and ranked[0] in relevant)
        sr5 += bool(relevant & set(ranked[:5]))
        recall10 += len(relevant & set(ranked)) / len(relevant)
    n = len(queries)
    print(f"== LocalgovFAQ dev half ({len(matcher.faq.entries)} entries, {n} questions, load {loaded:.2f} s)")
    print(f"SR@1 {sr1 / n:.3f}  SR@5 {sr5 / n:.3f}  Recall@10 {recall10 / n:.3f}")
    print("published Recall@10 (all 748 questions): Elasticsearch BM25 0.600, multilingual-e5-small 0.642, "
          "ruri-v3-310m 0.706, bge-m3 0.735")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faq", type=Path)
    parser.add_argument("--questions", type=Path)
    parser.add_argument("--misses", action="store_true", help="list every question not answered right")
    args = parser.parse_args()
    if args.faq or args.questions:
        labelled("custom", args.faq or SHIPPED[0], args.questions or SHIPPED[1], args.misses)
        return
    labelled("shipped FAQ, dev set", *SHIPPED, args.misses)
    labelled("shipped FAQ with only its questions (a sparse town nobody tuned on), dev set", *SHIPPED, args.misses, alternates=0)
    labelled("another town (kaede)", *KAEDE, args.misses)
    labelled("a second town, questions only (hinode)", *HINODE, args.misses)
    labelled("a third town, plain questions (minato)", *MINATO, args.misses)
    labelled("shipped FAQ, long messages", *LONG, args.misses)
    labelled("shipped FAQ with only its questions, long messages", *LONG, args.misses, alternates=0)
    localgov_figures()


if __name__ == "__main__":
    main()
