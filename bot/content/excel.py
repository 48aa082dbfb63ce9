"""The FAQ as an Excel workbook and back, for staff who prefer Excel to a text editor.

One sheet per category file (the sheet is named after the file), the category's name in B1,
column names in row 2 (matched by name, in any order), one entry per row from row 3. Lists
(alternates, keywords, links, related) hold one item per line inside the cell.

An import is all or nothing: every problem is reported as ``sheet!cell: …`` and no file is
touched; when the workbook is sound each file is replaced in one step (write, then rename).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..errors import Problem
from .faq import Category, Entry, Faq, Link
from .writer import category_yaml, opening_comments
from .files import replace_file
from .loader import ID_PATTERN, read_faq
from ..line_limits import LABEL_LIMIT, TEXT_LIMIT, utf16_length
from ..cells import original_text, safe_cell

COLUMNS = ("id", "question", "label", "alternates", "keywords", "answer", "links", "related", "updated")
REQUIRED_COLUMNS = ("id", "question", "answer")
WIDTHS = {"id": 22, "question": 36, "label": 20, "alternates": 40, "keywords": 16, "answer": 60, "links": 40, "related": 24, "updated": 12}
HEADER_ROW = 2
FIRST_ENTRY_ROW = 3


class WorkbookError(Exception):
    """Raised when an import is refused; ``problems`` lists every ``sheet!cell`` at fault."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _lines(items) -> str:
    return "\n".join(items)


def export_workbook(faq: Faq, path: Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for category in faq.categories:
        sheet = workbook.create_sheet(Path(category.file).stem[:31])
        sheet["A1"] = "category"
        _text_cell(sheet["B1"], category.name)
        sheet["A1"].font = sheet["B1"].font = Font(bold=True)
        for column, name in enumerate(COLUMNS, 1):
            cell = sheet.cell(HEADER_ROW, column, name)
            cell.font, cell.fill = Font(bold=True), header_fill
            sheet.column_dimensions[get_column_letter(column)].width = WIDTHS[name]
        for row, entry in enumerate(category.entries, FIRST_ENTRY_ROW):
            values = {
                "id": entry.id, "question": entry.question, "label": entry.label,
                "alternates": _lines(entry.alternates), "keywords": _lines(entry.keywords), "answer": entry.answer,
                "links": _lines(f"{link.label} {link.url}" for link in entry.links),
                "related": _lines(entry.related), "updated": entry.updated or "",
            }
            for column, name in enumerate(COLUMNS, 1):
                cell = sheet.cell(row, column)
                _text_cell(cell, values[name])
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.number_format = "@"  # text: Excel must not turn 2026-04-01 or 0120 into numbers
        sheet.freeze_panes = sheet.cell(FIRST_ENTRY_ROW, 3)
    workbook.save(path)


def _text_cell(cell, text: str) -> None:
    """Text that Excel shows as written and never runs: quoted where it would start a formula
    (the import takes the quote away again), and stored as a string, not a formula."""
    if text:
        cell.value = safe_cell(text)
        cell.data_type = "s"


@dataclass
class _SheetReader:
    title: str
    problems: list[str]

    def cell_text(self, value) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return original_text(str(value)).replace("\r\n", "\n").replace("\r", "\n")

    def report(self, column: int, row: int, message: str) -> None:
        self.problems.append(f"{self.title}!{get_column_letter(column)}{row}: {message}")


def _split_lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.split("\n") if line.strip())


def _split_ids(text: str) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[\s,、，]+", text) if part)


Place = tuple[str, int, int, int]  # sheet, id column, row, related column


def read_workbook(path: Path) -> tuple[list[Category], list[str], dict[str, Place]]:
    """Categories from the workbook, the problems found, and where each id was written."""
    try:
        workbook = load_workbook(path, data_only=True)
    except Exception as error:  # not an .xlsx, damaged, or still open and locked
        raise WorkbookError([f"{path}: Excel ファイルとして読めません（{type(error).__name__}）— .xlsx で保存し直してください"]) from None
    problems: list[str] = []
    categories: list[Category] = []
    places: dict[str, Place] = {}
    for sheet in workbook.worksheets:
        reader = _SheetReader(sheet.title, problems)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", sheet.title) or sheet.title in ("settings", "synonyms"):
            reader.report(1, 1, "シート名はカテゴリのファイル名（例: 10-mynumber）にしてください — 英数字とハイフンだけが使えます（settings と synonyms は使えません）")
            continue
        name = reader.cell_text(sheet["B1"].value).strip()
        if not name:
            reader.report(2, 1, "カテゴリ名がありません — B1 にボタンに出す名前（例: マイナンバーカード）を書いてください")
        elif len(name) > LABEL_LIMIT:
            reader.report(2, 1, f"カテゴリ名が{len(name)}文字あります — {LABEL_LIMIT}文字以内にしてください")
        headers = {reader.cell_text(c.value).strip(): c.column for c in sheet[HEADER_ROW] if c.value}
        missing = [c for c in REQUIRED_COLUMNS if c not in headers]
        for column in missing:
            reader.report(1, HEADER_ROW, f"列「{column}」がありません — {HEADER_ROW}行目に列名 {', '.join(COLUMNS)} を書いてください")
        if missing:
            continue
        entries = []
        for row in range(FIRST_ENTRY_ROW, sheet.max_row + 1):
            values = {name: reader.cell_text(sheet.cell(row, col).value) for name, col in headers.items() if name in COLUMNS}
            if not any(v.strip() for v in values.values()):
                continue  # an empty row between entries is fine
            entry = _entry(reader, row, headers, values, name, places)
            if entry is not None:
                entries.append(entry)
        categories.append(Category(name, sheet.title + ".yaml", tuple(entries)))
    return categories, problems, places


