"""Who may do what. The service layer asks these; views, API and CLI never decide themselves."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from thidua.accounts.models import Role, RoleAssignment
from thidua.common.prepared import Prepared
from thidua.orgs.models import MemberRole, Membership


class SystemActor:
    """The operator at the command line: trusted like a superuser, audited as 'system'."""

    pk = None
    is_authenticated = False
    is_superuser = True
    is_active = True

    def get_username(self) -> str:
        return "system"


SYSTEM = SystemActor()


_ROLES_OF_USER = Prepared(RoleAssignment, "user_id")


def _assignments(user) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_thidua_roles", None)
    if cached is None:
        cached = _ROLES_OF_USER.all(user.pk)
        user._thidua_roles = cached
    return cached


def limit_to_unit(user, unit_id: int) -> None:
    """For this request, act only as the officer of one unit (a token scoped to a unit).

    The account's other powers (board, the head's secretariat over other members) stay out.
    """
    roles = RoleAssignment.objects.filter(user=user, unit_id=unit_id, role=Role.OFFICER)
    user._thidua_roles = list(roles)
    user._thidua_scoped = True


def is_board(user) -> bool:
    if isinstance(user, SystemActor):
        return True
    if getattr(user, "_thidua_scoped", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return any(a.role == Role.BOARD for a in _assignments(user))


def officer_unit_ids(user) -> set[int]:
    return {a.unit_id for a in _assignments(user) if a.role == Role.OFFICER and a.unit_id}


def _memo(user, key: tuple, compute):
    """Per-request memo on the user object, so a batch asks the database once per question."""
    memo = user.__dict__.setdefault("_thidua_memo", {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def secretariat_cluster_ids(user, year: int) -> set[int]:
    """Clusters the user runs as head secretariat in `year` (directly, or via the head unit)."""
    if isinstance(user, SystemActor) or not getattr(user, "is_authenticated", False):
        return set()
    return _memo(user, ("secretariat", year), lambda: _secretariat_cluster_ids(user, year))


def _secretariat_cluster_ids(user, year: int) -> set[int]:
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


def viewer_cluster_ids(user) -> set[int]:
    return {
        a.cluster_id
        for a in _assignments(user)
        if a.role in (Role.VIEWER, Role.COUNCIL) and a.cluster_id
    }


def can_run_cluster(user, cluster_id: int, year: int) -> bool:
    return is_board(user) or cluster_id in secretariat_cluster_ids(user, year)


def can_enter_for_unit(user, unit_id: int, cluster_id: int, year: int) -> bool:
    """Officers enter their own unit; the head's secretariat and the board may enter for members."""
    return unit_id in officer_unit_ids(user) or can_run_cluster(user, cluster_id, year)


def own_unit_ids(user) -> set[int]:
    """The units the user works for: as their officer, or on the secretariat they staff."""
    staff = (Role.OFFICER, Role.SECRETARIAT)
    return {a.unit_id for a in _assignments(user) if a.role in staff and a.unit_id}


def can_self_score(user, unit_id: int) -> bool:
    """A unit's self-assessment is its own: the head's secretariat and the board review it but
    never write it (the operator at the command line loads it, audited as 'system')."""
    return isinstance(user, SystemActor) or unit_id in own_unit_ids(user)


def can_review_score(user, cluster_id: int, year: int, unit_id: int) -> bool:
    """The head reviews the members' scores, never its own unit's (the board reviews that)."""
    return can_run_cluster(user, cluster_id, year) and unit_id not in own_unit_ids(user)


def member_cluster_ids(user, year: int) -> set[int]:
    units = officer_unit_ids(user)
    if not units:
        return set()
    return _memo(user, ("member", year), lambda: _member_cluster_ids(units, year))


def _member_cluster_ids(units: set[int], year: int) -> set[int]:
    return set(
        Membership.objects.filter(unit_id__in=units, year=year).values_list("cluster_id", flat=True)
    )


def can_view_cluster(user, cluster_id: int, year: int) -> bool:
    return (
        can_run_cluster(user, cluster_id, year)
        or cluster_id in member_cluster_ids(user, year)
        or cluster_id in viewer_cluster_ids(user)
    )


