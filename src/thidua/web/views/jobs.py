"""Background work on the web: the job's page (its progress polled by htmx, then its result),
the download of what it made, and the registry upload that starts an import in the worker."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django_htmx.http import HttpResponseClientRedirect

from thidua.common.errors import ValidationFailed
from thidua.jobs import files, importers, services
from thidua.jobs.models import Job
from thidua.web import access

PHASES = {
    "start": gettext_lazy("Bắt đầu"),
    "read": gettext_lazy("Đang đọc và kiểm tra từng dòng"),
    "write": gettext_lazy("Đang ghi (một giao dịch: dừng giữa chừng thì không ghi gì)"),
    "save": gettext_lazy("Đang hoàn tất giao dịch"),
    "after": gettext_lazy("Đã ghi; đang chuẩn bị chỉ mục tìm kiếm"),
    "build": gettext_lazy("Đang tạo tệp"),
    "again": gettext_lazy("Tiến trình trước dừng giữa chừng (không ghi gì); đang chờ chạy lại"),
}


def _job(request: HttpRequest, job_id: int) -> Job:
    job = get_object_or_404(Job.objects.select_related("started_by"), pk=job_id)
    if not services.can_see(request.user, job):
        raise Http404  # the page does not confirm that someone else's job exists
    return job


@login_required
def job_page(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job's page; an htmx poll gets only its progress part (which stops polling when the
    job has finished)."""
    job = _job(request, job_id)
    context = _context(job)
    if request.htmx:
        return render(request, "web/jobs/_progress.html", context)
    return render(request, "web/jobs/job.html", context)


def _context(job: Job) -> dict:
    result = job.result or {}
    bar = None
    if job.state == Job.State.RUNNING and job.phase == "write" and job.rows_total:
        bar = min(100, round(job.rows_written * 100 / job.rows_total))
    importer = _importer(job)
    labels = (importer.labels if importer else None) or {}
    return {
        "job": job,
        "phase": PHASES.get(job.phase, ""),
        "result": result,
        "errors": [
            e | {"column": labels.get(e["column"], e["column"])} for e in result.get("errors") or []
        ],
        "bar": bar,
        "counts": job.kind in (Job.Kind.IMPORT, Job.Kind.ELIGIBILITY),
        "verdicts": job.kind == Job.Kind.ELIGIBILITY,
        "back": importer.back if importer else ("", ""),
        "kept": importer.kept if importer else "",
    }


def _importer(job: Job) -> importers.Importer | None:
    name = job.params.get("importer") if job.kind == Job.Kind.IMPORT else None
    return importers.get(name) if name in importers.IMPORTERS else None


@login_required
def job_download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    if job.state != Job.State.DONE or not job.output_path:
        return redirect("web:job", job_id=job.pk)
    try:
        handle = files.resolve(job.output_path).open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=job.output_name)


def to_job(request: HttpRequest, job: Job) -> HttpResponse:
    """After starting a job: its page (a full page load when the request came from htmx)."""
    if request.htmx:
        return HttpResponseClientRedirect(job.get_absolute_url())
    return redirect(job.get_absolute_url())


# An upload imported by the worker (the registry list; the people list plugs in the same way:
# an importer in thidua.jobs.importers, a URL to import_page with its name, JOB_UPLOADS).


def disk_uploads(view):
    """Before anything reads the body: every upload is written to a temporary file as it
    arrives (none held in memory), then moved into the jobs folder. The CSRF check follows."""

    @wraps(view)
    @login_required
    @csrf_exempt
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.upload_handlers = [TemporaryFileUploadHandler(request)]
        return csrf_protect(view)(request, *args, **kwargs)

    return wrapped


def start_upload(request: HttpRequest, start) -> HttpResponse | None:
    """POST: `start()` queues the job and the answer is its page; a refused file is said in
    a message and the answer is None (the caller shows its page again)."""
    try:
        job = start()
    except ValidationFailed as exc:
        for issue in exc.issues:
            messages.error(request, issue.message)
        if request.htmx:  # the form sent by htmx (its upload bar): the page again
            return HttpResponseClientRedirect(request.path)
        return None
    return to_job(request, job)


@disk_uploads
def import_page(request: HttpRequest, name: str) -> HttpResponse:
    importer = importers.get(name)
    access.require(importer.may_start(request.user))
    if request.method == "POST":
        upload = request.FILES.get("file")
        answer = start_upload(request, lambda: services.start_import(request.user, name, upload))
        if answer is not None:
            return answer
    context = {
        "importer": importer,
        "recent": Job.objects.filter(kind=Job.Kind.IMPORT, params__importer=name)[:10],
        "limit_mb": settings.THIDUA_JOB_UPLOAD_BYTES // (1024 * 1024),
        "suffixes": ", ".join(importer.suffixes),
    }
    return render(request, "web/jobs/import.html", context)
