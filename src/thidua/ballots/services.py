"""Ballot sessions: create, open, vote, close and tally; a correction is a new session."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.accounts.audit import record
from thidua.accounts.models import Role, RoleAssignment
from thidua.ballots.models import (
    Ballot,
    BallotSession,
    Basis,
    Candidate,
    Elector,
    Operator,
    SessionStatus,
)
from thidua.indicators.validation import Issue, ValidationFailed
from thidua.orgs.models import Membership

_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


@dataclass
class Rules:
    seats: int = 1
    quorum_pct: Decimal = Decimal(50)
    pass_pct: Decimal = Decimal(50)
    pass_operator: str = Operator.GT
    pass_basis: str = Basis.ELECTORATE
    legal_basis: str = ""


def _fail(message: str, **where) -> ValidationFailed:
    return ValidationFailed([Issue(message, **where)])


def default_electorate(cluster, year: int) -> list[tuple]:
    """One representative per member unit: its first officer account."""
    units = Membership.objects.filter(cluster=cluster, year=year).values_list("unit_id", flat=True)
    chosen: dict[int, tuple] = {}
    for a in (
        RoleAssignment.objects.filter(role=Role.OFFICER, unit_id__in=units)
        .select_related("user")
        .order_by("id")
    ):
        chosen.setdefault(a.unit_id, (a.user, a.unit))
    return list(chosen.values())


def create_session(
    actor,
    cluster,
    year: int,
    title: str,
    closes_at: datetime,
    *,
    candidates,
    electors=None,
    rules: Rules | None = None,
    award_code: str = "",
    via: str = "web",
) -> BallotSession:
    perms.require(perms.can_run_cluster(actor, cluster.pk, year))
    rules = rules or Rules()
    electors = electors if electors is not None else default_electorate(cluster, year)
    _validate_setup(cluster, year, candidates, electors, rules)
    with transaction.atomic():
        session = BallotSession.objects.create(
            cluster=cluster,
            year=year,
            title=title,
            award_code=award_code,
            closes_at=closes_at,
            seats=rules.seats,
            quorum_pct=rules.quorum_pct,
            pass_pct=rules.pass_pct,
            pass_operator=rules.pass_operator,
            pass_basis=rules.pass_basis,
            legal_basis=rules.legal_basis,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        Candidate.objects.bulk_create(
            [
                Candidate(session=session, unit=u, position=i, score_rank=r)
                for i, (u, r) in enumerate(candidates)
            ]
        )
        Elector.objects.bulk_create(
            [Elector(session=session, user=user, unit=unit) for user, unit in electors]
        )
        record(
            actor,
            "ballots.session.created",
            session,
            None,
            {
                "title": title,
                "seats": rules.seats,
                "candidates": [u.code for u, _r in candidates],
                "electors": len(electors),
            },
            via=via,
        )
    return session


def _validate_setup(cluster, year, candidates, electors, rules: Rules) -> None:
    members = set(
        Membership.objects.filter(cluster=cluster, year=year).values_list("unit_id", flat=True)
    )
    issues = []
    if not candidates:
        issues.append(Issue(_("Cần ít nhất một đơn vị được đề cử.")))
    for unit, _rank in candidates:
        if unit.pk not in members:
            issues.append(
                Issue(_("%(u)s không phải thành viên của cụm năm %(y)s.") % {"u": unit, "y": year})
            )
    if not electors:
        issues.append(Issue(_("Chưa có người bỏ phiếu.")))
    if rules.seats < 1 or rules.seats > max(len(candidates), 1):
        issues.append(Issue(_("Số suất phải từ 1 đến số đơn vị được đề cử.")))
    for pct in (rules.quorum_pct, rules.pass_pct):
        if not Decimal(0) <= Decimal(pct) <= Decimal(100):
            issues.append(Issue(_("Tỷ lệ phải từ 0 đến 100%.")))
    if issues:
        raise ValidationFailed(issues)


def open_session(actor, session: BallotSession, *, via: str = "web") -> BallotSession:
    perms.require(perms.can_run_cluster(actor, session.cluster_id, session.year))
    with transaction.atomic():
        session = BallotSession.objects.select_for_update().get(pk=session.pk)
        if session.status != SessionStatus.DRAFT:
            raise _fail(_("Phiên bỏ phiếu đã mở hoặc đã kết thúc."))
        session.status, session.opened_at = SessionStatus.OPEN, timezone.now()
        session.save(update_fields=["status", "opened_at"])
        record(
            actor,
            "ballots.session.opened",
            session,
            {"status": "draft"},
            {"status": "open"},
            via=via,
        )
    return session


def cast_vote(
    actor, session: BallotSession, approved_candidate_ids: list[int], *, via: str = "web"
) -> str:
    """Record one ballot; returns the voter's receipt code, shown once and kept by nobody else."""
    close_if_due(session)
    with transaction.atomic():
        session = BallotSession.objects.select_for_update().get(pk=session.pk)
        elector = (
            Elector.objects.select_for_update()
            .filter(session=session, user_id=getattr(actor, "pk", None))
            .first()
        )
        if elector is None:
            raise perms.PermissionDenied(_("Bạn không có trong danh sách bỏ phiếu của phiên này."))
        if session.status != SessionStatus.OPEN:
            raise _fail(_("Phiên bỏ phiếu không mở."))
        if elector.voted:
            raise _fail(_("Bạn đã bỏ phiếu trong phiên này; mỗi người chỉ bỏ một phiếu."))
        choices = _valid_choices(session, approved_candidate_ids)
        receipt = _new_receipt(session)
        Ballot.objects.create(session=session, receipt=receipt, approved=choices)
        Elector.objects.filter(pk=elector.pk).update(voted=True)
        # The audit says that this person voted, never what: the ballot is not referenced.
        record(actor, "ballots.elector.voted", elector, {"voted": False}, {"voted": True}, via=via)
        if not Elector.objects.filter(session=session, voted=False).exists():
            _close(session)
    return receipt


