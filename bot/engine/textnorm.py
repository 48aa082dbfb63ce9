"""Character-level normalisation of what residents type.

Residents write with half-width kana from old phones, full-width digits, voice-input hiragana
and odd dashes for the long vowel. Everything downstream sees one canonical spelling, so the
same question typed two ways is the same question.
"""

from __future__ import annotations

import re
import unicodedata

_DASHES_AFTER_KANA = re.compile(r"(?<=[\u3041-\u309f\u30a1-\u30fa])[-‐‑‒–—―−ｰ～〜~]")
_SPACES = re.compile(r"[\s\u3000]+")
_REPEATED_MARKS = re.compile(r"([!?！？。、…・wｗ])\1+")
_SMALL_TO_LARGE = str.maketrans("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ", "あいうえおつやゆよわアイウエオツヤユヨワ")


def normalize(text: str) -> str:
    """Fold width, case and long-vowel variants; keep the words themselves.

    >>> normalize("ﾏｲﾅﾝﾊﾞｰｶ-ﾄﾞ　ＡＢＣ１２３")
    'マイナンバーカード abc123'
    """
    text = unicodedata.normalize("NFKC", text)
    text = _DASHES_AFTER_KANA.sub("ー", text)
    text = text.lower()
    text = _REPEATED_MARKS.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


_KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}


def to_hiragana(text: str) -> str:
    """Katakana to hiragana, so that a reading compares with voice input."""
    return text.translate(_KATAKANA_TO_HIRAGANA)


_HIRAGANA_TO_KATAKANA = {code: code + 0x60 for code in range(ord("ぁ"), ord("ゖ") + 1)}


def to_katakana(text: str) -> str:
    """Hiragana to katakana: how a loanword typed in hiragana is written."""
    return text.translate(_HIRAGANA_TO_KATAKANA)


def fold_reading(reading: str) -> str:
    """A reading with small kana made large and long-vowel marks dropped.

    Voice input and hurried typing disagree on ぁ/あ and ー; readings compared after this
    fold still meet.
    """
    return to_hiragana(reading).translate(_SMALL_TO_LARGE).replace("ー", "")


_VOICED_TO_PLAIN = str.maketrans("がぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽゔ", "かきくけこさしすせそたちつてとはひふへほはひふへほう")


def unvoiced(reading: str) -> str:
    """A hiragana reading with its dakuten and handakuten dropped: on a phone's flick keyboard
    ゛ is a key of its own, and the commonest slip is to miss it (マイナンバーカート).

    >>> unvoiced("まいなんばーかーど")
    'まいなんはーかーと'
    """
    return reading.translate(_VOICED_TO_PLAIN)


def is_hiragana(char: str) -> bool:
    return "\u3041" <= char <= "\u309f" or char == "ー"


_KANJI = re.compile(r"[\u4e00-\u9fff]")


def has_kanji(text: str) -> bool:
    return _KANJI.search(text) is not None
