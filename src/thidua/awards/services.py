"""Commendation proposals: every step is one function that checks permission and the states it
may start from (the TRANSITIONS table), writes in a transaction and records the audit entry.

draft ─submit─► submitted ─check─► checked ─vote─► voted ─forward─► forwarded ─decide─► decided
  ▲                │                  │               └────────────decide──────────────►
  └── returned ◄─return───────────────┘          reject from submitted/checked/voted/forwarded
Each step's due date is counted in working days from the award rule's `step_days`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import IO, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor, user_or_none
from thidua.accounts.audit import record
from thidua.awards import audit_actions
from thidua.awards import notices as proposal_notices
from thidua.awards.catalogue import rule_for
from thidua.awards.deadlines import due_for, nominee_name
from thidua.awards.decisions import add_entry, decision_issues, entry_audit
from thidua.awards.eligibility import considered_on, evaluate, proposal_nominee
from thidua.awards.files import check_upload
from thidua.awards.models import (
    PROPOSAL_EDITABLE,
    PROPOSAL_UNDER_REVIEW,
    AwardEntry,
    AwardType,
    DocumentKind,
    Person,
    Proposal,
    ProposalFile,
    ProposalStatus,
)
from thidua.awards.selectors import missing_documents
from thidua.ballots.models import BallotSession, SessionStatus
from thidua.common.errors import Conflict, Issue, ValidationFailed
from thidua.common.text import name_key
from thidua.common.transitions import Transition
from thidua.orgs.models import Unit

S = ProposalStatus
EDITABLE = PROPOSAL_EDITABLE
UNDER_REVIEW = PROPOSAL_UNDER_REVIEW
UNIT, BOARD = "unit", "board"


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(EDITABLE, S.SUBMITTED, audit_actions.PROPOSAL_SUBMITTED, UNIT, "gửi"),
    "check": Transition(
        (S.SUBMITTED,), S.CHECKED, audit_actions.PROPOSAL_CHECKED, BOARD, "xác nhận hồ sơ đủ cho"
    ),
    "return": Transition(
        (S.SUBMITTED, S.CHECKED), S.RETURNED, audit_actions.PROPOSAL_RETURNED, BOARD, "trả lại"
    ),
    "vote": Transition(
        (S.CHECKED,), S.VOTED, audit_actions.PROPOSAL_VOTED, BOARD, "ghi kết quả hội đồng cho"
    ),
    "forward": Transition(
        (S.VOTED,), S.FORWARDED, audit_actions.PROPOSAL_FORWARDED, BOARD, "trình cấp trên"
    ),
    "decide": Transition(
        (S.VOTED, S.FORWARDED),
        S.DECIDED,
        audit_actions.PROPOSAL_DECIDED,
        BOARD,
        "ghi quyết định cho",
    ),
    "reject": Transition(
        (S.SUBMITTED, S.CHECKED, S.VOTED, S.FORWARDED),
        S.REJECTED,
        audit_actions.PROPOSAL_REJECTED,
        BOARD,
        "kết luận không khen thưởng",
    ),
}


def _fail(message: str, column: str | None = None) -> ValidationFailed:
    return ValidationFailed([Issue(message, column=column)])


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def may(user: Actor, proposal: Proposal, name: str) -> bool:
    """Whether `user` may take transition `name` from the proposal's current status."""
    t = TRANSITIONS[name]
    return _allowed(user, proposal, t) and t.starts_from(proposal.status)


def _allowed(user: Actor, proposal: Proposal, t: Transition) -> bool:
    if t.who == UNIT:
        return perms.can_edit_proposal(user, proposal)
    return perms.can_review_proposals(user)


def check_state(proposal: Proposal, name: str) -> None:
    """The step starts from the proposal's status, or it is a conflict with it (HTTP 409)."""
    t = TRANSITIONS[name]
    if not t.starts_from(proposal.status):
        msg = _("Không thể %(what)s đề nghị đang ở trạng thái “%(status)s”.")
        values = {"what": t.label, "status": proposal.get_status_display()}
        raise Conflict([Issue(msg % values)])


