"""Ballot sessions: create, open, vote, close and tally; a correction is a new session.

Creating a session is its key ceremony: a fresh key is split among the trustees (Shamir, t of
n) and forgotten; the session keeps the public key and the Feldman commitments. A vote is
encrypted here, the plaintext choice living only in this call's memory, never stored or logged.
Closing sums the ciphertexts per candidate; a threshold of trustees then types back their
shares and only that sum is decrypted. Below the quorum or the minimum number of ballots
nothing is decrypted at all.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor, user_or_none
from thidua.accounts.audit import record
from thidua.accounts.models import Role, RoleAssignment
from thidua.ballots import audit_actions, crypto, selectors
from thidua.ballots import notices as ballot_notices
from thidua.ballots.models import (
    Ballot,
    BallotSession,
    Basis,
    Candidate,
    Elector,
    Operator,
    SessionStatus,
    Trustee,
)
from thidua.common.errors import Issue, ValidationFailed
from thidua.orgs.models import Cluster, Membership, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from nacl.secret import SecretBox

_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def trustee_count() -> int:
    return int(getattr(settings, "THIDUA_BALLOT_TRUSTEES", 3))


def threshold() -> int:
    return int(getattr(settings, "THIDUA_BALLOT_THRESHOLD", 2))


def min_ballots() -> int:
    """No tally below this many ballots: fewer would let a voter's choice be read off it."""
    return int(getattr(settings, "THIDUA_BALLOT_MIN_BALLOTS", 3))


@dataclass
class Rules:
    seats: int = 1
    quorum_pct: Decimal = Decimal(50)
    pass_pct: Decimal = Decimal(50)
    pass_operator: str = Operator.GT
    pass_basis: str = Basis.ELECTORATE
    legal_basis: str = ""


@dataclass(frozen=True)
class PersonCandidate:
    """A person standing in a session, as the caller knows them (the commendation side passes
    its person's id and name; ballots import nothing of awards)."""

    ref: int
    name: str

    @property
    def code(self) -> str:
        return f"person:{self.ref}"


def _candidate(
    session: BallotSession, subject: Unit | PersonCandidate, position: int, rank: int | None
) -> Candidate:
    if isinstance(subject, PersonCandidate):
        return Candidate(
            session=session,
            person_ref=subject.ref,
            name=subject.name,
            position=position,
            score_rank=rank,
        )
    return Candidate(session=session, unit=subject, position=position, score_rank=rank)


def _subject(c: Candidate) -> Unit | PersonCandidate:
    """A stored candidate back as create_session takes it (a correction repeats the set)."""
    if c.unit is not None:
        return c.unit
    return PersonCandidate(c.person_ref or 0, c.name)  # one of the two: a check constraint


def _fail(message: str, **where: Any) -> ValidationFailed:
    return ValidationFailed([Issue(message, **where)])


def default_electorate(cluster: Cluster, year: int) -> list[tuple]:
    """One representative per member unit: its first officer account."""
    units = Membership.objects.filter(cluster=cluster, year=year).values_list("unit_id", flat=True)
    chosen: dict[int | None, tuple] = {}
    for a in (
        RoleAssignment.objects.filter(role=Role.OFFICER, unit_id__in=units)
        .select_related("user")
        .order_by("id")
    ):
        chosen.setdefault(a.unit_id, (a.user, a.unit))
    return list(chosen.values())


def electors_named(cluster: Cluster, year: int, usernames: list[str]) -> list[tuple]:
    """Electors named by username, each with the member unit they represent (if they are its
    officer): the electorate of a session set up by name (the API) rather than picked from
    `default_electorate` (the web form)."""
    users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=usernames)}
    members = Membership.objects.filter(cluster=cluster, year=year).values_list("unit_id")
    units = {
        a.user_id: a.unit
        for a in RoleAssignment.objects.filter(
            user__in=users.values(), role=Role.OFFICER, unit_id__in=members
        ).select_related("unit")
    }
    issues = [
        Issue(_("Không có tài khoản “%(u)s”.") % {"u": name}, row=i, column="electors", value=name)
        for i, name in enumerate(usernames)
        if name not in users
    ]
    if issues:
        raise ValidationFailed(issues)
    return [(users[name], units.get(users[name].pk)) for name in usernames]


