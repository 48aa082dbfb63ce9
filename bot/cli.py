"""The ``bot`` command: a thin layer over the library. Each command's docstring is its help."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .config import DEFAULT_DATABASE_URL
from .content.loader import check_faq, faq_warnings, load_faq
from .dialogue.replies import Reply, Responder
from .errors import BotError, UnknownClass, problem_lines


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


database_option = click.option(
    "--database", default=lambda: os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
    show_default="DATABASE_URL or sqlite:///var/bot.sqlite3", help="The bot's database.",
)


def _responder(faq_dir: Path) -> Responder:
    return Responder(load_faq(faq_dir))


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


class _BotGroup(click.Group):
    """The one place a :class:`~bot.errors.BotError` ends: its lines on stderr, exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BotError as error:
            for line in error.lines():
                click.echo(line, err=True)
            ctx.exit(1)


@click.group(cls=_BotGroup)
@click.version_option(package_name="line-digital-desk-bot")
def cli() -> None:
    """LINE FAQ bot for residents: My Number card, online procedures, smartphone classes."""


@cli.command()
@faq_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON: one object, or one per line from stdin.")
@click.option("--top", "top", type=click.IntRange(1, 100), default=5, show_default=True, help="How many candidates to list.")
@click.option("--explain", is_flag=True, help="Also show why: words read, weights, top entries, the rule that decided.")
@click.argument("question", required=False)
def ask(faq_dir: Path, as_json: bool, top: int, explain: bool, question: str | None) -> None:
    """Print the reply a resident would get.

    Example: bot ask "マイナンバーカードをなくした"

    With --json and no question, reads one question per line from standard input and prints
    one JSON object per line, in order (--top N lists up to N candidates):

        cat questions.txt | bot ask --json --top 10

    --explain shows why: bot ask --explain "マイナカードなくした"
    """
    responder = _responder(faq_dir)
    if question is None and (not as_json or explain):
        raise click.UsageError("質問を書いてください。例: bot ask \"マイナンバーカードをなくした\"")

    def as_object(query: str) -> dict:
        answer = reply_as_json(responder.answer(query), query)
        if top != len(answer["candidates"]) and answer["candidates"]:
            answer["candidates"] = [{"id": e.id, "question": e.question, "score": s} for e, s in responder.matcher.rank(query, top)]
        return answer

    if question is not None:
        if as_json:
            click.echo(json.dumps(as_object(question), ensure_ascii=False))
        else:
            click.echo(reply_as_text(responder.answer(question)))
        if explain:
            click.echo("")
            click.echo("\n".join(responder.matcher.explain(question, top).lines()))
        return
    for line in sys.stdin:
        query = line.rstrip("\r\n")
        sys.stdout.write(json.dumps(as_object(query), ensure_ascii=False) + "\n")
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
    """Check the FAQ folder; print every problem as file:line: message, then 注意 (warnings).

    Example: bot check --faq faq/

    Exit status 0 when the folder is sound, even with warnings; 1 when anything is wrong.
    """
    problems = check_faq(faq_dir)
    if problems:
        for line in problem_lines(problems):
            click.echo(line)
        click.echo(f"{len(problems)}件のまちがいがあります。直してから、もう一度 bot check を実行してください。")
        raise SystemExit(1)
    faq = load_faq(faq_dir)
    warnings = faq_warnings(faq_dir)
    for line in problem_lines(warnings):
        click.echo(line)
    click.echo(f"OK: {len(faq.categories)}カテゴリ、{len(faq.entries)}件の質問に問題はありません。")
    if faq.classes:
        click.echo(f"OK: スマホ教室の予定 {len(faq.classes)}件（classes.csv）に問題はありません。")
    if warnings:
        click.echo(f"注意が{len(warnings)}件あります。ボットはこのまま答えますが、住民にわかりやすくなるよう見直してください。")


@cli.command()
@faq_option
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3660), help="How many days back, today included.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the report as CSV (UTF-8 with BOM, for Excel).")
@database_option
def report(faq_dir: Path, days: int, csv_path: Path | None, database: str) -> None:
    """Show what residents asked: counts per day, unanswered questions grouped, weak entries.

    Example: bot report --days 7 --csv report.csv
    """
    import datetime as dt

    from .clock import JST
    from .staff.report import build_report, format_report, report_csv
    from .storage import Storage

    responder = _responder(faq_dir)
    storage = Storage(database)
    today = dt.datetime.now(JST).date()
    since = dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time(), JST).timestamp()
    built = build_report(storage.questions_since(since), storage.feedback_since(since), responder.faq,
                         responder.matcher, today, days)
    click.echo(format_report(built, responder.faq))
    if csv_path is not None:
        csv_path.write_bytes(report_csv(built))
        click.echo(f"\nCSV を保存しました: {csv_path}")


