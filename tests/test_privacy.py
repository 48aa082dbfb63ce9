import pytest

from bot.privacy import contains_my_number, redact, resident_key

MY_NUMBERS = [
    "123456789012",
    "1234 5678 9012",
    "1234-5678-9012",
    "１２３４５６７８９０１２",
    "１２３４　５６７８　９０１２",
    "１２３４－５６７８－９０１２",
    "1234ー5678ー9012",
]


@pytest.mark.parametrize("number", MY_NUMBERS)
def test_a_my_number_is_found_in_every_format(number):
    assert contains_my_number(f"わたしの番号は{number}です")


@pytest.mark.parametrize("number", MY_NUMBERS)
def test_a_my_number_is_masked_in_every_format(number):
    assert redact(f"番号は{number}です") == "番号は[マイナンバー]です"


@pytest.mark.parametrize("text", ["マイナンバーカードをなくした", "2026年11月22日に申請", "電話は0120-95-0178", "12345678901"])
def test_other_numbers_are_not_taken_for_a_my_number(text):
    assert not contains_my_number(text)


@pytest.mark.parametrize("phone", ["090-1234-5678", "09012345678", "03-1234-5678", "０３（１２３４）５６７８",
                                   "0120-95-0178", "+81 90 1234 5678", "0282 12 3456"])
def test_phone_numbers_are_masked(phone):
    assert redact(f"連絡先は{phone}です") == "連絡先は[電話番号]です"


@pytest.mark.parametrize("email", ["taro.yamada@example.jp", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "a+b@mail.example.co.jp"])
def test_email_addresses_are_masked(email):
    assert redact(f"メールは{email}です") == "メールは[メール]です"


@pytest.mark.parametrize("text, expected", [
    ("暗証番号は1234です", "暗証番号は[暗証番号]です"),
    ("暗証番号 ５６７８ を忘れた", "暗証番号 [暗証番号] を忘れた"),
    ("4321が暗証番号です", "[暗証番号]が暗証番号です"),
    ("パスワードはabc123でした", "パスワードは[暗証番号]でした"),
])
def test_a_pin_next_to_its_word_is_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", ["暗証番号を3回まちがえた", "2026年の暗証番号の変更", "暗証番号は4けたです", "スマホ教室は10時から"])
def test_text_without_secrets_is_kept(text):
    assert redact(text) == text


def test_the_resident_key_is_stable_keyed_and_not_the_id():
    key = resident_key("U4af4980629a1b2c3", b"k1")
    assert key == resident_key("U4af4980629a1b2c3", b"k1")
    assert key != resident_key("U4af4980629a1b2c3", b"k2")
    assert "U4af" not in key and len(key) == 32
