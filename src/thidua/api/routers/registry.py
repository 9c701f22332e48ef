"""The registry of awards for officials: search by name without diacritics with filters, and
statistics. The public reads the registry through the look-up page (public fields only)."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router

from thidua.accounts import permissions as perms
from thidua.api.errors import responses
from thidua.api.schemas import RegistryRowOut, StatisticOut
from thidua.awards import registry as registry_
from thidua.awards import selectors

router = Router(tags=["registry"])


@router.get(
    "/registry",
    response=responses({200: list[RegistryRowOut]}, 403, 422),
    summary="Tra cứu sổ khen thưởng (cán bộ): họ tên không dấu, năm sinh, hình thức, năm",
)
def search(
    request: HttpRequest,
    q: str = Query("", max_length=100, description="Họ tên (không cần dấu), tên tập thể."),
    born: int | None = Query(None, ge=1850, le=2100),
    award: str = Query("", max_length=300, description="Mã hoặc tên hình thức."),
    year: int | None = Query(None, ge=1900, le=2100),
    unit: str = Query("", max_length=100),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    perms.require(perms.is_official(request.auth))
    found = registry_.matching(
        q, born=born, award=award or None, year=year, unit=unit.strip() or None
    )
    return [registry_.as_search_row(e) for e in found[offset : offset + limit]]


@router.get(
    "/registry/statistics",
    response=responses({200: list[StatisticOut]}, 403, 422),
    summary="Số khen thưởng trong sổ theo năm, hình thức hoặc đơn vị",
)
def statistics(request: HttpRequest, by: Literal["year", "award", "unit"] = "year"):
    perms.require(perms.is_official(request.auth))
    return selectors.registry_statistics(by)
