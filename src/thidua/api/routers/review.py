"""The cluster figures of a period, as the review report uses them."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from thidua.accounts import permissions as perms
from thidua.api import lookups
from thidua.api.errors import responses
from thidua.api.schemas import ReviewOut
from thidua.reports.aggregation import review as cluster_review

router = Router(tags=["review"])


@router.get(
    "/clusters/{code}/periods/{period}/review",
    response=responses({200: ReviewOut}, 400, 403, 404, 422),
    summary="Số liệu tổng hợp của cụm (mặc định chỉ báo cáo đã tiếp nhận)",
)
def review(request: HttpRequest, code: str, period: str, include_submitted: bool = False):
    cluster = lookups.cluster(code)
    p = lookups.known_period(cluster, period)
    perms.require(perms.can_view_cluster(request.auth, cluster.pk, p.year))
    return cluster_review(cluster, p.code, include_submitted=include_submitted)
