"""The backlog's life cycle and who may do what: the TRANSITIONS table (received ─review─►
in_review ─award─► awarded; ─return─► received; ─reject─► rejected) and the rules the services,
selectors and pages ask. The receiving unit's officers (and those of the units above it) add
cases and take them into review or back; the central board records the result.
"""

from __future__ import annotations

from thidua.accounts import permissions as perms
from thidua.awards import audit_actions
from thidua.awards.models import BacklogCase, CaseStatus
from thidua.common.transitions import Transition

C = CaseStatus
CLOSED = (C.AWARDED, C.REJECTED)
OPEN = (C.RECEIVED, C.IN_REVIEW)
UNIT, BOARD = "unit", "board"

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


def allowed(user, case: BacklogCase, step: Transition) -> bool:
    return perms.is_board(user) if step.who == BOARD else _may_handle(user, case.unit_id)


def may_take(user, case: BacklogCase, name: str) -> bool:
    """Whether `user` takes step `name` (whatever the case's status now)."""
    return allowed(user, case, TRANSITIONS[name])


def available_steps(user, case: BacklogCase) -> list[str]:
    return [
        n for n, s in TRANSITIONS.items() if s.starts_from(case.status) and allowed(user, case, s)
    ]
