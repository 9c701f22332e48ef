"""The cluster figures of a period, as the review report uses them."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router

from thidua.accounts import permissions as perms
from thidua.api import lookups
from thidua.api.errors import responses
from thidua.api.schemas import ReviewOut
from thidua.reports.aggregation import exact_and_shown
from thidua.reports.aggregation import review as cluster_review
from thidua.reports.documents import LibreOfficeMissing, review_docx, review_pdf
from thidua.reports.excel import review_xlsx
from thidua.reports.narrative import narrate

router = Router(tags=["review"])


@router.get(
    "/clusters/{code}/periods/{period}/review",
    response=responses({200: ReviewOut}, 400, 403, 404, 422),
    summary="Số liệu tổng hợp của cụm (mặc định chỉ báo cáo đã tiếp nhận)",
)
def review(request: HttpRequest, code: str, period: str, include_submitted: bool = False):
    cluster, p = _scope(request, code, period)
    data, shown = exact_and_shown(cluster, p.code, include_submitted=include_submitted)
    data["narrative"] = narrate(shown, cluster, "vi")
    data["narrative_en"] = narrate(shown, cluster, "en")
    return data


def _scope(request: HttpRequest, code: str, period: str):
    cluster = lookups.cluster(code)
    p = lookups.known_period(cluster, period)
    perms.require(perms.can_view_cluster(request.auth, cluster.pk, p.year))
    return cluster, p


_DOCUMENTS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@router.get(
    "/clusters/{code}/periods/{period}/review/document",
    response=responses({200: None}, 400, 403, 404, 422, 503),
    summary="Báo cáo sơ kết/tổng kết dạng tệp: format=docx|pdf|xlsx",
    openapi_extra={
        "responses": {200: {"description": "Tệp", "content": {t: {} for t in _DOCUMENTS.values()}}}
    },
)
def review_document(
    request: HttpRequest,
    code: str,
    period: str,
    format: Literal["docx", "pdf", "xlsx"] = "docx",
    include_submitted: bool = False,
):
    cluster, p = _scope(request, code, period)
    if format == "xlsx":
        data = cluster_review(cluster, p.code, include_submitted=include_submitted)
        data["narrative"] = narrate(data, cluster, "vi")
        content = review_xlsx(data)
    elif format == "pdf":
        try:
            content = review_pdf(cluster, p.code, include_submitted=include_submitted)
        except LibreOfficeMissing as exc:
            return 503, {"detail": str(exc)}
    else:
        content = review_docx(cluster, p.code, include_submitted=include_submitted)
    response = HttpResponse(content, content_type=_DOCUMENTS[format])
    response["Content-Disposition"] = (
        f'attachment; filename="bao-cao-{cluster.code}-{p.code}.{format}"'
    )
    return response
