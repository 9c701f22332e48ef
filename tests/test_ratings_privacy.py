"""Yearly ratings are personal data: the person page and the API show them to the board, the
officers of the person's unit and of the units above it, and council members while a proposal
for the person is before their council; never to other units' officers or to viewers.

Cast: `longan` (officer of Long An, above its Sở Tài chính), `kiengiang`/`hanoi`/`camau`
(officers of other units; `camau` is also TNB's head secretariat), `xem` (viewer of TNB),
`hoidong` (council member of TNB), `bantw` (board).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from thidua.accounts.models import Role, RoleAssignment
from thidua.awards import privacy, services
from thidua.awards.models import Person, Proposal, Rating
from thidua.ballots import services as ballots
from thidua.orgs.models import Cluster, MemberRole, Membership, Unit

pytestmark = pytest.mark.django_db
OTHERS = ("kiengiang", "hanoi", "camau", "xem", "hoidong")


@pytest.fixture
def dept(db):
    return Unit.objects.get(code="80.STC")


@pytest.fixture
def person(dept):
    p = Person.objects.create(full_name="Lý Thị Xếp Loại", birth_year=1981, unit=dept)
    Rating.objects.create(person=p, year=2024, rating="HTXS")
    Rating.objects.create(person=p, year=2025, rating="HTT")
    return p


@pytest.fixture
def dept_officer(dept):
    user = get_user_model().objects.create_user("sotaichinh", password="x")
    RoleAssignment.objects.create(user=user, role=Role.OFFICER, unit=dept)
    return user


def page(user, person) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("web:person", args=[person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def shows_ratings(html: str) -> bool:
    return "Hoàn thành xuất sắc nhiệm vụ" in html and 'id="ratings-hidden"' not in html


def test_the_board_and_the_officers_of_the_persons_unit_and_above_see_the_ratings(
    users, person, dept_officer
):
    for user in (users["bantw"], users["longan"], dept_officer):
        assert shows_ratings(page(user, person)), user


@pytest.mark.parametrize("name", OTHERS)
def test_other_units_officers_viewers_and_an_idle_council_do_not(users, person, name):
    html = page(users[name], person)
    assert not shows_ratings(html) and 'id="ratings-hidden"' in html
    assert "Hoàn thành tốt nhiệm vụ" not in html


def under_review(users, person, year: int = 2025):
    proposal = services.create_proposal(users["longan"], award="LDTT", year=year, person=person)
    return services.submit_proposal(users["longan"], proposal, justification="thử")


def test_a_council_member_sees_them_while_a_proposal_is_before_the_council(users, person, unit):
    tnb = Cluster.objects.get(code="TNB")
    proposal = under_review(users, person)
    assert proposal.proposing_unit == unit("80")
    # Long An is not a TNB member in 2025 in the demo: nothing before this council yet.
    assert not shows_ratings(page(users["hoidong"], person))
    Membership.objects.create(cluster=tnb, year=2025, unit=unit("80"), role=MemberRole.MEMBER)
    assert shows_ratings(page(users["hoidong"], person))
    assert not shows_ratings(page(users["xem"], person))  # a viewer of the same cluster
    assert not shows_ratings(page(users["camau"], person))  # the head's secretariat as such
    services.reject_proposal(users["bantw"], proposal, "không đủ tiêu chuẩn")
    assert not shows_ratings(page(users["hoidong"], person))  # the review is over


def test_the_council_of_the_ballot_sees_them_too(users, person, unit):
    proposal = under_review(users, person)
    tnb = Cluster.objects.get(code="TNB")
    session = ballots.create_session(
        users["camau"],
        tnb,
        2019,
        "Hội đồng xét",
        timezone.now() + timedelta(1),
        candidates=[(unit("80"), 1)],
    )
    Proposal.objects.filter(pk=proposal.pk).update(ballot=session)
    assert privacy.can_see_ratings(users["hoidong"], person)
    assert not privacy.can_see_ratings(users["kiengiang"], person)


def test_the_api_hides_the_ratings_the_same_way(users, person):
    client = Client()
    client.force_login(users["hanoi"])
    data = client.get(f"/api/v1/people/{person.pk}").json()
    assert data["ratings_visible"] is False and data["ratings"] == []
    client.force_login(users["longan"])
    data = client.get(f"/api/v1/people/{person.pk}").json()
    assert data["ratings_visible"] is True
    assert [r["rating"] for r in data["ratings"]] == ["HTT", "HTXS"]
