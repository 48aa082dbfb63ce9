"""What a button or a typed command word asks for, read once for LINE, ``bot ask`` and ``bot chat``.

A tapped button arrives as postback data (``menu:1``, ``entry:mynumber-lost``,
``class:book:2026-12-09-01``, ``feedback:yes:42`` …); a resident may also type a command word
(メニュー, 職員に聞きたい, 予約の確認, a category's name). Both become one :class:`Command`.
Postback data comes from the network, so it is read strictly: anything that is not exactly one
of the forms below is an ``invalid`` command, which gets a friendly reply, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..content.faq import Faq
from ..content.schedule import CLASS_NO_LIMIT
from ..engine.textnorm import normalize

MENU_WORDS = {"メニュー", "めにゅー", "menu", "一覧", "カテゴリ", "最初から", "はじめから", "トップ"}
CONTACT_WORDS = {"職員に聞きたい", "職員", "人と話したい", "問い合わせ先", "窓口の電話番号"}
MY_BOOKINGS_WORDS = {"予約の確認", "予約確認", "よやくのかくにん", "申し込みの確認", "予約を確認したい", "わたしの予約", "私の予約"}

# The commands that change a resident's bookings: only LINE knows who is asking.
BOOKING_KINDS = ("book", "confirm-booking", "cancel", "confirm-cancel")

_PAGE = r"([0-9]{1,4})"
# Database ids (questions, bookings) fit in 64 bits: at most 18 digits is always safe.
_ID = r"([0-9]{1,18})"
_POSTBACKS = [
    (re.compile(rf"menu(?::{_PAGE})?"), lambda m: Command("menu", page=int(m[1] or 0))),
    (re.compile(r"contact|none"), lambda m: Command("contact")),
    (re.compile(rf"category:([A-Za-z0-9][A-Za-z0-9._-]{{0,99}})(?::{_PAGE})?"),
     lambda m: Command("category", m[1], page=int(m[2] or 0))),
    (re.compile(r"entry:([a-z0-9][a-z0-9-]{0,99})"), lambda m: Command("entry", m[1])),
    (re.compile(r"class:list"), lambda m: Command("classes")),
    (re.compile(r"class:mine"), lambda m: Command("my-bookings")),
    (re.compile(rf"class:book:([^\x00-\x1f]{{1,{CLASS_NO_LIMIT}}})"), lambda m: Command("book", m[1])),
    (re.compile(rf"class:confirm:([^\x00-\x1f]{{1,{CLASS_NO_LIMIT}}})"), lambda m: Command("confirm-booking", m[1])),
    (re.compile(rf"class:cancel:{_ID}"), lambda m: Command("cancel", m[1])),
    (re.compile(rf"class:cancel-ok:{_ID}"), lambda m: Command("confirm-cancel", m[1])),
    (re.compile(rf"feedback:(yes|no):{_ID}"), lambda m: Command("feedback", m[2], helpful=m[1] == "yes")),
]


@dataclass(frozen=True)
class Command:
    """What the resident asked for by a button or a command word.

    ``kind`` is ``menu``, ``contact``, ``category`` (``target`` is the file), ``entry`` (the
    id), ``classes``, ``my-bookings``, ``book`` / ``confirm-booking`` (the class NO),
    ``cancel`` / ``confirm-cancel`` (the booking id), ``feedback`` (the question id) or
    ``invalid`` (postback data that is none of these).
    """

    kind: str
    target: str = ""
    page: int = 0
    helpful: bool = False


def command_key(text: str) -> str:
    """A typed message as a command word: 「メニュー。」 and 「めにゅー？」 mean the menu.

    >>> command_key("ﾒﾆｭｰ。")
    'メニュー'
    """
    return normalize(text).strip("。.!！?？ ")


def read_postback(data: str) -> Command:
    """The command a button's postback data names; ``invalid`` for anything else.

    >>> read_postback("category:10-mynumber.yaml:2")
    Command(kind='category', target='10-mynumber.yaml', page=2, helpful=False)
    >>> read_postback("menu:²").kind
    'invalid'
    """
    for pattern, command in _POSTBACKS:
        found = pattern.fullmatch(data)
        if found:
            return command(found)
    return Command("invalid")


def read_typed(text: str, faq: Faq) -> Command | None:
    """The command a typed message is, or None when it is a question for the matcher."""
    key = command_key(text)
    if key in MENU_WORDS:
        return Command("menu")
    if key in CONTACT_WORDS:
        return Command("contact")
    if key in MY_BOOKINGS_WORDS:
        return Command("my-bookings")
    category = next((c for c in faq.categories if normalize(c.name) == key), None)
    if category is not None:
        return Command("category", category.file)
    return None
