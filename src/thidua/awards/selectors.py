"""Reads shared by the commendation pages and the API: proposal lists scoped to the user, a
proposal's verdict, rule and history, a person's record, the nominees a user may pick.

Scoping is here, once: an officer's lists never hold another unit's proposals (nor its people
to propose), the board's hold everything.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor
from thidua.awards import privacy, registry
from thidua.awards.catalogue import rule_for
from thidua.awards.eligibility import considered_on, evaluate, proposal_nominee
from thidua.awards.models import (
    PROPOSAL_EDITABLE,
    AwardRule,
    AwardType,
    DocumentKind,
    Person,
    Proposal,
    ProposalStatus,
    RatingLevel,
)
from thidua.ballots.models import BallotSession, SessionStatus
from thidua.common.text import name_key, unit_key
from thidua.orgs.models import Unit

PICK_LIMIT = 20

# Proposals


def proposals_for(user: Actor) -> QuerySet[Proposal]:
    """The proposals a user may see: all for the board, else those of the user's units."""
    qs = Proposal.objects.select_related("award_type", "person", "nominee_unit", "proposing_unit")
    if perms.is_board(user):
        return qs
    return qs.filter(proposing_unit_id__in=perms.proposal_unit_ids(user))


_KIND_WORDS = (
    ("to trinh", DocumentKind.SUBMISSION),
    ("bao cao thanh tich", DocumentKind.ACHIEVEMENTS),
    ("bien ban", DocumentKind.MINUTES),
    ("sang kien", DocumentKind.INITIATIVE),
)


def document_kind(label: str) -> str:
    """The file kind that satisfies a dossier component named in the rule's `documents`."""
    key = name_key(label)
    return next((kind for words, kind in _KIND_WORDS if words in key), DocumentKind.OTHER)


def required_documents(proposal: Proposal) -> list[str]:
    rule = rule_for(proposal.award_type, proposal.year, considered_on(proposal))
    return list(rule.documents or []) if rule else []


def missing_documents(proposal: Proposal) -> list[str]:
    present = set(proposal.files.values_list("kind", flat=True))
    return [d for d in required_documents(proposal) if document_kind(d) not in present]


def dossier_checklist(proposal: Proposal) -> dict:
    """The documents the rule in force on the consideration date asks for, each with whether a
    file of its kind is attached; `rule` False when no rule is in force (nothing can be said)."""
    rule = rule_for(proposal.award_type, proposal.year, considered_on(proposal))
    present = set(proposal.files.values_list("kind", flat=True))
    required = list(rule.documents or []) if rule else []
    items = [{"label": d, "present": document_kind(d) in present} for d in required]
    return {
        "rule": rule is not None,
        "items": items,
        "missing": [i["label"] for i in items if not i["present"]],
        "complete": bool(items) and all(i["present"] for i in items),
    }


def proposal_list(
    user: Actor,
    *,
    status: str | None = None,
    award: str | None = None,
    year: int | None = None,
) -> QuerySet[Proposal]:
    """The proposals the user may see, filtered, the most recent first."""
    qs = proposals_for(user).select_related("nominee_unit__parent")
    if status:
        qs = qs.filter(status=status)
    if award:
        qs = qs.filter(award_type__code=award)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-status_since", "-id")


def status_counts(user: Actor) -> dict[str, int]:
    """How many visible proposals are in each status (one GROUP BY)."""
    rows = proposals_for(user).values("status").annotate(n=Count("id"))
    found = {r["status"]: r["n"] for r in rows}
    return {s: found.get(s, 0) for s in ProposalStatus.values}


def rule_of(proposal: Proposal) -> AwardRule | None:
    return rule_for(proposal.award_type, proposal.year, considered_on(proposal))


def verdict_of(proposal: Proposal) -> tuple[dict, bool]:
    """The verdict kept at submission, or (for a draft, or a returned one being completed) the
    engine's verdict now; the flag says whether it is the kept one."""
    if proposal.eligibility and proposal.status not in PROPOSAL_EDITABLE:
        return proposal.eligibility, True
    return evaluate(proposal_nominee(proposal)).as_dict(), False


def closed_sessions(proposal: Proposal, limit: int = 30) -> list[tuple[str, str]]:
    """Closed ballot results the council vote may be taken from: "session:candidate" choices."""
    sessions = (
        BallotSession.objects.filter(status=SessionStatus.CLOSED, corrections=None)
        .filter(Q(award_code="") | Q(award_code=proposal.award_type.code))
        .select_related("cluster")
        .order_by("-closed_at", "-id")[:limit]
    )
    choices = []
    for s in sessions:
        for row in (s.result or {}).get("candidates", []):
            msg = gettext("%(title)s (%(cluster)s %(year)s) – %(unit)s: %(votes)s phiếu đồng ý")
            label = msg % {
                "title": s.title,
                "cluster": s.cluster.code,
                "year": s.year,
                "unit": row["unit_name"],
                "votes": row["votes"],
            }
            choices.append((f"{s.pk}:{row['candidate_id']}", label))
    return choices


