"""The staff console: a few server-rendered pages under ``/staff/`` for town staff.

On only when ``STAFF_CONSOLE=1`` (:func:`init_console` is called by ``create_app``). Staff
sign in with an account made by ``bot staff add NAME``; every page, form and download needs
that session (see :mod:`.auth`). The pages: try a question as a resident would (:mod:`.trying`),
what residents asked and turning it into alternates (:mod:`.report_pages`), editing entries
(:mod:`.entries`), the Excel round trip (:mod:`.excel_pages`), classes (:mod:`.class_pages`),
health and the audit log (:mod:`.status_pages`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from flask import Flask

from ...clock import JST
from ...config import ServerConfig
from .blueprint import blueprint


def init_console(app: Flask, config: ServerConfig) -> None:
    """Register the console on ``app``: its session cookie, its pages."""
    from . import auth, class_pages, entries, excel_pages, report_pages, status_pages, trying  # noqa: F401 (routes)

    app.secret_key = hmac.new(config.secret_key, b"staff-console-session", hashlib.sha256).digest()
    app.config.update(
        SESSION_COOKIE_NAME="bot_staff",
        SESSION_COOKIE_PATH="/staff",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=config.staff_cookie_secure,
        STAFF_SIGNIN_DELAY=config.staff_signin_delay,
    )
    app.jinja_env.filters["jst"] = _jst
    app.jinja_env.filters["jst_iso"] = _jst_iso
    app.register_blueprint(blueprint)


def _jst(moment: float | None) -> str:
    if not moment:
        return "-"
    return dt.datetime.fromtimestamp(moment, JST).strftime("%Y-%m-%d %H:%M:%S")


def _jst_iso(moment: str | None) -> str:
    """An ISO time as ``/healthz`` gives it (UTC), in Japan time as staff read clocks."""
    return _jst(dt.datetime.fromisoformat(moment).timestamp()) if moment else "-"
