"""What the resident reads about smartphone classes: the schedule, booking, their bookings.

Seats come from the caller (``seats_taken``), because only the LINE side has the database;
``ask`` and ``chat`` show the schedule with the capacity and how to apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ..content.faq import Faq
from ..content.schedule import SmartphoneClass, upcoming
from ..dialogue.reply_types import Button, ClassOffer, Reply
from ..line_limits import fit_label
from .search import ScheduleRequest, find_classes

SeatsTaken = Callable[[str], int]
BOOK_LABEL = "申し込む"
MY_BOOKINGS_LABEL = "予約の確認"
_MENU = Button("メニュー", "menu")
_MY_BOOKINGS = Button(MY_BOOKINGS_LABEL, "class:mine")
_OTHER_CLASSES = Button("ほかの教室を見る", "class:list")
_ALL_CLASSES = Button("教室を見る", "class:list")
MY_BOOKINGS_WORDS = {"予約の確認", "予約確認", "よやくのかくにん", "申し込みの確認", "予約を確認したい", "わたしの予約", "私の予約"}


def offer(course: SmartphoneClass, now: dt.datetime, seats_taken: SeatsTaken | None) -> ClassOffer:
    seats = None
    if course.bookable and seats_taken is not None:
        seats = max(0, course.capacity - seats_taken(course.no))
    return ClassOffer(course, seats, course.bookable and course.booking_open(now))


def availability(item: ClassOffer) -> str:
    course = item.course
    if not course.bookable:
        return f"申し込み：{course.apply_method or 'お問い合わせください'}"
    if not item.booking_open:
        return "申し込みは、しめきりました"
    if item.seats_left is None:
        return f"定員 {course.capacity}人"
    return "満席です" if item.seats_left == 0 else f"のこり {item.seats_left}席"


def describe(course: SmartphoneClass) -> list[str]:
    lines = [f"■ {course.title}", f"  {course.when()}", f"  {course.place}"]
    if course.note:
        lines.append(f"  {course.note}")
    return lines


def schedule(faq: Faq, request: ScheduleRequest, now: dt.datetime, seats_taken: SeatsTaken | None,
             contact_text: str) -> tuple[str, tuple[ClassOffer, ...]]:
    """The text and the offers for a question about class dates."""
    found = find_classes(faq.classes, request, now)
    heading = "次のスマホ教室です。"
    if request.describe():
        if found:
            heading = f"{request.describe()}のスマホ教室です。"
        else:
            heading = f"{request.describe()}のスマホ教室は、いまのところ予定がありません。"
            found = find_classes(faq.classes, ScheduleRequest(), now)
            if found:
                heading += "\nほかの日の教室です。"
    if not found:
        return "いまのところ、これからのスマホ教室の予定はありません。\n決まったら町のお知らせでお伝えします。\n\n" + contact_text, ()
    offers = tuple(offer(c, now, seats_taken) for c in found)
    lines = [heading]
    for item in offers:
        lines.append("")
        lines.extend(describe(item.course))
        lines.append(f"  {availability(item)}")
    return "\n".join(lines), offers


def find_course(faq: Faq, class_no: str) -> SmartphoneClass | None:
    return next((c for c in faq.classes if c.no == class_no), None)


def confirm_booking(course: SmartphoneClass) -> Reply:
    text = "\n".join(["この教室に申し込みますか？", ""] + describe(course))
    return Reply("none", text, (Button("はい、申し込む", f"class:confirm:{course.no}"), Button("やめる", "menu")))


def booked(course: SmartphoneClass, booking_id: int) -> Reply:
    text = "\n".join(["申し込みました。", f"受付番号：{booking_id}", ""] + describe(course) + [
        "", "前の日に、LINEでお知らせします。", "行けなくなったときは「予約の確認」から取り消してください。"])
    return Reply("none", text, (_MY_BOOKINGS, _MENU))


def already_booked(course: SmartphoneClass, booking_id: int) -> Reply:
    text = "\n".join([f"この教室には、もう申し込んでいます（受付番号：{booking_id}）。", ""] + describe(course))
    return Reply("none", text, (_MY_BOOKINGS, _MENU))


def full(course: SmartphoneClass) -> Reply:
    return Reply("none", f"ごめんなさい。「{course.title}」（{course.when()}）は満席になりました。\nほかの日の教室をえらんでください。",
                 (_OTHER_CLASSES, _MENU))


def not_open(course: SmartphoneClass | None, contact_text: str) -> Reply:
    if course is None:
        text = "その教室は見つかりませんでした。予定が変わったかもしれません。"
    elif not course.bookable:
        text = f"「{course.title}」は LINE では申し込めません。\n申し込み：{course.apply_method or 'お問い合わせください'}\n\n{contact_text}"
    else:
        text = f"「{course.title}」（{course.when()}）の申し込みは、しめきりました。"
    return Reply("none", text, (_OTHER_CLASSES, _MENU))


def my_bookings(faq: Faq, bookings: list, now: dt.datetime) -> Reply:
    """The resident's bookings of classes still ahead, each with a button to cancel it."""
    ahead = {c.no: c for c in upcoming(faq.classes, now)}
    mine = [(b, ahead[b.class_no]) for b in bookings if b.class_no in ahead]
    if not mine:
        return Reply("none", "申し込んでいる教室はありません。", (_ALL_CLASSES, _MENU))
    lines = ["申し込んでいる教室です。"]
    buttons = []
    for booking, course in mine[:11]:
        lines.append("")
        lines.extend(describe(course))
        lines.append(f"  受付番号：{booking.id}")
        buttons.append(Button(fit_label(f"取り消す {course.date.month}/{course.date.day} {course.title}"), f"class:cancel:{booking.id}"))
    return Reply("none", "\n".join(lines), tuple(buttons) + (_MENU,))


def confirm_cancel(course: SmartphoneClass, booking_id: int) -> Reply:
    text = "\n".join(["この予約を取り消しますか？", ""] + describe(course))
    return Reply("none", text, (Button("はい、取り消す", f"class:cancel-ok:{booking_id}"), Button("やめる", "class:mine")))


def cancelled(course: SmartphoneClass | None) -> Reply:
    what = f"「{course.title}」（{course.when()}）の" if course else ""
    return Reply("none", f"{what}予約を取り消しました。", (_ALL_CLASSES, _MENU))


def nothing_to_cancel() -> Reply:
    return Reply("none", "その予約は見つかりませんでした。もう取り消してあるかもしれません。",
                 (_MY_BOOKINGS, _MENU))
