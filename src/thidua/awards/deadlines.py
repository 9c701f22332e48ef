"""Deadlines of the dossier steps in working days (law.md §5.2).

Working days are counted by common.workdays (weekends and Vietnamese holidays off). How many
working days each step gets is data: the award rule's `step_days` (e.g. {"check": 10,
"council": 10, "decide": 20}), so a new decree is an upload.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.utils import timezone

from thidua.accounts import permissions as perms
from thidua.awards.catalogue import DEFAULT_STEP_DAYS, rule_for
from thidua.awards.models import AwardType, Proposal, ProposalStatus
from thidua.common.workdays import (  # noqa: F401  (re-exported: callers import them here)
    add_working_days,
    is_working_day,
    working_days_between,
)

# The step that is running while a proposal is in a status, and who must act on it.
STEP_FOR_STATUS = {
    ProposalStatus.SUBMITTED: "check",
    ProposalStatus.CHECKED: "council",
    ProposalStatus.VOTED: "decide",
    ProposalStatus.FORWARDED: "decide",
    ProposalStatus.RETURNED: "resubmit",
}
BOARD_ACTS_ON = (
    ProposalStatus.SUBMITTED,
    ProposalStatus.CHECKED,
    ProposalStatus.VOTED,
    ProposalStatus.FORWARDED,
)
UNIT_ACTS_ON = (ProposalStatus.RETURNED,)
# Used when a rule stores no number for a step (older rules, or a step added later).
FALLBACK_DAYS = {**DEFAULT_STEP_DAYS, "resubmit": 10}


def step_days(award: AwardType, year: int, step: str, on: date | None = None) -> int:
    rule = rule_for(award, year, on)
    days = (rule.step_days if rule is not None else None) or {}
    return int(days.get(step, FALLBACK_DAYS.get(step, 10)))


def due_for(proposal: Proposal, since: date) -> date | None:
    """The due date of the step that starts when the proposal enters its current status."""
    step = STEP_FOR_STATUS.get(proposal.status)
    if step is None:
        return None
    days = step_days(proposal.award_type, proposal.year, step, since)
    return add_working_days(since, days)


def overdue(user, today: date | None = None) -> list[Proposal]:
    """Proposals past the due date of their current step that this user must act on."""
    today = today or timezone.localdate()
    who = Q(pk__in=[])
    if perms.is_board(user):
        who |= Q(status__in=BOARD_ACTS_ON)
    units = perms.proposal_unit_ids(user)
    if units:
        who |= Q(status__in=UNIT_ACTS_ON, proposing_unit_id__in=units)
    return _late(who, today)


def all_overdue(today: date | None = None) -> list[Proposal]:
    """Every proposal past due, whoever must act (the operator's view)."""
    return _late(Q(status__in=BOARD_ACTS_ON + UNIT_ACTS_ON), today or timezone.localdate())


def _late(who: Q, today: date) -> list[Proposal]:
    found = Proposal.objects.filter(who, due_on__lt=today).select_related(
        "award_type", "person", "nominee_unit__parent", "proposing_unit"
    )
    return list(found.order_by("due_on", "id"))


def overdue_row(proposal: Proposal, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    return {
        "id": proposal.pk,
        "award": proposal.award_type.code,
        "year": proposal.year,
        "nominee": nominee_name(proposal),
        "proposing_unit": proposal.proposing_unit.name,
        "status": proposal.status,
        "status_label": str(proposal.get_status_display()),
        "step": STEP_FOR_STATUS.get(proposal.status),
        "due_on": proposal.due_on.isoformat() if proposal.due_on else None,
        "working_days_late": working_days_between(proposal.due_on, today),
    }


def nominee_name(proposal: Proposal) -> str:
    """'Nguyễn Văn A' or 'Sở Y tế (Cà Mau)': a department's name alone is ambiguous."""
    if proposal.person_id:
        return proposal.person.full_name
    unit = proposal.nominee_unit
    return f"{unit.name} ({unit.parent.name})" if unit.parent_id else unit.name
