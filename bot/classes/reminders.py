"""The day-before reminder for booked classes, pushed through the Messaging API.

Run once a day by a scheduler (``bot classes remind``). Each push carries an
``X-Line-Retry-Key`` made from the booking, so LINE itself refuses a second copy even if the
run is repeated after a crash; the database records what was sent, so a rerun skips it.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from linebot.v3.messaging import MessagingApi, PushMessageRequest, TextMessage
from linebot.v3.messaging.exceptions import ApiException
from urllib3.exceptions import HTTPError as TransportError

from ..content.schedule import SmartphoneClass
from ..storage import Storage
from ..user_ids import UserIdBox

log = logging.getLogger(__name__)
RETRY_NAMESPACE = uuid.UUID("5f0c8a52-4d7e-4c1e-9a59-2f1f8f6a3b10")


@dataclass
class RemindResult:
    sent: int = 0
    already: int = 0
    failed: int = 0


def reminder_text(course: SmartphoneClass, booking_id: int) -> str:
    lines = ["【あしたはスマホ教室です】", "", course.title, course.when(), course.place]
    if course.note:
        lines.append(course.note)
    lines += ["", f"受付番号：{booking_id}", "行けなくなったときは「予約の確認」から取り消してください。"]
    return "\n".join(lines)


def retry_key(booking_id: int, class_date: str) -> str:
    return str(uuid.uuid5(RETRY_NAMESPACE, f"remind:{booking_id}:{class_date}"))


def send_reminders(storage: Storage, classes: tuple[SmartphoneClass, ...], run_date: dt.date, *,
                   api: MessagingApi, secret_key: bytes) -> RemindResult:
    """Push a reminder for every booking of the classes on the day after ``run_date``.

    ``api`` is the caller's Messaging API client (:func:`bot.line.api.messaging_api`).
    """
    tomorrow = run_date + dt.timedelta(days=1)
    courses = {c.no: c for c in classes if c.date == tomorrow}
    box = UserIdBox(secret_key)
    result = RemindResult()
    for booking in storage.reminders_due(tomorrow.isoformat()):
        course = courses.get(booking.class_no)
        user_id = box.open(booking.user_token) if booking.user_token else None
        if course is None or user_id is None:
            result.failed += 1
            log.error("reminder not sent: booking=%s (class not in classes.csv or id unreadable)", booking.id)
            continue
        request = PushMessageRequest(to=user_id, messages=[TextMessage(text=reminder_text(course, booking.id))])
        try:
            api.push_message(request, x_line_retry_key=retry_key(booking.id, booking.class_date))
            result.sent += 1
        except ApiException as error:
            if error.status == 409:  # LINE already accepted this retry key: it was sent before
                result.already += 1
            else:
                result.failed += 1
                log.error("reminder not sent: booking=%s status=%s", booking.id, error.status)
                continue
        except TransportError as error:
            result.failed += 1
            log.error("reminder not sent: booking=%s error=%s", booking.id, type(error).__name__)
            continue
        storage.mark_reminded(booking.id)
    # Once a class is over, nobody needs its bookers' LINE ids any more.
    storage.forget_user_ids_before(run_date.isoformat())
    return result
