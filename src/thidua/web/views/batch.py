"""Batch eligibility on the web: the file `thidua eligibility --file` takes, uploaded and
checked by the worker; the job's page shows each nominee's verdict and offers the workbook."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from thidua.awards.eligibility_batch import may_check_batch
from thidua.jobs import services
from thidua.jobs.models import Job
from thidua.web import access
from thidua.web.views.jobs import disk_uploads, start_upload


@disk_uploads
def eligibility_batch(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(may_check_batch(user))
    if request.method == "POST":
        on, ok = _day(request.POST.get("on", ""))
        if not ok:
            messages.error(request, _("Ngày xét đề nghị không hợp lệ."))
        else:
            upload = request.FILES.get("file")
            answer = start_upload(request, lambda: services.start_eligibility(user, upload, on))
            if answer is not None:
                return answer
    recent = Job.objects.filter(kind=Job.Kind.ELIGIBILITY, started_by_id=user.pk)[:10]
    context = {
        "recent": recent,
        "limit_mb": settings.THIDUA_JOB_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "web/awards/eligibility_batch.html", context)


def _day(text: str) -> tuple[date | None, bool]:
    if not text.strip():
        return None, True
    try:
        return date.fromisoformat(text.strip()), True
    except ValueError:
        return None, False
