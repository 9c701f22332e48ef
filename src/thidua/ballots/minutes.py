"""The minutes of a ballot count (biên bản kiểm phiếu), as a Word document.

A document kind on the engine of `reports.docx`, as the scoring minutes (`scoring.minutes`).
They give counts, percentages and results only: no voter is named anywhere in them, so nothing
can link a person to a choice.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from thidua.ballots.models import BallotSession, Basis, Operator, SessionStatus
from thidua.common.numbers import format_vn
from thidua.orgs.models import ReviewMeeting
from thidua.reports import docx
from thidua.reports.docx import TEMPLATES, DocumentError, Source
from thidua.reports.models import DocumentKind, DocumentTemplate
from thidua.reports.official import (
    FORM_LANGUAGE,
    GAP,
    MINUTES_HEADER_FIELDS,
    clause,
    header,
    moment,
    place_date,
    points,
    recipients,
    unknown_minutes_field,
)

BALLOT_SHIPPED = TEMPLATES / "ballot_minutes.docx"
BALLOT_FIELDS = MINUTES_HEADER_FIELDS | {
    "question": "nội dung bỏ phiếu",
    "award": "hình thức đề nghị",
    "seats": "số suất",
    "candidate_count": "số đơn vị được đề cử",
    "voting_time": "thời gian bỏ phiếu",
    "method": "hình thức bỏ phiếu",
    "correction": "bỏ phiếu lại: phiên thay thế và lý do (trống nếu không)",
    "electorate": "tổng số người có quyền bỏ phiếu",
    "present": "số người đã bỏ phiếu",
    "present_pct": "tỷ lệ tham gia (%)",
    "ballots": "số phiếu thu về",
    "valid": "số phiếu hợp lệ",
    "quorum_pct": "tỷ lệ tham gia tối thiểu (%)",
    "quorum_text": "đạt / chưa đạt tỷ lệ tham gia",
    "pass_rule": "điều kiện được đề nghị",
    "legal_basis": "căn cứ",
    "candidates": "bảng kiểm phiếu: c.number, c.name, c.score_rank, c.votes, c.pct, c.passed, "
    "c.outcome",
    "result_text": "kết quả",
    "receipts_text": "công khai danh sách mã phiếu",
    "closed_time": "giờ kết thúc kiểm phiếu",
    "member_names": "thành viên tổ kiểm phiếu",
    "head_name": "trưởng ban kiểm phiếu",
}


def _code(code: str) -> str:
    return code


# An award is named by the awards app, which sits above ballots: it sets this when it is ready.
_award_names: Callable[[str], str] = _code


def name_awards_with(names: Callable[[str], str]) -> None:
    global _award_names
    _award_names = names


def ballot_minutes_docx(session: BallotSession, *, template: Source | None = None) -> bytes:
    """Biên bản kiểm phiếu of a closed session; counts and results only, no voter."""
    if session.status != SessionStatus.CLOSED or not session.result:
        raise DocumentError(_("Biên bản kiểm phiếu chỉ có khi phiên bỏ phiếu đã kết thúc."))
    with translation.override(FORM_LANGUAGE):
        fields = ballot_context(session)
    if template is None:
        template = DocumentTemplate.source_for(
            session.cluster, DocumentKind.BALLOT_MINUTES, BALLOT_SHIPPED
        )
    return docx.render(template, fields)


def ballot_minutes_name(session: BallotSession) -> str:
    return f"bien-ban-kiem-phieu-{session.cluster.code}-{session.year}-{session.pk}.docx"


def ballot_context(session: BallotSession) -> dict:
    result = session.result or {}
    cluster = session.cluster
    meeting = ReviewMeeting.objects.filter(cluster=cluster, period=str(session.year)).first()
    closed = timezone.localtime(session.closed_at) if session.closed_at else None
    opened = timezone.localtime(session.opened_at) if session.opened_at else None
    electorate, present = result.get("electorate", 0), result.get("present", 0)
    basis = result.get("basis", 0)
    candidates = result.get("candidates", [])
    award = _award_name(session.award_code)
    return header(cluster) | {
        "place_date": place_date(meeting.place_name if meeting else "", closed and closed.date()),
        "summary": _("Kiểm phiếu “%(t)s”") % {"t": session.title},
        "recipients": recipients(""),
        "question": session.title,
        "award": award or GAP,
        "seats": session.seats,
        "candidate_count": len(candidates),
        "voting_time": _("từ %(a)s đến %(b)s") % {"a": moment(opened), "b": moment(closed)},
        "method": _(
            "bỏ phiếu kín trên hệ thống; mỗi phiếu được mã hóa và chỉ mang mã phiếu (mã băm của "
            "phiếu), không gắn với người bỏ phiếu; chỉ tổng số phiếu được giải mã, bởi %(t)s "
            "người giữ khóa"
        )
        % {"t": session.threshold},
        "correction": _correction(session),
        "electorate": electorate,
        "present": present,
        "present_pct": format_vn(_share(present, electorate), 2),
        "ballots": result.get("ballots", 0),
        # The system refuses an invalid ballot when it is cast: every ballot counted is valid.
        "valid": result.get("ballots", 0),
        "quorum_pct": points(session.quorum_pct),
        "quorum_text": (
            _("số người đã bỏ phiếu đạt tỷ lệ này")
            if result.get("quorum_met")
            else _("số người đã bỏ phiếu chưa đạt tỷ lệ này")
        ),
        "pass_rule": _pass_rule(session, basis),
        "legal_basis": clause(session.legal_basis),
        "candidates": [
            {
                "number": i,
                "name": c["unit_name"],
                "score_rank": c["score_rank"] if c.get("score_rank") is not None else "–",
                "votes": c["votes"],
                "pct": format_vn(Decimal(c["pct"]), 2),
                "passed": _("Đạt") if c["passed"] else _("Không đạt"),
                "outcome": _outcome(c["elected"]),
            }
            for i, c in enumerate(candidates, start=1)
        ],
        "result_text": _result_text(session, result, award),
        "receipts_text": _(
            "Danh sách %(n)s mã phiếu được công bố trên trang của phiên bỏ phiếu để mỗi người bỏ "
            "phiếu tự tra mã phiếu của mình. Phiếu chỉ được lưu ở dạng mã hóa; không ai giải mã "
            "từng phiếu, nên không có thông tin nào cho biết người nào đã chọn đơn vị nào."
        )
        % {"n": len(result.get("receipts", []))},
        "closed_time": moment(closed),
        "member_names": GAP,
        "head_name": GAP,
    }


def _award_name(code: str) -> str:
    """The award's name; awards, above this app, tells it (`name_awards_with`)."""
    return _award_names(code) if code else ""


