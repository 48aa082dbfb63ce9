"""How the matcher reads residents' Japanese. One behaviour per test."""

import gc
from pathlib import Path

import pytest

from bot.content.faq import Category, Entry, Faq, Settings
from bot.content.loader import load_faq
from bot.engine.analysis import HOW_LONG, KANA_GUESS_ZIPF, words
from bot.engine.frequency import UNLISTED_ZIPF, zipf
from bot.engine.lexicon import related_words
from bot.engine.matcher import AGREEMENT_SHARE, Calibration, Matcher, _collector_paused

KAEDE_FAQ = Path(__file__).parent / "data" / "kaede" / "faq"


def answer_id(matcher, question):
    match = matcher.match(question)
    return match.id if match.status == "answer" else match.status


def test_plain_question(matcher):
    assert answer_id(matcher, "マイナンバーカードをなくしました") == "mynumber-lost"


def test_voice_input_hiragana_finds_kanji(matcher):
    assert answer_id(matcher, "あんしょうばんごうをわすれた") == "mynumber-pin-forgot"


def test_hiragana_verb_after_katakana(matcher):
    # Without help the analyser reads 「なくした」 here as 無い + する.
    assert answer_id(matcher, "カードなくした") == "mynumber-lost"


def test_half_width_katakana_from_an_old_phone(matcher):
    assert answer_id(matcher, "ｱﾝｼｮｳﾊﾞﾝｺﾞｳ ﾜｽﾚﾀ") == "mynumber-pin-forgot"


def test_common_misconversion(matcher):
    assert answer_id(matcher, "暗唱番号を忘れてしまった") == "mynumber-pin-forgot"


def test_misspelt_word_is_corrected_by_its_sound(matcher):
    assert answer_id(matcher, "コンビニで住民表がほしい") == "online-convenience"


def test_a_missed_dakuten_that_splits_a_word_is_mended(matcher):
    assert "マイナンバーカード" in [w.term for w in matcher.read("マイナンバーカートをなくした")]


def test_a_missed_dakuten_in_one_word_is_mended(matcher):
    assert "マイナポータル" in [w.term for w in matcher.read("マイナホータルに入れない")]


def test_a_kanji_that_looks_like_katakana_is_read_as_the_katakana(matcher):
    assert answer_id(matcher, "コンビ二で住民票がほしい") == "online-convenience"  # 二, the numeral


def test_a_lookalike_mended_mid_word(matcher):
    assert "マイナンバーカード" in [w.term for w in matcher.read("マイナンバ一カードをなくした")]


def test_a_numeral_beside_a_loanword_stays_a_numeral(matcher):
    assert [w.term for w in matcher.read("スマホ二台のとき")] == [w.term for w in matcher.read("スマホ2台のとき")]


def test_a_long_loanword_one_letter_off_is_the_faq_word(matcher):
    assert "マイナポータル" in [w.term for w in matcher.read("マイナポータブルで何ができる")]


def test_how_many_weeks_asks_how_long(matcher):
    assert [w.term for w in matcher.read("なんしゅうかんで できますか")][:2] == [HOW_LONG, "週間"]  # not 習慣


def test_hard_or_easy_to_do_is_read_as_the_verb_alone(matcher):
    # にくい and やすい say how hard the verb is; they name no topic.
    assert [w.term for w in matcher.read("目が見えにくい")] == [w.term for w in matcher.read("目が見える")]


def test_the_way_to_do_it_is_read_as_the_doing(matcher):
    assert [w.term for w in matcher.read("カードの作り方")] == [w.term for w in matcher.read("カードを作る")]


def test_the_way_of_a_stop_verb_stays_a_word(matcher):
    # 出す names nothing, but ごみの出し方 does.
    assert "出し方" in [w.term for w in matcher.read("ごみの出し方")]


def test_wanting_names_no_topic(matcher):
    assert [w.term for w in matcher.read("住民票がほしい")] == [w.term for w in matcher.read("住民票")]


def test_what_time_asks_the_time(matcher):
    assert "時間" in [w.term for w in matcher.read("何時から使えますか")]


def test_what_time_by_voice_asks_the_time(matcher):
    assert "時間" in [w.term for w in matcher.read("なんじまで つかえますか")]


def test_for_years_asks_nothing(matcher):
    assert HOW_LONG not in [w.term for w in matcher.read("何年も使っている")]


def test_a_foreign_residents_english_words_are_read_as_the_faqs(matcher):
    assert [w.term for w in matcher.read("My Number card の PIN forgot")] == ["マイナンバーカード", "暗証番号", "忘れる"]


def test_receiving_a_thing_is_read_as_receiving(matcher):
    assert "受け取り" in [w.term for w in matcher.read("カードをもらいに行きたい")]