def candidates_coded(cluster: Cluster, year: int, codes: list[str]) -> list[tuple]:
    """Candidates named by unit code, each with its rank; every code must be a member's."""
    ranked = {unit.code: (unit, rank) for unit, rank in selectors.ranking_candidates(cluster, year)}
    msg = _("Đơn vị mã %(c)s không phải thành viên của cụm.")
    issues = [
        Issue(msg % {"c": c}, row=i, column="candidates", value=c)
        for i, c in enumerate(codes)
        if c not in ranked
    ]
    if issues:
        raise ValidationFailed(issues)
    return [ranked[c] for c in codes]


def create_session(
    actor: Actor,
    cluster: Cluster,
    year: int,
    title: str,
    closes_at: datetime,
    *,
    candidates: list[tuple],
    electors: list[tuple] | None = None,
    rules: Rules | None = None,
    award_code: str = "",
    trustees: list[User] | None = None,
    via: str = "web",
) -> BallotSession:
    perms.require(perms.can_run_cluster(actor, cluster.pk, year))
    rules = rules or Rules()
    electors = electors if electors is not None else default_electorate(cluster, year)
    _validate_setup(cluster, year, candidates, electors, rules)
    trustees = _trustees(cluster, year, actor, electors, trustees)
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
            created_by=user_or_none(actor),
        )
        Candidate.objects.bulk_create(
            [_candidate(session, u, i, r) for i, (u, r) in enumerate(candidates)]
        )
        Elector.objects.bulk_create(
            [Elector(session=session, user=user, unit=unit) for user, unit in electors]
        )
        _key_ceremony(session, trustees)
        record(
            actor,
            audit_actions.SESSION_CREATED,
            session,
            None,
            {
                "title": title,
                "seats": rules.seats,
                "candidates": [u.code for u, _r in candidates],
                "electors": len(electors),
                "trustees": [t.get_username() for t in trustees],
                "threshold": session.threshold,
                "public_key": session.public_key,
            },
            via=via,
        )
    return session


def _validate_setup(
    cluster: Cluster, year: int, candidates: list[tuple], electors: list[tuple], rules: Rules
) -> None:
    members = set(
        Membership.objects.filter(cluster=cluster, year=year).values_list("unit_id", flat=True)
    )
    issues = []
    if not candidates:
        issues.append(Issue(_("Cần ít nhất một đơn vị hoặc cá nhân được đề cử.")))
    for unit, _rank in candidates:
        # A person is proposed through the commendation workflow, not by cluster membership.
        if not isinstance(unit, PersonCandidate) and unit.pk not in members:
            issues.append(
                Issue(_("%(u)s không phải thành viên của cụm năm %(y)s.") % {"u": unit, "y": year})
            )
    if not electors:
        issues.append(Issue(_("Chưa có người bỏ phiếu.")))
    elif len(electors) < min_ballots():
        # Fewer could never be counted: below the minimum no tally is decrypted.
        msg = _("Cần ít nhất %(m)s người bỏ phiếu: dưới số đó không kiểm phiếu được.")
        issues.append(Issue(msg % {"m": min_ballots()}))
    issues += _elector_issues(cluster, year, members, electors)
    if rules.seats < 1 or rules.seats > max(len(candidates), 1):
        issues.append(Issue(_("Số suất phải từ 1 đến số đơn vị, cá nhân được đề cử.")))
    for pct in (rules.quorum_pct, rules.pass_pct):
        if not Decimal(0) <= Decimal(pct) <= Decimal(100):
            issues.append(Issue(_("Tỷ lệ phải từ 0 đến 100%.")))
    if issues:
        raise ValidationFailed(issues)


def entitled_electors(cluster: Cluster, year: int) -> dict[int, set]:
    """Who may vote, by the regulation: each member unit's officers (its delegates, for that
    unit) and the cluster's council members (for no unit). user id → the units they may stand for.
    """
    members = Membership.objects.filter(cluster=cluster, year=year).values_list("unit_id")
    entitled: dict[int, set] = {}
    for user_id, unit_id in RoleAssignment.objects.filter(
        role=Role.OFFICER, unit_id__in=members
    ).values_list("user_id", "unit_id"):
        entitled.setdefault(user_id, set()).add(unit_id)
    for user_id in RoleAssignment.objects.filter(role=Role.COUNCIL, cluster=cluster).values_list(
        "user_id", flat=True
    ):
        entitled.setdefault(user_id, set()).add(None)
    return entitled


