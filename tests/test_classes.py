import datetime as dt

import pytest

from bot.classes.search import ScheduleRequest, find_classes, schedule_request
from bot.clock import JST
from bot.content.schedule import parse_classes
from bot.content.loader import check_faq, load_faq

HEADER = "NO,イベント名,開始日,開始時間,終了時間,場所名称,定員,参加申込終了日,参加申込方法\n"
ROWS = """\
1,はじめてのスマホ,2026-12-09,10:00,12:00,公民館,10,2026-12-02,
2,LINE入門,2026/12/19,13:30,15:30,図書館,10,,
3,スマホ相談会,2026-11-21,10:00,12:00,公民館,,,当日会場へ
4,マイナンバーカードとスマホ,2027-01-13,10:00,12:00,公民館,8,2027-01-06,
"""
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=JST)


def classes(text=HEADER + ROWS):
    parsed, problems = parse_classes(text, "classes.csv")
    assert problems == []
    return tuple(parsed)


def problems_of(text):
    return [str(p) for p in parse_classes(text, "classes.csv")[1]]


def test_columns_are_matched_by_name_in_any_order_and_others_ignored():
    text = "場所名称,終了時間,開始時間,開始日,イベント名,NO,分類\n公民館,12:00,10:00,2026-12-09,入門,7,IT\n"
    (course,) = classes(text)
    assert (course.no, course.title, course.place, course.capacity) == ("7", "入門", "公民館", None)


def test_a_file_saved_by_excel_with_a_bom_is_read(small_faq):
    (small_faq / "classes.csv").write_bytes((HEADER + ROWS).encode("utf-8-sig"))
    assert [c.no for c in load_faq(small_faq).classes] == ["3", "1", "2", "4"]


def test_slashed_dates_are_read():
    assert classes()[2].date == dt.date(2026, 12, 19)


def test_missing_required_columns_are_named():
    assert problems_of("NO,イベント名,開始日\n1,入門,2026-12-09\n") == [
        "classes.csv:1: 必要な列 開始時間、終了時間、場所名称 がありません — 1行目の列名を確かめてください"
        "（必要な列: NO、イベント名、開始日、開始時間、終了時間、場所名称）"
    ]


@pytest.mark.parametrize("row, message", [
    ("5,入門,2026-13-01,10:00,12:00,公民館,,,", "classes.csv:2: 開始日「2026-13-01」が日付として読めません — 2026-12-05 か 2026/12/05 の形で書いてください"),
    ("5,入門,2026-12-01,10時,12:00,公民館,,,", "classes.csv:2: 開始時間「10時」が時刻として読めません — 10:00 の形（24時間）で書いてください"),
    ("5,入門,2026-12-01,10:00,12:00,公民館,十人,,", "classes.csv:2: 定員「十人」が数字ではありません — 人数を数字だけで書くか（例: 12）、申し込みを LINE で受けないなら空にしてください"),
    ("5,入門,2026-12-01,10:00,12:00,公民館,10,12月1日,", "classes.csv:2: 参加申込終了日「12月1日」が日付として読めません — 2026-12-01 の形で書いてください"),
    ("5,,2026-12-01,10:00,12:00,公民館,10,,", "classes.csv:2: イベント名 が空です — 教室ごとに NO、イベント名、開始日、開始時間、終了時間、場所名称 を書いてください"),
])
def test_a_bad_value_is_reported_with_its_line(row, message):
    assert problems_of(HEADER + row + "\n") == [message]


def test_a_duplicate_no_names_both_lines():
    text = HEADER + "1,入門,2026-12-09,10:00,12:00,公民館,,,\n1,LINE,2026-12-10,10:00,12:00,公民館,,,\n"
    assert problems_of(text) == ["classes.csv:3: NO「1」は 2行目でも使われています — 教室ごとにちがう番号にしてください（予約がこの番号を使います）"]


def test_bot_check_reports_classes_csv(small_faq):
    (small_faq / "classes.csv").write_text(HEADER + "1,入門,2026-12-09,25:00,12:00,公民館,,,\n", encoding="utf-8")
    assert [str(p) for p in check_faq(small_faq)] == [
        f"{small_faq / 'classes.csv'}:2: 開始時間「25:00」が時刻として読めません — 10:00 の形（24時間）で書いてください"
    ]


