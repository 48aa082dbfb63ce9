import time

import pytest
from linebot.v3.webhook import WebhookParser

import line_events as ev
from bot.dialogue.conversation import NOT_KEPT, Conversation
from bot.privacy import resident_key
from bot.storage import Storage

KEY = b"test-key"


def parsed(event: dict):
    body = ev.body_of(event)
    (parsed_event,) = WebhookParser(ev.CHANNEL_SECRET).parse(body.decode(), ev.sign(body))
    return parsed_event


@pytest.fixture
def storage(tmp_path):
    return Storage(f"sqlite:///{tmp_path}/bot.sqlite3")


@pytest.fixture
def conversation(storage):
    return Conversation(storage, KEY)


def logged(storage):
    return storage.questions_since(0)


def test_a_text_message_is_answered_with_feedback_buttons(conversation, responder):
    reply = conversation.reply_to(parsed(ev.text("マイナンバーカードをなくした")), responder)
    assert (reply.status, reply.match.id) == ("answer", "mynumber-lost")
    assert [b.label for b in reply.buttons][-4:] == ["解決した", "解決しない", "メニュー", "職員に聞きたい"]


def test_the_question_is_logged_with_a_keyed_resident_not_the_user_id(conversation, storage, responder):
    conversation.reply_to(parsed(ev.text("マイナンバーカードをなくした")), responder)
    (row,) = logged(storage)
    assert (row.question, row.status, row.entry_id) == ("マイナンバーカードをなくした", "answer", "mynumber-lost")
    assert row.resident == resident_key(ev.USER_ID, KEY) != ev.USER_ID
    assert row.candidates[0]["id"] == "mynumber-lost"


def test_a_my_number_gets_the_warning_and_nothing_of_it_is_kept(conversation, storage, responder):
    reply = conversation.reply_to(parsed(ev.text("番号は1234 5678 9012です。カードをなくした")), responder)
    assert reply.text.startswith("マイナンバー（12けたの番号）は、ここに送らないでください")
    (row,) = logged(storage)
    assert (row.question, row.status) == (NOT_KEPT, "blocked")


def test_a_phone_number_in_a_question_is_logged_masked(conversation, storage, responder):
    conversation.reply_to(parsed(ev.text("090-1234-5678に電話がほしい")), responder)
    assert logged(storage)[0].question == "[電話番号]に電話がほしい"


def test_solved_is_stored_against_the_question_and_entry(conversation, storage, responder):
    reply = conversation.reply_to(parsed(ev.text("マイナンバーカードをなくした")), responder)
    solved = next(b.action for b in reply.buttons if b.label == "解決した")
    thanks = conversation.reply_to(parsed(ev.postback(solved)), responder)
    assert thanks.text.startswith("よかったです")
    ((question_id, entry_id, helpful, _),) = storage.feedback_since(0)
    assert (question_id, entry_id, helpful) == (logged(storage)[0].id, "mynumber-lost", True)


def test_unsolved_offers_the_contact(conversation, storage, responder):
    reply = conversation.reply_to(parsed(ev.text("マイナンバーカードをなくした")), responder)
    unsolved = next(b.action for b in reply.buttons if b.label == "解決しない")
    sorry = conversation.reply_to(parsed(ev.postback(unsolved)), responder)
    assert "0000-00-0000" in sorry.text
    assert storage.feedback_since(0)[0][2] is False


OTHER_RESIDENT = {"type": "user", "userId": "U" + "9" * 32}


def test_feedback_on_another_residents_question_is_answered_and_not_stored(conversation, storage, responder):
    reply = conversation.reply_to(parsed(ev.text("マイナンバーカードをなくした")), responder)
    unsolved = next(b.action for b in reply.buttons if b.label == "解決しない")
    answer = conversation.reply_to(parsed(ev.postback(unsolved, source=OTHER_RESIDENT)), responder)
    assert answer.text.startswith("お役に立てず")  # the same reply: a tap tells nobody whose question it was
    assert storage.feedback_since(0) == []


def test_feedback_from_a_source_without_a_user_id_is_not_stored(conversation, storage, responder):
    reply = conversation.reply_to(parsed(ev.text("マイナンバーカードをなくした", source={"type": "room", "roomId": "R1"})), responder)
    solved = next(b.action for b in reply.buttons if b.label == "解決した")
    conversation.reply_to(parsed(ev.postback(solved, source={"type": "room", "roomId": "R1"})), responder)
    assert storage.feedback_since(0) == []


