"""Scoring the matcher on labelled questions: how often it is right, unsure, wrong or silent."""

from __future__ import annotations

import csv
import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..content.faq import Faq
from .matcher import Match, Matcher

OUT_OF_SCOPE = "-"


@dataclass(frozen=True)
class LabelledQuestion:
    expected: str  # an entry id, or "-" for a question the FAQ does not cover
    style: str
    question: str


@dataclass
class Report:
    in_scope: Counter = field(default_factory=Counter)
    out_of_scope: Counter = field(default_factory=Counter)
    by_style: dict[str, Counter] = field(default_factory=dict)
    misses: list[tuple[LabelledQuestion, Match, str]] = field(default_factory=list)

    def rate(self, scope: str, outcome: str) -> float:
        counts = self.in_scope if scope == "in" else self.out_of_scope
        total = sum(counts.values())
        return counts[outcome] / total if total else 0.0


def read_questions(path: str | Path) -> list[LabelledQuestion]:
    """A TSV with the columns expected, style, question (and that header), or another town's
    set without a header: expected, question."""
    with open(path, encoding="utf-8", newline="") as handle:
        lines = [line.rstrip("\r\n") for line in handle if line.strip()]
    if lines and lines[0].startswith("expected\t"):
        return [LabelledQuestion(r["expected"], r["style"], r["question"]) for r in csv.DictReader(lines, delimiter="\t")]
    return [LabelledQuestion(expected, "-", question) for expected, question in (line.split("\t", 1) for line in lines)]


def questions_only(faq: Faq, alternates: int = 0) -> Faq:
    """The FAQ as a town's web page has it: each entry's question (and label) with at most
    ``alternates`` of its alternates and no keywords. Asked the shipped FAQ's development set,
    this is a sparse town that nobody tuned the engine on."""
    return dataclasses.replace(
        faq,
        categories=tuple(
            dataclasses.replace(c, entries=tuple(dataclasses.replace(e, alternates=e.alternates[:alternates], keywords=()) for e in c.entries))
            for c in faq.categories
        ),
    )


def outcome(question: LabelledQuestion, match: Match) -> str:
    """right / choices / wrong / refused, as a resident would experience it."""
    if match.status == "none":
        return "right" if question.expected == OUT_OF_SCOPE else "refused"
    if question.expected == OUT_OF_SCOPE:
        return "choices" if match.status == "choices" else "wrong"
    if match.status == "choices":
        return "choices"
    return "right" if match.id == question.expected else "wrong"


def evaluate(matcher: Matcher, questions: list[LabelledQuestion]) -> Report:
    report = Report()
    for question in questions:
        match = matcher.match(question.question)
        result = outcome(question, match)
        if question.expected == OUT_OF_SCOPE:
            report.out_of_scope["refused" if result == "right" else result] += 1
        else:
            report.in_scope[result] += 1
        report.by_style.setdefault(question.style, Counter())[result] += 1
        if result != "right":
            report.misses.append((question, match, result))
    return report


def format_report(report: Report) -> str:
    def line(title: str, counts: Counter, order: tuple[str, ...]) -> str:
        total = sum(counts.values()) or 1
        cells = "  ".join(f"{name} {counts[name]:4d} ({100 * counts[name] / total:5.1f}%)" for name in order)
        return f"{title:<14}{sum(counts.values()):4d}  {cells}"

    lines = [
        line("in scope", report.in_scope, ("right", "choices", "wrong", "refused")),
        line("out of scope", report.out_of_scope, ("refused", "choices", "wrong")),
        "",
        "by style (right = answered correctly, or refused when out of scope):",
    ]
    for style, counts in sorted(report.by_style.items()):
        lines.append(line(f"  {style}", counts, ("right", "choices", "wrong", "refused")))
    return "\n".join(lines)