def _elector_issues(
    cluster: Cluster, year: int, members: set, electors: list[tuple]
) -> list[Issue]:
    """The head names electors only among the member delegates and the council, nobody else."""
    entitled = entitled_electors(cluster, year)
    issues, seen = [], set()
    for user, unit in electors:
        unit_id = getattr(unit, "pk", None)
        if user.pk in seen:
            issues.append(Issue(_("%(u)s có tên hai lần trong danh sách bỏ phiếu.") % {"u": user}))
        seen.add(user.pk)
        if unit_id not in entitled.get(user.pk, set()):
            issues.append(
                Issue(
                    _(
                        "%(u)s không phải đại diện của đơn vị thành viên cụm năm %(y)s hay thành "
                        "viên hội đồng cụm: không được bỏ phiếu."
                    )
                    % {"u": user.get_full_name() or user.get_username(), "y": year}
                )
            )
    return issues


def _trustees(
    cluster: Cluster, year: int, actor: Actor, electors: list[tuple], named: list[User] | None
) -> list:
    """Who holds the key shares: those named, else the council then the electors, not the head.

    Each must be a council member or an elector of the session, not the one who creates it;
    all distinct.
    """
    n, t = trustee_count(), threshold()
    council = [
        a.user
        for a in RoleAssignment.objects.filter(role=Role.COUNCIL, cluster=cluster)
        .select_related("user")
        .order_by("id")
    ]
    allowed = {u.pk: u for u in council} | {u.pk: u for u, _unit in electors}
    actor_pk = getattr(actor, "pk", None)
    if named is None:
        named = [u for u in allowed.values() if u.pk != actor_pk][:n]
    if len({u.pk for u in named}) != len(named):
        raise _fail(_("Một người chỉ giữ một mảnh khóa."))
    if any(u.pk == actor_pk for u in named):
        raise _fail(_("Người tạo phiên bỏ phiếu không giữ mảnh khóa."))
    outsiders = [u for u in named if u.pk not in allowed]
    if outsiders:
        raise _fail(
            _("Người giữ khóa phải là thành viên hội đồng cụm hoặc người bỏ phiếu: %(u)s.")
            % {"u": ", ".join(u.get_username() for u in outsiders)}
        )
    if len(named) < max(t, 2):
        raise _fail(
            _("Cần ít nhất %(t)s người giữ khóa khác nhau để kiểm phiếu.") % {"t": max(t, 2)}
        )
    return list(named)


def _key_ceremony(session: BallotSession, trustees: list) -> None:
    """A fresh key split t-of-n; each share sealed for its trustee until collected, x forgotten."""
    t = min(threshold(), len(trustees))
    keys = crypto.keygen(t, len(trustees))
    session.public_key = keys.public.hex()
    session.key_commitments = [c.hex() for c in keys.commitments]
    session.threshold, session.min_ballots = t, min_ballots()
    session.save(update_fields=["public_key", "key_commitments", "threshold", "min_ballots"])
    Trustee.objects.bulk_create(
        [
            Trustee(
                session=session,
                user=user,
                index=index,
                sealed_share=_seal(session.pk, index, share),
            )
            for user, (index, share) in zip(trustees, keys.shares, strict=True)
        ]
    )
    del keys


def _box(session_id: int, index: int) -> SecretBox:
    from nacl.secret import SecretBox

    key = hashlib.blake2b(
        f"thidua-ballot-share|{session_id}|{index}".encode(),
        key=hashlib.sha256(settings.SECRET_KEY.encode()).digest(),
        digest_size=32,
    ).digest()
    return SecretBox(key)


def _seal(session_id: int, index: int, share: int) -> str:
    return _box(session_id, index).encrypt(share.to_bytes(32, "little")).hex()


