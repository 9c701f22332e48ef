"""A cluster's regulation of a year, its ranking, a unit's sheet, manual scores and publication.

Who sees which scores is `scoring.selectors.visible`; every write is a `scoring.services` call,
which checks permission, validates and audits.
"""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from thidua.accounts import permissions as perms
from thidua.api import lookups
from thidua.api.errors import responses
from thidua.api.schemas import (
    ManualScoreOut,
    RegulationOut,
    RegulationRef,
    ReviewScoreIn,
    ScoresOut,
    SelfScoreIn,
    SheetOut,
)
from thidua.api.values import to_decimal
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.periods import parse_period
from thidua.orgs.models import Cluster, Unit
from thidua.reports.docx import DOCX
from thidua.scoring import regulation_io, selectors, services
from thidua.scoring.engine import score
from thidua.scoring.minutes import scoring_minutes_docx, scoring_minutes_name
from thidua.scoring.models import Criterion, ManualScore, Regulation

router = Router(tags=["scoring"])

YEAR = "/clusters/{code}/years/{year}"
SCORE = YEAR + "/scores/{unit_code}/criteria/{criterion}"
YAML_TEXT = 1_000_000  # characters: a regulation of a few hundred criteria is under 100 000
_YAML_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/yaml": {"schema": {"type": "string", "maxLength": YAML_TEXT}}},
        "description": "Quy định ở dạng YAML, như tệp tải về (`regulation export`).",
    }
}


def _viewable(request: HttpRequest, code: str, year: int) -> Cluster:
    cluster = lookups.cluster(code)
    perms.require(perms.can_view_cluster(request.auth, cluster.pk, year))
    return cluster


def _regulation(cluster: Cluster, year: int, version: int | None = None) -> Regulation:
    found = Regulation.objects.filter(cluster=cluster, year=year)
    found = found.filter(version=version) if version else found.order_by("-version")
    regulation = found.first()
    if regulation is None:
        msg = _("Cụm %(c)s chưa có quy định chấm điểm năm %(y)s.")
        raise HttpError(404, msg % {"c": cluster.code, "y": year})
    return regulation


def _member(cluster: Cluster, year: int, unit_code: str) -> Unit:
    return lookups.member(cluster, parse_period(str(year)), unit_code)


def regulation_out(regulation: Regulation) -> dict:
    return regulation_io.to_dict(regulation) | {
        "version": regulation.version,
        "created_at": regulation.created_at,
        "published_at": regulation.published_at,
    }


def _ref(regulation: Regulation) -> dict:
    return {
        "version": regulation.version,
        "name": regulation.name,
        "published_at": regulation.published_at,
    }


@router.get(
    YEAR + "/regulation",
    response=responses({200: RegulationOut}, 403, 404),
    summary="Quy định chấm điểm của cụm trong năm (phiên bản mới nhất, hoặc ?version=N)",
)
def regulation(request: HttpRequest, code: str, year: int, version: int | None = None):
    return regulation_out(_regulation(_viewable(request, code, year), year, version))


@router.post(
    YEAR + "/regulation",
    response=responses({201: RegulationOut}, 403, 404, 422),
    summary="Tạo phiên bản mới của quy định từ tệp YAML (cụm trưởng, Ban TĐKT TW)",
    openapi_extra=_YAML_BODY,
)
def import_regulation(request: HttpRequest, code: str, year: int):
    cluster = _viewable(request, code, year)
    regulation = services.import_regulation_file(
        request.auth,
        request.body,
        excel=False,
        target=(cluster, year),
        via="api",
        max_chars=YAML_TEXT,
    )
    return Status(201, regulation_out(regulation))


@router.get(
    YEAR + "/scores",
    response=responses({200: ScoresOut}, 403, 404),
    summary="Xếp hạng: đơn vị thấy bảng điểm của mình, tổng điểm của đơn vị khác khi đã công bố",
)
def scores(request: HttpRequest, code: str, year: int):
    cluster = _viewable(request, code, year)
    found = _regulation(cluster, year)
    return {
        "cluster": cluster,
        "year": year,
        "regulation": _ref(found),
        "ranking": selectors.visible(request.auth, found, score(found)),
    }


@router.post(
    YEAR + "/scores/publish",
    response=responses({200: RegulationRef}, 403, 404),
    summary="Công bố kết quả chấm điểm (cụm trưởng); sau đó không sửa điểm được",
)
def publish(request: HttpRequest, code: str, year: int):
    cluster = lookups.cluster(code)
    return _ref(services.publish(request.auth, _regulation(cluster, year), via="api"))


