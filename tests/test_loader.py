"""`bot check` rules: each broken file is reported with its file, line and what to do."""

import datetime as dt
import os

from bot.content.loader import check_faq, faq_warnings, load_faq

import pytest

from bot.errors import FaqError


def messages(folder):
    return [str(p) for p in check_faq(folder)]


def write(folder, name, text, encoding="utf-8"):
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_shipped_faq_is_sound(faq_copy):
    assert check_faq(faq_copy) == []


def test_shipped_faq_has_the_promised_entries(faq):
    sizes = {c.file: len(c.entries) for c in faq.categories}
    assert sizes["10-mynumber.yaml"] >= 25
    assert sizes["20-online.yaml"] >= 20
    assert sizes["30-smartphone.yaml"] >= 20
    assert all(len(e.alternates) >= 2 for e in faq.entries)


def test_yaml_syntax_error_names_the_line(small_faq):
    path = write(small_faq, "20-bad.yaml", "category: 壊れた\nentries:\n  - id: a\n    question: q\n   answer: ずれた字下げ\n")
    [problem] = messages(small_faq)
    assert problem.startswith(f"{path}:5: YAMLの書き方に誤りがあります")


def test_unclosed_quote_points_where_it_opened(small_faq):
    path = write(small_faq, "20-bad.yaml", "category: 壊れた\nentries:\n  - id: a\n    question: \"閉じていない\n    answer: x\n")
    [problem] = messages(small_faq)
    assert problem.startswith(f"{path}:4: YAMLの書き方に誤りがあります")


def test_missing_answer_is_reported_at_the_entry(small_faq):
    path = write(small_faq, "20-x.yaml", "category: X\nentries:\n  - id: no-answer\n    question: 答えがない\n")
    assert messages(small_faq) == [f"{path}:3: answer がありません — 「answer: |」の次の行から、字下げして答えを書いてください"]


def test_missing_question_is_reported(small_faq):
    path = write(small_faq, "20-x.yaml", "category: X\nentries:\n  - id: no-question\n    answer: こたえ\n")
    assert messages(small_faq) == [f"{path}:3: question がありません — 「question: 代表的な質問文」を書いてください"]


def test_unknown_key_suggests_the_intended_one(small_faq):
    path = write(small_faq, "20-x.yaml", "category: X\nentries:\n  - id: typo\n    question: しつもん\n    anwser: こたえ\n")
    found = messages(small_faq)
    assert f"{path}:5: 「anwser」という項目名は使えません — 「answer」のまちがいではありませんか" in found


def test_duplicate_id_names_both_places(small_faq):
    path = write(small_faq, "20-x.yaml", "category: X\nentries:\n  - id: card-lost\n    question: 同じid\n    answer: こたえ\n")
    first = small_faq / "10-test.yaml"
    assert messages(small_faq) == [
        f"{path}:3: id「card-lost」が2回使われています（もう1つは {first}:3） — どちらかの id を別の名前にしてください"
    ]


def test_related_to_unknown_id_suggests_the_closest(small_faq):
    path = write(small_faq, "20-x.yaml", "category: X\nentries:\n  - id: other\n    question: ほか\n    answer: こたえ\n    related: [card-lots]\n")
    assert messages(small_faq) == [f"{path}:6: related の「card-lots」という id の質問がありません — 「card-lost」のまちがいではありませんか"]


def test_label_over_twenty_characters(small_faq):
    path = write(small_faq, "20-x.yaml", "category: X\nentries:\n  - id: long\n    question: ながい\n    label: とてもとてもながいボタンのなまえですよねこれは\n    answer: こたえ\n")
    [problem] = messages(small_faq)
    assert problem.startswith(f"{path}:5: label「")
    assert "20文字以内" in problem


def test_link_that_is_not_https(small_faq):
    path = write(small_faq, "20-x.yaml", "category: X\nentries:\n  - id: link\n    question: リンク\n    answer: こたえ\n    links:\n      - label: 古いサイト\n        url: http://example.jp/\n")
    assert messages(small_faq) == [f"{path}:8: リンク「http://example.jp/」が https:// で始まっていません — LINEでは https のリンクだけが開けます"]


def test_answer_over_the_line_limit_counts_utf16_units(small_faq):
    # 2,501 emoji are 5,002 UTF-16 units although only 2,501 characters.
    path = write(small_faq, "20-x.yaml", "category: X\nentries:\n  - id: long-answer\n    question: ながい\n    answer: " + "😀" * 2501 + "\n")
    [problem] = messages(small_faq)
    assert problem.startswith(f"{path}:5: answer が長すぎます（5002文字分）")