def check_version(proposal: Proposal, expected_version: int | None) -> None:
    """The edit or step was made from the version stored now, or it is refused (HTTP 409);
    None skips the check (the CLI, callers that read nothing first)."""
    if expected_version is None or expected_version == proposal.version:
        return
    msg = _(
        "Đề nghị #%(id)s (%(nominee)s, %(award)s) đã được người khác thay đổi sau khi bạn mở "
        "trang (nay là phiên bản %(v)s, trạng thái “%(status)s”); thao tác của bạn chưa được "
        "thực hiện. Tải lại trang để xem nội dung mới."
    )
    values = {
        "id": proposal.pk,
        "nominee": nominee_name(proposal),
        "award": proposal.award_type.code,
        "v": proposal.version,
        "status": proposal.get_status_display(),
    }
    raise Conflict([Issue(msg % values, column="expected_version")])


def available_transitions(user: Actor, proposal: Proposal) -> list[str]:
    return [name for name in TRANSITIONS if may(user, proposal, name)]


def _move(
    actor: Actor,
    proposal: Proposal,
    name: str,
    apply: Callable[[Proposal], dict] | None = None,
    *,
    reason: str = "",
    expected_version: int | None = None,
    via: str,
    today: date | None,
) -> Proposal:
    """Lock, check the version read and the source state, apply the step's own changes, set
    the due date, raise the version, audit."""
    t = TRANSITIONS[name]
    perms.require(_allowed(actor, proposal, t))
    day = _today(today)
    with transaction.atomic():
        locked = (
            # of=self: PostgreSQL refuses to lock the nullable side of the joins.
            Proposal.objects.select_for_update(of=("self",))
            .select_related("award_type", "person", "nominee_unit", "proposing_unit")
            .get(pk=proposal.pk)
        )
        check_version(locked, expected_version)
        check_state(locked, name)
        before = {"status": locked.status, "due_on": locked.due_on}
        changed = apply(locked) if apply else {}
        locked.status, locked.status_since = t.target, day
        locked.due_on = due_for(locked, day)
        locked.version += 1
        locked.save()
        after = {"status": locked.status, "due_on": locked.due_on, **changed}
        record(actor, t.action, locked, before, after, reason, via=via)
        proposal_notices.proposal_waiting(locked, reason)
    return locked


# Creating and editing


def create_proposal(
    actor: Actor,
    *,
    award: AwardType | str,
    year: int,
    person: Person | None = None,
    nominee_unit: Unit | None = None,
    proposing_unit: Unit | None = None,
    achievements: str = "",
    via: str = "web",
    today: date | None = None,
) -> Proposal:
    award = award if isinstance(award, AwardType) else _award(award)
    if (person is None) == (nominee_unit is None):
        raise _fail(_("Cần chọn đúng một cá nhân hoặc một tập thể được đề nghị."))
    home = person.unit_id if person is not None else nominee_unit.pk  # type: ignore[union-attr]
    perms.require(
        perms.can_propose_for(actor, home),
        _("Đơn vị của bạn không được đề nghị khen thưởng cho cá nhân, tập thể này."),
    )
    proposing_unit = proposing_unit or _proposing_unit(actor, home)
    _check_new(actor, award, year, person, nominee_unit, proposing_unit, home, _today(today))
    with transaction.atomic():
        proposal = Proposal.objects.create(
            award_type=award,
            year=year,
            person=person,
            nominee_unit=nominee_unit,
            proposing_unit=proposing_unit,
            achievements=achievements.strip(),
            status_since=_today(today),
            created_by=user_or_none(actor),
        )
        after = {
            "award": award.code,
            "year": year,
            "person": person.pk if person else None,
            "nominee_unit": nominee_unit.pk if nominee_unit else None,
            "proposing_unit": proposing_unit.pk,
        }
        record(actor, audit_actions.PROPOSAL_CREATED, proposal, None, after, via=via)
    return proposal


def _award(code: str) -> AwardType:
    found = AwardType.objects.filter(code=code).first()
    if found is None:
        raise _fail(_("Không có hình thức khen thưởng mã “%(c)s”.") % {"c": code}, "award")
    return found


def _ancestors(unit_id: int) -> list[int]:
    chain, current = [], unit_id
    for _depth in range(8):
        chain.append(current)
        current = Unit.objects.filter(pk=current).values_list("parent_id", flat=True).first()  # type: ignore[assignment]
        if current is None:
            break
    return chain


def _proposing_unit(actor: Actor, home: int | None) -> Unit:
    """The actor's own unit that the nominee belongs to (its department's province…)."""
    if home is None:
        raise _fail(_("Cá nhân chưa gắn với đơn vị nào; hãy cập nhật đơn vị trước khi đề nghị."))
    chain = _ancestors(home)
    mine = perms.officer_unit_ids(actor)
    chosen = next((u for u in chain if u in mine), chain[-1])
    return Unit.objects.get(pk=chosen)


