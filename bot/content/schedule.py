"""The smartphone-class schedule: ``faq/classes.csv`` in the columns of the government's
recommended event-list dataset (推奨データセット「イベント一覧」), so a town's own event open
data can be dropped in. Columns are matched by name, in any order; others are ignored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field

from ..clock import JST, weekday_name
from ..errors import Problem

CLASSES_FILE = "classes.csv"
# A class is booked by its NO: it travels in a button's postback data (class:confirm:<NO>,
# LINE takes 300 characters) and is kept with each booking, so it must stay short and plain.
CLASS_NO_LIMIT = 100
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
REQUIRED_COLUMNS = ("NO", "イベント名", "開始日", "開始時間", "終了時間", "場所名称")
OPTIONAL_COLUMNS = ("住所", "説明", "対象者", "料金(基本)", "定員", "参加申込終了日", "参加申込方法", "連絡先電話番号", "URL", "備考")
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class SmartphoneClass:
    no: str
    title: str
    date: dt.date
    start: dt.time
    end: dt.time
    place: str
    address: str = ""
    description: str = ""
    audience: str = ""
    fee: str = ""
    capacity: int | None = None
    apply_until: dt.date | None = None
    apply_method: str = ""
    phone: str = ""
    url: str = ""
    note: str = ""
    line: int = field(default=0, compare=False)  # where it is in classes.csv, for bot check

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.start, JST)

    @property
    def bookable(self) -> bool:
        """Seats are taken in LINE only when the town gave a capacity."""
        return self.capacity is not None

    def day(self) -> str:
        """「12月5日（土）」"""
        return f"{self.date.month}月{self.date.day}日（{weekday_name(self.date)}）"

    def hours(self) -> str:
        """「10:00〜12:00」"""
        return f"{self.start:%H:%M}〜{self.end:%H:%M}"

    def when(self) -> str:
        """「12月5日（土）10:00〜12:00」"""
        return self.day() + self.hours()

    def booking_open(self, now: dt.datetime) -> bool:
        """Before the class starts and not after its last application day (Japan time)."""
        if now >= self.starts_at:
            return False
        return self.apply_until is None or now.astimezone(JST).date() <= self.apply_until


def _header(name: str) -> str:
    # Excel and open-data portals write 料金（基本） with full-width brackets or add spaces.
    return unicodedata.normalize("NFKC", name).strip()


def _date(text: str) -> dt.date | None:
    match = _DATE.match(text.strip())
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def _time(text: str) -> dt.time | None:
    match = _TIME.match(unicodedata.normalize("NFKC", text).strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        return None
    return dt.time(int(match.group(1)), int(match.group(2)))


def parse_classes(text: str, path: str) -> tuple[list[SmartphoneClass], list[Problem]]:
    """Classes from the CSV text, and every problem as ``classes.csv:line``."""
    problems: list[Problem] = []

    def report(line: int, message: str) -> None:
        problems.append(Problem(path, line, message))

    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        report(1, "1行目に列名がありません — 例: NO,イベント名,開始日,開始時間,終了時間,場所名称,定員")
        return [], problems
    columns = {_header(name): n for n, name in enumerate(rows[0]) if name.strip()}
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        report(1, f"必要な列 {'、'.join(missing)} がありません — 1行目の列名を確かめてください（必要な列: {'、'.join(REQUIRED_COLUMNS)}）")
        return [], problems
    classes: list[SmartphoneClass] = []
    first_line: dict[str, int] = {}
    for line, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        empty = [c for c in REQUIRED_COLUMNS if not cell(c)]
        if empty:
            report(line, f"{'、'.join(empty)} が空です — 教室ごとに {'、'.join(REQUIRED_COLUMNS)} を書いてください")
            continue
        sound = True
        date = _date(cell("開始日"))
        if date is None:
            report(line, f"開始日「{cell('開始日')}」が日付として読めません — 2026-12-05 か 2026/12/05 の形で書いてください")
            sound = False
        start, end = _time(cell("開始時間")), _time(cell("終了時間"))
        for name, value in (("開始時間", start), ("終了時間", end)):
            if value is None:
                report(line, f"{name}「{cell(name)}」が時刻として読めません — 10:00 の形（24時間）で書いてください")
                sound = False
        if start and end and end <= start:
            report(line, f"終了時間 {cell('終了時間')} が開始時間 {cell('開始時間')} より前です — 時刻を確かめてください")
            sound = False
        capacity = None
        if cell("定員"):
            digits = unicodedata.normalize("NFKC", cell("定員")).removesuffix("人").removesuffix("名").strip()
            if digits.isdigit() and int(digits) > 0:
                capacity = int(digits)
            else:
                report(line, f"定員「{cell('定員')}」が数字ではありません — 人数を数字だけで書くか（例: 12）、申し込みを LINE で受けないなら空にしてください")
                sound = False
        apply_until = None
        if cell("参加申込終了日"):
            apply_until = _date(cell("参加申込終了日"))
            if apply_until is None:
                report(line, f"参加申込終了日「{cell('参加申込終了日')}」が日付として読めません — 2026-12-01 の形で書いてください")
                sound = False
        number = cell("NO")
        if len(number) > CLASS_NO_LIMIT:
            report(line, f"NO「{number[:20]}…」が{len(number)}文字あります — LINE のボタンで予約に使うので、{CLASS_NO_LIMIT}文字以内の短い番号にしてください（例: 2026-12-09-01）")
            sound = False
        elif _CONTROL.search(number):
            report(line, "NO に改行などの見えない文字が入っています — 1行の短い番号にしてください（例: 2026-12-09-01）")
            sound = False
        elif number in first_line:
            report(line, f"NO「{number}」は {first_line[number]}行目でも使われています — 教室ごとにちがう番号にしてください（予約がこの番号を使います）")
            sound = False
        else:
            first_line[number] = line
        if not sound:
            continue
        classes.append(SmartphoneClass(
            no=number, title=cell("イベント名"), date=date, start=start, end=end, place=cell("場所名称"),
            address=cell("住所"), description=cell("説明"), audience=cell("対象者"), fee=cell("料金(基本)"),
            capacity=capacity, apply_until=apply_until, apply_method=cell("参加申込方法"),
            phone=cell("連絡先電話番号"), url=cell("URL"), note=cell("備考"), line=line,
        ))
    classes.sort(key=lambda c: (c.starts_at, c.no))
    return classes, problems


def upcoming(classes: tuple[SmartphoneClass, ...] | list[SmartphoneClass], now: dt.datetime) -> list[SmartphoneClass]:
    """Classes that have not started yet, soonest first."""
    return [c for c in classes if c.starts_at > now]
