import csv
import datetime as dt
import random

import pytest

from bot.cli import cli
from bot.clock import JST
from bot.staff.report import build_report, format_report, report_csv, report_rows
from bot.storage import Storage

PASSPORT = ["パスポートの申請はどこでできますか", "パスポート作りたい", "ぱすぽーとの更新はどうする", "パスポートの受け取りはいつ",
            "パスポートを申請したいです", "パスポートの写真のサイズ"]
GARBAGE = ["ゴミの出し方を教えて", "粗大ゴミの回収を頼みたい", "ゴミの分別がわからない", "ごみ収集は何曜日", "燃えるゴミの日はいつ"]
DOGS = ["犬の登録はどこでしますか", "犬の狂犬病の注射", "飼い犬が死んだときの手続き"]
OTHERS = ["税金の払い方を教えて", "水道料金を払いたい", "引っ越しの手続き", "子どもの手当について", "図書館は何時まで",
          "国民健康保険の保険料", "バスの時刻表", "婚姻届の出し方", "除雪はいつ来ますか", "公民館を借りたい"]
TOPICS = {"passport": ("パスポート", "ぱすぽーと"), "garbage": ("ゴミ", "ごみ"), "dog": ("犬",)}
TODAY = dt.date(2026, 11, 22)


def at(days_ago: int, minute: int) -> float:
    day = TODAY - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(9), JST).timestamp() + minute * 60


@pytest.fixture(scope="module")
def log(tmp_path_factory, faq, responder):
    """A week of questions as the bot logged them: every FAQ phrasing three times and three unanswered topics."""
    storage = Storage(f"sqlite:///{tmp_path_factory.mktemp('report')}/bot.sqlite3")
    rng = random.Random(7)
    asked = [q for e in faq.entries for q in (e.question, *e.alternates)]
    # Every question is asked (none cut off at random), so the topics keep their sizes when
    # staff add entries to the FAQ.
    pool = asked * 3 + PASSPORT * 40 + GARBAGE * 30 + DOGS * 15 + OTHERS * 5
    rng.shuffle(pool)
    for n, question in enumerate(pool):
        reply = responder.answer(question)
        match = reply.match
        question_id = storage.log_question(
            resident=f"r{n % 90}", question=question, status=reply.status,
            entry_id=match.id if reply.status == "answer" else None, score=match.score,
            candidates=[{"id": c.id, "score": c.score} for c in match.candidates], now=at(n % 7, n % 600),
        )
        if reply.status == "answer" and match.id == "mynumber-pin":
            storage.record_feedback(question_id, helpful=n % 3 != 0, now=at(n % 7, n % 600 + 1))
    return storage


@pytest.fixture(scope="module")
def report(log, faq, matcher):
    return build_report(log.questions_since(0), log.feedback_since(0), faq, matcher, TODAY, 7)


def test_every_logged_question_is_counted_once_per_day(report, log):
    assert len(report.days) == 7
    assert sum(d.total for d in report.days) == len(log.questions_since(0))
    assert all(d.total == d.answer + d.choices + d.none + d.blocked for d in report.days)


def topics_of(group) -> set[str]:
    return {t for q in group.questions for t, words in TOPICS.items() if any(w in q for w in words)} or {"other"}


def test_the_largest_unanswered_groups_are_the_topics_residents_asked_about(report):
    assert [topics_of(g) for g in report.groups[:3]] == [{"passport"}, {"garbage"}, {"dog"}]


def test_each_topic_ends_up_mostly_in_one_group(report):
    for topic, words in TOPICS.items():
        sizes = sorted((sum(any(w in q for w in words) for q in g.questions) for g in report.groups), reverse=True)
        # 飼い犬が死んだときの手続き may stand apart from the other dog questions: 2 of 3 is the bar.
        assert sizes[0] >= 0.65 * sum(sizes), topic


def test_a_group_does_not_mix_topics(report):
    for group in report.groups:
        assert len(topics_of(group)) == 1, group.examples()


def test_unsolved_entries_count_the_last_tap_of_each_question(report, log):
    (entry, no, yes), *_ = report.unsolved
    taps = log.feedback_since(0)
    assert entry == "mynumber-pin"
    assert (no, yes) == (sum(1 for t in taps if not t[2]), sum(1 for t in taps if t[2]))


def test_entries_never_matched_are_listed(report, log, faq):
    matched = {q.entry_id for q in log.questions_since(0) if q.entry_id}
    assert report.never_matched == [e.id for e in faq.entries if e.id not in matched]


def test_the_csv_has_a_bom_and_reads_back_as_written(report, tmp_path):
    path = tmp_path / "report.csv"
    path.write_bytes(report_csv(report))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(path, encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == report_rows(report)


def test_the_text_report_names_the_sections(report, faq):
    text = format_report(report, faq)
    for heading in ("■ 日ごとの件数", "■ 答えられなかった質問", "■ 「解決しない」が多い質問",
                    "■ この期間に一度も答えなかった質問", "■ 1年以上見直していない質問"):
        assert heading in text


def test_entries_not_checked_for_a_year_are_listed(small_faq, matcher):
    from bot.content.loader import load_faq

    path = small_faq / "10-test.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "    updated: 2025-10-01\n", encoding="utf-8")
    small = load_faq(small_faq)
    built = build_report([], [], small, matcher, TODAY, 30)
    assert built.stale == [("card-lost", "2025-10-01")]


def test_bot_report_prints_and_writes_csv(runner, log, tmp_path):
    target = tmp_path / "out.csv"
    result = runner.invoke(cli, ["report", "--days", "3650", "--database", str(log.url), "--csv", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[2].startswith("■ 日ごとの件数")
    assert result.output.endswith(f"CSV を保存しました: {target}\n")
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_bot_report_on_an_empty_log_says_so(runner, tmp_path):
    result = runner.invoke(cli, ["report", "--database", f"sqlite:///{tmp_path}/empty.sqlite3"])
    assert result.exit_code == 0
    assert "この期間の質問はありません。" in result.output


FORMULAS = ['=HYPERLINK("http://evil.example/x","くわしくはこちら")', "=cmd|' /C calc'!A0", "@SUM(1,1)", "+1+2", "-1+2"]


def test_no_cell_of_the_csv_starts_a_formula(tmp_path, faq, matcher):
    storage = Storage(f"sqlite:///{tmp_path}/bot.sqlite3")
    for n, question in enumerate(FORMULAS):
        storage.log_question(resident=f"r{n}", question=question, status="none", now=at(0, n))
    built = build_report(storage.questions_since(0), [], faq, matcher, TODAY, 1)
    rows = list(csv.reader(report_csv(built).decode("utf-8-sig").splitlines()))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    examples = " / ".join(cell for row in rows if row[0] == "答えられなかった質問" for cell in row)
    for formula in FORMULAS:
        assert formula in examples  # kept word for word, only behind a quote where it leads a cell
