"""Reads of the backlog: the cases a user sees, the units a case may be added for, the registry
entries awarded cases wrote, earlier awards of the same person, a programme's progress."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.awards.backlog_permissions import CLOSED, C
from thidua.awards.models import AwardEntry, BacklogCase, BacklogProgramme
from thidua.common.errors import Issue
from thidua.common.text import name_key
from thidua.orgs.models import Unit

PACE_MONTHS = 6
_DAYS_PER_MONTH = Decimal("30.4375")


def cases_for(user, programme: BacklogProgramme) -> QuerySet[BacklogCase]:
    """The programme's cases the user may see: all for the board, its units' for an officer."""
    qs = BacklogCase.objects.filter(programme=programme).select_related("unit")
    if perms.is_board(user):
        return qs
    return qs.filter(unit_id__in=perms.proposal_unit_ids(user))


def units_for(user) -> list[Unit]:
    """The units a user may add cases for: an officer's own (and below), the board's provinces
    and other top-level units in existence today."""
    if perms.is_board(user):
        qs = Unit.objects.filter(parent=None).valid_on(timezone.localdate())
    else:
        qs = Unit.objects.filter(pk__in=perms.proposal_unit_ids(user))
    return list(qs.select_related("parent").order_by("parent_id", "code", "valid_from", "id"))


def registry_entries(cases) -> dict[int, AwardEntry]:
    """The registry entries written when these cases were awarded, by case id (one query, on
    the name index: the registry may hold millions of rows)."""
    awarded = [c for c in cases if c.status == C.AWARDED]
    if not awarded:
        return {}
    sources = {entry_source(c): c.pk for c in awarded}
    entries = AwardEntry.objects.filter(
        name_key__in={c.name_key for c in awarded}, source__in=list(sources)
    )
    return {sources[e.source]: e for e in entries}


def entry_source(case: BacklogCase) -> str:
    return f"backlog case #{case.pk}"


def already_awarded(
    programme: BacklogProgramme,
    full_name: str,
    birth_year: int | None,
    *,
    exclude: int | None = None,
) -> list[Issue]:
    """Registry entries and other cases with the same name, birth year and award."""
    key = name_key(full_name)
    entries = AwardEntry.objects.filter(
        name_key=key, birth_year=birth_year, award_type=programme.award_type
    ).order_by("year")
    warnings = []
    for e in entries[:5]:
        msg = _("Sổ khen thưởng đã có %(name)s (%(born)s) – %(award)s năm %(y)s, QĐ %(n)s.")
        values = {
            "name": e.recipient_name,
            "born": e.birth_year or "?",
            "award": programme.award_type.code,
            "y": e.year,
            "n": e.decision_number or "—",
        }
        warnings.append(Issue(msg % values, column="full_name"))
    others = BacklogCase.objects.filter(programme=programme, name_key=key, birth_year=birth_year)
    for other in others.exclude(pk=exclude).select_related("unit")[:5]:
        msg = _("Đã tiếp nhận hồ sơ trùng tên và năm sinh (#%(id)s, %(unit)s, %(status)s).")
        values = {"id": other.pk, "unit": other.unit.name, "status": other.get_status_display()}
        warnings.append(Issue(msg % values, column="full_name"))
    return warnings


def progress(programme: BacklogProgramme, today: date | None = None) -> dict:
    """Counts by status per unit, the pace of the last six months and the date it leads to."""
    today = today or timezone.localdate()
    units = _by_unit(programme)
    totals = {s: sum(u[s] for u in units) for s in C.values}
    open_now = totals[C.RECEIVED] + totals[C.IN_REVIEW]
    since = today - timedelta(days=round(PACE_MONTHS * float(_DAYS_PER_MONTH)))
    closed_recently = BacklogCase.objects.filter(
        programme=programme, status__in=CLOSED, decided_on__gt=since, decided_on__lte=today
    ).count()
    pace = (Decimal(closed_recently) / PACE_MONTHS).quantize(Decimal("0.01"), ROUND_HALF_UP)
    projected = _projection(open_now, pace, today)
    target = programme.target_date
    return {
        "programme": programme.code,
        "name": programme.name,
        "award": programme.award_type.code,
        "target_date": target,
        "today": today,
        "units": units,
        "totals": totals | {"total": sum(totals.values()), "open": open_now},
        "closed_last_months": closed_recently,
        "pace_months": PACE_MONTHS,
        "pace_per_month": pace,
        "projected_completion": projected,
        "on_track": None if projected is None or target is None else projected <= target,
    }


def _by_unit(programme: BacklogProgramme) -> list[dict]:
    rows: dict[int, dict] = {}
    counts = (
        BacklogCase.objects.filter(programme=programme)
        .values("unit_id", "unit__code", "unit__name", "status")
        .annotate(n=Count("id"))
    )
    for r in counts:
        row = rows.setdefault(
            r["unit_id"],
            {"unit_id": r["unit_id"], "code": r["unit__code"], "unit": r["unit__name"]}
            | dict.fromkeys(C.values, 0),
        )
        row[r["status"]] = r["n"]
    for row in rows.values():
        row["total"] = sum(row[s] for s in C.values)
        row["open"] = row[C.RECEIVED] + row[C.IN_REVIEW]
    return sorted(rows.values(), key=lambda r: (r["code"], r["unit"]))


def _projection(open_now: int, pace: Decimal, today: date) -> date | None:
    """When the open cases are done at the current pace; None when nothing is being closed."""
    if open_now == 0:
        return today
    if pace <= 0:
        return None
    days = (Decimal(open_now) / pace * _DAYS_PER_MONTH).to_integral_value(ROUND_HALF_UP)
    return today + timedelta(days=int(days))
