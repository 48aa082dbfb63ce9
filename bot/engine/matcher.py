"""Finding the FAQ entry a resident means. Pure functions over the loaded FAQ: no Flask here.

How a question is read:
1. characters are folded (half-width kana, full-width digits, odd long-vowel dashes);
2. runs of hiragana typed by voice are read against the readings of the FAQ's own words,
   so まいなんばーかーど finds マイナンバーカード and じゅうみんひょう finds 住民票;
3. SudachiPy gives each word its dictionary form; particles, endings and polite wrappers drop;
4. the lexicon folds residents' words onto staff words (落とした → 紛失, ただ → 無料);
5. a word the FAQ never uses is corrected to one it does when they sound alike (住民表 → 住民票).

How an entry is scored (0–100): how much of what the resident said the entry covers, each
word weighted by how rare it is in the FAQ (a word the FAQ never uses weighs most, so
パスポートの申請 does not pass for マイナンバーカードの申請), blended with how much of the
entry's closest phrasing the resident said. A long message is also scored sentence by
sentence, so greetings and stories around the question do not drown it.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from .analysis import Word, reading, words
from ..content.faq import Entry, Faq
from .lexicon import Lexicon, builtin_groups, kana_stems, other_service_words
from .smalltalk import smalltalk_kind
from .textnorm import fold_reading, is_hiragana, normalize, to_hiragana

ANSWER_THRESHOLD = 65.0
CHOICES_THRESHOLD = 50.0
ANSWER_MARGIN = 5.0
CLEAR_LEAD_THRESHOLD = 50.0
CLEAR_LEAD_MARGIN = 15.0
MAX_CANDIDATES = 5
MAX_CHOICES = 4
MAX_QUERY_CHARS = 600
# An answer's opening says what it is about; indexing the rest of a long answer costs load
# time (LocalgovFAQ) and adds only words worth half credit.
ANSWER_INDEX_CHARS = 300
_PARALLEL_FROM = 200  # entries; below that, starting threads costs more than it saves
MAX_SENTENCES = 8

_ANSWER_FIELD_CREDIT = 0.5
_PART_CREDIT = 0.8
_AS_PART_CREDIT = 0.6
# (postings, credit): a word found whole in the phrasings counts fully, in the answer half;
# a word found only inside a compound counts a little less.
_WHOLE_FIELDS = (("answer_part", _ANSWER_FIELD_CREDIT * _AS_PART_CREDIT), ("answer", _ANSWER_FIELD_CREDIT), ("question_part", _AS_PART_CREDIT), ("question", 1.0))
_PART_FIELDS = (("question", 1.0), ("question_part", 1.0))
_QUERY_SIDE = 0.7
# A word the FAQ never uses weighs a little more than its rarest word: it may be the topic
# (パスポート) or only the resident's situation (入院中, 財布ごと). Another counter's word
# (bot/engine/data/other_services.yaml) is almost surely the topic and weighs far more.
_UNSEEN_BOOST = 1.1
_FOREIGN_BOOST = 2.5
# A word that says what kind of question it is, not what it is about: 「ハローワークの場所」
# must not be taken for the class venue because both ask 場所. (日程 and 費用 were tried too:
# no better on the dev set, and worse on LocalgovFAQ, where they are often the topic.)
_KIND_WORDS = frozenset({"場所"})
_KIND_WEIGHT = 0.7
# Close calls between plausible answers (within 10 points of a leader of 50 or more): up to 5
# points off an entry whose phrasings read unlike the message, letter by letter.
_TIE_PENALTY = 5.0
# Caches of what residents' unknown words mean; cleared when full, words are endless.
_CORRECTIONS_KEPT = 20000
_TIE_RANGE = 10.0
_TIE_MIN = 50.0
_SENTENCE_FLOOR = 0.6
_SPOT_MIN = 3
_SHORTLIST = 60
_SPOT_MAX = 14
_SENTENCE_END = re.compile(r"[。！？!?\n]+|(?<=[ねよわ])[、,]")
_URL = re.compile(r"https?://\S+")
_HALF_WIDTH_KANA = re.compile(r"[\uff66-\uff9f]")
_KANJI_OR_HIRAGANA = re.compile(r"[\u3041-\u309f\u4e00-\u9fff]")


@dataclass(frozen=True)
class Candidate:
    id: str
    question: str
    score: float


@dataclass(frozen=True)
class Match:
    """What the matcher decided: ``answer`` (``id`` set), ``choices`` or ``none``."""

    query: str
    status: str
    id: str | None
    score: float
    candidates: tuple[Candidate, ...]
    smalltalk: str | None = None


@dataclass
class _Phrasing:
    """One way the entry is asked (question or alternate), as weighted words."""

    words: list[Word]
    weights: list[float] = field(default_factory=list)
    total: float = 0.0
    sound: str = ""


@dataclass
class _IndexedEntry:
    entry: Entry
    question_terms: set[str] = field(default_factory=set)
    question_parts: set[str] = field(default_factory=set)
    answer_terms: set[str] = field(default_factory=set)
    answer_parts: set[str] = field(default_factory=set)
    phrasings: list[_Phrasing] = field(default_factory=list)


class Matcher:
    """An index over one FAQ; build once per load, then call :meth:`match` per question."""

    def __init__(self, faq: Faq):
        self.faq = faq
        self.lexicon = Lexicon.build(builtin_groups(), faq.synonyms)
        self.entries: list[_IndexedEntry] = []
        # word → entries, by where the entry has it: as a whole word or as part of a compound,
        # in its phrasings (question, alternates, label, keywords) or only in its answer.
        self.postings: dict[str, dict[str, list[int]]] = {
            key: defaultdict(list) for key in ("question", "question_part", "answer", "answer_part")
        }
        entries = faq.entries
        for entry, answer_words in zip(entries, self._analyse_answers(entries)):
            self._add(entry, answer_words)
        count = len(self.entries)
        holders: dict[str, set[int]] = defaultdict(set)
        for postings in self.postings.values():
            for term, numbers in postings.items():
                holders[term].update(numbers)
        self._idf = {t: math.log((count + 1) / (len(numbers) + 0.5)) + 0.1 for t, numbers in holders.items()}
        for term in _KIND_WORDS & set(self._idf):
            self._idf[term] *= _KIND_WEIGHT
        self._unseen_idf = math.log((count + 1) / 0.5) + 0.1
        # Another counter's words (運転免許, 保育園 …) that this FAQ never uses.
        self._foreign = {w.term for word in other_service_words() for w in self.analyse(word)} - set(holders)
        self._unseen_weights: dict[str, float] = {}
        for indexed in self.entries:
            for phrasing in indexed.phrasings:
                phrasing.weights = [self._weight(w.term) for w in phrasing.words]
                phrasing.total = sum(phrasing.weights)
        self._learn_readings()

    # -- building -------------------------------------------------------------------------
    def analyse(self, text: str) -> list[Word]:
        return self.lexicon.fold(words(text, self.lexicon.keep))

    def _analyse_answers(self, entries: list[Entry]) -> list[list[Word]]:
        """The answers' words, read in two threads for a large FAQ: the analyser releases the
        GIL, so a second core shortens the load (LocalgovFAQ: about a third)."""
        texts = [normalize(_URL.sub(" ", e.answer)[:ANSWER_INDEX_CHARS]) for e in entries]
        if len(texts) < _PARALLEL_FROM:
            return [self.analyse(t) for t in texts]
        with ThreadPoolExecutor(2, thread_name_prefix="faq-load") as pool:
            return list(pool.map(self.analyse, texts, chunksize=64))

    def _add(self, entry: Entry, answer_words: list[Word]) -> None:
        indexed = _IndexedEntry(entry)
        question_words: list[Word] = []
        for text in (entry.question, *entry.alternates):
            phrasing = self.analyse(normalize(text))
            if phrasing:
                indexed.phrasings.append(_Phrasing(phrasing, sound=_sound(text)))
            question_words.extend(phrasing)
        for text in (entry.label, *entry.keywords):
            question_words.extend(self.analyse(normalize(text)))
        indexed.question_terms, indexed.question_parts = _terms(question_words)
        answer_terms, answer_parts = _terms(answer_words)
        indexed.answer_terms = answer_terms - indexed.question_terms
        indexed.answer_parts = answer_parts - indexed.question_terms - indexed.question_parts
        number = len(self.entries)
        self.entries.append(indexed)
        for key, terms in (
            ("question", indexed.question_terms),
            ("question_part", indexed.question_parts),
            ("answer", indexed.answer_terms),
            ("answer_part", indexed.answer_parts),
        ):
            for term in terms:
                self.postings[key][term].append(number)

    def _known(self, term: str) -> bool:
        return term in self._idf

    def _learn_readings(self) -> None:
        """Readings of the FAQ's words: for voice-input hiragana and for misspelt words."""
        self._term_by_reading: dict[str, str] = {}
        self._noun_by_reading: dict[str, str] = {}
        nouns: set[str] = set(self.lexicon.canonicals)
        for indexed in self.entries:
            for phrasing in indexed.phrasings:
                nouns.update(w.term for w in phrasing.words if w.noun)
        # Frequent words win a shared reading: 交付 before 公布.
        for term in sorted(self._idf, key=lambda t: (self._idf[t], t)):
            sound = fold_reading(reading(term))
            if len(sound) >= 2:
                self._term_by_reading.setdefault(sound, term)
                if term in nouns and len(sound) >= _SPOT_MIN:
                    self._noun_by_reading.setdefault(sound, term)
        for spelling, canonical in self.lexicon.spellings.items():
            sound = fold_reading(reading(spelling))
            if len(sound) >= _SPOT_MIN:
                self._noun_by_reading.setdefault(sound, canonical)
        self._readings = list(self._term_by_reading)
        # The same unknown word comes back (every sentence of a long message, every resident).
        self._corrections: dict[str, str | None] = {}

    # -- reading a question ---------------------------------------------------------------
    def _spot_kana(self, text: str) -> str:
        """Write hiragana runs that sound like FAQ words with those words."""
        out: list[str] = []
        i = 0
        while i < len(text):
            if not is_hiragana(text[i]):
                out.append(text[i])
                i += 1
                continue
            j = i
            while j < len(text) and is_hiragana(text[j]):
                j += 1
            out.append(self._spot_run(text[i:j]))
            i = j
        return "".join(out)

    def _spot_run(self, run: str) -> str:
        if len(run) < _SPOT_MIN:
            return run
        out: list[str] = []
        i = 0
        while i < len(run):
            stem = next((s for s in kana_stems() if run.startswith(s, i)), None)
            if stem is not None:
                out.append(kana_stems()[stem])
                i += len(stem)
                continue
            for end in range(min(len(run), i + _SPOT_MAX), i + _SPOT_MIN - 1, -1):
                term = self._noun_by_reading.get(fold_reading(run[i:end]))
                if term is not None and len(fold_reading(run[i:end])) >= _SPOT_MIN:
                    out.append(term)
                    i = end
                    break
            else:
                out.append(run[i])
                i += 1
        return "".join(out)

    def _correct(self, word: Word) -> Word:
        """A word the FAQ never uses, replaced by an FAQ word that sounds (almost) the same."""
        if self._known(word.term) or any(self._known(p) for p in word.parts):
            return word
        if word.term in self._corrections:
            term = self._corrections[word.term]
        else:
            sound = fold_reading(reading(word.term))
            term = self._term_by_reading.get(sound)
            if term is None and len(sound) >= 4 and self._readings:
                best = process.extractOne(sound, self._readings, scorer=fuzz.ratio, score_cutoff=84)
                if best is not None:
                    term = self._term_by_reading[best[0]]
            if len(self._corrections) >= _CORRECTIONS_KEPT:  # residents' words are endless: keep it bounded
                self._corrections.clear()
            self._corrections[word.term] = term
        return Word(term, (), word.noun) if term else word

    def read_question(self, text: str) -> list[Word]:
        return [self._correct(w) for w in self.analyse(self._spot_kana(text))]

    # -- scoring --------------------------------------------------------------------------
    def _weight(self, term: str) -> float:
        weight = self._idf.get(term)
        if weight is not None:
            return weight
        weight = self._unseen_weights.get(term)
        if weight is None:
            # 運転免許証 is another counter's word because it holds 運転免許 (a kana word like
            # がん is matched whole only: it hides inside too many other words).
            foreign = term in self._foreign or any(
                word in term for word in self._foreign if len(word) > 1 and not all(is_hiragana(c) for c in word)
            )
            weight = self._unseen_idf * (_FOREIGN_BOOST if foreign else _UNSEEN_BOOST)
            if len(self._unseen_weights) >= _CORRECTIONS_KEPT:
                self._unseen_weights.clear()
            self._unseen_weights[term] = weight
        return weight

    def _word_credit(self, word: Word) -> dict[int, float]:
        """How well each entry covers one word of the question, 0 to 1."""
        credit: dict[int, float] = defaultdict(float)
        if word.parts:
            weights = [self._weight(p) for p in word.parts]
            total = sum(weights)
            for field_name, scale in _PART_FIELDS:
                for part, weight in zip(word.parts, weights):
                    for number in self.postings[field_name].get(part, ()):
                        credit[number] = max(credit[number], 0.0) + scale * _PART_CREDIT * weight / total
        for field_name, value in _WHOLE_FIELDS:
            for number in self.postings[field_name].get(word.term, ()):
                credit[number] = max(credit[number], value)
        return credit

    def _covered(self, word: Word, terms: set[str], parts: set[str]) -> float:
        if word.term in terms:
            return 1.0
        best = _AS_PART_CREDIT if word.term in parts else 0.0
        if word.parts:
            weights = [self._weight(p) for p in word.parts]
            found = sum(w for p, w in zip(word.parts, weights) if p in terms or p in parts)
            best = max(best, _PART_CREDIT * found / sum(weights))
        return best

    def _score_all(self, question: list[Word]) -> dict[int, float]:
        if not question:
            return {}
        asked, asked_parts = _terms(question)
        weights = [self._weight(w.term) for w in question]
        total = sum(weights)
        said: dict[int, float] = defaultdict(float)
        for word, weight in zip(question, weights):
            for number, credit in self._word_credit(word).items():
                said[number] += weight * min(credit, 1.0) / total
        # Only entries that could still reach the top need the costlier phrasing check.
        shortlist = sorted(said, key=said.__getitem__, reverse=True)[:_SHORTLIST]
        scores = {}
        for number in shortlist:
            meant = max((self._phrasing_covered(p, asked, asked_parts) for p in self.entries[number].phrasings), default=0.0)
            scores[number] = 100.0 * (_QUERY_SIDE * said[number] + (1 - _QUERY_SIDE) * meant)
        return scores

    def _phrasing_covered(self, phrasing: _Phrasing, asked: set[str], asked_parts: set[str]) -> float:
        if not phrasing.total:
            return 0.0
        return sum(w * self._covered(word, asked, asked_parts) for word, w in zip(phrasing.words, phrasing.weights)) / phrasing.total

    def rank(self, text: str, limit: int = MAX_CANDIDATES) -> list[tuple[Entry, float]]:
        """Entries best first with their scores; a long message is also read sentence by sentence."""
        typed = text
        text = normalize(text)[:MAX_QUERY_CHARS]
        if _HALF_WIDTH_KANA.search(typed) and not _KANJI_OR_HIRAGANA.search(text):
            # An old phone's half-width katakana spells every word, verbs too: read it as kana.
            text = to_hiragana(text)
        whole = self.read_question(text)
        best = self._score_all(whole)
        sentences = [s for s in _SENTENCE_END.split(text) if s.strip() and s.strip() != text][:MAX_SENTENCES]
        if len(sentences) > 1:
            whole_weight = sum(self._weight(w.term) for w in whole) or 1.0
            for sentence in sentences:
                question = self.read_question(sentence)
                # A sentence that carries little of the message cannot outbid the message:
                # 「使えるようにしたいです」 alone matches too much.
                share = sum(self._weight(w.term) for w in question) / whole_weight
                factor = _SENTENCE_FLOOR + (1 - _SENTENCE_FLOOR) * min(1.0, share)
                for number, score in self._score_all(question).items():
                    best[number] = max(best.get(number, 0.0), score * factor)
        ordered = self._break_ties(sorted(best.items(), key=lambda item: (-item[1], item[0])), typed)[:limit]
        return [(self.entries[n].entry, round(s, 1)) for n, s in ordered]

    def _break_ties(self, ordered: list[tuple[int, float]], typed: str) -> list[tuple[int, float]]:
        """Close calls: the entry whose phrasing reads most like the message goes first.

        Near-duplicate entries (カードの更新 / 電子証明書の更新) share their words; how the
        resident put it, letter by letter, tells them apart.
        """
        if not ordered or ordered[0][1] < _TIE_MIN:
            return ordered
        lead = ordered[0][1]
        close = [(n, s) for n, s in ordered[:6] if lead - s < _TIE_RANGE]
        if len(close) < 2:
            return ordered
        sound = _sound(typed[:MAX_QUERY_CHARS])
        rescored = []
        for number, score in close:
            alike = max((fuzz.ratio(sound, p.sound) for p in self.entries[number].phrasings), default=0.0)
            # A penalty, not a bonus: scores stay within 0–100 and two entries at 100 still part.
            rescored.append((number, score - _TIE_PENALTY * (1 - alike / 100)))
        return sorted(rescored, key=lambda item: (-item[1], item[0])) + ordered[len(close):]

    def match(self, text: str) -> Match:
        """Decide between one answer, a few choices and none."""
        query = text
        kind = smalltalk_kind(normalize(text))
        ranked = self.rank(text)
        candidates = tuple(Candidate(e.id, e.question, s) for e, s in ranked)
        top = candidates[0].score if candidates else 0.0
        if kind is not None:
            return Match(query, "none", None, top, candidates, smalltalk=kind)
        runner_up = candidates[1].score if len(candidates) > 1 else 0.0
        confident = top >= ANSWER_THRESHOLD and (top - runner_up >= ANSWER_MARGIN or runner_up < CHOICES_THRESHOLD)
        # A lower score still answers when nothing else comes near it.
        clear_lead = top >= CLEAR_LEAD_THRESHOLD and top - runner_up >= CLEAR_LEAD_MARGIN
        if confident or clear_lead:
            return Match(query, "answer", candidates[0].id, top, candidates)
        if top >= CHOICES_THRESHOLD:
            return Match(query, "choices", None, top, candidates)
        return Match(query, "none", None, top, candidates)

    def choices(self, match: Match) -> list[Candidate]:
        """The candidates worth a button: close enough to the best one."""
        return [c for c in match.candidates[:MAX_CHOICES] if c.score >= max(CHOICES_THRESHOLD, match.score - 20)]


def _sound(text: str) -> str:
    return to_hiragana(normalize(text)).replace(" ", "")


def _terms(analysed: list[Word]) -> tuple[set[str], set[str]]:
    """Whole words, and the parts of compounds that are not also whole words."""
    whole = {w.term for w in analysed}
    parts = {p for w in analysed for p in w.parts} - whole
    return whole, parts
