"""End to end, the inputs of issue 10 through the real gunicorn server and the fake Messaging API:
numbers residents should not have sent are masked and kept nowhere; odd input gets an answer
and never a traceback."""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from pathlib import Path

import line_events as ev
import pytest
from conftest import SHIPPED_FAQ, server_env, wait_until
from fake_line import reply_problems
from gunicorn_server import GunicornServer
from test_line_service import buttons, post, send, texts

from bot.cli import cli
from bot.privacy import MY_NUMBER_MASK

pytestmark = pytest.mark.e2e

WARNING = "マイナンバー（12けたの番号）は、ここに送らないでください"
MY_NUMBERS = ["4829  1736  5026", "4829 - 1736 - 5027", "4829/1736/5028", "4829,1736,5030", "4829_1736_5031",
              "四八二九一七三六五〇二九", "番号は4829で、次が1736、最後は5032です", "４８２９　１７３６　５０３３"]
OTHER_SECRETS = ["090 - 3141 - 5934", "+81 90 3141 5935", "hanako@localhost", "山田はなこ@example.jp",
                 "暗証番号 7 3 9 5", "暗証番号を忘れました。たぶん番号は7396です", "パスワードはSakura2024です"]
KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")


def secret_forms(secret: str) -> set[str]:
    """What must not be found anywhere: the text as typed, its digits, each group of 4 or more
    digits, and the address and its local part."""
    normal = unicodedata.normalize("NFKC", secret).translate(KANJI_DIGITS)
    forms = {secret, normal}
    digits = "".join(c for c in normal if c.isdigit())
    if len(digits) >= 4:
        forms |= {digits, digits[-4:]} | set(re.findall(r"\d{4,}", normal))
    if "@" in normal:
        forms |= {re.sub(r"^.*?([^\s:]+@\S+?)(?:です)?$", r"\1", normal), normal.split("@")[0].split()[-1]}
    if "Sakura2024" in secret:
        forms.add("Sakura2024")
    return forms


def found_in(data: bytes, form: str) -> bool:
    """``form`` in ``data``, except inside the hex of a pseudonym (32 hex digits may hold any 4 digits)."""
    return re.search(rb"(?<![0-9a-f])" + re.escape(form.encode()) + rb"(?![0-9a-f])", data) is not None


def database_path(server) -> Path:
    return Path(server.env["DATABASE_URL"].removeprefix("sqlite:///"))


def stored_bytes(server) -> bytes:
    """Every byte of the SQLite database, its -wal and -shm files included: a form deleted from a
    row may live on in a free page or the log."""
    database = database_path(server)
    return b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))


def stored_rows(server) -> bytes:
    """Every row of the database as SQL text. A short form (the last 4 digits of a number) is
    looked for here rather than in the raw bytes, where 4 bytes of a float, a checksum or a page
    header spell any 4 digits now and then."""
    with sqlite3.connect(database_path(server)) as connection:
        return "\n".join(connection.iterdump()).encode()


def places_of(form: str, places: dict[str, bytes]) -> dict[str, bytes]:
    """Where ``form`` must not be found: a form of 8 bytes or more anywhere, a shorter one in the
    rows, the log and the report."""
    if len(form.encode()) >= 8:
        return places
    return {place: data for place, data in places.items() if place != "database"}


def report_csv(server, tmp_path: Path) -> bytes:
    from click.testing import CliRunner

    target = tmp_path / "report.csv"
    result = CliRunner().invoke(cli, ["report", "--faq", str(SHIPPED_FAQ), "--database", server.env["DATABASE_URL"],
                                      "--csv", str(target)])
    assert result.exit_code == 0, result.output
    return target.read_bytes() + result.output.encode()


@pytest.mark.parametrize("number", MY_NUMBERS)
def test_a_my_number_in_any_typing_is_answered_with_the_warning(server, fake_api, number):
    request = send(server, fake_api, ev.text(f"マイナンバーは {number} です"))
    assert texts(request).startswith(WARNING)


@pytest.mark.parametrize("secret", OTHER_SECRETS)
def test_a_phone_address_or_pin_gets_a_normal_reply(server, fake_api, secret):
    request = send(server, fake_api, ev.text(f"マイナンバーカードをなくした。{secret}"))
    assert reply_problems(request["body"]) == []
    assert not texts(request).startswith(WARNING)


def test_nothing_of_the_numbers_is_kept_in_the_database_the_log_or_the_report(server, fake_api, tmp_path):
    for secret in MY_NUMBERS + OTHER_SECRETS:
        # Alone (so it lands among the unanswered questions of the report) and inside a question.
        for message in (secret, f"マイナンバーカードをなくした。{secret}に連絡ください"):
            assert reply_problems(send(server, fake_api, ev.text(message))["body"]) == []
    places = {"database": stored_bytes(server), "database rows": stored_rows(server), "log": server.log().encode(),
              "report CSV": report_csv(server, tmp_path)}
    assert "[メール]".encode() in places["database rows"] and "[暗証番号]".encode() in places["database rows"]
    for secret in MY_NUMBERS + OTHER_SECRETS:
        for form in secret_forms(secret):
            for place, data in places_of(form, places).items():
                assert not found_in(data, form), f"{form!r} of {secret!r} found in the {place}"
    assert MY_NUMBER_MASK.encode() not in places["database"]  # a message with a My Number is not logged at all


