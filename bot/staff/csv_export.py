"""CSV for staff: UTF-8 with a BOM and CRLF, which Excel opens without garbling Japanese;
every cell through :func:`~bot.cells.safe_cell`, so no cell runs as a formula."""

from __future__ import annotations

import csv
import io

from ..cells import safe_cell


def excel_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([safe_cell(str(cell)) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")