def _check_new(
    actor: Actor,
    award: AwardType,
    year: int,
    person: Person | None,
    nominee_unit: Unit | None,
    proposing_unit: Unit,
    home: int | None,
    today: date,
) -> None:
    issues = []
    subject = "individual" if person is not None else "collective"
    if subject not in award.subjects:
        msg = _("%(award)s không xét cho %(who)s.")
        who = _("cá nhân") if person is not None else _("tập thể")
        issues.append(Issue(msg % {"award": award.name, "who": who}, column="award"))
    if not 1945 <= year <= today.year + 1:
        msg = _("Năm xét phải từ 1945 đến %(y)s.") % {"y": today.year + 1}
        issues.append(Issue(msg, column="year"))
    if person is not None and person.merged_into_id:
        msg = _("Hồ sơ cá nhân này đã được hợp nhất vào hồ sơ #%(id)s; hãy đề nghị theo hồ sơ đó.")
        issues.append(Issue(msg % {"id": person.merged_into_id}, column="person"))
    if home is None or proposing_unit.pk not in _ancestors(home):
        issues.append(Issue(_("Cá nhân, tập thể không thuộc đơn vị đề nghị."), column="person"))
    perms.require(perms.can_propose_for(actor, proposing_unit.pk))
    existing = _open_duplicate(award, year, person, nominee_unit)
    if existing is not None:
        msg = _("Đã có đề nghị %(award)s năm %(y)s cho đối tượng này (#%(id)s, %(status)s).")
        values = {
            "award": award.code,
            "y": year,
            "id": existing.pk,
            "status": existing.get_status_display(),
        }
        issues.append(Issue(msg % values))
    if issues:
        raise ValidationFailed(issues)


def _open_duplicate(
    award: AwardType, year: int, person: Person | None, nominee_unit: Unit | None
) -> Proposal | None:
    nominee: dict[str, Any] = (
        {"person": person} if person is not None else {"nominee_unit": nominee_unit}
    )
    return (
        Proposal.objects.filter(award_type=award, year=year, **nominee)
        .exclude(status=S.REJECTED)
        .first()
    )


def update_proposal(
    actor: Actor,
    proposal: Proposal,
    *,
    achievements: str | None = None,
    year: int | None = None,
    expected_version: int | None = None,
    via: str = "web",
) -> Proposal:
    perms.require(perms.can_edit_proposal(actor, proposal))
    with transaction.atomic():
        locked = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("award_type", "person", "nominee_unit__parent")
            .get(pk=proposal.pk)
        )
        check_version(locked, expected_version)
        if locked.status not in EDITABLE:
            msg = _("Chỉ sửa được đề nghị đang soạn hoặc bị trả lại (hiện: “%(s)s”).")
            raise Conflict([Issue(msg % {"s": locked.get_status_display()})])
        wanted: dict[str, Any] = {"achievements": achievements, "year": year}
        changes = {k: v for k, v in wanted.items() if v is not None and getattr(locked, k) != v}
        if not changes:
            return locked
        if "year" in changes:
            _check_year_change(locked, changes["year"])
        before = {k: getattr(locked, k) for k in changes}
        for key, value in changes.items():
            setattr(locked, key, value)
        locked.version += 1
        locked.save(update_fields=[*changes, "version"])
        record(actor, audit_actions.PROPOSAL_CHANGED, locked, before, changes, via=via)
    return locked


def _check_year_change(proposal: Proposal, year: int) -> None:
    today = timezone.localdate()
    if not 1945 <= year <= today.year + 1:
        raise _fail(_("Năm xét phải từ 1945 đến %(y)s.") % {"y": today.year + 1}, "year")
    nominee = {"person_id": proposal.person_id, "nominee_unit_id": proposal.nominee_unit_id}
    clash = (
        Proposal.objects.filter(award_type_id=proposal.award_type_id, year=year, **nominee)
        .exclude(status=S.REJECTED)
        .exclude(pk=proposal.pk)
        .first()
    )
    if clash is not None:
        msg = _("Đã có đề nghị năm %(y)s cho đối tượng này (#%(id)s).")
        raise _fail(msg % {"y": year, "id": clash.pk}, "year")


# The workflow


