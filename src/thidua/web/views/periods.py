"""The periods page: open reporting periods, set deadlines and lock dates, extend for a member;
and the head's "Nhắc nhở" to a late member from the worklist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.accounts import permissions as perms
from thidua.common.errors import ValidationFailed
from thidua.common.periods import parse_period
from thidua.common.workdays import working_days_between
from thidua.indicators import windows
from thidua.indicators.models import Extension, ReportingWindow
from thidua.orgs.models import Membership
from thidua.web import access
from thidua.web.period_forms import ExtensionForm, WindowForm


def _runnable_year(request: HttpRequest, code: str, year: int):
    cluster = access.cluster_or_404(code)
    access.require(perms.can_run_cluster(request.user, cluster.pk, year))
    return cluster


@login_required
def periods_page(request: HttpRequest, code: str, year: int) -> HttpResponse:
    cluster = _runnable_year(request, code, year)
    form = WindowForm(request.POST or None, year=year)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            windows.open_window(
                request.user, cluster, data["period"], data["deadline"], data["entry_closes"]
            )
        except ValidationFailed as exc:
            for issue in exc.issues:
                form.add_error(issue.column if issue.column in form.fields else None, issue.message)
        else:
            label = parse_period(data["period"]).label()
            messages.success(request, _("Đã lưu hạn nộp và ngày khóa của %(p)s.") % {"p": label})
            return redirect("web:periods", code=cluster.code, year=year)
    return render(request, "web/periods.html", _context(cluster, year, form))


def _context(cluster, year: int, form) -> dict:
    units = [
        m.unit
        for m in Membership.objects.filter(cluster=cluster, year=year)
        .select_related("unit")
        .order_by("unit__code")
    ]
    found = [
        w
        for w in ReportingWindow.objects.filter(cluster=cluster, period__startswith=str(year))
        if w.year == year
    ]
    by_window: dict[int, list] = {w.pk: [] for w in found}
    for e in Extension.objects.filter(window__in=found).select_related("unit").order_by("unit"):
        by_window[e.window_id].append(
            {"e": e, "days": working_days_between(e.window.deadline, e.deadline)}
        )
    rows = [
        {
            "window": w,
            "label": parse_period(w.period).label(),
            "extensions": by_window[w.pk],
            "form": ExtensionForm(units=units, prefix=f"w{w.pk}"),
        }
        for w in sorted(found, key=lambda w: parse_period(w.period).end)
    ]
    return {"cluster": cluster, "year": year, "form": form, "rows": rows}


@login_required
@require_POST
def period_extend(request: HttpRequest, code: str, year: int, period: str) -> HttpResponse:
    cluster = _runnable_year(request, code, year)
    window = get_object_or_404(ReportingWindow, cluster=cluster, period=period)
    units = [
        m.unit for m in Membership.objects.filter(cluster=cluster, year=year).select_related("unit")
    ]
    form = ExtensionForm(request.POST, units=units, prefix=f"w{window.pk}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("web:periods", code=cluster.code, year=year)
    data = form.cleaned_data
    unit = next(u for u in units if u.pk == data["unit"])
    try:
        extension = windows.extend_deadline(
            request.user,
            window,
            unit,
            until=data["until"],
            working_days=data["working_days"],
            reason=data["reason"],
        )
    except ValidationFailed as exc:
        for issue in exc.issues:
            messages.error(request, f"{unit.name}: {issue.message}")
    else:
        fmt = {"unit": unit.name, "d": extension.deadline.strftime("%d/%m/%Y")}
        messages.success(request, _("Đã gia hạn cho %(unit)s đến hết ngày %(d)s.") % fmt)
    return redirect("web:periods", code=cluster.code, year=year)


@login_required
@require_POST
def nudge(request: HttpRequest, code: str, period: str, unit_id: int) -> HttpResponse:
    cluster, p = access.runnable_cluster(request.user, code, period)
    window = get_object_or_404(ReportingWindow, cluster=cluster, period=p.code)
    member = get_object_or_404(
        Membership.objects.select_related("unit"), cluster=cluster, year=p.year, unit_id=unit_id
    )
    try:
        told = windows.nudge(request.user, window, member.unit)
    except ValidationFailed as exc:
        for issue in exc.issues:
            messages.error(request, issue.message)
    else:
        fmt = {"unit": member.unit.name, "n": told}
        messages.success(request, _("Đã nhắc %(unit)s (%(n)s cán bộ nhận được).") % fmt)
    return redirect("web:worklist", code=cluster.code, period=p.code)
