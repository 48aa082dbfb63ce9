"""Writing a category back as YAML in the same shape staff write by hand.

Used by the Excel import. The layout (key order, block lists, answers as ``|`` blocks, a
blank line between entries, the file's opening comments kept) matches the shipped files, so
an export followed by an import changes nothing.
"""

from __future__ import annotations

import re

import yaml

from .faq import Category, Entry

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FLOW_SAFE = re.compile(r"^[^\s,\[\]{}#&*!|>'\"%@`:?-][^,\[\]{}#]*$")


def scalar(text: str) -> str:
    """``text`` as a YAML scalar on one line, quoted only when YAML needs it."""
    dumped = yaml.safe_dump(text, allow_unicode=True, width=10**9, default_style=None)
    dumped = dumped.removesuffix("\n").removesuffix("\n...")
    return dumped


def _flow_list(items: tuple[str, ...]) -> str | None:
    plain = [scalar(i) for i in items]
    if all(_FLOW_SAFE.match(i) and p == i for i, p in zip(items, plain)):
        return "[" + ", ".join(items) + "]"
    return None


def _block(text: str, indent: str) -> str:
    """A literal block; the loader strips an answer, so its own end of lines never matters."""
    lines = text.strip("\n").split("\n")
    return "|\n" + "\n".join(indent + line if line.strip() else "" for line in lines)


def _short_list(key: str, items: tuple[str, ...]) -> list[str]:
    """``key: [a, b]`` on one line when YAML allows it plainly, else one ``- item`` per line."""
    flow = _flow_list(items)
    if flow is not None:
        return [f"    {key}: {flow}"]
    return [f"    {key}:"] + [f"      - {scalar(i)}" for i in items]


def entry_yaml(entry: Entry) -> str:
    out = [f"  - id: {scalar(entry.id)}", f"    question: {scalar(entry.question)}"]
    if entry.label:
        out.append(f"    label: {scalar(entry.label)}")
    if entry.alternates:
        out.append("    alternates:")
        out.extend(f"      - {scalar(a)}" for a in entry.alternates)
    if entry.keywords:
        out.extend(_short_list("keywords", entry.keywords))
    out.append(f"    answer: {_block(entry.answer, '      ')}")
    if entry.links:
        out.append("    links:")
        for link in entry.links:
            out.append(f"      - label: {scalar(link.label)}")
            out.append(f"        url: {scalar(link.url)}")
    if entry.related:
        out.extend(_short_list("related", entry.related))
    if entry.updated:
        out.append(f"    updated: {entry.updated if _DATE.match(entry.updated) else scalar(entry.updated)}")
    return "\n".join(out)


def category_yaml(category: Category, opening_comments: str = "") -> str:
    head = opening_comments + f"category: {scalar(category.name)}\nentries:\n"
    return head + "\n\n".join(entry_yaml(e) for e in category.entries) + "\n"


def opening_comments(text: str) -> str:
    """The comment lines a file starts with, which staff wrote for each other."""
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)
