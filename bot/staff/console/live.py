"""What the running bot holds, as the console's pages need it."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from ...dialogue.replies import Responder
from ...line.messages import line_messages
from ...privacy import redact


def responder() -> Responder:
    """The responder the bot answers residents with right now (the last FAQ that loaded)."""
    return current_app.extensions["faq_source"].responder


def faq_dir() -> Path:
    return Path(current_app.config["BOT"].faq_dir)


def resident_view(text: str) -> tuple[object, list[dict]]:
    """The reply a resident typing ``text`` on LINE gets, and its LINE messages as dicts.

    As on LINE: the text is masked first, an answer carries 解決した / 解決しない. Nothing is
    logged (a staff member trying a question is not a resident asking one).
    """
    live = responder()
    storage = current_app.extensions["storage"]
    reply = live.answer(redact(text), seats_taken=storage.seats_taken)
    if reply.status == "answer":
        reply = live.with_feedback(reply, 0)
    return reply, [m.to_dict() for m in line_messages(reply)]