def test_asking_a_favour_is_not_receiving(matcher):
    assert "受け取り" not in [w.term for w in matcher.read("使い方を教えてもらいたい")]


def test_dialect_ending(matcher):
    assert answer_id(matcher, "マイナカード落としてしもうた") == "mynumber-lost"


def test_builtin_lexicon_folds_everyday_words(matcher):
    assert answer_id(matcher, "スマホ教室ってタダ？") == "class-fee"


def test_town_synonyms_extend_the_lexicon(matcher):
    # 「公民館」 is the example town's word for the class venue (faq/synonyms.yaml).
    assert matcher.lexicon.fold(matcher.analyse("公民館"))[0].term == "場所"


def test_polite_wrapper_and_greeting_around_the_question(matcher):
    question = "こんにちは。すみません、マイナンバーカードの暗証番号を忘れてしまいました。教えてください。よろしくお願いします。"
    assert answer_id(matcher, question) == "mynumber-pin-forgot"


@pytest.mark.parametrize(
    "question", ["パスポートの申請方法を教えて", "運転免許証の更新はどこでできますか", "運転免許の住所変更をしたい", "免許証の住所変更はどこ", "国民健康保険の保険料はいくらですか", "水道の引っ越しの手続き"]
)
def test_near_misses_are_not_answered(matcher, question):
    assert matcher.match(question).status != "answer"


def test_unrelated_question_gets_none(matcher):
    assert matcher.match("今日の天気は").status == "none"


@pytest.mark.parametrize("greeting,kind", [("こんにちは", "greeting"), ("ありがとうございました！", "thanks")])
def test_small_talk_is_none_with_its_kind(matcher, greeting, kind):
    match = matcher.match(greeting)
    assert (match.status, match.smalltalk) == ("none", kind)


def test_candidates_are_best_first_and_at_most_five(matcher):
    candidates = matcher.match("マイナンバーカード").candidates
    assert len(candidates) <= 5
    assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)


def test_score_is_between_0_and_100(matcher):
    match = matcher.match("マイナンバーカードを作りたい")
    assert 0 <= match.score <= 100


def test_five_thousand_character_message_still_finds_its_topic(matcher):
    match = matcher.match("マイナンバーカードをなくしました。" + "あ" * 5000)
    assert match.status != "none" and match.candidates[0].id == "mynumber-lost"


def test_empty_message_is_none(matcher):
    assert matcher.match("").status == "none"


def test_unsure_questions_offer_choices(matcher):
    match = matcher.match("暗証番号")
    assert match.status == "choices"
    assert {c.id for c in matcher.choices(match)} >= {"mynumber-pin", "mynumber-pin-forgot"}


def test_matching_in_many_threads_at_once_gives_the_same_answers(matcher):
    # The server answers in a pool of threads; Sudachi's tokenizer must not be shared.
    from concurrent.futures import ThreadPoolExecutor

    questions = ["マイナンバーカードをなくした", "ｺﾝﾋﾞﾆで住民票", "スマホ教室はいつ", "あんしょうばんごうをわすれた"] * 50
    expected = [matcher.match(q).id for q in questions]
    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(lambda q: matcher.match(q).id, questions)) == expected


def test_another_counters_word_keeps_a_question_out(matcher):
    # 保育園 is no word of this FAQ, and a word of another counter: not the e-application.
    assert matcher.match("保育園の入園の申し込み").status == "none"


def test_a_residents_situation_does_not_hide_the_question(matcher):
    # 入院中 is no word of the FAQ either, but only the situation around the question.
    match = matcher.match("親が入院中なんだけど、代わりにカードを取りに行ける？")
    assert (match.status, match.id) == ("answer", "mynumber-proxy-pickup")


def test_asking_where_does_not_make_any_place_the_class_venue(matcher):
    assert matcher.match("ハローワークの場所").status == "none"


def test_a_close_call_goes_to_the_entry_asked_most_alike(matcher):
    # 有効期限 and 次のカード share their words; the resident's wording decides.
    match = matcher.match("マイナンバーカードはいつまで使えるのでしょうか")
    assert (match.status, match.id) == ("answer", "mynumber-validity")


def test_a_time_word_is_not_respelt_as_a_faq_word(matcher):
    # 昨日 and 機能 are both きのう; 昨日 is the resident's story, not a misspelling.
    assert "機能" not in [w.term for w in matcher.read_question("昨日マイナンバーカードを落とした")]


def test_an_everyday_word_is_not_respelt_as_an_faq_word(matcher):
    # 取る sounds like 撮る (in the FAQ) but is a common word: the resident meant 取る.
    assert "撮る" not in [w.term for w in matcher.read("住民票をコンビニで取りたい")]


