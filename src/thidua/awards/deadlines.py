"""Deadlines of the dossier steps in working days (law.md §5.2).

A working day is Monday to Friday and not a Vietnamese public holiday (Tết included) as listed
by the `holidays` package. How many working days each step gets is data: the award rule's
`step_days` (e.g. {"check": 10, "council": 10, "decide": 20}), so a new decree is an upload.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays
from django.db.models import Q
from django.utils import timezone

from thidua.accounts import permissions as perms
from thidua.awards.catalogue import DEFAULT_STEP_DAYS, rule_for
from thidua.awards.models import AwardType, Proposal, ProposalStatus

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


@lru_cache(maxsize=128)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Vietnam(years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after `start` (start itself is not counted)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            n -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end ≤ start)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


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
