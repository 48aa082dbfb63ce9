import pytest
from linebot.v3.webhook import WebhookParser

import line_events as ev
from bot.conversation import reply_to_event


def parsed(event: dict):
    body = ev.body_of(event)
    (parsed_event,) = WebhookParser(ev.CHANNEL_SECRET).parse(body.decode(), ev.sign(body))
    return parsed_event


def test_a_text_message_is_answered_from_the_faq(responder):
    reply = reply_to_event(parsed(ev.text("マイナンバーカードをなくした")), responder)
    assert (reply.status, reply.match.id) == ("answer", "mynumber-lost")


def test_a_postback_follows_its_button(responder):
    reply = reply_to_event(parsed(ev.postback("entry:mynumber-lost")), responder)
    assert reply == responder.entry(responder.faq.entry("mynumber-lost"))


def test_a_follow_is_greeted(responder):
    assert reply_to_event(parsed(ev.follow()), responder) == responder.greeting()


@pytest.mark.parametrize("kind", ["sticker", "image", "video", "audio", "file", "location"])
def test_media_gets_the_unsupported_reply(responder, kind):
    assert reply_to_event(parsed(ev.media(kind)), responder) == responder.unsupported()


@pytest.mark.parametrize("event", [ev.unfollow(), ev.join(), ev.leave()], ids=["unfollow", "join", "leave"])
def test_membership_events_get_no_reply(responder, event):
    assert reply_to_event(parsed(event), responder) is None
