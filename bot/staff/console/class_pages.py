"""スマホ教室: the schedule with the seats taken, rosters to download, a check of a new classes.csv."""

from __future__ import annotations

from flask import Response, abort, render_template, request

from ...content.schedule import CLASSES_FILE, parse_classes
from ..roster import roster_csv, roster_rows
from .blueprint import blueprint
from .auth import audit, storage
from .live import responder


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
    return render_template("roster.html", active="classes", course=course, rows=roster_rows(storage().roster(class_no)))


@blueprint.route("/classes/<class_no>/roster.csv")
def roster_download(class_no: str):
    course = _course(class_no)
    audit("download-roster", class_no, course.title)
    return Response(roster_csv(course, roster_rows(storage().roster(class_no))), mimetype="text/csv",
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
