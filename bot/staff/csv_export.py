"""CSV for staff: UTF-8 with a BOM and CRLF, which Excel opens without garbling Japanese."""

from __future__ import annotations

import csv
import io


def excel_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")
