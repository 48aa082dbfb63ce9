"""What a reply is made of, shared by the FAQ replies, the class replies and the LINE layer."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..content.schedule import SmartphoneClass
from ..engine.matcher import Match


@dataclass(frozen=True)
class ClassOffer:
    """A class shown to a resident: ``seats_left`` is None when it is not booked in LINE."""

    course: SmartphoneClass
    seats_left: int | None
    booking_open: bool


@dataclass(frozen=True)
class Button:
    """A button: ``action`` is ``entry:<id>``, ``category:<file>``, ``menu``, ``contact`` or ``none``."""

    label: str
    action: str


@dataclass(frozen=True)
class Reply:
    status: str
    text: str
    buttons: tuple[Button, ...] = ()
    match: Match | None = field(default=None, compare=False)
    offers: tuple[ClassOffer, ...] = ()
