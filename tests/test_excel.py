import pytest
from openpyxl import load_workbook

from bot.cli import cli
from bot.content.excel import WorkbookError, export_workbook, import_workbook
from bot.content.faq import Category, Entry
from bot.content.loader import load_faq
from bot.content.writer import category_yaml
from bot.cells import FORMULA_STARTS


@pytest.fixture
def workbook(faq_copy, tmp_path):
    path = tmp_path / "faq.xlsx"
    export_workbook(load_faq(faq_copy), path)
    return path


def snapshot(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def edit(path, sheet, cell, value):
    book = load_workbook(path)
    book[sheet][cell] = value
    book.save(path)


def test_export_then_import_gives_identical_files(faq_copy, workbook):
    before = snapshot(faq_copy)
    assert import_workbook(workbook, faq_copy) == [c.file for c in load_faq(faq_copy).categories]
    assert snapshot(faq_copy) == before


def test_one_sheet_per_category_with_named_columns(workbook):
    book = load_workbook(workbook)
    assert book.sheetnames[:3] == ["10-mynumber", "20-online", "30-smartphone"]
    sheet = book["10-mynumber"]
    assert (sheet["A1"].value, sheet["B1"].value) == ("category", "マイナンバーカード")
    assert [c.value for c in sheet[2]] == ["id", "question", "label", "alternates", "keywords", "answer", "links", "related", "updated"]
    assert sheet["A3"].value == "mynumber-apply"
    assert sheet["D3"].value.split("\n")[0] == "マイナンバーカードの作り方"


def test_an_edited_cell_reaches_the_yaml(faq_copy, workbook):
    edit(workbook, "10-mynumber", "D3", "マイナンバーカードの作り方\nマイナカードほしい")
    import_workbook(workbook, faq_copy)
    assert load_faq(faq_copy).entry("mynumber-apply").alternates == ("マイナンバーカードの作り方", "マイナカードほしい")


def test_an_empty_answer_is_refused_naming_sheet_and_cell(faq_copy, workbook):
    before = snapshot(faq_copy)
    edit(workbook, "20-online", "F4", None)
    with pytest.raises(WorkbookError) as refused:
        import_workbook(workbook, faq_copy)
    assert [str(p) for p in refused.value.problems] == ["20-online!F4: answer（答え）が空です — 住民に送る答えを書いてください"]
    assert snapshot(faq_copy) == before


def test_a_duplicated_id_is_refused_naming_both_cells(faq_copy, workbook):
    before = snapshot(faq_copy)
    edit(workbook, "30-smartphone", "A5", "mynumber-apply")
    with pytest.raises(WorkbookError) as refused:
        import_workbook(workbook, faq_copy)
    assert str(refused.value.problems[0]) == "30-smartphone!A5: id「mynumber-apply」が2回使われています（もう1つは 10-mynumber!A3） — どちらかの id を別の名前にしてください"
    assert snapshot(faq_copy) == before


def test_an_unknown_related_id_is_refused_at_its_cell(faq_copy, workbook):
    edit(workbook, "10-mynumber", "H3", "mynumber-photo\nmynumber-typo")
    with pytest.raises(WorkbookError) as refused:
        import_workbook(workbook, faq_copy)
    assert [str(p) for p in refused.value.problems] == ["10-mynumber!H3: related の「mynumber-typo」という id の質問がありません — 「mynumber-apply」のまちがいではありませんか"]


def test_a_link_that_is_not_https_is_refused(faq_copy, workbook):
    edit(workbook, "10-mynumber", "G3", "総合サイト http://example.jp/")
    with pytest.raises(WorkbookError) as refused:
        import_workbook(workbook, faq_copy)
    assert [str(p) for p in refused.value.problems] == ["10-mynumber!G3: リンク「http://example.jp/」が https:// で始まっていません — LINEでは https のリンクだけが開けます"]


def test_a_file_that_is_not_a_workbook_is_refused(faq_copy, tmp_path):
    bogus = tmp_path / "faq.xlsx"
    bogus.write_text("id,question\n", encoding="utf-8")
    with pytest.raises(WorkbookError) as refused:
        import_workbook(bogus, faq_copy)
    assert "Excel ファイルとして読めません" in str(refused.value.problems[0])


def refused(workbook, faq_copy):
    before = snapshot(faq_copy)
    with pytest.raises(WorkbookError) as error:
        import_workbook(workbook, faq_copy)
    assert snapshot(faq_copy) == before
    return [str(p) for p in error.value.problems]


def test_a_label_too_long_for_a_button_is_refused_at_its_cell(faq_copy, workbook):
    edit(workbook, "10-mynumber", "C3", "あ" * 21)
    assert refused(workbook, faq_copy) == [f"10-mynumber!C3: label「{'あ' * 21}」が21文字です — LINEのボタンに入るよう20文字以内にしてください"]


def test_an_id_with_capitals_is_refused_at_its_cell(faq_copy, workbook):
    edit(workbook, "20-online", "A3", "Online-Apply")
    assert refused(workbook, faq_copy)[0].startswith("20-online!A3: id「Online-Apply」に使えない文字があります")


def test_an_id_that_breaks_yaml_is_refused_not_written(faq_copy, workbook):
    edit(workbook, "20-online", "A3", "a: b")
    assert refused(workbook, faq_copy)[0].startswith("20-online!A3: id「a: b」に使えない文字があります")


def test_an_empty_category_name_is_refused_at_b1(faq_copy, workbook):
    edit(workbook, "30-smartphone", "B1", None)
    assert refused(workbook, faq_copy) == ["30-smartphone!B1: カテゴリ名がありません — B1 にボタンに出す名前（例: マイナンバーカード）を書いてください"]


def test_an_updated_that_is_not_a_date_is_refused_at_its_cell(faq_copy, workbook):
    edit(workbook, "10-mynumber", "I3", "きのう")
    assert refused(workbook, faq_copy) == ["10-mynumber!I3: updated「きのう」が日付として読めません — 2026-04-01 のように 年-月-日 で書いてください"]


def test_an_answer_too_long_for_line_is_refused_at_its_cell(faq_copy, workbook):
    edit(workbook, "10-mynumber", "F3", "あ" * 5001)
    assert refused(workbook, faq_copy)[0].startswith("10-mynumber!F3: answer が長すぎます（5001文字分）")


def test_a_link_line_without_a_name_is_refused(faq_copy, workbook):
    edit(workbook, "10-mynumber", "G3", "https://example.jp/")
    assert refused(workbook, faq_copy) == ["10-mynumber!G3: リンク「https://example.jp/」— 1行に「名前 https://…」の形で書いてください"]


def test_a_missing_column_is_refused_on_the_header_row(faq_copy, workbook):
    edit(workbook, "20-online", "F2", "kotae")
    assert refused(workbook, faq_copy) == [
        "20-online!A2: 列「answer」がありません — 2行目に列名 id, question, label, alternates, keywords, answer, links, related, updated を書いてください"]


def test_a_sheet_name_that_is_no_file_name_is_refused(faq_copy, workbook):
    book = load_workbook(workbook)
    book["20-online"].title = "オンライン"
    book.save(workbook)
    assert refused(workbook, faq_copy)[0].startswith("オンライン!A1: シート名はカテゴリのファイル名")


def test_an_id_also_used_by_a_file_not_in_the_workbook_names_that_file(faq_copy, workbook):
    (faq_copy / "40-extra.yaml").write_text(
        "category: ほか\nentries:\n  - id: mynumber-apply\n    question: べつの質問\n    answer: べつの答え\n", encoding="utf-8")
    assert refused(workbook, faq_copy) == [
        "40-extra.yaml:3: id「mynumber-apply」が2回使われています（もう1つは 10-mynumber!A3） — どちらかの id を別の名前にしてください"]


def test_faq_export_and_import_commands(runner, faq_copy, tmp_path):
    target = tmp_path / "out.xlsx"
    faq = load_faq(faq_copy)
    files = [c.file for c in faq.categories]
    exported = runner.invoke(cli, ["faq", "export", "--faq", str(faq_copy), str(target)])
    assert (exported.exit_code, exported.output) == (0, f"{target} に書き出しました（{len(files)}シート、{len(faq.entries)}件）。\n")
    imported = runner.invoke(cli, ["faq", "import", "--faq", str(faq_copy), str(target)])
    assert imported.exit_code == 0
    assert imported.output == (
        f"{len(files)}個のファイルを書きこみました: {'、'.join(files)}\n"
        "bot check で確かめ、bot chat で答えを試してください。\n"
    )


def test_a_refused_import_exits_1_with_every_problem(runner, faq_copy, workbook):
    edit(workbook, "20-online", "F4", None)
    edit(workbook, "20-online", "B5", None)
    result = runner.invoke(cli, ["faq", "import", "--faq", str(faq_copy), str(workbook)])
    assert result.exit_code == 1
    assert result.output == (
        "20-online!F4: answer（答え）が空です — 住民に送る答えを書いてください\n"
        "20-online!B5: question（代表の質問）が空です — 住民が聞く言い方で書いてください\n"
        "2件のまちがいがあるため、FAQ は変更していません。直してから、もう一度 import してください。\n"
    )


FORMULA_ENTRY = Entry(
    id="formula-text", question='=HYPERLINK("http://evil.example/x","くわしくはこちら")', category="式",
    label="@SUM(1,1)", alternates=("=cmd|' /C calc'!A0", "+1+2", "'quoted", "''=x"), keywords=("-1+2", "'=SUM(1,1)"),
    answer="=1+1 と書くと式になります。\n- 申請のしかた\n'引用'",
)


@pytest.fixture
def formula_faq(faq_copy):
    """The shipped FAQ and one category whose texts begin with =, +, -, @ and quotes."""
    category = Category("=式のテスト", "40-formula.yaml", (FORMULA_ENTRY,))
    (faq_copy / "40-formula.yaml").write_text(category_yaml(category), encoding="utf-8")
    assert load_faq(faq_copy).entry("formula-text") is not None
    return faq_copy


def test_no_exported_cell_is_a_formula_or_starts_one(formula_faq, tmp_path):
    path = tmp_path / "faq.xlsx"
    export_workbook(load_faq(formula_faq), path)
    cells = [cell for sheet in load_workbook(path).worksheets for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert [c.value for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)] == []
    sheet = load_workbook(path)["40-formula"]
    assert (sheet["B1"].value, sheet["B3"].value) == ("'=式のテスト", "'" + FORMULA_ENTRY.question)


def test_texts_that_begin_a_formula_survive_export_and_import_byte_for_byte(formula_faq, runner, tmp_path):
    before = snapshot(formula_faq)
    path = tmp_path / "faq.xlsx"
    assert runner.invoke(cli, ["faq", "export", "--faq", str(formula_faq), str(path)]).exit_code == 0
    imported = runner.invoke(cli, ["faq", "import", "--faq", str(formula_faq), str(path)])
    assert imported.exit_code == 0, imported.output
    assert snapshot(formula_faq) == before
    entry = load_faq(formula_faq).entry("formula-text")
    assert (entry.question, entry.label, entry.alternates, entry.keywords, entry.answer) == (
        FORMULA_ENTRY.question, FORMULA_ENTRY.label, FORMULA_ENTRY.alternates, FORMULA_ENTRY.keywords, FORMULA_ENTRY.answer)


def test_a_cell_staff_typed_with_a_leading_quote_in_excel_is_text(faq_copy, workbook):
    # Excel keeps 「'=1+1」 typed in a cell as the text =1+1 (the quote is only a style), which is what arrives.
    book = load_workbook(workbook)
    cell = book["10-mynumber"]["B3"]
    cell.value, cell.data_type = "=1+1 はどう書く？", "s"
    book.save(workbook)
    import_workbook(workbook, faq_copy)
    assert load_faq(faq_copy).entry("mynumber-apply").question == "=1+1 はどう書く？"


def zip_with(path, name, size, compression):
    """A zip holding ``name`` of ``size`` bytes (zeros, written in pieces)."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression) as archive, archive.open(name, "w", force_zip64=True) as member:
        for _ in range(size // 2**20):
            member.write(bytes(2**20))
    return path


def test_a_workbook_over_10_mb_is_refused_unopened(faq_copy, tmp_path):
    import zipfile

    path = zip_with(tmp_path / "big.xlsx", "xl/media/image1.png", 11 * 2**20, zipfile.ZIP_STORED)
    before = snapshot(faq_copy)
    with pytest.raises(WorkbookError) as refused:
        import_workbook(path, faq_copy)
    assert [str(p) for p in refused.value.problems] == [
        f"{path}: ファイルが大きすぎます（11.0 MB）— Excel のファイルは 10.0 MB までです。画像や使っていないシートを消して保存し直してください"]
    assert snapshot(faq_copy) == before


def test_a_small_workbook_that_unpacks_to_a_huge_one_is_refused_unopened(runner, faq_copy, tmp_path):
    import zipfile

    path = zip_with(tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml", 200 * 2**20, zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 1 * 2**20
    result = runner.invoke(cli, ["faq", "import", "--faq", str(faq_copy), str(path)])
    assert (result.exit_code, result.output) == (1, (
        f"{path}: ファイルの中身が大きすぎます（ひらくと 200.0 MB、1個の部品）— 30.0 MB までです。"
        "bot faq export で書き出したファイルを直して保存し直してください\n"
        "1件のまちがいがあるため、FAQ は変更していません。直してから、もう一度 import してください。\n"))


def test_a_sheet_reaching_far_down_is_refused_without_walking_its_rows(faq_copy, workbook):
    edit(workbook, "20-online", "A1048576", "x")
    with pytest.raises(WorkbookError) as refused:
        import_workbook(workbook, faq_copy)
    assert [str(p) for p in refused.value.problems] == [
        "20-online!A1048576: 行が多すぎます（1,048,576行）— 1枚のシートは10,000行までです。下のほうの使っていない行を消すか、カテゴリを分けてください"]


def test_a_workbook_broken_on_every_row_prints_a_screenful_and_the_count(runner, faq_copy, workbook):
    book = load_workbook(workbook)
    for row in range(3, 303):
        book["20-online"].cell(row, 1, "BAD ID")
        book["20-online"].cell(row, 2, "しつもん")
        book["20-online"].cell(row, 6, "こたえ")
    book.save(workbook)
    result = runner.invoke(cli, ["faq", "import", "--faq", str(faq_copy), str(workbook)])
    lines = result.output.splitlines()
    total = int(lines[-1].split("件")[0])
    assert (result.exit_code, len(lines), total > 200) == (1, 202, True)
    assert lines[-2] == f"…ほか {total - 200}件（上のまちがいを直してから、もう一度実行してください）"