# Kana that the analyser reads as part of a word or its grammar, though it sounds like one of the
# FAQ's words: (what it is, the FAQ entry that has the word, the message, the word not to read).
NOT_RESPELT = [
    ("the ending of a kanji verb (出したい)", ("animal", "道路に動物の死体があります"), "書類を出したい", "死体"),
    ("a verb's ending after te (持っていない)", ("moving", "転入届は14日以内に"), "スマホを持っていないので", "以内"),
    ("a light verb and its ending (対応しています)", ("place", "指定の場所に出す"), "窓口で対応していますか", "指定"),
    ("the ending of a katakana word (ボランティアしたい)", ("animal", "道路に動物の死体があります"), "ボランティアしたい", "死体"),
    ("the beginning of one longer word (どういう)", ("consent", "親の同意が必要ですか"), "どういう手続きですか", "同意"),
    ("an empty adjective and its ending (いいんですか)", ("board", "委員の名簿を見たい"), "どこに連絡したらいいんですか", "委員"),
    ("kana that begins a kanji verb (しまい込む)", ("proxy", "家族が代わりに受け取れますか"), "通知をどこかにしまい込んでしまった", "家族"),
]


@pytest.mark.parametrize("entry, message, word", [(e, m, w) for _, e, m, w in NOT_RESPELT], ids=[why.split(" (")[0].replace(" ", "-") for why, _, _, _ in NOT_RESPELT])
def test_kana_the_analyser_reads_as_a_word_or_its_grammar_is_not_respelt(entry, message, word):
    town = _town((*entry, "窓口へ。"), ("fee", "手数料はいくら", "無料です。"))
    assert word not in [w.term for w in town.read_question(message)]


def test_voice_input_the_analyser_reads_as_grammar_is_still_respelt():
    # Standing alone, きかん is cut into grammar pieces by the analyser; it is the FAQ's 期間.
    town = _town(("tax", "確定申告の期間は", "2月16日から。"), ("fee", "手数料はいくら", "無料です。"))
    assert "期間" in [w.term for w in town.read_question("かくていしんこくの きかん")]


def test_kana_after_a_word_written_in_kanji_is_still_respelt():
    town = _town(("pin", "暗証番号を忘れたときは", "窓口へ。"), ("fee", "手数料はいくら", "無料です。"))
    assert "暗証番号" in [w.term for w in town.read_question("暗証ばんごうをわすれた")]


def test_an_adverb_the_faq_never_uses_is_not_read():
    town = _town(("status", "申請が受け付けられたか確認したい", "メールで届きます。"), ("fee", "手数料はいくら", "無料です。"))
    assert [w.term for w in town.read_question("ちゃんと受け付けられたか確認したい")] == [w.term for w in town.read_question("受け付けられたか確認したい")]


def test_an_adverb_the_faq_uses_is_read():
    town = _town(("direct", "直接窓口に行けますか", "はい。"), ("fee", "手数料はいくら", "無料です。"))
    assert "直接" in [w.term for w in town.read_question("直接行ってもいい？")]


def test_a_rare_misspelling_is_respelt(matcher):
    assert "住民票" in [w.term for w in matcher.read("住民表がほしい")]


def test_a_word_the_faq_lacks_reaches_its_sudachi_synonym():
    # 老視 is not in the FAQ; Sudachi's synonym dictionary puts it with 老眼, which is.
    faq = Faq((Category("c", "c.yaml", (Entry("eyes", "老眼でも参加できますか", "はい。", category="c"), Entry("fee", "手数料はいくら", "無料です。", category="c"))),), {}, Settings())
    assert "老眼" in [w.term for w in Matcher(faq).read("老視です")]


def test_a_word_the_faq_lacks_reaches_its_sudachi_synonym_in_an_answer():
    # 止める and 停止 share a group; only the answer writes 停止.
    town = _town(("lost", "カードをなくしたときは", "電話で利用を停止してください。"), ("fee", "手数料はいくら", "無料です。"))
    assert "停止" in [w.term for w in town.read("カードを止めたい")]


def test_an_answer_word_of_several_senses_stands_for_none_of_them():
    # 家 is in two groups (a house, a home); a resident's ホーム is not read as the answer's 家.
    town = _town(("visit", "自宅に来てもらえますか", "職員が家まで伺います。"), ("fee", "手数料はいくら", "無料です。"))
    assert "家" not in [w.term for w in town.read("ホームで使いたい")]


def test_an_everyday_word_the_faq_lacks_weighs_less_than_a_rare_one(matcher):
    assert matcher._weight("大丈夫") < matcher._weight("老眼鏡")


