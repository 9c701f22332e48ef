"""Units (reference data) and their lineage through reorganisations."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router

from thidua.api import lookups
from thidua.api.errors import responses
from thidua.api.schemas import LineageOut, UnitPage
from thidua.common.text import unit_key
from thidua.orgs.models import Lineage, Unit

router = Router(tags=["units"])


@router.get("/units", response=responses({200: UnitPage}, 422), summary="Danh mục đơn vị")
def units(
    request: HttpRequest,
    valid_on: date | None = None,
    q: str = Query("", max_length=200),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10_000_000),
):
    found = Unit.objects.all()
    if valid_on is not None:
        found = found.valid_on(valid_on)
    if q.strip():
        found = found.filter(Q(code=q.strip()) | Q(name_key__contains=unit_key(q)))
    return {"count": found.count(), "items": list(found[offset : offset + limit])}


@router.get(
    "/units/{unit_id}/lineage",
    response=responses({200: LineageOut}, 404, 422),
    summary="Đơn vị tiền thân và kế thừa",
)
def lineage(request: HttpRequest, unit_id: int):
    unit = lookups.unit_by_id(unit_id)
    before = Lineage.objects.filter(successor=unit).select_related("predecessor")
    after = Lineage.objects.filter(predecessor=unit).select_related("successor")
    return {
        "unit": unit,
        "predecessors": [_link(link, link.predecessor) for link in before.order_by("effective")],
        "successors": [_link(link, link.successor) for link in after.order_by("effective")],
    }


def _link(link: Lineage, unit: Unit) -> dict:
    return {
        "unit": unit,
        "change": link.change,
        "effective": link.effective,
        "legal_basis": link.legal_basis,
        "share": link.share,
    }
