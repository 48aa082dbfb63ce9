"""質問と答え: entries by category, one entry's form with its limits, a LINE preview, saving.

A form carries the version of the entry it showed (:func:`.changes.entry_version`); a save
against an entry someone else saved since is refused and the staff member's text is shown
again next to what is saved now, so nothing is lost and nothing is silently overwritten.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import abort, flash, redirect, render_template, request, url_for

from ...clock import JST
from ...content.faq import Entry, Link
from ...content.loader import category_files
from ...line.messages import line_messages
from ...line_limits import LABEL_LIMIT, TEXT_LIMIT
from .blueprint import blueprint
from .auth import audit, storage
from ...errors import EditConflict, UnknownEntry
from .changes import add_entry, entry_version, read_folder, save_entry
from .live import faq_dir, responder

LIMITS = {"label": LABEL_LIMIT, "answer": TEXT_LIMIT}


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip())


def entry_from_form(form, entry_id: str, category: str = "") -> Entry:
    """The entry as the form describes it; the loader's check says what is wrong with it."""
    links = []
    for line in _lines(form.get("links", "")):
        label, _, url = line.rpartition(" ")
        links.append(Link(label.strip(), url.strip()) if label.strip() else Link("", line))
    updated = form.get("updated", "").strip() or None
    if form.get("checked_today"):
        updated = dt.datetime.now(JST).date().isoformat()
    return Entry(
        id=entry_id.strip(),
        question=" ".join(form.get("question", "").split()),
        answer=form.get("answer", "").replace("\r\n", "\n").strip(),
        category=category,
        label=form.get("label", "").strip(),
        alternates=_lines(form.get("alternates", "")),
        keywords=_lines(form.get("keywords", "")),
        links=tuple(links),
        related=tuple(p for p in re.split(r"[\s,、，]+", form.get("related", "")) if p),
        updated=updated,
    )


def form_values(entry: Entry) -> dict[str, str]:
    return {
        "question": entry.question, "label": entry.label, "answer": entry.answer,
        "alternates": "\n".join(entry.alternates), "keywords": "\n".join(entry.keywords),
        "links": "\n".join(f"{link.label} {link.url}" for link in entry.links),
        "related": " ".join(entry.related), "updated": entry.updated or "",
    }


def preview(entry: Entry) -> list[dict]:
    """The entry's answer as LINE shows it, buttons included."""
    live = responder()
    reply = live.with_feedback(live.entry(entry), 0)
    return [m.to_dict() for m in line_messages(reply)]


@blueprint.route("/entries")
def entries():
    faq, problems = read_folder(faq_dir())
    return render_template("entries.html", active="entries", faq=faq, problems=problems)


def _last_editor(entry_id: str) -> str | None:
    for item in storage().audit_entries(500, ("edit-entry", "add-alternate", "new-entry")):
        if item.target == entry_id:
            return f"{item.staff}（{dt.datetime.fromtimestamp(item.at, JST):%H:%M}）"
    return None


def _render(entry_id: str, values: dict, version: str, *, status: int = 200, **extra):
    faq, _ = read_folder(faq_dir())
    return render_template("entry.html", active="entries", entry_id=entry_id, values=values, version=version,
                           limits=LIMITS, faq=faq, **extra), status


@blueprint.route("/entries/<entry_id>", methods=["GET", "POST"])
def entry(entry_id: str):
    faq, _ = read_folder(faq_dir())
    current = faq.entry(entry_id)
    if current is None:
        abort(404)
    if request.method == "GET":
        return _render(entry_id, form_values(current), entry_version(current), category=current.category)
    edited = entry_from_form(request.form, entry_id, current.category)
    values = {**form_values(edited), "updated": request.form.get("updated", "")}
    version = request.form.get("version", "")
    if request.form.get("action") == "preview":
        return _render(entry_id, values, version, category=current.category, preview=preview(edited))
    try:
        problems = save_entry(faq_dir(), edited, version)
    except EditConflict as conflict:
        theirs = conflict.current
        return _render(entry_id, values, entry_version(theirs) if theirs else "", status=409, category=current.category,
                       conflict=form_values(theirs) if theirs else None, editor=_last_editor(entry_id))
    if problems:
        return _render(entry_id, values, version, status=422, category=current.category, problems=problems)
    audit("edit-entry", entry_id, edited.question)
    flash(f"「{edited.question}」を保存しました。数秒で、ボットがこの内容で答えます。", "ok")
    return redirect(url_for("staff.entry", entry_id=entry_id))


@blueprint.route("/entries/new", methods=["GET", "POST"])
def new_entry():
    folder = faq_dir()
    files = [p.name for p in category_files(folder)]
    faq, _ = read_folder(folder)
    if request.method == "GET":
        values = {"question": request.args.get("question", ""), "alternates": request.args.get("alternates", ""),
                  "label": "", "answer": "", "keywords": "", "links": "", "related": "", "updated": ""}
        return render_template("entry.html", active="entries", entry_id="", values=values, version="", limits=LIMITS,
                               faq=faq, new=True, files=files, chosen_file=files[0] if files else "")
    entry_id = request.form.get("id", "").strip()
    chosen = request.form.get("category_file", "")
    edited = entry_from_form(request.form, entry_id)
    values = {**form_values(edited), "updated": request.form.get("updated", "")}
    extra = {"new": True, "files": files, "chosen_file": chosen, "faq": faq, "limits": LIMITS, "version": ""}
    if request.form.get("action") == "preview":
        return render_template("entry.html", active="entries", entry_id=entry_id, values=values, preview=preview(edited), **extra)
    try:
        problems = add_entry(folder, chosen, edited)
    except UnknownEntry:
        problems = [f"カテゴリのファイル「{chosen}」がありません — 一覧からえらんでください"]
    if problems:
        return render_template("entry.html", active="entries", entry_id=entry_id, values=values, problems=problems, **extra), 422
    audit("new-entry", entry_id, edited.question)
    flash(f"新しい質問「{edited.question}」を保存しました。数秒で、ボットがこの質問に答えます。", "ok")
    return redirect(url_for("staff.entry", entry_id=entry_id))
