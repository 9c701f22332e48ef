"""The resistance-war commendation backlog (law.md §6): cases received, reviewed and decided.

A case is checked against the registry when it is added ("đã được khen thưởng"): a match is a
warning for the reviewer, never a refusal, because old registers hold namesakes too.

received ─review─► in_review ─award─► awarded (the decision goes into the registry)
   ▲                  │  └────reject─► rejected (with the reason)
   └─────return───────┘     received ─reject─► rejected
The receiving unit's officers (and those of the units above it) add cases and take them into
review or back; the central board records the result. Every step is one function here:
permission, validation, a locked transaction, an audit entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.accounts.audit import record
from thidua.awards import audit_actions
from thidua.awards.decisions import add_entry, decision_issues, entry_audit
from thidua.awards.models import (
    AwardEntry,
    AwardType,
    BacklogCase,
    BacklogProgramme,
    CaseStatus,
    WarPeriod,
)
from thidua.common.text import name_key
from thidua.common.transitions import Transition
from thidua.indicators.validation import Conflict, Issue, ValidationFailed
from thidua.orgs.models import Unit

C = CaseStatus
CLOSED = (C.AWARDED, C.REJECTED)
OPEN = (C.RECEIVED, C.IN_REVIEW)
UNIT, BOARD = "unit", "board"
PACE_MONTHS = 6
_DAYS_PER_MONTH = Decimal("30.4375")
# Lengths of the model's text fields; a longer value is refused with a message, never cut.
_LIMITS = {
    "full_name": 200,
    "service_unit": 300,
    "next_of_kin_name": 200,
    "next_of_kin_relation": 60,
    "note": 2000,
}
REASON_MAX = 1000
BORN_FROM = 1880


MOVED = audit_actions.BACKLOG_CASE_MOVED
TRANSITIONS: dict[str, Transition] = {
    "review": Transition((C.RECEIVED,), C.IN_REVIEW, MOVED, UNIT, "bắt đầu thẩm định"),
    "return": Transition((C.IN_REVIEW,), C.RECEIVED, MOVED, UNIT, "trả về bước tiếp nhận"),
    "award": Transition((C.IN_REVIEW,), C.AWARDED, MOVED, BOARD, "ghi kết quả khen thưởng cho"),
    "reject": Transition(
        (C.RECEIVED, C.IN_REVIEW), C.REJECTED, MOVED, BOARD, "kết luận không đủ điều kiện cho"
    ),
}
# The generic move (CLI, demo, older callers): the target status names the step.
STEP_FOR = {s.target: name for name, s in TRANSITIONS.items() if name != "reject"} | {
    C.REJECTED: "reject"
}


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
class Decision:
    """The decision that awarded a case: it goes into the registry."""

    number: str
    decided_on: date
    signer: str


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
        record(actor, audit_actions.BACKLOG_PROGRAMME_CREATED, programme, None, after, via=via)
    return programme


# Who may do what


def _may_handle(user, unit_id: int) -> bool:
    return perms.is_board(user) or perms.can_propose_for(user, unit_id)


def may_add(user, unit_id: int | None = None) -> bool:
    """Officers add cases for their units (and the units under them); the board for any."""
    if unit_id is not None:
        return _may_handle(user, unit_id)
    return perms.is_board(user) or perms.may_propose(user)


def may_see_cases(user) -> bool:
    """The list of cases (names, next of kin): the board, and officers (their units' cases)."""
    return perms.is_board(user) or bool(perms.proposal_unit_ids(user))


def can_view_case(user, case: BacklogCase) -> bool:
    return _may_handle(user, case.unit_id)


def _allowed(user, case: BacklogCase, step: Transition) -> bool:
    return perms.is_board(user) if step.who == BOARD else _may_handle(user, case.unit_id)


def may_take(user, case: BacklogCase, name: str) -> bool:
    """Whether `user` takes step `name` (whatever the case's status now)."""
    return _allowed(user, case, TRANSITIONS[name])


def available_steps(user, case: BacklogCase) -> list[str]:
    return [
        n for n, s in TRANSITIONS.items() if s.starts_from(case.status) and _allowed(user, case, s)
    ]


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


# Adding a case


def add_case(actor, programme: BacklogProgramme, data: CaseInput, *, via: str = "web") -> AddedCase:
    perms.require(
        _may_handle(actor, data.unit.pk),
        _("Bạn chỉ thêm được hồ sơ cho đơn vị của mình."),
    )
    data = clean_input(data)
    with transaction.atomic():
        case = BacklogCase.objects.create(programme=programme, **vars(data))
        warnings = already_awarded(programme, case.full_name, case.birth_year, exclude=case.pk)
        after = {
            "programme": programme.code,
            "full_name": case.full_name,
            "birth_year": case.birth_year,
            "unit": data.unit.pk,
            "war_period": case.war_period,
            "posthumous": case.posthumous,
            "warnings": [w.message for w in warnings],
        }
        record(actor, audit_actions.BACKLOG_CASE_ADDED, case, None, after, via=via)
    return AddedCase(case, warnings)


def clean_input(data: CaseInput, *, row: int | None = None) -> CaseInput:
    """The input with its text trimmed, or every problem with it (Vietnamese, by field)."""
    texts = {k: (getattr(data, k) or "").strip() for k in _LIMITS}
    cleaned = CaseInput(**(vars(data) | texts))
    issues = _problems(cleaned)
    if issues:
        raise ValidationFailed([Issue(i.message, row=row, column=i.column) for i in issues])
    return cleaned


def _problems(data: CaseInput) -> list[Issue]:
    today = timezone.localdate()
    issues = []
    if not data.full_name:
        issues.append(Issue(_("Cần ghi họ và tên."), column="full_name"))
    for column, limit in _LIMITS.items():
        value = getattr(data, column)
        if len(value) > limit:
            msg = _("“%(f)s” dài quá %(n)s ký tự.")
            issues.append(Issue(msg % {"f": _field_label(column), "n": limit}, column=column))
        elif any(not ch.isprintable() and ch not in "\n\t" for ch in value):
            msg = _("“%(f)s” có ký tự điều khiển không hợp lệ.")
            issues.append(Issue(msg % {"f": _field_label(column)}, column=column))
    if data.birth_year is not None and not BORN_FROM <= data.birth_year <= today.year:
        msg = _("Năm sinh phải từ %(a)s đến %(b)s.")
        issues.append(Issue(msg % {"a": BORN_FROM, "b": today.year}, column="birth_year"))
    if data.war_period not in WarPeriod.values:
        issues.append(Issue(_("Thời kỳ kháng chiến không hợp lệ."), column="war_period"))
    if data.service_start and data.service_end and data.service_end < data.service_start:
        issues.append(Issue(_("Ngày kết thúc phải sau ngày tham gia."), column="service_end"))
    for column in ("service_start", "service_end", "received_on"):
        day = getattr(data, column)
        if day is not None and day > today:
            msg = _("“%(f)s” không được sau hôm nay.")
            issues.append(Issue(msg % {"f": _field_label(column)}, column=column))
    if data.received_on is None:
        issues.append(Issue(_("Cần ghi ngày tiếp nhận hồ sơ."), column="received_on"))
    if data.posthumous and not data.next_of_kin_name:
        msg = _("Truy tặng cần ghi thân nhân nhận thay.")
        issues.append(Issue(msg, column="next_of_kin_name"))
    return issues


def _field_label(column: str) -> str:
    return str(BacklogCase._meta.get_field(column).verbose_name)


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


# Moving a case


def check_state(case: BacklogCase, name: str) -> None:
    """The step starts from the case's status, or it is a conflict with it (HTTP 409)."""
    step = TRANSITIONS[name]
    if not step.starts_from(case.status):
        msg = _("Không thể %(what)s hồ sơ đang ở trạng thái “%(status)s”.")
        values = {"what": step.label, "status": case.get_status_display()}
        raise Conflict([Issue(msg % values, column="status")])


def take_step(
    actor,
    case: BacklogCase,
    name: str,
    *,
    note: str = "",
    decision: Decision | None = None,
    on: date | None = None,
    via: str = "web",
) -> BacklogCase:
    """One step of the table above. A rejection needs its reason; an award needs the decision,
    which is written into the registry (source "backlog case #id")."""
    step = TRANSITIONS[name]
    perms.require(_allowed(actor, case, step))
    note = (note or "").strip()
    day = on or timezone.localdate()
    _check_step_input(name, note, decision, day)
    with transaction.atomic():
        locked = (
            BacklogCase.objects.select_for_update(of=("self",))
            .select_related("programme__award_type", "unit")
            .get(pk=case.pk)
        )
        check_state(locked, name)
        before = {"status": locked.status, "decided_on": locked.decided_on}
        after: dict = {}
        if decision is not None and step.target == C.AWARDED:
            entry = _registry_entry(locked, decision)
            after["registry_entry"] = entry.pk
            after["decision_number"] = entry.decision_number
            record(
                actor, audit_actions.REGISTRY_ENTRY_ADDED, entry, None, entry_audit(entry), via=via
            )
        locked.status = step.target
        locked.decided_on = day if step.target in CLOSED else None
        if note:
            locked.note = "\n".join(x for x in (locked.note, note) if x)
        locked.save(update_fields=["status", "decided_on", "note"])
        after |= {"status": locked.status, "decided_on": locked.decided_on}
        record(actor, step.action, locked, before, after, note, via=via)
    return locked


def _check_step_input(name: str, note: str, decision: Decision | None, day: date) -> None:
    today = timezone.localdate()
    issues = []
    if len(note) > REASON_MAX:
        msg = _("Ghi chú, lý do dài quá %(n)s ký tự.") % {"n": REASON_MAX}
        issues.append(Issue(msg, column="note"))
    if name == "reject" and not note:
        issues.append(Issue(_("Cần ghi lý do không đủ điều kiện khen thưởng."), column="note"))
    if name == "award":
        issues += _decision_problems(decision, today)
    if day > today:
        issues.append(Issue(_("Ngày ghi kết quả không được sau hôm nay."), column="on"))
    if issues:
        raise ValidationFailed(issues)


def _decision_problems(decision: Decision | None, today: date) -> list[Issue]:
    if decision is None:
        return [Issue(_("Cần ghi số, ngày quyết định và người ký."), column="number")]
    return decision_issues(decision.number, decision.decided_on, decision.signer, today)


def _registry_entry(case: BacklogCase, decision: Decision) -> AwardEntry:
    award = case.programme.award_type
    year = decision.decided_on.year
    clash = AwardEntry.objects.filter(
        award_type=award, year=year, name_key=case.name_key, birth_year=case.birth_year
    ).first()
    if clash is not None:
        msg = _("Sổ khen thưởng đã có %(a)s năm %(y)s cho %(name)s (%(born)s), QĐ %(n)s.")
        values = {
            "a": award.code,
            "y": year,
            "name": clash.recipient_name,
            "born": clash.birth_year or "?",
            "n": clash.decision_number or "—",
        }
        raise Conflict([Issue(msg % values, column="number")])
    return add_entry(
        award_type=award,
        year=year,
        unit=case.unit,
        recipient_name=case.full_name,
        name_key=case.name_key,
        birth_year=case.birth_year,
        unit_name=case.service_unit,
        decision_number=decision.number.strip(),
        decision_date=decision.decided_on,
        signer=decision.signer.strip(),
        source=entry_source(case),
    )


def move_case(
    actor,
    case: BacklogCase,
    status: str,
    *,
    on: date | None = None,
    note: str = "",
    decision: Decision | None = None,
    via: str = "web",
) -> BacklogCase:
    """The step that leads to `status` (see TRANSITIONS); refused when no step does."""
    name = STEP_FOR.get(status)
    if name is None:
        msg = _("Không chuyển được hồ sơ từ “%(a)s” sang “%(b)s”.")
        label = C(status).label if status in C.values else status
        raise ValidationFailed([Issue(msg % {"a": case.get_status_display(), "b": label})])
    return take_step(actor, case, name, note=note, decision=decision, on=on, via=via)


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
