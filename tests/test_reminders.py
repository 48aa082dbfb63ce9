import line_events as ev
import pytest
from sqlalchemy import update

from bot.cli import cli
from bot.storage import Storage, bookings
from bot.user_ids import UserIdBox

CLASSES = """\
NO,イベント名,開始日,開始時間,終了時間,場所名称,定員,備考
A,はじめてのスマホ,2026-12-09,10:00,12:00,公民館,10,スマホを持ってきてください
B,LINE入門,2026-12-10,10:00,12:00,公民館,10,
"""


@pytest.fixture
def setup(small_faq, tmp_path, fake_api, monkeypatch):
    (small_faq / "classes.csv").write_text(CLASSES, encoding="utf-8")
    url = f"sqlite:///{tmp_path}/bot.sqlite3"
    storage = Storage(url)
    box = UserIdBox(b"reminder-key")
    for n, class_no, day in ((1, "A", "2026-12-09"), (2, "A", "2026-12-09"), (3, "B", "2026-12-10")):
        storage.book(class_no=class_no, class_date=day, capacity=10, resident=f"r{n}", user_token=box.seal(f"U{n:032x}"))
    monkeypatch.setenv("LINE_CHANNEL_SECRET", ev.CHANNEL_SECRET)
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", ev.ACCESS_TOKEN)
    monkeypatch.setenv("LINE_API_ENDPOINT", fake_api.url)
    monkeypatch.setenv("BOT_SECRET_KEY", "reminder-key")
    return ["classes", "remind", "--faq", str(small_faq), "--database", url], storage


def accepted(fake_api):
    return [p for p in fake_api.pushes() if p["status"] == 200]


def test_the_day_before_each_booked_resident_gets_one_push(runner, setup, fake_api):
    command, _ = setup
    result = runner.invoke(cli, command + ["--date", "2026-12-08"])
    assert (result.exit_code, result.output) == (0, "12月9日の教室のお知らせ: 2件送りました（前に送りずみ 0件、送れなかった 0件）\n")
    pushes = accepted(fake_api)
    assert sorted(p["body"]["to"] for p in pushes) == [f"U{1:032x}", f"U{2:032x}"]
    text = pushes[0]["body"]["messages"][0]["text"]
    assert text.startswith("【あしたはスマホ教室です】\n\nはじめてのスマホ\n12月9日（水）10:00〜12:00")
    assert all(p["headers"]["X-Line-Retry-Key"] for p in pushes)


def test_running_twice_sends_each_reminder_once(runner, setup, fake_api):
    command, _ = setup
    runner.invoke(cli, command + ["--date", "2026-12-08"])
    second = runner.invoke(cli, command + ["--date", "2026-12-08"])
    assert second.output == "12月9日の教室のお知らせ: 0件送りました（前に送りずみ 0件、送れなかった 0件）\n"
    assert len(accepted(fake_api)) == 2


def test_a_rerun_after_a_crash_is_stopped_by_the_retry_key(runner, setup, fake_api):
    command, storage = setup
    runner.invoke(cli, command + ["--date", "2026-12-08"])
    with storage.engine.begin() as connection:  # as if the run died before recording what it sent
        connection.execute(update(bookings).values(reminded_at=None))
    rerun = runner.invoke(cli, command + ["--date", "2026-12-08"])
    assert rerun.output == "12月9日の教室のお知らせ: 0件送りました（前に送りずみ 2件、送れなかった 0件）\n"
    assert len(accepted(fake_api)) == 2


def test_line_ids_are_deleted_once_the_class_is_over(runner, setup):
    command, storage = setup
    runner.invoke(cli, command + ["--date", "2026-12-10"])
    assert [b.user_token for b in storage.roster("A")] == [None, None]
    assert storage.roster("B")[0].user_token is not None


def test_the_roster_shows_booking_numbers_not_line_ids(runner, setup, tmp_path):
    command, _ = setup
    faq, database = command[3], command[5]
    target = tmp_path / "roster.csv"
    result = runner.invoke(cli, ["classes", "roster", "A", "--faq", faq, "--database", database, "--csv", str(target)])
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == ["はじめてのスマホ 12月9日（水）10:00〜12:00 公民館", "申し込み 2人（定員 10人）"]
    assert "U0000" not in result.output and b"U0000" not in target.read_bytes()
    assert target.read_bytes().startswith("\ufeff受付番号,申し込み日時,参加者番号".encode())


def test_the_class_list_shows_seats_taken(runner, setup):
    command, _ = setup
    result = runner.invoke(cli, ["classes", "list", "--faq", command[3], "--database", command[5]])
    assert result.output == (
        "A  2026-12-09 10:00〜12:00  はじめてのスマホ  2/10人\n"
        "B  2026-12-10 10:00〜12:00  LINE入門  1/10人\n"
    )


def test_a_class_title_that_would_start_a_formula_is_quoted_in_the_roster_csv(runner, small_faq, tmp_path):
    import csv

    title = "=cmd|' /C calc'!A0"
    (small_faq / "classes.csv").write_text(f"NO,イベント名,開始日,開始時間,終了時間,場所名称,定員\nA,\"{title}\",2026-12-09,10:00,12:00,公民館,10\n",
                                           encoding="utf-8")
    url = f"sqlite:///{tmp_path}/bot.sqlite3"
    Storage(url).book(class_no="A", class_date="2026-12-09", capacity=10, resident="r1", user_token=None)
    target = tmp_path / "roster.csv"
    result = runner.invoke(cli, ["classes", "roster", "A", "--faq", str(small_faq), "--database", url, "--csv", str(target)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(target.read_bytes().decode("utf-8-sig").splitlines()))
    assert rows[0] == ["受付番号", "申し込み日時", "参加者番号", "教室"]
    assert rows[1][3] == "'" + title + " 12月9日（水）10:00〜12:00"
