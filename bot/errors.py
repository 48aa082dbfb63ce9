"""Named errors of the bot, each raised in one situation only."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a staff-edited file, where it is and what to do about it."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class FaqError(Exception):
    """Raised when the FAQ folder cannot be loaded as it is; ``problems`` lists every fault.

    A running bot that meets this error keeps the FAQ it had; ``bot check`` prints the list.
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
