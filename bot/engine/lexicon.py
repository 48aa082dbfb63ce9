"""Residents' everyday words, folded onto the words staff write.

A built-in lexicon ships with the package (``bot/engine/data/lexicon.yaml``) so that a town with an
empty ``synonyms.yaml`` still understands なくした as 紛失 and ただ as 無料; the town's own
``faq/synonyms.yaml`` extends it with local words. Both map a canonical word to its variants.

Variants are compared as sequences of analysed words, not as substrings, so マイナ in
マイナポータル is not mistaken for the card, and マイナンバーのカード meets マイナンバーカード.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

import yaml

from .analysis import HOW_LONG, Word, all_lemmas, content_word_count, words
from .textnorm import normalize

_LONGEST_VARIANT = 4


def _data(name: str):
    """One of the shipped YAML files in ``bot/engine/data``, parsed."""
    return yaml.safe_load(resources.files("bot.engine").joinpath(f"data/{name}").read_text(encoding="utf-8"))


def _groups(name: str) -> dict[str, list[str]]:
    """A shipped file of groups: staff word → residents' words."""
    return {str(k): [str(v) for v in vs] for k, vs in _data(name).items()}


@functools.lru_cache(maxsize=1)
def other_service_words() -> list[str]:
    """Words of municipal services outside the digital desk (``bot/engine/data/other_services.yaml``)."""
    return [str(w) for w in _data("other_services.yaml")["words"]]


@functools.lru_cache(maxsize=1)
def related_words() -> dict[str, str]:
    """Residents' words that point to a staff word without meaning it exactly
    (``bot/engine/data/related.yaml``): resident's word → staff word."""
    return {resident: staff for staff, residents in _groups("related.yaml").items() for resident in residents}


def builtin_groups() -> dict[str, list[str]]:
    """The shipped lexicon: canonical word → variants."""
    return _groups("lexicon.yaml")


@functools.lru_cache(maxsize=1)
def kana_stems() -> dict[str, str]:
    """Hiragana verb stems and their kanji, longest first: なくし → 無くし."""
    stems = {str(k): str(v) for k, v in _data("kana_stems.yaml").items()}
    return dict(sorted(stems.items(), key=lambda item: -len(item[0])))


@dataclass
class Lexicon:
    """Sequences of words that stand for one canonical word."""

    sequences: dict[tuple[str, ...], str] = field(default_factory=dict)
    canonicals: set[str] = field(default_factory=set)
    # Dictionary forms that only a variant makes meaningful (ただ, read as a conjunction).
    keep: frozenset[str] = frozenset()
    # The first word of each variant, with the most words of any variant that starts with it.
    starters: dict[str, int] = field(default_factory=dict)
    # Spellings that read as nouns only: only their sound may stand for the word in voice input's kana
    # (a verb's, such as ならう or とれる, hides inside everyday kana: それならうちの).
    noun_spellings: set[str] = field(default_factory=set)
    # Every spelling as written (canonical ones too), for reading voice input: spelling → canonical.
    spellings: dict[str, str] = field(default_factory=dict)
    # A canonical compound's own parts (公金受取口座: 公金, 受取, 口座), so that a folded word
    # still meets an FAQ that names only a part of it, as the word read directly would.
    parts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, *group_maps: dict[str, list[str]]) -> Lexicon:
        lexicon = cls()
        for groups in group_maps:
            for canonical, variants in groups.items():
                lexicon.add(canonical, variants)
        lexicon._close()
        return lexicon

    def _close(self) -> None:
        """Folds compose: when a town folds 携帯電話 → スマホ and the built-in lexicon folds
        ガラケー → 携帯電話, ガラケー reaches スマホ too (a cycle stops where it closes)."""
        by_word = {key[0]: canonical for key, canonical in self.sequences.items() if len(key) == 1}

        def last(canonical: str) -> str:
            seen = {canonical}
            while canonical in by_word and by_word[canonical] not in seen:
                canonical = by_word[canonical]
                seen.add(canonical)
            return canonical

        self.sequences = {key: last(canonical) for key, canonical in self.sequences.items()}
        self.spellings = {spelling: last(canonical) for spelling, canonical in self.spellings.items()}

    def add(self, canonical: str, variants: list[str]) -> None:
        canonical = normalize(canonical)
        self.canonicals.add(canonical)
        for spelling in [canonical, *variants]:
            text = normalize(str(spelling))
            self.spellings[text] = canonical
            read = words(text, self.keep)
            if read and all(w.noun or w.term == HOW_LONG for w in read):
                self.noun_spellings.add(text)
            if text == canonical:
                parts = read[0].parts if len(read) == 1 else tuple(w.term for w in read)
                if len(parts) > 1:
                    self.parts[canonical] = parts
            key = tuple(w.term for w in read)
            if not key:
                # Only a one-word variant may make a function word meaningful: ただ, いつ.
                key = all_lemmas(text)
                if len(key) != 1:
                    continue
                self.keep = self.keep | set(key)
            if key == (canonical,):
                # A canonical word always stands for itself, whatever another group says.
                self.sequences.pop(key, None)
            elif len(key) == 1 and content_word_count(text) > 1:
                # A variant of several words that reads as one of them would fold that word
                # everywhere: 本人以外 is no reason to read every 本人 as 代理, nor 教える会 every 会.
                continue
            elif key and len(key) <= _LONGEST_VARIANT:
                # A town's own word wins over the built-in one: later groups overwrite.
                self.sequences[key] = canonical
                self.starters[key[0]] = max(len(key), self.starters.get(key[0], 0))

    def fold(self, analysed: list[Word]) -> list[Word]:
        """Replace every known variant, longest first, by its canonical word."""
        folded: list[Word] = []
        terms = [w.term for w in analysed]
        i = 0
        while i < len(terms):
            longest = self.starters.get(terms[i])
            if longest is None:
                folded.append(analysed[i])
                i += 1
                continue
            for size in range(min(longest, len(terms) - i), 0, -1):
                canonical = self.sequences.get(tuple(terms[i : i + size]))
                if canonical is not None:
                    folded.append(Word(canonical, self.parts.get(canonical, ()), True))
                    i += size
                    break
            else:
                folded.append(analysed[i])
                i += 1
        return folded
