import pytest

from bot.line.webhook import MAX_NESTING, encodable, too_deep


def test_a_line_webhook_is_not_too_deep():
    body = '{"events": [{"message": {"mention": {"mentionees": [{"index": 0}]}, "emojis": [{"index": 1}]}}]}'
    assert not too_deep(body)


@pytest.mark.parametrize("body", ["[" * (MAX_NESTING + 1), '{"a":' * (MAX_NESTING + 1), "[" * 50_000 + "]" * 50_000])
def test_nesting_past_the_limit_is_too_deep(body):
    assert too_deep(body)


def test_brackets_inside_strings_do_not_count():
    assert not too_deep('{"text": "' + "[{" * 1000 + '\\"[[["}')


def test_lone_surrogates_and_nul_become_the_replacement_character_everywhere():
    payload = {"events": [{"text": "a\ud800b", "id\x00": ["\udfff", 7, None]}]}
    assert encodable(payload) == {"events": [{"text": "a\ufffdb", "id\ufffd": ["\ufffd", 7, None]}]}


def test_a_surrogate_pair_is_one_character_and_stays():
    assert encodable("😀") == "😀"
