"""Words of a Japanese sentence, as the matcher compares them.

SudachiPy splits the sentence and gives each word its dictionary form (失くし, なくし and 無くし
all become one word) and its reading, which lets hiragana typed by voice meet the kanji staff
wrote. Only words that carry meaning are kept: particles, endings and the polite wrappers that
residents put around a question (すみません, 教えてください) say nothing about the topic.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Sequence
from typing import NamedTuple

from sudachipy import Dictionary, Morpheme, SplitMode

from .frequency import UNLISTED_ZIPF, estimate
from .textnorm import has_kanji, is_hiragana, to_hiragana

_CONTENT_POS = {"名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "接尾辞", "感動詞", "代名詞"}

# Words that appear in any question and so point to none: requests, politeness, vague verbs,
# question words and dialect endings. Kept small on purpose: every word here is one the matcher
# can never use.
STOP_WORDS = frozenset(
    """
    為る 有る ある 居る いる おる 成る なる 出来る できる 無い ない 良い いい よい 言う 思う 知る
    欲しい ほしい 教える 下さる くださる 願う お願い 頂く いただく 貰う もらう 呉れる くれる 仕舞う しまう ちゃう
    済む すむ 御座る 致す いたす 申す 聞く 尋ねる 伺う 分かる わかる 見る みる 行く くる 来る 置く
    良う よう 様 さま さん 方 かた 事 こと 物 もの 所 ところ 時 とき 為 ため 筈 はず 訳 わけ 積もり
    此れ これ 其れ それ 彼 あれ 何 なに なん 何処 どこ 何時 いつ どう 如何 どんな どの どれ 何故 なぜ
    如何して どうして 何で なんで 私 わたし 僕 俺 自分 うち 皆 今 いま 此の この 其の その
    ちょっと 一寸 少し 一寸 ちょい 又 また 矢張り やっぱり 本当 ほんと 未だ まだ 若し もし 一体
    質問 方法 仕方 やり方 やりかた 手順 場合 感じ 状態 是非 ぜひ 宜しい よろしい 宜しく よろしく
    すみません 済みません 有り難い ありがとう 今日は こんにちは 御免 ごめん 失礼 どうも 全然 とても
    関する 付く つく 就く 於く 依る よる 対する 付き 以外 以上 以下 可能 必要 為す
    遣る やる 御座います 為さる なさる 下さい ください 頂ける 出す そう 然う みたい らしい っぽい ぽい
    ね よ な わ ぞ ぜ さ の ん じゃ や やん へん ねん けん ばい たい げな っす
    お早う おはよう おはようございます 今晩は こんばんは 初めまして はじめまして 世話 お世話 失礼します
    昨日 今日 明日 一昨日 今朝 先日 先週 今週 来週 先月 昨年 去年 今年 来年 最近 毎日 この間 さっき
    どげん どがん なじょ なんぼう 奴 やつ 本真 ほんま ええ わし おら 己 おれ うち っぺ だべ べ きゃあ
    i me my mine we our us you your he his she her it its they their them is am are was were be been
    the a an to for of in on at by with from and or but not do does did done can could will would
    should may might must shall please how what why which who whom this that these those there here
    have has had get got go goes going went want need know tell about some any so very just thank
    thanks hello hi sorry excuse yes no ok okay
    """.split()
)

_INFLECTING_POS = {"動詞", "形容詞", "名詞"}
# 「使えない」「届かない」「ログインできない」: a negated verb is how residents say something went
# wrong, and it is the word that tells 「使いたい」 from 「使えなかった」. It is kept as a word of
# its own, so the verb itself still meets the staff's 使う.
NEGATED = "(ない)"
_NEGATIONS = frozenset({"ない", "ず", "ぬ", "ん"})
# Negating an empty verb says no more than the verb (すみません, ならない, わからない), except
# できない, the commonest way to say something does not work.
_NOT_TROUBLE = (STOP_WORDS - {"出来る", "できる"}) | {"要る", "構う"}
# 「持っていない」「届いていない」: the negation belongs to the verb before て, not to いる, or
# 持っていなくても reads as 持っていくもの. Measured: kaede right 66.1 → 66.4%, off-topic refused
# 90.0 → 91.7%; hinode 55.4 → 55.0% right, wrong 2.1 → 1.7%; minato 60.0 → 60.4%; the shipped
# FAQ 93.2 → 92.9% (ガラケーしかない no longer meets スマホを持っていなくても in full).
_TE = frozenset({"て", "で"})
# 「カードをもらう」 is receiving it; 「教えてもらう」 is only asking a favour.
_MAIN_VERB_ONLY = frozenset({"貰う"})
# 「どれくらい」「どのぐらい」 ask how long (or how much): the question words that tell 「申請の
# 期間」 from 「申請の方法」, which are otherwise made of the same words.
HOW_LONG = "(どれくらい)"
# Units that 何 (なん) turns into a question of how long; 時 and 分 ask what time instead.
_DURATION_UNITS = {"日": "日", "にち": "日", "日間": "日間", "週間": "週間", "しゅうかん": "週間", "箇月": "箇月",
                   "かげつ": "箇月", "年": "年", "年間": "年間", "時間": "時間", "じかん": "時間"}
_HOW_LONG_WORDS = frozenset({"何日", "何日間", "何週間", "何年間", "何時間"})
_ASCII_WORD = re.compile(r"^[a-z0-9][a-z0-9.+-]*$")
# A word typed in hiragana that the analyser wrote in kanji is its guess (なんかい → 難解,
# こちら → 此方, いつごろ → いつ頃): it is not rarer than everyday Japanese (Zipf 5), however rare
# the guessed kanji, or a misread word outweighs what the resident asked. Right answers: kaede
# 58.6 → 58.9%, tests/data/hinode 40.0 → 40.8%, long set on the shipped FAQ 26.4 → 27.6%; nothing
# lost anywhere (Zipf 6: the shipped FAQ answers いつごろ wrongly).
KANA_GUESS_ZIPF = 5.0


class Word(NamedTuple):
    """One meaningful word: its dictionary form and, for a compound, its finer parts."""

    term: str
    parts: tuple[str, ...] = ()
    noun: bool = False
    # Sudachi's synonym groups of the word (紛失・無くす・失くす share one), from its dictionary.
    groups: tuple[int, ...] = ()
    # How common the word is in Japanese at large (frequency.estimate), for a word the FAQ
    # never uses; a folded or corrected word is the FAQ's own and never needs it.
    common: float = UNLISTED_ZIPF
    # An adverb (ちゃんと, もう, 直ぐ) says how or how much, seldom what the question is about.
    adverb: bool = False


@functools.lru_cache(maxsize=1)
def _dictionary() -> Dictionary:
    return Dictionary(dict="core")


_per_thread = threading.local()


def _tokenizer():
    # A Sudachi tokenizer refuses concurrent use; the server answers in several threads.
    tokenizer = getattr(_per_thread, "tokenizer", None)
    if tokenizer is None:
        tokenizer = _dictionary().tokenizer(mode=SplitMode.C, fields={"pos", "normalized_form", "dictionary_form", "split_a", "reading_form", "synonym_group_ids"})
        _per_thread.tokenizer = tokenizer
    return tokenizer


@functools.cache
def _parts_of_speech() -> tuple[tuple[str, ...], ...]:
    """Every part of speech in the dictionary, by its id, read from it once."""
    found = []
    while (pos := _dictionary().pos_of(len(found))) is not None:
        found.append(tuple(pos))
    return tuple(found)


@functools.cache
def _major_pos_by_id() -> tuple[str, ...]:
    """Every part of speech's first level, by its id: read once per morpheme of every FAQ
    text, a tuple is the cheapest lookup."""
    return tuple(pos[0] for pos in _parts_of_speech())


def _major_pos(pos_id: int) -> str:
    return _major_pos_by_id()[pos_id]


# Kanji and hiragana that look like katakana, as a hurried thumb or a handwriting keyboard picks
# them: コンビ二 (the numeral 二), 力ード (力), マイナンバ一 (一 for ー), ぺージ (hiragana ぺ). Not
# へ or り: as particle and ending (スマホへ, よりアスベスト) they sit beside katakana every day.
_LOOKALIKE_KATAKANA = {"二": "ニ", "口": "ロ", "力": "カ", "工": "エ", "夕": "タ", "卜": "ト", "八": "ハ", "一": "ー",
                       "べ": "ベ", "ぺ": "ペ"}
_LOOKALIKE_BY_KATAKANA = re.compile(r"(?<=[ァ-ヺー])[二口力工夕卜八一べぺ]|[二口力工夕卜八一べぺ](?=[ァ-ヺー])")
_KATAKANA = re.compile(r"[ァ-ヺー]")
# A mended character must sit inside a dictionary word of at least this many characters, or
# スマホ二台 and メールへ would become words nobody wrote.
_LOOKALIKE_WORD_MIN = 3


def mend_lookalikes(text: str) -> str:
    """``text`` with a lookalike next to katakana written as the katakana it stands for, where
    that makes a dictionary word; a numeral or particle that only sits beside a loanword stays.

    >>> mend_lookalikes("コンビ二で住民票")
    'コンビニで住民票'
    >>> mend_lookalikes("スマホ二台とカード一つ")
    'スマホ二台とカード一つ'
    """
    for found in list(_LOOKALIKE_BY_KATAKANA.finditer(text)):
        at = found.start()
        mended = text[:at] + _LOOKALIKE_KATAKANA[text[at]] + text[at + 1:]
        start = at
        while start > 0 and _KATAKANA.match(mended[start - 1]):
            start -= 1
        end = at + 1
        while end < len(mended) and _KATAKANA.match(mended[end]):
            end += 1
        for morpheme in _tokenizer().tokenize(mended[start:end]):
            if morpheme.begin() <= at - start < morpheme.end():
                if not morpheme.is_oov() and morpheme.end() - morpheme.begin() >= _LOOKALIKE_WORD_MIN:
                    text = mended
                break
    return text


def _keeps(surface: str, lemma: str, pos: str, keep: frozenset[str]) -> bool:
    if lemma in keep:
        return True
    if pos not in _CONTENT_POS or lemma in STOP_WORDS or surface in STOP_WORDS:
        return False
    if len(lemma) == 1 and (lemma.isascii() or "\u3041" <= lemma <= "\u309f"):
        return False
    return True


_LEADING_NUMERAL = re.compile(r"^[0-9一二三四五六七八九十百千]+(?=.)")


def _counted(forms: tuple[str, ...]) -> tuple[str, ...]:
    """What a count is of, without its number: 二人 is as common as 人, 一度 as 度; the word list
    was cut finer and lacks most counts, which then weighed as the rarest words (二人目 5.4 in a
    FAQ where 児童手当 weighs 3)."""
    return tuple(stripped for form in forms if (stripped := _LEADING_NUMERAL.sub("", form)) != form)


def _way_of_doing(split: Sequence[Morpheme]) -> Morpheme | None:
    """The verb of a way of doing it (作り方's 作り, 書き方's 書き), read as the doing, since 方
    and 方法 are stop words; None for any other word, and for the way of a stop verb: ごみの
    出し方 must still name something. (The rich FAQ 92.6 → 92.9%, wrong 1.5 → 0.9%; questions
    only +0.3, hinode +0.4; hinode off-topic refused 92.5 → 90.0%: ネット銀行の口座の作り方
    meets 公金受取口座.)"""
    if len(split) != 2 or split[1].surface() != "方":
        return None
    verb = split[0]
    return verb if _major_pos(verb.part_of_speech_id()) == "動詞" and verb.normalized_form() not in STOP_WORDS else None


def _stem(lemma: str, pos: str) -> str:
    """A verb and the noun made from it share one key: 始める and 始め, 申し込む and 申し込み.

    The last kana of a word with kanji is its inflection; dropping it lets the resident's verb
    meet the staff's noun.
    """
    if len(lemma) >= 3 and pos in _INFLECTING_POS and "\u3041" <= lemma[-1] <= "\u309f" and not all("\u3041" <= c <= "\u309f" for c in lemma):
        return lemma[:-1]
    return lemma


def words(text: str, keep: frozenset[str] = frozenset(), rarity: bool = False) -> list[Word]:
    """The meaningful words of already-normalised text, in order.

    ``keep`` names dictionary forms kept whatever their part of speech: the lexicon's
    variants such as ただ (free of charge), which Sudachi reads as a conjunction. ``rarity``
    fills in how common each word is (a resident's question needs it, the FAQ's own words
    never do, and looking it up costs a seventh of a large FAQ's load).

    A verb keeps only its stem, so that it meets the noun made from it (無くす → 無く):

    >>> [w.term for w in words("マイナンバーカードを失くしてしもうた")]
    ['マイナンバーカード', '無く']
    """
    return _analysed(text, keep, rarity, None)


def words_and_reading(text: str, keep: frozenset[str] = frozenset()) -> tuple[list[Word], str]:
    """:func:`words` and :func:`reading` of the same text from one pass of the analyser: an
    FAQ's phrasings need both (LocalgovFAQ: 0.07 s of its load saved).

    >>> found, sound = words_and_reading("住民票を取りたい")
    >>> [w.term for w in found], sound
    (['住民票', '取る'], 'じゅうみんひょうをとりたい')
    """
    sounds: list[str] = []
    found = _analysed(text, keep, False, sounds)
    return found, to_hiragana("".join(sounds))


def _analysed(text: str, keep: frozenset[str], rarity: bool, sounds: list[str] | None) -> list[Word]:
    found: list[Word] = []
    predicate = ""  # the verb or adjective a negation would belong to
    previous = ""
    morphemes = _tokenizer().tokenize(text)
    numerals = _numeral_pos_ids()
    adjectival_suffixes = _adjectival_suffix_pos_ids()
    major_pos = _major_pos_by_id()
    skip_to = 0
    for index, morpheme in enumerate(morphemes):
        pos_id = morpheme.part_of_speech_id()
        pos = major_pos[pos_id]
        if sounds is not None and pos != "補助記号":
            sounds.append(morpheme.reading_form())
        if index < skip_to:
            continue
        if pos_id in numerals:
            # The analyser writes 十五 as 15 but reads じゅうご as 十 and 五, and よん as 四:
            # voice input must meet the 15歳 and 4桁 staff write.
            end = index + 1
            while end < len(morphemes) and morphemes[end].part_of_speech_id() in numerals:
                end += 1
            value = numeral_value([morphemes[i].normalized_form() for i in range(index, end)])
            if value is not None:
                skip_to, predicate, previous = end, "", value
                if len(value) > 1:
                    found.append(Word(value, (), True))
                continue
        lemma = morpheme.normalized_form()
        after_te = previous in _TE
        continues_verb = after_te and lemma in ("居る", "おる")
        prior, previous = previous, lemma
        if prior in ("どれ", "どの") and lemma == "くらい":
            found.append(Word(HOW_LONG))
            continue
        if prior == "何" and morpheme.surface() == "じ":
            # なんじ, as voice input writes 何時 (the analyser cuts it なん・じ): what time.
            found.append(Word("何時"))
            continue
        if lemma in _HOW_LONG_WORDS or (prior == "何" and pos == "名詞" and (lemma in _DURATION_UNITS or morpheme.surface() in _DURATION_UNITS)):
            # 何日・何週間・なんしゅうかん ask how long as どれくらい does (and しゅうかん after
            # なん is weeks, not 習慣); 何年も is "for years", no question.
            if not (index + 1 < len(morphemes) and morphemes[index + 1].surface() == "も"):
                found.append(Word(HOW_LONG))
            lemma = _DURATION_UNITS.get(morpheme.surface(), lemma)
        if pos == "助動詞" and lemma in _NEGATIONS and predicate:
            if predicate not in _NOT_TROUBLE:
                found.append(Word(NEGATED))
            predicate = ""
            continue
        if pos in ("動詞", "形容詞"):
            predicate = predicate if continues_verb else lemma
        elif pos != "助動詞" and pos != "助詞":
            predicate = ""
        if pos not in _CONTENT_POS and lemma not in keep:
            continue
        if pos_id in adjectival_suffixes:
            # 見えにくい, 使いやすい, 読みづらい: how hard the verb is, as grammar, no topic; read
            # as 難い, an FAQ's rare word, it outweighed the question (kaede, hinode right +0.4).
            continue
        surface = morpheme.surface()
        if pos == "名詞" and _ASCII_WORD.match(surface):
            lemma = surface
        if not (_keeps(surface, lemma, pos, keep) or (lemma in _MAIN_VERB_ONLY and not after_te)):
            continue
        parts: tuple[str, ...] = ()
        split = morpheme.split(SplitMode.A) if pos == "名詞" and len(surface) >= 3 else ()
        if (doing := _way_of_doing(split)) is not None:
            lemma, pos, surface, split = doing.normalized_form(), "動詞", doing.surface(), ()
        if split:
            parts = tuple(p.normalized_form() for p in split if len(p.surface()) > 1 and p.normalized_form() not in STOP_WORDS)
            # 本籍地 (本籍 + 地) keeps 本籍 as its one part, so that 本籍 still meets it; 顔写真 (顔 + 写真)
            # keeps none: a long piece last is the compound's head, which the lexicon folds onto.
            if not (len(parts) >= 2 or len(parts) == 1 and len(split) == 2 and len(split[1].surface()) == 1):
                parts = ()
        common = UNLISTED_ZIPF
        if rarity:
            forms = (lemma, morpheme.dictionary_form(), surface)
            pieces = tuple(p.surface() for p in split)
            common = estimate(forms + _counted(forms), pieces + _counted(pieces))
            if all(is_hiragana(c) for c in surface) and has_kanji(lemma):
                common = max(common, KANA_GUESS_ZIPF)
        found.append(Word(_stem(lemma, pos), parts, pos == "名詞", tuple(morpheme.synonym_group_ids()), common, pos == "副詞"))
    return found


_NUMERAL_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERAL_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL_MYRIADS = {"万": 10**4, "億": 10**8}


@functools.cache
def _pos_ids(major: str, minor: str) -> frozenset[int]:
    """The dictionary's part-of-speech ids whose first two levels are ``major``, ``minor``."""
    return frozenset(pos_id for pos_id, pos in enumerate(_parts_of_speech()) if pos[:2] == (major, minor))


def _numeral_pos_ids() -> frozenset[int]:
    """The parts of speech of numerals (名詞・数詞) in the dictionary."""
    return _pos_ids("名詞", "数詞")


def _adjectival_suffix_pos_ids() -> frozenset[int]:
    """The parts of speech of suffixes that make an adjective of a verb (接尾辞・形容詞的)."""
    return _pos_ids("接尾辞", "形容詞的")


def numeral_value(forms: list[str]) -> str | None:
    """The digits of a number written in numerals and digits, or None when it is not one.

    >>> numeral_value(["七", "十", "五"]), numeral_value(["3", "万"]), numeral_value(["数"])
    ('75', '30000', None)
    """
    if len(forms) == 1 and forms[0].isdigit():
        return forms[0]  # as written: 0120 keeps its zero
    total = section = 0
    digit: int | None = None
    for form in forms:
        if form.isdigit():
            digit = (digit or 0) * 10 ** len(form) + int(form)
            continue
        for char in form:
            if char in _NUMERAL_DIGITS:
                digit = (digit or 0) * 10 + _NUMERAL_DIGITS[char]
            elif char in _NUMERAL_UNITS:
                section += (1 if digit is None else digit) * _NUMERAL_UNITS[char]
                digit = None
            elif char in _NUMERAL_MYRIADS:
                total += (section + (digit or 0) or 1) * _NUMERAL_MYRIADS[char]
                section, digit = 0, None
            else:
                return None
    return str(total + section + (digit or 0))


@functools.lru_cache(maxsize=4096)
def is_dictionary_katakana(text: str) -> bool:
    """Whether ``text`` is one or more nouns the analyser's dictionary knows, none of them a
    single kana: エラー and エラーメッセージ are, エラーガ (エラー + a particle) is not.

    >>> is_dictionary_katakana("スタンプ"), is_dictionary_katakana("スタンプノ")
    (True, False)
    """
    morphemes = list(_tokenizer().tokenize(text))
    return bool(morphemes) and all(not m.is_oov() and _major_pos(m.part_of_speech_id()) == "名詞" and len(m.surface()) > 1 for m in morphemes)


class KanaLayout(NamedTuple):
    """How the analyser cuts a run of kana, as (start, end) character offsets."""

    grammar: list[tuple[int, int]]
    words: list[tuple[int, int]]


def kana_layout(text: str) -> KanaLayout:
    """Where the analyser reads grammar in ``text``, as (start, end) character offsets:
    particles and auxiliary verbs (は, ので, でしょう, ました), the light verbs, adjectives and
    adverbs of STOP_WORDS (しよう of する, いい, どう), and a verb an auxiliary follows (the かかり
    of かかりますか is 掛かる, no 係); and where each word lies (the ようい of びょういん lies inside one).

    >>> kana_layout("おかねはかかりますか").grammar
    [(3, 4), (4, 7), (7, 9), (9, 10)]
    """
    morphemes = list(_tokenizer().tokenize(text))
    kinds = [_major_pos(m.part_of_speech_id()) for m in morphemes]
    spans = []
    for i, m in enumerate(morphemes):
        inflected = kinds[i] == "動詞" and i + 1 < len(morphemes) and kinds[i + 1] == "助動詞"
        if kinds[i] in ("助動詞", "助詞") or inflected or (kinds[i] in ("動詞", "形容詞", "副詞") and m.normalized_form() in STOP_WORDS):
            spans.append((m.begin(), m.end()))
    return KanaLayout(spans, [(m.begin(), m.end()) for m in morphemes])


def reading(text: str) -> str:
    """The whole text's reading in hiragana: how it sounds, whatever script it was typed in."""
    return to_hiragana("".join(m.reading_form() for m in _tokenizer().tokenize(text) if _major_pos(m.part_of_speech_id()) != "補助記号"))


def content_word_count(text: str) -> int:
    """How many words of ``text`` carry meaning by their part of speech, stop words included:
    本人以外 has two, 盗まれる one."""
    return sum(1 for m in _tokenizer().tokenize(text) if _major_pos(m.part_of_speech_id()) in _CONTENT_POS)


def all_lemmas(text: str) -> tuple[str, ...]:
    """Every word's dictionary form, function words included, punctuation left out."""
    return tuple(m.normalized_form() for m in _tokenizer().tokenize(text) if _major_pos(m.part_of_speech_id()) not in ("補助記号", "空白"))
