"""Opening a reporting period, setting its deadline and lock date, extending it for one member."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor
from thidua.accounts.audit import record
from thidua.accounts.timeline import timeline
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.periods import Period, parse_period
from thidua.common.workdays import add_working_days
from thidua.indicators import audit_actions
from thidua.indicators import notices as report_notices
from thidua.indicators.models import Extension, Report, ReportingWindow, ReportStatus
from thidua.orgs.models import Cluster, Membership, Unit

# A report falls due after its period ends, within a year: a deadline outside that is a typo
# (or, as the demo once did, "today + 14 days" given to the 2019 year-end report).
LATEST_AFTER_END = timedelta(days=366)


def open_window(
    actor: Actor,
    cluster: Cluster,
    period: str,
    deadline: date,
    entry_closes: date,
    *,
    via: str = "web",
) -> ReportingWindow:
    p = parse_period(period)
    perms.require(perms.can_run_cluster(actor, cluster.pk, p.year))
    issues = _date_issues(p, deadline, entry_closes)
    if issues:
        raise ValidationFailed(issues)
    with transaction.atomic():
        window, created = ReportingWindow.objects.select_for_update().get_or_create(
            cluster=cluster,
            period=p.code,
            defaults={"deadline": deadline, "entry_closes": entry_closes},
        )
        before = (
            None if created else {"deadline": window.deadline, "entry_closes": window.entry_closes}
        )
        window.deadline, window.entry_closes = deadline, entry_closes
        window.save()
        record(
            actor,
            audit_actions.WINDOW_OPENED if created else audit_actions.WINDOW_CHANGED,
            window,
            before,
            {"period": p.code, "deadline": deadline, "entry_closes": entry_closes},
            via=via,
        )
    return window


def _date_issues(p: Period, deadline: date, entry_closes: date) -> list[Issue]:
    fmt = {"period": p.label(), "d": deadline.strftime("%d/%m/%Y")}
    if deadline <= p.start or deadline > p.end + LATEST_AFTER_END:
        msg = _(
            "Hạn nộp %(d)s không hợp với %(period)s: hạn phải sau ngày đầu kỳ và không quá "
            "một năm sau khi kỳ kết thúc (%(end)s)."
        )
        return [Issue(msg % (fmt | {"end": p.end.strftime("%d/%m/%Y")}), column="deadline")]
    if entry_closes < deadline:
        msg = _("Ngày khóa nhập liệu phải sau hoặc trùng hạn nộp báo cáo.")
        return [Issue(msg, column="entry_closes")]
    return []


def extend_deadline(
    actor: Actor,
    window: ReportingWindow,
    unit: Unit,
    *,
    until: date | None = None,
    working_days: int | None = None,
    reason: str = "",
    via: str = "web",
) -> Extension:
    """Give one member a later deadline: a date, or N working days after the window's deadline."""
    year = window.year
    perms.require(perms.can_run_cluster(actor, window.cluster_id, year))
    if not Membership.objects.filter(cluster_id=window.cluster_id, unit=unit, year=year).exists():
        msg = _("%(unit)s không là thành viên của cụm năm %(y)s.") % {"unit": unit.name, "y": year}
        raise ValidationFailed([Issue(msg, column="unit")])
    new = _extended_date(window, until, working_days)
    with transaction.atomic():
        found = Extension.objects.select_for_update().filter(window=window, unit=unit).first()
        before = {"deadline": found.deadline} if found else {"deadline": window.deadline}
        extension, _created = Extension.objects.update_or_create(
            window=window, unit=unit, defaults={"deadline": new, "reason": reason.strip()}
        )
        after = {"unit": unit.code, "period": window.period, "deadline": new}
        record(actor, audit_actions.WINDOW_EXTENDED, window, before, after, reason, via=via)
        report_notices.deadline_extended(extension)
    return extension


def _extended_date(window: ReportingWindow, until: date | None, working_days: int | None) -> date:
    if working_days is not None:
        if not 1 <= working_days <= 60:
            msg = _("Số ngày làm việc gia hạn phải từ 1 đến 60.")
            raise ValidationFailed([Issue(msg, column="working_days")])
        return add_working_days(window.deadline, working_days)
    if until is None:
        msg = _("Cần ghi ngày gia hạn đến hoặc số ngày làm việc gia hạn.")
        raise ValidationFailed([Issue(msg, column="until")])
    if until <= window.deadline:
        msg = _("Ngày gia hạn %(d)s phải sau hạn nộp của kỳ (%(w)s).") % {
            "d": until.strftime("%d/%m/%Y"),
            "w": window.deadline.strftime("%d/%m/%Y"),
        }
        raise ValidationFailed([Issue(msg, column="until")])
    return until


def nudge(actor: Actor, window: ReportingWindow, unit: Unit, *, via: str = "web") -> int:
    """The head's "Nhắc nhở" to a member whose report is not in: not twice within
    THIDUA_NUDGE_HOURS. Returns how many of the unit's officers were told."""
    year = window.year
    perms.require(perms.can_run_cluster(actor, window.cluster_id, year))
    since = timezone.now() - timedelta(hours=settings.THIDUA_NUDGE_HOURS)
    with transaction.atomic():
        locked = ReportingWindow.objects.select_for_update().get(pk=window.pk)
        done = Report.objects.filter(cluster_id=locked.cluster_id, period=locked.period, unit=unit)
        if done.exclude(status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED)).exists():
            msg = _("%(unit)s đã gửi báo cáo; không cần nhắc.") % {"unit": unit.name}
            raise ValidationFailed([Issue(msg)])
        earlier = timeline(locked).filter(action=audit_actions.WINDOW_NUDGED, at__gte=since)
        if earlier.filter(after__unit=unit.code).exists():
            msg = _("Đã nhắc %(unit)s trong %(h)s giờ qua; chưa nhắc lại được.")
            raise ValidationFailed(
                [Issue(msg % {"unit": unit.name, "h": settings.THIDUA_NUDGE_HOURS})]
            )
        told = report_notices.nudged(locked, unit)
        if not told:
            msg = _("%(unit)s chưa có tài khoản cán bộ thi đua để nhận nhắc nhở.")
            raise ValidationFailed([Issue(msg % {"unit": unit.name})])
        after = {"unit": unit.code, "period": locked.period, "told": told}
        record(actor, audit_actions.WINDOW_NUDGED, locked, None, after, via=via)
    return told