def _unseal(session_id: int, index: int, sealed: str) -> int:
    from nacl.exceptions import CryptoError as SealError

    try:
        raw = _box(session_id, index).decrypt(bytes.fromhex(sealed))
    except (SealError, ValueError):
        msg = _("Không mở được mảnh khóa (khóa bí mật của máy chủ đã đổi?); hãy tạo phiên mới.")
        raise _fail(msg) from None
    return int.from_bytes(raw, "little")


def collect_share(actor: Actor, session: BallotSession, *, via: str = "web") -> str:
    """The trustee's share code, given once; the sealed copy is erased as it is given."""
    with transaction.atomic():
        trustee = (
            Trustee.objects.select_for_update()
            .filter(session=session, user_id=getattr(actor, "pk", None))  # type: ignore[misc]
            .first()
        )
        if trustee is None:
            raise perms.PermissionDenied(_("Bạn không giữ khóa của phiên bỏ phiếu này."))
        if trustee.collected or not trustee.sealed_share:
            raise _fail(_("Bạn đã nhận mảnh khóa; hệ thống không còn giữ mảnh khóa này."))
        share = _unseal(session.pk, trustee.index, trustee.sealed_share)
        Trustee.objects.filter(pk=trustee.pk).update(collected=True, sealed_share="")
        record(
            actor,
            audit_actions.TRUSTEE_COLLECTED,
            trustee,
            {"collected": False},
            {"collected": True},
            via=via,
        )
    return crypto.share_code(session.pk, trustee.index, share)


def open_session(actor: Actor, session: BallotSession, *, via: str = "web") -> BallotSession:
    perms.require(perms.can_run_cluster(actor, session.cluster_id, session.year))
    with transaction.atomic():
        session = BallotSession.objects.select_for_update().get(pk=session.pk)
        if session.status != SessionStatus.DRAFT:
            raise _fail(_("Phiên bỏ phiếu đã mở hoặc đã kết thúc."))
        if not session.public_key:
            raise _fail(_("Phiên bỏ phiếu này chưa có khóa; tạo phiên mới để bỏ phiếu."))
        waiting = list(
            session.trustees.filter(collected=False).values_list("user__username", flat=True)
        )
        if waiting:
            raise _fail(
                _("Người giữ khóa chưa nhận mảnh khóa: %(u)s. Mở bỏ phiếu sau khi tất cả đã nhận.")
                % {"u": ", ".join(waiting)}
            )
        session.status, session.opened_at = SessionStatus.OPEN, timezone.now()
        session.save(update_fields=["status", "opened_at"])
        record(
            actor,
            audit_actions.SESSION_OPENED,
            session,
            {"status": "draft"},
            {"status": "open"},
            via=via,
        )
        ballot_notices.ballot_opened(session)
    return session


def cast_vote(
    actor: Actor, session: BallotSession, approved_candidate_ids: list[int], *, via: str = "web"
) -> str:
    """Record one ballot; returns the voter's receipt code, shown once and kept by nobody else."""
    close_if_due(session)
    with transaction.atomic():
        session = BallotSession.objects.select_for_update().get(pk=session.pk)
        elector = (
            Elector.objects.select_for_update()
            .filter(session=session, user_id=getattr(actor, "pk", None))  # type: ignore[misc]
            .first()
        )
        if elector is None:
            raise perms.PermissionDenied(_("Bạn không có trong danh sách bỏ phiếu của phiên này."))
        if session.status != SessionStatus.OPEN:
            raise _fail(_("Phiên bỏ phiếu không mở."))
        if elector.voted:
            raise _fail(_("Bạn đã bỏ phiếu trong phiên này; mỗi người chỉ bỏ một phiếu."))
        choices = _valid_choices(session, approved_candidate_ids)
        receipt, ciphertext = _encrypt_ballot(session, choices)
        del choices
        Ballot.objects.create(session=session, receipt=receipt, ciphertext=ciphertext)
        Elector.objects.filter(pk=elector.pk).update(voted=True)
        # The audit says that this person voted, never what: the ballot is not referenced.
        record(
            actor, audit_actions.ELECTOR_VOTED, elector, {"voted": False}, {"voted": True}, via=via
        )
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


def _context(session: BallotSession, what: object) -> str:
    return f"{session.pk}|{session.public_key}|{what}"


