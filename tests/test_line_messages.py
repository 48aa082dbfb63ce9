from bot.dialogue.replies import Button, Reply
from bot.line.messages import line_messages, split_text
from bot.line_limits import utf16_length


def test_a_short_text_is_one_message():
    assert split_text("こんにちは\nさくら町です") == ["こんにちは\nさくら町です"]


def test_a_long_text_is_cut_between_lines_within_5000_utf16_units():
    text = ("あ" * 99 + "\n") * 120
    pieces = split_text(text)
    assert len(pieces) == 3
    assert all(utf16_length(p) <= 5000 for p in pieces)
    assert all(p.endswith("あ") for p in pieces)
    assert "".join(p + "\n" for p in pieces) == text


def test_emoji_count_twice_toward_the_limit():
    pieces = split_text("😀" * 3000)
    assert [utf16_length(p) for p in pieces] == [5000, 1000]


def test_a_reply_never_has_more_than_five_messages():
    pieces = split_text("い" * 40000)
    assert len(pieces) == 5
    assert pieces[-1].endswith("…") and utf16_length(pieces[-1]) <= 5000


def test_buttons_ride_on_the_last_message_as_postbacks():
    reply = Reply("answer", "う" * 6000, (Button("メニュー", "menu"), Button("職員に聞きたい", "contact")))
    first, last = line_messages(reply)
    assert first.quick_reply is None
    actions = [item.action for item in last.quick_reply.items]
    assert [(a.type, a.label, a.data, a.display_text) for a in actions] == [
        ("postback", "メニュー", "menu", "メニュー"),
        ("postback", "職員に聞きたい", "contact", "職員に聞きたい"),
    ]


def test_at_most_13_quick_reply_buttons_with_labels_cut_to_20():
    buttons = tuple(Button(f"とても長いボタンの名前がここに入ります{n}", f"entry:e{n}") for n in range(20))
    items = line_messages(Reply("none", "えらんでください", buttons))[0].quick_reply.items
    assert len(items) == 13
    assert all(len(i.action.label) <= 20 for i in items)


def test_a_button_whose_data_would_exceed_300_characters_is_left_out():
    reply = Reply("none", "x", (Button("長い", "entry:" + "a" * 300), Button("メニュー", "menu")))
    assert [i.action.data for i in line_messages(reply)[0].quick_reply.items] == ["menu"]
