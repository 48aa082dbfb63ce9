from pathlib import Path

from bot.content.faq import Category, Entry, Faq, Settings
from bot.content.loader import load_faq
from bot.dialogue.replies import BUTTON_LIMIT, Responder


def town_with(categories: int) -> Responder:
    made = tuple(
        Category(f"分類{n}", f"{n:02d}-c.yaml", (Entry(f"e{n}", f"質問{n}は？", "答え。", f"分類{n}"),))
        for n in range(categories)
    )
    return Responder(Faq(made, {}, Settings(municipality="テスト町")))


def test_a_menu_with_few_categories_shows_them_all_and_staff():
    reply = town_with(3).menu()
    assert [b.action for b in reply.buttons] == ["category:00-c.yaml", "category:01-c.yaml", "category:02-c.yaml", "contact"]


def test_a_menu_with_more_categories_than_fit_pages_with_next():
    responder = town_with(25)
    first = responder.menu()
    assert len(first.buttons) == BUTTON_LIMIT
    assert [b.label for b in first.buttons][-2:] == ["つぎへ", "職員に聞きたい"]
    second = responder.action(first.buttons[-2].action)
    assert second.buttons[0].action == "category:11-c.yaml"
    third = responder.action(second.buttons[-2].action)
    assert [b.action for b in third.buttons][:3] == ["category:22-c.yaml", "category:23-c.yaml", "category:24-c.yaml"]
    assert third.buttons[-2].action == "menu:0"  # back to the first page


def test_every_category_is_reachable_from_the_menu():
    responder = town_with(25)
    seen, page = set(), responder.menu()
    for _ in range(5):
        seen |= {b.action for b in page.buttons if b.action.startswith("category:")}
        page = responder.action(page.buttons[-2].action)
    assert len(seen) == 25


KAEDE = Path(__file__).parent / "data" / "kaede" / "faq"


def test_an_unanswered_question_offers_its_plausible_entry_first():
    responder = Responder(load_faq(KAEDE))
    # From another town's question set: the right entry (kd-on-tax-epay) comes first, but not
    # clearly enough to answer.
    reply = responder.answer("住民税 PayPayで払える？")
    assert reply.status == "none"
    assert "もしかして" in reply.text
    assert reply.buttons[0].action == "entry:kd-on-tax-epay"
    assert reply.buttons[-1].action == "contact"


def test_an_unanswered_question_offers_up_to_three_plausible_entries():
    responder = Responder(load_faq(KAEDE))
    # From another town's question set: the right entry (kd-mn-smartphone-cert) comes second.
    reply = responder.answer("マイナカード スマホに入れたい iPhoneでもいける？")
    assert reply.status == "none"
    assert "もしかして、つぎのどれかのことですか？" in reply.text
    offered = [b.action for b in reply.buttons if b.action.startswith("entry:")]
    assert 2 <= len(offered) <= 3 and "entry:kd-mn-smartphone-cert" in offered
    assert reply.buttons[-1].action == "contact"


def test_an_off_topic_question_gets_no_suggestion(responder):
    reply = responder.answer("今日の天気は")
    assert reply.status == "none"
    assert "もしかして" not in reply.text
    assert not any(b.action.startswith("entry:") for b in reply.buttons)