def _entry(reader: _SheetReader, row: int, headers: dict[str, int], values: dict[str, str], category: str,
           places: dict[str, Place]) -> Entry | None:
    def column(name: str) -> int:
        return headers.get(name, 1)

    entry_id = values.get("id", "").strip()
    question = " ".join(values.get("question", "").split())
    answer = values.get("answer", "").strip()
    sound = True
    if not entry_id:
        reader.report(column("id"), row, "id が空です — 英小文字・数字・ハイフンで、ほかと重ならない名前を書いてください（例: mynumber-lost）")
        sound = False
    elif not ID_PATTERN.match(entry_id):
        reader.report(column("id"), row, f"id「{entry_id}」に使えない文字があります — 英小文字・数字・ハイフンだけにしてください")
        sound = False
    elif entry_id in places:
        sheet, other_column, other_row, _ = places[entry_id]
        reader.report(column("id"), row, f"id「{entry_id}」は {sheet}!{get_column_letter(other_column)}{other_row} でも使われています — 別の id にしてください")
        sound = False
    else:
        places[entry_id] = (reader.title, column("id"), row, column("related"))
    if not question:
        reader.report(column("question"), row, "question（代表の質問）が空です — 住民が聞く言い方で書いてください")
        sound = False
    if not answer:
        reader.report(column("answer"), row, "answer（答え）が空です — 住民に送る答えを書いてください")
        sound = False
    elif utf16_length(answer) > TEXT_LIMIT:
        reader.report(column("answer"), row, f"answer が長すぎます（{utf16_length(answer)}文字）— LINE で送れるのは{TEXT_LIMIT}文字までです。分けてください")
        sound = False
    label = values.get("label", "").strip()
    if len(label) > LABEL_LIMIT:
        reader.report(column("label"), row, f"label が{len(label)}文字あります — ボタンに出るので{LABEL_LIMIT}文字以内にしてください")
        sound = False
    links = []
    for line in _split_lines(values.get("links", "")):
        link_label, _, url = line.rpartition(" ")
        if not url.startswith("https://"):
            reader.report(column("links"), row, f"リンク「{line}」— 1行に「名前 https://…」の形で書いてください（https のみ）")
            sound = False
        elif len(link_label.strip()) > LABEL_LIMIT or not link_label.strip():
            reader.report(column("links"), row, f"リンクの名前「{link_label.strip()}」は1〜{LABEL_LIMIT}文字にしてください")
            sound = False
        else:
            links.append(Link(link_label.strip(), url))
    updated = values.get("updated", "").strip()
    if updated:
        updated = updated.replace("/", "-")
        try:
            dt.date.fromisoformat(updated)
        except ValueError:
            reader.report(column("updated"), row, f"updated「{updated}」は日付（例: 2026-04-01）で書いてください")
            sound = False
    if not sound:
        return None
    return Entry(
        id=entry_id, question=question, answer=answer, category=category, label=label,
        alternates=_split_lines(values.get("alternates", "")), keywords=_split_lines(values.get("keywords", "")),
        links=tuple(links), related=_split_ids(values.get("related", "")), updated=updated or None,
    )


def import_workbook(path: Path, faq_dir: Path) -> list[str]:
    """Write the workbook's categories into ``faq_dir``; returns the files written.

    Raises :class:`WorkbookError` listing every problem, with nothing written.
    """
    categories, problems, places = read_workbook(path)
    for category in categories:
        for entry in category.entries:
            for related in entry.related:
                if related not in places:
                    sheet, _, row, related_column = places[entry.id]
                    problems.append(f"{sheet}!{get_column_letter(related_column)}{row}: related の「{related}」という id はありません — id を確かめてください")
    if not categories and not problems:
        problems.append(f"{path}: カテゴリのシートが1つもありません")
    if problems:
        raise WorkbookError(problems)
    texts = {}
    for category in categories:
        target = faq_dir / category.file
        comments = opening_comments(target.read_text(encoding="utf-8")) if target.exists() else ""
        texts[category.file] = category_yaml(category, comments)
    _check_as_a_folder(faq_dir, texts)
    for file, text in texts.items():
        replace_file(faq_dir / file, text.encode("utf-8"))
    return sorted(texts)


def _check_as_a_folder(faq_dir: Path, texts: dict[str, str]) -> None:
    """The whole folder as it would be after the import must load, or nothing is written."""
    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch)
        for existing in faq_dir.glob("*.yaml"):
            (trial / existing.name).write_bytes(existing.read_bytes())
        for file, text in texts.items():
            (trial / file).write_text(text, encoding="utf-8")
        _, problems = read_faq(trial)
    if problems:
        raise WorkbookError([_without_folder(p, trial) for p in problems])


def _without_folder(problem: Problem, folder: Path) -> str:
    return str(problem).replace(str(folder) + os.sep, "")
