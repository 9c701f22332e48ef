"""Clusters, their members of a year (with head and deputy) and review meetings."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Max, Value, When
from django.http import HttpRequest
from ninja import Router

from thidua.api import lookups
from thidua.api.errors import responses
from thidua.api.schemas import ClusterDetail, ClusterOut
from thidua.orgs.models import Cluster, MemberRole

router = Router(tags=["clusters"])

_ROLE_ORDER = Case(
    When(role=MemberRole.HEAD, then=Value(0)),
    When(role=MemberRole.DEPUTY, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


@router.get("/clusters", response=responses({200: list[ClusterOut]}), summary="Các cụm, khối")
def clusters(request: HttpRequest):
    return list(Cluster.objects.all())


@router.get(
    "/clusters/{code}",
    response=responses({200: ClusterDetail}, 404, 422),
    summary="Một cụm: thành viên của năm và các hội nghị",
)
def cluster(request: HttpRequest, code: str, year: int | None = None):
    found = lookups.cluster(code)
    year = year or found.memberships.aggregate(latest=Max("year"))["latest"]
    members = found.memberships.filter(year=year).select_related("unit")
    meetings = found.meetings.filter(period__startswith=str(year)).select_related("host")
    return {
        "code": found.code,
        "name": found.name,
        "kind": found.kind,
        "organiser": found.organiser,
        "member_noun": found.member_noun,
        "year": year,
        "members": list(members.order_by(_ROLE_ORDER, "unit__code")),
        "meetings": list(meetings.order_by("period")),
    }
