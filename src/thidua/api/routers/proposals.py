"""Commendation proposals: the list per role, one proposal, creating and editing a draft,
evidence files, each workflow step and the dossier bundle.

Every write is an `awards.services` call. The caller's right to the proposal and to the step is
asked before the body is read, so a refused caller learns nothing from a validation message.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.errors import HttpError

from thidua.accounts import permissions as perms
from thidua.api.errors import responses
from thidua.api.schemas import (
    MAX_VERSION,
    CouncilVoteIn,
    DecideIn,
    ForwardIn,
    ProposalFileOut,
    ProposalIn,
    ProposalOut,
    ProposalPatch,
    ProposalSummaryOut,
    ReasonsIn,
    SubmitIn,
)
from thidua.awards import files, selectors, services
from thidua.awards.deadlines import nominee_name
from thidua.awards.dossier_docs import dossier_bundle
from thidua.awards.models import Person, Proposal, ProposalFile, ProposalStatus
from thidua.ballots.models import BallotSession
from thidua.common.errors import Issue, ValidationFailed
from thidua.orgs.models import Unit

router = Router(tags=["proposals"])

ONE = "/proposals/{proposal_id}"
ZIP = "application/zip"
# A missing file is the service's 422 after the permission check, not the parser's.
NO_FILE = File(None)
# 409: the proposal's status (or its dossier) does not allow the step now.
_STEP = responses({200: ProposalOut}, 403, 404, 409, 422)


def summary_out(p: Proposal) -> dict:
    return {
        "id": p.pk,
        "award": p.award_type.code,
        "award_name": p.award_type.name,
        "year": p.year,
        "nominee": nominee_name(p),
        "person_id": p.person_id,
        "unit_id": p.nominee_unit_id,
        "proposing_unit": p.proposing_unit.name,
        "status": p.status,
        "status_label": p.get_status_display(),
        "status_since": p.status_since,
        "due_on": p.due_on,
        "version": p.version,
    }


def file_out(f: ProposalFile) -> dict:
    return {
        "id": f.pk,
        "kind": f.kind,
        "kind_label": f.get_kind_display(),
        "name": f.original_name,
        "size": f.size,
        "sha256": f.sha256,
        "uploaded_at": f.uploaded_at,
    }


def proposal_out(user, p: Proposal) -> dict:
    return summary_out(p) | {
        "achievements": p.achievements,
        "justification": p.justification,
        "note": p.note,
        "forwarded_to": p.forwarded_to,
        "eligibility": p.eligibility,
        "council_result": p.council_result,
        "decision_number": p.decision_number,
        "decision_date": p.decision_date,
        "decision_signer": p.decision_signer,
        "registry_entry_id": p.registry_entry_id,
        "missing_documents": selectors.missing_documents(p),
        "files": [file_out(f) for f in p.files.all()],
        "transitions": services.available_transitions(user, p),
    }


def _proposal(request: HttpRequest, proposal_id: int) -> Proposal:
    found = (
        Proposal.objects.select_related(
            "award_type", "person", "nominee_unit__parent", "proposing_unit"
        )
        .filter(pk=proposal_id)
        .first()
    )
    if found is None:
        raise HttpError(404, _("Không có đề nghị khen thưởng này."))
    perms.require(perms.can_view_proposal(request.auth, found))
    return found


def _acting(
    request: HttpRequest, proposal_id: int, step: str, expected_version: int | None
) -> Proposal:
    """The proposal, once the caller takes this step, from the version the caller read, and the
    status allows it (else 409). The service checks the version and state again, locked."""
    proposal = _proposal(request, proposal_id)
    if services.TRANSITIONS[step].who == services.UNIT:
        perms.require(perms.can_edit_proposal(request.auth, proposal))
    else:
        perms.require(perms.can_review_proposals(request.auth))
    services.check_version(proposal, expected_version)
    services.check_state(proposal, step)
    return proposal


def _fresh(request: HttpRequest, proposal: Proposal) -> dict:
    return proposal_out(request.auth, _proposal(request, proposal.pk))


@router.get(
    "/proposals",
    response=responses({200: list[ProposalSummaryOut]}, 403, 422),
    summary="Đề nghị khen thưởng: của đơn vị mình (cán bộ), của mọi đơn vị (Ban TĐKT)",
)
def proposals(
    request: HttpRequest,
    status: ProposalStatus | None = None,
    award: str = Query("", max_length=32),
    year: int | None = Query(None, ge=1900, le=2100),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
):
    perms.require(perms.uses_proposals(request.auth))
    found = selectors.proposal_list(request.auth, status=status, award=award or None, year=year)
    return [summary_out(p) for p in found[offset : offset + limit]]


@router.post(
    "/proposals",
    response=responses({201: ProposalOut}, 403, 404, 422),
    summary="Tạo đề nghị (cán bộ của đơn vị có cá nhân, tập thể được đề nghị)",
)
def create(request: HttpRequest, payload: ProposalIn):
    user = request.auth
    perms.require(
        perms.may_propose(user), _("Chỉ cán bộ thi đua của đơn vị được tạo đề nghị khen thưởng.")
    )
    person, unit = nominee_objects(payload.person_id, payload.unit_id)
    proposal = services.create_proposal(
        user,
        award=payload.award,
        year=payload.year,
        person=person,
        nominee_unit=unit,
        achievements=payload.achievements,
        via="api",
    )
    return Status(201, _fresh(request, proposal))


def nominee_objects(
    person_id: int | None, unit_id: int | None
) -> tuple[Person | None, Unit | None]:
    """The person or collective named by id: exactly one (422), and one that exists (404)."""
    if (person_id is None) == (unit_id is None):
        msg = _("Cần đúng một trong person_id (cá nhân) hoặc unit_id (tập thể).")
        raise ValidationFailed([Issue(msg, column="person_id")])
    if person_id is not None:
        person = Person.objects.filter(pk=person_id).first()
        if person is None:
            raise HttpError(404, _("Không có cá nhân #%(id)s.") % {"id": person_id})
        return person, None
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise HttpError(404, _("Không có đơn vị #%(id)s.") % {"id": unit_id})
    return None, unit


@router.get(ONE, response=responses({200: ProposalOut}, 403, 404, 422), summary="Một đề nghị")
def proposal(request: HttpRequest, proposal_id: int):
    return proposal_out(request.auth, _proposal(request, proposal_id))


@router.patch(
    ONE,
    response=responses({200: ProposalOut}, 403, 404, 409, 422),
    summary="Sửa thành tích, năm xét của đề nghị đang soạn hoặc bị trả lại",
)
def update(request: HttpRequest, proposal_id: int, payload: ProposalPatch):
    found = _proposal(request, proposal_id)
    perms.require(perms.can_edit_proposal(request.auth, found))
    services.update_proposal(
        request.auth,
        found,
        achievements=payload.achievements,
        year=payload.year,
        expected_version=payload.expected_version,
        via="api",
    )
    return _fresh(request, found)


@router.post(
    ONE + "/files",
    response=responses({201: ProposalFileOut}, 403, 404, 422),
    summary="Thêm tài liệu minh chứng (PDF, DOCX, XLSX, JPEG, PNG; tối đa 20 MB)",
)
def add_file(
    request: HttpRequest,
    proposal_id: int,
    kind: str = Form(
        "", max_length=10, description="to_trinh, bao_cao, bien_ban, sang_kien hoặc khac"
    ),
    file: UploadedFile | None = NO_FILE,
):
    found = _proposal(request, proposal_id)
    perms.require(services.may_attach(request.auth, found))
    if file is None:
        raise ValidationFailed([Issue(_("Cần chọn tệp tài liệu."), column="file")])
    stored = services.attach_file(
        request.auth, found, name=file.name or "", content=file, kind=kind, via="api"
    )
    return Status(201, file_out(stored))


@router.post(ONE + "/submit", response=_STEP, summary="Gửi đề nghị (đơn vị đề nghị)")
def submit(request: HttpRequest, proposal_id: int, payload: SubmitIn):
    version = payload.expected_version
    found = _acting(request, proposal_id, "submit", version)
    services.submit_proposal(
        request.auth,
        found,
        justification=payload.justification,
        expected_version=version,
        via="api",
    )
    return _fresh(request, found)


@router.post(ONE + "/check", response=_STEP, summary="Xác nhận hồ sơ đủ (Ban TĐKT)")
def check(
    request: HttpRequest,
    proposal_id: int,
    # This step has no body: the version read goes in the query (?expected_version=3).
    expected_version: int | None = Query(
        None,
        ge=0,
        le=MAX_VERSION,
        description="Phiên bản đã đọc; khác phiên bản hiện tại thì trả 409. Bỏ trống: không "
        "kiểm tra.",
    ),
):
    found = _acting(request, proposal_id, "check", expected_version)
    services.check_proposal(request.auth, found, expected_version=expected_version, via="api")
    return _fresh(request, found)


@router.post(ONE + "/return", response=_STEP, summary="Trả lại để bổ sung, có lý do (Ban TĐKT)")
def return_(request: HttpRequest, proposal_id: int, payload: ReasonsIn):
    version = payload.expected_version
    found = _acting(request, proposal_id, "return", version)
    services.return_proposal(
        request.auth, found, payload.reasons, expected_version=version, via="api"
    )
    return _fresh(request, found)


@router.post(
    ONE + "/vote",
    response=_STEP,
    summary="Ghi kết quả bỏ phiếu kín của hội đồng từ một phiên đã kết thúc (Ban TĐKT)",
)
def vote(request: HttpRequest, proposal_id: int, payload: CouncilVoteIn):
    version = payload.expected_version
    found = _acting(request, proposal_id, "vote", version)
    session = None
    if payload.session_id is not None:
        session = BallotSession.objects.filter(pk=payload.session_id).first()
    if payload.session_id is not None and session is None:
        raise HttpError(404, _("Không có phiên bỏ phiếu #%(id)s.") % {"id": payload.session_id})
    services.record_council_vote(
        request.auth,
        found,
        session,
        candidate_id=payload.candidate_id,
        expected_version=version,
        via="api",
    )
    return _fresh(request, found)


@router.post(ONE + "/forward", response=_STEP, summary="Trình cấp trên (Ban TĐKT)")
def forward(request: HttpRequest, proposal_id: int, payload: ForwardIn):
    version = payload.expected_version
    found = _acting(request, proposal_id, "forward", version)
    services.forward_proposal(
        request.auth, found, to=payload.to, expected_version=version, via="api"
    )
    return _fresh(request, found)


@router.post(
    ONE + "/decide",
    response=_STEP,
    summary="Ghi quyết định khen thưởng (số, ngày, người ký); vào sổ khen thưởng (Ban TĐKT)",
)
def decide(request: HttpRequest, proposal_id: int, payload: DecideIn):
    version = payload.expected_version
    found = _acting(request, proposal_id, "decide", version)
    services.decide_proposal(
        request.auth,
        found,
        number=payload.number,
        decided_on=payload.date,
        signer=payload.signer,
        expected_version=version,
        via="api",
    )
    return _fresh(request, found)


@router.post(ONE + "/reject", response=_STEP, summary="Kết luận không khen thưởng (Ban TĐKT)")
def reject(request: HttpRequest, proposal_id: int, payload: ReasonsIn):
    version = payload.expected_version
    found = _acting(request, proposal_id, "reject", version)
    services.reject_proposal(
        request.auth, found, payload.reasons, expected_version=version, via="api"
    )
    return _fresh(request, found)


@router.get(
    ONE + "/dossier",
    response=responses({200: None}, 403, 404, 422),
    summary="Bộ hồ sơ (.zip): tờ trình, danh sách, biên bản, minh chứng và manifest.json",
    openapi_extra={"responses": {200: {"description": "Tệp zip", "content": {ZIP: {}}}}},
)
def dossier(request: HttpRequest, proposal_id: int):
    found = _proposal(request, proposal_id)
    response = HttpResponse(dossier_bundle([found]).data, content_type=ZIP)
    response["Content-Disposition"] = f'attachment; filename="ho-so-de-nghi-{found.pk}.zip"'
    return response


@router.get(
    ONE + "/files/{file_id}",
    response=responses({200: None}, 403, 404, 422),
    summary="Tải một tài liệu minh chứng (cho người được xem đề nghị)",
    openapi_extra={
        "responses": {
            200: {
                "description": "Tệp (PDF, DOCX, XLSX, JPEG, PNG), tải về dạng đính kèm",
                "content": {t: {} for t in files.CONTENT_TYPES.values()},
            }
        }
    },
)
def file_download(request: HttpRequest, proposal_id: int, file_id: int):
    found = _proposal(request, proposal_id)
    stored = files.evidence_file(request.auth, found, file_id)
    handle = files.open_stored(stored) if stored is not None else None
    if handle is None:
        raise HttpError(404, _("Không có tài liệu này trong hồ sơ."))
    return files.attachment_response(handle, stored)
