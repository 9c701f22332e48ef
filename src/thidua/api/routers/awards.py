"""Commendation around the proposals: eligibility of nominees (one or a batch), people (the
national ID only for who may see it), overdue steps and backlog programmes."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from thidua.accounts import permissions as perms
from thidua.api.errors import responses
from thidua.api.routers.proposals import nominee_objects
from thidua.api.schemas import (
    BacklogOut,
    EligibilityBatchIn,
    EligibilityIn,
    OverdueOut,
    PersonOut,
    PersonRefOut,
    VerdictOut,
)
from thidua.awards import selectors
from thidua.awards.backlog_selectors import progress
from thidua.awards.deadlines import overdue, overdue_row
from thidua.awards.eligibility import Nominee, evaluate_many
from thidua.awards.models import BacklogProgramme, Person
from thidua.common.errors import Issue, ValidationFailed
from thidua.orgs.models import Unit

router = Router(tags=["awards"])


@router.post(
    "/eligibility",
    response=responses({200: VerdictOut}, 403, 404, 422),
    summary="Xét điều kiện của một cá nhân hoặc tập thể cho một hình thức và năm",
)
def eligibility(request: HttpRequest, payload: EligibilityIn):
    perms.require(perms.uses_proposals(request.auth))
    person, unit = nominee_objects(payload.person_id, payload.unit_id)
    perms.require(selectors.may_check(request.auth, person=person, unit=unit), _refused())
    nominee = Nominee(
        payload.award,
        payload.year,
        person_id=payload.person_id,
        unit_id=payload.unit_id,
        on=payload.on,
    )
    return evaluate_many([nominee])[0].as_dict()


def _refused() -> str:
    return _("Chỉ xét được cho cá nhân, tập thể thuộc đơn vị bạn đề nghị.")


@router.post(
    "/eligibility/batch",
    response=responses({200: list[VerdictOut]}, 403, 404, 422),
    summary="Xét điều kiện cho một danh sách (tối đa 500), dữ liệu đọc một lần cho cả danh sách",
)
def eligibility_batch(request: HttpRequest, payload: EligibilityBatchIn):
    user = request.auth
    perms.require(perms.uses_proposals(user))
    people = Person.objects.in_bulk({n.person_id for n in payload.nominees if n.person_id})
    units = Unit.objects.in_bulk({n.unit_id for n in payload.nominees if n.unit_id})
    both = _("Cần đúng một trong person_id (cá nhân) hoặc unit_id (tập thể).")
    issues = [
        Issue(both, row=row, column="person_id")
        for row, n in enumerate(payload.nominees)
        if (n.person_id is None) == (n.unit_id is None)
    ]
    if issues:
        raise ValidationFailed(issues)
    for row, n in enumerate(payload.nominees):
        person, unit = people.get(n.person_id), units.get(n.unit_id)
        if person is None and unit is None:
            msg = _("Dòng %(row)s: không có cá nhân hoặc đơn vị này.") % {"row": row}
            raise HttpError(404, msg)
        perms.require(selectors.may_check(user, person=person, unit=unit), _refused())
    nominees = [
        Nominee(n.award, n.year, person_id=n.person_id, unit_id=n.unit_id, on=n.on)
        for n in payload.nominees
    ]
    return [v.as_dict() for v in evaluate_many(nominees)]


@router.get(
    "/people",
    response=responses({200: list[PersonRefOut]}, 403, 422),
    summary="Tìm cá nhân theo họ tên không dấu (từ 2 ký tự): người của đơn vị mình "
    "(Ban TĐKT: mọi người)",
)
def people(request: HttpRequest, q: str = Query("", max_length=100)):
    perms.require(perms.uses_proposals(request.auth))
    return [
        {
            "id": p.pk,
            "full_name": p.full_name,
            "birth_year": p.birth_year,
            "unit": p.unit_name or (selectors.unit_label(p.unit) if p.unit else ""),
        }
        for p in selectors.people_for(request.auth, q, limit=50)
    ]


@router.get(
    "/people/{person_id}",
    response=responses({200: PersonOut}, 403, 404, 422),
    summary="Hồ sơ cá nhân: xếp loại, danh hiệu, sáng kiến; số định danh khi được phép xem",
)
def person(request: HttpRequest, person_id: int):
    perms.require(perms.is_official(request.auth))
    found = Person.objects.select_related("unit__parent").filter(pk=person_id).first()
    if found is None:
        raise HttpError(404, _("Không có cá nhân này."))
    return selectors.person_card(request.auth, found)


@router.get(
    "/overdue",
    response=responses({200: list[OverdueOut]}, 403),
    summary="Đề nghị quá hạn mà người gọi phải xử lý (ngày làm việc, trừ ngày lễ, Tết)",
)
def overdue_list(request: HttpRequest):
    perms.require(perms.uses_proposals(request.auth))
    return [overdue_row(p) for p in overdue(request.auth)]


@router.get(
    "/backlog/{programme}",
    response=responses({200: BacklogOut}, 403, 404, 422),
    summary="Tiến độ chương trình khen thưởng tồn đọng: theo đơn vị, trạng thái, dự kiến",
)
def backlog(request: HttpRequest, programme: str):
    perms.require(perms.is_official(request.auth))
    found = BacklogProgramme.objects.select_related("award_type").filter(code=programme).first()
    if found is None:
        raise HttpError(404, _("Không có chương trình khen thưởng tồn đọng này."))
    return progress(found)
