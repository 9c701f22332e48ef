"""The cluster figures of a period, as the review report uses them."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router

from thidua.accounts import permissions as perms
from thidua.api import lookups
from thidua.api.errors import responses
from thidua.api.schemas import PublicationOut, ReviewOut
from thidua.reports import publication as publications
from thidua.reports.docx import LibreOfficeMissing
from thidua.reports.excel import review_xlsx

router = Router(tags=["review"])


@router.get(
    "/clusters/{code}/periods/{period}/review",
    response=responses({200: ReviewOut}, 400, 403, 404, 422),
    summary="Số liệu tổng hợp của cụm: bản đã công bố nếu có (live=true: số liệu hiện tại; "
    "mặc định chỉ báo cáo đã tiếp nhận)",
)
def review(
    request: HttpRequest,
    code: str,
    period: str,
    include_submitted: bool = False,
    live: bool = False,
):
    cluster, p = _scope(request, code, period)
    shown = publications.shown_review(
        cluster, p.code, live=live, include_submitted=include_submitted
    )
    return _out(shown)


def _out(shown: publications.Shown) -> dict:
    data = shown.exact_narrated()
    data["live"] = shown.live
    data["publication"] = (
        publications.publication_facts(shown.publication) if shown.publication else None
    )
    data["changes"] = shown.changes
    return data


@router.post(
    "/clusters/{code}/periods/{period}/review/publish",
    response=responses({200: PublicationOut}, 400, 403, 404, 422),
    summary="Công bố báo cáo của kỳ cho hội nghị (cụm trưởng, Ban TĐKT TW): lưu số liệu, "
    "đoạn kết quả, các báo cáo đã tính và văn bản; công bố lại thì bản mới thay bản cũ",
)
def publish(request: HttpRequest, code: str, period: str):
    cluster = lookups.cluster(code)
    p = lookups.known_period(cluster, period)
    perms.require(perms.can_run_cluster(request.auth, cluster.pk, p.year))
    done = publications.publish_review(request.auth, cluster, p.code, via="api")
    return publications.publication_facts(done)


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
    live: bool = False,
):
    cluster, p = _scope(request, code, period)
    if format == "xlsx":
        shown = publications.shown_review(
            cluster, p.code, live=live, include_submitted=include_submitted
        )
        shown.narrative("vi")
        content = review_xlsx(shown.data)
    else:
        try:
            content = publications.review_file(
                cluster,
                p.code,
                pdf=format == "pdf",
                live=live,
                include_submitted=include_submitted,
            )
        except LibreOfficeMissing as exc:
            return 503, {"detail": str(exc)}
    response = HttpResponse(content, content_type=_DOCUMENTS[format])
    response["Content-Disposition"] = (
        f'attachment; filename="bao-cao-{cluster.code}-{p.code}.{format}"'
    )
    return response