@cli.group(name="faq")
def faq_group() -> None:
    """Move the FAQ to and from Excel (one sheet per category)."""


@faq_group.command(name="export")
@faq_option
@click.argument("workbook", type=click.Path(dir_okay=False, path_type=Path))
def faq_export(faq_dir: Path, workbook: Path) -> None:
    """Write the FAQ to an Excel workbook.

    Example: bot faq export faq.xlsx
    """
    from .content.excel import export_workbook

    faq = _responder(faq_dir).faq
    export_workbook(faq, workbook)
    click.echo(f"{workbook} に書き出しました（{len(faq.categories)}シート、{len(faq.entries)}件）。")


@faq_group.command(name="import")
@faq_option
@click.argument("workbook", type=click.Path(dir_okay=False, exists=True, path_type=Path))
def faq_import(faq_dir: Path, workbook: Path) -> None:
    """Write an edited Excel workbook back into the FAQ folder, all or nothing.

    Example: bot faq import faq.xlsx

    Every problem is printed as sheet!cell: message and no file is changed (exit 1).
    """
    from .content.excel import import_workbook

    written = import_workbook(workbook, faq_dir)
    click.echo(f"{len(written)}個のファイルを書きこみました: {'、'.join(written)}")
    click.echo("bot check で確かめ、bot chat で答えを試してください。")


@cli.group(name="classes")
def classes_group() -> None:
    """Smartphone classes: the schedule, who booked, reminders."""


@classes_group.command(name="list")
@faq_option
@database_option
def classes_list(faq_dir: Path, database: str) -> None:
    """List the classes in classes.csv with the seats taken in LINE.

    Example: bot classes list
    """
    from .storage import Storage

    faq = _responder(faq_dir).faq
    if not faq.classes:
        click.echo("スマホ教室の予定（classes.csv）がありません。")
        return
    storage = Storage(database)
    for course in faq.classes:
        seats = f"{storage.seats_taken(course.no)}/{course.capacity}人" if course.bookable else "LINE予約なし"
        click.echo(f"{course.no}  {course.date.isoformat()} {course.hours()}  {course.title}  {seats}")


@classes_group.command(name="roster")
@faq_option
@database_option
@click.argument("class_no")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write the list as CSV (UTF-8 with BOM).")
def classes_roster(faq_dir: Path, database: str, class_no: str, csv_path: Path | None) -> None:
    """Participants of one class by booking number and time (no LINE ids).

    Example: bot classes roster 2026-12-09-01 --csv roster.csv
    """
    from .staff.roster import roster_csv, roster_rows
    from .storage import Storage

    course = next((c for c in _responder(faq_dir).faq.classes if c.no == class_no), None)
    if course is None:
        raise UnknownClass(class_no)
    rows = roster_rows(Storage(database).roster(class_no))
    click.echo(f"{course.title} {course.when()} {course.place}")
    click.echo(f"申し込み {len(rows) - 1}人" + (f"（定員 {course.capacity}人）" if course.capacity else ""))
    for row in rows[1:]:
        click.echo("  ".join(row))
    if csv_path is not None:
        csv_path.write_bytes(roster_csv(course, rows))
        click.echo(f"CSV を保存しました: {csv_path}")


@classes_group.command(name="remind")
@faq_option
@database_option
@click.option("--date", "run_date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day the reminders go out (default: today, Japan time); classes of the next day are reminded.")
def classes_remind(faq_dir: Path, database: str, run_date) -> None:
    """Push tomorrow's class reminder to everyone who booked; safe to run twice.

    Example: bot classes remind --date 2026-12-08   (for the classes of 12月9日; run daily by cron)
    """
    import datetime as dt

    from .classes.reminders import send_reminders
    from .clock import JST
    from .line.api import messaging_api
    from .storage import Storage

    faq = _responder(faq_dir).faq
    config = _server_config(faq_dir)
    config.check_secret_key()  # the LINE ids were sealed with the server's key
    day = run_date.date() if run_date else dt.datetime.now(JST).date()
    api = messaging_api(config.api_endpoint, config.access_token)
    result = send_reminders(Storage(database), faq.classes, day, api=api, secret_key=config.secret_key)
    tomorrow = day + dt.timedelta(days=1)
    click.echo(f"{tomorrow.month}月{tomorrow.day}日の教室のお知らせ: {result.sent}件送りました"
               f"（前に送りずみ {result.already}件、送れなかった {result.failed}件）")
    if result.failed:
        raise SystemExit(1)