def _encrypt_ballot(session: BallotSession, chosen: list[int]) -> tuple[str, dict]:
    """One ciphertext per candidate (1 if approved) with its 0-or-1 proof, and the overall
    proof that the approvals number 0..seats. Returns the receipt and the stored ballot."""
    public = bytes.fromhex(session.public_key)
    ids = list(session.candidates.order_by("position").values_list("id", flat=True))
    while True:
        total, r_total, choices = crypto.ZERO, 0, []
        for cid in ids:
            m = 1 if cid in chosen else 0
            ct, r = crypto.encrypt(public, m)
            proof = crypto.prove_range(public, ct, m, r, 1, _context(session, cid))
            choices.append(ct.json() | {"proof": proof})
            total, r_total = total + ct, (r_total + r) % crypto.L
        overall = crypto.prove_range(
            public, total, len(chosen), r_total, session.seats, _context(session, "overall")
        )
        ballot = {"candidates": ids, "choices": choices, "overall": overall}
        receipt = receipt_of(ballot)
        if not Ballot.objects.filter(session=session, receipt=receipt).exists():
            return receipt, ballot


def ballot_hash(ballot: dict) -> str:
    return crypto.fingerprint(json.dumps(ballot, sort_keys=True, separators=(",", ":")).encode())


def receipt_of(ballot: dict) -> str:
    """The voter's receipt: the ballot's SHA-256, its first 80 bits in 16 readable letters."""
    n = int(ballot_hash(ballot)[:20], 16)
    return "".join(_RECEIPT_ALPHABET[(n >> (5 * i)) & 31] for i in range(15, -1, -1))


def verify_ballot(session: BallotSession, ballot: dict, ids: list[int] | None = None) -> bool:
    """Every proof of a stored ballot checks against the session's key and candidates."""
    if ids is None:
        ids = list(session.candidates.order_by("position").values_list("id", flat=True))
    try:
        public = bytes.fromhex(session.public_key)
        if ballot["candidates"] != ids or len(ballot["choices"]) != len(ids):
            return False
        total = crypto.ZERO
        for cid, choice in zip(ids, ballot["choices"], strict=True):
            ct = crypto.Ciphertext.load(choice)
            if not crypto.verify_range(public, ct, choice["proof"], 1, _context(session, cid)):
                return False
            total = total + ct
        return crypto.verify_range(
            public, total, ballot["overall"], session.seats, _context(session, "overall")
        )
    except (crypto.CryptoError, KeyError, TypeError, ValueError):
        return False


def close_if_due(session: BallotSession) -> BallotSession:
    """Close a session whose deadline has passed (read fresh: the caller's copy may be stale)."""
    with transaction.atomic():
        locked = BallotSession.objects.select_for_update().get(pk=session.pk)
        if locked.status == SessionStatus.OPEN and timezone.now() >= locked.closes_at:
            _close(locked)
    session.refresh_from_db()
    return session


def close_session(
    actor: Actor, session: BallotSession, *, reason: str = "", via: str = "web"
) -> BallotSession:
    """End the voting (the trustees count afterwards). Before the deadline, while some electors
    have not voted, only with the head's reason, which the audit entry keeps (issue 20: a
    ballot ended at 6/12 by mistake)."""
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
        record(
            actor,
            audit_actions.SESSION_CLOSED,
            session,
            {"status": "open"},
            {"status": session.status, "result": session.result},
            reason if early else "",
            via=via,
        )
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
        "muốn kết thúc sớm phải ghi lý do (lý do được ghi vào nhật ký)."
    ) % {"voted": voted, "electorate": electorate}