# Declared before the sheet: "/scores/minutes" would otherwise be read as a unit code.
@router.get(
    YEAR + "/scores/minutes",
    response=responses({200: None}, 403, 404),
    summary="Biên bản chấm điểm, xếp hạng thi đua (.docx): cụm trưởng, Ban TĐKT TW; "
    "mọi thành viên khi đã công bố",
    openapi_extra={"responses": {200: {"description": "Tệp Word", "content": {DOCX: {}}}}},
)
def scores_minutes(request: HttpRequest, code: str, year: int):
    cluster = _viewable(request, code, year)
    found = _regulation(cluster, year)
    perms.require(
        selectors.may_read_minutes(request.auth, found),
        _("Biên bản chấm điểm chỉ cụm trưởng xem được trước khi kết quả được công bố."),
    )
    return _document(scoring_minutes_docx(found), scoring_minutes_name(found))


def _document(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get(
    YEAR + "/scores/{unit_code}",
    response=responses({200: SheetOut}, 403, 404),
    summary="Bảng điểm của một đơn vị: điểm tự chấm, điểm thẩm định và giải trình",
)
def sheet(request: HttpRequest, code: str, year: int, unit_code: str):
    cluster = _viewable(request, code, year)
    found = _regulation(cluster, year)
    unit = _member(cluster, year, unit_code)
    member = selectors.full_sheet(request.auth, found, score(found), unit.pk)
    perms.require(member is not None, _denied_sheet(unit))
    return {
        "unit_code": member.unit_code,
        "unit_name": member.unit_name,
        "total": member.total,
        "rank": member.rank,
        "regulation": _ref(found),
        "criteria": [_sheet_row(row) for row in selectors.sheet(found, member)],
    }


def _denied_sheet(unit: Unit) -> str:
    return _("Bảng điểm của %(u)s chỉ đơn vị đó và cụm trưởng xem được.") % {"u": unit}


def _sheet_row(row: selectors.SheetRow) -> dict:
    s, m = row.score, row.manual
    return {
        "code": s.code,
        "name": s.name,
        "method": s.method,
        "points": s.points,
        "max": s.max,
        "explanation": s.explanation,
        "parent": s.parent,
        "self_points": m.self_points if m else None,
        "self_note": m.self_note if m else "",
        "review_points": m.review_points if m else None,
        "review_reason": m.review_reason if m else "",
        "version": m.version if m else 0,
    }


def _target(code: str, year: int, unit_code: str, criterion: str) -> tuple[Criterion, Unit]:
    cluster = lookups.cluster(code)
    found = _regulation(cluster, year).criteria.filter(code=criterion).first()
    if found is None:
        raise HttpError(404, _("Quy định không có tiêu chí mã %(c)s.") % {"c": criterion})
    return found, _member(cluster, year, unit_code)


def _points(raw: Decimal | str) -> Decimal:
    value = to_decimal(raw)
    if isinstance(value, str):
        raise ValidationFailed([Issue(value, column="points", value=str(raw))])
    return value


def score_out(found: ManualScore) -> dict:
    return {
        "unit_code": found.unit.code,
        "criterion": found.criterion.code,
        "self_points": found.self_points,
        "self_note": found.self_note,
        "review_points": found.review_points,
        "review_reason": found.review_reason,
        "updated_at": found.updated_at,
        "version": found.version,
    }


@router.put(
    SCORE + "/self",
    response=responses({200: ManualScoreOut}, 403, 404, 409, 422),
    summary="Đơn vị tự chấm một tiêu chí chấm theo minh chứng, điểm thưởng hoặc điểm trừ",
)
def self_score(
    request: HttpRequest, code: str, year: int, unit_code: str, criterion: str, payload: SelfScoreIn
):
    found, unit = _target(code, year, unit_code, criterion)
    written = services.self_score(
        request.auth,
        found,
        unit,
        _points(payload.points),
        payload.note,
        expected_version=payload.expected_version,
        via="api",
    )
    return score_out(written)


@router.put(
    SCORE + "/review",
    response=responses({200: ManualScoreOut}, 403, 404, 409, 422),
    summary="Cụm trưởng thẩm định điểm một tiêu chí (khác điểm tự chấm thì cần lý do)",
)
def review_score(
    request: HttpRequest,
    code: str,
    year: int,
    unit_code: str,
    criterion: str,
    payload: ReviewScoreIn,
):
    found, unit = _target(code, year, unit_code, criterion)
    written = services.review_score(
        request.auth,
        found,
        unit,
        _points(payload.points),
        payload.reason,
        expected_version=payload.expected_version,
        via="api",
    )
    return score_out(written)
