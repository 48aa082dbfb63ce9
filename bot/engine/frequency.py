"""How common a word is in Japanese at large, as a Zipf value (log10 of uses per billion words).

A resident's word the FAQ never uses tells the matcher little when it is everyday Japanese
(大丈夫, 財布) and much when it is rare (老眼, 粗大ごみ); and only a word that is rare in
general can be a misspelling worth correcting (住民表 is, 取る is not). The table is cut from
wordfreq's Japanese list (CC BY-SA 4.0) by ``tools/make_word_frequencies.py``.
"""

from __future__ import annotations

import functools
import gzip
import math
from importlib import resources

# What the table says of a word it does not hold: rarer than anything in it (it stops at 2.0).
UNLISTED_ZIPF = 1.5


@functools.lru_cache(maxsize=1)
def _table() -> dict[str, float]:
    raw = resources.files("bot.engine").joinpath("data/ja_word_frequency.tsv.gz").read_bytes()
    table: dict[str, float] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if line and not line.startswith("#"):
            word, _, zipf = line.partition("\t")
            table[word] = float(zipf)
    return table


def zipf(word: str) -> float:
    """How common ``word`` is: about 7 for particles, 5 for everyday words, under 3 for rare ones.

    >>> zipf("取る") > zipf("撮る") > 3.0 > zipf("住民表")
    True
    """
    return _table().get(word, UNLISTED_ZIPF)


def estimate(forms: tuple[str, ...], pieces: tuple[str, ...] = ()) -> float:
    """How common a word is, from any of its spellings (Sudachi's normalised form 今迄, its
    dictionary form 今まで, what was typed), or else from its pieces.

    wordfreq's list was cut by a finer analyser, so it lacks compounds (老人ホーム, 住所変更):
    their frequency is estimated from the pieces as wordfreq itself does for a phrase,
    1 / f = Σ 1 / f_piece, which sits a little under the rarest piece.

    >>> estimate(("老人ホーム",), ("老人", "ホーム")) > 3.0 > zipf("老人ホーム")
    True
    """
    table = _table()
    listed = [table[f] for f in forms if f in table]
    if listed:
        return max(listed)
    if len(pieces) < 2:
        return UNLISTED_ZIPF
    return -math.log10(sum(10 ** -table.get(p, UNLISTED_ZIPF) for p in pieces))
