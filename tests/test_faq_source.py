import os
import time
from pathlib import Path

import pytest

from bot.errors import FaqError
from bot.content.source import FaqSource
from bot.dialogue.replies import Responder


def save(path, text):
    path.write_text(text, encoding="utf-8")
    # A later mtime even on file systems with coarse timestamps.
    stamp = time.time() + 1
    os.utime(path, (stamp, stamp))


def settle(source):
    """Two looks: the first sees the change, the second (unchanged) loads it."""
    source.refresh()
    return source.refresh()


def answer_of(source, entry_id="card-lost"):
    return source.responder.faq.entry(entry_id).answer.strip()


def test_a_changed_file_is_loaded_once_it_has_settled(small_faq):
    source = FaqSource(small_faq, build=Responder)
    text = (small_faq / "10-test.yaml").read_text(encoding="utf-8")
    save(small_faq / "10-test.yaml", text.replace("フリーダイヤル", "コールセンター"))
    assert source.refresh() is False  # just saved: maybe still being written
    assert answer_of(source) == "フリーダイヤルに電話してください。"
    assert source.refresh() is True
    assert answer_of(source) == "コールセンターに電話してください。"


def test_nothing_is_reloaded_when_nothing_changed(small_faq):
    source = FaqSource(small_faq, build=Responder)
    loaded = source.loaded
    assert settle(source) is False
    assert source.loaded is loaded


def test_a_broken_edit_keeps_the_last_good_version_and_names_the_line(small_faq):
    source = FaqSource(small_faq, build=Responder)
    save(small_faq / "10-test.yaml", "category: テスト\nentries:\n  - id: card-lost\n    question: [\n")
    assert settle(source) is False
    assert answer_of(source) == "フリーダイヤルに電話してください。"
    assert [Path(p.file).name for p in source.last_error] == ["10-test.yaml"]
    assert source.last_error[0].line > 0


def test_an_edit_over_the_size_limit_keeps_the_last_good_version(small_faq):
    source = FaqSource(small_faq, build=Responder)
    save(small_faq / "20-huge.yaml", "category: X\nentries:\n" + "  - id: x\n    question: q\n    answer: a\n" * 100_000)
    assert settle(source) is False
    assert answer_of(source) == "フリーダイヤルに電話してください。"
    assert [(Path(p.file).name, p.line) for p in source.last_error] == [("20-huge.yaml", 1)]
    assert "ファイルが大きすぎます" in source.last_error[0].message


def test_fixing_the_edit_clears_the_error(small_faq):
    source = FaqSource(small_faq, build=Responder)
    good = (small_faq / "10-test.yaml").read_text(encoding="utf-8")
    save(small_faq / "10-test.yaml", good.replace("answer:", "anwser:"))
    settle(source)
    assert source.last_error
    save(small_faq / "10-test.yaml", good.replace("フリーダイヤル", "窓口"))
    assert settle(source) is True
    assert source.last_error == [] and answer_of(source) == "窓口に電話してください。"


def test_a_new_category_file_is_picked_up(small_faq):
    source = FaqSource(small_faq, build=Responder)
    save(small_faq / "20-more.yaml", "category: もっと\nentries:\n  - id: more\n    question: もっと？\n    answer: はい。\n")
    assert settle(source) is True
    assert [c.name for c in source.responder.faq.categories] == ["テスト", "もっと"]


def test_a_broken_folder_at_start_is_an_error(small_faq):
    (small_faq / "10-test.yaml").write_text("category: テスト\n", encoding="utf-8")
    with pytest.raises(FaqError):
        FaqSource(small_faq, build=Responder)


def test_the_watcher_reloads_in_the_background(small_faq):
    source = FaqSource(small_faq, build=Responder)
    source.watch(0.05)
    text = (small_faq / "10-test.yaml").read_text(encoding="utf-8")
    save(small_faq / "10-test.yaml", text.replace("フリーダイヤル", "コールセンター"))
    deadline = time.monotonic() + 5
    while answer_of(source) != "コールセンターに電話してください。" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert answer_of(source) == "コールセンターに電話してください。"


def test_a_restart_on_a_broken_folder_starts_from_the_last_good_copy(small_faq, tmp_path):
    snapshot = tmp_path / "last-good"
    FaqSource(small_faq, snapshot, build=Responder)
    (small_faq / "10-test.yaml").write_text("category: テスト\nentries:\n  - id: card-lost\n", encoding="utf-8")
    restarted = FaqSource(small_faq, snapshot, build=Responder)
    assert answer_of(restarted) == "フリーダイヤルに電話してください。"
    assert {Path(p.file).name for p in restarted.last_error} == {"10-test.yaml"}


def test_without_a_good_copy_a_broken_folder_stops_the_start(small_faq, tmp_path):
    (small_faq / "10-test.yaml").write_text("category: テスト\n", encoding="utf-8")
    with pytest.raises(FaqError):
        FaqSource(small_faq, tmp_path / "never-written", build=Responder)


def test_the_copy_follows_the_live_folder(small_faq, tmp_path):
    snapshot = tmp_path / "last-good"
    source = FaqSource(small_faq, snapshot, build=Responder)
    save(small_faq / "20-more.yaml", "category: もっと\nentries:\n  - id: more\n    question: もっと？\n    answer: はい。\n")
    settle(source)
    assert sorted(p.name for p in snapshot.iterdir()) == ["10-test.yaml", "20-more.yaml"]