def test_kana_that_no_word_list_knows_weighs_no_more_than_an_everyday_word(matcher):
    # What the analyser makes of voice input it cannot read is no rare topic word.
    assert matcher._weight("ぬぷれ", UNLISTED_ZIPF) <= matcher._weight("財布") < matcher._weight("老眼鏡")


def test_a_count_the_word_list_lacks_weighs_as_what_it_counts(matcher):
    # 二人 is not in the word list (cut finer, as 二 + 人): it is no rare topic word.
    [two] = matcher.read("二人です")
    assert matcher._word_weight(two) <= matcher._weight("財布")


def test_a_bare_number_the_faq_lacks_weighs_no_more_than_an_everyday_word(matcher):
    assert matcher._weight("83", UNLISTED_ZIPF) <= matcher._weight("財布")


def test_a_compound_word_lists_lack_weighs_by_its_pieces(matcher):
    # 家庭菜園 is in no word list (it was cut into 家庭 + 菜園), yet it is no rare word.
    [garden] = [w for w in matcher.read("家庭菜園です") if w.term == "家庭菜園"]
    assert matcher._word_weight(garden) < matcher._weight("家庭菜園", UNLISTED_ZIPF)


def test_the_rarity_of_a_verb_is_found_by_its_dictionary_form(matcher):
    # The matcher keeps 暮ら of 暮らす; the word list knows 暮らす.
    [living] = [w for w in matcher.read("ひとりで暮らしています") if w.term == "暮ら"]
    assert living.common >= zipf("暮らす") > zipf("暮ら")


def _town(*entries: tuple[str, str, str]) -> Matcher:
    """A town's FAQ of one category, from (id, question, answer), with no alternates."""
    built = tuple(Entry(entry_id, question, answer, category="c") for entry_id, question, answer in entries)
    return Matcher(Faq((Category("c", "c.yaml", built),), {}, Settings()))


def _sparse_town() -> Matcher:
    return _town(
        ("death", "家族が死亡したときの手続きは", "窓口で届け出てください。"),
        ("moving", "引っ越しの手続きは", "転出届を出してください。"),
        ("lost", "カードをなくしたときは", "すぐに止めてください。"),
        ("fee", "手数料はいくらですか", "無料です。"),
    )


def test_a_short_question_about_what_the_faq_lacks_is_not_answered():
    # インコ outweighs 死亡 and 手続き, and the death entry holds only those two.
    match = _sparse_town().match("インコが死んだときの手続き")
    assert match.status == "none"
    assert "heaviest word is one this FAQ never uses" in match.rule


def test_a_short_question_the_faq_holds_is_answered():
    assert answer_id(_sparse_town(), "家族が死んだときの手続き") == "death"


def _allowance_town() -> Matcher:
    return _town(
        ("allowance", "児童手当の申請はオンラインでできますか", "できます。"),
        ("tax", "医療費を自動で入力できますか", "できます。"),
        ("animal", "道路で動物の死骸を見つけたら", "環境課へ連絡してください。"),
        ("moving", "市外へ引っ越すときの手続きは", "転出届を出してください。"),
    )


def test_faq_words_side_by_side_that_sound_like_a_long_faq_word_are_that_word():
    assert "児童手当" in [w.term for w in _allowance_town().read("自動手当の申請")]  # じどう: the wrong kanji


def test_faq_words_side_by_side_that_sound_like_a_short_faq_word_are_left_as_typed():
    assert "死骸" not in [w.term for w in _allowance_town().read("市外に引っ越します")]  # しがい, as typed


def test_a_question_of_only_a_kind_word_offers_choices(matcher):
    match = matcher.match("いくら？")
    assert match.status == "choices" and "only a kind of answer" in match.rule


def test_sparse_faqs_answer_at_a_lower_score_when_the_lead_is_long():
    sparse, rich = Calibration.for_faq(1.0), Calibration.for_faq(5.0)
    assert sparse.answer_threshold < rich.answer_threshold
    assert sparse.confidence > rich.confidence


def test_the_deciding_rule_is_named(matcher):
    assert matcher.match("マイナンバーカードをなくしました").rule.startswith("answer: ")
    assert matcher.match("今日の天気は").rule.startswith("none: ")


def test_a_negated_verb_is_read_as_trouble(matcher):
    assert [w.term for w in matcher.read("マイナ保険証が使えなかった")][-1] == "(ない)"


def test_a_verb_negated_after_te_iru_is_read_as_negated(matcher):
    assert [w.term for w in matcher.read("スマホを持っていなくても")][-1] == "(ない)"


def test_not_knowing_is_not_trouble(matcher):
    assert "(ない)" not in [w.term for w in matcher.read("使い方がわからない")]


def test_trouble_with_the_card_at_the_clinic_is_not_how_to_register(matcher):
    assert answer_id(matcher, "病院でマイナ保険証が使えなかった") == "mynumber-insurance-trouble"