def test_a_file_over_the_size_limit_is_refused_unread(small_faq):
    entry = "  - id: e{n}\n    question: しつもん{n}\n    answer: こたえ\n"
    path = write(small_faq, "20-huge.yaml", "category: X\nentries:\n" + "".join(entry.format(n=n) for n in range(60_000)))
    size = os.path.getsize(path)
    assert size > 2 * 1024 * 1024
    assert messages(small_faq) == [f"{path}:1: ファイルが大きすぎます（{size / 1024 / 1024:.1f} MB）— "
                                   "1つのファイルは 2 MB までです。質問をいくつかのカテゴリのファイルに分けてください"]


def test_a_classes_csv_over_the_size_limit_is_refused(small_faq):
    path = write(small_faq, "classes.csv", "NO,イベント名,開始日,開始時間,終了時間,場所名称\n" + "1,入門,2026-12-09,10:00,12:00,公民館\n" * 80_000)
    [problem] = messages(small_faq)
    assert problem.startswith(f"{path}:1: ファイルが大きすぎます") and problem.endswith("終わった教室の行を消してください")


def test_yaml_nested_too_deep_is_a_problem_not_a_crash(small_faq):
    path = write(small_faq, "20-deep.yaml", "category: X\nentries: " + "[" * 50_000 + "\n")
    assert messages(small_faq) == [f"{path}:1: [ ] や字下げの入れ子が深すぎて読めません — FAQ の形（category と entries）に書き直してください"]


def test_empty_file(small_faq):
    path = write(small_faq, "20-empty.yaml", "")
    assert messages(small_faq) == [f"{path}:1: ファイルが空です — 内容を書くか、使わないならファイルを削除してください"]


def test_shift_jis_file_is_recognised(small_faq):
    path = write(small_faq, "20-sjis.yaml", "category: エクセル\nentries:\n  - id: a\n    question: 質問\n    answer: 答え\n", encoding="cp932")
    [problem] = messages(small_faq)
    assert problem.startswith(f"{path}:1: 文字コードが Shift_JIS になっています")
    assert "UTF-8" in problem


def test_tab_indentation_names_each_line(small_faq):
    path = write(small_faq, "20-tab.yaml", "category: X\nentries:\n\t- id: a\n\t  question: q\n    answer: a\n")
    assert messages(small_faq)[:2] == [
        f"{path}:3: 行の先頭にタブ文字があります — 字下げはタブではなく半角スペースで入れてください",
        f"{path}:4: 行の先頭にタブ文字があります — 字下げはタブではなく半角スペースで入れてください",
    ]


def test_all_problems_are_reported_in_one_run(small_faq):
    write(small_faq, "20-a.yaml", "")
    write(small_faq, "30-b.yaml", "category: X\nentries:\n  - id: b\n    question: q\n")
    assert len(messages(small_faq)) == 2


def test_bad_id_characters(small_faq):
    path = write(small_faq, "20-x.yaml", "category: X\nentries:\n  - id: Card_Lost\n    question: q\n    answer: a\n")
    [problem] = messages(small_faq)
    assert problem.startswith(f"{path}:3: id「Card_Lost」に使えない文字があります")


def test_utf8_bom_from_excel_is_accepted(small_faq):
    write(small_faq, "20-bom.yaml", "\ufeffcategory: X\nentries:\n  - id: bom\n    question: q\n    answer: a\n")
    assert messages(small_faq) == []


def test_load_faq_raises_with_every_problem(small_faq):
    write(small_faq, "20-a.yaml", "")
    with pytest.raises(FaqError) as raised:
        load_faq(small_faq)
    assert len(raised.value.problems) == 1


def test_synonyms_must_map_a_word_to_variants(small_faq):
    path = write(small_faq, "synonyms.yaml", "- ただのリスト\n")
    [problem] = messages(small_faq)
    assert problem.startswith(f"{path}:1: 「もとのことば: [言いかえ1, 言いかえ2]」の形で書いてください")


def test_settings_unknown_key(small_faq):
    path = write(small_faq, "settings.yaml", "municipality: X町\ncontakt:\n  name: 役場\n")
    assert messages(small_faq) == [f"{path}:2: 「contakt」という項目名は使えません — 「contact」のまちがいではありませんか"]


def test_retention_days_must_be_a_whole_number_of_days(small_faq):
    (small_faq / "settings.yaml").write_text("municipality: テスト町\nretention_days: 半年\n", encoding="utf-8")
    assert [str(p) for p in check_faq(small_faq)] == [
        f"{small_faq / 'settings.yaml'}:2: retention_days は日数（1以上の整数）で書いてください — 例: retention_days: 180"
    ]


def test_retention_days_defaults_to_180(small_faq):
    assert load_faq(small_faq).settings.retention_days == 180


