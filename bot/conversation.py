"""What the bot says to one LINE event, and what it keeps of it.

Text is redacted (:mod:`bot.privacy`) before it is matched or stored; a message holding a My
Number is answered with a warning and not kept. Unfollow, join, leave and every event the
bot does not talk back to give ``None``.
"""

from __future__ import annotations

import time

from linebot.v3.webhooks import FollowEvent, MessageEvent, PostbackEvent, TextMessageContent

from .privacy import contains_my_number, redact, resident_key
from .replies import Reply, Responder
from .storage import Storage

NOT_KEPT = "（マイナンバーがふくまれていたため記録していません）"
PURGE_EVERY_SECONDS = 3600
DAY = 24 * 3600


class Conversation:
    def __init__(self, storage: Storage, secret_key: bytes):
        self.storage = storage
        self.secret_key = secret_key
        self._purged_at = 0.0

    @staticmethod
    def expects_reply(event: object) -> bool:
        return isinstance(event, (MessageEvent, PostbackEvent, FollowEvent))

    def reply_to(self, event: object, responder: Responder) -> Reply | None:
        if isinstance(event, MessageEvent):
            if isinstance(event.message, TextMessageContent):
                return self._text(event, event.message.text, responder)
            return responder.unsupported()  # sticker, image, video, audio, file, location
        if isinstance(event, PostbackEvent):
            return self._postback(event.postback.data, responder)
        if isinstance(event, FollowEvent):
            return responder.greeting()
        return None

    def _resident(self, event: object) -> str:
        user_id = getattr(getattr(event, "source", None), "user_id", None)
        return resident_key(user_id, self.secret_key) if user_id else "-"

    def _text(self, event: object, text: str, responder: Responder) -> Reply:
        now = time.time()
        if contains_my_number(text):
            self.storage.log_question(resident=self._resident(event), question=NOT_KEPT, status="blocked", now=now)
            return responder.my_number_warning()
        question = redact(text)
        reply = responder.answer(question)
        match = reply.match
        question_id = self.storage.log_question(
            resident=self._resident(event),
            question=question[:2000],
            status=reply.status,
            entry_id=match.id if match and reply.status == "answer" else None,
            score=match.score if match else 0.0,
            candidates=[{"id": c.id, "score": c.score} for c in match.candidates] if match else [],
            now=now,
        )
        self._forget_old_questions(now, responder.faq.settings.retention_days)
        return responder.with_feedback(reply, question_id) if reply.status == "answer" else reply

    def _postback(self, data: str, responder: Responder) -> Reply:
        kind, _, rest = data.partition(":")
        if kind == "feedback":
            answer, _, question_id = rest.partition(":")
            if question_id.isdigit():
                self.storage.record_feedback(int(question_id), helpful=answer == "yes")
            return responder.feedback(answer == "yes")
        return responder.action(data)

    def _forget_old_questions(self, now: float, retention_days: int) -> None:
        if now - self._purged_at >= PURGE_EVERY_SECONDS:
            self._purged_at = now
            self.storage.forget_questions_before(now - retention_days * DAY)
