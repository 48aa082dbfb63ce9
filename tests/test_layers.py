"""Imports only go down the layers, never round in a cycle; the engine stays free of Flask and storage.

The layers, lowest first (the same list is in ``bot/__init__.py``, and a test keeps them equal):

0. foundation: ``errors``, ``clock``, ``line_limits``, ``privacy``, ``cells``, ``config``, ``user_ids``,
   ``storage`` — small pieces every part may use;
1. ``content`` — the FAQ files and their model;
2. ``engine`` — reading a question against the FAQ;
3. ``classes`` and ``dialogue`` — what the resident receives (class replies build the
   dialogue's reply values, and the dialogue offers class replies: one layer, no module cycle);
4. ``line`` and ``staff`` — the channels and tools that use the dialogue and the engine;
5. ``web`` and ``cli`` — the entry points that wire it all together.

Imports inside functions count too: a lazy import still ties the two modules together.
"""

import ast
import re

import pytest
from conftest import ROOT

PACKAGE = ROOT / "bot"

LAYERS = [
    {"errors", "clock", "line_limits", "privacy", "cells", "config", "user_ids", "storage"},
    {"content"},
    {"engine"},
    {"classes", "dialogue"},
    {"line", "staff"},
    {"web", "cli", "__main__"},
]


def module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules():
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name, path):
    """Every ``bot`` module ``name`` imports, anywhere in the file, and every outside top-level name."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            found.add(target)
            # `from . import replies` imports the module bot.….replies
            found |= {f"{target}.{alias.name}" for alias in node.names}
    return found


def graph():
    known = modules()
    return {
        name: {m for m in imports(name, path) if m in known and m != name and m != "bot"}
        for name, path in known.items()
    }


def layer_of(module):
    part = module.split(".")[1] if "." in module else None
    if part is None:
        return -1  # the package itself (its __init__ only holds the version)
    for number, parts in enumerate(LAYERS):
        if part in parts:
            return number
    raise AssertionError(f"{module} is in no layer: add its part to LAYERS and to bot/__init__.py")


def test_every_module_has_a_layer():
    for module in modules():
        layer_of(module)


def test_imports_only_go_down():
    upward = [
        f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
        for module, targets in graph().items()
        for target in sorted(targets)
        if layer_of(target) > layer_of(module)
    ]
    assert upward == []


def test_no_import_cycles():
    edges = graph()
    state, cycles = {}, []

    def visit(module, trail):
        state[module] = "open"
        for target in sorted(edges[module]):
            if state.get(target) == "open":
                cycles.append(" → ".join(trail[trail.index(target):] + [target]))
            elif target not in state:
                visit(target, trail + [target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize("forbidden", ["flask", "werkzeug", "linebot", "sqlalchemy", "bot.storage"])
def test_engine_imports_neither_flask_nor_storage(forbidden):
    offenders = [
        name for name, path in modules().items()
        if name.startswith("bot.engine")
        for target in imports(name, path)
        if target == forbidden or target.startswith(forbidden + ".")
    ]
    assert offenders == []


def test_the_layer_list_is_the_one_documented_in_the_package():
    doc = ast.get_docstring(ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8")))
    documented = {}
    for line in doc.splitlines():
        number, dot, rest = line.partition(". ")
        if dot and number.isdigit():
            documented[int(number)] = set(re.findall(r"``(\w+)``", rest.split(" — ")[0]))
    assert documented == {n: parts - {"__main__"} for n, parts in enumerate(LAYERS)}