def _correction(session: BallotSession) -> str:
    if not session.corrects_id:
        return ""
    return _("tổ chức lại thay cho phiên số %(n)s; lý do: %(r)s") % {
        "n": session.corrects_id,
        "r": clause(session.correction_reason),
    }


def _share(part: int, whole: int) -> Decimal:
    return Decimal(part * 100) / whole if whole else Decimal(0)


def _pass_rule(session: BallotSession, basis: int) -> str:
    pct = points(session.pass_pct)
    base = str(Basis(session.pass_basis).label)
    if session.pass_operator == Operator.GT:
        rule = _("số phiếu đồng ý trên %(p)s%% %(b)s") % {"p": pct, "b": base}
        need = math.floor(session.pass_pct * basis / 100) + 1
    else:
        rule = _("số phiếu đồng ý từ %(p)s%% %(b)s trở lên") % {"p": pct, "b": base}
        need = math.ceil(session.pass_pct * basis / 100)
    if not basis:
        return rule
    return _("%(rule)s (%(n)s người), tức là từ %(k)s phiếu đồng ý trở lên") % {
        "rule": rule,
        "n": basis,
        "k": need,
    }


def _outcome(elected) -> str:
    if elected == "tie":
        return _("Bằng phiếu ở suất cuối")
    return _("Được đề nghị") if elected else "–"


