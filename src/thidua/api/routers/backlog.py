"""Backlog programmes' cases: the list (scoped to the caller), adding a case, one case and its
steps (review, return, award, reject).

Every write is an `awards.backlog` call. The caller's right to the case and to the step is asked
before the body is read, so a refused caller learns nothing from a validation message.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from thidua.accounts import permissions as perms
from thidua.api.errors import responses
from thidua.api.schemas import (
    BacklogAwardIn,
    BacklogCaseAddedOut,
    BacklogCaseIn,
    BacklogCaseOut,
    BacklogRejectIn,
    BacklogStepIn,
)
from thidua.awards import backlog, backlog_permissions, backlog_selectors
from thidua.awards.models import BacklogCase, BacklogProgramme, CaseStatus
from thidua.common.text import name_key
from thidua.orgs.models import Unit

router = Router(tags=["backlog"])

CASES = "/backlog/{programme}/cases"
ONE = CASES + "/{case_id}"
# 409: the case's status does not allow the step now.
_STEP = responses({200: BacklogCaseOut}, 403, 404, 409, 422)


def case_out(user, case: BacklogCase, entry_id: int | None = None) -> dict:
    return {
        "id": case.pk,
        "programme": case.programme.code,
        "full_name": case.full_name,
        "birth_year": case.birth_year,
        "unit_id": case.unit_id,
        "unit": case.unit.name,
        "war_period": case.war_period,
        "war_period_label": case.get_war_period_display(),
        "service_unit": case.service_unit,
        "service_start": case.service_start,
        "service_end": case.service_end,
        "posthumous": case.posthumous,
        "next_of_kin_name": case.next_of_kin_name,
        "next_of_kin_relation": case.next_of_kin_relation,
        "status": case.status,
        "status_label": case.get_status_display(),
        "received_on": case.received_on,
        "decided_on": case.decided_on,
        "note": case.note,
        "registry_entry_id": entry_id,
        "steps": backlog_permissions.available_steps(user, case),
    }


def _programme(code: str) -> BacklogProgramme:
    found = BacklogProgramme.objects.select_related("award_type").filter(code=code).first()
    if found is None:
        raise HttpError(404, _("Không có chương trình khen thưởng tồn đọng này."))
    return found


def _case(request: HttpRequest, programme: str, case_id: int) -> BacklogCase:
    found = (
        BacklogCase.objects.select_related("programme", "unit")
        .filter(pk=case_id, programme__code=programme)
        .first()
    )
    if found is None:
        raise HttpError(404, _("Không có hồ sơ này trong chương trình."))
    perms.require(backlog_permissions.can_view_case(request.auth, found))
    return found


def _acting(request: HttpRequest, programme: str, case_id: int, step: str) -> BacklogCase:
    """The case, once the caller takes this step and the status allows it (else 409)."""
    case = _case(request, programme, case_id)
    perms.require(backlog_permissions.may_take(request.auth, case, step))
    backlog.check_state(case, step)
    return case


def _fresh(request: HttpRequest, case: BacklogCase) -> dict:
    found = BacklogCase.objects.select_related("programme", "unit").get(pk=case.pk)
    entry = backlog_selectors.registry_entries([found]).get(found.pk)
    return case_out(request.auth, found, entry.pk if entry else None)


@router.get(
    CASES,
    response=responses({200: list[BacklogCaseOut]}, 403, 404, 422),
    summary="Hồ sơ của chương trình: của đơn vị mình (cán bộ), của mọi đơn vị (Ban TĐKT)",
)
def cases(
    request: HttpRequest,
    programme: str,
    status: CaseStatus | None = None,
    q: str = Query("", max_length=100, description="Họ tên, không cần dấu."),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    user = request.auth
    perms.require(backlog_permissions.may_see_cases(user))
    found = backlog_selectors.cases_for(user, _programme(programme)).select_related("programme")
    if status:
        found = found.filter(status=status)
    key = name_key(q)
    if key:
        found = found.filter(name_key__contains=key)
    page = list(found.order_by("-received_on", "-id")[offset : offset + limit])
    entries = backlog_selectors.registry_entries(page)
    return [case_out(user, c, entries[c.pk].pk if c.pk in entries else None) for c in page]


@router.post(
    CASES,
    response=responses({201: BacklogCaseAddedOut}, 403, 404, 422),
    summary="Tiếp nhận một hồ sơ (cán bộ của đơn vị tiếp nhận; Ban TĐKT)",
)
def add(request: HttpRequest, programme: str, payload: BacklogCaseIn):
    user = request.auth
    perms.require(
        backlog_permissions.may_add(user), _("Chỉ cán bộ thi đua của đơn vị được thêm hồ sơ.")
    )
    found = _programme(programme)
    unit = Unit.objects.filter(pk=payload.unit_id).first()
    if unit is None:
        raise HttpError(404, _("Không có đơn vị #%(id)s.") % {"id": payload.unit_id})
    data = backlog.CaseInput(
        full_name=payload.full_name,
        unit=unit,
        war_period=payload.war_period,
        received_on=payload.received_on,
        birth_year=payload.birth_year,
        service_unit=payload.service_unit,
        service_start=payload.service_start,
        service_end=payload.service_end,
        posthumous=payload.posthumous,
        next_of_kin_name=payload.next_of_kin_name,
        next_of_kin_relation=payload.next_of_kin_relation,
        note=payload.note,
    )
    added = backlog.add_case(user, found, data, via="api")
    out = _fresh(request, added.case) | {"warnings": [w.as_dict() for w in added.warnings]}
    return Status(201, out)


@router.get(ONE, response=responses({200: BacklogCaseOut}, 403, 404, 422), summary="Một hồ sơ")
def case(request: HttpRequest, programme: str, case_id: int):
    return _fresh(request, _case(request, programme, case_id))


@router.post(ONE + "/review", response=_STEP, summary="Bắt đầu thẩm định (đơn vị tiếp nhận)")
def review(request: HttpRequest, programme: str, case_id: int, payload: BacklogStepIn):
    found = _acting(request, programme, case_id, "review")
    backlog.take_step(request.auth, found, "review", note=payload.note, via="api")
    return _fresh(request, found)


@router.post(ONE + "/return", response=_STEP, summary="Trả về bước tiếp nhận (đơn vị tiếp nhận)")
def return_(request: HttpRequest, programme: str, case_id: int, payload: BacklogStepIn):
    found = _acting(request, programme, case_id, "return")
    backlog.take_step(request.auth, found, "return", note=payload.note, via="api")
    return _fresh(request, found)


@router.post(
    ONE + "/award",
    response=_STEP,
    summary="Ghi quyết định khen thưởng (số, ngày, người ký); vào sổ khen thưởng (Ban TĐKT)",
)
def award(request: HttpRequest, programme: str, case_id: int, payload: BacklogAwardIn):
    found = _acting(request, programme, case_id, "award")
    decision = backlog.Decision(payload.number, payload.date, payload.signer)
    backlog.take_step(request.auth, found, "award", note=payload.note, decision=decision, via="api")
    return _fresh(request, found)


@router.post(
    ONE + "/reject", response=_STEP, summary="Kết luận không đủ điều kiện, có lý do (Ban TĐKT)"
)
def reject(request: HttpRequest, programme: str, case_id: int, payload: BacklogRejectIn):
    found = _acting(request, programme, case_id, "reject")
    backlog.take_step(request.auth, found, "reject", note=payload.note, via="api")
    return _fresh(request, found)