def test_signed_json_nested_50000_deep_is_refused_with_400(server, fake_api):
    body = b'{"destination": "Ubot", "events": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
    assert post(server, body)[0] == 400
    assert texts(send(server, fake_api, ev.text("メニュー")))  # both workers still answer


def ascii_body(*events: dict) -> bytes:
    """The body with every non-ASCII character as a JSON escape, as a lone surrogate can only travel."""
    return json.dumps({"destination": "Ubot0000000000000000000000000000", "events": list(events)}).encode()


@pytest.mark.parametrize("odd", ["\ud800", "\udfff", "\x00"])
def test_a_text_with_a_lone_surrogate_or_nul_gets_a_friendly_reply(server, fake_api, odd):
    event = ev.text(f"マイナンバーカードを{odd}なくした")
    request = send(server, fake_api, event, body=ascii_body(event))
    assert reply_problems(request["body"]) == [] and texts(request)


@pytest.mark.parametrize("data", ["menu:²", "feedback:yes:²", "feedback:no:" + "9" * 26, "class:cancel:" + "1" * 26,
                                  "class:book:" + "N" * 290, "entry:", "category:../../etc/passwd", "\ud800", "x" * 300])
def test_a_malformed_postback_gets_a_friendly_reply(server, fake_api, data):
    event = ev.postback(data)
    request = send(server, fake_api, event, body=ascii_body(event))
    assert reply_problems(request["body"]) == [] and texts(request)


def test_feedback_on_another_residents_question_is_answered_and_not_stored(server, fake_api):
    from bot.storage import Storage

    storage = Storage(server.env["DATABASE_URL"])
    asked = send(server, fake_api, ev.text("マイナンバーカードをなくした"))
    unsolved = dict(buttons(asked))["解決しない"]
    question_id = int(unsolved.rsplit(":", 1)[1])
    other = {"type": "user", "userId": "U" + "7" * 32}
    assert "0000-00-0000" in texts(send(server, fake_api, ev.postback(unsolved, source=other)))
    assert [f for f in storage.feedback_since(0) if f[0] == question_id] == []
    send(server, fake_api, ev.postback(unsolved))  # the resident's own tap is kept
    assert [f[2] for f in storage.feedback_since(0) if f[0] == question_id] == [False]


FORMULAS = ['=HYPERLINK("http://evil.example/x","くわしくはこちら")', "=cmd|' /C calc'!A0", "@SUM(1,1)", "+1+2", "-1+2"]


def test_formulas_residents_send_reach_the_report_csv_only_as_text(server, fake_api, tmp_path):
    import csv

    for formula in FORMULAS:
        assert reply_problems(send(server, fake_api, ev.text(formula))["body"]) == []
    target = tmp_path / "report.csv"
    report_csv(server, tmp_path)  # writes report.csv
    cells = [cell for row in csv.reader(target.read_bytes().decode("utf-8-sig").splitlines()) for cell in row]
    assert [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")] == []
    for formula in FORMULAS:
        assert any(formula in cell for cell in cells), formula


def test_no_traceback_in_the_server_log(server, fake_api):
    send(server, fake_api, ev.text("メニュー"))
    assert "Traceback" not in server.log()


@pytest.fixture
def editable_server(line_api, faq_copy, tmp_path):
    running = GunicornServer(server_env(line_api, tmp_path, faq_copy), tmp_path / "gunicorn.log").start()
    yield running, faq_copy
    running.stop()


def refused_by_both_workers(server, name: str) -> bool:
    lines = [line for line in server.log().splitlines() if "FAQ not reloaded" in line and name in line]
    return len({re.search(r"\[(\d+)\]", line).group(1) for line in lines}) == 2


@pytest.mark.parametrize("edit", ["a 300-character NO in classes.csv", "a 3 MB category file"])
def test_an_edit_that_line_or_memory_would_refuse_keeps_the_last_good_faq(editable_server, fake_api, edit):
    server, faq_dir = editable_server
    if edit.endswith("classes.csv"):
        name = "classes.csv"
        with open(faq_dir / name, "a", encoding="utf-8") as csv_file:
            csv_file.write("N" * 300 + ",長い番号の教室,,2027-01-20,2027-01-20,10:00,12:00,公民館,,,,,10,,,,,\n")
    else:
        name = "40-huge.yaml"
        (faq_dir / name).write_text("category: X\nentries:\n" + "  - id: x\n    question: q\n    answer: a\n" * 80_000, encoding="utf-8")
    wait_until(lambda: refused_by_both_workers(server, name))
    for _ in range(4):  # both workers answer the schedule question from the classes they had
        request = send(server, fake_api, ev.text("次のスマホ教室はいつ？"))
        assert reply_problems(request["body"]) == []
        assert "はじめてのスマホ" in json.dumps(request["body"]["messages"], ensure_ascii=False)
    assert name in " ".join(server.health()["last_error"])
    assert "Traceback" not in server.log()
