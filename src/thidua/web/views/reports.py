"""One unit's report: its current values, every older version, and its transitions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thidua.accounts import permissions as perms
from thidua.common.periods import parse_period
from thidua.indicators import services
from thidua.web import access, selectors


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access.viewable_report(request.user, pk)
    year = report.year
    context = {
        "report": report,
        "period": parse_period(report.period),
        "history": selectors.value_history(report),
        "log": selectors.report_log(report),
        "can_run": perms.can_run_cluster(request.user, report.cluster_id, year),
        "can_edit": report.status in services.EDITABLE
        and perms.can_enter_for_unit(request.user, report.unit_id, report.cluster_id, year),
    }
    return render(request, "web/report.html", context)