def _close(session: BallotSession) -> None:
    """Voting ends. Enough ballots and the quorum: sum them for the trustees; else no tally."""
    _shuffle_ballots(session)
    session.closed_at = timezone.now()
    electorate = session.electors.count()
    present = session.electors.filter(voted=True).count()
    ballots = list(session.ballots.values_list("ciphertext", flat=True))
    quorum_met = _quorum_met(session, electorate, present)
    if not quorum_met or len(ballots) < session.min_ballots:
        session.status = SessionStatus.CLOSED
        session.result = _withheld(session, electorate, present, len(ballots), quorum_met)
        session.save(update_fields=["status", "closed_at", "result"])
        return
    ids = list(session.candidates.order_by("position").values_list("id", flat=True))
    valid = [b for b in ballots if verify_ballot(session, b, ids)]
    sums = []
    for pos, cid in enumerate(ids):
        total = crypto.ZERO
        for b in valid:
            total = total + crypto.Ciphertext.load(b["choices"][pos])
        sums.append({"candidate_id": cid} | total.json())
    session.encrypted_tally = {"ballots": len(valid), "rejected": len(ballots) - len(valid)} | {
        "candidates": sums
    }
    session.status = SessionStatus.COUNTING
    session.save(update_fields=["status", "closed_at", "encrypted_tally"])


def _quorum_met(session: BallotSession, electorate: int, present: int) -> bool:
    return present * 100 >= session.quorum_pct * electorate if electorate else False


def _withheld(
    session: BallotSession, electorate: int, present: int, ballots: int, quorum_met: bool
) -> dict:
    """No tally: below the quorum or the minimum, nothing is decrypted and no count is given."""
    return {
        "electorate": electorate,
        "present": present,
        "ballots": ballots,
        "quorum_met": quorum_met,
        "basis": electorate if session.pass_basis == Basis.ELECTORATE else present,
        "withheld": True,
        "min_ballots": session.min_ballots,
        "candidates": [],
        "receipts": _published_ballots(session),
        "tie": False,
    }


def _shuffle_ballots(session: BallotSession) -> None:
    """Rewrite the ballots in random order with new keys: storage order tells nothing."""
    rows = list(Ballot.objects.filter(session=session).values_list("receipt", "ciphertext"))
    random.SystemRandom().shuffle(rows)
    Ballot.objects.filter(session=session).delete()
    Ballot.objects.bulk_create([Ballot(session=session, receipt=r, ciphertext=c) for r, c in rows])


def enter_share(
    actor: Actor, session: BallotSession, code: str, *, via: str = "web"
) -> BallotSession:
    """A trustee's share applied to the tally only; the share itself is not kept.

    When a threshold of trustees has given theirs, the totals are decrypted and published.
    """
    return _count(actor, session, via, code=code)


def enter_partial(
    actor: Actor, session: BallotSession, partial: list[dict], *, via: str = "api"
) -> BallotSession:
    """A trustee's partial decryption computed offline (`thidua ballot partial`): the share
    never reaches the server. Accepted only if every proof checks against the trustee's key."""
    return _count(actor, session, via, partial=partial)


def _count(
    actor: Actor,
    session: BallotSession,
    via: str,
    *,
    code: str | None = None,
    partial: list[dict] | None = None,
) -> BallotSession:
    with transaction.atomic():
        session = BallotSession.objects.select_for_update().get(pk=session.pk)
        trustees = Trustee.objects.filter(session=session, user_id=getattr(actor, "pk", None))  # type: ignore[misc]
        trustee = trustees.first()
        if trustee is None:
            raise perms.PermissionDenied(_("Bạn không giữ khóa của phiên bỏ phiếu này."))
        if session.status != SessionStatus.COUNTING:
            raise _fail(_("Phiên bỏ phiếu không ở bước kiểm phiếu."))
        if trustee.partial is not None:
            raise _fail(_("Bạn đã nhập mảnh khóa cho phiên này."))
        if partial is None:
            share = _read_share(session, trustee, code)  # type: ignore[arg-type]
            partial = partial_decryption(board(session), trustee.index, share)
            del share
        elif _partial_checks(session, trustee.index, partial):
            partial = [{k: part[k] for k in ("d", "t1", "t2", "s")} for part in partial]
        else:
            raise _fail(_("Giải mã từng phần không khớp với khóa của bạn hay với phiên này."))
        Trustee.objects.filter(pk=trustee.pk).update(partial=partial)
        record(
            actor, audit_actions.TRUSTEE_COUNTED, trustee, None, {"index": trustee.index}, via=via
        )
        given = list(session.trustees.exclude(partial=None).order_by("index"))
        if len(given) >= session.threshold:
            _decrypt_tally(session, given[: session.threshold])
            record(
                actor,
                audit_actions.SESSION_COUNTED,
                session,
                {"status": "counting"},
                {"status": "closed", "result": session.result},
                via=via,
            )
    return session


