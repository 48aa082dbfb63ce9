"""A :class:`~bot.dialogue.replies.Reply` as LINE messages: texts that fit, buttons as quick
replies, within LINE's limits (:mod:`bot.line_limits`)."""

from __future__ import annotations

import re

from linebot.v3.messaging import FlexContainer, FlexMessage, PostbackAction, QuickReply, QuickReplyItem, TextMessage

from ..classes.replies import BOOK_LABEL, availability
from ..dialogue.replies import Reply
from ..dialogue.reply_types import ClassOffer
from ..line_limits import (
    ALT_TEXT_LIMIT,
    CAROUSEL_BUBBLES,
    MESSAGES_PER_REPLY,
    POSTBACK_DATA_LIMIT,
    QUICK_REPLY_ITEMS,
    TEXT_LIMIT,
    fit_label,
    utf16_length,
)


def split_text(text: str, limit: int = TEXT_LIMIT, count: int = MESSAGES_PER_REPLY) -> list[str]:
    """``text`` in at most ``count`` pieces of at most ``limit`` UTF-16 units, cut between lines."""
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        while utf16_length(line) > limit:  # one huge line: cut it by characters
            head = _utf16_prefix(line, limit)
            lines.append(head)
            line = line[len(head):]
        lines.append(line)
    pieces: list[str] = []
    current = ""
    for line in lines:
        if current and utf16_length(current + line) > limit:
            pieces.append(current)
            current = ""
        current += line
    pieces.append(current)
    pieces = [p.strip("\n") or "…" for p in pieces]
    if len(pieces) > count:
        pieces = pieces[: count - 1] + [_utf16_prefix(pieces[count - 1], limit - 1) + "…"]
    return pieces


def _utf16_prefix(text: str, units: int) -> str:
    taken = 0
    for index, char in enumerate(text):
        taken += 2 if ord(char) > 0xFFFF else 1
        if taken > units:
            return text[:index]
    return text


def quick_reply(reply: Reply) -> QuickReply | None:
    items = [
        QuickReplyItem(action=PostbackAction(label=fit_label(b.label), data=b.action, displayText=fit_label(b.label)))
        for b in reply.buttons
        if len(b.action) <= POSTBACK_DATA_LIMIT
    ][:QUICK_REPLY_ITEMS]
    return QuickReply(items=items) if items else None


def _text(text: str, size: str = "md", **style) -> dict:
    return {"type": "text", "text": text, "size": size, "wrap": True, **style}


def class_bubble(item: ClassOffer) -> dict:
    """One class in large, plain letters: title, date with weekday, time, place, seats."""
    course = item.course
    body = [
        _text(course.title, "lg", weight="bold"),
        _text(course.day(), "lg", weight="bold", color="#1b6ac9"),
        _text(course.hours(), "md"),
        _text(course.place, "md", color="#555555"),
        _text(availability(item), "md", weight="bold", color="#b5460f" if item.seats_left == 0 else "#12876f"),
    ]
    if course.note:
        body.append(_text(course.note, "sm", color="#555555"))
    bubble = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": body}}
    button = None
    if item.booking_open and item.seats_left != 0:
        button = {"type": "postback", "label": BOOK_LABEL, "data": f"class:book:{course.no}", "displayText": BOOK_LABEL}
    elif not course.bookable and course.phone and (not course.apply_method or "電話" in course.apply_method):
        button = {"type": "uri", "label": "電話で申し込む", "uri": "tel:" + re.sub(r"[^\d+]", "", course.phone)}
    if button is not None:
        bubble["footer"] = {"type": "box", "layout": "vertical", "contents": [
            {"type": "button", "style": "primary", "height": "md", "action": button}]}
    return bubble


def class_carousel(reply: Reply) -> FlexMessage:
    carousel = {"type": "carousel", "contents": [class_bubble(o) for o in reply.offers[:CAROUSEL_BUBBLES]]}
    alt_text = reply.text if len(reply.text) <= ALT_TEXT_LIMIT else reply.text[: ALT_TEXT_LIMIT - 1] + "…"
    return FlexMessage(altText=alt_text, contents=FlexContainer.from_dict(carousel))


def line_messages(reply: Reply) -> list[TextMessage | FlexMessage]:
    """The messages of one reply; the buttons ride on the last one, where the resident looks.

    Classes go as a carousel after the reply's first line; its text is the carousel's altText
    (what notifications and old phones show).
    """
    if reply.offers:
        messages = [TextMessage(text=reply.text.split("\n", 1)[0]), class_carousel(reply)]
    else:
        messages = [TextMessage(text=piece) for piece in split_text(reply.text)]
    messages[-1].quick_reply = quick_reply(reply)
    return messages
