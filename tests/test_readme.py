"""The README stays true: its two opening commands, CI running the second, every command listed."""

from bot.cli import cli
from conftest import ROOT

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


def test_every_command_is_in_the_readme():
    for name in cli.commands:
        assert f"bot {name}" in README, f"README does not mention `bot {name}`"