# -- warnings (注意): the folder loads, bot check exits 0, staff are told what to look at ------
TODAY = dt.date(2026, 12, 1)
NO_NEXT_STEP = "の答えが、次にすることで終わっていません — 最後の文に、どこに電話するか・どこに行くか・何を持っていくか（「…してください」）を書くか、links に公式のページを足してください"


def warnings(folder, today=TODAY):
    return [str(w) for w in faq_warnings(folder, today)]


def entry(answer_lines, extra=""):
    answer = "".join(f"      {line}\n" for line in answer_lines)
    return f"category: X\nentries:\n  - id: w\n    question: しつもん\n    answer: |\n{answer}{extra}"


def test_shipped_faq_has_no_warnings(faq_copy):
    assert warnings(faq_copy) == []


def test_answer_ending_without_a_next_step_is_warned_at_its_last_sentence(small_faq):
    path = write(small_faq, "20-x.yaml", entry(["カードは役場で作れます。", "1か月かかります。"]))
    assert warnings(small_faq) == [f"{path}:7: 注意: id「w」{NO_NEXT_STEP}"]


def test_answer_ending_with_what_to_do_is_not_warned(small_faq):
    write(small_faq, "20-x.yaml", entry(["1か月かかります。", "はがきが来たら、窓口に来てください。"]))
    assert warnings(small_faq) == []


def test_answer_ending_with_a_phone_number_is_not_warned(small_faq):
    write(small_faq, "20-x.yaml", entry(["フリーダイヤルは 0120-95-0178"]))
    assert warnings(small_faq) == []


def test_answer_with_a_link_needs_no_next_step_sentence(small_faq):
    write(small_faq, "20-x.yaml", entry(["1か月かかります。"], "    links:\n      - label: 公式\n        url: https://example.jp/\n"))
    assert warnings(small_faq) == []


def test_sentence_over_sixty_characters_is_warned_on_its_line(small_faq):
    long = "あ" * 60 + "。"
    path = write(small_faq, "20-x.yaml", entry(["短い文です。", long + "電話してください。"]))
    assert warnings(small_faq) == [f"{path}:7: 注意: 61文字の長い文があります（「{'あ' * 15}…」） — スマホで読みやすいよう、60文字以内の文に分けてください"]


def test_sentence_of_sixty_characters_is_not_warned(small_faq):
    write(small_faq, "20-x.yaml", entry(["あ" * 59 + "。", "電話してください。"]))
    assert warnings(small_faq) == []


def test_updated_over_a_year_ago_is_warned_at_its_line(small_faq):
    path = write(small_faq, "20-x.yaml", entry(["電話してください。"], "    updated: 2025-11-30\n"))
    assert warnings(small_faq) == [f"{path}:7: 注意: id「w」の updated が 2025-11-30 で、1年以上前です — 答えが今も正しいか公式のページで確かめて、確かめた日を updated に書いてください"]


def test_updated_exactly_a_year_ago_is_not_warned(small_faq):
    write(small_faq, "20-x.yaml", entry(["電話してください。"], "    updated: 2025-12-01\n"))
    assert warnings(small_faq) == []


CLASS_HEADER = "NO,イベント名,開始日,開始時間,終了時間,場所名称\n"


def test_class_on_a_weekday_the_faq_does_not_name_is_warned_at_its_row(small_faq):
    write(small_faq, "20-x.yaml", entry(["教室は毎週水曜日です。", "電話してください。"]))
    path = write(small_faq, "classes.csv", CLASS_HEADER + "a,入門,2026-12-09,10:00,12:00,公民館\nb,相談会,2026-12-10,10:00,12:00,公民館\n")
    assert warnings(small_faq) == [f"{path}:3: 注意: 12月10日（木）の「相談会」は木曜日ですが、FAQ の答えには水曜日の教室しか書いてありません — 日付を確かめるか、教室の日にちの答えにこの曜日を書いてください"]


def test_class_days_are_not_checked_when_the_faq_names_no_weekday(small_faq):
    write(small_faq, "20-x.yaml", entry(["教室の日にちは広報を見てください。"]))
    write(small_faq, "classes.csv", CLASS_HEADER + "b,相談会,2026-12-10,10:00,12:00,公民館\n")
    assert warnings(small_faq) == []


def test_weekdays_in_answers_not_about_the_classes_do_not_count(small_faq):
    write(small_faq, "20-x.yaml", entry(["窓口は月曜日の朝がこみます。", "予約してください。"]))
    write(small_faq, "classes.csv", CLASS_HEADER + "b,相談会,2026-12-10,10:00,12:00,公民館\n")
    assert warnings(small_faq) == []


def test_a_folder_with_faults_gives_no_warnings(small_faq):
    write(small_faq, "20-x.yaml", entry(["1か月かかります。"], "    anwser: x\n"))
    assert warnings(small_faq) == []