def test_feedback_on_a_question_no_longer_kept_is_still_answered(conversation, storage, responder):
    assert conversation.reply_to(parsed(ev.postback("feedback:no:999")), responder).text.startswith("お役に立てず")
    assert storage.feedback_since(0) == []


def test_questions_older_than_the_retention_period_are_deleted(conversation, storage, responder):
    storage.log_question(resident="r", question="昔の質問", status="none", now=time.time() - 181 * 24 * 3600)
    storage.log_question(resident="r", question="最近の質問", status="none", now=time.time() - 179 * 24 * 3600)
    conversation.reply_to(parsed(ev.text("暗証番号を忘れた")), responder)
    assert [q.question for q in logged(storage)] == ["最近の質問", "暗証番号を忘れた"]


def test_a_typed_command_word_is_followed_and_not_logged(conversation, storage, responder):
    reply = conversation.reply_to(parsed(ev.text("メニュー")), responder)
    assert reply == responder.menu()
    assert logged(storage) == []


@pytest.mark.parametrize("data", ["menu:²", "feedback:yes:²", "feedback:yes:" + "9" * 26, "class:cancel:" + "1" * 26,
                                  "magic:1", "entry:../etc", "", "category:"])
def test_a_malformed_postback_gets_the_friendly_reply(conversation, storage, responder, data):
    reply = conversation.reply_to(parsed(ev.postback(data)), responder)
    assert reply.text == responder.message("unknown_entry")
    assert storage.feedback_since(0) == []


def test_a_postback_follows_its_button(conversation, responder):
    reply = conversation.reply_to(parsed(ev.postback("entry:mynumber-lost")), responder)
    assert reply == responder.entry(responder.faq.entry("mynumber-lost"))


def test_a_follow_is_greeted(conversation, responder):
    assert conversation.reply_to(parsed(ev.follow()), responder) == responder.greeting()


@pytest.mark.parametrize("kind", ["sticker", "image", "video", "audio", "file", "location"])
def test_media_gets_the_unsupported_reply(conversation, responder, kind):
    assert conversation.reply_to(parsed(ev.media(kind)), responder) == responder.unsupported()


@pytest.mark.parametrize("event", [ev.unfollow(), ev.join(), ev.leave()], ids=["unfollow", "join", "leave"])
def test_membership_events_expect_no_reply(conversation, responder, event):
    assert not conversation.expects_reply(parsed(event))
    assert conversation.reply_to(parsed(event), responder) is None


GROUP = {"type": "group", "groupId": "C0000000000000000000000000000000", "userId": ev.USER_ID}


def test_in_a_group_a_message_without_a_mention_gets_no_reply(conversation):
    assert not conversation.expects_reply(parsed(ev.text("マイナンバーカードをなくした", source=GROUP)))


def test_in_a_group_a_message_that_mentions_the_bot_is_answered_without_the_mention(conversation, responder):
    event = ev.text("@さくら町ボット マイナンバーカードをなくした", source=GROUP)
    event["message"]["mention"] = {"mentionees": [{"index": 0, "length": 9, "type": "user", "userId": "Ubot", "isSelf": True}]}
    assert conversation.expects_reply(parsed(event))
    reply = conversation.reply_to(parsed(event), responder)
    assert reply.match.id == "mynumber-lost"


def test_an_unsent_message_is_deleted_from_the_log(conversation, storage, responder):
    kept, unsent = ev.text("スマホ教室の持ち物"), ev.text("山田花子です。カードをなくした")
    conversation.reply_to(parsed(kept), responder)
    conversation.reply_to(parsed(unsent), responder)
    conversation.observe(parsed(ev.unsend(unsent["message"]["id"])))
    assert [q.question for q in logged(storage)] == ["スマホ教室の持ち物"]


def typed_commands(faq):
    from bot.dialogue.router import CONTACT_WORDS, MENU_WORDS, MY_BOOKINGS_WORDS
    return sorted(MENU_WORDS | CONTACT_WORDS | MY_BOOKINGS_WORDS | {c.name for c in faq.categories})


def test_every_typed_command_gets_the_reply_ask_and_chat_give(conversation, responder):
    for word in typed_commands(responder.faq):
        assert conversation.reply_to(parsed(ev.text(word)), responder) == responder.answer(word), word
