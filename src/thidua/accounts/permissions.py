"""Who may do what. The service layer asks these; views, API and CLI never decide themselves."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from thidua.accounts.models import Role, RoleAssignment
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


def _assignments(user) -> list[RoleAssignment]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_thidua_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user))
        user._thidua_roles = cached
    return cached


def is_board(user) -> bool:
    if isinstance(user, SystemActor):
        return True
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

    year = int(report.period[:4])
    if report.unit_id in officer_unit_ids(user) or can_run_cluster(user, report.cluster_id, year):
        return True
    return report.status in VISIBLE_TO_PEERS and can_view_cluster(user, report.cluster_id, year)


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("Bạn không có quyền thực hiện thao tác này."))
