"""住民の質問: the ``bot report`` as pages, and an unanswered wording turned into an alternate."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from flask import Response, flash, redirect, render_template, request, url_for

from ...clock import JST
from ..report import build_report, report_csv
from .blueprint import blueprint
from .auth import audit, storage
from ...errors import UnknownEntry
from .changes import add_alternates
from .live import faq_dir, responder

DAY_CHOICES = (7, 30, 90, 180)
MAX_GROUPS = 30
SUGGESTIONS = 3


def _days() -> int:
    days = request.args.get("days", "30")
    return int(days) if days.isdigit() and int(days) in DAY_CHOICES else 30


def current_report(days: int):
    live = responder()
    today = dt.datetime.now(JST).date()
    since = dt.datetime.combine(today - dt.timedelta(days=days - 1), dt.time(), JST).timestamp()
    return build_report(storage().questions_since(since), storage().feedback_since(since), live.faq,
                        live.matcher, today, days)


def closest_entries(examples: list[str]) -> list[str]:
    """The entries the engine finds closest to a group's questions, best first."""
    matcher = responder().matcher
    scores: Counter = Counter()
    for example in examples:
        for candidate in matcher.match(example).candidates:
            scores[candidate.id] += candidate.score
    return [entry_id for entry_id, _ in scores.most_common(SUGGESTIONS)]


@blueprint.route("/report")
def report():
    days = _days()
    built = current_report(days)
    faq = responder().faq
    groups = []
    for group in built.groups[:MAX_GROUPS]:
        examples = group.examples()
        suggested = closest_entries(examples)
        near = group.suggestion()
        if near and near in suggested:
            suggested.remove(near)
        suggested = ([near] if near and faq.entry(near) else []) + suggested
        groups.append({"group": group, "examples": examples, "suggested": [faq.entry(i) for i in suggested[:SUGGESTIONS]]})
    totals = {f: sum(getattr(d, f) for d in built.days) for f in ("total", "answer", "choices", "none", "blocked")}
    return render_template("report.html", active="report", report=built, groups=groups, faq=faq, days=days,
                           day_choices=DAY_CHOICES, totals=totals, more=max(0, len(built.groups) - MAX_GROUPS))


@blueprint.route("/report.csv")
def report_download():
    days = _days()
    audit("download-report", f"{days}日")
    data = report_csv(current_report(days))
    return Response(data, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename=report-{days}days.csv"})


@blueprint.route("/report/alternate", methods=["POST"])
def add_alternate():
    entry_id = request.form.get("entry_id", "")
    if entry_id == "__other__":
        entry_id = request.form.get("other_entry", "")
    wordings = [w for w in request.form.getlist("wording") if w.strip()]
    if not wordings:
        flash("足す言い方にチェックを入れてください。", "error")
        return redirect(url_for("staff.report", days=request.form.get("days", "30")))
    try:
        added, problems = add_alternates(faq_dir(), entry_id, wordings)
    except UnknownEntry:
        flash(f"「{entry_id}」という質問は FAQ にありません。", "error")
        return redirect(url_for("staff.report"))
    if problems:
        return render_template("refused.html", problems=problems, back=url_for("staff.report")), 422
    if added:
        audit("add-alternate", entry_id, " / ".join(added))
        flash(f"{entry_id} の言い方に「{'」「'.join(added)}」を足しました。数秒で、ボットがこの言い方にも答えます。", "ok")
    else:
        flash(f"{entry_id} にはもう同じ言い方があります。", "ok")
    return redirect(url_for("staff.report", days=request.form.get("days", "30")))