# Nominees a user may pick


def people_for(user: Actor, query: str, limit: int = PICK_LIMIT) -> list[Person]:
    """People whose name contains the query (without diacritics) that the user proposes for;
    the board finds everyone. Fewer than two letters find nobody."""
    key = name_key(query or "")
    if len(key) < 2:
        return []
    qs = Person.objects.filter(merged_into=None, name_key__contains=key)
    if not perms.is_board(user):
        qs = qs.filter(unit_id__in=perms.proposal_unit_ids(user))
    return list(qs.select_related("unit__parent").order_by("name_key", "birth_year", "id")[:limit])


def units_for(user: Actor, query: str = "", limit: int = PICK_LIMIT) -> list[Unit]:
    """Collectives the user may propose (an officer: its units; the board: any, by name)."""
    key = unit_key(query or "")
    if perms.is_board(user):
        if len(key) < 2:
            return []
        qs = Unit.objects.filter(name_key__contains=key)
    else:
        qs = Unit.objects.filter(pk__in=perms.proposal_unit_ids(user))
        if key:
            qs = qs.filter(name_key__contains=key)
    return list(qs.select_related("parent").order_by("parent_id", "code", "id")[:limit])


def may_check(user: Actor, *, person: Person | None = None, unit: Unit | None = None) -> bool:
    """The eligibility of a nominee reads its records: the board, or the proposing officers."""
    if perms.is_board(user):
        return True
    home = person.unit_id if person is not None else unit.pk if unit is not None else None
    return perms.can_propose_for(user, home)


def awards_for(subject: str) -> list[AwardType]:
    return [a for a in AwardType.objects.filter(active=True) if subject in a.subjects]


def unit_label(unit: Unit) -> str:
    """'Sở Y tế (Cà Mau)': a department's name alone is ambiguous."""
    return f"{unit.name} ({unit.parent.name})" if unit.parent_id else unit.name  # type: ignore[union-attr]


# People


def _units_by_year(person: Person) -> dict[int, str]:
    """Where the person worked each year, as the history file named it (the unit's name when
    it resolved)."""
    return {
        year: name or written
        for year, name, written in person.units_by_year.values_list(
            "year", "unit__name", "unit_name"
        )
    }


def person_card(user: Actor, person: Person) -> dict:
    """What an official sees of a person; the national ID and birth date only for those who
    may see personal data (the board, the officers proposing for them); the yearly ratings also
    for council members reviewing a proposal for them (`privacy.can_see_ratings`)."""
    personal = privacy.can_see_personal_data(user, person)
    see_ratings = personal or privacy.can_see_ratings(user, person)
    ratings = dict(RatingLevel.choices)
    units = _units_by_year(person) if see_ratings else {}
    return {
        "id": person.pk,
        "full_name": person.full_name,
        "birth_year": person.birth_year,
        "unit": person.unit_name or (unit_label(person.unit) if person.unit else ""),
        "unit_id": person.unit_id,
        "position": person.position,
        "merged_into": person.merged_into_id,
        "personal_data": personal,
        "national_id": (person.national_id or None) if personal else None,
        "birth_date": person.birth_date if personal else None,
        "ratings_visible": see_ratings,
        "ratings": [
            {"year": y, "rating": r, "label": str(ratings.get(r, r)), "unit": units.get(y, "")}
            for y, r in person.ratings.order_by("-year").values_list("year", "rating")
        ]
        if see_ratings
        else [],
        "titles": [
            {
                "award_code": e.award_type.code,
                "award": e.award_type.name,
                "year": e.year,
                "decision": e.decision_number,
                "decision_date": e.decision_date,
                "signer": e.signer,
            }
            for e in person.awards.select_related("award_type").order_by("-year", "-id")
        ],
        "initiatives": [
            {
                "year": i.year,
                "title": i.title,
                "scope": i.scope,
                "scope_label": str(i.get_scope_display()),
                "recognised_by": i.recognised_by,
                "decision": i.decision,
            }
            for i in person.initiatives.order_by("-year", "id")
        ],
    }


# The registry's statistics

STATISTICS = ("year", "award", "unit")
_STAT_FIELD = {"year": "year", "award": "award_type__code", "unit": "unit_name"}


def registry_statistics(by: str) -> list[dict]:
    """Entries counted by year (in order), by award or by unit (the most first)."""
    rows = registry.statistics(by=by)
    field = _STAT_FIELD[by]
    if by == "year":
        return [{"key": str(r[field]), "label": str(r[field]), "count": r["count"]} for r in rows]
    names = dict(AwardType.objects.values_list("code", "name")) if by == "award" else {}
    found = [
        {
            "key": r[field] or "",
            "label": names.get(r[field], r[field]) or gettext("(không ghi đơn vị)"),
            "count": r["count"],
        }
        for r in rows
    ]
    return sorted(found, key=lambda r: (-r["count"], r["label"]))
