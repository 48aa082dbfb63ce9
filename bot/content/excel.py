"""The FAQ as an Excel workbook and back, for staff who prefer Excel to a text editor.

One sheet per category file (the sheet is named after the file), the category's name in B1,
column names in row 2 (matched by name, in any order), one entry per row from row 3. Lists
(alternates, keywords, links, related) hold one item per line inside the cell.

An import is all or nothing: every problem is reported as ``sheet!cell: …`` and no file is
touched; when the workbook is sound each file is replaced in one step (write, then rename).
The entry rules are the loader's: the workbook is written as YAML into a scratch copy of the
folder, the loader reads that copy, and each of its problems is put back at the cell it came
from. Only what belongs to the workbook itself (sheet names, column names, one link per line)
is checked here.
"""

from __future__ import annotations

import bisect
import datetime as dt
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..cells import original_text, safe_cell
from ..errors import Problem, WorkbookError
from .faq import Category, Entry, Faq, Link
from .files import replace_file
from .loader import read_faq
from .writer import category_yaml, opening_comments

COLUMNS = ("id", "question", "label", "alternates", "keywords", "answer", "links", "related", "updated")
REQUIRED_COLUMNS = ("id", "question", "answer")
WIDTHS = {"id": 22, "question": 36, "label": 20, "alternates": 40, "keywords": 16, "answer": 60, "links": 40, "related": 24, "updated": 12}
HEADER_ROW = 2
FIRST_ENTRY_ROW = 3
# The shipped FAQ exports to 28 KB (124 KB unpacked, 66 entries); these leave room for a
# hundred times that and refuse, before openpyxl reads anything, a workbook that would take
# minutes and gigabytes: a large file, or a small one that unpacks to a huge one (a zip bomb).
WORKBOOK_LIMIT = 10 * 1024 * 1024
UNPACKED_LIMIT = 30 * 1024 * 1024
MEMBER_LIMIT = 1000
# A single cell far down (row 1,048,576) makes openpyxl's max_row that large: refused, not walked.
ROW_LIMIT = 10_000


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


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return original_text(str(value)).replace("\r\n", "\n").replace("\r", "\n")


def _split_lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.split("\n") if line.strip())


def _split_ids(text: str) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[\s,、，]+", text) if part)


@dataclass
class _Sheet:
    """One category sheet as read, and where each of its entries came from."""

    title: str
    name: str
    columns: dict[str, int]
    entries: list[Entry] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    @property
    def file(self) -> str:
        return self.title + ".yaml"

    def cell(self, column: str | int, row: int, message: str) -> Problem:
        number = column if isinstance(column, int) else self.columns.get(column, 1)
        return Problem(self.title, row, message, cell=f"{get_column_letter(number)}{row}")


# What an Excel user is told when a required cell is empty (the loader's own hint speaks of
# YAML lines).
_EMPTY_CELL = {
    "category": "カテゴリ名がありません — B1 にボタンに出す名前（例: マイナンバーカード）を書いてください",
    "id": "id が空です — 英小文字・数字・ハイフンで、ほかと重ならない名前を書いてください（例: mynumber-lost）",
    "question": "question（代表の質問）が空です — 住民が聞く言い方で書いてください",
    "answer": "answer（答え）が空です — 住民に送る答えを書いてください",
}


