"""A person's record, exported for them or an official who may see it; each export is logged."""

from __future__ import annotations

from django.db import transaction

from thidua.accounts import permissions as perms
from thidua.accounts.audit import record
from thidua.awards.models import Person


def person_record(actor, person: Person, *, via: str = "web") -> dict:
    """Everything thidua holds on a person: identity, ratings, units by year, titles and
    awards, initiatives, proposals. Personal data leaves the system only through here, and
    each time is audited."""
    perms.require(perms.can_see_personal_data(actor, person))
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
        record(actor, "awards.person.exported", person, None, {"sections": sorted(data)}, via=via)
    return data
