"""The indicator catalogue."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from thidua.api.errors import responses
from thidua.api.schemas import IndicatorOut
from thidua.indicators.models import Indicator

router = Router(tags=["indicators"])


@router.get(
    "/indicators", response=responses({200: list[IndicatorOut]}), summary="Danh mục chỉ tiêu"
)
def indicators(request: HttpRequest):
    return list(Indicator.objects.all())