def can_view_report_values(user, report) -> bool:
    """A unit's draft is its own; others see it once submitted."""
    from thidua.indicators.models import VISIBLE_TO_PEERS

    year = report.year
    if report.unit_id in officer_unit_ids(user) or can_run_cluster(user, report.cluster_id, year):
        return True
    return report.status in VISIBLE_TO_PEERS and can_view_cluster(user, report.cluster_id, year)


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("Bạn không có quyền thực hiện thao tác này."))


# Commendation: proposals, dossiers and personal data


def proposal_unit_ids(user) -> set[int]:
    """Units an officer proposes for: its own units and every unit under them (departments…)."""
    units = officer_unit_ids(user)
    if not units:
        return set()
    return _memo(user, ("proposal_units",), lambda: _with_descendants(units))


def _with_descendants(units: set[int]) -> set[int]:
    from thidua.orgs.models import Unit

    found, frontier = set(units), set(units)
    for _depth in range(6):
        frontier = (
            set(Unit.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        )
        if not frontier:
            break
        found |= frontier
    return found


def _is_operator(user) -> bool:
    return isinstance(user, SystemActor) or bool(getattr(user, "is_superuser", False))


def can_propose_for(user, unit_id: int | None) -> bool:
    """A unit's officer proposes for its own people and collectives; the board does not."""
    return _is_operator(user) or (unit_id is not None and unit_id in proposal_unit_ids(user))


def can_edit_proposal(user, proposal) -> bool:
    return can_propose_for(user, proposal.proposing_unit_id)


def can_review_proposals(user) -> bool:
    """Completeness check, council vote, forwarding, decision and rejection: the central board."""
    return is_board(user)


def can_view_proposal(user, proposal) -> bool:
    return is_board(user) or can_edit_proposal(user, proposal)


def can_see_personal_data(user, person) -> bool:
    """The national ID: the board, and the officers of a unit that proposes (or may) for them."""
    if is_board(user):
        return True
    units = proposal_unit_ids(user)
    if not units:
        return False
    if person.unit_id in units:
        return True
    from thidua.awards.models import Proposal

    return Proposal.objects.filter(person_id=person.pk, proposing_unit_id__in=units).exists()


def council_cluster_ids(user) -> set[int]:
    return {a.cluster_id for a in _assignments(user) if a.role == Role.COUNCIL and a.cluster_id}


def can_see_ratings(user, person) -> bool:
    """Yearly ratings are personal data. They are seen by the board; the officers of the
    person's unit and of the units above it (and of a unit that proposed the person, as for the
    national ID); and council members while a proposal for the person is before their council.
    Not by other units' officers, viewers or the head's secretariat as such."""
    return can_see_personal_data(user, person) or _reviews_person(user, person)


def _reviews_person(user, person) -> bool:
    """A council member of a cluster with a proposal for the person under review there: the
    proposing unit is a member of the cluster in the proposal's year, or the council's secret
    ballot on it belongs to the cluster."""
    clusters = council_cluster_ids(user)
    if not clusters or getattr(user, "_thidua_scoped", False):
        return False
    from thidua.awards.models import Proposal, ProposalStatus

    member = Membership.objects.filter(
        cluster_id__in=clusters, unit_id=OuterRef("proposing_unit_id"), year=OuterRef("year")
    )
    under_review = (
        ProposalStatus.SUBMITTED,
        ProposalStatus.CHECKED,
        ProposalStatus.VOTED,
        ProposalStatus.FORWARDED,
    )
    return (
        Proposal.objects.filter(person_id=person.pk, status__in=under_review)
        .filter(Q(Exists(member)) | Q(ballot__cluster_id__in=clusters))
        .exists()
    )


def is_official(user) -> bool:
    """Anyone given a role (or the operator): the registry search, statistics and people pages.

    The public sees the registry only through the look-up page, with the public fields.
    """
    return is_board(user) or bool(_assignments(user))


def uses_proposals(user) -> bool:
    """The proposal pages: the board, and officers (each sees its own units' proposals)."""
    return is_board(user) or bool(proposal_unit_ids(user))


def may_propose(user) -> bool:
    """Officers propose for their units (the operator may too); the board reviews instead."""
    return _is_operator(user) or bool(proposal_unit_ids(user))
