"""``POST /callback``: check the signature, queue the events, answer LINE at once.

The body is read in the order the SDK's ``WebhookParser.parse`` reads it (signature over the
exact bytes, then JSON, then one ``Event`` per item), with two guards in between: a body nested
deeper than a LINE webhook ever is is refused before the JSON parser recurses into it, and
text that no encoder accepts (a lone UTF-16 surrogate, NUL) becomes U+FFFD, so the event can
still be answered, logged and stored.
"""

from __future__ import annotations

import json
import logging
import re

from flask import Blueprint, abort, current_app, request
from linebot.v3.models.events import UnknownEvent
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import Event

log = logging.getLogger(__name__)
blueprint = Blueprint("webhook", __name__)

# A LINE webhook body is about 7 levels deep (events → message → mention → mentionees → …).
MAX_NESTING = 32
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_UNENCODABLE = re.compile("[\ud800-\udfff\x00]")


def too_deep(text: str, limit: int = MAX_NESTING) -> bool:
    """True when the JSON ``text`` nests arrays and objects more than ``limit`` deep (brackets
    inside strings do not count); one pass, no recursion."""
    depth = 0
    for bracket in _BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > limit:
            return True
    return False


def encodable(value):
    """``value`` with every string fit for UTF-8 and every database: lone surrogates and NUL
    (which JSON can carry as ``\\ud800`` and ``\\u0000``) become U+FFFD."""
    if isinstance(value, str):
        return _UNENCODABLE.sub("\ufffd", value)
    if isinstance(value, list):
        return [encodable(item) for item in value]
    if isinstance(value, dict):
        return {encodable(key): encodable(item) for key, item in value.items()}
    return value


def _events(payload: dict) -> list:
    events = []
    for item in payload["events"]:
        try:
            events.append(Event.from_dict(item))
        except ValueError:  # a kind of event this SDK does not know yet: kept, and answered with nothing
            events.append(UnknownEvent.new_from_json_dict(item))
    return events


@blueprint.post("/callback")
def callback():
    signature = request.headers.get("X-Line-Signature", "")
    body = request.get_data()  # the raw bytes: the signature is over exactly these
    parser: WebhookParser = current_app.extensions["line_parser"]
    if not signature:
        abort(400, "X-Line-Signature がありません")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None or not parser.signature_validator.validate(text, signature):
        # Undecodable bytes cannot have been signed by LINE either.
        log.warning("webhook refused: wrong signature" if text is not None else "webhook refused: body is not UTF-8")
        abort(400, "署名が正しくありません" if text is not None else "LINE の Webhook の形式ではありません")
    try:
        if too_deep(text):
            raise ValueError("nested deeper than a LINE webhook")
        events = _events(encodable(json.loads(text)))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        log.warning("webhook refused: body is not a LINE webhook payload")
        abort(400, "LINE の Webhook の形式ではありません")
    dispatcher = current_app.extensions["dispatcher"]
    for event in events:
        dispatcher.submit(event)
    return "OK"
