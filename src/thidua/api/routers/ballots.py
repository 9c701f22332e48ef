"""Secret ballots: sessions of a cluster's year, their turnout and result, and the vote.

Every write is a `ballots.services` call. While a session is open only counts are given;
after closing, the tally and the published receipts. Nothing links a person to a choice: the
receipt is in the answer to the vote and nowhere else.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Status
from ninja.errors import HttpError

from thidua.accounts import permissions as perms
from thidua.api import lookups
from thidua.api.errors import responses
from thidua.api.schemas import (
    CloseIn,
    CorrectionIn,
    ReceiptOut,
    SessionDetail,
    SessionIn,
    SessionOut,
    ShareIn,
    ShareOut,
    VoteIn,
)
from thidua.ballots import selectors, services
from thidua.ballots.minutes import ballot_minutes_docx, ballot_minutes_name
from thidua.ballots.models import BallotSession, SessionStatus
from thidua.orgs.models import Cluster
from thidua.reports.docx import DOCX

router = Router(tags=["ballots"])

YEAR = "/clusters/{code}/years/{year}/ballots"
ONE = "/ballots/{session_id}"
_DETAIL = responses({200: SessionDetail}, 403, 404, 422)
SHARE_NOTE = gettext_lazy(
    "Lưu mảnh khóa này ngay và không gửi cho ai: hệ thống đã xóa bản của mình. Khi kết thúc "
    "bỏ phiếu, nhập lại mảnh khóa để kiểm phiếu; chỉ tổng số phiếu được giải mã."
)
RECEIPT_NOTE = gettext_lazy(
    "Ghi lại mã này: mã chỉ trả về một lần, hệ thống không lưu mã nào gắn với người bỏ phiếu. "
    "Sau khi kết thúc, tra mã trong danh sách phiếu được công bố."
)


def _viewable(request: HttpRequest, code: str, year: int) -> Cluster:
    cluster = lookups.cluster(code)
    perms.require(perms.can_view_cluster(request.auth, cluster.pk, year))
    return cluster


def _session(request: HttpRequest, session_id: int) -> BallotSession:
    found = BallotSession.objects.select_related("cluster").filter(pk=session_id).first()
    if found is None:
        raise HttpError(404, _("Không có phiên bỏ phiếu này."))
    perms.require(selectors.may_view(request.auth, found))
    return services.close_if_due(found)


def session_out(session: BallotSession) -> dict:
    return {
        "id": session.pk,
        "cluster": session.cluster.code,
        "year": session.year,
        "title": session.title,
        "award_code": session.award_code,
        "seats": session.seats,
        "quorum_pct": session.quorum_pct,
        "pass_pct": session.pass_pct,
        "pass_operator": session.pass_operator,
        "pass_basis": session.pass_basis,
        "legal_basis": session.legal_basis,
        "closes_at": session.closes_at,
        "status": session.status,
        "status_label": session.get_status_display(),
        "opened_at": session.opened_at,
        "closed_at": session.closed_at,
        "corrects": session.corrects_id,
        "correction_reason": session.correction_reason,
    }


def detail_out(user, session: BallotSession) -> dict:
    turnout = selectors.turnout(session)
    elector = selectors.elector_of(user, session)
    return session_out(session) | {
        "candidates": [
            {
                "id": c.pk,
                "unit_code": c.code,
                "unit_name": c.label,
                "score_rank": c.score_rank,
            }
            for c in session.candidates.select_related("unit")
        ],
        "turnout": {
            "electorate": turnout.electorate,
            "voted": turnout.voted,
            "pct": turnout.pct,
            "quorum_met": turnout.quorum_met,
        },
        "you": {"elector": elector is not None, "voted": bool(elector and elector.voted)},
        "threshold": session.threshold,
        "public_key": session.public_key,
        "trustees": [
            {
                "username": t.user.get_username(),
                "index": t.index,
                "collected": t.collected,
                "counted": t.partial is not None,
            }
            for t in session.trustees.select_related("user")
        ],
        "result": session.result if session.status == SessionStatus.CLOSED else None,
    }


@router.get(
    YEAR,
    response=responses({200: list[SessionOut]}, 403, 404),
    summary="Các phiên bỏ phiếu của cụm trong năm",
)
def sessions(request: HttpRequest, code: str, year: int):
    return [session_out(s) for s in selectors.sessions_for(_viewable(request, code, year), year)]


@router.post(
    YEAR,
    response=responses({201: SessionDetail}, 403, 404, 422),
    summary="Tạo phiên bỏ phiếu (cụm trưởng); mặc định đề cử đầu bảng xếp hạng",
)
def create(request: HttpRequest, code: str, year: int, payload: SessionIn):
    cluster = lookups.cluster(code)
    # The service checks this again; asked first, a refused caller learns nothing of the data.
    perms.require(perms.can_run_cluster(request.auth, cluster.pk, year))
    session = services.create_session(
        request.auth,
        cluster,
        year,
        payload.title.strip(),
        _aware(payload.closes_at),
        candidates=_candidates(cluster, year, payload.candidates),
        electors=_electors(cluster, year, payload.electors),
        rules=services.Rules(
            payload.seats,
            payload.quorum_pct,
            payload.pass_pct,
            payload.pass_operator,
            payload.pass_basis,
            payload.legal_basis.strip(),
        ),
        award_code=payload.award_code,
        via="api",
    )
    return Status(201, detail_out(request.auth, session))


def _aware(value):
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _candidates(cluster: Cluster, year: int, codes: list[str] | None) -> list[tuple]:
    if codes is None:
        return selectors.default_candidates(cluster, year)
    return services.candidates_coded(cluster, year, codes)


def _electors(cluster: Cluster, year: int, usernames: list[str] | None) -> list[tuple] | None:
    return None if usernames is None else services.electors_named(cluster, year, usernames)


@router.get(
    ONE,
    response=responses({200: SessionDetail}, 403, 404),
    summary="Phiên bỏ phiếu: số người đã bỏ phiếu; kết quả và danh sách mã phiếu khi kết thúc",
)
def session(request: HttpRequest, session_id: int):
    return detail_out(request.auth, _session(request, session_id))


@router.get(
    ONE + "/minutes",
    response=responses({200: None}, 403, 404),
    summary="Biên bản kiểm phiếu (.docx) của phiên đã kết thúc: cụm trưởng, Ban TĐKT TW, "
    "người bỏ phiếu; chỉ có số phiếu, không có tên người bỏ phiếu",
    openapi_extra={"responses": {200: {"description": "Tệp Word", "content": {DOCX: {}}}}},
)
def minutes(request: HttpRequest, session_id: int):
    found = _session(request, session_id)
    if found.status != SessionStatus.CLOSED:
        raise HttpError(404, _("Biên bản kiểm phiếu chỉ có khi phiên bỏ phiếu đã kết thúc."))
    perms.require(
        selectors.may_read_minutes(request.auth, found),
        _("Biên bản kiểm phiếu chỉ cụm trưởng, Ban TĐKT TW và người bỏ phiếu tải được."),
    )
    response = HttpResponse(ballot_minutes_docx(found), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{ballot_minutes_name(found)}"'
    return response


@router.post(ONE + "/open", response=_DETAIL, summary="Mở bỏ phiếu (cụm trưởng)")
def open_(request: HttpRequest, session_id: int):
    opened = services.open_session(request.auth, _session(request, session_id), via="api")
    return detail_out(request.auth, opened)


@router.post(
    ONE + "/close",
    response=_DETAIL,
    summary="Kết thúc bỏ phiếu; đủ phiếu thì chờ người giữ khóa kiểm phiếu, thiếu thì không kiểm",
)
def close(request: HttpRequest, session_id: int, payload: CloseIn | None = None):
    reason = payload.reason if payload else ""
    found = _session(request, session_id)
    closed = services.close_session(request.auth, found, reason=reason, via="api")
    return detail_out(request.auth, closed)


@router.post(
    ONE + "/share",
    response=responses({200: ShareOut}, 403, 404, 422),
    summary="Người giữ khóa nhận mảnh khóa của mình (một lần, trước khi mở bỏ phiếu)",
)
def share(request: HttpRequest, session_id: int):
    code = services.collect_share(request.auth, _session(request, session_id), via="api")
    return {"share": code, "note": str(SHARE_NOTE)}


@router.post(
    ONE + "/count",
    response=_DETAIL,
    summary="Người giữ khóa nhập mảnh khóa (hoặc giải mã từng phần tính trên máy mình); đủ số "
    "người thì tổng số phiếu được giải mã",
)
def count(request: HttpRequest, session_id: int, payload: ShareIn):
    found = _session(request, session_id)
    if payload.partial is not None:
        counted = services.enter_partial(request.auth, found, payload.partial, via="api")
    else:
        counted = services.enter_share(request.auth, found, payload.share, via="api")
    return detail_out(request.auth, counted)


@router.get(
    ONE + "/board",
    response=responses({200: dict}, 403, 404),
    summary="Bảng công bố: khóa công khai, các phiếu đã mã hóa với chứng minh, giải mã từng "
    "phần của người giữ khóa — để ai cũng tự kiểm lại được kết quả",
)
def board(request: HttpRequest, session_id: int):
    found = _session(request, session_id)
    if found.status == SessionStatus.OPEN:
        raise HttpError(404, _("Bảng công bố có khi đã kết thúc bỏ phiếu."))
    return services.board(found)


@router.post(
    ONE + "/vote",
    response=responses({200: ReceiptOut}, 403, 404, 422),
    summary="Bỏ phiếu (một lần); trả về mã phiếu, chỉ một lần",
)
def vote(request: HttpRequest, session_id: int, payload: VoteIn):
    found = _session(request, session_id)
    receipt = services.cast_vote(request.auth, found, payload.approve, via="api")
    return {"receipt": receipt, "note": str(RECEIPT_NOTE)}


@router.post(
    ONE + "/correct",
    response=responses({201: SessionDetail}, 403, 404, 422),
    summary="Tổ chức bỏ phiếu lại: phiên mới ghi lý do, kết quả phiên cũ giữ nguyên",
)
def correct(request: HttpRequest, session_id: int, payload: CorrectionIn):
    found = _session(request, session_id)
    perms.require(perms.can_run_cluster(request.auth, found.cluster_id, found.year))
    new = services.correct(
        request.auth, found, payload.reason, _aware(payload.closes_at), via="api"
    )
    return Status(201, detail_out(request.auth, new))
