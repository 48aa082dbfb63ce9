"""Changes staff make in the console, written to the FAQ files the bot answers from.

Each change is checked as ``bot check`` checks the folder, on a copy of the whole folder as it
would be after the change: a change with any problem is refused with the loader's own messages
and no file is touched. A sound change replaces the category file in one step (write, then
rename), so the live reload of every worker (:mod:`bot.content.source`) picks it up within
seconds. One lock file serialises changes from all workers, so two saves never interleave.

No Flask here: the pages call these functions and show what they return.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from ...content.faq import Category, Entry, Faq
from ...content.files import replace_file
from ...content.loader import category_files, read_faq
from ...content.source import faq_files
from ...content.writer import category_yaml, entry_yaml, opening_comments
from ...errors import EditConflict, Problem, UnknownEntry

LOCK_FILE = ".staff-console.lock"


def entry_version(entry: Entry) -> str:
    """A short fingerprint of the entry as written: the form carries it, a save compares it."""
    return hashlib.sha256(entry_yaml(entry).encode()).hexdigest()[:16]


@contextlib.contextmanager
def change_lock(faq_dir: Path):
    """Held while a change is read, checked and written (across processes: a file lock)."""
    with open(faq_dir / LOCK_FILE, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_folder(faq_dir: Path) -> tuple[Faq, list[Problem]]:
    """The FAQ as it is on disk now (what the bot will answer from once it reloads)."""
    return read_faq(faq_dir)


def check_files(faq_dir: Path, texts: dict[str, str]) -> list[Problem]:
    """The problems ``bot check`` would print if ``texts`` (file name → text) were saved."""
    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch) / faq_dir.name
        trial.mkdir()
        for path in faq_files(faq_dir):
            shutil.copyfile(path, trial / path.name)
        for name, text in texts.items():
            (trial / name).write_text(text, encoding="utf-8")
        _, problems = read_faq(trial)
    prefix = str(trial)
    return [replace(p, file=str(faq_dir) + p.file[len(prefix):]) if p.file.startswith(prefix) else p for p in problems]


def category_text(faq_dir: Path, category: Category) -> str:
    target = faq_dir / category.file
    comments = opening_comments(target.read_text(encoding="utf-8")) if target.exists() else ""
    return category_yaml(category, comments)


def _write(faq_dir: Path, category: Category) -> list[Problem]:
    text = category_text(faq_dir, category)
    problems = check_files(faq_dir, {category.file: text})
    if not problems:
        replace_file(faq_dir / category.file, text.encode("utf-8"))
    return problems


def _category_of(faq: Faq, entry_id: str) -> Category:
    for category in faq.categories:
        if any(e.id == entry_id for e in category.entries):
            return category
    raise UnknownEntry(entry_id)


def add_alternates(faq_dir: Path, entry_id: str, wordings: list[str]) -> tuple[list[str], list[Problem]]:
    """Add ``wordings`` to the entry's alternates (those it does not have yet).

    Returns the wordings added and the problems that refused the change (then nothing is added).
    No version is needed: adding to a list never overwrites what someone else wrote.
    """
    with change_lock(faq_dir):
        faq, _ = read_folder(faq_dir)
        category = _category_of(faq, entry_id)
        entry = faq.entry(entry_id)
        known = {entry.question, *entry.alternates}
        added = []
        for wording in (" ".join(w.split()) for w in wordings):
            if wording and wording not in known:
                added.append(wording)
                known.add(wording)
        if not added:
            return [], []
        changed = replace(entry, alternates=entry.alternates + tuple(added))
        problems = _write(faq_dir, _with_entry(category, changed))
    return ([] if problems else added), problems


def _with_entry(category: Category, entry: Entry) -> Category:
    entries = tuple(entry if e.id == entry.id else e for e in category.entries)
    return replace(category, entries=entries)


def save_entry(faq_dir: Path, entry: Entry, version: str) -> list[Problem]:
    """Save an edited entry; ``version`` is :func:`entry_version` of the entry the form showed.

    Raises :class:`EditConflict` when the entry changed on disk since; returns the problems
    that refused the change (empty when it was saved).
    """
    with change_lock(faq_dir):
        faq, _ = read_folder(faq_dir)
        current = faq.entry(entry.id)
        if current is None or entry_version(current) != version:
            raise EditConflict(current)
        category = _category_of(faq, entry.id)
        return _write(faq_dir, _with_entry(category, replace(entry, category=current.category, source=current.source)))


def add_entry(faq_dir: Path, category_file: str, entry: Entry) -> list[Problem]:
    """Add a new entry at the end of a category file (the loader refuses a duplicate id)."""
    with change_lock(faq_dir):
        faq, _ = read_folder(faq_dir)
        category = faq.category(category_file)
        if category is None or category_file not in {p.name for p in category_files(faq_dir)}:
            raise UnknownEntry(category_file)
        return _write(faq_dir, replace(category, entries=category.entries + (replace(entry, category=category.name),)))
