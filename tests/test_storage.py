import multiprocessing

import pytest

from bot.storage import LARGEST_ID, Storage


def test_an_event_is_claimed_once(database_url):
    storage = Storage(database_url)
    assert storage.claim_event("01HEVENT") is True
    assert storage.claim_event("01HEVENT") is False
    assert storage.claim_event("01HOTHER") is True


def test_a_second_process_sees_the_claims_of_the_first(database_url):
    url = database_url
    Storage(url).claim_event("01HEVENT")
    assert Storage(url).claim_event("01HEVENT") is False


def test_old_event_ids_are_forgotten(database_url):
    storage = Storage(database_url)
    storage.claim_event("old", now=1000.0)
    storage.claim_event("new", now=5000.0)
    assert storage.forget_events_before(2000.0) == 1
    assert storage.claim_event("old") is True


def test_the_database_folder_is_created(tmp_path):
    Storage(f"sqlite:///{tmp_path}/var/deeper/bot.sqlite3")
    assert (tmp_path / "var" / "deeper" / "bot.sqlite3").exists()


def test_a_database_from_an_older_version_is_upgraded_in_place(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE questions (id INTEGER PRIMARY KEY, asked_at FLOAT NOT NULL, resident VARCHAR(64) NOT NULL,"
                    " question TEXT NOT NULL, status VARCHAR(16) NOT NULL, entry_id VARCHAR(200))")
        old.execute("INSERT INTO questions (asked_at, resident, question, status) VALUES (1.0, 'r', '前からの質問', 'none')")
    storage = Storage(f"sqlite:///{path}")
    (kept,) = storage.questions_since(0)
    assert (kept.question, kept.score, kept.candidates) == ("前からの質問", 0.0, [])
    storage.log_question(resident="r", question="新しい質問", status="answer", entry_id="x", score=80.0,
                         candidates=[{"id": "x", "score": 80.0}])
    assert storage.questions_since(0)[1].candidates == [{"id": "x", "score": 80.0}]


def _open(url: str, start, results) -> None:
    start.wait()  # every process has imported everything: they now race for the schema
    try:
        Storage(url).close()
        results.put("ok")
    except Exception as error:  # reported to the test, which names it
        results.put(f"{type(error).__name__}: {error}")


def test_eight_processes_creating_a_fresh_schema_at_once_all_succeed(database_url):
    context = multiprocessing.get_context("spawn")
    results, start = context.Queue(), context.Barrier(8)
    starters = [context.Process(target=_open, args=(database_url, start, results)) for _ in range(8)]
    for process in starters:
        process.start()
    outcomes = [results.get(timeout=120) for _ in starters]
    for process in starters:
        process.join()
    assert outcomes == ["ok"] * 8


def test_a_schema_already_there_is_left_as_it_is(database_url):
    storage = Storage(database_url)
    storage.claim_event("01HEVENT")
    again = Storage(database_url)
    assert again.claim_event("01HEVENT") is False


def test_an_event_id_far_longer_than_lines_is_claimed(database_url):
    storage = Storage(database_url)
    long_id = "01H" + "X" * 500
    assert storage.claim_event(long_id) is True
    assert storage.claim_event(long_id) is False


def test_a_class_no_of_300_characters_is_booked(database_url):
    storage = Storage(database_url)
    class_no = "教室" * 150
    outcome, booking = storage.book(class_no=class_no, class_date="2026-12-09", capacity=3, resident="r",
                                    user_token=None)
    assert (outcome, booking.class_no, storage.seats_taken(class_no)) == ("booked", class_no, 1)


def test_a_capacity_beyond_32_bits_still_books(database_url):
    storage = Storage(database_url)
    outcome, _ = storage.book(class_no="A", class_date="2026-12-09", capacity=10**20, resident="r", user_token=None)
    assert outcome == "booked"


@pytest.mark.parametrize("number", [LARGEST_ID + 1, 10**26, 0, -1])
def test_a_number_that_cannot_be_a_row_id_finds_nothing(database_url, number):
    storage = Storage(database_url)
    assert storage.question(number) is None
    assert storage.record_feedback(number, helpful=True) is False
    assert storage.cancel(number, "r") is None


def test_nul_and_a_lone_surrogate_are_kept_as_replacement_characters(database_url):
    storage = Storage(database_url)
    question_id = storage.log_question(resident="r", question="a\x00b\ud800c", status="none")
    assert storage.question(question_id).question == "ab\ufffdc"


def test_a_staff_name_of_100_characters_is_kept(database_url):
    storage = Storage(database_url)
    name = "職員" * 50
    assert storage.set_staff_password(name, "argon2-hash") is True
    assert storage.staff_account(name).name == name
