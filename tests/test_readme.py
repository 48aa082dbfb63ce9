"""The README stays true: its two opening commands, CI running the second, every command of its table."""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

import line_events as ev
from bot.cli import cli
from conftest import ROOT, SHIPPED_FAQ
from gunicorn_server import free_port

README = (ROOT / "README.md").read_text(encoding="utf-8")


def opening_commands():
    block = README.split("```", 2)[1]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_opens_with_two_command_lines():
    lines = opening_commands()
    assert len(lines) == 2
    assert lines[0].endswith("bot chat")
    assert "pytest" in lines[1]


def test_ci_runs_the_readme_test_command():
    assert opening_commands()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


# -- the command table, run as written --------------------------------------------------------
# Each command of the README's table is run exactly as written, by a shell, with the installed
# `bot`, in a scratch folder holding a copy of faq/ (so the defaults faq/ and
# sqlite:///var/bot.sqlite3 are the scratch ones) and the fake Messaging API as LINE.
# A command added to the table without a check here fails the test, and so does a check whose
# command left the table.


def table_commands() -> list[str]:
    """The commands of the table under ## Commands, in order (a cell may hold two, split by /)."""
    section = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    commands = []
    for row in section.splitlines():
        if row.startswith("| `"):
            cell = row.split("|")[1]
            commands += re.findall(r"`(bot [^`]+)`", cell)
    return commands


@dataclass(frozen=True)
class Check:
    expect: str  # a key part of standard output
    stdin: str = ""
    files: tuple[tuple[str, str], ...] = ()
    exit_code: int = 0


CHECKS = {
    'bot ask "マイナンバーカードをなくした"': Check("0120-95-0178"),
    'bot ask --json "質問"': Check('"status": '),
    "bot ask --json < questions.txt": Check('"query": "スマホ教室はいつ？"', files=(("questions.txt", "マイナンバーカードをなくした\nスマホ教室はいつ？\n"),)),
    "bot chat": Check("さくら町", stdin="メニュー\nおわり\n"),
    "bot check": Check("件の質問に問題はありません"),
    "bot report": Check("■ 答えられなかった質問"),
    "bot faq export faq.xlsx": Check("faq.xlsx に書き出しました"),
    "bot faq import faq.xlsx": Check("個のファイルを書きこみました"),
    "bot classes list": Check("2026-12-09-01"),
    "bot classes roster 2026-12-09-01 --csv roster.csv": Check("CSV を保存しました: roster.csv"),
    "bot classes remind --date 2026-12-08": Check("12月9日の教室のお知らせ: 0件送りました"),
    "bot staff add sato": Check("職員アカウント「sato」を作りました", stdin="sakura-desk-2026\n"),
    "bot secret-key": Check("hex:"),
    "bot richmenu": Check("リッチメニューを登録し、全員の標準メニューにしました"),
    "bot serve": Check(""),  # runs until stopped: started, asked for /healthz, stopped (below)
}


def test_every_table_command_has_a_check_and_every_check_a_command():
    assert sorted(table_commands()) == sorted(CHECKS)


def test_every_cli_command_is_in_the_table():
    named = {c.split()[1] for c in table_commands()}
    assert sorted(set(cli.commands) - named) == []


@pytest.fixture(scope="module")
def scratch(tmp_path_factory, line_api):
    """A folder with a copy of faq/, and the environment of a staff member's shell in it."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(SHIPPED_FAQ, folder / "faq")
    env = {k: v for k, v in os.environ.items() if k not in ("FAQ_DIR", "DATABASE_URL", "PORT")}
    env.update({
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "LINE_CHANNEL_SECRET": ev.CHANNEL_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": ev.ACCESS_TOKEN,
        "LINE_API_ENDPOINT": line_api.url,
    })
    return folder, env


@pytest.mark.parametrize("command", [c for c in CHECKS if c != "bot serve"])
def test_the_readme_command_runs_as_written(scratch, fake_api, command):
    folder, env = scratch
    check = CHECKS[command]
    for name, text in check.files:
        (folder / name).write_text(text, encoding="utf-8")
    if command == "bot faq import faq.xlsx" and not (folder / "faq.xlsx").exists():
        subprocess.run("bot faq export faq.xlsx", shell=True, cwd=folder, env=env, check=True, capture_output=True)
    result = subprocess.run(command, shell=True, cwd=folder, env=env, input=check.stdin, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == check.exit_code, result.stderr
    assert check.expect in result.stdout
    if "--json" in command:
        assert all(json.loads(line)["text"] for line in result.stdout.splitlines())


def test_bot_serve_runs_as_written(scratch):
    folder, env = scratch
    port = free_port()
    server = subprocess.Popen("exec bot serve", shell=True, cwd=folder, env={**env, "PORT": str(port)},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stdout.read().decode()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                    health = json.load(response)
                break
            except OSError:
                assert time.monotonic() < deadline, "bot serve did not answer /healthz"
                time.sleep(0.1)
        assert health["status"] == "ok" and health["entries"] > 0
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_readme_points_only_to_files_in_the_repository():
    assert re.findall(r"\.\./|`shared/", README) == []
    named = set(re.findall(r"`((?:bot|tests|bench|faq|\.ci)/[^`\s:]*)`", README))
    assert sorted(p for p in named if not (ROOT / p).exists()) == []


def test_no_file_holds_an_unresolved_merge():
    marks = re.compile(r"^(<{7}|>{7}) ", re.M)
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    texts = [p for p in tracked if p.endswith((".py", ".md", ".toml", ".yaml", ".csv", ".tsv", ".cfg", ".txt"))]
    assert [p for p in texts if (ROOT / p).is_file() and marks.search((ROOT / p).read_text(encoding="utf-8", errors="replace"))] == []
