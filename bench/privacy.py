"""Privacy masking: how fast, and how often it touches questions that hold no secret.

    python bench/privacy.py

Reads the development and hold-out questions (tests/data/*.tsv), the shipped FAQ and, when
present, LocalgovFAQ's questions and answers (../shared/bench-data/localgovfaq/, read at run
time, never copied). Prints how many texts each mask touched (on these texts every My Number
found is a false alarm: none holds one) and the time per text, also for long odd messages.
"""

from __future__ import annotations

import collections
import csv
import sys
import time
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import localgov  # noqa: E402

from bot.content.loader import load_faq  # noqa: E402
from bot.privacy import EMAIL_MASK, MY_NUMBER_MASK, PHONE_MASK, PIN_MASK, contains_my_number, redact  # noqa: E402

MASKS = (MY_NUMBER_MASK, PHONE_MASK, EMAIL_MASK, PIN_MASK)


def corpora() -> dict[str, list[str]]:
    found = {"dev + hold-out questions": [], "shipped FAQ (questions, alternates, answers)": []}
    for path in sorted((HERE.parent / "tests" / "data").glob("*.tsv")):
        found["dev + hold-out questions"] += [line.split("\t")[0] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for entry in load_faq(HERE.parent / "faq").entries:
        found["shipped FAQ (questions, alternates, answers)"] += [entry.question, *entry.alternates, entry.answer]
    if (localgov.DATA_DIR / "faq.tsv").exists():
        with open(localgov.DATA_DIR / "faq.tsv", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        found["LocalgovFAQ questions"] = [row["question"] for row in rows]
        found["LocalgovFAQ answers (office numbers and addresses are real)"] = [row["answer"] for row in rows]
    return found


def main() -> None:
    for name, texts in corpora().items():
        touched = collections.Counter()
        started = time.perf_counter()
        for text in texts:
            masked = redact(text)
            contains_my_number(text)
            touched.update(mask for mask in MASKS if mask in masked and mask not in unicodedata.normalize("NFKC", text))
        per_text = (time.perf_counter() - started) / max(1, len(texts)) * 1000
        counts = "  ".join(f"{mask} {touched[mask]}" for mask in MASKS)
        print(f"{name}: {len(texts)} texts, {per_text:.2f} ms each; texts touched: {counts}")
    for label, text in [("5,000 characters of 1年", "1年" * 2500), ("5,000 characters of '1 '", "1 " * 2500),
                        ("5,000 characters of 暗証番号", "暗証番号" * 1250), ("5,000 characters of a@", "a@" * 2500)]:
        started = time.perf_counter()
        redact(text), contains_my_number(text)
        print(f"{label}: {(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