def submit_proposal(
    actor: Actor,
    proposal: Proposal,
    *,
    justification: str = "",
    expected_version: int | None = None,
    via: str = "web",
    today: date | None = None,
) -> Proposal:
    """Runs the eligibility engine and keeps its verdict; an ineligible nominee needs a reason."""

    def apply(p: Proposal) -> dict:
        # Judged under the rules in force on the day it is submitted (considered).
        verdict = evaluate(proposal_nominee(p, today or timezone.localdate())).as_dict()
        # Conditions the records cannot decide ("cần xác minh") are shown by the dossier's
        # evidence; only a condition the records contradict needs a written justification.
        refuted = verdict["outcome"] == "ineligible"
        if refuted and not justification.strip():
            raise ValidationFailed(_ineligible_issues(verdict))
        p.eligibility = verdict
        p.justification = justification.strip() if refuted else ""
        p.note = ""
        return {
            "eligible": verdict["eligible"],
            "outcome": verdict["outcome_text"],  # in words: the history shows it as it is
            "justification": p.justification,
        }

    return _move(
        actor,
        proposal,
        "submit",
        apply,
        reason=justification,
        expected_version=expected_version,
        via=via,
        today=today,
    )


def _ineligible_issues(verdict: dict) -> list[Issue]:
    failed = [c["detail"] for c in verdict["conditions"] if c.get("status") == "failed"]
    head = _(
        "Theo dữ liệu, đối tượng chưa đủ điều kiện; cần giải trình bằng văn bản để vẫn gửi đề nghị."
    )
    return [Issue(head, column="justification")] + [Issue(d, column="eligibility") for d in failed]


def check_proposal(
    actor: Actor,
    proposal: Proposal,
    *,
    expected_version: int | None = None,
    via: str = "web",
    today: date | None = None,
) -> Proposal:
    """The board finds the dossier complete; when it is not, it says what is missing."""

    def apply(p: Proposal) -> dict:
        missing = missing_documents(p)
        if missing:
            # The dossier's own state, not the request, stands in the way: a conflict.
            msg = _("Hồ sơ còn thiếu: %(doc)s. Hãy trả lại để đơn vị bổ sung.")
            raise Conflict([Issue(msg % {"doc": d}, column="files") for d in missing])
        return {"files": p.files.count()}

    return _move(
        actor, proposal, "check", apply, expected_version=expected_version, via=via, today=today
    )


def return_proposal(
    actor: Actor,
    proposal: Proposal,
    reasons: str | list[str],
    *,
    expected_version: int | None = None,
    via: str = "web",
    today: date | None = None,
) -> Proposal:
    text = _reasons(reasons, _("Cần ghi lý do trả lại hồ sơ."))

    def apply(p: Proposal) -> dict:
        p.note = text
        return {"note": text}

    return _move(
        actor,
        proposal,
        "return",
        apply,
        reason=text,
        expected_version=expected_version,
        via=via,
        today=today,
    )


def _reasons(reasons: str | list[str], empty_message: str) -> str:
    lines = [reasons] if isinstance(reasons, str) else list(reasons)
    text = "\n".join(line.strip() for line in lines if line and line.strip())
    if not text:
        raise _fail(empty_message, "note")
    return text


def record_council_vote(
    actor: Actor,
    proposal: Proposal,
    session: BallotSession | None,
    *,
    candidate_id: int | None = None,
    expected_version: int | None = None,
    via: str = "web",
    today: date | None = None,
) -> Proposal:
    """Links the council's closed secret ballot; the rule's threshold decides when it has one.
    Without a session the council's agreement is recorded, where the rule in force asks for no
    secret ballot (`AwardRule.council_ballot`)."""

    def apply(p: Proposal) -> dict:
        if session is None:
            outcome = council_without_ballot(p)
            p.council_result = outcome
            return {"council_result": outcome}
        outcome = council_outcome(p, session, candidate_id)
        if not outcome["passed"]:
            raise _fail(_vote_failed(outcome), "ballot")
        p.ballot, p.council_result = session, outcome
        return {"ballot": session.pk, "council_result": outcome}

    return _move(
        actor, proposal, "vote", apply, expected_version=expected_version, via=via, today=today
    )


