"""What LINE accepts (Messaging API reference), in one place.

The FAQ loader refuses files that break these, the replies are built to fit them in every
channel, and the LINE layer cuts what could still be too long.
"""

from __future__ import annotations

# A text message holds 5,000 UTF-16 units; an FAQ answer must fit in one.
TEXT_LIMIT = 5000
MESSAGES_PER_REPLY = 5
# Quick-reply buttons under one message.
QUICK_REPLY_ITEMS = 13
# An action's label (buttons, rich-menu areas), in characters.
LABEL_LIMIT = 20
POSTBACK_DATA_LIMIT = 300
ALT_TEXT_LIMIT = 400
CAROUSEL_BUBBLES = 12
RICH_MENU_IMAGE_BYTES = 1024 * 1024


def utf16_length(text: str) -> int:
    """Length as LINE counts it: UTF-16 code units.

    >>> utf16_length("あ😀")
    3
    """
    return len(text.encode("utf-16-le")) // 2


def fit_label(text: str, limit: int = LABEL_LIMIT) -> str:
    """A button label LINE accepts: at most ``limit`` characters, cut with an ellipsis.

    >>> fit_label("マイナンバーカードを申請するにはどうすればいいですか")
    'マイナンバーカードを申請するにはどうす…'
    """
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
