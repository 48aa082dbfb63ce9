"""The console's Flask blueprint and the limits its pages share."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint(
    "staff", __name__, url_prefix="/staff", template_folder="templates", static_folder="static",
    static_url_path="/static",
)
# A staff member's session ends after this long, signed in or idle, whichever comes first.
SESSION_SECONDS = 10 * 3600
IDLE_SECONDS = 2 * 3600
# The Excel workbook and classes.csv staff upload; the FAQ itself is far smaller.
UPLOAD_LIMIT = 5 * 1024 * 1024
UPLOAD_ENDPOINTS = frozenset({"staff.excel_upload", "staff.classes_check"})
