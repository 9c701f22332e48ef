"""What a proposal waits for: the next step, who takes it and by when (the due date of the
running step, in working days from the rule's `step_days`, awards.deadlines). The page turns
`key` into its link; the step itself is read from the status and the rule in force."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from thidua.awards.council import ballot_required, session_of
from thidua.awards.models import Proposal, ProposalStatus
from thidua.ballots.models import BallotSession, SessionStatus

S = ProposalStatus


@dataclass(frozen=True)
class NextStep:
    key: str  # submit, check, ballot_new, ballot, vote, decide, registry
    what: str
    who: str
    due_on: date | None = None
    session: BallotSession | None = None


def next_step(proposal: Proposal) -> NextStep | None:
    """None once nothing is left to do (not commended)."""
    unit = _("Cán bộ thi đua của %(u)s") % {"u": proposal.proposing_unit.name}
    board = _("Ban Thi đua – Khen thưởng")
    due = proposal.due_on
    if proposal.status == S.DRAFT:
        return NextStep("submit", _("Hoàn thiện hồ sơ và gửi đề nghị"), unit)
    if proposal.status == S.RETURNED:
        return NextStep("submit", _("Bổ sung hồ sơ theo lý do trả lại và gửi lại"), unit, due)
    if proposal.status == S.SUBMITTED:
        return NextStep("check", _("Thẩm định hồ sơ: xác nhận đủ hoặc trả lại"), board, due)
    if proposal.status == S.CHECKED:
        return _council_step(proposal, board, due)
    if proposal.status == S.VOTED:
        what = _("Trình %(c)s, hoặc ghi quyết định khen thưởng khi thuộc thẩm quyền") % {
            "c": proposal.award_type.conferred_by or _("cấp có thẩm quyền")
        }
        return NextStep("decide", what, board, due)
    if proposal.status == S.FORWARDED:
        what = _("Ghi quyết định của %(c)s khi nhận được") % {"c": proposal.forwarded_to}
        return NextStep("decide", what, board, due)
    if proposal.status == S.DECIDED:
        what = _("Đã ghi vào sổ khen thưởng; tra cứu công khai theo họ tên")
        return NextStep("registry", what, _("Mọi người"))
    return None


def _council_step(proposal: Proposal, board: str, due: date | None) -> NextStep:
    council = _("Hội đồng Thi đua – Khen thưởng")
    required = ballot_required(proposal)
    if required is None:
        what = _("Chưa có tiêu chuẩn áp dụng vào ngày xét: cần bổ sung tiêu chuẩn trước khi họp")
        return NextStep("vote", what, board, due)
    if not required:
        what = _("Hội đồng cho ý kiến; tiêu chuẩn không yêu cầu bỏ phiếu kín: ghi ý kiến nhất trí")
        return NextStep("vote", what, f"{board} ({council})", due)
    session = session_of(proposal)
    if session is None:
        what = _("Lập phiên bỏ phiếu kín của Hội đồng, cá nhân được đề nghị là ứng viên")
        return NextStep("ballot_new", what, board, due)
    if session.status != SessionStatus.CLOSED:
        what = _("Hội đồng bỏ phiếu kín (phiên #%(id)s: %(s)s)") % {
            "id": session.pk,
            "s": session.get_status_display(),
        }
        who = _("Thành viên Hội đồng; người giữ khóa kiểm phiếu")
        return NextStep("ballot", what, who, due, session)
    what = _("Ghi kết quả phiên bỏ phiếu #%(id)s vào đề nghị") % {"id": session.pk}
    return NextStep("vote", what, board, due, session)
