import io

import line_events as ev
import pytest
from PIL import Image

from bot.cli import cli
from bot.errors import FontNotFound
from bot.line.richmenu import MAX_CATEGORIES, bounds, draw_image, find_font, menu_buttons


def png(width=2500, height=1686) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (width, height), "navy").save(output, "PNG")
    return output.getvalue()


def test_four_buttons_make_a_two_by_two_grid():
    width, height, boxes = bounds(4)
    assert (width, height) == (2500, 1686)
    assert boxes == [(0, 0, 1250, 843), (1250, 0, 1250, 843), (0, 843, 1250, 843), (1250, 843, 1250, 843)]


def test_five_buttons_make_two_rows_of_three():
    assert bounds(5)[2] == [(0, 0, 833, 843), (833, 0, 833, 843), (1666, 0, 834, 843), (0, 843, 833, 843), (833, 843, 833, 843)]


def test_three_buttons_make_one_compact_row():
    assert bounds(3)[:2] == (2500, 843)


def test_the_menu_has_each_category_then_staff(faq):
    assert [b.data for b in menu_buttons(faq)] == [f"category:{c.file}" for c in faq.categories] + ["contact"]


def test_a_file_that_is_not_a_font_is_refused(tmp_path):
    fake = tmp_path / "font.ttf"
    fake.write_bytes(b"not a font at all")
    with pytest.raises(FontNotFound, match="日本語を表示できるフォントではありません"):
        find_font(fake)


def test_a_japanese_font_is_found_without_system_fonts():
    # The test extra installs Noto Sans CJK JP from PyPI, as '.[richmenu]' does on a server.
    assert find_font().suffix in (".otf", ".ttf", ".ttc")


def test_the_drawn_image_has_the_menu_size_and_fits_line(faq):
    picture = draw_image(menu_buttons(faq), find_font())
    assert Image.open(io.BytesIO(picture)).size == (2500, 1686)
    assert len(picture) < 1024 * 1024


def test_a_long_label_breaks_after_the_middle_dot_not_inside_a_word():
    from PIL import ImageFont

    from bot.line.richmenu import _wrap

    font = ImageFont.truetype(str(find_font()), 100)
    assert _wrap("スマホ教室・スマホの使い方", font, 710) == ["スマホ教室", "スマホの使い方"]


def test_richmenu_save_draws_without_sending(runner, tmp_path, fake_api, faq):
    target = tmp_path / "menu.png"
    result = runner.invoke(cli, ["richmenu", "--save", str(target)])
    buttons = min(len(faq.categories), MAX_CATEGORIES) + 1  # the categories, then 職員に聞きたい
    assert (result.exit_code, result.output) == (0, f"画像を保存しました: {target}（{buttons}個のボタン）\n")
    assert Image.open(target).size == (2500, 1686)
    assert fake_api.requests == []


def test_richmenu_creates_uploads_and_sets_the_default(runner, fake_api, tmp_path, monkeypatch):
    image = tmp_path / "menu.png"
    image.write_bytes(png())
    monkeypatch.setenv("LINE_CHANNEL_SECRET", ev.CHANNEL_SECRET)
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", ev.ACCESS_TOKEN)
    monkeypatch.setenv("LINE_API_ENDPOINT", fake_api.url)
    result = runner.invoke(cli, ["richmenu", "--image", str(image)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "リッチメニューを登録し、全員の標準メニューにしました: richmenu-fake-1"
        "（マイナンバーカード、オンライン手続き、スマホ教室・スマホの使い方、職員に聞きたい）\n"
    )
    create, upload, default = fake_api.requests
    assert (create["path"], upload["path"], default["path"]) == (
        "/v2/bot/richmenu", "/v2/bot/richmenu/richmenu-fake-1/content", "/v2/bot/user/all/richmenu/richmenu-fake-1")
    assert [a["action"]["data"] for a in create["body"]["areas"]][-1] == "contact"
    assert create["body"]["size"] == {"width": 2500, "height": 1686}
    assert upload["headers"]["Content-Type"] == "image/png" and upload["body"] == image.read_bytes()


def test_richmenu_without_a_token_names_it(runner, tmp_path, monkeypatch):
    image = tmp_path / "menu.png"
    image.write_bytes(png())
    monkeypatch.setenv("LINE_CHANNEL_SECRET", "s")
    monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN", raising=False)
    result = runner.invoke(cli, ["richmenu", "--image", str(image)])
    assert result.exit_code == 1
    assert "LINE_CHANNEL_ACCESS_TOKEN が設定されていません" in result.output


def test_richmenu_refused_by_line_says_the_status_in_japanese(runner, fake_api, tmp_path, monkeypatch):
    image = tmp_path / "menu.png"
    image.write_bytes(png())
    monkeypatch.setenv("LINE_CHANNEL_SECRET", ev.CHANNEL_SECRET)
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "a-wrong-token")
    monkeypatch.setenv("LINE_API_ENDPOINT", fake_api.url)
    result = runner.invoke(cli, ["richmenu", "--image", str(image)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "LINE にリッチメニューを登録できませんでした（401）— アクセストークンと LINE_API_ENDPOINT を確認してください\n"
