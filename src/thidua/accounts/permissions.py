"""The roles: who holds which, and what each role may do anywhere (board, head's secretariat,
officer, council, viewer). A rule that needs a domain's records lives with that domain
(`indicators.visibility`, `awards.privacy`); this module imports no domain model.

The service layer asks these; views, API and CLI never decide themselves."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from thidua.accounts.actors import Actor
from thidua.accounts.models import Role, RoleAssignment
from thidua.common.prepared import Prepared
from thidua.orgs.models import MemberRole, Membership, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class SystemActor:
    """The operator at the command line: trusted like a superuser, audited as 'system'."""

    pk = None
    is_authenticated = False
    is_superuser = True
    is_active = True

    def get_username(self) -> str:
        return "system"


SYSTEM = SystemActor()

_T = TypeVar("_T")


class _Proposal(Protocol):
    @property
    def proposing_unit_id(self) -> int | None: ...


_ROLES_OF_USER = Prepared(RoleAssignment, "user_id")


def _assignments(user: Actor) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_thidua_roles", None)
    if cached is None:
        cached = _ROLES_OF_USER.all(user.pk)
        user._thidua_roles = cached  # type: ignore[union-attr]
    return cached  # type: ignore[return-value]


def is_scoped(user: Actor) -> bool:
    """A request acting as the officer of one unit only (a token scoped to a unit)."""
    return getattr(user, "_thidua_scoped", False)


def limit_to_unit(user: User, unit_id: int) -> None:
    """For this request, act only as the officer of one unit (a token scoped to a unit).

    The account's other powers (board, the head's secretariat over other members) stay out.
    """
    roles = RoleAssignment.objects.filter(user=user, unit_id=unit_id, role=Role.OFFICER)
    user._thidua_roles = list(roles)  # type: ignore[attr-defined]
    user._thidua_scoped = True  # type: ignore[attr-defined]


def is_board(user: Actor) -> bool:
    if isinstance(user, SystemActor):
        return True
    if is_scoped(user):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return any(a.role == Role.BOARD for a in _assignments(user))


def officer_unit_ids(user: Actor) -> set[int]:
    return {a.unit_id for a in _assignments(user) if a.role == Role.OFFICER and a.unit_id}


def _memo(user: Actor, key: tuple[object, ...], compute: Callable[[], _T]) -> _T:
    """Per-request memo on the user object, so a batch asks the database once per question."""
    memo = user.__dict__.setdefault("_thidua_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def secretariat_cluster_ids(user: Actor, year: int) -> set[int]:
    """Clusters the user runs as head secretariat in `year` (directly, or via the head unit)."""
    if isinstance(user, SystemActor) or not getattr(user, "is_authenticated", False):
        return set()
    return _memo(user, ("secretariat", year), lambda: _secretariat_cluster_ids(user, year))


def _secretariat_cluster_ids(user: Actor, year: int) -> set[int]:
    direct = {
        a.cluster_id for a in _assignments(user) if a.role == Role.SECRETARIAT and a.cluster_id
    }
    units = {a.unit_id for a in _assignments(user) if a.role == Role.SECRETARIAT and a.unit_id}
    if units:
        direct |= set(
            Membership.objects.filter(
                unit_id__in=units, year=year, role=MemberRole.HEAD
            ).values_list("cluster_id", flat=True)
        )
    return direct


def viewer_cluster_ids(user: Actor) -> set[int]:
    return {
        a.cluster_id
        for a in _assignments(user)
        if a.role in (Role.VIEWER, Role.COUNCIL) and a.cluster_id
    }


def can_run_cluster(user: Actor, cluster_id: int, year: int) -> bool:
    return is_board(user) or cluster_id in secretariat_cluster_ids(user, year)


def can_enter_for_unit(user: Actor, unit_id: int, cluster_id: int, year: int) -> bool:
    """Officers enter their own unit; the head's secretariat and the board may enter for members."""
    return unit_id in officer_unit_ids(user) or can_run_cluster(user, cluster_id, year)


def own_unit_ids(user: Actor) -> set[int]:
    """The units the user works for: as their officer, or on the secretariat they staff."""
    staff = (Role.OFFICER, Role.SECRETARIAT)
    return {a.unit_id for a in _assignments(user) if a.role in staff and a.unit_id}


def can_self_score(user: Actor, unit_id: int) -> bool:
    """A unit's self-assessment is its own: the head's secretariat and the board review it but
    never write it (the operator at the command line loads it, audited as 'system')."""
    return isinstance(user, SystemActor) or unit_id in own_unit_ids(user)


def can_review_score(user: Actor, cluster_id: int, year: int, unit_id: int) -> bool:
    """The head reviews the members' scores, never its own unit's (the board reviews that)."""
    return can_run_cluster(user, cluster_id, year) and unit_id not in own_unit_ids(user)


def member_cluster_ids(user: Actor, year: int) -> set[int]:
    units = officer_unit_ids(user)
    if not units:
        return set()
    return _memo(user, ("member", year), lambda: _member_cluster_ids(units, year))


def _member_cluster_ids(units: set[int], year: int) -> set[int]:
    return set(
        Membership.objects.filter(unit_id__in=units, year=year).values_list("cluster_id", flat=True)
    )


def can_view_cluster(user: Actor, cluster_id: int, year: int) -> bool:
    return (
        can_run_cluster(user, cluster_id, year)
        or cluster_id in member_cluster_ids(user, year)
        or cluster_id in viewer_cluster_ids(user)
    )


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("Bạn không có quyền thực hiện thao tác này."))


# Commendation: proposals, dossiers and personal data


def proposal_unit_ids(user: Actor) -> set[int]:
    """Units an officer proposes for: its own units and every unit under them (departments…)."""
    units = officer_unit_ids(user)
    if not units:
        return set()
    return _memo(user, ("proposal_units",), lambda: _with_descendants(units))


def _with_descendants(units: set[int]) -> set[int]:
    found, frontier = set(units), set(units)
    for _depth in range(6):
        frontier = (
            set(Unit.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        )
        if not frontier:
            break
        found |= frontier
    return found


def _is_operator(user: Actor) -> bool:
    return isinstance(user, SystemActor) or bool(getattr(user, "is_superuser", False))


def can_propose_for(user: Actor, unit_id: int | None) -> bool:
    """A unit's officer proposes for its own people and collectives; the board does not."""
    return _is_operator(user) or (unit_id is not None and unit_id in proposal_unit_ids(user))


def can_edit_proposal(user: Actor, proposal: _Proposal) -> bool:
    return can_propose_for(user, proposal.proposing_unit_id)


def can_review_proposals(user: Actor) -> bool:
    """Completeness check, council vote, forwarding, decision and rejection: the central board."""
    return is_board(user)


def can_view_proposal(user: Actor, proposal: _Proposal) -> bool:
    return is_board(user) or can_edit_proposal(user, proposal)


def council_cluster_ids(user: Actor) -> set[int]:
    return {a.cluster_id for a in _assignments(user) if a.role == Role.COUNCIL and a.cluster_id}


def is_official(user: Actor) -> bool:
    """Anyone given a role (or the operator): the registry search, statistics and people pages.

    The public sees the registry only through the look-up page, with the public fields.
    """
    return is_board(user) or bool(_assignments(user))


def uses_proposals(user: Actor) -> bool:
    """The proposal pages: the board, and officers (each sees its own units' proposals)."""
    return is_board(user) or bool(proposal_unit_ids(user))


def may_propose(user: Actor) -> bool:
    """Officers propose for their units (the operator may too); the board reviews instead."""
    return _is_operator(user) or bool(proposal_unit_ids(user))
