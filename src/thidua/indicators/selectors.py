"""Reads for reports: the head's worklist and a unit's values with their history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from thidua.common.periods import parse_period
from thidua.common.workdays import working_days_between
from thidua.indicators.models import Extension, Report, ReportingWindow, ReportStatus, Value
from thidua.orgs.models import Cluster, Membership, Unit

MISSING = "missing"


@dataclass
class WorklistRow:
    unit: Unit
    role: str
    role_label: str
    report: Report | None
    status: str
    status_label: str
    submitted_at: datetime | None
    is_late: bool
    warnings: int
    unjustified: int
    changed_since_acceptance: bool
    values: int
    deadline: date | None = None  # the window's, or the unit's extension
    extended: bool = False
    # Working days past the deadline: still not in (overdue), or how late it was submitted.
    days_late: int | None = None
    still_out: bool = False  # not in yet and past the deadline


def window_for(cluster: Cluster, period: str) -> ReportingWindow | None:
    return ReportingWindow.objects.filter(cluster=cluster, period=period).first()


def worklist(cluster: Cluster, period: str, today: date | None = None) -> list[WorklistRow]:
    """One row per member of the period's year: three queries whatever the cluster's size."""
    p = parse_period(period)
    today = today or timezone.localdate()
    window = window_for(cluster, p.code)
    current = Q(values__is_current=True)
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(cluster=cluster, period=p.code).annotate(
            n_values=Count("values", filter=current),
            n_warnings=Count("values", filter=current & ~Q(values__warnings=[])),
            n_unjustified=Count(
                "values", filter=current & ~Q(values__warnings=[]) & Q(values__justification="")
            ),
        )
    }
    rows = []
    members = Membership.objects.filter(cluster=cluster, year=p.year).select_related("unit")
    # Each member's extension in the same query: the dashboard builds a worklist per window.
    extended = Extension.objects.filter(window=window, unit_id=OuterRef("unit_id"))
    members = members.annotate(extended_to=Subquery(extended.values("deadline")[:1]))
    for m in members.order_by("unit__code"):
        deadline = (m.extended_to or window.deadline) if window else None
        row = _row(m, reports.get(m.unit_id), deadline, today)
        row.deadline, row.extended = deadline, m.extended_to is not None
        rows.append(row)
    return rows


def _row(
    membership: Membership, report: Report | None, deadline: date | None, today: date
) -> WorklistRow:
    status = report.status if report else MISSING
    not_in = status in (MISSING, ReportStatus.DRAFT, ReportStatus.RETURNED)
    overdue = deadline is not None and today > deadline
    return WorklistRow(
        unit=membership.unit,
        role=membership.role,
        role_label=membership.get_role_display(),
        report=report,
        status=status,
        status_label=report.get_status_display() if report else "Chưa có báo cáo",
        submitted_at=report.submitted_at if report else None,
        is_late=(report is not None and report.is_late) or (not_in and overdue),
        warnings=report.n_warnings if report else 0,  # type: ignore[attr-defined]
        unjustified=report.n_unjustified if report else 0,  # type: ignore[attr-defined]
        changed_since_acceptance=bool(report and report.changed_since_acceptance),
        values=report.n_values if report else 0,  # type: ignore[attr-defined]
        days_late=_days_late(report, not_in, deadline, today),
        still_out=not_in and overdue,
    )


def _days_late(
    report: Report | None, not_in: bool, deadline: date | None, today: date
) -> int | None:
    if deadline is None:
        return None
    if not_in:
        end = today
    elif report is not None and report.submitted_at is not None:
        end = timezone.localtime(report.submitted_at).date()
    else:
        return None
    return working_days_between(deadline, end) or None


def report_values(report: Report, *, with_history: bool = False) -> QuerySet[Value]:
    """Current values of a report (and the superseded versions when asked), oldest first."""
    qs = Value.objects.filter(report=report).select_related("indicator", "entered_by")
    if not with_history:
        qs = qs.filter(is_current=True)
    return qs.order_by("indicator__position", "indicator__code", "period", "version")


def peer_values(units: Iterable[Unit], indicator_ids: set[int], year: int) -> dict[int, list]:
    """Current values of the indicators for the units, this year and last, by indicator id.

    What an ambiguous `9.360` is compared with (`vnnumbers.settle`); no query when no
    indicator is asked for. `units` may be a queryset (then a subquery).
    """
    if not indicator_ids:
        return {}
    peers: dict[int, list[Decimal]] = {}
    rows = (
        Value.objects.filter(unit__in=units, indicator_id__in=indicator_ids, is_current=True)
        .filter(Q(period__startswith=str(year)) | Q(period__startswith=str(year - 1)))
        .values_list("indicator_id", "value")
    )
    for indicator_id, value in rows:
        peers.setdefault(indicator_id, []).append(value)
    return peers
