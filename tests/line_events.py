"""Webhook bodies built as LINE builds them (shared/line-openapi/webhook.yml), and signed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time

CHANNEL_SECRET = "test-channel-secret"
ACCESS_TOKEN = "test-access-token"
USER_ID = "U4af4980629a1b2c3d4e5f60718293a4b"
_serial = itertools.count(1)


def sign(body: bytes, secret: str = CHANNEL_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def body_of(*events: dict) -> bytes:
    return json.dumps({"destination": "Ubot0000000000000000000000000000", "events": list(events)}, ensure_ascii=False).encode()


def _base(kind: str, *, reply: bool = True, mode: str = "active", event_id: str | None = None,
          redelivery: bool = False, source: dict | None = None) -> dict:
    n = next(_serial)
    event = {
        "type": kind,
        "mode": mode,
        "timestamp": int(time.time() * 1000),
        "source": source or {"type": "user", "userId": USER_ID},
        "webhookEventId": event_id or f"01HTEST{n:019d}",
        "deliveryContext": {"isRedelivery": redelivery},
    }
    if reply:
        event["replyToken"] = f"reply-token-{n}"
    return event


def text(message: str, **options) -> dict:
    event = _base("message", **options)
    event["message"] = {"type": "text", "id": str(next(_serial)), "quoteToken": "q", "text": message}
    return event


def media(kind: str, **options) -> dict:
    """A sticker, image, video, audio, file or location message."""
    contents = {
        "sticker": {"packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC", "quoteToken": "q"},
        "image": {"contentProvider": {"type": "line"}, "quoteToken": "q"},
        "video": {"contentProvider": {"type": "line"}, "duration": 3000, "quoteToken": "q"},
        "audio": {"contentProvider": {"type": "line"}, "duration": 2000},
        "file": {"fileName": "書類.pdf", "fileSize": 2048},
        "location": {"title": "さくら町役場", "address": "さくら町1-1", "latitude": 35.0, "longitude": 139.0},
    }
    event = _base("message", **options)
    event["message"] = {"type": kind, "id": str(next(_serial)), **contents[kind]}
    return event


def postback(data: str, **options) -> dict:
    event = _base("postback", **options)
    event["postback"] = {"data": data}
    return event


def follow(**options) -> dict:
    event = _base("follow", **options)
    event["follow"] = {"isUnblocked": False}
    return event


def unfollow(**options) -> dict:
    return _base("unfollow", reply=False, **options)


def join(**options) -> dict:
    return _base("join", source={"type": "group", "groupId": "C0000000000000000000000000000000"}, **options)


def leave(**options) -> dict:
    return _base("leave", reply=False, source={"type": "group", "groupId": "C0000000000000000000000000000000"}, **options)


def unsend(message_id: str, **options) -> dict:
    event = _base("unsend", reply=False, **options)
    event["unsend"] = {"messageId": message_id}
    return event