def read_workbook(path: Path) -> tuple[list[_Sheet], list[Problem]]:
    """The category sheets as entries, and the problems of the workbook's own layout."""
    too_big = _too_big(path)
    if too_big:
        raise WorkbookError([Problem(str(path), None, too_big)])
    try:
        workbook = load_workbook(path, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not an .xlsx
        raise WorkbookError([Problem(str(path), None, f"Excel ファイルとして読めません（{type(error).__name__}）— .xlsx で保存し直してください")]) from None
    problems: list[Problem] = []
    sheets: list[_Sheet] = []
    for worksheet in workbook.worksheets:
        headers = {_cell_text(c.value).strip(): c.column for c in worksheet[HEADER_ROW] if c.value}
        sheet = _Sheet(worksheet.title, _cell_text(worksheet["B1"].value).strip(), headers)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", sheet.title) or sheet.title in ("settings", "synonyms"):
            problems.append(sheet.cell(1, 1, "シート名はカテゴリのファイル名（例: 10-mynumber）にしてください — 英数字とハイフンだけが使えます（settings と synonyms は使えません）"))
            continue
        missing = [c for c in REQUIRED_COLUMNS if c not in headers]
        for column in missing:
            problems.append(sheet.cell(1, HEADER_ROW, f"列「{column}」がありません — {HEADER_ROW}行目に列名 {', '.join(COLUMNS)} を書いてください"))
        if missing:
            continue
        if worksheet.max_row > ROW_LIMIT:
            problems.append(sheet.cell(1, worksheet.max_row, f"行が多すぎます（{worksheet.max_row:,}行）— 1枚のシートは{ROW_LIMIT:,}行までです。"
                                                             "下のほうの使っていない行を消すか、カテゴリを分けてください"))
            continue
        for row in range(FIRST_ENTRY_ROW, worksheet.max_row + 1):
            values = {name: _cell_text(worksheet.cell(row, col).value) for name, col in headers.items() if name in COLUMNS}
            if not any(v.strip() for v in values.values()):
                continue  # an empty row between entries is fine
            sheet.entries.append(_entry(sheet, row, values, problems))
            sheet.rows.append(row)
        sheets.append(sheet)
    if not sheets and not problems:
        problems.append(Problem(str(path), None, "カテゴリのシートが1つもありません"))
    return sheets, problems


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _too_big(path: Path) -> str | None:
    """Why the workbook is too large to open, or None. The unpacked size is the sum of what the
    zip's directory declares: Python's zipfile never inflates a member past its declared size
    (and fails its CRC check if the data says otherwise), so this bounds what openpyxl can get."""
    size = path.stat().st_size
    if size > WORKBOOK_LIMIT:
        return f"ファイルが大きすぎます（{_megabytes(size)}）— Excel のファイルは {_megabytes(WORKBOOK_LIMIT)} までです。画像や使っていないシートを消して保存し直してください"
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        return None  # not a zip at all: openpyxl says it cannot be read
    unpacked = sum(member.file_size for member in members)
    if unpacked > UNPACKED_LIMIT or len(members) > MEMBER_LIMIT:
        return (f"ファイルの中身が大きすぎます（ひらくと {_megabytes(unpacked)}、{len(members)}個の部品）— "
                f"{_megabytes(UNPACKED_LIMIT)} までです。bot faq export で書き出したファイルを直して保存し直してください")
    return None


def _entry(sheet: _Sheet, row: int, values: dict[str, str], problems: list[Problem]) -> Entry:
    """The row as an entry, as staff wrote it: the loader judges it once it is YAML."""
    links = []
    for line in _split_lines(values.get("links", "")):
        label, _, url = line.rpartition(" ")
        if not label.strip() or not url:
            problems.append(sheet.cell("links", row, f"リンク「{line}」— 1行に「名前 https://…」の形で書いてください"))
        else:
            links.append(Link(label.strip(), url))
    return Entry(
        id=values.get("id", "").strip(), question=" ".join(values.get("question", "").split()),
        answer=values.get("answer", "").strip(), category=sheet.name, label=values.get("label", "").strip(),
        alternates=_split_lines(values.get("alternates", "")), keywords=_split_lines(values.get("keywords", "")),
        links=tuple(links), related=_split_ids(values.get("related", "")),
        updated=values.get("updated", "").strip().replace("/", "-") or None,
    )


def import_workbook(path: Path, faq_dir: Path) -> list[str]:
    """Write the workbook's categories into ``faq_dir``; returns the files written.

    Raises :class:`~bot.errors.WorkbookError` listing every problem, with nothing written.
    """
    sheets, problems = read_workbook(path)
    if problems:
        raise WorkbookError(problems)
    texts = {}
    for sheet in sheets:
        target = faq_dir / sheet.file
        comments = opening_comments(target.read_text(encoding="utf-8")) if target.exists() else ""
        texts[sheet.file] = category_yaml(Category(sheet.name, sheet.file, tuple(sheet.entries)), comments)
    _check_as_a_folder(faq_dir, texts, {s.file: s for s in sheets})
    for file, text in texts.items():
        replace_file(faq_dir / file, text.encode("utf-8"))
    return sorted(texts)


def _check_as_a_folder(faq_dir: Path, texts: dict[str, str], sheets: dict[str, _Sheet]) -> None:
    """The whole folder as it would be after the import must load, or nothing is written."""
    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch)
        for existing in faq_dir.glob("*.yaml"):
            (trial / existing.name).write_bytes(existing.read_bytes())
        for file, text in texts.items():
            (trial / file).write_text(text, encoding="utf-8")
        _, problems = read_faq(trial)
        places = {file: _Places(sheets[file], text) for file, text in texts.items()}
        if problems:
            raise WorkbookError([_at_its_cell(p, trial, places) for p in problems])


class _Places:
    """Which cell each line of a sheet's YAML was written from."""

    def __init__(self, sheet: _Sheet, text: str):
        self.sheet = sheet
        self.starts: list[int] = []  # first line of each field, in order
        self.cells: list[tuple[str | int, int]] = []  # (column, row) of that field
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:  # the loader says what is wrong; it is put at the sheet's A1
            return
        for key, value in root.value:
            if key.value == "category":
                self._mark(key, 2, 1)
            elif key.value == "entries":
                for node, row in zip(value.value, sheet.rows):
                    self._mark(node, "id", row)
                    for field_key, _ in node.value:
                        self._mark(field_key, field_key.value, row)

    def _mark(self, node: yaml.Node, column: str | int, row: int) -> None:
        self.starts.append(node.start_mark.line + 1)
        self.cells.append((column, row))

    def cell(self, line: int) -> tuple[str | int, int]:
        if not self.starts:
            return 1, 1
        return self.cells[max(0, bisect.bisect_right(self.starts, line) - 1)]


def _at_its_cell(problem: Problem, trial: Path, places: dict[str, _Places]) -> Problem:
    """The loader's problem at the workbook cell it came from (or at its file, if not imported)."""

    def where(file: str, line: int | None) -> tuple[str, Problem | None]:
        name = Path(file).name
        if name in places and line:
            column, row = places[name].cell(line)
            located = places[name].sheet.cell(column, row, "")
            return f"{located.file}!{located.cell}", located
        return name if line is None else f"{name}:{line}", None

    # Another place named in the message (「もう1つは …/20-online.yaml:12」) is a cell too.
    message = re.sub(re.escape(str(trial) + os.sep) + r"([^\s:]+):(\d+)",
                     lambda m: where(m[1], int(m[2]))[0], problem.message)
    key, _, hint = message.partition(" がありません — ")
    if hint and key in _EMPTY_CELL:
        message = _EMPTY_CELL[key]
    name, located = where(problem.file, problem.line)
    if located is None:
        return Problem(Path(problem.file).name, problem.line, message)
    return Problem(located.file, located.line, message, cell=located.cell)
