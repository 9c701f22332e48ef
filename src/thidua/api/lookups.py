"""Path parameters to objects: 404 for what does not exist, 400 for a malformed period."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja.errors import HttpError

from thidua.common.periods import Period, parse_period
from thidua.indicators.models import Report, ReportingWindow
from thidua.orgs.models import Cluster, Membership, Unit


def cluster(code: str) -> Cluster:
    found = Cluster.objects.filter(code=code).first()
    if found is None:
        raise HttpError(404, _("Không có cụm, khối thi đua mã %(code)s.") % {"code": code})
    return found


def period(code: str) -> Period:
    """Raises PeriodError (400) with the message that lists the accepted codes."""
    return parse_period(code)


def known_period(found: Cluster, raw: str) -> Period:
    """A period the cluster has opened (or has reports for); others are 404."""
    p = period(raw)
    opened = ReportingWindow.objects.filter(cluster=found, period=p.code).exists()
    if not opened and not Report.objects.filter(cluster=found, period=p.code).exists():
        msg = _("Cụm %(cluster)s chưa mở kỳ báo cáo %(period)s.")
        raise HttpError(404, msg % {"cluster": found.code, "period": p.code})
    return p


def member(found: Cluster, p: Period, code: str) -> Unit:
    """The member with this code in the period's year: codes were reused after the 2025 merger."""
    memberships = Membership.objects.filter(cluster=found, year=p.year, unit__code=code)
    units = [m.unit for m in memberships.select_related("unit")]
    valid = [u for u in units if u.is_valid_on(p.end)] or units
    if not valid:
        msg = _("Đơn vị mã %(code)s không phải thành viên của %(cluster)s năm %(year)s.")
        raise HttpError(404, msg % {"code": code, "cluster": found.code, "year": p.year})
    return valid[0]


def report(found: Cluster, p: Period, unit: Unit) -> Report:
    existing = Report.objects.filter(cluster=found, period=p.code, unit=unit).first()
    if existing is None:
        msg = _("%(unit)s chưa có báo cáo kỳ %(period)s.")
        raise HttpError(404, msg % {"unit": unit, "period": p.code})
    return existing


def unit_by_id(pk: int) -> Unit:
    found = Unit.objects.filter(pk=pk).first()
    if found is None:
        raise HttpError(404, _("Không có đơn vị này."))
    return found