def _decryption_context(board_: dict, candidate_id: object) -> str:
    return f"{board_['session']}|{board_['public_key']}|decrypt|{candidate_id}"


def partial_decryption(board_: dict, index: int, share: int) -> list[dict]:
    """A trustee's partial decryption of the board's encrypted sums, with proofs.

    Needs only the published board and the share: a trustee can run it on their own machine.
    """
    return [
        crypto.partial_decrypt(
            share, index, crypto.Ciphertext.load(s), _decryption_context(board_, s["candidate_id"])
        )
        for s in board_["encrypted_tally"]["candidates"]
    ]


def _partial_checks(session: BallotSession, index: int, partial: object) -> bool:
    sums = session.encrypted_tally["candidates"]
    if not isinstance(partial, list) or len(partial) != len(sums):
        return False
    commitments = [bytes.fromhex(c) for c in session.key_commitments]
    vkey = crypto.verification_key(commitments, index)
    return all(
        isinstance(part, dict)
        and crypto.verify_partial(
            vkey,
            index,
            crypto.Ciphertext.load(s),
            part,
            _context(session, f"decrypt|{s['candidate_id']}"),
        )
        for s, part in zip(sums, partial, strict=True)
    )


def _read_share(session: BallotSession, trustee: Trustee, code: str) -> int:
    try:
        session_id, index, share = crypto.parse_share(code)
    except crypto.CryptoError:
        raise _fail(_("Mã mảnh khóa không đọc được; kiểm tra lại từng ký tự.")) from None
    if session_id != session.pk or index != trustee.index:
        raise _fail(_("Mảnh khóa này không phải của bạn trong phiên bỏ phiếu này."))
    commitments = [bytes.fromhex(c) for c in session.key_commitments]
    if not crypto.check_share(commitments, index, share):
        raise _fail(_("Mảnh khóa không khớp với khóa của phiên bỏ phiếu."))
    return share


def _decrypt_tally(session: BallotSession, trustees: list[Trustee]) -> None:
    commitments = [bytes.fromhex(c) for c in session.key_commitments]
    most = session.encrypted_tally["ballots"]
    totals = {}
    for pos, s in enumerate(session.encrypted_tally["candidates"]):
        ct = crypto.Ciphertext.load(s)
        context = _context(session, f"decrypt|{s['candidate_id']}")
        parts = {}
        for t in trustees:
            part = t.partial[pos]
            vkey = crypto.verification_key(commitments, t.index)
            if not crypto.verify_partial(vkey, t.index, ct, part, context):
                msg = _("Giải mã từng phần của người giữ khóa số %(i)s sai.")
                raise _fail(msg % {"i": t.index})
            parts[t.index] = bytes.fromhex(part["d"])
        totals[s["candidate_id"]] = crypto.combine(ct, parts, most)
    session.status = SessionStatus.CLOSED
    session.result = tally(session, totals) | {"trustees": [t.index for t in trustees]}
    session.save(update_fields=["status", "result"])


