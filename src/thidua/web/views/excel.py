"""Excel in and out: the entry template, and an upload checked by a dry run before it is written."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.common.private_files import open_private
from thidua.indicators.excel_template import write_template
from thidua.indicators.importing import import_file
from thidua.web import access, uploads
from thidua.web.forms import UploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SESSION_KEY = "thidua_uploads"


@login_required
def template_xlsx(request: HttpRequest, code: str, period: str) -> HttpResponse:
    cluster, p = access.viewable_cluster(request.user, code, period)
    stream = io.BytesIO()
    language = "en" if get_language() == "en" else "vi"
    # With the actor, the template leaves out other members' drafts.
    write_template(cluster, p.code, stream, language, actor=request.user)
    response = HttpResponse(stream.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-{cluster.code}-{p.code}.xlsx"'
    return response


def _keep(request: HttpRequest, upload, cluster_code: str, period: str) -> str:
    """Store the file for the confirm step; the session maps the token to it, never the client."""
    for old, item in list(request.session.get(_SESSION_KEY, {}).items()):
        if (item["cluster"], item["period"]) == (cluster_code, period):
            _forget(request, old)  # an unconfirmed earlier check of the same upload page
    uploads.purge()  # a cheap listing: files nobody confirmed in time go now
    token = uuid.uuid4().hex
    suffix = Path(upload.name).suffix.lower()
    path = uploads.upload_dir() / f"{token}{suffix}"
    with open_private(path) as out:  # other users' data: 0600 in a 0700 folder
        for chunk in upload.chunks():
            out.write(chunk)
    pending = request.session.get(_SESSION_KEY, {})
    pending[token] = {
        "path": str(path),
        "name": upload.name,
        "cluster": cluster_code,
        "period": period,
    }
    request.session[_SESSION_KEY] = pending
    return token


def _take(request: HttpRequest, token: str, cluster_code: str, period: str) -> dict | None:
    pending = request.session.get(_SESSION_KEY, {})
    item = pending.get(token)
    if not item or item["cluster"] != cluster_code or item["period"] != period:
        return None
    return item if Path(item["path"]).is_file() else None  # purged after the keeping time


def _forget(request: HttpRequest, token: str) -> None:
    pending = request.session.get(_SESSION_KEY, {})
    item = pending.pop(token, None)
    request.session[_SESSION_KEY] = pending
    if item:
        Path(item["path"]).unlink(missing_ok=True)


@login_required
def upload(request: HttpRequest, code: str, period: str) -> HttpResponse:
    cluster, p = access.enterable_cluster(request.user, code, period)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"cluster": cluster, "period": p, "form": form}
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        token = _keep(request, upload_file, cluster.code, p.code)
        path = _take(request, token, cluster.code, p.code)["path"]
        result = None
        try:
            result = import_file(
                request.user, path, cluster, p.code, dry_run=True, filename=upload_file.name
            )
        finally:
            if result is None or not result.ok:
                _forget(request, token)  # a refused file is not kept: it comes back fixed
        context |= {"result": result, "token": token, "filename": upload_file.name}
    template = "web/_upload_result.html" if request.htmx else "web/upload.html"
    return render(request, template, context)


@login_required
@require_POST
def upload_confirm(request: HttpRequest, code: str, period: str) -> HttpResponse:
    cluster, p = access.enterable_cluster(request.user, code, period)
    token = request.POST.get("token", "")
    item = _take(request, token, cluster.code, p.code)
    if item is None:
        messages.error(request, _("Tệp đã tải lên không còn; hãy tải lên lại."))
        return redirect("web:upload", code=cluster.code, period=p.code)
    try:
        result = import_file(request.user, item["path"], cluster, p.code, filename=item["name"])
    finally:
        _forget(request, token)  # written or refused, the file has served
    if result.ok:
        messages.success(
            request,
            _("Đã nhập %(w)s số liệu từ %(f)s (%(u)s không đổi).")
            % {"w": result.written, "u": result.unchanged, "f": item["name"]},
        )
        return redirect("web:upload", code=cluster.code, period=p.code)
    context = {
        "cluster": cluster,
        "period": p,
        "result": result,
        "token": None,
        "filename": item["name"],
        "form": None,
    }
    return render(request, "web/upload.html", context)
