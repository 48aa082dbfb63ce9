"""Named errors of the bot, each raised in one situation only."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a staff-edited file, where it is and what to do about it.

    In a YAML or CSV file the place is a line (``faq/10-mynumber.yaml:12: …``); in an Excel
    workbook it is a sheet and a cell (``10-mynumber!F4: …``, ``file`` is the sheet and
    ``line`` the row); ``line`` is None for the file as a whole.
    """

    file: str
    line: int | None
    message: str
    cell: str = ""

    def __str__(self) -> str:
        if self.cell:
            return f"{self.file}!{self.cell}: {self.message}"
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


class FaqError(Exception):
    """Raised when the FAQ folder cannot be loaded as it is; ``problems`` lists every fault.

    A running bot that meets this error keeps the FAQ it had; ``bot check`` prints the list.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))



class WorkbookError(Exception):
    """Raised when an Excel import is refused; ``problems`` lists every cell at fault.

    Nothing in the FAQ folder has been changed when it is raised.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class MissingSetting(Exception):
    """Raised when the server starts without a required environment variable; names it."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(
            f"{name} が設定されていません — LINE Developers のチャネル設定にある値を環境変数 {name} に入れてから起動してください"
        )