def test_how_long_is_read_as_a_word(matcher):
    assert "(どれくらい)" in [w.term for w in matcher.read("申し込んでからどれぐらいかかる？")]


def test_a_sentence_that_only_asks_when_does_not_carry_a_message(matcher):
    assert matcher.match("ペットボトルって何ゴミ？何曜日に出すの").status == "none"


def test_an_apology_is_not_trouble(matcher):
    assert "(ない)" not in [w.term for w in matcher.read("間違えて送りました。すみません")]


def test_kana_read_as_grammar_is_not_respelt_as_an_faq_word(matcher):
    # The しょう of でしょうか sounds like 使用 (folded to 利用), but is an auxiliary verb.
    assert [w.term for w in matcher.read("カードはいつ届くのでしょうか")] == ["カード", "日程", "届く"]


def test_the_sound_check_scores_a_few_entries_as_the_full_scoring_does(matcher):
    from bot.engine.matcher import _sound_grams

    grams = _sound_grams("まいなんばーかーどのこうしん")
    full = matcher._sound_bm25.scores(grams)
    some = sorted(full, key=full.__getitem__, reverse=True)[:6] + [len(matcher.entries) - 1]
    assert matcher._sound_bm25.scores_of(grams, some) == {n: pytest.approx(full.get(n, 0.0)) for n in some}


def test_the_explanation_shows_how_alike_each_candidate_sounds(matcher):
    explanation = matcher.explain("マイナカードの更新はどこで")
    sounds = [c.sound for c in explanation.candidates]
    assert max(sounds) == 100 and min(sounds) < 100
    assert next(line for line in explanation.lines() if line.startswith("  1. ")).endswith(f"  音 {sounds[0]}")


def test_words_the_faq_lacks_count_less_each_after_the_heaviest(matcher):
    # One unknown word may be the topic; several are the story around the question.
    story = [w for w in matcher.read("町内のアパートから一戸建てに引っ越した") if not matcher._known(w.term)]
    weights = dict(zip((w.term for w in story), matcher._question_weights(story)))
    alone = {w.term: matcher._word_weight(w) for w in story}
    heaviest = max(alone, key=alone.__getitem__)
    assert len(story) >= 3 and weights[heaviest] == alone[heaviest]
    assert all(weights[t] < alone[t] for t in alone if t != heaviest)


def _clinic_town() -> Matcher:
    entries = (
        Entry("insurance", "マイナ保険証の登録方法は", "病院の受付の機械で登録できます。", category="c"),
        Entry("pharmacy", "薬局の営業時間は", "9時から18時です。", category="c"),
        Entry("moving", "引っ越しの手続きは", "転出届を出してください。", category="c"),
    )
    return Matcher(Faq((Category("c", "c.yaml", entries),), {}, Settings()))


def test_a_story_about_another_entry_does_not_get_that_entry_answered():
    # The story is about the pharmacy; the sentence that asks is about registering.
    message = "いつもの薬局の営業時間が夜まで延びて助かっています。その薬局の人に言われました。マイナ保険証の登録はどうすればいいですか。"
    match = _clinic_town().match(message)
    assert match.status != "answer"
    assert "insurance" in [c.id for c in match.candidates[:2]]


def test_a_message_of_many_words_needs_a_longer_lead():
    calibration = Calibration.for_faq(5.0)
    ranked = [(0, 80.0, 70.0), (1, 70.0, 60.0)]
    assert calibration.rule(ranked, distinct_words=4).startswith("answer")
    assert not calibration.rule(ranked, distinct_words=20).startswith("answer")


def test_a_message_of_many_words_answers_on_a_wide_lead_at_a_lower_score():
    # The story around the question dilutes the leader's score, not its lead.
    calibration = Calibration.for_faq(1.0)
    ranked = [(0, 55.0, 50.0), (1, 35.0, 30.0)]
    assert not calibration.rule(ranked, distinct_words=4).startswith("answer")
    assert calibration.rule(ranked, distinct_words=15).startswith("answer")


def test_another_counters_word_typed_by_voice_is_read_as_that_word(matcher):
    # ぱすぽーと is no FAQ word; read as two kana fragments it weighed as everyday kana.
    assert "パスポート" in [w.term for w in matcher.read("ぱすぽーとの更新はどうする")]


def test_a_kanji_guess_for_hiragana_weighs_no_more_than_an_everyday_word(matcher):
    # The analyser writes いつごろ as いつ頃, which the word list holds as rare: the resident
    # typed the everyday word.
    [when] = matcher.read("いつごろ")
    assert when.term == "いつ頃" and zipf("いつ頃") < KANA_GUESS_ZIPF <= when.common


