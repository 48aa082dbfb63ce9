"""Keeping residents' numbers out of the database and the logs.

Residents sometimes type their My Number, a phone number, an e-mail address or their PIN
into the chat. Before a question is stored, logged or even matched, these are masked. A
message that holds a My Number is not kept at all; the resident is asked not to send it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

MY_NUMBER_MASK = "[マイナンバー]"
PHONE_MASK = "[電話番号]"
EMAIL_MASK = "[メール]"
PIN_MASK = "[暗証番号]"

# Residents separate digit groups with spaces, hyphens, dashes or even a long-vowel mark.
_SEP = r"[\s\-‐‑‒–—―−ーｰ･・.]"
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_MY_NUMBER = re.compile(rf"(?<!\d)(?:\d{_SEP}?){{11}}\d(?!\d)")
_PHONE_CANDIDATE = re.compile(rf"(?<!\d)0(?:[\d()（）]{_SEP}?){{8,13}}(?<=\d)(?!\d)")
_PIN_WORDS = r"(?:暗証番号|暗唱番号|暗証|あんしょうばんごう|あんしょう番号|パスワード|ぱすわーど|PIN|ピン番号|pin)"
_PIN_AFTER_WORD = re.compile(rf"({_PIN_WORDS}[^\dA-Za-z]{{0,12}})((?<![\dA-Za-z])(?=[A-Za-z]*\d)[A-Za-z0-9]{{4,16}}(?![\dA-Za-z]))")
# "4321が暗証番号" but not "2026年の暗証番号": only particles may stand between.
_PIN_BEFORE_WORD = re.compile(rf"(?<!\d)(\d{{4}})(?!\d)([\s、,]*(?:が|は|って|という|の)?[\s、,]*{_PIN_WORDS})")
_INTERNATIONAL_PHONE = re.compile(rf"\+81{_SEP}?(?:[\d()（）]{_SEP}?){{8,11}}(?<=\d)(?!\d)")


def _normal(text: str) -> str:
    # Full-width digits and letters (ＮＦＫＣ) become ASCII, so one pattern serves both.
    return unicodedata.normalize("NFKC", text)


def contains_my_number(text: str) -> bool:
    """True when ``text`` holds 12 digits in a row (spaces or hyphens allowed between them)."""
    text = _INTERNATIONAL_PHONE.sub(PHONE_MASK, _EMAIL.sub(EMAIL_MASK, _normal(text)))
    return _MY_NUMBER.search(text) is not None


def _mask_phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    return PHONE_MASK if 10 <= len(digits) <= 11 else match.group()


def redact(text: str) -> str:
    """``text`` (NFKC-normalised) with My Numbers, phone numbers, e-mails and PINs masked."""
    text = _normal(text)
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _INTERNATIONAL_PHONE.sub(PHONE_MASK, text)  # +81 and 10 digits would pass for 12
    text = _MY_NUMBER.sub(MY_NUMBER_MASK, text)
    text = _PIN_AFTER_WORD.sub(lambda m: m.group(1) + PIN_MASK, text)
    text = _PIN_BEFORE_WORD.sub(lambda m: PIN_MASK + m.group(2), text)
    return _PHONE_CANDIDATE.sub(_mask_phone, text)


def resident_key(user_id: str, secret_key: bytes) -> str:
    """A pseudonym for a LINE user id: the same resident gets the same key, which cannot be reversed."""
    return hmac.new(secret_key, user_id.encode(), hashlib.sha256).hexdigest()[:32]
