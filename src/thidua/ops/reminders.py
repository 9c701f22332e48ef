"""What is due now: reports near their deadline, ballots about to close, overdue proposals.

`run_daily()` sends them (the worker's daily job, and `thidua remind`); every reminder has a key
(Notice.key) so that the same one is never sent twice, however often it runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.awards.deadlines import UNIT_ACTS_ON, all_overdue, working_days_between
from thidua.awards.notices import proposal_overdue_message
from thidua.ballots.models import BallotSession, SessionStatus
from thidua.ballots.notices import closes_text
from thidua.common.periods import parse_period
from thidua.indicators.models import Extension, Report, ReportingWindow, unit_deadline
from thidua.indicators.services import EDITABLE
from thidua.notices.models import Notice
from thidua.notices.recipients import board_users, unit_officers
from thidua.notices.services import Message, absolute, notify, site_language
from thidua.orgs.models import Membership, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

BALLOT_WARNING = timedelta(hours=24)


@dataclass(frozen=True)
class Reminder:
    user: User
    message: Message

    def row(self) -> dict:
        return {
            "kind": self.message.kind,
            "recipient": self.user.get_username(),
            "email": self.user.email,
            "subject": self.message.subject,
            "link": absolute(self.message.link),
        }


def due_now(today: date | None = None, now: datetime | None = None) -> list[Reminder]:
    """Every reminder due now that was not sent before."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    with site_language():
        found = deadline_reminders(today) + ballot_reminders(now) + proposal_reminders(today)
    return _not_sent(found)


def run_daily(today: date | None = None, now: datetime | None = None) -> dict:
    """Send what is due now, once: the daily job (THIDUA_DAILY_JOBS) and `thidua remind`."""
    with transaction.atomic():
        reminders = due_now(today, now)
        by_message: dict[Message, list] = defaultdict(list)
        for r in reminders:
            by_message[r.message].append(r.user)
        sent = sum(len(notify(users, message)) for message, users in by_message.items())
    return {"sent": sent, "reminders": [r.row() for r in reminders]}


def _not_sent(reminders: list[Reminder]) -> list[Reminder]:
    keys = {r.message.key for r in reminders}
    had = set(Notice.objects.filter(key__in=keys).values_list("user_id", "key"))
    return [r for r in reminders if (r.user.pk, r.message.key) not in had]


# Reports -------------------------------------------------------------------------------------


def deadline_reminders(today: date) -> list[Reminder]:
    """Members whose report is not in yet, THIDUA_REMIND_DAYS working days before their deadline."""
    upcoming = Q(deadline__gte=today) | Q(extensions__deadline__gte=today)
    windows = list(ReportingWindow.objects.filter(upcoming).distinct().select_related("cluster"))
    if not windows:
        return []
    members = _members(windows)
    sent_in = set(
        Report.objects.filter(cluster_id__in={w.cluster_id for w in windows})
        .exclude(status__in=EDITABLE)
        .values_list("cluster_id", "period", "unit_id")
    )
    extensions = {(e.window_id, e.unit_id): e for e in Extension.objects.filter(window__in=windows)}
    officers = unit_officers({u.pk for units in members.values() for u in units})
    result = []
    for w in windows:
        for unit in members[(w.cluster_id, w.year)]:
            if (w.cluster_id, w.period, unit.pk) in sent_in:
                continue
            deadline = unit_deadline(w, extensions.get((w.pk, unit.pk)))
            message = _deadline_message(w, unit, deadline, today)
            if message is not None:
                result += [Reminder(user, message) for user in officers.get(unit.pk, [])]
    return result


def _members(windows: Iterable[ReportingWindow]) -> dict[tuple, list]:
    found = Membership.objects.filter(
        cluster_id__in={w.cluster_id for w in windows},
        year__in={w.year for w in windows},
    ).select_related("unit")
    result: defaultdict[tuple, list] = defaultdict(list)
    for m in found.order_by("unit__code"):
        result[(m.cluster_id, m.year)].append(m.unit)
    return result


def remind_bucket(days_left: int) -> int | None:
    """The smallest configured number of working days that is not below the days left."""
    fitting = [n for n in settings.THIDUA_REMIND_DAYS if days_left <= n]
    return min(fitting) if fitting else None


def _deadline_message(
    window: ReportingWindow, unit: Unit, deadline: date, today: date
) -> Message | None:
    if deadline < today:
        return None
    days_left = working_days_between(today, deadline)
    bucket = remind_bucket(days_left)
    if bucket is None:
        return None
    fmt = {
        "n": days_left,
        "unit": unit.name,
        "period": parse_period(window.period).label(),
        "cluster": window.cluster.name,
        "d": deadline.strftime("%d/%m/%Y"),
    }
    subject = _("Còn %(n)s ngày làm việc đến hạn nộp báo cáo %(period)s của %(unit)s") % fmt
    body = (
        _(
            "Hạn nộp báo cáo %(period)s của %(unit)s cho %(cluster)s là ngày %(d)s (còn %(n)s ngày "
            "làm việc); báo cáo chưa được gửi.\n\nViệc cần làm: nhập đủ số liệu và gửi báo cáo "
            "trước hạn."
        )
        % fmt
    )
    link = reverse("web:entry", args=[window.cluster.code, window.period, unit.pk])
    key = f"deadline:{window.pk}:{unit.pk}:{deadline.isoformat()}:{bucket}"
    return Message("deadline_soon", subject, body, link, key=key)


# Ballots and proposals -----------------------------------------------------------------------


def ballot_reminders(now: datetime) -> list[Reminder]:
    """Electors who have not voted in a session that closes within a day."""
    sessions = BallotSession.objects.filter(
        status=SessionStatus.OPEN, closes_at__gt=now, closes_at__lte=now + BALLOT_WARNING
    ).select_related("cluster")
    result = []
    for s in sessions.prefetch_related("electors__user"):
        fmt = {"title": s.title, "at": closes_text(s)}
        subject = _("Phiên bỏ phiếu “%(title)s” sắp kết thúc") % fmt
        body = (
            _(
                "Phiên bỏ phiếu kín “%(title)s” kết thúc lúc %(at)s và anh/chị chưa bỏ phiếu.\n\n"
                "Việc cần làm: bỏ phiếu trước giờ kết thúc."
            )
            % fmt
        )
        link = reverse("web:ballot", args=[s.pk])
        message = Message("ballot_closing", subject, body, link, key=f"ballot-closing:{s.pk}")
        result += [Reminder(e.user, message) for e in s.electors.all() if not e.voted]
    return result


def proposal_reminders(today: date) -> list[Reminder]:
    """Proposals past the due date of their step, to whoever must act on them."""
    late = all_overdue(today)
    if not late:
        return []
    board = board_users()
    officers = unit_officers({p.proposing_unit_id for p in late if p.status in UNIT_ACTS_ON})
    result = []
    for p in late:
        users = officers.get(p.proposing_unit_id, []) if p.status in UNIT_ACTS_ON else board
        message = proposal_overdue_message(p, working_days_between(p.due_on, today))  # type: ignore[arg-type]
        result += [Reminder(user, message) for user in users]
    return result
