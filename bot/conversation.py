"""What the bot says to one LINE event: pure, no Flask, no network.

Unfollow, join, leave and every event the bot does not talk back to give ``None``.
"""

from __future__ import annotations

from linebot.v3.webhooks import FollowEvent, MessageEvent, PostbackEvent, TextMessageContent

from .replies import Reply, Responder


def reply_to_event(event: object, responder: Responder) -> Reply | None:
    if isinstance(event, MessageEvent):
        if isinstance(event.message, TextMessageContent):
            return responder.answer(event.message.text)
        return responder.unsupported()  # sticker, image, video, audio, file, location
    if isinstance(event, PostbackEvent):
        return responder.action(event.postback.data)
    if isinstance(event, FollowEvent):
        return responder.greeting()
    return None
