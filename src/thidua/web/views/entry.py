"""Data entry for one unit and one period: save a draft, justify warnings, submit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.accounts import permissions as perms
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.periods import Period
from thidua.indicators import services
from thidua.indicators.models import Report
from thidua.indicators.selectors import window_for
from thidua.orgs.models import Cluster, Membership, Unit
from thidua.scoring.required import blank_required, required_indicators
from thidua.web import access, selectors
from thidua.web.forms import EntryForm


def _scope(request: HttpRequest, code: str, period: str, unit_id: int):
    cluster, p = access.cluster_or_404(code), access.period_or_404(period)
    unit = get_object_or_404(Unit, pk=unit_id)
    if not Membership.objects.filter(cluster=cluster, year=p.year, unit=unit).exists():
        raise Http404(_("Đơn vị không thuộc cụm trong năm này."))
    access.require(perms.can_enter_for_unit(request.user, unit.pk, cluster.pk, p.year))
    return cluster, p, unit


@login_required
def entry(request: HttpRequest, code: str, period: str, unit_id: int) -> HttpResponse:
    cluster, p, unit = _scope(request, code, period, unit_id)
    report = Report.objects.filter(cluster=cluster, unit=unit, period=p.code).first()
    form = EntryForm(selectors.entry_rows(unit, p.code), request.POST or None)
    blanks: list = []
    if request.method == "POST" and form.is_valid():
        if _save(request, form, cluster, p, unit) and "submit" in request.POST:
            # Saved: the page shown if the submit is refused carries the new versions.
            form.rows = selectors.entry_rows(unit, p.code)
            report = Report.objects.filter(cluster=cluster, unit=unit, period=p.code).first()
            blanks = _unconfirmed_blanks(request, form, cluster, p, unit, report)
            if not blanks and _submit(request, form, report):
                return redirect("web:report", pk=report.pk)
        if not form.errors:
            return redirect(request.path)
    elif request.method == "POST":
        _dry_run(request, form, cluster, p, unit)
    context = _context(request, form, cluster, p, unit, report)
    context["blanks"] = blanks
    return render(request, "web/entry.html", context)


def _dry_run(request, form: EntryForm, cluster: Cluster, p: Period, unit: Unit) -> None:
    """A form with unreadable numbers is not saved; the readable ones are still checked, so that
    the summary lists every problem at once instead of one round at a time."""
    inputs = form.inputs(unit)
    if not inputs:
        return
    try:
        services.write_values(request.user, cluster, p.code, inputs, dry_run=True)
    except ValidationFailed as exc:
        form.add_issues(exc.issues)


def _unconfirmed_blanks(request, form: EntryForm, cluster, p: Period, unit, report) -> list:
    """Required indicators left blank that the officer has not confirmed sending blank: the
    submit is refused, naming them (the page's script asks before sending; this is the rule)."""
    if report is None:
        return []
    blank = blank_required(cluster, p.code, [unit.pk])[unit.pk]
    # From the script's confirmation or, without it, the page's checkbox.
    confirmed = set(",".join(request.POST.getlist("confirm_blank")).split(","))
    if not blank or {i.code for i in blank} <= confirmed:
        return []
    names = ", ".join(i.display_name(get_language() or "vi") for i in blank)
    form.add_error(
        None,
        _("Còn trống chỉ tiêu bắt buộc: %(names)s. Báo cáo chưa được gửi.") % {"names": names},
    )
    return blank


def _save(request, form: EntryForm, cluster: Cluster, p: Period, unit: Unit) -> bool:
    inputs = form.inputs(unit)
    if not inputs:
        return True
    try:
        result = services.write_values(
            request.user, cluster, p.code, inputs, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationFailed as exc:
        form.add_issues(exc.issues)
        return False
    if result.written:
        text = ngettext("Đã lưu %(n)d số liệu.", "Đã lưu %(n)d số liệu.", result.written)
        messages.success(request, text % {"n": result.written})
    for warning in result.warnings:
        messages.warning(request, warning.message)
    return True


def _submit(request, form: EntryForm, report: Report | None) -> bool:
    try:
        if report is None:
            raise ValidationFailed([Issue(_("Báo cáo chưa có số liệu nào."))])
        services.submit_report(request.user, report)
    except ValidationFailed as exc:
        form.add_issues(exc.issues)
        return False
    messages.success(request, _("Đã gửi báo cáo tới cụm trưởng."))
    return True


def _context(request, form, cluster, p, unit, report) -> dict:
    window = window_for(cluster, p.code)
    extension = services.extensions_of(window).get(unit.pk)
    editable = report is None or report.status in services.EDITABLE
    return {
        "form": form,
        "cluster": cluster,
        "period": p,
        "unit": unit,
        "report": report,
        "window": window,
        "extension": extension,
        "editable": editable,
        "entry_open": _entry_open(request.user, report, cluster, unit, p, window, extension),
        "needs_reason": bool(report and report.accepted_at),
        "required": {i.code for i in required_indicators(cluster, p.code)},
    }


def _entry_open(user, report, cluster, unit, p, window, extension) -> bool:
    probe = report or Report(cluster=cluster, unit=unit, period=p.code)
    return services.entry_open(user, probe, window, timezone.localdate(), extension)


@login_required
@require_POST
def check(
    request: HttpRequest, code: str, period: str, unit_id: int, indicator: str
) -> HttpResponse:
    """A dry run of one field as it is typed: hard errors and plausibility warnings."""
    cluster, p, unit = _scope(request, code, period, unit_id)
    row = next(
        (r for r in selectors.entry_rows(unit, p.code) if r.indicator.code == indicator), None
    )
    if row is None:
        raise Http404
    context: dict[str, list[str]] = {"errors": [], "warnings": []}
    form = EntryForm([row], {f"v_{indicator}": request.POST.get(f"v_{indicator}", "")})
    if not form.is_valid():
        context["errors"] = [e for errors in form.errors.values() for e in errors]
    elif form.inputs(unit):
        try:
            result = services.write_values(
                request.user, cluster, p.code, form.inputs(unit), dry_run=True
            )
            context["warnings"] = [w.message for w in result.warnings]
        except ValidationFailed as exc:
            context["errors"] = [i.message for i in exc.issues]
    return render(request, "web/_entry_check.html", context)
