"""People's yearly histories: upload a sheet (ratings, initiatives, units by year); the worker
checks it and imports it (or only checks it), the job's page shows the result. A unit's officer
imports his own unit's people; the board any unit's."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thidua.awards.histories import may_import
from thidua.jobs import services
from thidua.jobs.models import Job
from thidua.web import access
from thidua.web.views.jobs import disk_uploads, start_upload


@disk_uploads
def people_import(request: HttpRequest) -> HttpResponse:
    user = request.user
    access.require(may_import(user))
    dry_run = request.method != "POST" or bool(request.POST.get("dry_run"))
    if request.method == "POST":
        upload = request.FILES.get("file")
        options = {"dry_run": dry_run}
        answer = start_upload(
            request, lambda: services.start_import(user, "people", upload, options)
        )
        if answer is not None:
            return answer
    recent = Job.objects.filter(kind=Job.Kind.IMPORT, params__importer="people")
    context = {
        "dry_run": dry_run,
        "recent": recent.filter(started_by_id=user.pk)[:10],
        "limit_mb": settings.THIDUA_JOB_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "web/awards/people_import.html", context)
