"""The resistance-war commendation backlog (law.md §6): cases received, reviewed and decided.

A case is checked against the registry when it is added ("đã được khen thưởng"): a match is a
warning for the reviewer, never a refusal, because old registers hold namesakes too.

received ─review─► in_review ─award─► awarded (the decision goes into the registry)
   ▲                  │  └────reject─► rejected (with the reason)
   └─────return───────┘     received ─reject─► rejected
Every write is one function here: permission (`backlog_permissions`, which holds the
TRANSITIONS table), validation, a locked transaction, an audit entry. Reads are
`backlog_selectors`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor
from thidua.accounts.audit import record
from thidua.awards import audit_actions
from thidua.awards.backlog_permissions import CLOSED, STEP_FOR, TRANSITIONS, C, allowed, may_add
from thidua.awards.backlog_selectors import already_awarded, entry_source
from thidua.awards.decisions import add_entry, decision_issues, entry_audit
from thidua.awards.models import (
    AwardEntry,
    AwardType,
    BacklogCase,
    BacklogProgramme,
    WarPeriod,
)
from thidua.common.errors import Conflict, Issue, ValidationFailed
from thidua.orgs.models import Unit

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
    actor: Actor,
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


# Adding a case


def add_case(
    actor: Actor, programme: BacklogProgramme, data: CaseInput, *, via: str = "web"
) -> AddedCase:
    perms.require(
        may_add(actor, data.unit.pk),
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


# Moving a case


def check_state(case: BacklogCase, name: str) -> None:
    """The step starts from the case's status, or it is a conflict with it (HTTP 409)."""
    step = TRANSITIONS[name]
    if not step.starts_from(case.status):
        msg = _("Không thể %(what)s hồ sơ đang ở trạng thái “%(status)s”.")
        values = {"what": step.label, "status": case.get_status_display()}
        raise Conflict([Issue(msg % values, column="status")])


def take_step(
    actor: Actor,
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
    perms.require(allowed(actor, case, step))
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
    actor: Actor,
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
