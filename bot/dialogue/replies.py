"""What the resident receives: text and buttons, the same for LINE, `ask` and `chat`.

The matcher decides; this module words the decision in やさしい日本語 and picks the buttons.
Buttons name entries by id, so a button still works after staff reorder the files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ..classes import replies as class_replies
from ..classes.replies import SeatsTaken
from ..classes.search import ScheduleRequest, schedule_request
from ..clock import JST
from ..content.faq import Entry, Faq
from ..engine.matcher import Match, Matcher
from ..line_limits import QUICK_REPLY_ITEMS, fit_label
from ..privacy import contains_my_number
from .reply_types import Button, Reply
from .router import BOOKING_KINDS, Command, read_postback, read_typed

MENU_LABEL = "メニュー"
CONTACT_LABEL = "職員に聞きたい"
NONE_OF_THESE_LABEL = "どれでもない"
NEXT_PAGE_LABEL = "つぎへ"
# LINE shows at most 13 quick-reply buttons; every reply is built to fit, in every channel.
BUTTON_LIMIT = QUICK_REPLY_ITEMS
# A category page leaves room for つぎへ, メニュー and 職員に聞きたい.
CATEGORY_PAGE_SIZE = BUTTON_LIMIT - 3
SOLVED_LABEL = "解決した"
UNSOLVED_LABEL = "解決しない"
# An answer leaves room for 解決した / 解決しない, which LINE adds once the question is logged.
FEEDBACK_BUTTONS = 2

DEFAULT_MESSAGES = {
    "greeting": "こんにちは。{town}のデジタル相談ボットです。\nマイナンバーカード、オンラインの手続き、スマホ教室のことを、ふつうの言葉で聞いてください。\n例：「マイナンバーカードをなくした」「スマホ教室はいつ？」",
    "thanks": "どういたしまして。ほかにも聞きたいことがあれば、いつでも送ってください。",
    "fallback": "ごめんなさい。その質問の答えが見つかりませんでした。\n下のメニューからえらぶか、言葉をかえて聞いてください。",
    "choices": "こちらのどれですか？番号かボタンでえらんでください。",
    "menu": "聞きたいことをえらんでください。",
    "unknown_entry": "その質問は見つかりませんでした。メニューからえらんでください。",
    "my_number": "マイナンバー（12けたの番号）は、ここに送らないでください。\nこのボットは番号を使いませんし、このメッセージは記録していません。\n送ってしまったときは、そのメッセージを長押しして「送信取消」をえらぶと消せます。\n聞きたいことを、番号を入れずに送ってください。",
    "solved": "よかったです。ほかにも聞きたいことがあれば、いつでも送ってください。",
    "unsolved": "お役に立てず、ごめんなさい。\n職員がお答えします。下の窓口にお問い合わせください。",
    "unsupported": "ごめんなさい。スタンプや写真、音声などは読むことができません。\n聞きたいことを文字で送ってください。下のボタンからもえらべます。",
}


class Responder:
    """Turns a resident's message or button into a :class:`Reply`."""

    def __init__(self, faq: Faq, matcher: Matcher | None = None):
        self.faq = faq
        self.matcher = matcher or Matcher(faq)

    # -- wording --------------------------------------------------------------------------
    def message(self, key: str) -> str:
        town = self.faq.settings.municipality or "この町"
        return self.faq.settings.messages.get(key) or DEFAULT_MESSAGES[key].format(town=town)

    def contact_text(self) -> str:
        contact = self.faq.settings.contact
        lines = [self.faq.settings.messages["contact"]] if "contact" in self.faq.settings.messages else []
        lines.append(f"お問い合わせ：{contact.name}")
        if contact.phone:
            lines.append(f"電話：{contact.phone}")
        if contact.hours:
            lines.append(f"受付：{contact.hours}")
        return "\n".join(lines)

    def category_buttons(self, page: int = 0) -> tuple[Button, ...]:
        """The categories as buttons, leaving one place for 職員に聞きたい; a town with more
        categories than fit gets them page by page behind 「つぎへ」."""
        categories = self.faq.categories
        if len(categories) <= BUTTON_LIMIT - 1:
            return tuple(Button(fit_label(c.name), f"category:{c.file}") for c in categories)
        size = BUTTON_LIMIT - 2
        pages = -(-len(categories) // size)
        page = min(max(page, 0), pages - 1)
        shown = categories[page * size : (page + 1) * size]
        buttons = tuple(Button(fit_label(c.name), f"category:{c.file}") for c in shown)
        return buttons + (Button(NEXT_PAGE_LABEL, f"menu:{(page + 1) % pages}"),)

    def _standard_buttons(self) -> tuple[Button, ...]:
        return (Button(MENU_LABEL, "menu"), Button(CONTACT_LABEL, "contact"))

    # -- replies --------------------------------------------------------------------------
    def greeting(self) -> Reply:
        return Reply("none", self.message("greeting"), self.category_buttons())

    def menu(self, page: int = 0) -> Reply:
        return Reply("none", self.message("menu"), self.category_buttons(page) + (Button(CONTACT_LABEL, "contact"),))

    def contact(self) -> Reply:
        return Reply("none", self.contact_text(), (Button(MENU_LABEL, "menu"),))

    def my_number_warning(self) -> Reply:
        """The reply to a message that holds a My Number; the message itself is not kept."""
        return Reply("none", self.message("my_number"), self._standard_buttons())

    def with_feedback(self, reply: Reply, question_id: int) -> Reply:
        """An answer with 解決した / 解決しない buttons naming the logged question."""
        feedback = (Button(SOLVED_LABEL, f"feedback:yes:{question_id}"), Button(UNSOLVED_LABEL, f"feedback:no:{question_id}"))
        standard = len(self._standard_buttons())
        return replace(reply, buttons=reply.buttons[:-standard] + feedback + reply.buttons[-standard:])

    def feedback(self, helpful: bool) -> Reply:
        if helpful:
            return Reply("none", self.message("solved"), (Button(MENU_LABEL, "menu"),))
        return Reply("none", self.message("unsolved") + "\n\n" + self.contact_text(), (Button(MENU_LABEL, "menu"),))

    def unsupported(self) -> Reply:
        """The reply to a sticker, photo, voice message, video, file or location."""
        return Reply("none", self.message("unsupported"), self.category_buttons())

    def category(self, file: str, page: int = 0) -> Reply:
        category = self.faq.category(file)
        if category is None:
            return Reply("none", self.message("unknown_entry"), self.category_buttons())
        pages = max(1, -(-len(category.entries) // CATEGORY_PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        shown = category.entries[page * CATEGORY_PAGE_SIZE : (page + 1) * CATEGORY_PAGE_SIZE]
        buttons = tuple(Button(e.button_label, f"entry:{e.id}") for e in shown)
        if page + 1 < pages:
            buttons += (Button(NEXT_PAGE_LABEL, f"category:{category.file}:{page + 1}"),)
        if page == 0:
            text = f"「{category.name}」の質問です。えらんでください。"
        else:
            text = f"「{category.name}」の質問のつづきです（{page + 1}/{pages}）。"
        return Reply("none", text, buttons + self._standard_buttons())

    def entry(self, entry: Entry, match: Match | None = None) -> Reply:
        text = entry.answer.strip()
        if entry.links:
            text += "\n\n" + "\n".join(f"▶ {link.label}\n{link.url}" for link in entry.links)
        related = [r for r in (self.faq.entry(i) for i in entry.related) if r is not None]
        room = BUTTON_LIMIT - len(self._standard_buttons()) - FEEDBACK_BUTTONS
        buttons = tuple(Button(r.button_label, f"entry:{r.id}") for r in related[:room])
        return Reply("answer", text, buttons + self._standard_buttons(), match)

    def action(self, data: str, *, now: dt.datetime | None = None, seats_taken: SeatsTaken | None = None) -> Reply:
        """The reply to a tapped button (its postback data)."""
        return self.follow(read_postback(data), now=now, seats_taken=seats_taken)

    def follow(self, command: Command, *, now: dt.datetime | None = None, seats_taken: SeatsTaken | None = None,
               bookings: tuple = ()) -> Reply:
        """The reply to a button or a typed command word.

        Outside LINE nobody is signed in, so a resident has no ``bookings`` and cannot book;
        the LINE conversation handles those commands itself and gives the rest to this.
        """
        kind = command.kind
        if kind == "menu":
            return self.menu(command.page)
        if kind == "contact":
            return self.contact()
        if kind == "category":
            return self.category(command.target, command.page)
        if kind == "entry" and self.faq.entry(command.target) is not None:
            return self.entry(self.faq.entry(command.target))
        if kind == "classes":
            return self.class_schedule(ScheduleRequest(), now or dt.datetime.now(JST), seats_taken)
        if kind == "my-bookings":
            return class_replies.my_bookings(self.faq, list(bookings), now or dt.datetime.now(JST))
        if kind == "feedback":
            return self.feedback(command.helpful)
        if kind in BOOKING_KINDS:
            return Reply("none", "教室の申し込みと予約の確認は、LINE でできます。", (Button(MENU_LABEL, "menu"),))
        # An entry staff removed, or a button the bot never made.
        return Reply("none", self.message("unknown_entry"), self.category_buttons())

    def class_schedule(self, request: ScheduleRequest, now: dt.datetime, seats_taken: SeatsTaken | None = None,
                       match: Match | None = None) -> Reply:
        """Upcoming classes for a question about dates; ``status`` follows the FAQ match."""
        text, offers = class_replies.schedule(self.faq, request, now, seats_taken, self.contact_text())
        buttons = self._standard_buttons()
        if any(o.course.bookable for o in offers):
            buttons = (Button(class_replies.MY_BOOKINGS_LABEL, "class:mine"),) + buttons
        status = "answer" if match is not None and match.status == "answer" else "none"
        return Reply(status, text, buttons, match, offers)

    def answer(self, text: str, *, now: dt.datetime | None = None, seats_taken: SeatsTaken | None = None) -> Reply:
        """The reply to a typed message; ``now`` (Japan time) decides which classes are ahead."""
        if contains_my_number(text):
            return self.my_number_warning()
        command = read_typed(text, self.faq)
        if command is not None:
            return self.follow(command, now=now, seats_taken=seats_taken)
        now = now or dt.datetime.now(JST)
        request = schedule_request(text, now, self.faq.classes) if self.faq.classes else None
        match = self.matcher.match(text)
        if request is not None and (request.explicit or match.status != "answer"):
            return self.class_schedule(request, now, seats_taken, match)
        if match.status == "answer":
            return self.entry(self.faq.entry(match.id), match)
        if match.status == "choices":
            choices = self.matcher.choices(match)
            lines = [self.message("choices")] + [f"{n}. {c.question}" for n, c in enumerate(choices, 1)]
            buttons = tuple(Button(self.faq.entry(c.id).button_label, f"entry:{c.id}") for c in choices)
            return Reply("choices", "\n".join(lines), buttons + (Button(NONE_OF_THESE_LABEL, "none"),), match)
        if match.smalltalk == "thanks":
            return Reply("none", self.message("thanks"), self.category_buttons(), match)
        if match.smalltalk == "greeting":
            return Reply("none", self.message("greeting"), self.category_buttons(), match)
        text = self.message("fallback")
        buttons = self.category_buttons() + (Button(CONTACT_LABEL, "contact"),)
        suggested = self.matcher.suggestions(match)[: BUTTON_LIMIT - len(buttons)]
        if len(suggested) == 1:
            text += f"\n\nもしかして、「{suggested[0].question}」のことですか？"
        elif suggested:
            text += "\n\nもしかして、つぎのどれかのことですか？\n" + "\n".join(f"・{c.question}" for c in suggested)
        buttons = tuple(Button(self.faq.entry(c.id).button_label, f"entry:{c.id}") for c in suggested) + buttons
        return Reply("none", text + "\n\n" + self.contact_text(), buttons, match)
