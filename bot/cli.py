"""The ``bot`` command: a thin layer over the library. Each command's docstring is its help."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .errors import FaqError
from .loader import check_faq, load_faq
from .replies import Reply, Responder


def default_faq_dir() -> str:
    return os.environ.get("FAQ_DIR") or "faq"


faq_option = click.option(
    "--faq",
    "faq_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=default_faq_dir,
    show_default="FAQ_DIR or faq/",
    help="FAQ folder.",
)


def _responder(faq_dir: Path) -> Responder:
    try:
        return Responder(load_faq(faq_dir))
    except FaqError as error:
        click.echo(f"FAQ（{faq_dir}）にまちがいがあるため、読みこめませんでした:", err=True)
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1) from None


def reply_as_json(reply: Reply, query: str) -> dict:
    match = reply.match
    return {
        "query": query,
        "status": reply.status,
        "id": match.id if match and reply.status == "answer" else None,
        "score": match.score if match else 0.0,
        "candidates": [{"id": c.id, "question": c.question, "score": c.score} for c in match.candidates] if match else [],
        "text": reply.text,
    }


def reply_as_text(reply: Reply) -> str:
    lines = [reply.text]
    if reply.buttons:
        lines.append("")
        lines.extend(f"[{n}] {b.label}" for n, b in enumerate(reply.buttons, 1))
    return "\n".join(lines)


@click.group()
@click.version_option(package_name="line-digital-desk-bot")
def cli() -> None:
    """LINE FAQ bot for residents: My Number card, online procedures, smartphone classes."""


@cli.command()
@faq_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object, or one per line from stdin.")
@click.argument("question", required=False)
def ask(faq_dir: Path, as_json: bool, question: str | None) -> None:
    """Print the reply a resident would get.

    Example: bot ask "マイナンバーカードをなくした"

    With --json and no question, reads one question per line from standard input and prints
    one JSON object per line, in order:

        cat questions.txt | bot ask --json
    """
    responder = _responder(faq_dir)
    if question is None and not as_json:
        raise click.UsageError("質問を書いてください。例: bot ask \"マイナンバーカードをなくした\"")
    if question is not None:
        reply = responder.answer(question)
        click.echo(json.dumps(reply_as_json(reply, question), ensure_ascii=False) if as_json else reply_as_text(reply))
        return
    for line in sys.stdin:
        query = line.rstrip("\r\n")
        reply = responder.answer(query)
        sys.stdout.write(json.dumps(reply_as_json(reply, query), ensure_ascii=False) + "\n")
        sys.stdout.flush()


@cli.command()
@faq_option
def chat(faq_dir: Path) -> None:
    """Chat with the bot in the terminal; buttons are numbered choices.

    Example: bot chat   (type a question, or a button's number; 「おわり」 or Ctrl-D quits)
    """
    responder = _responder(faq_dir)
    reply = responder.greeting()
    while True:
        click.echo(reply_as_text(reply))
        try:
            typed = input("\nあなた> ").strip()
        except EOFError:
            click.echo()
            return
        if typed in ("おわり", "終わり", "quit", "exit", "q"):
            return
        click.echo()
        if not typed:
            reply = responder.menu()
        elif typed.isdigit() and 1 <= int(typed) <= len(reply.buttons):
            reply = responder.action(reply.buttons[int(typed) - 1].action)
        else:
            reply = responder.answer(typed)


@cli.command()
@faq_option
def check(faq_dir: Path) -> None:
    """Check the FAQ folder; print every problem as file:line: message.

    Example: bot check --faq faq/

    Exit status 0 when the folder is sound, 1 when anything is wrong.
    """
    problems = check_faq(faq_dir)
    if problems:
        for problem in problems:
            click.echo(str(problem))
        click.echo(f"{len(problems)}件のまちがいがあります。直してから、もう一度 bot check を実行してください。")
        raise SystemExit(1)
    faq = load_faq(faq_dir)
    click.echo(f"OK: {len(faq.categories)}カテゴリ、{len(faq.entries)}件の質問に問題はありません。")


def main() -> None:
    cli(prog_name="bot")