def test_a_verb_before_an_ending_is_not_respelt_as_an_faq_noun():
    # The かかり of かかりますか sounds like the FAQ's 係, but it is the verb 掛かる.
    entries = (Entry("disaster", "防災係の連絡先", "防災係にお電話ください。", category="c"), Entry("fee", "手数料はいくら", "無料です。", category="c"))
    matcher = Matcher(Faq((Category("c", "c.yaml", entries),), {}, Settings()))
    assert "係" not in [w.term for w in matcher.read("おかねは かかりますか")]


def test_past_the_candidates_shown_the_list_follows_bm25_relevance(matcher, monkeypatch):
    import bot.engine.matcher as engine
    from bot.engine.matcher import _bm25_tokens

    question = "マイナンバーカードの手続き"
    ranked, read = matcher._ranked(question)[:2]
    monkeypatch.setattr(engine, "_RELEVANCE_AFTER", 10**9)
    assert ranked[:5] == matcher._ranked(question).ranked[:5]
    relevance = matcher._bm25.scores(_bm25_tokens(read))
    tail = [relevance.get(n, 0.0) for n, _, _ in ranked[5:]]
    assert len(tail) > 5 and tail == sorted(tail, reverse=True)


def test_kana_inside_a_word_read_whole_is_not_respelt_as_an_faq_word():
    # びょういん is 病院, whatever FAQ word its middle (ようい of 用意) sounds like.
    entries = (Entry("bring", "当日は何を用意しますか", "筆記用具です。", category="c"), Entry("fee", "手数料はいくら", "無料です。", category="c"))
    matcher = Matcher(Faq((Category("c", "c.yaml", entries),), {}, Settings()))
    assert [w.term for w in matcher.read("びょういんで つかえますか")][:1] == ["病院"]


def test_two_words_that_sound_like_an_faq_word_are_that_word(matcher):
    # 確定深刻: the right sound, the wrong kanji; each word alone is everyday Japanese.
    assert "確定申告" in [w.term for w in matcher.read("確定深刻をスマホでしたい")]


def test_four_words_that_sound_like_an_faq_word_are_that_word(matcher):
    assert [w.term for w in matcher.read("電子証名書の更新")] == ["電子証明書", "更新"]


def test_words_apart_in_the_message_are_not_joined_by_their_sound(matcher):
    assert "確定申告" not in [w.term for w in matcher.read("日程が確定したけど深刻な問題がある")]


def test_a_leader_short_of_confidence_is_answered_when_bm25_and_the_sound_agree():
    # Score 61 with a short lead is not confident on a sparse FAQ; BM25 alone and the sound
    # alone both prefer the same entry clearly.
    match = Matcher(load_faq(KAEDE_FAQ)).match("マイナカードの写真 大きさは？眼鏡は？")
    assert (match.status, match.id) == ("answer", "kd-mn-photo-spec")
    assert "the three readings agree" in match.rule


def test_readings_that_do_not_both_prefer_the_leader_do_not_answer():
    calibration = Calibration.for_faq(1.0)
    ranked = [(0, 50.0, 60.0), (1, 40.0, 50.0)]
    assert calibration.agreed(ranked, AGREEMENT_SHARE, AGREEMENT_SHARE) is not None
    assert calibration.agreed(ranked, AGREEMENT_SHARE - 0.01, 0.9) is None
    assert calibration.agreed(ranked, 0.9, AGREEMENT_SHARE - 0.01) is None


def test_a_long_message_is_answered_when_its_whole_and_its_asking_sentences_agree():
    calibration = Calibration.for_faq(1.0)
    ranked = [(0, 50.0, 40.0), (1, 38.0, 30.0)]
    assert calibration.readings_agree(ranked, {0: 50.0, 1: 38.0}, {0: 60.0, 1: 45.0}) is not None


def test_the_whole_message_preferring_the_leader_by_less_than_a_clear_lead_does_not_answer():
    calibration = Calibration.for_faq(1.0)
    ranked = [(0, 50.0, 40.0), (1, 38.0, 30.0)]
    assert calibration.readings_agree(ranked, {0: 50.0, 1: 41.0}, {0: 60.0, 1: 45.0}) is None


def test_asking_sentences_that_prefer_another_entry_do_not_answer():
    calibration = Calibration.for_faq(1.0)
    ranked = [(0, 50.0, 40.0), (1, 38.0, 30.0)]
    assert calibration.readings_agree(ranked, {0: 50.0, 1: 38.0}, {0: 40.0, 1: 55.0}) is None