def tally(session: BallotSession, totals: dict[int, int]) -> dict:
    """The published result from the decrypted totals per candidate."""
    electorate = session.electors.count()
    present = session.electors.filter(voted=True).count()
    quorum_met = _quorum_met(session, electorate, present)
    basis = electorate if session.pass_basis == Basis.ELECTORATE else present
    rows = []
    for c in session.candidates.select_related("unit"):
        votes = totals.get(c.id, 0)
        pct = Decimal(votes * 100) / basis if basis else Decimal(0)
        passed = quorum_met and (
            pct > session.pass_pct
            if session.pass_operator == Operator.GT
            else pct >= session.pass_pct
        )
        rows.append(
            {
                "candidate_id": c.id,
                "unit_code": c.code,
                "unit_name": c.label,
                "person_ref": c.person_ref,
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
        "ballots": session.encrypted_tally["ballots"],
        "rejected": session.encrypted_tally.get("rejected", 0),
        "quorum_met": quorum_met,
        "basis": basis,
        "candidates": rows,
        "receipts": _published_ballots(session),
        "tie": any(r["elected"] == "tie" for r in rows),
    }


def _published_ballots(session: BallotSession) -> list[dict]:
    """Every receipt (the ballot's hash), so each voter can find their own ballot counted."""
    return [
        {"receipt": receipt, "hash": ballot_hash(ciphertext)}
        for receipt, ciphertext in session.ballots.order_by("receipt").values_list(
            "receipt", "ciphertext"
        )
    ]


def audit_board(session: BallotSession) -> list[str]:
    """Recompute the count from the board: every proof, the sums and the published totals.

    Returns the problems found (none for a sound count), in English for the operator's log.
    """
    if (session.result or {}).get("legacy"):
        return []  # counted before ballots were encrypted: nothing is left to check
    problems = []
    ballots = list(session.ballots.values_list("receipt", "ciphertext"))
    ids = list(session.candidates.order_by("position").values_list("id", flat=True))
    valid = []
    for receipt, ballot in ballots:
        if receipt_of(ballot) != receipt:
            problems.append(f"ballot {receipt}: the receipt is not the ballot's hash")
        if verify_ballot(session, ballot, ids):
            valid.append(ballot)
        else:
            problems.append(f"ballot {receipt}: a proof does not check")
    tally_ = session.encrypted_tally
    if tally_ is None:
        return problems
    commitments = [bytes.fromhex(c) for c in session.key_commitments]
    trustees = list(session.trustees.exclude(partial=None).order_by("index"))
    totals = {}
    for pos, s in enumerate(tally_["candidates"]):
        summed = crypto.ZERO
        for b in valid:
            summed = summed + crypto.Ciphertext.load(b["choices"][pos])
        if summed.json() != {"a": s["a"], "b": s["b"]}:
            problems.append(f"candidate {s['candidate_id']}: the sum is not the ballots' product")
        parts = {}
        context = _context(session, f"decrypt|{s['candidate_id']}")
        for t in trustees:
            vkey = crypto.verification_key(commitments, t.index)
            if crypto.verify_partial(vkey, t.index, summed, t.partial[pos], context):
                parts[t.index] = bytes.fromhex(t.partial[pos]["d"])
            else:
                problems.append(f"trustee {t.index}: a partial decryption does not check")
        if len(parts) >= session.threshold:
            chosen = dict(sorted(parts.items())[: session.threshold])
            totals[s["candidate_id"]] = crypto.combine(summed, chosen, len(valid))
    published = {
        r["candidate_id"]: r["votes"] for r in (session.result or {}).get("candidates", [])
    }
    if published and published != totals:
        problems.append(f"published totals {published} differ from the board's {totals}")
    return problems


def board(session: BallotSession) -> dict:
    """The bulletin board: key, commitments, every encrypted ballot and the trustees' partial
    decryptions with their proofs, so anyone can check the count without trusting the server."""
    return {
        "session": session.pk,
        "public_key": session.public_key,
        "commitments": session.key_commitments,
        "threshold": session.threshold,
        "ballots": [
            {"receipt": r, "hash": ballot_hash(c), "ballot": c}
            for r, c in session.ballots.order_by("receipt").values_list("receipt", "ciphertext")
        ],
        "encrypted_tally": session.encrypted_tally,
        "partial_decryptions": [
            {"index": t.index, "partial": t.partial}
            for t in session.trustees.exclude(partial=None).order_by("index")
        ],
    }


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
    actor: Actor, session: BallotSession, reason: str, closes_at: datetime, *, via: str = "web"
) -> BallotSession:
    """A closed result is frozen; a correction is a new session that names the old one."""
    if session.status != SessionStatus.CLOSED:
        raise _fail(_("Chỉ tổ chức lại được phiên đã kết thúc."))
    if not reason.strip():
        raise _fail(_("Cần ghi lý do tổ chức bỏ phiếu lại."))
    candidates = [(_subject(c), c.score_rank) for c in session.candidates.select_related("unit")]
    electors = [(e.user, e.unit) for e in session.electors.select_related("user", "unit")]
    trustees = [t.user for t in session.trustees.select_related("user")] or None
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
        trustees=trustees,
        via=via,
    )
    BallotSession.objects.filter(pk=new.pk).update(
        corrects=session, correction_reason=reason.strip()
    )
    new.refresh_from_db()
    return new
