"""Named errors of the bot, each raised in one situation only.

Every error the bot raises on purpose is a :class:`BotError`: its text says, in Japanese, what
is wrong and what to do. The ``bot`` command has one handler for them all: it prints
:meth:`BotError.lines` on standard error and exits 1, so no command needs its own ``except``.
"""

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


PROBLEMS_SHOWN = 200


def problem_lines(problems: list[Problem]) -> list[str]:
    """Each problem on its line, up to a screenful staff can work through: a file broken on
    every row would otherwise print hundreds of thousands of lines of the same mistake."""
    lines = [str(p) for p in problems[:PROBLEMS_SHOWN]]
    if len(problems) > PROBLEMS_SHOWN:
        lines.append(f"…ほか {len(problems) - PROBLEMS_SHOWN}件（上のまちがいを直してから、もう一度実行してください）")
    return lines


class BotError(Exception):
    """Base of the bot's named errors; never raised itself."""

    def lines(self) -> list[str]:
        """What the ``bot`` command prints, one line each."""
        return [str(self)]


class FaqError(BotError):
    """Raised when the FAQ folder cannot be loaded as it is; ``problems`` lists every fault.

    A running bot that meets this error keeps the FAQ it had; ``bot check`` prints the list.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def lines(self) -> list[str]:
        return ["FAQ にまちがいがあるため、読みこめませんでした:"] + problem_lines(self.problems)


class WorkbookError(BotError):
    """Raised when an Excel import is refused; ``problems`` lists every cell at fault.

    Nothing in the FAQ folder has been changed when it is raised.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def lines(self) -> list[str]:
        return problem_lines(self.problems) + [
            f"{len(self.problems)}件のまちがいがあるため、FAQ は変更していません。直してから、もう一度 import してください。"]


class MissingSetting(BotError):
    """Raised when the server, or a command that talks to LINE, starts without a required
    environment variable; names it."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(
            f"{name} が設定されていません — LINE Developers のチャネル設定にある値を環境変数 {name} に入れてから起動してください"
        )


class MissingSecretKey(BotError):
    """Raised when the server (or ``bot classes remind``) would serve real residents, through
    LINE's own API, with ``BOT_SECRET_KEY`` unset and no ``BOT_ALLOW_DERIVED_KEY=1``: a key
    derived from the channel secret changes when the channel secret is rotated, and every
    resident's pseudonym, booking and sealed reminder id with it."""

    def __init__(self):
        super().__init__(
            "BOT_SECRET_KEY が設定されていません — 住民の記録と予約は、この鍵から作る記号で結びついています。"
            "python3 -c 'import secrets; print(secrets.token_hex(32))' で作った値を環境変数 BOT_SECRET_KEY に入れて起動し、"
            "そのあとは変えないでください（いままで BOT_SECRET_KEY なしで動かしていたときは、bot secret-key が出す値を入れると"
            "予約が引きつがれます。チャネルシークレットから作る鍵のまま動かすなら BOT_ALLOW_DERIVED_KEY=1）"
        )


class BadSetting(BotError):
    """Raised when an environment variable holds a value the server cannot use; names the
    variable and what it may be."""

    def __init__(self, name: str, value: str, valid: str):
        self.name = name
        super().__init__(f"{name} の値「{value[:40]}」は使えません — {valid}")


class BadSecretKey(BotError):
    """Raised when ``BOT_SECRET_KEY`` starts with ``hex:`` but what follows is not hexadecimal."""

    def __init__(self):
        super().__init__("BOT_SECRET_KEY の「hex:」のあとが16進数ではありません — bot secret-key が出した値をそのまま入れてください")


class MissingExtra(BotError):
    """Raised when a command needs a package of an optional extra that is not installed;
    names the pip command that installs it."""

    def __init__(self, module: str, extra: str):
        self.module, self.extra = module, extra
        super().__init__(
            f"このコマンドには追加のパッケージ（{module}）が必要です — pip install -e '.[{extra}]' を実行してください"
            f"（this command needs the '{extra}' extra: pip install -e '.[{extra}]'）"
        )


class FontNotFound(BotError):
    """Raised when the rich menu is to be drawn and no font that can draw Japanese is given or installed."""


class ImageTooLarge(BotError):
    """Raised when the rich-menu image is over LINE's 1 MB limit (nothing is sent)."""


class LineRefused(BotError):
    """Raised when the LINE Messaging API refuses or cannot be reached while staff set up the
    rich menu; says the HTTP status (or the network error) and what to check."""

    def __init__(self, what: str, status: int | str):
        self.status = status
        super().__init__(f"LINE に{what}できませんでした（{status}）— アクセストークンと LINE_API_ENDPOINT を確認してください")


class UnknownClass(BotError):
    """Raised when staff name a class NO that is not in ``classes.csv``."""

    def __init__(self, class_no: str):
        self.class_no = class_no
        super().__init__(f"NO「{class_no}」の教室は classes.csv にありません — bot classes list で NO を確かめてください")


class AccountError(BotError):
    """Raised when a staff name or a new password for the staff console is not acceptable; says why."""


class EditConflict(BotError):
    """Raised when staff save an entry in the console that someone else saved after the form was
    opened; ``current`` is the entry as it is now (None when it was removed)."""

    def __init__(self, current: object | None):
        self.current = current
        super().__init__("この質問は、開いたあとでほかの人が保存しました — いまの内容を見てから、もう一度保存してください")


class UnknownEntry(BotError):
    """Raised when a change in the staff console names an entry id or a category file that is not in the FAQ folder."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"「{name}」は FAQ にありません — 一覧からえらんでください")