def council_without_ballot(proposal: Proposal) -> dict:
    rule = rule_for(proposal.award_type, proposal.year, considered_on(proposal))
    if rule is None or rule.council_ballot:
        msg = _(
            "Tiêu chuẩn %(award)s áp dụng cho đề nghị này yêu cầu Hội đồng bỏ phiếu kín: hãy chọn "
            "kết quả của một phiên bỏ phiếu đã kết thúc."
        )
        raise _fail(msg % {"award": proposal.award_type.name}, "ballot")
    return {"ballot": False, "passed": True, "rule_version": rule.version}


def council_outcome(proposal: Proposal, session: BallotSession, candidate_id: int | None) -> dict:
    session.refresh_from_db()
    if session.status != SessionStatus.CLOSED or not session.result:
        raise _fail(_("Phiên bỏ phiếu chưa kết thúc."), "ballot")
    if session.result.get("withheld"):
        msg = _("Phiên bỏ phiếu không được kiểm (dưới tỷ lệ tham gia hoặc số phiếu tối thiểu).")
        raise _fail(msg, "ballot")
    if session.corrections.exists():
        raise _fail(_("Phiên này đã được tổ chức lại; hãy dùng phiên mới."), "ballot")
    if session.award_code and session.award_code != proposal.award_type.code:
        msg = _("Phiên bỏ phiếu xét %(a)s, không phải %(b)s.")
        raise _fail(msg % {"a": session.award_code, "b": proposal.award_type.code}, "ballot")
    row = _result_row(session.result, proposal, candidate_id)
    rule = rule_for(proposal.award_type, proposal.year, considered_on(proposal))
    result = session.result
    basis_kind = (rule.vote_basis if rule else "") or session.pass_basis
    basis = result["electorate"] if basis_kind == "electorate" else result["present"]
    pct = (Decimal(row["votes"] * 100) / basis).quantize(Decimal("0.01")) if basis else Decimal(0)
    threshold = rule.vote_threshold_pct if rule and rule.vote_threshold_pct is not None else None
    passed = (
        bool(result["quorum_met"]) and pct >= threshold
        if threshold is not None
        else row["passed"] is True
    )
    return {
        "session": session.pk,
        "candidate_id": row["candidate_id"],
        "votes": row["votes"],
        "basis": basis,
        "basis_kind": basis_kind,
        "electorate": result["electorate"],
        "present": result["present"],
        "pct": str(pct),
        "threshold_pct": str(threshold if threshold is not None else session.pass_pct),
        "threshold_from": "rule" if threshold is not None else "session",
        "quorum_met": bool(result["quorum_met"]),
        "passed": passed,
    }


def _result_row(result: dict, proposal: Proposal, candidate_id: int | None) -> dict:
    rows = result.get("candidates", [])
    if candidate_id is not None:
        found = [r for r in rows if r["candidate_id"] == candidate_id]
    elif proposal.nominee_unit_id:
        found = [r for r in rows if r["unit_code"] == proposal.nominee_unit.code]  # type: ignore[union-attr]
    elif any(r.get("person_ref") for r in rows):
        found = [r for r in rows if r.get("person_ref") == proposal.person_id]
    else:
        found = rows if len(rows) == 1 else []
    if len(found) != 1:
        raise _fail(_("Không xác định được kết quả bỏ phiếu của đối tượng này trong phiên."))
    return found[0]


def _vote_failed(outcome: dict) -> str:
    msg = _(
        "Không đạt tỷ lệ phiếu: %(v)s/%(b)s phiếu đồng ý (%(p)s%%), cần từ %(t)s%% trở lên"
        "%(q)s. Nếu không khen thưởng, hãy ghi kết luận không khen."
    )
    quorum = "" if outcome["quorum_met"] else _("; số người bỏ phiếu chưa đủ tỷ lệ tối thiểu")
    return msg % {
        "v": outcome["votes"],
        "b": outcome["basis"],
        "p": outcome["pct"],
        "t": outcome["threshold_pct"],
        "q": quorum,
    }


def forward_proposal(
    actor: Actor,
    proposal: Proposal,
    *,
    to: str,
    expected_version: int | None = None,
    via: str = "web",
    today: date | None = None,
) -> Proposal:
    """Sent on to the level that confers the award (e.g. the Prime Minister, the President)."""
    target = to.strip()
    if not target:
        raise _fail(_("Cần ghi cấp trình (ví dụ: Thủ tướng Chính phủ)."), "to")

    def apply(p: Proposal) -> dict:
        p.forwarded_to = target
        return {"forwarded_to": target}

    return _move(
        actor, proposal, "forward", apply, expected_version=expected_version, via=via, today=today
    )


