"""The first page, the bot's health as ``/healthz`` reports it, and the audit log."""

from __future__ import annotations

import datetime as dt

from flask import current_app, render_template

from ...clock import JST
from .blueprint import blueprint
from .auth import storage
from .live import responder

ACTION_NAMES = {
    "sign-in": "サインイン", "sign-in-failed": "サインイン失敗", "sign-in-locked": "サインイン停止中の試み",
    "sign-out": "サインアウト", "add-alternate": "言い方を足した", "edit-entry": "質問を直した",
    "new-entry": "質問を作った", "import-excel": "Excel を取りこんだ", "download-excel": "Excel をダウンロード",
    "download-roster": "名簿をダウンロード", "download-report": "質問の記録をダウンロード",
    "check-classes": "classes.csv を確かめた",
}


def health_report() -> tuple[dict, int]:
    """What ``/healthz`` answers, asked of the app itself (one place decides what is healthy)."""
    response = current_app.make_response(current_app.view_functions["healthz"]())
    return response.get_json(), response.status_code


@blueprint.route("/")
def home():
    health, _ = health_report()
    today = dt.datetime.combine(dt.datetime.now(JST).date(), dt.time(), JST).timestamp()
    asked = storage().questions_since(today)
    unanswered = sum(1 for q in asked if q.status == "none")
    return render_template("home.html", health=health, asked=len(asked), unanswered=unanswered,
                           faq=responder().faq)


@blueprint.route("/health")
def health():
    health, status = health_report()
    return render_template("health.html", active="health", health=health, status=status)


@blueprint.route("/audit")
def audit_log():
    return render_template("audit.html", active="audit", entries=storage().audit_entries(300), names=ACTION_NAMES)