def _valid_choices(session: BallotSession, ids: list[int]) -> list[int]:
    valid = set(session.candidates.values_list("id", flat=True))
    chosen = sorted(set(int(i) for i in ids))
    if any(i not in valid for i in chosen):
        raise _fail(_("Phiếu có đơn vị không thuộc danh sách đề cử."))
    if len(chosen) > session.seats:
        raise _fail(
            _("Phiếu đồng ý quá số suất (%(n)s); phiếu không hợp lệ.") % {"n": session.seats}
        )
    return chosen


def _new_receipt(session: BallotSession) -> str:
    while True:
        code = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(10))
        if not Ballot.objects.filter(session=session, receipt=code).exists():
            return code


def close_if_due(session: BallotSession) -> BallotSession:
    """Close a session whose deadline has passed (read fresh: the caller's copy may be stale)."""
    with transaction.atomic():
        locked = BallotSession.objects.select_for_update().get(pk=session.pk)
        if locked.status == SessionStatus.OPEN and timezone.now() >= locked.closes_at:
            _close(locked)
    session.refresh_from_db()
    return session


def close_session(
    actor, session: BallotSession, *, reason: str = "", via: str = "web"
) -> BallotSession:
    """Close and count. Before the deadline, while some electors have not voted, only with the
    head's reason, which the audit entry keeps (issue 20: a ballot ended at 6/12 by mistake)."""
    perms.require(perms.can_run_cluster(actor, session.cluster_id, session.year))
    with transaction.atomic():
        session = BallotSession.objects.select_for_update().get(pk=session.pk)
        if session.status != SessionStatus.OPEN:
            raise _fail(_("Phiên bỏ phiếu không mở."))
        early = early_close(session)
        reason = (reason or "").strip()
        if early and not reason:
            raise _fail(early, column="reason")
        _close(session)
        after = {"status": "closed", "result": session.result}
        why = reason if early else ""
        record(actor, "ballots.session.closed", session, {"status": "open"}, after, why, via=via)
    return session


def early_close(session: BallotSession) -> str:
    """Why closing now needs a reason ("" when it does not): before the deadline, not all voted."""
    if timezone.now() >= session.closes_at:
        return ""
    electorate = session.electors.count()
    voted = session.electors.filter(voted=True).count()
    if voted >= electorate:
        return ""
    return _(
        "Chưa đến hạn bỏ phiếu và mới có %(voted)s/%(electorate)s người bỏ phiếu: "
        "muốn kết thúc sớm phải ghi lý do (lý do được ghi vào biên bản)."
    ) % {"voted": voted, "electorate": electorate}


