"""The cluster page and the head's worklist with its actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.accounts import permissions as perms
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.periods import parse_period
from thidua.common.text import name_key
from thidua.indicators import services
from thidua.indicators.models import Report
from thidua.indicators.selectors import window_for, worklist
from thidua.web import access, selectors
from thidua.web.forms import ExceptionForm, ReopenForm, ReturnForm
from thidua.web.sorting import Sort


@login_required
def cluster_page(request: HttpRequest, code: str) -> HttpResponse:
    cluster = access.cluster_or_404(code)
    year = _year(request, cluster)
    access.require(perms.can_view_cluster(request.user, cluster.pk, year))
    data = selectors.cluster_year(cluster, year)
    statuses = [
        {"window": w, "label": parse_period(w.period).label(), "rows": worklist(cluster, w.period)}
        for w in data.windows
    ]
    context = {
        "data": data,
        "statuses": statuses,
        "can_run": perms.can_run_cluster(request.user, cluster.pk, year),
        "can_upload": perms.can_run_cluster(request.user, cluster.pk, year)
        or cluster.pk in perms.member_cluster_ids(request.user, year),
    }
    return render(request, "web/cluster.html", context)


def _year(request: HttpRequest, cluster) -> int:
    raw = request.GET.get("year") or selectors.latest_year(cluster)
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise Http404(_("Năm không hợp lệ.")) from None


# What the head sorts the worklist by: still to come in first, then the most overdue.
_STATUS_ORDER = {"missing": 0, "draft": 1, "returned": 2, "submitted": 3, "accepted": 4}
WORKLIST_SORTS = {
    "unit": lambda r: name_key(r.unit.name),
    "status": lambda r: (_STATUS_ORDER.get(r.status, 9), -(r.days_late or 0)),
    "submitted": lambda r: r.submitted_at,
    "values": lambda r: r.values,
    "warnings": lambda r: (r.warnings, r.unjustified),
}


@login_required
def worklist_page(request: HttpRequest, code: str, period: str) -> HttpResponse:
    cluster, p = access.runnable_cluster(request.user, code, period)
    sort = Sort.of(request, WORKLIST_SORTS)
    rows = worklist(cluster, p.code)  # one row per member: a bounded list, sorted here
    if sort.column:
        rows = sort.sorted(rows, WORKLIST_SORTS[sort.column])
    context = {
        "cluster": cluster,
        "period": p,
        "window": window_for(cluster, p.code),
        "rows": rows,
        "sort": sort,
    }
    return render(request, "web/worklist.html", context)


def _act(request: HttpRequest, pk: int, action) -> HttpResponse:
    """Run one service on a report and return to the worklist with its message."""
    report = get_object_or_404(Report.objects.select_related("cluster", "unit"), pk=pk)
    access.require(perms.can_run_cluster(request.user, report.cluster_id, report.year))
    try:
        message = action(report)
    except ValidationFailed as exc:
        for issue in exc.issues:
            messages.error(request, f"{report.unit}: {issue.message}")
    else:
        messages.success(request, message)
    return redirect("web:worklist", code=report.cluster.code, period=report.period)


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    def run(report: Report) -> str:
        services.accept_report(request.user, report)
        return _("Đã tiếp nhận báo cáo của %(unit)s.") % {"unit": report.unit}

    return _act(request, pk, run)


@login_required
@require_POST
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReturnForm(request.POST)
    form.is_valid()

    def run(report: Report) -> str:
        services.return_report(request.user, report, form.cleaned_data.get("comment", ""))
        return _("Đã trả lại báo cáo của %(unit)s.") % {"unit": report.unit}

    return _act(request, pk, run)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReopenForm(request.POST)
    form.is_valid()

    def run(report: Report) -> str:
        services.reopen_report(request.user, report, form.cleaned_data.get("reason", ""))
        return _("Đã mở lại báo cáo của %(unit)s để sửa.") % {"unit": report.unit}

    return _act(request, pk, run)


@login_required
@require_POST
def grant_exception(request: HttpRequest, pk: int) -> HttpResponse:
    form = ExceptionForm(request.POST)

    def run(report: Report) -> str:
        if not form.is_valid():
            raise ValidationFailed(_form_issues(form))
        until = form.cleaned_data["until"]
        services.grant_entry_exception(request.user, report, until)
        return _("%(unit)s được nhập số liệu đến hết ngày %(d)s.") % {
            "unit": report.unit,
            "d": until.strftime("%d/%m/%Y"),
        }

    return _act(request, pk, run)


def _form_issues(form) -> list[Issue]:
    return [Issue(str(e)) for errors in form.errors.values() for e in errors]
