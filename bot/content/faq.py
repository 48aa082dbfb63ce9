"""The FAQ as the bot holds it in memory: categories of entries, settings and local words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..line_limits import fit_label
from .schedule import SmartphoneClass

# How long residents' questions are kept, unless settings.yaml says otherwise.
DEFAULT_RETENTION_DAYS = 180

# An answer whose ``updated`` is older than this wants a fresh look at the official pages.
REVIEW_DAYS = 365


def review_due_before(today: dt.date) -> str:
    """The ``updated`` date before which an answer is over a year old, as 年-月-日."""
    return (today - dt.timedelta(days=REVIEW_DAYS)).isoformat()


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    answer: str
    category: str
    label: str = ""
    alternates: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    related: tuple[str, ...] = ()
    updated: str | None = None
    source: str = ""

    @property
    def button_label(self) -> str:
        return fit_label(self.label or self.question)


@dataclass(frozen=True)
class Category:
    name: str
    file: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Contact:
    name: str = "役場の窓口"
    phone: str = ""
    hours: str = ""


@dataclass(frozen=True)
class Settings:
    municipality: str = ""
    contact: Contact = field(default_factory=Contact)
    messages: dict[str, str] = field(default_factory=dict)
    retention_days: int = DEFAULT_RETENTION_DAYS


@dataclass(frozen=True)
class Faq:
    categories: tuple[Category, ...]
    synonyms: dict[str, list[str]]
    settings: Settings
    classes: tuple[SmartphoneClass, ...] = ()

    @property
    def entries(self) -> list[Entry]:
        return [e for c in self.categories for e in c.entries]

    def entry(self, entry_id: str) -> Entry | None:
        return self._by_id().get(entry_id)

    def category(self, name: str) -> Category | None:
        return next((c for c in self.categories if c.name == name or c.file == name), None)

    def _by_id(self) -> dict[str, Entry]:
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {e.id: e for e in self.entries}
            object.__setattr__(self, "_index", cached)
        return cached
