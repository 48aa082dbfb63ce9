"""The bot's named errors live in one module, each saying when it is raised."""

import ast

import pytest
from conftest import ROOT

from bot import errors
from bot.errors import BotError, Problem, WorkbookError

NAMED = [e for e in vars(errors).values() if isinstance(e, type) and issubclass(e, BotError) and e is not BotError]


@pytest.mark.parametrize("error", NAMED, ids=lambda e: e.__name__)
def test_each_error_says_when_it_is_raised(error):
    assert error.__doc__ and error.__doc__.startswith("Raised when")


def test_no_other_module_defines_an_exception():
    elsewhere = []
    for path in (ROOT / "bot").rglob("*.py"):
        if path.name == "errors.py" and path.parent.name == "bot":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                getattr(base, "id", getattr(base, "attr", "")).endswith(("Error", "Exception")) for base in node.bases
            ):
                elsewhere.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert elsewhere == []


def test_a_problem_is_shown_at_its_line_its_cell_or_its_file():
    assert str(Problem("faq/10-a.yaml", 3, "x")) == "faq/10-a.yaml:3: x"
    assert str(Problem("10-a", 4, "x", cell="F4")) == "10-a!F4: x"
    assert str(Problem("faq.xlsx", None, "x")) == "faq.xlsx: x"


def test_a_refused_import_ends_with_how_many_problems_and_that_nothing_changed():
    lines = WorkbookError([Problem("10-a", 4, "x", cell="F4")]).lines()
    assert lines == ["10-a!F4: x", "1件のまちがいがあるため、FAQ は変更していません。直してから、もう一度 import してください。"]
