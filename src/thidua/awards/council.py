"""The council's step for a proposal: a secret ballot where the rule in force asks for one, with
the persons proposed as candidates, or the council's agreement without one.

Ballots know nothing of awards: a person stands as `PersonCandidate(id, name)`; the session is
held in the cluster the proposing unit belongs to (its latest membership up to the year)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from thidua.awards.catalogue import rule_for
from thidua.awards.eligibility import considered_on
from thidua.awards.models import Proposal, ProposalStatus
from thidua.ballots import services as ballots
from thidua.ballots.models import BallotSession, Candidate, SessionStatus
from thidua.common.errors import Issue, ValidationFailed
from thidua.orgs.models import Membership


def ballot_required(proposal: Proposal) -> bool | None:
    """Whether the council decides by secret ballot; None when no rule is in force."""
    rule = rule_for(proposal.award_type, proposal.year, considered_on(proposal))
    return None if rule is None else rule.council_ballot


def session_of(proposal: Proposal) -> BallotSession | None:
    """The latest uncorrected session on this award with the proposal's person standing."""
    if not proposal.person_id:
        return None
    found = (
        Candidate.objects.filter(
            person_ref=proposal.person_id,
            session__award_code=proposal.award_type.code,
            session__corrections=None,
        )
        .select_related("session")
        .order_by("-session_id")
        .first()
    )
    return found.session if found else None


def waiting_together(proposal: Proposal) -> list[Proposal]:
    """The checked proposals for persons on the same award and year from the same proposing
    unit: the council votes on them in one session."""
    return list(
        Proposal.objects.filter(
            award_type_id=proposal.award_type_id,
            year=proposal.year,
            proposing_unit_id=proposal.proposing_unit_id,
            status=ProposalStatus.CHECKED,
            person__isnull=False,
        )
        .select_related("person")
        .order_by("person__full_name", "id")
    )


def open_council_ballot(
    actor, proposal: Proposal, closes_at: datetime, *, via: str = "web"
) -> BallotSession:
    """A draft session for the council, the persons proposed as candidates (the ballot's own
    service checks permission and audits it); its trustees collect their shares, then it opens."""
    _check_may_hold(proposal)
    membership = (
        Membership.objects.filter(unit_id=proposal.proposing_unit_id, year__lte=proposal.year)
        .select_related("cluster")
        .order_by("-year")
        .first()
    )
    if membership is None:
        msg = _("%(unit)s chưa thuộc cụm thi đua nào: chưa có hội đồng để bỏ phiếu.")
        raise ValidationFailed([Issue(msg % {"unit": proposal.proposing_unit.name})])
    together = waiting_together(proposal)
    candidates = [
        (ballots.PersonCandidate(p.person.pk, p.person.full_name), None)
        for p in together
        if p.person is not None
    ]
    rule = rule_for(proposal.award_type, proposal.year, considered_on(proposal))
    title = _("Hội đồng Thi đua – Khen thưởng xét đề nghị %(award)s năm %(y)s") % {
        "award": proposal.award_type.name,
        "y": proposal.year,
    }
    return ballots.create_session(
        actor,
        membership.cluster,
        membership.year,
        title,
        closes_at,
        candidates=candidates,
        rules=ballots.Rules(seats=len(candidates), legal_basis=rule.legal_basis if rule else ""),
        award_code=proposal.award_type.code,
        via=via,
    )


def _check_may_hold(proposal: Proposal) -> None:
    issues = []
    if proposal.status != ProposalStatus.CHECKED or not proposal.person_id:
        issues.append(Issue(_("Chỉ lập phiên cho đề nghị cá nhân đã được xác nhận hồ sơ đủ.")))
    elif not ballot_required(proposal):
        issues.append(Issue(_("Tiêu chuẩn áp dụng không yêu cầu bỏ phiếu kín cho đề nghị này.")))
    else:
        running = session_of(proposal)
        if running is not None and running.status != SessionStatus.CLOSED:
            msg = _("Đã có phiên bỏ phiếu #%(id)s cho đề nghị này.")
            issues.append(Issue(msg % {"id": running.pk}))
    if issues:
        raise ValidationFailed(issues)
