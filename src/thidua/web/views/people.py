"""People's yearly histories: upload a sheet (ratings, initiatives, units by year), check it,
import it. A unit's officer imports his own unit's people; the board any unit's."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thidua.awards.histories import LABELS, import_histories, may_import
from thidua.web import access
from thidua.web.forms import HistoryUploadForm


@login_required
def people_import(request: HttpRequest) -> HttpResponse:
    access.require(may_import(request.user))
    form = HistoryUploadForm(request.POST or None, request.FILES or None)
    result = dry_run = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data["dry_run"]
        result = import_histories(
            request.user, upload, filename=upload.name, dry_run=dry_run, via="web"
        )
    errors = [(e, LABELS.get(e.column, e.column)) for e in result.errors[:200]] if result else []
    context = {"form": form, "result": result, "dry_run": dry_run, "errors": errors}
    return render(request, "web/awards/people_import.html", context)
