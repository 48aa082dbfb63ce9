"""Keeping residents' numbers out of the database and the logs.

Residents sometimes type their My Number, a phone number, an e-mail address or their PIN
into the chat. Before a question is stored, logged or even matched, these are masked. A
message that holds a My Number is not kept at all; the resident is asked not to send it.

Residents type numbers in every way a keyboard allows: ``4829  1736  5026``,
``4829 - 1736 - 5027``, ``4829/1736/5028``, full-width digits, kanji numerals
(四八二九一七三六五〇二九) or the groups a few words apart. So the text is read as digit
groups, not as one pattern:

1. e-mail addresses go first (their digits are not part of any number);
2. numbers whose shape says what they are stay: dates (2026年12月9日, 2026-12-09), times
   (10:00), amounts (1,000円) and post codes, so that a resident's normal question keeps them;
3. groups joined by separators only (spaces, hyphens, slashes, commas, dots, underscores,
   long-vowel marks …) are read left to right: 10–11 digits from a leading 0 (or after +81)
   are a phone number, 12 digits a My Number;
4. a number followed by a counter (3回, 4けた, 10時, 5人) stays;
5. what is left is read again with a few words allowed between the groups (「4829 と 1736 と
   5026」), with the same rules;
6. a PIN or password is masked when it stands right after 暗証番号 / パスワード / PIN, or
   digits only a few words after (「暗証番号を忘れました。たぶん番号は7396です」), or right
   before (「4321が暗証番号」).

Toll-free and navi-dial numbers (0120, 0800, 0570) belong to companies and offices, never to
a resident, and the bot itself gives them (0120-95-0178): they stay as typed.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass

MY_NUMBER_MASK = "[マイナンバー]"
PHONE_MASK = "[電話番号]"
EMAIL_MASK = "[メール]"
PIN_MASK = "[暗証番号]"
_KEEP = ""  # a span that is a known harmless number: it stays as typed and breaks digit chains

MY_NUMBER_DIGITS = 12
PHONE_DIGITS = (10, 11)
INTERNATIONAL_DIGITS = (9, 10, 11)  # after +81: the national number without its 0, or with (0)
BUSINESS_PREFIXES = ("0120", "0800", "0570")  # free dial and navi dial: never a resident's own line

# What residents put between digit groups. NFKC has already made full-width forms ASCII.
_SEPARATOR_CHARS = r"\s\-‐‑‒–—―−ー･・.,/_、，~〜"
_TIGHT_GAP = re.compile(rf"[{_SEPARATOR_CHARS}()]{{0,5}}")
# "A few words" between groups of one number: short, no sentence of its own.
_LOOSE_GAP_LIMIT = 8
_KANJI_DIGITS = {c: str(n) for n, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0"}
_KANJI_RUN = re.compile("[〇○零一二三四五六七八九]{2,}")
_GROUP = re.compile(r"\d+")

# An address is found from its @: the host after it (any name, dotted or not: localhost), the
# local part before it: the ASCII word touching the @, or else the letters back to a
# delimiter (山田はなこ@…), less a lead-in such as 「メールは」 that Japanese writes without a space.
_EMAIL_AT = re.compile(r"@((?:[\w\-]+\.)+[A-Za-z0-9\-]+|[A-Za-z0-9\-]+)")
_EMAIL_ASCII_LOCAL = re.compile(r"[A-Za-z0-9._%+\-!#$&'*/=?^`{|}~]{1,64}$")
_EMAIL_OTHER_LOCAL = re.compile(r"[^\s@<>()\[\]{}「」『』【】〈〉《》,，、。:;\"'“”‘’|]{1,64}$")
_EMAIL_LEAD_IN = re.compile(r"^.*(?:メールアドレス|アドレス|メアド|メール|連絡先|宛先|あて先)(?:は|が|を|に|の|:)?")

_YMD = re.compile(r"(?<!\d)(\d{4})\s*[年/\-.]\s*(\d{1,2})\s*[月/\-.]\s*(\d{1,2})(?:\s*日)?(?!\d)")
_MD = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})(?:\s*日)?(?!\d)|(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])")
_HM = re.compile(r"(?<!\d)(\d{1,2}):(\d{2})(?::\d{2})?(?!\d)")
_MONEY = re.compile(r"[¥$]\s*\d[\d,]*|(?<!\d)\d[\d,]*\s*(?:円|万円|億円|ドル)")
_THOUSANDS = re.compile(r"(?<![\d,])\d{1,3}(?:,\d{3}){1,2}(?![\d,])")
_POST_CODE = re.compile(r"〒\s*\d{3}\s*-?\s*\d{4}(?!\d)")
_COUNTED = re.compile(
    r"(?<!\d)(?:第\s*)?\d{1,4}\s*(?:"
    r"年|か月|ヶ月|カ月|ケ月|箇月|月|日|時間|時|分|秒|週|円|人|名|件|回|歳|才|枚|個|本|冊|通|部|階|"
    r"番目|番線|番地|番(?!号)|号|室|台|点|倍|割|位|文字|字|けた|桁|ページ|頁|丁目|か所|ヵ所|箇所|種類|つ|"
    r"%|％|度|kg|km|cm|mm|GB|MB|g|m)"
    r"|第\s*\d{1,4}"
)
_PIN_WORD = re.compile(
    r"暗証番号|暗唱番号|暗証コード|暗証|あんしょうばんごう|あんしょう番号|パスワード|ぱすわーど|パスコード|"
    r"ピン番号|(?<![A-Za-z])(?:PIN|pin|Pin|password|Password|PASSWORD|passcode)(?![A-Za-z])"
)
# Right after the word (「暗証番号は1234」「パスワード: abc123」「暗証番号 7 3 9 5」): letters and digits.
_PIN_NEAR_GAP = 4
_PIN_NEAR = re.compile(r"[A-Za-z0-9]+(?:[ \-・.]{1,2}[A-Za-z0-9]+)*")
# A few words after the word: digits only (spaces allowed), or letters and digits in one word.
_PIN_FAR_GAP = 24
_PIN_FAR = re.compile(r"(?<![A-Za-z0-9])(?:\d+(?:[ \-・.]{1,2}\d+)*|(?=[A-Za-z]*\d)(?=\d*[A-Za-z])[A-Za-z0-9]{6,32})(?![A-Za-z0-9])")
# 「4321が暗証番号」, but not 「2026年の暗証番号」: only particles may stand between.
_PIN_BEFORE = re.compile(r"(?<![A-Za-z0-9])(\d+(?:[ \-・.]{1,2}\d+)*)[\s、,]*(?:が|は|って|という|の)?[\s、,]*$")
_PIN_LENGTH = (4, 16)
_PASSWORD_LENGTH = (4, 32)


@dataclass(frozen=True)
class Finding:
    """One span of the NFKC-normalised text and what it is (a mask, or ``""`` to keep it)."""

    start: int
    end: int
    mask: str


def _normal(text: str) -> str:
    # Full-width digits and letters (ＮＦＫＣ) become ASCII, so one set of rules serves both.
    return unicodedata.normalize("NFKC", text)


def _digit_view(text: str) -> str:
    """``text`` with every digit as an ASCII digit, the same length, so spans carry over.

    Digits of any script count (unicodedata.decimal); kanji numerals count in runs of two or
    more (四八二九…), so 一つ, 二回 and 三日 stay words.
    """
    chars = [str(unicodedata.decimal(c)) if not c.isascii() and unicodedata.decimal(c, None) is not None else c for c in text]
    for run in _KANJI_RUN.finditer(text):
        if any(c not in "〇○零" for c in run.group()):
            chars[run.start():run.end()] = [_KANJI_DIGITS[c] for c in run.group()]
    return "".join(chars)


class _Scan:
    """The findings in one text; later rules see only what earlier ones left."""

    def __init__(self, text: str):
        self.text = _digit_view(_normal(text))
        self.findings: list[Finding] = []
        self._taken = bytearray(len(self.text))  # one flag per character: a 5,000-character text stays linear

    def claimed(self, start: int, end: int) -> bool:
        return any(self._taken[start:end])

    def claim(self, start: int, end: int, mask: str) -> None:
        if not self.claimed(start, end):
            self.findings.append(Finding(start, end, mask))
            self._taken[start:end] = b"\1" * (end - start)

    def claim_all(self, pattern: re.Pattern, mask: str, accept=lambda match: True) -> None:
        for match in pattern.finditer(self.text):
            if match.end() > match.start() and accept(match):
                self.claim(match.start(), match.end(), mask)

    def emails(self) -> None:
        for at in _EMAIL_AT.finditer(self.text):
            before = self.text[max(0, at.start() - 64):at.start()]
            local = _EMAIL_ASCII_LOCAL.search(before) or _EMAIL_OTHER_LOCAL.search(before)
            if local is None:
                continue  # 「@SUM(1,1)」: no address without a name before the @
            name = local.group()
            if not name.isascii():
                name = _EMAIL_LEAD_IN.sub("", name) or name
            self.claim(at.start() - len(name), at.end(), EMAIL_MASK)

    def groups(self) -> list[re.Match]:
        return [g for g in _GROUP.finditer(self.text) if not self.claimed(g.start(), g.end())]

    def chains(self, tight: bool) -> list[list[re.Match]]:
        """Digit groups in runs: joined by separators only (``tight``), or by a few words."""
        chains: list[list[re.Match]] = []
        for group in self.groups():
            if chains:
                previous = chains[-1][-1]
                gap = self.text[previous.end():group.start()]
                joined = (_TIGHT_GAP.fullmatch(gap) is not None) if tight else len(gap) <= _LOOSE_GAP_LIMIT
                if joined and not self.claimed(previous.end(), group.start()):
                    chains[-1].append(group)
                    continue
            chains.append([group])
        return chains

    def numbers(self, tight: bool) -> None:
        """Phone numbers and My Numbers in each chain, read left to right."""
        for chain in self.chains(tight):
            i = 0
            while i < len(chain):
                i = self._number_at(chain, i)

    def _number_at(self, chain: list[re.Match], i: int) -> int:
        first = chain[i]
        international = first.group() == "81" and self.text[:first.start()].rstrip().endswith("+")
        if international or (first.group().startswith("0") and not first.group().startswith("00")):
            totals = INTERNATIONAL_DIGITS if international else PHONE_DIGITS
            end = _end_of_sum(chain, i + 1 if international else i, totals, limit=4)
            if end is not None:
                digits = "".join(g.group() for g in chain[i:end])
                national = "0" + digits[2:].removeprefix("0") if international else digits
                business = national.startswith(BUSINESS_PREFIXES)
                start = self.text.rindex("+", 0, first.start()) if international else first.start()
                self.claim(start, chain[end - 1].end(), _KEEP if business else PHONE_MASK)
                return end
        end = _end_of_sum(chain, i, (MY_NUMBER_DIGITS,))
        if end is not None and _typed_as_one_number(chain[i:end]):
            self.claim(first.start(), chain[end - 1].end(), MY_NUMBER_MASK)
            return end
        return i + 1

    def pins(self) -> None:
        for word in _PIN_WORD.finditer(self.text):
            self._pin_after(word.end()) or self._pin_before(word.start())

    def _pin_after(self, at: int) -> bool:
        near = re.compile(r"[^A-Za-z0-9\n]{0,%d}" % _PIN_NEAR_GAP).match(self.text, at)
        value = _PIN_NEAR.match(self.text, near.end())
        if value and _is_pin(value.group(), _PASSWORD_LENGTH) and not self.claimed(value.start(), value.end()):
            self.claim(value.start(), value.end(), PIN_MASK)
            return True
        for value in _PIN_FAR.finditer(self.text, at, at + _PIN_FAR_GAP + _PASSWORD_LENGTH[1]):
            if value.start() > at + _PIN_FAR_GAP:
                break
            length = _PIN_LENGTH if value.group()[0].isdigit() else _PASSWORD_LENGTH
            if _is_pin(value.group(), length) and not self.claimed(value.start(), value.end()):
                self.claim(value.start(), value.end(), PIN_MASK)
                return True
        return False

    def _pin_before(self, at: int) -> bool:
        value = _PIN_BEFORE.search(self.text, max(0, at - 40), at)
        if value and _is_pin(value.group(1), _PIN_LENGTH) and not self.claimed(value.start(1), value.end(1)):
            self.claim(value.start(1), value.end(1), PIN_MASK)
            return True
        return False


def _end_of_sum(chain: list[re.Match], i: int, totals: tuple[int, ...], limit: int = 12) -> int | None:
    """The end index of the longest run of groups from ``i`` whose digits add up to one of ``totals``."""
    count, found = 0, None
    for end in range(i, min(len(chain), i + limit)):
        count += len(chain[end].group())
        if count in totals:
            found = end + 1
        if count >= max(totals):
            break
    return found


def _typed_as_one_number(groups: list[re.Match]) -> bool:
    """How people type one 12-digit number: in up to four groups (4829 1736 5026, 482 917 365 026)
    or digit by digit (4 8 2 9 …). Five or more groups of two or more digits are a list
    (ages 65・70・75・80・85・90, codes 11・12・21・22・31・32), not a number."""
    return len(groups) <= 4 or all(len(g.group()) == 1 for g in groups)


def _is_pin(value: str, length: tuple[int, int]) -> bool:
    characters = re.sub(r"[^A-Za-z0-9]", "", value)
    return any(c.isdigit() for c in characters) and length[0] <= len(characters) <= length[1]


def _accept_date(match: re.Match) -> bool:
    year, month, day = (int(g) for g in match.groups())
    return 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31


def _accept_month_day(match: re.Match) -> bool:
    month, day = (int(g) for g in match.groups() if g is not None)
    return 1 <= month <= 12 and 1 <= day <= 31


def _accept_time(match: re.Match) -> bool:
    return int(match.group(1)) <= 29 and int(match.group(2)) <= 59


def scan(text: str) -> tuple[str, list[Finding]]:
    """The NFKC-normalised ``text`` and what in it is a number to mask or to keep."""
    found = _Scan(text)
    found.emails()
    found.claim_all(_YMD, _KEEP, _accept_date)
    found.claim_all(_MD, _KEEP, _accept_month_day)
    found.claim_all(_HM, _KEEP, _accept_time)
    found.claim_all(_POST_CODE, _KEEP)
    found.claim_all(_MONEY, _KEEP, lambda m: sum(c.isdigit() for c in m.group()) <= 9)
    found.claim_all(_THOUSANDS, _KEEP)
    found.numbers(tight=True)
    found.claim_all(_COUNTED, _KEEP)
    found.numbers(tight=False)
    found.pins()
    return _normal(text), sorted(found.findings, key=lambda f: f.start)


def contains_my_number(text: str) -> bool:
    """True when ``text`` holds a My Number: 12 digits in any typing (see the module's rules)."""
    return any(f.mask == MY_NUMBER_MASK for f in scan(text)[1])


def redact(text: str) -> str:
    """``text`` (NFKC-normalised) with My Numbers, phone numbers, e-mails and PINs masked."""
    normal, findings = scan(text)
    pieces, at = [], 0
    for finding in findings:
        if finding.mask:
            pieces += [normal[at:finding.start], finding.mask]
            at = finding.end
    pieces.append(normal[at:])
    return "".join(pieces)


def _keyed_hash(text: str, secret_key: bytes) -> str:
    return hmac.new(secret_key, text.encode(), hashlib.sha256).hexdigest()[:32]


def resident_key(user_id: str, secret_key: bytes) -> str:
    """A pseudonym for a LINE user id: the same resident gets the same key, which cannot be reversed."""
    return _keyed_hash(user_id, secret_key)


def message_key(message_id: str, secret_key: bytes) -> str:
    """What a logged question is found by when the resident unsends its message: LINE's
    message id, hashed like a user id, so the log keeps no id of LINE's."""
    return _keyed_hash(message_id, secret_key)
