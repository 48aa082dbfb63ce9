"""Excel: the FAQ as a workbook to download, and an edited workbook uploaded back, all or nothing.

The upload is checked exactly as ``bot faq import`` checks it (the same ``sheet!cell`` messages);
nothing is written unless the whole workbook is sound.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Response, flash, redirect, render_template, request, url_for

from ...content.excel import export_workbook, import_workbook
from ...errors import WorkbookError
from .blueprint import UPLOAD_LIMIT, blueprint
from .auth import audit
from .changes import change_lock, read_folder
from .live import faq_dir

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blueprint.route("/excel")
def excel():
    return render_template("excel.html", active="excel", limit_mb=UPLOAD_LIMIT // (1024 * 1024), problems=None)


@blueprint.route("/excel/faq.xlsx")
def excel_download():
    faq, _ = read_folder(faq_dir())
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "faq.xlsx"
        export_workbook(faq, path)
        data = path.read_bytes()
    audit("download-excel", "faq.xlsx")
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": "attachment; filename=faq.xlsx"})


@blueprint.route("/excel", methods=["POST"])
def excel_upload():
    upload = request.files.get("workbook")
    limit_mb = UPLOAD_LIMIT // (1024 * 1024)
    if upload is None or not upload.filename:
        return render_template("excel.html", active="excel", limit_mb=limit_mb,
                               problems=["ファイルがえらばれていません — .xlsx のファイルをえらんでください"]), 400
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "upload.xlsx"
        upload.save(path)
        try:
            with change_lock(faq_dir()):
                written = import_workbook(path, faq_dir())
        except WorkbookError as error:
            problems = [str(p).replace(str(path), upload.filename) for p in error.problems]
            return render_template("excel.html", active="excel", limit_mb=limit_mb, problems=problems,
                                   filename=upload.filename), 422
    audit("import-excel", upload.filename, "、".join(written))
    flash(f"{upload.filename} を取りこみました（{'、'.join(written)}）。数秒で、ボットがこの内容で答えます。", "ok")
    return redirect(url_for("staff.excel"))