def test_a_no_too_long_for_a_button_is_refused_by_bot_check_naming_file_and_line(small_faq, runner):
    from bot.cli import cli

    (small_faq / "classes.csv").write_text(HEADER + "1,入門,2026-12-09,10:00,12:00,公民館,,,\n" + "N" * 300 + ",入門,2026-12-10,10:00,12:00,公民館,10,,\n",
                                           encoding="utf-8")
    result = runner.invoke(cli, ["check", "--faq", str(small_faq)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        f"{small_faq / 'classes.csv'}:3: NO「{'N' * 20}…」が300文字あります — LINE のボタンで予約に使うので、"
        "100文字以内の短い番号にしてください（例: 2026-12-09-01）"
    )


def test_a_no_with_a_line_break_is_refused():
    assert problems_of(HEADER + '"2026-12\n09",入門,2026-12-09,10:00,12:00,公民館,,,\n') == [
        "classes.csv:2: NO に改行などの見えない文字が入っています — 1行の短い番号にしてください（例: 2026-12-09-01）"
    ]


def test_the_longest_no_allowed_fits_every_booking_button_and_reads_back():
    from bot.classes import replies as class_replies
    from bot.content.schedule import CLASS_NO_LIMIT
    from bot.dialogue.router import read_postback
    from bot.line_limits import POSTBACK_DATA_LIMIT

    number = "あ" * CLASS_NO_LIMIT
    (course,) = classes(HEADER + f"{number},入門,2026-12-09,10:00,12:00,公民館,10,,\n")
    for data in ("class:book:" + course.no, class_replies.confirm_booking(course).buttons[0].action):
        assert len(data) <= POSTBACK_DATA_LIMIT and len(data.encode("utf-16-le")) // 2 <= POSTBACK_DATA_LIMIT
        assert read_postback(data).target == number


def test_a_shift_jis_csv_is_refused_with_the_fix(small_faq):
    (small_faq / "classes.csv").write_bytes((HEADER + ROWS).encode("cp932"))
    assert "Shift_JIS" in str(check_faq(small_faq)[0])


def test_past_classes_are_never_shown():
    found = find_classes(classes(), ScheduleRequest(), NOW)
    assert [c.no for c in found] == ["1", "2", "4"]


def test_a_class_that_started_an_hour_ago_is_past():
    later = dt.datetime(2026, 12, 9, 11, 0, tzinfo=JST)
    assert [c.no for c in find_classes(classes(), ScheduleRequest(), later)] == ["2", "4"]


def test_weekday_names_are_right():
    assert [c.when() for c in classes()] == [
        "11月21日（土）10:00〜12:00", "12月9日（水）10:00〜12:00", "12月19日（土）13:30〜15:30", "1月13日（水）10:00〜12:00"]


def test_day_and_hours_are_the_two_halves_of_when():
    course = classes()[0]
    assert (course.day(), course.hours()) == ("11月21日（土）", "10:00〜12:00")


def test_booking_closes_after_the_last_application_day():
    first = classes()[1]
    assert first.booking_open(dt.datetime(2026, 12, 2, 23, 59, tzinfo=JST))
    assert not first.booking_open(dt.datetime(2026, 12, 3, 0, 0, tzinfo=JST))


def test_booking_closes_when_the_class_starts():
    second = classes()[2]  # no 参加申込終了日
    assert second.booking_open(dt.datetime(2026, 12, 19, 13, 29, tzinfo=JST))
    assert not second.booking_open(dt.datetime(2026, 12, 19, 13, 30, tzinfo=JST))


@pytest.mark.parametrize("question, expected", [
    ("次のスマホ教室はいつ?", ["1", "2", "4"]),
    ("来月のスマホ教室", ["1", "2"]),
    ("1月の教室はありますか", ["4"]),
    ("LINEの教室はある?", ["2"]),
    ("土曜日にやってる?", ["2"]),
    ("すまほきょうしつはいつですか", ["1", "2", "4"]),
    ("マイナカードの講座はいつ", ["4"]),
])
def test_questions_about_dates_find_their_classes(question, expected):
    request = schedule_request(question, NOW, classes())
    assert [c.no for c in find_classes(classes(), request, NOW)] == expected


@pytest.mark.parametrize("question", ["スマホ教室の持ち物は？", "スマホ教室の場所はどこ", "スマホ教室は無料ですか",
                                      "マイナンバーカードをなくした", "教室は申し込みが必要ですか"])
def test_other_questions_are_left_to_the_faq(question):
    assert schedule_request(question, NOW, classes()) is None


def test_the_schedule_reply_lists_classes_with_seats(responder, faq):
    reply = responder.answer("次のスマホ教室はいつ？", now=dt.datetime(2026, 11, 22, 9, tzinfo=JST), seats_taken=lambda no: 4)
    assert reply.text.startswith("次のスマホ教室です。")
    assert "12月9日（水）10:00〜12:00" in reply.text and "のこり 6席" in reply.text
    assert len(reply.offers) == 5


def test_no_class_ahead_says_so_with_the_contact(responder):
    reply = responder.answer("次のスマホ教室はいつ？", now=dt.datetime(2028, 1, 1, tzinfo=JST))
    assert reply.text.startswith("いまのところ、これからのスマホ教室の予定はありません。")
    assert "0000-00-0000" in reply.text and reply.offers == ()


def test_a_filter_with_no_class_offers_the_others(responder):
    reply = responder.answer("8月のスマホ教室はいつ", now=dt.datetime(2026, 11, 22, tzinfo=JST))
    assert reply.text.startswith("8月のスマホ教室は、いまのところ予定がありません。\nほかの日の教室です。")
    assert reply.offers
