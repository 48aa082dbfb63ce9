"""The rich menu: big buttons under the chat, one per category and one for 職員に聞きたい.

The image is drawn from the FAQ's category names, so it follows staff's files. Drawing
Japanese needs a Japanese font: one installed on the machine is found, or ``--font`` names
one; a ready-made image can be given instead.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from linebot.v3.messaging import (
    PostbackAction,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
)
from linebot.v3.messaging.exceptions import ApiException
from urllib3.exceptions import HTTPError as TransportError

from ..content.faq import Faq
from ..dialogue.replies import CONTACT_LABEL
from ..errors import FontNotFound, ImageTooLarge, LineRefused
from ..line_limits import RICH_MENU_IMAGE_BYTES, fit_label
from .api import blob_api, messaging_api

WIDTH = 2500
ROW_HEIGHT = 843
COLUMNS = 3
MAX_CATEGORIES = 5  # with 職員に聞きたい, two rows of three
COLOURS = ["#1b6ac9", "#12876f", "#b5460f", "#6a3fb5", "#a01d5b"]
CONTACT_COLOUR = "#4a4a4a"

FONT_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    "/usr/share/fonts/truetype/takao-gothic/TakaoPGothic.ttf",
    "/System/Library/Fonts/ヒラギノ角ゴシック W6.ttc",
    "/System/Library/Fonts/Hiragino Sans GB.ttc",
    "C:/Windows/Fonts/BIZ-UDGothicB.ttc",
    "C:/Windows/Fonts/meiryob.ttc",
    "C:/Windows/Fonts/meiryo.ttc",
    "C:/Windows/Fonts/msgothic.ttc",
]


@dataclass(frozen=True)
class MenuButton:
    label: str
    data: str
    colour: str


def menu_buttons(faq: Faq) -> list[MenuButton]:
    buttons = [
        MenuButton(c.name, f"category:{c.file}", COLOURS[n % len(COLOURS)])
        for n, c in enumerate(faq.categories[:MAX_CATEGORIES])
    ]
    return buttons + [MenuButton(CONTACT_LABEL, "contact", CONTACT_COLOUR)]


def bounds(count: int) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """Image width, height and one (x, y, width, height) box per button, left to right, top down."""
    columns = 2 if count == 4 else min(COLUMNS, count)  # four buttons look best as 2 × 2
    rows = -(-count // columns)
    cell = WIDTH // columns
    boxes = []
    for n in range(count):
        row, column = divmod(n, columns)
        width = WIDTH - cell * (columns - 1) if column == columns - 1 else cell
        boxes.append((column * cell, row * ROW_HEIGHT, width, ROW_HEIGHT))
    return WIDTH, rows * ROW_HEIGHT, boxes


def _draws_japanese(font) -> bool:
    from PIL import Image, ImageDraw

    def ink(text: str) -> bytes:
        image = Image.new("L", (120, 120))
        ImageDraw.Draw(image).text((10, 10), text, font=font, fill=255)
        return image.tobytes()

    # A font without Japanese draws every kana as the same "missing glyph" box.
    return ink("マ") != ink("\U0010fffd") and ink("マ") != ink("ス")


def _packaged_fonts() -> list[Path]:
    """Noto Sans CJK JP from PyPI (``pip install '.[richmenu]'``), for servers without fonts."""
    try:
        import noto_cjk_sans_jp_bold
    except ImportError:
        return []
    return [Path(str(noto_cjk_sans_jp_bold.FONT_PATH))]


def find_font(explicit: Path | None = None) -> Path:
    from PIL import ImageFont

    candidates = [explicit] if explicit else [Path(p) for p in FONT_CANDIDATES] + _packaged_fonts()
    for path in candidates:
        if path.is_file():
            try:
                font = ImageFont.truetype(str(path), 80)
            except OSError:
                continue
            if _draws_japanese(font):
                return path
    if explicit:
        raise FontNotFound(f"{explicit} は日本語を表示できるフォントではありません — 日本語フォント（例: Noto Sans CJK JP、IPAexゴシック）を --font で指定してください")
    raise FontNotFound("日本語フォントが見つかりません — pip install '.[richmenu]' でフォントを入れるか、--font でフォントファイル（.ttf / .otf / .ttc）を、--image で画像を指定してください")


def _wrap(text: str, font, width: int) -> list[str]:
    """Lines that fit ``width``: cut after 「・」 or a particle where possible, not inside a word."""
    if font.getlength(text) <= width:
        return [text]
    for mark in ("・", "の", "に", "と"):
        cut = text.find(mark)
        if 0 < cut < len(text) - 1:
            head, tail = text[: cut + 1], text[cut + 1 :]
            if font.getlength(head) <= width and font.getlength(tail) <= width:
                return [head.rstrip("・"), tail]
    lines, current = [], ""
    for char in text:
        if current and font.getlength(current + char) > width:
            lines.append(current)
            current = ""
        current += char
    return lines + [current]


def _fitted(label: str, font_path: Path, width: int, height: int):
    """The largest letters (150 px down to 60) at which the label fits the tile; one line first."""
    from PIL import ImageFont

    for size in range(150, 59, -10):
        font = ImageFont.truetype(str(font_path), size)
        if font.getlength(label) <= width:
            if size >= 100:
                return font, [label]
            break
    for size in range(130, 59, -10):
        font = ImageFont.truetype(str(font_path), size)
        lines = _wrap(label, font, width)
        if len(lines) * size * 1.25 <= height:
            return font, lines
    return font, _wrap(label, font, width)


def draw_image(buttons: list[MenuButton], font_path: Path) -> bytes:
    """A PNG with one coloured tile per button and its label in large letters."""
    from PIL import Image, ImageDraw

    width, height, boxes = bounds(len(buttons))
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for button, (x, y, w, h) in zip(buttons, boxes):
        draw.rounded_rectangle((x + 12, y + 12, x + w - 12, y + h - 12), radius=48, fill=button.colour)
        font, lines = _fitted(button.label, font_path, w - 120, h - 120)
        size = font.size
        top = y + (h - len(lines) * size * 1.25) / 2
        for n, line in enumerate(lines):
            draw.text((x + w / 2, top + n * size * 1.25), line, font=font, fill="white", anchor="ma")
    output = io.BytesIO()
    image.save(output, "PNG", optimize=True)
    return output.getvalue()


def rich_menu_request(buttons: list[MenuButton], chat_bar_text: str = "メニュー") -> RichMenuRequest:
    width, height, boxes = bounds(len(buttons))
    return RichMenuRequest(
        size=RichMenuSize(width=width, height=height),
        selected=True,
        name="FAQ categories",
        chatBarText=chat_bar_text,
        areas=[
            RichMenuArea(
                bounds=RichMenuBounds(x=x, y=y, width=w, height=h),
                action=PostbackAction(label=fit_label(button.label), data=button.data, displayText=button.label),
            )
            for button, (x, y, w, h) in zip(buttons, boxes)
        ],
    )


def publish(request: RichMenuRequest, image: bytes, content_type: str, *, endpoint: str, data_endpoint: str,
            access_token: str) -> str:
    """Create the menu, upload its image and make it every friend's default; returns its id.

    Raises :class:`~bot.errors.LineRefused` when LINE says no or cannot be reached.
    """
    if len(image) > RICH_MENU_IMAGE_BYTES:
        raise ImageTooLarge(f"画像が {len(image):,} バイトあります — LINE のリッチメニュー画像は 1MB までです")
    api = messaging_api(endpoint, access_token)
    blob = blob_api(data_endpoint, access_token)
    try:
        menu_id = api.create_rich_menu(request).rich_menu_id
        blob.set_rich_menu_image(menu_id, image, _headers={"Content-Type": content_type})
        api.set_default_rich_menu(menu_id)
    except ApiException as error:
        raise LineRefused("リッチメニューを登録", error.status) from None
    except TransportError as error:
        raise LineRefused("リッチメニューを登録", type(error).__name__) from None
    return menu_id
