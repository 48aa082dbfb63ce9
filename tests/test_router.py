import pytest

from bot.dialogue.router import Command, command_key, read_postback, read_typed


@pytest.mark.parametrize("data, command", [
    ("menu", Command("menu")),
    ("menu:2", Command("menu", page=2)),
    ("contact", Command("contact")),
    ("none", Command("contact")),
    ("category:10-mynumber.yaml", Command("category", "10-mynumber.yaml")),
    ("category:10-mynumber.yaml:1", Command("category", "10-mynumber.yaml", page=1)),
    ("entry:mynumber-lost", Command("entry", "mynumber-lost")),
    ("class:list", Command("classes")),
    ("class:mine", Command("my-bookings")),
    ("class:book:2026-12-09-01", Command("book", "2026-12-09-01")),
    ("class:confirm:2026-12-09-01", Command("confirm-booking", "2026-12-09-01")),
    ("class:cancel:7", Command("cancel", "7")),
    ("class:cancel-ok:7", Command("confirm-cancel", "7")),
    ("feedback:yes:42", Command("feedback", "42", helpful=True)),
    ("feedback:no:42", Command("feedback", "42", helpful=False)),
])
def test_every_button_the_bot_makes_is_read_back(data, command):
    assert read_postback(data) == command


@pytest.mark.parametrize("data", [
    "menu:²", "menu:-1", "menu:12345", "feedback:yes:²", "feedback:maybe:1", "feedback:yes",
    "feedback:yes:" + "1" * 26, "class:cancel:abc", "class:cancel:" + "1" * 26, "class:book:",
    "class:fly", "entry:", "entry:Mynumber", "category:", "category:../secret", "unknown", "", "menu ",
])
def test_malformed_postback_data_is_invalid_not_an_error(data):
    assert read_postback(data) == Command("invalid")


@pytest.mark.parametrize("typed, kind", [
    ("メニュー", "menu"), ("ﾒﾆｭｰ。", "menu"), ("職員に聞きたい", "contact"), ("予約の確認", "my-bookings"),
    ("予約の確認？", "my-bookings"),
])
def test_command_words(faq, typed, kind):
    assert read_typed(typed, faq).kind == kind


def test_a_category_name_opens_the_category(faq):
    category = faq.categories[0]
    assert read_typed(category.name, faq) == Command("category", category.file)


def test_a_question_is_no_command(faq):
    assert read_typed("マイナンバーカードをなくした", faq) is None


def test_command_key_folds_width_and_end_marks():
    assert command_key("めにゅー？") == "めにゅー"
