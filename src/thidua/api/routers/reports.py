"""A cluster's reports of a period: the worklist, one report, and its life cycle.

Reads ask `accounts.permissions`; every write goes through `indicators.services`, which
checks permission, validates and audits.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from thidua.accounts import permissions as perms
from thidua.api import lookups
from thidua.api.errors import responses
from thidua.api.schemas import (
    CommentIn,
    ReasonIn,
    ReportOut,
    ValuesIn,
    WorklistRowOut,
    WriteOut,
)
from thidua.api.values import to_inputs
from thidua.indicators import selectors, services, visibility
from thidua.indicators.models import VISIBLE_TO_PEERS, Report
from thidua.orgs.models import Unit
from thidua.scoring.required import refuse_unconfirmed_blanks

router = Router(tags=["reports"])

BASE = "/clusters/{code}/periods/{period}/reports"
ONE = BASE + "/{unit_code}"
MISSING = selectors.MISSING


@router.get(
    BASE,
    response=responses({200: list[WorklistRowOut]}, 400, 403, 404, 422),
    summary="Tình hình nộp báo cáo của các thành viên",
)
def worklist(request: HttpRequest, code: str, period: str):
    cluster = lookups.cluster(code)
    p = lookups.known_period(cluster, period)
    perms.require(perms.can_view_cluster(request.auth, cluster.pk, p.year))
    return selectors.worklist(cluster, p.code)


@router.get(
    ONE,
    response=responses({200: ReportOut}, 400, 403, 404, 422),
    summary="Báo cáo của một đơn vị: trạng thái và số liệu hiện hành",
)
def report(request: HttpRequest, code: str, period: str, unit_code: str):
    cluster = lookups.cluster(code)
    p = lookups.known_period(cluster, period)
    unit = lookups.member(cluster, p, unit_code)
    found = Report.objects.filter(cluster=cluster, period=p.code, unit=unit).first()
    if found is None:
        perms.require(perms.can_view_cluster(request.auth, cluster.pk, p.year))
        return _missing(cluster.code, p.code, unit)
    perms.require(visibility.can_view_report_values(request.auth, found), _denied(found))
    return report_out(found)


@router.put(
    ONE + "/values",
    response=responses({200: WriteOut}, 400, 403, 404, 409, 422),
    summary="Nhập, sửa số liệu của báo cáo (dry_run=true để chỉ kiểm tra)",
)
def put_values(
    request: HttpRequest,
    code: str,
    period: str,
    unit_code: str,
    payload: ValuesIn,
    dry_run: bool = False,
):
    cluster = lookups.cluster(code)
    p = lookups.period(period)
    unit = lookups.member(cluster, p, unit_code)
    # The service reports a refusal per row (an import mixes units); here the unit is the
    # path, so the same rule answers 403 before any row is looked at.
    perms.require(perms.can_enter_for_unit(request.auth, unit.pk, cluster.pk, p.year))
    inputs = to_inputs(cluster, unit, p, payload.values)
    result = services.write_values(
        request.auth, cluster, p.code, inputs, via="api", reason=payload.reason, dry_run=dry_run
    )
    current = Report.objects.filter(cluster=cluster, period=p.code, unit=unit).first()
    return {
        "written": result.written,
        "unchanged": result.unchanged,
        "warnings": [w.as_dict() for w in result.warnings],
        "dry_run": dry_run,
        "status": current.status if current else MISSING,
    }


_TRANSITION = responses({200: ReportOut}, 400, 403, 404, 409, 422)


@router.post(ONE + "/submit", response=_TRANSITION, summary="Gửi báo cáo cho cụm trưởng")
def submit(
    request: HttpRequest, code: str, period: str, unit_code: str, confirm_blank: bool = False
):
    """A submit leaving a required indicator blank is refused (422, one issue per indicator,
    `column` its code) unless `confirm_blank=true` says to send it so."""
    actor, found = request.auth, _report(code, period, unit_code)
    how = _("thêm ?confirm_blank=true để vẫn gửi")
    refuse_unconfirmed_blanks(actor, found, confirm_blank, how)
    return report_out(services.submit_report(actor, found, via="api"))


@router.post(ONE + "/accept", response=_TRANSITION, summary="Cụm trưởng tiếp nhận báo cáo")
def accept(request: HttpRequest, code: str, period: str, unit_code: str):
    return report_out(
        services.accept_report(request.auth, _report(code, period, unit_code), via="api")
    )


@router.post(ONE + "/return", response=_TRANSITION, summary="Cụm trưởng trả lại báo cáo")
def return_(request: HttpRequest, code: str, period: str, unit_code: str, payload: CommentIn):
    found = _report(code, period, unit_code)
    return report_out(services.return_report(request.auth, found, payload.comment, via="api"))


@router.post(ONE + "/reopen", response=_TRANSITION, summary="Mở lại báo cáo đã tiếp nhận")
def reopen(request: HttpRequest, code: str, period: str, unit_code: str, payload: ReasonIn):
    found = _report(code, period, unit_code)
    return report_out(services.reopen_report(request.auth, found, payload.reason, via="api"))


def _report(code: str, period: str, unit_code: str) -> Report:
    cluster = lookups.cluster(code)
    p = lookups.period(period)
    return lookups.report(cluster, p, lookups.member(cluster, p, unit_code))


def report_out(found: Report) -> dict:
    return {
        "cluster": found.cluster.code,
        "period": found.period,
        "unit": found.unit,
        "status": found.status,
        "status_label": found.get_status_display(),
        "submitted_at": found.submitted_at,
        "is_late": found.is_late,
        "accepted_at": found.accepted_at,
        "head_comment": found.head_comment,
        "changed_since_acceptance": found.changed_since_acceptance,
        "illustrative": found.illustrative,
        "values": list(selectors.report_values(found)),
    }


def _missing(cluster_code: str, period: str, unit: Unit) -> dict:
    return {
        "cluster": cluster_code,
        "period": period,
        "unit": unit,
        "status": MISSING,
        "status_label": _("Chưa có báo cáo"),
        "values": [],
    }


def _denied(found: Report) -> str | None:
    if found.status in VISIBLE_TO_PEERS:
        return None
    msg = _("Báo cáo của %(unit)s chưa được gửi; chỉ đơn vị và cụm trưởng xem được số liệu.")
    return msg % {"unit": found.unit}
