"""Japan time: the one time zone and the weekday names the bot reads and writes.

Residents and staff mean Japan time whatever the server's clock says, so every date the bot
shows or compares is taken here.
"""

from __future__ import annotations

import datetime as dt

JST = dt.timezone(dt.timedelta(hours=9))
# Monday first, as ``date.weekday()`` counts.
WEEKDAYS = "月火水木金土日"
WEEKDAY_READINGS = ("げつよう", "かよう", "すいよう", "もくよう", "きんよう", "どよう", "にちよう")


def now() -> dt.datetime:
    """The current moment in Japan time."""
    return dt.datetime.now(JST)


def weekday_name(day: dt.date) -> str:
    """The one-letter weekday of ``day``.

    >>> weekday_name(dt.date(2026, 12, 5))
    '土'
    """
    return WEEKDAYS[day.weekday()]
