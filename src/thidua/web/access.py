"""Look-ups that turn URL parts into objects, or into 404 and 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.common.periods import Period, PeriodError, parse_period
from thidua.common.prepared import Prepared
from thidua.indicators import visibility
from thidua.indicators.models import Report
from thidua.orgs.models import Cluster


def period_or_404(raw: str) -> Period:
    try:
        return parse_period(raw)
    except PeriodError as exc:
        raise Http404(str(exc)) from exc


_CLUSTER_BY_CODE = Prepared(Cluster, "code")


def cluster_or_404(code: str) -> Cluster:
    cluster = _CLUSTER_BY_CODE.first(code)
    if cluster is None:
        raise Http404("No Cluster matches the given query.")  # as get_object_or_404 says
    return cluster


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Bạn không có quyền xem trang này."))


def viewable_cluster(user, code: str, period: str) -> tuple[Cluster, Period]:
    cluster, p = cluster_or_404(code), period_or_404(period)
    require(perms.can_view_cluster(user, cluster.pk, p.year))
    return cluster, p


def runnable_cluster(user, code: str, period: str) -> tuple[Cluster, Period]:
    cluster, p = cluster_or_404(code), period_or_404(period)
    require(perms.can_run_cluster(user, cluster.pk, p.year))
    return cluster, p


def enterable_cluster(user, code: str, period: str) -> tuple[Cluster, Period]:
    """Officers of member units and the head's secretariat: those who may write some values."""
    cluster, p = cluster_or_404(code), period_or_404(period)
    require(
        perms.can_run_cluster(user, cluster.pk, p.year)
        or cluster.pk in perms.member_cluster_ids(user, p.year)
    )
    return cluster, p


def viewable_report(user, pk: int) -> Report:
    report = get_object_or_404(Report.objects.select_related("cluster", "unit"), pk=pk)
    require(visibility.can_view_report_values(user, report))
    return report
