"""What the bot says to one LINE event, and what it keeps of it.

Text is redacted (:mod:`bot.privacy`) before it is matched or stored; a message holding a My
Number is answered with a warning and not kept. Unfollow, join, leave and every event the
bot does not talk back to give ``None``.
"""

from __future__ import annotations

import datetime as dt
import logging

from linebot.v3.webhooks import (
    FollowEvent,
    GroupSource,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    TextMessageContent,
    UnsendEvent,
)

from ..classes import replies as class_replies
from ..clock import JST
from ..privacy import contains_my_number, message_key, redact, resident_key
from ..storage import Storage
from ..user_ids import UserIdBox
from .replies import Reply, Responder
from .router import Command, read_postback, read_typed

log = logging.getLogger(__name__)

NOT_KEPT = "（マイナンバーがふくまれていたため記録していません）"
PURGE_EVERY_SECONDS = 3600
DAY = 24 * 3600


class Conversation:
    def __init__(self, storage: Storage, secret_key: bytes, clock=lambda: dt.datetime.now(JST)):
        self.storage = storage
        self.secret_key = secret_key
        self.user_ids = UserIdBox(secret_key)
        self.clock = clock
        self._purged_at = 0.0

    @staticmethod
    def expects_reply(event: object) -> bool:
        """Every message in a 1:1 chat; in a group or room, only a message that mentions the bot
        (a family group that added the bot must not get an answer to each of its messages)."""
        if not isinstance(event, (MessageEvent, PostbackEvent, FollowEvent)):
            return False
        if isinstance(getattr(event, "source", None), (GroupSource, RoomSource)) and isinstance(event, MessageEvent):
            return _mentions_the_bot(event.message)
        return True

    def observe(self, event: object) -> None:
        """What an event without a reply changes: an unsent message is deleted from the log."""
        if isinstance(event, UnsendEvent):
            self.storage.forget_message(message_key(event.unsend.message_id, self.secret_key))

    def reply_to(self, event: object, responder: Responder) -> Reply | None:
        if isinstance(event, MessageEvent):
            if isinstance(event.message, TextMessageContent):
                return self._text(event, _without_mentions(event.message), responder)
            return responder.unsupported()  # sticker, image, video, audio, file, location
        if isinstance(event, PostbackEvent):
            return self._follow(event, read_postback(event.postback.data), responder)
        if isinstance(event, FollowEvent):
            return responder.greeting()
        return None

    @staticmethod
    def _user_id(event: object) -> str | None:
        return getattr(getattr(event, "source", None), "user_id", None)

    def _resident(self, event: object) -> str:
        user_id = self._user_id(event)
        return resident_key(user_id, self.secret_key) if user_id else "-"

    def _text(self, event: object, text: str, responder: Responder) -> Reply:
        moment = self.clock()
        now = moment.timestamp()
        if contains_my_number(text):
            self.storage.log_question(resident=self._resident(event), question=NOT_KEPT, status="blocked", now=now)
            return responder.my_number_warning()
        question = redact(text)
        command = read_typed(question, responder.faq)
        if command is not None:  # a command word is not a question: it is followed, not logged
            return self._follow(event, command, responder)
        reply = responder.answer(question, now=moment, seats_taken=self.storage.seats_taken)
        match = reply.match
        question_id = self.storage.log_question(
            resident=self._resident(event),
            question=question[:2000],
            status=reply.status,
            entry_id=match.id if match and reply.status == "answer" else None,
            score=match.score if match else 0.0,
            candidates=[{"id": c.id, "score": c.score} for c in match.candidates] if match else [],
            now=now,
            message_key=message_key(event.message.id, self.secret_key) if isinstance(event, MessageEvent) else None,
        )
        self._forget_old_questions(now, responder.faq.settings.retention_days)
        return responder.with_feedback(reply, question_id) if reply.status == "answer" else reply

    def _follow(self, event: object, command: Command, responder: Responder) -> Reply:
        """A button or command word. What needs the resident (feedback, bookings) is done here;
        the rest is the same reply as in ``bot ask`` and ``bot chat``.

        Booking in LINE: 申し込む → confirm → booked; 予約の確認 → cancel → confirm → cancelled.
        """
        kind = command.kind
        if kind == "feedback":
            self._feedback(event, int(command.target), command.helpful)
        elif kind in ("my-bookings", "cancel", "confirm-cancel", "book", "confirm-booking"):
            resident = self._resident(event)
            if kind == "my-bookings":
                return class_replies.my_bookings(responder.faq, self.storage.bookings_of(resident), self.clock())
            if kind in ("cancel", "confirm-cancel"):
                return self._cancel(resident, command.target, confirmed=kind == "confirm-cancel", responder=responder)
            return self._book(event, resident, command.target, confirmed=kind == "confirm-booking", responder=responder)
        return responder.follow(command, now=self.clock(), seats_taken=self.storage.seats_taken)

    def _feedback(self, event: object, question_id: int, helpful: bool) -> None:
        """Keep a 解決した / 解決しない tap only for the resident's own question: a button's data
        can be copied, and another resident's tap must not decide what the report says. The
        reply is the same either way, so a tap tells nobody whose question an id is."""
        resident = self._resident(event)
        logged = self.storage.question(question_id)
        if logged is None or resident == "-" or logged.resident != resident:
            log.info("feedback ignored: not the resident's own question")
            return
        self.storage.record_feedback(question_id, helpful=helpful)

    def _cancel(self, resident: str, booking_id: str, confirmed: bool, responder: Responder) -> Reply:
        booking = next((b for b in self.storage.bookings_of(resident) if str(b.id) == booking_id), None)
        if booking is None:
            return class_replies.nothing_to_cancel()
        course = class_replies.find_course(responder.faq, booking.class_no)
        if not confirmed and course is not None:
            return class_replies.confirm_cancel(course, booking.id)
        self.storage.cancel(booking.id, resident)
        return class_replies.cancelled(course)

    def _book(self, event: object, resident: str, class_no: str, confirmed: bool, responder: Responder) -> Reply:
        now = self.clock()
        course = class_replies.find_course(responder.faq, class_no)
        if course is None or not course.bookable or not course.booking_open(now):
            return class_replies.not_open(course, responder.contact_text())
        user_id = self._user_id(event)
        if user_id is None:
            return Reply("none", "教室の申し込みは、ボットとの1対1のトークでしてください。", ())
        existing = self.storage.booking_of(course.no, resident)
        if existing is not None:
            return class_replies.already_booked(course, existing.id)
        if not confirmed:
            if self.storage.seats_taken(course.no) >= course.capacity:
                return class_replies.full(course)
            return class_replies.confirm_booking(course)
        outcome, booking = self.storage.book(
            class_no=course.no, class_date=course.date.isoformat(), capacity=course.capacity,
            resident=resident, user_token=self.user_ids.seal(user_id),
        )
        if outcome == "full":
            return class_replies.full(course)
        if outcome == "already":
            return class_replies.already_booked(course, booking.id)
        self.storage.forget_user_ids_before(now.date().isoformat())
        return class_replies.booked(course, booking.id)

    def _forget_old_questions(self, now: float, retention_days: int) -> None:
        if now - self._purged_at >= PURGE_EVERY_SECONDS:
            self._purged_at = now
            self.storage.forget_questions_before(now - retention_days * DAY)


def _mentions_the_bot(message: object) -> bool:
    mention = getattr(message, "mention", None)
    return any(getattr(m, "is_self", False) for m in (mention.mentionees if mention else ()))


def _without_mentions(message: TextMessageContent) -> str:
    """The text with every @mention cut out: 「@さくら町ボット 教室はいつ」 asks 「教室はいつ」."""
    text = message.text
    mentionees = message.mention.mentionees if message.mention else []
    for mentionee in sorted(mentionees, key=lambda m: m.index, reverse=True):
        text = text[: mentionee.index] + text[mentionee.index + mentionee.length :]
    return text.strip() or message.text
