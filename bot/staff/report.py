"""What residents asked, for staff: counts per day, unanswered questions grouped, weak entries.

Built from the question log (already redacted) and the FAQ; no Flask, no database code here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..clock import JST
from ..content.faq import Faq, review_due_before
from ..engine.analysis import HOW_LONG, NEGATED, STOP_WORDS, Word
from ..engine.matcher import Matcher
from ..engine.smalltalk import smalltalk_kind
from ..engine.textnorm import normalize, to_hiragana
from ..storage import LoggedQuestion
from .csv_export import excel_csv

EXAMPLES_PER_GROUP = 3
# How alike (cosine of rarity-weighted features) a question must be to its group's centre.
SAME_TOPIC = 0.3
# Words that say what kind of question it is (where, when, how), not what it is about: the
# engine's stop words, and a few words the matcher keeps that fit every counter's questions.
GENERIC_WORDS = STOP_WORDS | {"場所", "日程", "手続き", "時間", NEGATED, HOW_LONG}
# A group whose best candidate scored this much probably wants an alternate, not a new entry.
ALTERNATE_HINT_SCORE = 45


@dataclass(frozen=True)
class Day:
    date: str
    total: int
    answer: int
    choices: int
    none: int
    blocked: int

    def rate(self, count: int) -> str:
        return f"{count / self.total:.1%}" if self.total else "-"


@dataclass
class Group:
    questions: list[str] = field(default_factory=list)
    words: Counter = field(default_factory=Counter)
    near_entry: Counter = field(default_factory=Counter)

    @property
    def size(self) -> int:
        return len(self.questions)

    def examples(self) -> list[str]:
        seen: list[str] = []
        for question, _ in Counter(self.questions).most_common():
            if question not in seen:
                seen.append(question)
            if len(seen) == EXAMPLES_PER_GROUP:
                break
        return seen

    def keywords(self) -> list[str]:
        common = [(w, n) for w, n in self.words.most_common() if w not in GENERIC_WORDS]
        return [w for w, n in common[:3] if n >= max(2, self.size // 2)]

    def suggestion(self) -> str | None:
        """The entry this group most often came close to, if it came close at all."""
        if not self.near_entry:
            return None
        entry, count = self.near_entry.most_common(1)[0]
        return entry if count * 2 >= self.size else None


@dataclass(frozen=True)
class Report:
    municipality: str
    first_day: str
    last_day: str
    days: list[Day]
    groups: list[Group]
    unsolved: list[tuple[str, int, int]]  # entry id, 解決しない, 解決した
    never_matched: list[str]
    stale: list[tuple[str, str]]  # entry id, updated
    stale_before: str


def _day(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, JST).date().isoformat()


def count_days(questions: list[LoggedQuestion]) -> list[Day]:
    per_day: dict[str, Counter] = defaultdict(Counter)
    for question in questions:
        per_day[_day(question.asked_at)][question.status] += 1
    return [
        Day(date, sum(c.values()), c["answer"], c["choices"], c["none"], c["blocked"])
        for date, c in sorted(per_day.items())
    ]


def _features(words: list[Word]) -> Counter:
    """The question's content words (and their parts, letters and letter pairs, read as hiragana),
    so that ゴミ, ごみ and 粗大ゴミ, or 犬 and 飼い犬, meet; polite phrasing never counts."""
    features: Counter = Counter()
    for word in words:
        if word.term in GENERIC_WORDS:
            continue
        for piece in {word.term, *word.parts}:
            folded = to_hiragana(piece)
            features["w:" + folded] += 1
            features.update("c:" + ch for ch in folded)
            features.update("b:" + folded[i : i + 2] for i in range(len(folded) - 1))
    return features


class _Weights:
    """Rarity of a feature in the FAQ: a topic the FAQ lacks (パスポート) weighs most, what it
    is full of (マイナ, カード) least, so groups form around what residents missed."""

    def __init__(self, faq: Faq, matcher: Matcher):
        phrasings = [_features(matcher.analyse(p)) for e in faq.entries for p in (e.question, *e.alternates)]
        self.count = len(phrasings)
        self.document_frequency = Counter(f for p in phrasings for f in p)

    def vector(self, words: list[Word]) -> dict[str, float]:
        return {
            f: n * (math.log((self.count + 1) / (self.document_frequency[f] + 1)) + 1)
            for f, n in _features(words).items()
        }


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b.get(g, 0.0) for g, w in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def group_unanswered(questions: list[LoggedQuestion], faq: Faq, matcher: Matcher) -> list[Group]:
    """Unanswered questions, similar ones together, largest groups first."""
    weights = _Weights(faq, matcher)
    groups: list[tuple[Group, dict[str, float]]] = []
    for question in questions:
        if question.status != "none" or smalltalk_kind(normalize(question.question)):
            continue
        words = matcher.read(question.question)
        vector = weights.vector(words)
        scored = [(_cosine(vector, centre), n) for n, (_, centre) in enumerate(groups)]
        best = max(scored, default=(0.0, -1))
        if best[0] >= SAME_TOPIC:
            group, centre = groups[best[1]]
            for gram, weight in vector.items():  # the centre drifts toward what the group shares
                centre[gram] = centre.get(gram, 0.0) + weight
        else:
            group = Group()
            groups.append((group, dict(vector)))
        group.questions.append(question.question)
        group.words.update(w.term for w in words)
        if question.candidates and question.candidates[0]["score"] >= ALTERNATE_HINT_SCORE:
            group.near_entry[question.candidates[0]["id"]] += 1
    return _merge_alike(sorted(groups, key=lambda pair: -pair[0].size))


def _merge_alike(groups: list[tuple[Group, dict[str, float]]]) -> list[Group]:
    """A second look: a small group whose centre is close to a larger one's joins it
    (the first question of a group decides its centre, which may have been an odd one)."""
    kept: list[tuple[Group, dict[str, float]]] = []
    for group, centre in groups:
        home = max(kept, key=lambda pair: _cosine(centre, pair[1]), default=None)
        if home is not None and _cosine(centre, home[1]) >= SAME_TOPIC:
            home[0].questions.extend(group.questions)
            home[0].words.update(group.words)
            home[0].near_entry.update(group.near_entry)
            for feature, weight in centre.items():
                home[1][feature] = home[1].get(feature, 0.0) + weight
        else:
            kept.append((group, centre))
    return sorted((g for g, _ in kept), key=lambda g: -g.size)


def build_report(questions: list[LoggedQuestion], feedback: list[tuple], faq: Faq, matcher: Matcher,
                 today: dt.date, days: int) -> Report:
    helpful: dict[str, Counter] = defaultdict(Counter)
    latest: dict[int, tuple] = {}
    for question_id, entry_id, was_helpful, _given_at in feedback:
        latest[question_id] = (entry_id, was_helpful)  # a resident who taps twice counts once, last tap
    for entry_id, was_helpful in latest.values():
        if entry_id:
            helpful[entry_id]["yes" if was_helpful else "no"] += 1
    unsolved = sorted(
        ((entry, c["no"], c["yes"]) for entry, c in helpful.items() if c["no"]), key=lambda row: (-row[1], row[0])
    )
    matched = {q.entry_id for q in questions if q.entry_id}
    never = [e.id for e in faq.entries if e.id not in matched]
    stale_before = review_due_before(today)
    stale = [(e.id, e.updated) for e in faq.entries if e.updated and e.updated < stale_before]
    return Report(
        municipality=faq.settings.municipality,
        first_day=(today - dt.timedelta(days=days - 1)).isoformat(),
        last_day=today.isoformat(),
        days=count_days(questions),
        groups=group_unanswered(questions, faq, matcher),
        unsolved=unsolved,
        never_matched=never,
        stale=sorted(stale, key=lambda row: row[1]),
        stale_before=stale_before,
    )


def format_report(report: Report, faq: Faq, max_groups: int = 20) -> str:
    lines = [f"{report.municipality} 質問の記録 {report.first_day}〜{report.last_day}", ""]
    lines.append("■ 日ごとの件数（答えた／えらんでもらった／答えられなかった）")
    total = Day("合計", *(sum(getattr(d, f) for d in report.days) for f in ("total", "answer", "choices", "none", "blocked")))
    for day in report.days + ([total] if report.days else []):
        lines.append(
            f"{day.date}  {day.total}件  答えた {day.answer}（{day.rate(day.answer)}）  "
            f"えらんでもらった {day.choices}（{day.rate(day.choices)}）  答えられなかった {day.none}（{day.rate(day.none)}）"
            + (f"  マイナンバー入り {day.blocked}" if day.blocked else "")
        )
    if not report.days:
        lines.append("この期間の質問はありません。")
    lines += ["", "■ 答えられなかった質問（似たものをまとめて、多い順）"]
    for n, group in enumerate(report.groups[:max_groups], 1):
        words = "・".join(group.keywords())
        lines.append(f"{n}. {group.size}件" + (f"（{words}）" if words else ""))
        lines.extend(f"   例: {example}" for example in group.examples())
        near = group.suggestion()
        if near and faq.entry(near):
            lines.append(f"   → 近い質問「{faq.entry(near).question}」（{near}）の alternates に足すか、新しい質問を作ってください")
        else:
            lines.append("   → 新しい質問を作ることを考えてください")
    if len(report.groups) > max_groups:
        lines.append(f"ほか {len(report.groups) - max_groups} グループ（CSV にすべてあります）")
    if not report.groups:
        lines.append("ありません。")
    lines += ["", "■ 「解決しない」が多い質問"]
    lines += [f"{entry}  解決しない {no}件／解決した {yes}件" for entry, no, yes in report.unsolved] or ["ありません。"]
    lines += ["", f"■ この期間に一度も答えなかった質問（{len(report.never_matched)}件）"]
    lines += [f"{entry}  {faq.entry(entry).question}" for entry in report.never_matched] or ["ありません。"]
    lines += ["", f"■ 1年以上見直していない質問（updated が {report.stale_before} より前）"]
    lines += [f"{entry}  updated: {updated}" for entry, updated in report.stale] or ["ありません。"]
    return "\n".join(lines)


CSV_HEADER = ["区分", "項目", "件数", "割合", "内容"]


def report_rows(report: Report) -> list[list[str]]:
    rows = [CSV_HEADER]
    for day in report.days:
        rows.append(["日別", day.date, str(day.total), "", ""])
        for status, label in (("answer", "答えた"), ("choices", "えらんでもらった"), ("none", "答えられなかった"), ("blocked", "マイナンバー入り")):
            count = getattr(day, status)
            rows.append(["日別", f"{day.date} {label}", str(count), day.rate(count), ""])
    for n, group in enumerate(report.groups, 1):
        rows.append(["答えられなかった質問", f"グループ{n}", str(group.size), "", " / ".join(group.examples())])
    for entry, no, yes in report.unsolved:
        rows.append(["解決しない", entry, str(no), "", f"解決した {yes}件"])
    for entry in report.never_matched:
        rows.append(["一度も答えなかった", entry, "0", "", ""])
    for entry, updated in report.stale:
        rows.append(["1年以上見直していない", entry, "", "", f"updated: {updated}"])
    return rows


def report_csv(report: Report) -> bytes:
    return excel_csv(report_rows(report))
