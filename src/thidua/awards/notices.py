"""Who is told that a proposal waits on them: the board for its steps, the unit when returned."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from thidua.awards.deadlines import BOARD_ACTS_ON, UNIT_ACTS_ON, nominee_name
from thidua.awards.models import Proposal
from thidua.notices.recipients import board_users, unit_officers
from thidua.notices.services import Message, notify, site_language


def acting_users(proposal: Proposal) -> list:
    """Who must act on the proposal in its current status (none once it is decided)."""
    if proposal.status in BOARD_ACTS_ON:
        return board_users()
    if proposal.status in UNIT_ACTS_ON:
        return unit_officers([proposal.proposing_unit_id])[proposal.proposing_unit_id]
    return []


def proposal_waiting(proposal: Proposal, reason: str = "") -> None:
    users = acting_users(proposal)
    if not users:
        return
    with site_language():
        fmt = _fmt(proposal)
        subject = _("Đề nghị %(award)s cho %(nominee)s chờ anh/chị xử lý") % fmt
        body = (
            _(
                "Đề nghị %(award)s năm %(year)s cho %(nominee)s (%(unit)s) chuyển sang bước "
                "“%(status)s”.\n\nViệc cần làm: xử lý đề nghị trước %(due)s."
            )
            % fmt
        )
        if reason:
            body += "\n\n" + _("Ý kiến: %(r)s") % {"r": reason}
        message = Message("proposal_waiting", subject, body, link(proposal))
    notify(users, message)


def proposal_overdue_message(proposal: Proposal, late_days: int) -> Message:
    fmt = _fmt(proposal) | {"n": late_days}
    subject = _("Đề nghị %(award)s cho %(nominee)s đã quá hạn") % fmt
    body = (
        _(
            "Đề nghị %(award)s năm %(year)s cho %(nominee)s (%(unit)s) ở bước “%(status)s” đã quá "
            "hạn %(due)s (%(n)s ngày làm việc).\n\nViệc cần làm: xử lý ngay hoặc ghi lý do chậm."
        )
        % fmt
    )
    key = f"proposal-overdue:{proposal.pk}:{proposal.status}:{proposal.due_on}"
    return Message("proposal_overdue", subject, body, link(proposal), key=key)


def link(proposal: Proposal) -> str:
    return reverse("web:proposal", args=[proposal.pk])


def _fmt(proposal: Proposal) -> dict:
    return {
        "award": proposal.award_type.name,
        "year": proposal.year,
        "nominee": nominee_name(proposal),
        "unit": proposal.proposing_unit.name,
        "status": proposal.get_status_display(),
        "due": proposal.due_on.strftime("%d/%m/%Y") if proposal.due_on else "–",
    }
