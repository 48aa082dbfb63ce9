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