@cli.group(name="staff")
def staff_group() -> None:
    """Accounts for the staff console (/staff/, on with STAFF_CONSOLE=1)."""


@staff_group.command(name="add")
@database_option
@click.argument("name")
def staff_add(database: str, name: str) -> None:
    """Create a staff account, or give it a new password; the password is read from standard input.

    Example: bot staff add sato        (asks for the password twice on a terminal)
             printf '%s\\n' "$PASSWORD" | bot staff add sato

    Only an argon2 hash of the password is stored. A new password signs the account out everywhere.
    """
    from .staff.console.accounts import add_account
    from .storage import Storage

    if sys.stdin.isatty():
        password = click.prompt("パスワード", hide_input=True, confirmation_prompt="もう一度パスワード",
                                err=True, show_default=False)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    created = add_account(Storage(database), name, password)
    click.echo(f"職員アカウント「{name}」を{'作りました' if created else '新しいパスワードにしました'}。")


def _server_config(faq_dir: Path):
    from .config import ServerConfig

    return ServerConfig.from_environ({**os.environ, "FAQ_DIR": str(faq_dir)})


@cli.command(name="secret-key")
def secret_key() -> None:
    """Print the key that stands for residents now, as a value for BOT_SECRET_KEY.

    Example: bot secret-key   (on the server, with its LINE_CHANNEL_SECRET, before rotating it)

    Without BOT_SECRET_KEY the key is derived from LINE_CHANNEL_SECRET. Put the printed hex:…
    value into BOT_SECRET_KEY before the channel secret changes, and every resident keeps their
    bookings and history.
    """
    from .config import HEX_PREFIX, ServerConfig

    click.echo(HEX_PREFIX + ServerConfig.from_environ().secret_key.hex())


@cli.command()
@faq_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT") or 8000), show_default="PORT or 8000",
              help="Port to listen on.")
def serve(faq_dir: Path, host: str, port: int) -> None:
    """Run the webhook on a development server (production: gunicorn, see the Procfile).

    Example: LINE_CHANNEL_SECRET=… LINE_CHANNEL_ACCESS_TOKEN=… BOT_SECRET_KEY=… bot serve --port 8000

    Needs LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN in the environment, and
    BOT_SECRET_KEY when it answers through LINE's own API (BOT_ALLOW_DERIVED_KEY=1 to go without).
    """
    from .web import create_app

    config = _server_config(faq_dir)
    app = create_app({"FAQ_DIR": config.faq_dir})
    app.run(host=host, port=port, threaded=True)


@cli.command()
@faq_option
@click.option("--font", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="Japanese font file (.ttf/.otf/.ttc).")
@click.option("--image", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="Use this PNG/JPEG instead of drawing one.")
@click.option("--save", type=click.Path(dir_okay=False, path_type=Path), help="Write the image here and stop; nothing is sent to LINE.")
def richmenu(faq_dir: Path, font: Path | None, image: Path | None, save: Path | None) -> None:
    """Create the rich menu (a button per category and 職員に聞きたい) and make it the default.

    Example: bot richmenu                    (draws the image with an installed Japanese font)
             bot richmenu --save menu.png    (only draws it, to look at first)
             bot richmenu --image menu.png   (uses your own 2500×843 or 2500×1686 image)

    Needs LINE_CHANNEL_ACCESS_TOKEN (and LINE_CHANNEL_SECRET) unless --save is given.
    """
    from .line import richmenu as menu

    buttons = menu.menu_buttons(_responder(faq_dir).faq)
    if image is not None:
        picture = image.read_bytes()
        content_type = "image/jpeg" if picture[:3] == b"\xff\xd8\xff" else "image/png"
    else:
        picture = menu.draw_image(buttons, menu.find_font(font))
        content_type = "image/png"
    if save is not None:
        save.write_bytes(picture)
        click.echo(f"画像を保存しました: {save}（{len(buttons)}個のボタン）")
        return
    config = _server_config(faq_dir)
    menu_id = menu.publish(
        menu.rich_menu_request(buttons), picture, content_type,
        endpoint=config.api_endpoint, data_endpoint=config.data_endpoint, access_token=config.access_token,
    )
    labels = "、".join(b.label for b in buttons)
    click.echo(f"リッチメニューを登録し、全員の標準メニューにしました: {menu_id}（{labels}）")


def main() -> None:
    cli(prog_name="bot")
