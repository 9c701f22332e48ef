"""The resistance-war commendation backlog (law.md §6): cases received, reviewed and decided.

A case is checked against the registry when it is added ("đã được khen thưởng"): a match is a
warning for the reviewer, never a refusal, because old registers hold namesakes too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.accounts.audit import record
from thidua.awards.models import (
    AwardEntry,
    AwardType,
    BacklogCase,
    BacklogProgramme,
    CaseStatus,
    WarPeriod,
)
from thidua.common.text import name_key
from thidua.indicators.validation import Issue, ValidationFailed
from thidua.orgs.models import Unit

C = CaseStatus
CLOSED = (C.AWARDED, C.REJECTED)
OPEN = (C.RECEIVED, C.IN_REVIEW)
MOVES = {
    C.RECEIVED: (C.IN_REVIEW, C.REJECTED),
    C.IN_REVIEW: (C.AWARDED, C.REJECTED, C.RECEIVED),
}
PACE_MONTHS = 6
_DAYS_PER_MONTH = Decimal("30.4375")


@dataclass
class CaseInput:
    full_name: str
    unit: Unit
    war_period: str
    received_on: date
    birth_year: int | None = None
    service_unit: str = ""
    service_start: date | None = None
    service_end: date | None = None
    posthumous: bool = False
    next_of_kin_name: str = ""
    next_of_kin_relation: str = ""
    note: str = ""


@dataclass
class AddedCase:
    case: BacklogCase
    warnings: list[Issue] = field(default_factory=list)


def create_programme(
    actor,
    *,
    code: str,
    name: str,
    award: str,
    legal_basis: str,
    target_date: date | None = None,
    via: str = "web",
) -> BacklogProgramme:
    perms.require(perms.is_board(actor))
    award_type = AwardType.objects.filter(code=award).first()
    if award_type is None or not code.strip() or not name.strip():
        msg = _("Cần mã, tên chương trình và một hình thức khen thưởng có trong danh mục.")
        raise ValidationFailed([Issue(msg)])
    with transaction.atomic():
        programme = BacklogProgramme.objects.create(
            code=code.strip(),
            name=name.strip(),
            award_type=award_type,
            legal_basis=legal_basis.strip(),
            target_date=target_date,
        )
        after = {"code": programme.code, "award": award, "target_date": target_date}
        record(actor, "awards.backlog.programme_created", programme, None, after, via=via)
    return programme


def _may_handle(user, unit_id: int) -> bool:
    return perms.is_board(user) or perms.can_propose_for(user, unit_id)


def add_case(actor, programme: BacklogProgramme, data: CaseInput, *, via: str = "web") -> AddedCase:
    perms.require(_may_handle(actor, data.unit.pk))
    _validate(data)
    with transaction.atomic():
        fields = vars(data) | {"full_name": data.full_name.strip()}
        case = BacklogCase.objects.create(programme=programme, **fields)
        warnings = already_awarded(programme, case.full_name, case.birth_year, exclude=case.pk)
        after = {
            "programme": programme.code,
            "full_name": case.full_name,
            "birth_year": case.birth_year,
            "unit": data.unit.pk,
            "warnings": [w.message for w in warnings],
        }
        record(actor, "awards.backlog.case_added", case, None, after, via=via)
    return AddedCase(case, warnings)


def _validate(data: CaseInput) -> None:
    issues = []
    if not data.full_name.strip():
        issues.append(Issue(_("Cần ghi họ và tên."), column="full_name"))
    if data.war_period not in WarPeriod.values:
        issues.append(Issue(_("Thời kỳ kháng chiến không hợp lệ."), column="war_period"))
    if data.service_start and data.service_end and data.service_end < data.service_start:
        issues.append(Issue(_("Ngày kết thúc phải sau ngày tham gia."), column="service_end"))
    if data.posthumous and not data.next_of_kin_name.strip():
        msg = _("Truy tặng cần ghi thân nhân nhận thay.")
        issues.append(Issue(msg, column="next_of_kin_name"))
    if issues:
        raise ValidationFailed(issues)


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


def move_case(
    actor,
    case: BacklogCase,
    status: str,
    *,
    on: date | None = None,
    note: str = "",
    via: str = "web",
) -> BacklogCase:
    """received → in_review → awarded | rejected; the result is the board's to record."""
    allowed = perms.is_board(actor) if status in CLOSED else _may_handle(actor, case.unit_id)
    perms.require(allowed)
    day = on or timezone.localdate()
    with transaction.atomic():
        locked = BacklogCase.objects.select_for_update().get(pk=case.pk)
        if status not in MOVES.get(locked.status, ()):
            msg = _("Không chuyển được hồ sơ từ “%(a)s” sang “%(b)s”.")
            raise ValidationFailed(
                [Issue(msg % {"a": locked.get_status_display(), "b": C(status).label})]
            )
        before = {"status": locked.status, "decided_on": locked.decided_on}
        locked.status = status
        locked.decided_on = day if status in CLOSED else None
        if note.strip():
            locked.note = "\n".join(x for x in (locked.note, note.strip()) if x)
        locked.save(update_fields=["status", "decided_on", "note"])
        after = {"status": status, "decided_on": locked.decided_on}
        record(actor, "awards.backlog.case_moved", locked, before, after, note.strip(), via=via)
    return locked


# Progress


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
