"""A collective's member shares count the people who were its members in the year assessed
(`PersonUnit`, through the 2025 merger's lineage), not the people in it today; in a fixed number
of queries, whatever the number of members."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.awards.eligibility import Nominee, evaluate
from thidua.awards.models import AwardEntry, AwardType, Person, PersonUnit, Rating
from thidua.orgs.models import Lineage, Unit

ON = date(2026, 2, 1)


@pytest.fixture
def depts(db):
    """The Long An finance department (to 2025) and the Tây Ninh one that succeeds it."""
    long_an = Unit.objects.get(code="80.STC")
    tay_ninh = Lineage.objects.filter(predecessor=long_an).select_related("successor").get()
    return long_an, tay_ninh.successor


def staff(n: int, unit: Unit, tag: str) -> list[Person]:
    return [
        Person.objects.create(full_name=f"Cán bộ {tag} {i}", birth_year=1970 + i, unit=unit)
        for i in range(n)
    ]


def ldtt(people, year: int) -> None:
    award = AwardType.objects.get(code="LDTT")
    for p in people:
        Rating.objects.create(person=p, year=year, rating="HTT")
        AwardEntry.objects.create(award_type=award, year=year, person=p, recipient_name=p.full_name)


def share(unit: Unit, year: int) -> str:
    Rating.objects.get_or_create(unit=unit, year=year, defaults={"rating": "HTXS"})
    verdict = evaluate(Nominee("TTLDXS", year, unit_id=unit.pk, on=ON))
    return next(c.detail for c in verdict.conditions if c.rule == "member_title_share")


def test_members_are_those_of_the_year_assessed_not_of_today(depts):
    long_an, tay_ninh = depts
    elsewhere = Unit.objects.exclude(pk__in=[long_an.pk, tay_ninh.pk]).first()
    stayed = staff(6, tay_ninh, "ở lại")
    left = staff(2, elsewhere, "đã chuyển đi")  # in Tây Ninh's department in 2025, not today
    joined = staff(4, tay_ninh, "mới đến")  # in the department today, elsewhere in 2025
    for p in left:
        PersonUnit.objects.create(person=p, year=2025, unit=tay_ninh)
    for p in joined:
        PersonUnit.objects.create(person=p, year=2025, unit=elsewhere)
    ldtt(stayed[:4] + left, 2025)
    ldtt(joined, 2025)  # their titles belong to the other unit's share
    # Members 2025: 6 stayed (no row for the year: their current unit) + 2 who left = 8.
    assert share(tay_ninh, 2025).startswith("6/8 thành viên")


def test_the_2024_staff_of_the_predecessor_count_for_the_successor(depts):
    long_an, tay_ninh = depts
    people = staff(5, tay_ninh, "sáp nhập")
    for p in people:
        PersonUnit.objects.create(person=p, year=2024, unit=long_an, unit_name=long_an.name)
        PersonUnit.objects.create(person=p, year=2025, unit=tay_ninh)
    others = staff(3, long_an, "chỉ 2024")
    for p in others:
        PersonUnit.objects.create(person=p, year=2024, unit=long_an)
    ldtt(people[:4] + others, 2024)
    assert share(tay_ninh, 2024).startswith("7/8 thành viên")
    assert share(tay_ninh, 2025).startswith("0/5 thành viên")


def test_the_queries_do_not_grow_with_the_members(depts):
    _long_an, tay_ninh = depts
    Rating.objects.create(unit=tay_ninh, year=2025, rating="HTXS")
    ldtt(staff(3, tay_ninh, "a"), 2025)
    nominee = Nominee("TTLDXS", 2025, unit_id=tay_ninh.pk, on=ON)
    with CaptureQueriesContext(connection) as few:
        evaluate(nominee)
    for p in staff(30, tay_ninh, "b"):
        PersonUnit.objects.create(person=p, year=2025, unit=tay_ninh)
    with CaptureQueriesContext(connection) as many:
        evaluate(nominee)
    assert len(many) == len(few)
