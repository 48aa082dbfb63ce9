"""Text for a spreadsheet cell that no spreadsheet runs as a formula.

A resident's question reaches the report CSV and staff open it in Excel; an FAQ answer reaches
the Excel export. A cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is read by Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(…)``,
``=cmd|' /C calc'!A0``), so every writer puts its text through :func:`safe_cell`, which
follows OWASP's CSV-injection rule: a single quote goes in front. The full-width forms
(＝＋－＠) get it too, since an IME may turn them into the ASCII ones.

A text that itself begins with a quote gets one more, so that :func:`original_text` (used by
the Excel import) takes away exactly what was added and an export followed by an import gives
the text back byte for byte.
"""

from __future__ import annotations

QUOTE = "'"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(text: str) -> str:
    """``text`` as a cell that is shown as written, never run.

    >>> safe_cell("=SUM(1,1)"), safe_cell("'quoted"), safe_cell("申請")
    ("'=SUM(1,1)", "''quoted", '申請')
    """
    return QUOTE + text if text.startswith(FORMULA_STARTS + (QUOTE,)) else text


def original_text(cell: str) -> str:
    """The text :func:`safe_cell` was given: one quote fewer, where it added one.

    >>> original_text("'=SUM(1,1)"), original_text("''quoted"), original_text("'quoted")
    ('=SUM(1,1)', "'quoted", "'quoted")
    """
    if cell.startswith(QUOTE) and cell[1:].startswith(FORMULA_STARTS + (QUOTE,)):
        return cell[1:]
    return cell