def decide_proposal(
    actor: Actor,
    proposal: Proposal,
    *,
    number: str,
    decided_on: date,
    signer: str,
    expected_version: int | None = None,
    via: str = "web",
    today: date | None = None,
) -> Proposal:
    """Records the decision and writes the award into the registry, linked to the proposal."""
    _check_decision(number, decided_on, signer, _today(today))

    def apply(p: Proposal) -> dict:
        entry = _registry_entry(p, number.strip(), decided_on, signer.strip())
        p.decision_number, p.decision_date = number.strip(), decided_on
        p.decision_signer, p.registry_entry = signer.strip(), entry
        record(actor, audit_actions.REGISTRY_ENTRY_ADDED, entry, None, entry_audit(entry), via=via)
        return {"decision_number": p.decision_number, "registry_entry": entry.pk}

    return _move(
        actor, proposal, "decide", apply, expected_version=expected_version, via=via, today=today
    )


def _check_decision(number: str, decided_on: date, signer: str, today: date) -> None:
    issues = decision_issues(number, decided_on, signer, today)
    if issues:
        raise ValidationFailed(issues)


def _registry_entry(p: Proposal, number: str, decided_on: date, signer: str) -> AwardEntry:
    nominee: dict[str, Any] = (
        {"person": p.person} if p.person_id else {"unit": p.nominee_unit, "person": None}
    )
    if AwardEntry.objects.filter(award_type=p.award_type, year=p.year, **nominee).exists():
        msg = _("Sổ khen thưởng đã có %(a)s năm %(y)s cho đối tượng này.")
        raise Conflict([Issue(msg % {"a": p.award_type.code, "y": p.year})])
    person = p.person
    name = person.full_name if person else p.nominee_unit.name  # type: ignore[union-attr]
    unit = person.unit if person else p.nominee_unit
    return add_entry(
        award_type=p.award_type,
        year=p.year,
        person=person,
        unit=unit,
        recipient_name=name,
        name_key=name_key(name),
        birth_year=person.birth_year if person else None,
        unit_name=(person.unit_name or (unit.name if unit else "")) if person else "",
        is_collective=person is None,
        decision_number=number,
        decision_date=decided_on,
        signer=signer,
        source=f"proposal #{p.pk}",
    )


def reject_proposal(
    actor: Actor,
    proposal: Proposal,
    reasons: str | list[str],
    *,
    expected_version: int | None = None,
    via: str = "web",
    today: date | None = None,
) -> Proposal:
    text = _reasons(reasons, _("Cần ghi lý do không khen thưởng."))

    def apply(p: Proposal) -> dict:
        p.note = text
        return {"note": text}

    return _move(
        actor,
        proposal,
        "reject",
        apply,
        reason=text,
        expected_version=expected_version,
        via=via,
        today=today,
    )


# Dossier files


def attach_file(
    actor: Actor,
    proposal: Proposal,
    *,
    name: str,
    content: bytes | IO[bytes],
    kind: str,
    via: str = "web",
) -> ProposalFile:
    """The unit adds evidence while it edits; the board may add to a dossier under review."""
    perms.require(may_attach(actor, proposal))
    if kind not in DocumentKind.values:
        raise _fail(_("Loại tài liệu không hợp lệ."), "kind")
    checked, issues = check_upload(name, content)
    if issues:
        raise ValidationFailed(issues)
    assert checked is not None  # check_upload gives a file or issues
    with transaction.atomic():
        stored = ProposalFile(
            proposal=proposal,
            kind=kind,
            original_name=_display_name(name),
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=user_or_none(actor),
        )
        stored.file.save(f"upload{checked.extension}", ContentFile(checked.data), save=False)
        stored.save()
        after = {
            "file": stored.pk,
            "kind": kind,
            "name": stored.original_name,
            "size": stored.size,
            "sha256": stored.sha256,
        }
        record(actor, audit_actions.PROPOSAL_FILE_ADDED, proposal, None, after, via=via)
    return stored


def may_attach(user: Actor, proposal: Proposal) -> bool:
    editing = perms.can_edit_proposal(user, proposal) and proposal.status in EDITABLE
    reviewing = perms.can_review_proposals(user) and proposal.status in UNDER_REVIEW
    return editing or reviewing


def _display_name(name: str) -> str:
    """Only the last path component, for display: the stored name is generated."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable())[:255] or "tep"
