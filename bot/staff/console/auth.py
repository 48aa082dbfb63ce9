"""Who may use the console: sign-in, sessions, CSRF tokens, lockout and the headers every page sends.

A session is Flask's signed cookie (HttpOnly, SameSite=Strict, Secure, path /staff) holding the
staff name, when it began and a CSRF token. It is honoured only while the account exists and
has not signed out or been given a new password since (``sessions_valid_after``). Failed
sign-ins are written to the audit log, which is also what counts them, so every gunicorn
worker and instance sees the same count.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time

from flask import abort, current_app, g, redirect, render_template, request, session, url_for

from .blueprint import IDLE_SECONDS, SESSION_SECONDS, UPLOAD_ENDPOINTS, UPLOAD_LIMIT, blueprint
from .accounts import NAME_PATTERN, verify

log = logging.getLogger(__name__)

# Pages anyone may open: the sign-in form and its style sheet.
PUBLIC_ENDPOINTS = frozenset({"staff.login", "staff.static"})
LOCK_SECONDS = 15 * 60
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def storage():
    return current_app.extensions["storage"]


def audit(action: str, target: str = "", detail: str = "") -> None:
    """Write who did what to the audit log (shown on the 記録 page)."""
    storage().audit(g.get("staff") or "-", action, target, detail, request.remote_addr or "")


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


@blueprint.app_context_processor
def _template_values():
    return {"csrf_token": csrf_token, "staff_name": g.get("staff")}


def _signed_in() -> str | None:
    name, began, seen = session.get("staff"), session.get("began", 0.0), session.get("seen", 0.0)
    now = time.time()
    if not name or now - began > SESSION_SECONDS or now - seen > IDLE_SECONDS:
        return None
    account = storage().staff_account(name)
    if account is None or began <= account.sessions_valid_after:
        return None
    if now - seen > 60:
        session["seen"] = now
    return name


@blueprint.before_request
def _guard():
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = UPLOAD_LIMIT  # the app's own limit is for LINE's small webhooks
    if request.method == "POST":
        sent = request.form.get("csrf_token", "")
        if not sent or "csrf" not in session or not hmac.compare_digest(sent, session["csrf"]):
            abort(400, description="フォームの有効期限が切れました。ページを読みこみなおして、もう一度おこなってください。")
    g.staff = _signed_in()
    if g.staff is None and request.endpoint not in PUBLIC_ENDPOINTS:
        if request.method == "GET" and request.endpoint:
            return redirect(url_for("staff.login", next=request.full_path.rstrip("?")))
        return redirect(url_for("staff.login"))
    return None


@blueprint.after_request
def _headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.endpoint != "staff.static":
        response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.errorhandler(400)
@blueprint.errorhandler(404)
@blueprint.errorhandler(413)
def _error_page(error):
    messages = {
        413: "ファイルが大きすぎます。5 MB までのファイルにしてください。",
        404: "そのページはありません。",
    }
    message = messages.get(error.code) or error.description
    return render_template("error.html", message=message, code=error.code), error.code


def _account_key(name: str) -> str:
    """The audit log's name for a sign-in attempt: a typed name that is no account (perhaps a
    password typed in the wrong field) is kept only as a hash."""
    if NAME_PATTERN.match(name) and storage().staff_account(name) is not None:
        return name
    return "?" + hashlib.sha256(name.encode()).hexdigest()[:16]


def locked(key: str, address: str) -> bool:
    since = time.time() - LOCK_SECONDS
    last_success = storage().audit_last("sign-in", staff=key) or 0.0
    per_account = storage().audit_count("sign-in-failed", max(since, last_success), staff=key)
    per_address = storage().audit_count("sign-in-failed", since, address=address)
    return per_account >= FAILURES_PER_ACCOUNT or per_address >= FAILURES_PER_ADDRESS


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/staff/") and not target.startswith("/staff//") and "\\" not in target:
        return target
    return url_for("staff.home")


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        if g.staff:
            return redirect(url_for("staff.home"))
        return render_template("login.html", next=request.args.get("next", ""), name="", error=None)
    name = request.form.get("name", "").strip()[:100]
    password = request.form.get("password", "")
    target = request.form.get("next", "")
    address = request.remote_addr or ""
    key = _account_key(name)
    if locked(key, address):
        storage().audit(key, "sign-in-locked", address=address)
        error = f"まちがいが続いたため、しばらくサインインできません。{LOCK_SECONDS // 60}分ほどたってから、もう一度ためしてください。"
        return render_template("login.html", next=target, name=name, error=error), 429
    if not verify(storage(), name, password):
        storage().audit(key, "sign-in-failed", address=address)
        log.info("staff sign-in failed from %s", address)
        time.sleep(current_app.config["STAFF_SIGNIN_DELAY"])
        error = "名前かパスワードがちがいます。"
        return render_template("login.html", next=target, name=name, error=error), 401
    session.clear()  # a fresh session (and CSRF token): nothing from before signing in is kept
    now = time.time()
    session.update(staff=name, began=now, seen=now)
    g.staff = name
    audit("sign-in")
    log.info("staff %s signed in", name)
    return redirect(_safe_next(target))


@blueprint.route("/logout", methods=["POST"])
def logout():
    audit("sign-out")
    storage().end_staff_sessions(g.staff)
    session.clear()
    return redirect(url_for("staff.login"))
