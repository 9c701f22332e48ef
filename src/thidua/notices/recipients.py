"""Who receives what: a unit's officers, the board, a cluster's head secretariat."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q

from thidua.accounts.models import Role, RoleAssignment
from thidua.orgs.models import MemberRole, Membership


def unit_officers(unit_ids: Iterable[int]) -> dict[int, list]:
    """Active officers of each unit, in one query."""
    found = RoleAssignment.objects.filter(
        role=Role.OFFICER, unit_id__in=list(unit_ids), user__is_active=True
    ).select_related("user")
    result: dict[int, list] = defaultdict(list)
    for a in found.order_by("user__username"):
        result[a.unit_id].append(a.user)  # type: ignore[index]
    return result


def board_users() -> list:
    board = Q(roles__role=Role.BOARD) | Q(is_superuser=True)
    return list(get_user_model().objects.filter(board, is_active=True).distinct())


def cluster_secretariat(cluster_id: int, year: int) -> list:
    """The head's secretariat: assigned to the cluster, or to the unit heading it that year."""
    heads = Membership.objects.filter(cluster_id=cluster_id, year=year, role=MemberRole.HEAD)
    scoped = Q(cluster_id=cluster_id) | Q(unit_id__in=heads.values("unit_id"))
    found = RoleAssignment.objects.filter(scoped, role=Role.SECRETARIAT, user__is_active=True)
    return list(get_user_model().objects.filter(pk__in=found.values("user_id")))
