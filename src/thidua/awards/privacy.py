"""Who may see a person's personal data and ratings, and the record exported for them or an
official who may see it; each export is logged."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor
from thidua.accounts.audit import record
from thidua.awards import audit_actions
from thidua.awards.models import PROPOSAL_UNDER_REVIEW, Person, Proposal
from thidua.orgs.models import Membership


def can_see_personal_data(user, person: Person) -> bool:
    """The national ID: the board, and the officers of a unit that proposes (or may) for them."""
    if perms.is_board(user):
        return True
    units = perms.proposal_unit_ids(user)
    if not units:
        return False
    if person.unit_id in units:
        return True
    return Proposal.objects.filter(person_id=person.pk, proposing_unit_id__in=units).exists()


def can_see_ratings(user, person: Person) -> bool:
    """Yearly ratings are personal data. They are seen by the board; the officers of the
    person's unit and of the units above it (and of a unit that proposed the person, as for the
    national ID); and council members while a proposal for the person is before their council.
    Not by other units' officers, viewers or the head's secretariat as such."""
    return can_see_personal_data(user, person) or _reviews_person(user, person)


def _reviews_person(user, person: Person) -> bool:
    """A council member of a cluster with a proposal for the person under review there: the
    proposing unit is a member of the cluster in the proposal's year, or the council's secret
    ballot on it belongs to the cluster."""
    clusters = perms.council_cluster_ids(user)
    if not clusters or perms.is_scoped(user):
        return False
    member = Membership.objects.filter(
        cluster_id__in=clusters, unit_id=OuterRef("proposing_unit_id"), year=OuterRef("year")
    )
    return (
        Proposal.objects.filter(person_id=person.pk, status__in=PROPOSAL_UNDER_REVIEW)
        .filter(Q(Exists(member)) | Q(ballot__cluster_id__in=clusters))
        .exists()
    )


def person_record(actor: Actor, person: Person, *, via: str = "web") -> dict:
    """Everything thidua holds on a person: identity, ratings, units by year, titles and
    awards, initiatives, proposals. Personal data leaves the system only through here, and
    each time is audited."""
    perms.require(can_see_personal_data(actor, person))
    data = {
        "person": {
            "id": person.pk,
            "full_name": person.full_name,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "birth_year": person.birth_year,
            "gender": person.gender,
            "unit": person.unit_name,
            "position": person.position,
            "national_id": person.national_id,
        },
        "ratings": list(person.ratings.order_by("year").values("year", "rating")),
        "units_by_year": [
            {"year": year, "unit": name or written, "as_written": written}
            for year, name, written in person.units_by_year.order_by("year").values_list(
                "year", "unit__name", "unit_name"
            )
        ],
        "awards": [
            {
                "award": e.award_type.name,
                "award_code": e.award_type.code,
                "year": e.year,
                "decision": e.decision_number,
                "decision_date": e.decision_date.isoformat() if e.decision_date else None,
            }
            for e in person.awards.select_related("award_type").order_by("year")
        ],
        "initiatives": list(
            person.initiatives.order_by("year").values("year", "title", "scope", "recognised_by")
        ),
        "proposals": [
            {"award_code": p.award_type.code, "year": p.year, "status": p.status}
            for p in person.proposal_set.select_related("award_type").order_by("year")
        ],
    }
    with transaction.atomic():
        record(
            actor, audit_actions.PERSON_EXPORTED, person, None, {"sections": sorted(data)}, via=via
        )
    return data
