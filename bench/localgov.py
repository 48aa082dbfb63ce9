"""LocalgovFAQ (Amagasaki city, 1,786 entries), read from ../shared at run time, never copied."""

from __future__ import annotations

import csv
import os
from pathlib import Path

from bot.content.faq import Category, Entry, Faq, Settings

DATA_DIR = Path(os.environ.get("LOCALGOVFAQ_DIR", Path(__file__).resolve().parents[2] / "shared" / "bench-data" / "localgovfaq"))


def available() -> bool:
    return (DATA_DIR / "faq.tsv").exists() and (DATA_DIR / "queries-dev.tsv").exists()


def load_faq() -> Faq:
    """The city's FAQ as given: question and answer, no alternates, no local words."""
    with open(DATA_DIR / "faq.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    entries = tuple(
        Entry(id=row["faq_id"], question=row["question"], answer=row["answer"].replace("＜改＞", "\n"), category="LocalgovFAQ")
        for row in rows
    )
    return Faq((Category("LocalgovFAQ", "faq.tsv", entries),), {}, Settings())


def load_queries() -> list[tuple[str, set[str]]]:
    """Development questions with the ids that count as found (grade 2 or 1)."""
    with open(DATA_DIR / "queries-dev.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(row["query"], set((row["grade2_faq_ids"] + " " + row["grade1_faq_ids"]).split())) for row in rows]
