"""Folding residents' words onto staff words: the built-in lexicon and a town's synonyms."""

import pytest

from bot.engine.analysis import words
from bot.engine.lexicon import Lexicon, _groups, builtin_groups, related_words


def folded(lexicon, text):
    return [w.term for w in lexicon.fold(words(text, lexicon.keep))]


def test_a_town_fold_continues_a_builtin_one():
    # Built in: ガラケー → 携帯電話; the town: 携帯電話 → スマホ.
    lexicon = Lexicon.build(builtin_groups(), {"スマホ": ["携帯電話"]})
    assert folded(lexicon, "ガラケー") == ["スマホ"]


def test_a_builtin_fold_reaches_the_towns_word():
    lexicon = Lexicon.build(builtin_groups(), {"マイナ保険証": ["保険証"]})
    assert folded(lexicon, "健康保険証") == ["マイナ保険証"]


def test_a_cycle_of_folds_stops():
    lexicon = Lexicon.build({"甲": ["乙"]}, {"乙": ["甲"]})
    assert folded(lexicon, "乙") in (["甲"], ["乙"])


def test_builtin_variants_are_not_everyday_verbs_of_another_meaning():
    # 盗られる is read as 取る: a fold of it would turn every 取る into 盗難.
    lexicon = Lexicon.build(builtin_groups())
    assert folded(lexicon, "住民票を取る") == ["住民票", "取る"]


def test_a_variant_of_several_words_does_not_fold_one_of_them():
    # 本人以外 (someone else) reads as 本人 alone once 以外 drops: every 本人 would become 代理.
    lexicon = Lexicon.build({"代理": ["本人以外"]})
    assert folded(lexicon, "本人が来る") == ["本人"]


def test_a_variant_that_is_the_word_plus_an_ending_still_folds():
    lexicon = Lexicon.build({"盗難": ["盗まれる"]})
    assert folded(lexicon, "カードを盗まれた") == ["カード", "盗難"]


def test_a_folded_compound_keeps_its_parts():
    # An FAQ that names only 公金 still meets the resident's 公金受け取り口座.
    lexicon = Lexicon.build({"公金受取口座": ["公金受け取り口座"]})
    [account] = lexicon.fold(words("公金受け取り口座", lexicon.keep))
    assert account.term == "公金受取口座" and "公金" in account.parts


# A resident's everyday word, and the word staff write for it: the first reads as the second.
EVERYDAY_WORDS = [
    ("a relative is the family", "父のカードを受け取る", "家族のカードを受け取る"),
    ("a day of the weekend is the weekend", "土曜日に受け取りたい", "土日に受け取りたい"),
    ("a child called just the child is a child", "うちの子のカード", "子どものカード"),
    ("a home for the elderly is a facility", "老人ホームに入所している", "施設に入所している"),
    ("going to the doctor is a consultation", "通院のときに使う", "受診のときに使う"),
    ("a visa is the period of stay", "ビザが延びた", "在留期間が延びた"),
    ("the family register is the place of it", "本籍が県外にある", "本籍地が県外にある"),
    ("a certificate one can get is one obtained", "コンビニで住民票が取れる", "コンビニで住民票が取得できる"),
    ("a certificate sent for is one obtained", "住民票を郵送で取り寄せる", "住民票を郵送で取得する"),
    ("the card used as the insurance card is the My Number insurance card", "マイナンバーカードを健康保険証として使う", "マイナ保険証を使う"),
    ("buying is a purchase", "カードリーダーはどこで買える", "カードリーダーはどこで購入"),
    ("showing a paper is presenting it", "病院で何を見せればいい", "病院で何を提示"),
    ("the post is mailing", "住民票を郵便で送ってほしい", "住民票を郵送で送ってほしい"),
    ("looking up is checking", "番号を調べたい", "番号を確認したい"),
    ("erasing is deleting", "アプリを消す", "アプリを削除"),
    ("giving the card back is returning it", "カードを返したい", "カードを返納したい"),
    ("taking a photo is photographing", "市役所で撮ってもらえる", "市役所で撮影してもらえる"),
    ("learning at a class is attending it", "スマホを習いたい", "スマホを受講したい"),
    ("helping is support", "手続きを手伝ってもらえる", "手続きを支援してもらえる"),
    ("fleeing is evacuating", "逃げる場所の情報", "避難する場所の情報"),
    ("a bank is a financial institution", "銀行の口座を登録", "金融機関の口座を登録"),
    ("a foreign country is abroad", "外国に住む", "海外に住む"),
    ("a carrier's other name is the mobile phone", "ソフトバンクの講習会", "携帯電話の講習会"),
    ("a shop is a store", "ショップで教えてもらう", "店舗で教えてもらう"),
    ("typing in is input", "暗証番号を打ち込む", "暗証番号を入力"),
    ("how many days is a period", "何日で届く", "期間で届く"),
    ("kokuho is the national health insurance", "国保の保険料", "国民健康保険の保険料"),
    ("noisy is noise", "隣がうるさい", "隣が騒音"),
    ("a dog in katakana is a dog", "イヌの登録", "犬の登録"),
    ("a stray dog is a dog", "野良犬が庭にいる", "犬が庭にいる"),
    ("an electronic application is an online one", "電子申請の状況を確認", "オンライン申請の状況を確認"),
    ("day service is day care", "デイサービスを使いたい", "通所介護を使いたい"),
]


@pytest.mark.parametrize("resident, staff", [(r, s) for _, r, s in EVERYDAY_WORDS], ids=[name.replace(" ", "-") for name, _, _ in EVERYDAY_WORDS])
def test_an_everyday_word_reads_as_the_word_staff_write(resident, staff):
    lexicon = Lexicon.build(builtin_groups())
    assert folded(lexicon, resident) == folded(lexicon, staff)


def test_a_child_is_not_folded_into_the_family():
    # A child's card has entries of its own (15歳未満, 顔写真なし).
    lexicon = Lexicon.build(builtin_groups())
    assert "家族" not in folded(lexicon, "子どものカード")


def test_a_related_word_is_listed_under_one_staff_word():
    # related_words() maps each resident's word to one staff word: a second line would overwrite.
    listed = [w for residents in _groups("related.yaml").values() for w in residents]
    assert len(listed) == len(set(listed))


def test_every_related_word_reads_as_one_word():
    # A related word is looked up by the one term the analyser reads it as (matcher._related).
    for resident, staff in related_words().items():
        assert len(words(resident)) == 1, resident
        assert len(words(staff)) == 1, staff
