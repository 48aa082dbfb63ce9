from bot.engine.textnorm import fold_reading, normalize, to_hiragana, to_katakana


def test_half_width_kana_becomes_full_width():
    assert normalize("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ") == "マイナンバーカード"


def test_full_width_letters_and_digits_become_ascii_lower_case():
    assert normalize("ＬＩＮＥ　１２３") == "line 123"


def test_dash_after_katakana_becomes_long_vowel():
    assert normalize("カ−ド") == "カード"


def test_repeated_marks_collapse():
    assert normalize("教えて！！！？？") == "教えて!?"


def test_to_hiragana_converts_katakana_only():
    assert to_hiragana("マイナ保険証") == "まいな保険証"


def test_fold_reading_ignores_small_kana_and_long_vowels():
    assert fold_reading("まいなんばーかーど") == fold_reading("マイナンバカード")


def test_to_katakana_converts_hiragana_only():
    assert to_katakana("えらー漢字ABC") == "エラー漢字ABC"
