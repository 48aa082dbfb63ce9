"""A :class:`~bot.replies.Reply` as LINE messages: texts that fit, buttons as quick replies.

LINE's limits (Messaging API reference): a text message holds 5,000 UTF-16 units, a reply at
most 5 messages, a quick reply 13 items, an action label 20 characters, postback data 300.
"""

from __future__ import annotations

from linebot.v3.messaging import PostbackAction, QuickReply, QuickReplyItem, TextMessage

from .faq import fit_label
from .replies import BUTTON_LIMIT, Reply
from .textnorm import utf16_length

TEXT_LIMIT = 5000
MESSAGES_PER_REPLY = 5
POSTBACK_DATA_LIMIT = 300


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
    ][:BUTTON_LIMIT]
    return QuickReply(items=items) if items else None


def line_messages(reply: Reply) -> list[TextMessage]:
    """The messages of one reply; the buttons ride on the last one, where the resident looks."""
    messages = [TextMessage(text=piece) for piece in split_text(reply.text)]
    messages[-1].quick_reply = quick_reply(reply)
    return messages
