import pytest

from bot.privacy import contains_my_number, message_key, redact, resident_key

MY_NUMBERS = [
    "123456789012",
    "1234 5678 9012",
    "1234-5678-9012",
    "１２３４５６７８９０１２",
    "１２３４　５６７８　９０１２",
    "１２３４－５６７８－９０１２",
    "1234ー5678ー9012",
    # the forms that once went through (issue 10)
    "4829  1736  5026",
    "4829 - 1736 - 5027",
    "4829/1736/5028",
    "4829.1736.5029",
    "4829,1736,5030",
    "4829_1736_5031",
    "四八二九一七三六五〇二九",
    # and their cousins
    "四八二九 一七三六 五〇二九",
    "四八二九-一七三六-五〇二九",
    "4829ｰ1736ｰ5026",
    "4829・1736・5026",
    "4829 . 1736 . 5026",
    "4829〜1736〜5026",
    "4829、1736、5026",
    "4829:1736:5026",
    "48291736 5026",
    "4 8 2 9 1 7 3 6 5 0 2 6",
    "０４８２　９１７３　６５０２",
    "٤٨٢٩١٧٣٦٥٠٢٦",
]


@pytest.mark.parametrize("number", MY_NUMBERS)
def test_a_my_number_is_found_in_every_format(number):
    assert contains_my_number(f"わたしの番号は{number}です")


@pytest.mark.parametrize("number", MY_NUMBERS)
def test_a_my_number_is_masked_in_every_format(number):
    assert redact(f"番号は{number}です") == "番号は[マイナンバー]です"


@pytest.mark.parametrize("text", [
    "番号は4829で、次が1736、最後は5026です",
    "4829 と 1736 と 5026 です",
    "マイナンバーは 4829\n1736\n5026",
])
def test_a_my_number_spread_over_the_message_is_found(text):
    assert contains_my_number(text)
    assert not any(group in redact(text) for group in ("4829", "1736", "5026"))


def test_a_my_number_next_to_a_phone_number_is_found_and_both_are_masked():
    text = "090 3141 5934 4829 1736 5026"
    assert contains_my_number(text)
    assert redact(text) == "[電話番号] [マイナンバー]"


def test_a_my_number_followed_by_a_counter_is_still_a_my_number():
    assert redact("番号は4829 1736 5026番です") == "番号は[マイナンバー]番です"


@pytest.mark.parametrize("text", [
    "マイナンバーカードをなくした", "2026年11月22日に申請", "電話は0120-95-0178", "12345678901",
    "2026年12月9日の10時から12時まで", "2026-12-09 と 2026-12-16 の教室", "2026/12/9 10:00〜12:00",
    "教室 2026-12-09-01 に 10 人", "料金は1,000円で、65歳以上は500円", "有効期限は10年、電子証明書は5年",
    "受付は8時30分から17時15分まで", "スマホ教室 12/9 と 12/16 と 1/13", "iPhone 12 と 13 と 14 の違い",
    "令和8年12月9日", "第2・第4土曜日の10時", "〒123-4567 さくら町1丁目2番3号",
    "0120-95-0178 に 10時 に電話しました", "188 と #9110", "暗証番号を3回まちがえた",
    "６５・７０・７５・８０・８５・９０歳の人", "離職理由コード１１・１２・２１・２２・３１・３２",
])
def test_other_numbers_are_not_taken_for_a_my_number(text):
    assert not contains_my_number(text)


@pytest.mark.parametrize("phone", ["090-1234-5678", "09012345678", "03-1234-5678", "０３（１２３４）５６７８",
                                   "+81 90 1234 5678", "0282 12 3456", "090 - 3141 - 5934", "090  3141  5934",
                                   "090/3141/5934", "090_3141_5934", "０９０ー３１４１ー５９３４", "〇九〇三一四一五九三四",
                                   "+81-90-3141-5934", "+81 (0)90 3141 5934", "+81 3 1234 5678"])
def test_phone_numbers_are_masked(phone):
    assert redact(f"連絡先は{phone}です") == "連絡先は[電話番号]です"


def test_a_phone_number_a_few_words_apart_is_masked():
    assert "5934" not in redact("電話は090の3141の5934です")


@pytest.mark.parametrize("number", ["0120-95-0178", "0120950178", "0800-123-4567", "0570-01-2345"])
def test_toll_free_and_navi_dial_numbers_stay_as_typed(number):
    # Companies' and offices' numbers (the bot gives 0120-95-0178 itself); staff see which one residents call.
    assert redact(f"{number}につながりません") == f"{number}につながりません"


@pytest.mark.parametrize("email", ["taro.yamada@example.jp", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ", "a+b@mail.example.co.jp",
                                   "hanako@localhost", "山田はなこ@example.jp", "たろう@例え.jp", "o'brien@example.com"])
def test_email_addresses_are_masked(email):
    assert redact(f"メールは{email}です") == "メールは[メール]です"


def test_an_email_address_with_japanese_letters_is_masked_up_to_a_delimiter():
    assert redact("送り先: 山田はなこ@example.jp です") == "送り先: [メール] です"


@pytest.mark.parametrize("text", ["=SUM(1,1)@", "@SUM(1,1)", "LINE の @sakura を友だちに", "メール@マーク"])
def test_an_at_sign_without_an_address_stays(text):
    assert redact(text) == text


@pytest.mark.parametrize("text, expected", [
    ("暗証番号は1234です", "暗証番号は[暗証番号]です"),
    ("暗証番号 ５６７８ を忘れた", "暗証番号 [暗証番号] を忘れた"),
    ("4321が暗証番号です", "[暗証番号]が暗証番号です"),
    ("パスワードはabc123でした", "パスワードは[暗証番号]でした"),
    ("暗証番号 7 3 9 5", "暗証番号 [暗証番号]"),
    ("暗証番号を忘れました。たぶん番号は7396です", "暗証番号を忘れました。たぶん番号は[暗証番号]です"),
    ("暗証番号は七三九五", "暗証番号は[暗証番号]"),
    ("PINコードは1234", "PINコードは[暗証番号]"),
    ("pin: 2580", "pin: [暗証番号]"),
    ("パスワードを忘れた。前のは Sakura2024 だった", "パスワードを忘れた。前のは [暗証番号] だった"),
    ("7 3 9 5 が暗証番号", "[暗証番号] が暗証番号"),
])
def test_a_pin_near_its_word_is_masked(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", ["暗証番号を3回まちがえた", "2026年の暗証番号の変更", "暗証番号は4けたです",
                                   "スマホ教室は10時から", "署名用のパスワードは6文字から16文字", "パスワードを変えたい iPhone 15で",
                                   "暗証番号を5回まちがえてロックされた", "パスワードは英字と数字をまぜます",
                                   "暗証番号の変更は2026年12月9日の10時から"])
def test_text_without_secrets_is_kept(text):
    assert redact(text) == text


def test_the_resident_key_is_stable_keyed_and_not_the_id():
    key = resident_key("U4af4980629a1b2c3", b"k1")
    assert key == resident_key("U4af4980629a1b2c3", b"k1")
    assert key != resident_key("U4af4980629a1b2c3", b"k2")
    assert "U4af" not in key and len(key) == 32


def test_the_message_key_is_keyed_and_not_the_message_id():
    key = message_key("468789577898262530", b"k1")
    assert key == message_key("468789577898262530", b"k1") != message_key("468789577898262530", b"k2")
    assert "468789577898262530" not in key and len(key) == 32