def test_agreement_is_only_asked_of_a_leader_within_the_other_answer_bounds():
    calibration = Calibration.for_faq(1.0)
    assert calibration.may_agree([(0, 50.0, 60.0), (1, 40.0, 50.0)])
    assert not calibration.may_agree([(0, 50.0, calibration.answer_coverage - 1), (1, 40.0, 50.0)])
    assert not calibration.may_agree([(0, 50.0, 60.0), (1, 49.0, 50.0)])
    assert not calibration.may_agree([(0, calibration.answer_threshold - 1, 60.0)])
    assert not calibration.may_agree([])


def test_an_everyday_word_only_an_answer_writes_weighs_less_than_a_topic_word():
    # 近い is in one answer, 更新 in one question: as rare in this FAQ, but 近い is everyday Japanese.
    entries = (Entry("renew", "カードの更新", "期限が近いときは窓口で更新します。", category="c"), Entry("fee", "手数料", "無料です。", category="c"))
    matcher = Matcher(Faq((Category("c", "c.yaml", entries),), {}, Settings()))
    weights = {w.term: w.weight for w in matcher.explain("期限が近い更新").words}
    assert weights["近い"] < weights["更新"]


def test_a_loanword_typed_in_hiragana_is_read_as_the_katakana_word(matcher):
    # チャージ is no word of the shipped FAQ; in hiragana the analyser reads nothing of it.
    assert "チャージ" in [w.term for w in matcher.read("ちゃーじの しかた")]


def test_a_long_vowel_mark_stays_with_the_word_before_it():
    # The FAQ's メッセージ folds to めっせじ, as does ーめっせーじ: the ー belongs to えらー.
    entries = (Entry("message", "メッセージが届かない", "設定を確かめてください。", category="c"), Entry("fee", "手数料", "無料です。", category="c"))
    matcher = Matcher(Faq((Category("c", "c.yaml", entries),), {}, Settings()))
    assert [w.term for w in matcher.read("えらーめっせーじが でる")][:1] == ["エラーメッセージ"]


def test_a_number_said_in_kana_is_read_as_the_digits_staff_write(matcher):
    # The analyser reads じゅうご as 十 and 五; 十五 typed in kanji it already writes as 15.
    assert [w.term for w in matcher.read("じゅうごさい")][:1] == [w.term for w in matcher.read("15歳")][:1] == ["15"]


def test_another_counters_compound_names_another_topic_though_the_faq_writes_a_part_of_it():
    # kaede writes カード everywhere; 在留カード is the immigration office's card.
    match = Matcher(load_faq(KAEDE_FAQ)).match("在留カードをなくしました")
    assert match.status == "none" and "never uses" in match.rule


def test_a_compound_of_everyday_pieces_is_not_respelt_by_its_sound():
    # じちかい is one kana from the FAQ's ちかい, but 自治会 is 自治 + 会, no misspelling.
    entries = (Entry("near", "近い会場はどこ", "公民館です。", category="c"), Entry("fee", "手数料", "無料です。", category="c"))
    matcher = Matcher(Faq((Category("c", "c.yaml", entries),), {}, Settings()))
    assert "自治会" in [w.term for w in matcher.read("自治会で集まりたい")]


def test_a_town_name_in_kana_is_read_as_the_faq_writes_it():
    # Spotted alone, the みなと of みなと市役所 became 港 and the name fell apart (港市 → 講師).
    matcher = Matcher(load_faq(Path(__file__).parent / "data" / "minato" / "faq"))
    assert [w.term for w in matcher.read("みなと市役所に行きたい")] == [w.term for w in matcher.analyse("みなと市役所")]


def test_another_kind_of_a_thing_the_faq_knows_names_another_topic():
    # kaede knows カード but never キャッシュ: a bank card is not the My Number card.
    match = Matcher(load_faq(KAEDE_FAQ)).match("キャッシュカードをなくしました")
    assert match.status == "none" and "never uses" in match.rule


def test_a_visa_is_still_another_counters_word_where_the_faq_has_no_period_of_stay(matcher):
    assert matcher.match("ビザの更新はどこでできますか").status != "answer"


def test_a_visa_read_as_the_period_of_stay_weighs_as_another_counters_word(matcher):
    # ビザ reads as 在留期間, which the shipped FAQ never writes; other_services.yaml's ビザ is
    # read through the same lexicon, so 在留期間 is another counter's word as ビザ was.
    [visa] = matcher.read("ビザ")
    assert matcher._word_weight(visa) == matcher._weight("パスポート")


def test_a_compound_of_one_long_piece_and_one_kanji_keeps_the_piece_as_its_part():
    assert [w.parts for w in words("申請書")] == [("申請",)]


def test_a_compound_whose_long_piece_is_its_head_keeps_no_parts():
    # 顔写真 is a 写真: the lexicon folds it whole, and 写真 as a part weighed down every 写真.
    assert [w.parts for w in words("顔写真")] == [()]


