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

from thidua.accounts import permissions as perms
from thidua.common.private_files import open_private
from thidua.indicators.error_sheet import marked_workbook
from thidua.indicators.excel_template import write_template
from thidua.indicators.importing import FileUnreadable, ImportResult, import_file, read_rows
from thidua.indicators.models import Report
from thidua.indicators.services import EDITABLE
from thidua.scoring.required import blank_required
from thidua.web import access, page_cache, uploads
from thidua.web.forms import UploadForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SESSION_KEY = "thidua_uploads"
_ERRORS_KEY = "thidua_upload_errors"  # token → the marked copy of a refused upload


@login_required
def template_xlsx(request: HttpRequest, code: str, period: str) -> HttpResponse:
    cluster, p = access.viewable_cluster(request.user, code, period)
    language = "en" if get_language() == "en" else "vi"
    # With the actor, the template leaves out other members' drafts: the reader's own copy.
    key = page_cache.download_key("template-xlsx", request, cluster.pk, p.code, reader=True)
    content = page_cache.built(
        request, key, lambda: _template(cluster, p.code, language, request.user)
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="mau-{cluster.code}-{p.code}.xlsx"'
    return response


def _template(cluster, period: str, language: str, actor) -> bytes:
    stream = io.BytesIO()
    write_template(cluster, period, stream, language, actor=actor)
    return stream.getvalue()


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
            errors_token = _keep_errors(request, path, upload_file.name, result, cluster, p)
        finally:
            if result is None or not result.ok:
                _forget(request, token)  # a refused file is not kept: it comes back fixed
        context |= {
            "result": result,
            "token": token,
            "filename": upload_file.name,
            "errors_token": errors_token,
        }
    template = "web/_upload_result.html" if request.htmx else "web/upload.html"
    return render(request, template, context)


def _keep_errors(request, path: str, name: str, result: ImportResult, cluster, p) -> str | None:
    """A refused file's copy with its bad cells marked, kept for download like an upload."""
    if result.ok or not any(issue.cell for issue in result.errors):
        return None
    try:
        data = marked_workbook(read_rows(path, name), result.errors)
    except FileUnreadable:
        return None
    token = uuid.uuid4().hex
    target = uploads.upload_dir() / f"{token}-loi.xlsx"
    with open_private(target) as out:
        out.write(data)
    kept = request.session.get(_ERRORS_KEY, {})
    place = (cluster.code, p.code)
    for old in [t for t, i in kept.items() if (i["cluster"], i["period"]) == place]:
        Path(kept.pop(old)["path"]).unlink(missing_ok=True)  # the earlier refusal's copy
    kept[token] = {"path": str(target), "name": name, "cluster": cluster.code, "period": p.code}
    request.session[_ERRORS_KEY] = kept
    return token


@login_required
def upload_errors(request: HttpRequest, code: str, period: str, token: str) -> HttpResponse:
    """The refused upload with its bad cells filled red and the message in each cell's comment."""
    cluster, p = access.enterable_cluster(request.user, code, period)
    item = request.session.get(_ERRORS_KEY, {}).get(token)
    data = None
    if item and (item["cluster"], item["period"]) == (cluster.code, p.code):
        path = Path(item["path"])
        data = path.read_bytes() if path.is_file() else None  # purged after the keeping time
    if data is None:  # another session's, or an old link: back to the upload, saying why
        messages.error(request, _("Tệp đánh dấu lỗi không còn; hãy tải lên lại tệp để kiểm tra."))
        return redirect("web:upload", code=cluster.code, period=p.code)
    response = HttpResponse(data, content_type=XLSX)
    stem = Path(item["name"]).stem.encode("ascii", "ignore").decode() or "tep"
    response["Content-Disposition"] = f'attachment; filename="loi-{stem}.xlsx"'
    return response


@login_required
@require_POST
def upload_confirm(request: HttpRequest, code: str, period: str) -> HttpResponse:
    cluster, p = access.enterable_cluster(request.user, code, period)
    token = request.POST.get("token", "")
    item = _take(request, token, cluster.code, p.code)
    if item is None:
        messages.error(request, _("Tệp đã tải lên không còn; hãy tải lên lại."))
        return redirect("web:upload", code=cluster.code, period=p.code)
    errors_token = None
    try:
        result = import_file(request.user, item["path"], cluster, p.code, filename=item["name"])
        errors_token = _keep_errors(request, item["path"], item["name"], result, cluster, p)
    finally:
        _forget(request, token)  # written or refused, the file has served
    context = {
        "cluster": cluster,
        "period": p,
        "result": result,
        "token": None,
        "filename": item["name"],
        "form": None,
        "errors_token": errors_token,
    }
    if not result.ok:
        return render(request, "web/upload.html", context)
    messages.success(
        request,
        _("Đã nhập %(w)s số liệu từ %(f)s (%(u)s không đổi).")
        % {"w": result.written, "u": result.unchanged, "f": item["name"]},
    )
    context["to_submit"] = _to_submit(request.user, cluster, p, result)
    return render(request, "web/upload_done.html", context)


def _to_submit(user, cluster, p, result: ImportResult) -> list[dict]:
    """The reports the import wrote to that the user may now send, each with its blank
    required indicators (named on the button's confirmation)."""
    written = Report.objects.filter(pk__in=[r.pk for r in result.reports], status__in=EDITABLE)
    runs = perms.can_run_cluster(user, cluster.pk, p.year)  # as can_enter_for_unit, once
    own = perms.officer_unit_ids(user)
    reports = [
        r for r in written.select_related("unit").order_by("unit__code") if runs or r.unit_id in own
    ]
    blanks = blank_required(cluster, p.code, [r.unit_id for r in reports])
    return [{"report": r, "blanks": blanks[r.unit_id]} for r in reports]
