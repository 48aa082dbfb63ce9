"""What staff would want to know about a sound FAQ: not faults (the bot answers anyway), but
answers that leave a resident without a next step, sentences too long to read on a phone,
answers nobody has checked for a year, and class dates on a day the FAQ does not name.

Each rule is simple enough to explain to staff in one sentence, and errs on the side of
silence: a warning staff learn to ignore is worse than none.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .faq import review_due_before
from .schedule import SmartphoneClass
from ..clock import weekday_name

LONG_SENTENCE = 60
# A last sentence with one of these tells the resident what to do: ask someone, go somewhere,
# call, or do something (「…してください」).
NEXT_STEP_WORDS = ("ください", "電話", "窓口", "相談", "https://")
_PHONE = re.compile(r"\d{2,5}-\d{1,4}-\d{3,4}|#\d{4}|(?<!\d)1(?:10|88)(?!\d)")
_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
_NAMED_WEEKDAY = re.compile(r"([月火水木金土日])曜")
# Answers about the classes: only their weekdays count as "the days the FAQ names".
_ABOUT_CLASSES = ("教室", "相談会")


@dataclass(frozen=True)
class Sentence:
    line: int
    text: str


@dataclass(frozen=True)
class AnswerPlace:
    """Where an entry's answer sits in its file, and what a warning needs to know about it."""

    file: str
    entry_id: str
    sentences: tuple[Sentence, ...]
    has_links: bool
    updated: str | None = None
    updated_line: int | None = None


def sentences(text: str, first_line: int, one_line: bool = False) -> tuple[Sentence, ...]:
    """The answer's sentences (split at 。！？ and line ends), each with its line in the file.

    ``one_line`` is for an answer YAML folds or writes on one line: every sentence gets
    ``first_line``, since the file's lines no longer match the text's.
    """
    found = []
    for offset, row in enumerate(text.split("\n")):
        for piece in _SENTENCE_END.split(row):
            if piece.strip():
                found.append(Sentence(first_line if one_line else first_line + offset, piece.strip()))
    return tuple(found)


def ends_with_next_step(sentence: str) -> bool:
    return any(word in sentence for word in NEXT_STEP_WORDS) or bool(_PHONE.search(sentence))


def answer_warnings(place: AnswerPlace, today: dt.date) -> list[tuple[str, int, str]]:
    """(file, line, message) for one answer, in line order."""
    found = []
    for sentence in place.sentences:
        if len(sentence.text) > LONG_SENTENCE:
            found.append((place.file, sentence.line, f"注意: {len(sentence.text)}文字の長い文があります（「{sentence.text[:15]}…」） — スマホで読みやすいよう、{LONG_SENTENCE}文字以内の文に分けてください"))
    last = place.sentences[-1] if place.sentences else None
    if last is not None and not place.has_links and not ends_with_next_step(last.text):
        found.append((place.file, last.line, f"注意: id「{place.entry_id}」の答えが、次にすることで終わっていません — 最後の文に、どこに電話するか・どこに行くか・何を持っていくか（「…してください」）を書くか、links に公式のページを足してください"))
    if place.updated and place.updated_line and place.updated < review_due_before(today):
        found.append((place.file, place.updated_line, f"注意: id「{place.entry_id}」の updated が {place.updated} で、1年以上前です — 答えが今も正しいか公式のページで確かめて、確かめた日を updated に書いてください"))
    return found


def named_weekdays(answers: list[str]) -> set[str]:
    """The weekdays (月…日) the FAQ names in its answers about the classes."""
    return {day for answer in answers if any(word in answer for word in _ABOUT_CLASSES) for day in _NAMED_WEEKDAY.findall(answer)}


def class_day_warnings(classes: tuple[SmartphoneClass, ...], named: set[str], file: str) -> list[tuple[str, int, str]]:
    """A class on a weekday no answer names. Silent when the FAQ names no weekday at all:
    then it cannot be told whether the date or the FAQ is wrong."""
    if not named:
        return []
    days = "・".join(f"{d}曜日" for d in "月火水木金土日" if d in named)
    return [
        (file, c.line, f"注意: {c.day()}の「{c.title}」は{weekday_name(c.date)}曜日ですが、FAQ の答えには{days}の教室しか書いてありません — 日付を確かめるか、教室の日にちの答えにこの曜日を書いてください")
        for c in classes
        if weekday_name(c.date) not in named
    ]
