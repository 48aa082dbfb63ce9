from bot.storage import Storage


def test_an_event_is_claimed_once(tmp_path):
    storage = Storage(f"sqlite:///{tmp_path}/bot.sqlite3")
    assert storage.claim_event("01HEVENT") is True
    assert storage.claim_event("01HEVENT") is False
    assert storage.claim_event("01HOTHER") is True


def test_a_second_process_sees_the_claims_of_the_first(tmp_path):
    url = f"sqlite:///{tmp_path}/bot.sqlite3"
    Storage(url).claim_event("01HEVENT")
    assert Storage(url).claim_event("01HEVENT") is False


def test_old_event_ids_are_forgotten(tmp_path):
    storage = Storage(f"sqlite:///{tmp_path}/bot.sqlite3")
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
