import pytest

from bot.cells import original_text, safe_cell

# The inputs of issue 10, and the other beginnings OWASP names.
FORMULAS = ['=HYPERLINK("http://evil.example/x","くわしくはこちら")', "=cmd|' /C calc'!A0", "@SUM(1,1)",
            "+1+2", "-1+2", "\t=1+1", "\r=1+1", "＝1+1", "＠SUM(1,1)", "=", "-"]
PLAIN = ["マイナンバーカードをなくした", "申請 = 4 ステップ", "1,000円", "2026-12-09", "メール@マーク", "", "a=b"]
QUOTED = ["'", "''", "'quoted", "'=SUM(1,1)", "''=x"]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_cell_that_would_start_a_formula_gets_a_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", PLAIN)
def test_other_text_is_left_as_it_is(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize("text", QUOTED)
def test_a_text_that_begins_with_a_quote_gets_one_more(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", FORMULAS + PLAIN + QUOTED)
def test_original_text_takes_away_exactly_what_safe_cell_added(text):
    assert original_text(safe_cell(text)) == text


@pytest.mark.parametrize("cell", ["'quoted", "'申請", "'1"])
def test_a_quote_that_safe_cell_would_not_have_added_stays(cell):
    assert original_text(cell) == cell


def test_every_spreadsheet_writer_goes_through_the_one_helper():
    # A new CSV or workbook writer must reuse excel_csv or the FAQ export, which quote cells.
    from conftest import ROOT

    writers = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if any(call in text for call in ("csv.writer(", "csv.DictWriter(", "Workbook(", "xlsxwriter")):
            writers[path.relative_to(ROOT).as_posix()] = "safe_cell(" in text
    assert writers == {"bot/content/excel.py": True, "bot/staff/csv_export.py": True}
