"""The award catalogue's rules checked against public texts: corrections are new versions
(the stored ones are never rewritten), each with its source; what is still unchecked stays
flagged, in the verdicts and in the admin."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from thidua.awards.catalogue import CatalogueError, load_catalogue, read_catalogue, rule_for
from thidua.awards.eligibility import Nominee, evaluate
from thidua.awards.models import AwardEntry, AwardRule, AwardType, Initiative, Person, Rating
from thidua.orgs.models import Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return Person.objects.create(full_name="Mai Văn Phiên Bản", birth_year=1975)


def titled(person, code, *years, decided=None):
    for y in years:
        AwardEntry.objects.create(
            award_type=AwardType.objects.get(code=code),
            year=y,
            person=person,
            recipient_name=person.full_name,
            birth_year=person.birth_year,
            decision_date=decided or date(y + 1, 2, 1),
        )


def rated(person, ratings: dict):
    for year, rating in ratings.items():
        Rating.objects.create(person=person, year=year, rating=rating)


def test_loading_the_catalogue_again_writes_nothing_and_keeps_the_old_versions():
    before = list(AwardRule.objects.order_by("id").values_list("id", "version", "verification"))
    assert load_catalogue() == 0
    after = list(AwardRule.objects.order_by("id").values_list("id", "version", "verification"))
    assert after == before
    bk = AwardRule.objects.filter(award_type__code="BK_TTG").order_by("version")
    assert [(r.version, r.verification, r.valid_from.year) for r in bk] == [
        (1, "UNVERIFIED", 2024),
        (2, "VERIFIED", 2024),
        (3, "PARTIAL", 2014),  # the rule of the earlier law, for proposals considered before 2024
    ]


def test_between_two_rules_of_one_start_date_the_higher_version_applies():
    for code, level in [
        ("BK_TTG", "VERIFIED"),
        ("BK_BT", "VERIFIED"),
        ("CSTDCS", "VERIFIED"),
        ("LDTT", "VERIFIED"),
        ("GK", "VERIFIED"),
        ("CO_TD_BT", "PARTIAL"),
        ("HC_KC", "PARTIAL"),
    ]:
        rule = rule_for(AwardType.objects.get(code=code), 2025)
        assert (rule.version, rule.verification) == (2, level), code
        assert "http" in rule.source, code  # the public text it was checked against


def test_what_no_text_confirmed_stays_unverified():
    rule = rule_for(AwardType.objects.get(code="TTLDTT"), 2025)
    assert (rule.version, rule.verification) == (1, "UNVERIFIED")
    verdict = evaluate(Nominee("TTLDTT", 2025, unit_id=Unit.objects.get(code="80.STC").pk))
    assert verdict.rule is None or verdict.rule["verification"] == "UNVERIFIED"


def test_a_changed_rule_under_an_existing_version_is_refused():
    entry = next(e for e in read_catalogue() if e["code"] == "BK_TTG")
    changed = dict(entry, rules=[dict(entry["rules"][1], conditions=[{"rule": "rating"}])])
    with pytest.raises(CatalogueError, match="new version"):
        load_catalogue([changed])


def test_prime_ministers_certificate_point_b_three_grassroots_titles_in_five_good_years(person):
    titled(person, "BK_BT", 2019, decided=date(2020, 2, 1))
    rated(person, {y: "HTT" for y in range(2021, 2026)})  # no excellent year is needed
    titled(person, "CSTDCS", 2021, 2022)
    verdict = evaluate(Nominee("BK_TTG", 2025, person_id=person.pk))
    assert not verdict.eligible and verdict.rule["legal_basis"].startswith("Điểm b khoản 1 Điều 73")
    titled(person, "CSTDCS", 2024)
    assert evaluate(Nominee("BK_TTG", 2025, person_id=person.pk)).eligible


def test_ministry_certificate_point_d_either_two_grassroots_titles_or_two_excellent_years(person):
    Initiative.objects.create(person=person, year=2024, title="Sáng kiến một", scope="co_so")
    Initiative.objects.create(person=person, year=2025, title="Sáng kiến hai", scope="co_so")
    titled(person, "CSTDCS", 2024, 2025)
    verdict = evaluate(Nominee("BK_BT", 2025, person_id=person.pk))
    assert verdict.eligible and verdict.rule["verification"] == "VERIFIED"
    other = Person.objects.create(full_name="Mai Thị Xuất Sắc", birth_year=1980)
    rated(other, {2024: "HTXS", 2025: "HTXS"})
    Initiative.objects.create(person=other, year=2024, title="Một", scope="co_so")
    assert not evaluate(Nominee("BK_BT", 2025, person_id=other.pk)).eligible  # one initiative
    Initiative.objects.create(person=other, year=2025, title="Hai", scope="co_so")
    assert evaluate(Nominee("BK_BT", 2025, person_id=other.pk)).eligible


def test_the_admin_lists_each_rule_with_its_verification_level(users):
    client = Client()
    client.force_login(users["admin"])
    page = client.get("/admin/awards/awardrule/").content.decode()
    assert "UNVERIFIED" in page and "chưa đối chiếu – cần kiểm tra" in page
    assert "PARTIAL" in page and "VERIFIED" in page
    only = client.get("/admin/awards/awardrule/", {"verification__exact": "UNVERIFIED"})
    codes = {r.award_type.code for r in only.context["cl"].result_list}
    assert "TTLDTT" in codes and "HCLD_III" not in codes
    award = AwardType.objects.get(code="BK_TTG")
    detail = client.get(f"/admin/awards/awardtype/{award.pk}/change/").content.decode()
    assert "Điểm b khoản 1 Điều 73" in detail
    assert client.post(f"/admin/awards/awardtype/{award.pk}/change/", {}).status_code == 403