def _result_text(session: BallotSession, result: dict, award: str) -> str:
    rows = result.get("candidates", [])
    if result.get("withheld") and result.get("quorum_met"):
        return _(
            "Số phiếu thu về (%(b)s) ít hơn số phiếu tối thiểu để kiểm (%(m)s): không kiểm phiếu, "
            "không công bố số phiếu của đơn vị nào; không đơn vị nào được đề nghị."
        ) % {"b": result.get("ballots", 0), "m": result.get("min_ballots", 0)}
    if not result.get("quorum_met"):
        return _(
            "Số người đã bỏ phiếu (%(p)s/%(e)s) chưa đạt tỷ lệ tham gia tối thiểu %(q)s%%: "
            "kết quả bỏ phiếu không có giá trị; không đơn vị nào được đề nghị."
        ) % {
            "p": result.get("present", 0),
            "e": result.get("electorate", 0),
            "q": points(session.quorum_pct),
        }
    what = award or _("theo nội dung bỏ phiếu")
    elected = [r for r in rows if r["elected"] is True]
    tied = [r for r in rows if r["elected"] == "tie"]
    parts = []
    if elected:
        parts.append(
            _("Căn cứ kết quả kiểm phiếu, %(units)s được đề nghị %(what)s.")
            % {"units": _votes_list(elected), "what": what}
        )
    if tied:
        parts.append(
            _(
                "%(units)s bằng số phiếu và cùng hạng theo điểm ở suất cuối: cần bỏ phiếu lại "
                "hoặc quyết định theo quy chế của cụm."
            )
            % {"units": _votes_list(tied)}
        )
    if not elected and not tied:
        parts.append(
            _("Không đơn vị nào đạt tỷ lệ phiếu đồng ý cần thiết; không có đơn vị được đề nghị.")
        )
    return " ".join(parts)


def _votes_list(rows: list[dict]) -> str:
    return ", ".join(
        _("%(u)s (%(v)s phiếu, %(p)s%%)")
        % {"u": r["unit_name"], "v": r["votes"], "p": format_vn(Decimal(r["pct"]), 2)}
        for r in rows
    )


# A sample, to check an uploaded template without touching data


def sample_ballot() -> dict:
    return {
        "superior": "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG",
        "issuer": "CỤM THI ĐUA MẪU",
        "number": GAP,
        "place_date": "…, ngày 10 tháng 12 năm 2019",
        "summary": "Kiểm phiếu “Đề nghị Cờ thi đua của Chính phủ năm 2019”",
        "recipients": ["- …;", "- Lưu: VT."],
        "question": "Đề nghị Cờ thi đua của Chính phủ năm 2019",
        "award": "Cờ thi đua của Chính phủ",
        "seats": 1,
        "candidate_count": 2,
        "voting_time": "từ 08 giờ 00 phút, ngày 09 tháng 12 năm 2019 đến 17 giờ 00 phút, …",
        "method": "bỏ phiếu kín trên hệ thống",
        "correction": "tổ chức lại thay cho phiên số 1; lý do: mẫu",
        "electorate": 12,
        "present": 10,
        "present_pct": "83,33",
        "ballots": 10,
        "valid": 10,
        "quorum_pct": "50",
        "quorum_text": "số người đã bỏ phiếu đạt tỷ lệ này",
        "pass_rule": "số phiếu đồng ý trên 50% tổng số người có quyền bỏ phiếu",
        "legal_basis": "Quy chế hoạt động của cụm",
        "candidates": [
            {
                "number": 1,
                "name": "Tỉnh A",
                "score_rank": 1,
                "votes": 8,
                "pct": "66,67",
                "passed": "Đạt",
                "outcome": "Được đề nghị",
            },
            {
                "number": 2,
                "name": "Tỉnh B",
                "score_rank": 2,
                "votes": 2,
                "pct": "16,67",
                "passed": "Không đạt",
                "outcome": "–",
            },
        ],
        "result_text": "Căn cứ kết quả kiểm phiếu, Tỉnh A được đề nghị Cờ thi đua của Chính phủ.",
        "receipts_text": "Danh sách 10 mã phiếu được công bố trên trang của phiên bỏ phiếu.",
        "closed_time": "17 giờ 00 phút, ngày 10 tháng 12 năm 2019",
        "member_names": GAP,
        "head_name": GAP,
    }


KIND = docx.Kind(
    code=DocumentKind.BALLOT_MINUTES,
    fields=BALLOT_FIELDS,
    shipped=BALLOT_SHIPPED,
    sample=lambda tpl: sample_ballot(),
    unknown=lambda name: unknown_minutes_field(name, BALLOT_FIELDS),
)
