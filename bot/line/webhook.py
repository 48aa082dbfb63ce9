"""``POST /callback``: check the signature, queue the events, answer LINE at once."""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, request
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhook import WebhookParser

log = logging.getLogger(__name__)
blueprint = Blueprint("webhook", __name__)


@blueprint.post("/callback")
def callback():
    signature = request.headers.get("X-Line-Signature", "")
    body = request.get_data()  # the raw bytes: the signature is over exactly these
    parser: WebhookParser = current_app.extensions["line_parser"]
    if not signature:
        abort(400, "X-Line-Signature がありません")
    try:
        events = parser.parse(body.decode("utf-8"), signature)
    except InvalidSignatureError:
        log.warning("webhook refused: wrong signature")
        abort(400, "署名が正しくありません")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        log.warning("webhook refused: body is not a LINE webhook payload")
        abort(400, "LINE の Webhook の形式ではありません")
    dispatcher = current_app.extensions["dispatcher"]
    for event in events:
        dispatcher.submit(event)
    return "OK"
