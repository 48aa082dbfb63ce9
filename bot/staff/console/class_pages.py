"""スマホ教室: the schedule with the seats taken, rosters to download, a check of a new classes.csv."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, render_template, request

from ...clock import JST
from ...content.schedule import CLASSES_FILE, parse_classes
from ..csv_export import excel_csv
from .blueprint import blueprint
from .auth import audit, storage
from .live import responder

ROSTER_HEADER = ["受付番号", "申し込み日時", "参加者番号"]


def roster_rows(class_no: str) -> list[list[str]]:
    """Who booked, by booking number and time; the participant number is a short hash, never a LINE id."""
    rows = [ROSTER_HEADER]
    for booking in storage().roster(class_no):
        booked = dt.datetime.fromtimestamp(booking.booked_at, JST).strftime("%Y-%m-%d %H:%M")
        rows.append([str(booking.id), booked, booking.resident[:8]])
    return rows


def _course(class_no: str):
    course = next((c for c in responder().faq.classes if c.no == class_no), None)
    if course is None:
        abort(404)
    return course


@blueprint.route("/classes")
def classes():
    courses = [(c, storage().seats_taken(c.no)) for c in responder().faq.classes]
    return render_template("classes.html", active="classes", courses=courses, problems=None, checked=None)


@blueprint.route("/classes/<class_no>")
def roster(class_no: str):
    course = _course(class_no)
    return render_template("roster.html", active="classes", course=course, rows=roster_rows(class_no))


@blueprint.route("/classes/<class_no>/roster.csv")
def roster_download(class_no: str):
    course = _course(class_no)
    audit("download-roster", class_no, course.title)
    return Response(excel_csv(roster_rows(class_no)), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=roster-{class_no}.csv"})


@blueprint.route("/classes/check", methods=["POST"])
def classes_check():
    upload = request.files.get("classes")
    courses = [(c, storage().seats_taken(c.no)) for c in responder().faq.classes]
    if upload is None or not upload.filename:
        return render_template("classes.html", active="classes", courses=courses, checked=None,
                               problems=["ファイルがえらばれていません — classes.csv をえらんでください"]), 400
    raw = upload.read()
    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        problems = [f"{upload.filename}: UTF-8 として読めません — Excel では「CSV UTF-8（コンマ区切り）」で保存してください"]
        return render_template("classes.html", active="classes", courses=courses, problems=problems, checked=None), 422
    checked, problems = parse_classes(text, upload.filename or CLASSES_FILE)
    audit("check-classes", upload.filename, f"{len(checked)}件、まちがい{len(problems)}件")
    return render_template("classes.html", active="classes", courses=courses, problems=[str(p) for p in problems],
                           checked=checked, filename=upload.filename), (422 if problems else 200)
