"""Recognising a question about class dates and finding the classes it asks for.

「次のスマホ教室はいつ?」, 「来月のスマホ教室」, 「LINEの教室はある?」, 「土曜日にやってる?」:
a class word plus a when/whether word, with an optional month, weekday or topic. Questions
about a class's place, fee or belongings are left to the FAQ. Pure functions; times are Japan time.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from ..clock import JST, WEEKDAY_READINGS, WEEKDAYS
from ..content.schedule import SmartphoneClass, upcoming
from ..engine.textnorm import normalize, to_hiragana

MAX_SHOWN = 5
CLASS_WORDS = ("教室", "きょうしつ", "講座", "こうざ", "講習", "こうしゅう", "相談会", "そうだんかい", "勉強会", "べんきょうかい")
WHEN_WORDS = (
    "いつ", "何日", "なんにち", "日程", "にってい", "日にち", "ひにち", "予定", "よてい", "スケジュール", "すけじゅーる",
    "次", "つぎ", "今度", "こんど", "来月", "らいげつ", "今月", "こんげつ", "再来月", "開催", "かいさい", "やって", "やる",
    "ある", "あります", "あるか", "申し込みたい", "もうしこみたい", "申込みたい", "予約したい", "よやくしたい",
    "参加したい", "さんかしたい", "行きたい", "いきたい", "受けたい", "うけたい", "一覧", "いちらん", "曜",
)
# The FAQ answers these better than a list of dates.
FAQ_TOPICS = ("持ち物", "もちもの", "持って", "もって", "場所", "ばしょ", "どこ", "料金", "りょうきん", "無料", "むりょう",
              "お金", "おかね", "費用", "ひよう", "貸し", "かし", "駐車", "ちゅうしゃ", "方法", "ほうほう", "必要", "ひつよう")
IGNORED_TOPIC_WORDS = {"スマホ", "スマートフォン", "教室", "講座", "講習", "日程", "予定", "次", "来月", "今月", "今度",
                       "開催", "一覧", "参加", "予約", "申込", "申し込み", "土曜日", "日曜日", "平日", "週末", "土日"}


@dataclass(frozen=True)
class ScheduleRequest:
    month: int | None = None
    weekdays: frozenset[int] = frozenset()
    topic: str | None = None
    # 「土曜日にやってる?」 names no class: it is about classes only if the FAQ has no better answer.
    explicit: bool = True

    def describe(self) -> str:
        parts = []
        if self.month:
            parts.append(f"{self.month}月")
        if self.weekdays:
            parts.append("・".join(f"{WEEKDAYS[d]}曜日" for d in sorted(self.weekdays)))
        if self.topic:
            parts.append(f"「{self.topic}」")
        return "の".join(parts)


def schedule_request(text: str, now: dt.datetime, classes: tuple[SmartphoneClass, ...]) -> ScheduleRequest | None:
    """What the resident asks about class dates, or None when it is not such a question."""
    plain = normalize(text)
    kana = to_hiragana(plain)
    month, weekdays = _month(plain, now), _weekdays(plain, kana)
    names_class = any(w in plain or w in kana for w in CLASS_WORDS)
    if not names_class:
        if (month or weekdays) and re.search(r"やって|ある|あり|開いて|ひらいて|開催", plain + kana):
            return ScheduleRequest(month, weekdays, _topic(text, classes, now), explicit=False)
        return None
    asks_when = month is not None or bool(weekdays) or any(w in plain or w in kana for w in WHEN_WORDS)
    if any(w in plain or w in kana for w in FAQ_TOPICS) and not re.search(r"いつ|日程|何日|予定", plain + kana):
        return None
    if not asks_when:
        return None
    return ScheduleRequest(month, weekdays, _topic(text, classes, now))


def _month(plain: str, now: dt.datetime) -> int | None:
    today = now.astimezone(JST).date()
    if "再来月" in plain or "さらいげつ" in plain:
        return (today.month + 1) % 12 + 1
    if "来月" in plain or "らいげつ" in plain:
        return today.month % 12 + 1
    if "今月" in plain or "こんげつ" in plain:
        return today.month
    match = re.search(r"(?<!\d)(1[0-2]|[1-9])月(?!曜)", plain)
    return int(match.group(1)) if match else None


def _weekdays(plain: str, kana: str) -> frozenset[int]:
    if "土日" in plain or "週末" in plain or "しゅうまつ" in kana:
        return frozenset({5, 6})
    if "平日" in plain or "へいじつ" in kana:
        return frozenset(range(5))
    days = {WEEKDAYS.index(m.group(1)) for m in re.finditer(f"([{WEEKDAYS}])曜", plain)}
    days |= {d for d, reading in enumerate(WEEKDAY_READINGS) if reading in kana}
    return frozenset(days)


def _topic(text: str, classes: tuple[SmartphoneClass, ...], now: dt.datetime) -> str | None:
    """A word of the question that some upcoming class is about (LINE, マイナンバー, 写真 …)."""
    about = [(c.title + " " + c.description).lower() for c in upcoming(classes, now)]
    words = re.findall(r"[A-Za-z]+|[ァ-ヴー]{2,}|[一-龥々]{2,}", unicodedata.normalize("NFKC", text))
    for word in words:
        if word in IGNORED_TOPIC_WORDS or any(word in ignored for ignored in ("スマホ教室", "スマートフォン")):
            continue
        if any(word.lower() in text for text in about):
            return word
        if len(word) > 3 and any(word[:3].lower() in text for text in about):
            return word[:3]  # マイナカード → マイナ
    return None


def find_classes(classes: tuple[SmartphoneClass, ...], request: ScheduleRequest, now: dt.datetime,
                 limit: int = MAX_SHOWN) -> list[SmartphoneClass]:
    """Upcoming classes that fit the request, soonest first, at most ``limit``."""
    found = []
    for course in upcoming(classes, now):
        if request.month and course.date.month != request.month:
            continue
        if request.weekdays and course.date.weekday() not in request.weekdays:
            continue
        if request.topic and request.topic.lower() not in (course.title + " " + course.description).lower():
            continue
        found.append(course)
    return found[:limit]