def test_a_resident_s_piece_meets_the_compound_that_holds_it_less_than_the_word_itself():
    town = _town(("form", "申請書の書き方", "窓口へ。"), ("fee", "手数料はいくら", "無料です。"))
    credit = town._word_credit(town.read_question("申請")[0])
    assert 0 < max(credit.values()) < 1


def _medical_institution_town() -> Matcher:
    return _town(
        ("insurance", "資格確認書で受診するには", "医療機関の受付で資格確認書を提示してください。"),
        ("class", "スマホ教室の日程は", "毎月第2火曜日です。"),
    )


def test_a_related_word_the_faq_lacks_counts_where_the_faqs_word_is():
    # The FAQ writes 医療機関, never 病院 (bot/engine/data/related.yaml).
    [(entry, _)] = _medical_institution_town().rank("病院で何を出せばいい？", 1)
    assert entry.id == "insurance"


def test_a_related_word_keeps_the_weight_of_an_everyday_word():
    # 病院がある (an appointment) must not weigh as the FAQ's rare 医療機関, as a fold would make it.
    town = _medical_institution_town()
    [hospital] = town.explain("病院").words
    [institution] = town.explain("医療機関").words
    assert hospital.weight < institution.weight


def test_explain_names_the_staff_word_a_related_word_counts_for():
    [hospital] = _medical_institution_town().explain("病院").words
    assert "医療機関" in hospital.kind


@pytest.mark.parametrize("resident, staff", sorted(related_words().items()))
def test_each_related_word_finds_its_staff_words_entry(resident, staff):
    town = _town(("staff", f"{staff}について", "窓口でご案内します。"), ("other", "ごみの出し方は", "分別してください。"))
    [(entry, _)] = town.rank(resident, 1)
    assert entry.id == "staff"


def test_a_verbs_reading_does_not_stand_for_its_word_in_kana():
    # 習う folds onto 受講, but ならう inside それならうちの is no 受講: only nouns' readings are spotted.
    town = _town(("class", "スマホ教室の受講方法は", "申込書を出してください。"))
    assert "受講" not in [w.term for w in town.read("それならうちのこも")]


def test_an_answer_read_sentence_by_sentence_has_the_whole_answers_words():
    # Each sentence is read once per load; after a 。 the analyser reads ひと咲き's ひと as 人, at
    # the start of a text as 一: the answer must read as it does whole.
    answer = "窓口でご案内します。【お問い合わせ】。ひと咲きまち咲き担当局。電話でご案内します。"
    town = _town(("a", "手続きは", answer), ("b", "場所は", "窓口でご案内します。【お問い合わせ】。"))
    whole = town.lexicon.fold(words(answer, town.lexicon.keep))
    assert town._analyse_answers([town.faq.entries[0]])[0] == whole


def test_building_an_index_leaves_the_garbage_collector_as_it_was():
    gc.enable()
    _town(("a", "手続きは", "窓口です。"))
    assert gc.isenabled()


def test_building_an_index_does_not_start_a_garbage_collector_someone_stopped():
    gc.disable()
    try:
        _town(("a", "手続きは", "窓口です。"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_garbage_collector_is_paused_while_an_index_is_built(monkeypatch):
    during = []
    build = Matcher._build
    monkeypatch.setattr(Matcher, "_build", lambda self, faq: (during.append(gc.isenabled()), build(self, faq)))
    gc.enable()
    _town(("a", "手続きは", "窓口です。"))
    assert during == [False]


def test_the_garbage_collector_stays_paused_until_the_last_of_overlapping_builds_ends():
    # Two threads' builds: the first to start ends before the second does.
    gc.enable()
    first, second = _collector_paused(), _collector_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_the_reading_of_a_kanji_spelling_that_means_another_word_is_not_spotted():
    # うるさい folds onto 騒音; 煩い's reading わずらい (長患い) must not respell voice input as 騒音.
    town = _town(("noise", "騒音の相談はどこですか", "環境課にご相談ください。"))
    assert "騒音" not in [w.term for w in town.read("ながわずらいしている")]


@pytest.mark.parametrize(
    "message",
    ["なくなった しゅじんの まいなんばーかーど どうしたら いいですか", "ははが なくなりました かーどは どうすれば", "父さんがなくなったので、カードを返したい"],
)
def test_a_family_member_who_nakunatta_died(matcher, message):
    terms = {w.term for w in matcher.read(message)}
    assert "死亡" in terms
    assert "紛失" not in terms


@pytest.mark.parametrize("message", ["父のカードがなくなった", "カードが なくなりました", "なくなったカードが出てきた"])
def test_a_card_that_nakunatta_was_lost(matcher, message):
    terms = {w.term for w in matcher.read(message)}
    assert "紛失" in terms
    assert "死亡" not in terms
