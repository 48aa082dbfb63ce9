"""Who booked a class, for the desk: booking number, time and a short participant number,
never a LINE id. ``bot classes roster`` and the console's roster page and download share it."""

from __future__ import annotations

import datetime as dt

from ..clock import JST
from ..content.schedule import SmartphoneClass
from ..storage import Booking
from .csv_export import excel_csv

HEADER = ["受付番号", "申し込み日時", "参加者番号"]


def roster_rows(bookings: list[Booking]) -> list[list[str]]:
    """The header and one row per booking; the participant number is the start of the resident hash."""
    rows = [HEADER]
    for booking in bookings:
        booked = dt.datetime.fromtimestamp(booking.booked_at, JST).strftime("%Y-%m-%d %H:%M")
        rows.append([str(booking.id), booked, booking.resident[:8]])
    return rows


def roster_csv(course: SmartphoneClass, rows: list[list[str]]) -> bytes:
    """The roster for Excel, with the class on every row, so a printed or merged list still says
    which class it is."""
    named = [rows[0] + ["教室"]] + [row + [f"{course.title} {course.when()}"] for row in rows[1:]]
    return excel_csv(named)