def _close(session: BallotSession) -> None:
    _shuffle_ballots(session)
    session.status, session.closed_at = SessionStatus.CLOSED, timezone.now()
    session.result = tally(session)
    session.save(update_fields=["status", "closed_at", "result"])


def _shuffle_ballots(session: BallotSession) -> None:
    """Rewrite the ballots in random order with new keys: storage order tells nothing."""
    rows = list(Ballot.objects.filter(session=session).values_list("receipt", "approved"))
    random.SystemRandom().shuffle(rows)
    Ballot.objects.filter(session=session).delete()
    Ballot.objects.bulk_create([Ballot(session=session, receipt=r, approved=a) for r, a in rows])


def tally(session: BallotSession) -> dict:
    electorate = session.electors.count()
    present = session.electors.filter(voted=True).count()
    ballots = list(session.ballots.values_list("approved", flat=True))
    quorum_met = present * 100 >= session.quorum_pct * electorate if electorate else False
    basis = electorate if session.pass_basis == Basis.ELECTORATE else present
    rows = []
    for c in session.candidates.select_related("unit"):
        votes = sum(1 for b in ballots if c.id in b)
        pct = Decimal(votes * 100) / basis if basis else Decimal(0)
        passed = quorum_met and (
            pct > session.pass_pct
            if session.pass_operator == Operator.GT
            else pct >= session.pass_pct
        )
        rows.append(
            {
                "candidate_id": c.id,
                "unit_code": c.unit.code,
                "unit_name": c.unit.name,
                "votes": votes,
                "pct": str(pct.quantize(Decimal("0.01"))),
                "passed": passed,
                "score_rank": c.score_rank,
            }
        )
    _elect(rows, session.seats)
    return {
        "electorate": electorate,
        "present": present,
        "ballots": len(ballots),
        "quorum_met": quorum_met,
        "basis": basis,
        "candidates": rows,
        "receipts": _published_ballots(session, rows),
        "tie": any(r["elected"] == "tie" for r in rows),
    }


def _published_ballots(session: BallotSession, rows: list[dict]) -> list[dict]:
    """Every receipt with what it approved, so each voter can find their own ballot."""
    codes = {r["candidate_id"]: r["unit_code"] for r in rows}
    return [
        {"receipt": receipt, "approved": [codes[i] for i in approved]}
        for receipt, approved in session.ballots.order_by("receipt").values_list(
            "receipt", "approved"
        )
    ]


def _elect(rows: list[dict], seats: int) -> None:
    """Most votes among those who passed; a tie broken by the score rank, else left as a tie."""
    passed = [r for r in rows if r["passed"]]
    key = lambda r: (-r["votes"], r["score_rank"] if r["score_rank"] is not None else 10**6)  # noqa: E731
    passed.sort(key=key)
    for r in rows:
        r["elected"] = False
    for i, r in enumerate(passed):
        if i < seats:
            r["elected"] = True
    if len(passed) > seats and key(passed[seats - 1]) == key(passed[seats]):
        for r in passed:
            if key(r) == key(passed[seats - 1]):
                r["elected"] = "tie"


def correct(
    actor, session: BallotSession, reason: str, closes_at: datetime, *, via: str = "web"
) -> BallotSession:
    """A closed result is frozen; a correction is a new session that names the old one."""
    if session.status != SessionStatus.CLOSED:
        raise _fail(_("Chỉ tổ chức lại được phiên đã kết thúc."))
    if not reason.strip():
        raise _fail(_("Cần ghi lý do tổ chức bỏ phiếu lại."))
    candidates = [(c.unit, c.score_rank) for c in session.candidates.select_related("unit")]
    electors = [(e.user, e.unit) for e in session.electors.select_related("user", "unit")]
    rules = Rules(
        session.seats,
        session.quorum_pct,
        session.pass_pct,
        session.pass_operator,
        session.pass_basis,
        session.legal_basis,
    )
    new = create_session(
        actor,
        session.cluster,
        session.year,
        session.title,
        closes_at,
        candidates=candidates,
        electors=electors,
        rules=rules,
        award_code=session.award_code,
        via=via,
    )
    BallotSession.objects.filter(pk=new.pk).update(
        corrects=session, correction_reason=reason.strip()
    )
    new.refresh_from_db()
    return new
