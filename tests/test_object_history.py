"""The history page of an audited object (/lich-su/<type>/<id>/): what changed, field by field,
for those who may see the object, and nothing (404) for anyone else.

Cast (see conftest): `longan` Long An's officer, `kiengiang` Kiên Giang's (another TNB member),
`camau` TNB's head secretariat, `hanoi` an officer outside TNB, `bantw` the board, `xem` a
viewer of TNB. Who may see each kind of object is in test_access_matrix.HISTORY.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from thidua.accounts.audit import Change, record, record_many
from thidua.accounts.models import AuditEntry
from thidua.accounts.permissions import SYSTEM
from thidua.awards import services as awards
from thidua.awards.models import Person
from thidua.indicators import services as reporting
from thidua.indicators.models import Report
from thidua.orgs.models import Unit

pytestmark = pytest.mark.django_db

OPEN = "2019"  # the year-end window is open in the demo
NATIONAL_ID = "079183000042"


def client_for(users, name: str | None) -> Client:
    client = Client()
    if name:
        client.force_login(users[name])
    return client


def history_url(obj) -> str:
    return reverse("web:object_history", args=[obj._meta.label_lower, str(obj.pk)])


def page(users, name: str | None, url: str):
    return client_for(users, name).get(url)


@pytest.fixture
def draft(users, tnb, unit, indicators) -> Report:
    """Long An's 2019 report, still a draft: one value written, then corrected."""
    for value in ("7.1", "7.4"):
        item = reporting.ValueInput(unit("80"), indicators["grdp_growth"], OPEN, Decimal(value))
        reporting.write_values(users["longan"], tnb, OPEN, [item], reason="số liệu cục thống kê")
    return Report.objects.get(cluster=tnb, unit=unit("80"), period=OPEN)


@pytest.fixture
def person(db) -> Person:
    return Person.objects.create(
        full_name="Nguyễn Văn Lịch Sử", birth_year=1980, unit=Unit.objects.get(code="80.STC")
    )


@pytest.fixture
def proposal(users, person):
    return awards.create_proposal(users["longan"], award="CSTDBT", year=2025, person=person)


def test_the_history_shows_each_change_field_by_field_newest_first(users, draft):
    entries = AuditEntry.objects.filter(object_type="indicators.report", object_id=str(draft.pk))
    newest = entries.order_by("-id").first()
    response = page(users, "longan", history_url(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lịch sử thay đổi" in html
    # The correction: label, the value before and after, the reason, the actor and the time.
    assert "Sửa số liệu" in html and "Ghi số liệu mới" in html
    assert html.index("Sửa số liệu") < html.index("Ghi số liệu mới")  # newest first
    assert '<td class="old">7,1</td><td class="new">7,4</td>' in html  # stored as 7.100000
    assert "số liệu cục thống kê" in html
    assert "longan" in html
    assert timezone.localtime(newest.at).strftime("%d/%m/%Y %H:%M") in html
    assert str(timezone.get_current_timezone()) == "Asia/Ho_Chi_Minh"
    # What did not change (the indicator, the period) is context, not a change.
    assert '<td class="old">grdp_growth</td>' not in html
    assert "Chỉ tiêu: Tốc độ tăng trưởng" in html  # by name, not "grdp_growth" (issue 20)
    # A link back to the report's own page.
    assert reverse("web:report", args=[draft.pk]) in html


def test_a_status_change_shows_the_statuses_by_name(users, draft):
    reporting.submit_report(users["longan"], draft)
    html = page(users, "camau", history_url(draft)).content.decode()
    assert "Gửi báo cáo" in html
    assert '<td class="old">Đang nhập</td><td class="new">Đã gửi</td>' in html


def test_another_units_officer_gets_404_for_a_draft_reports_history(users, draft):
    url = history_url(draft)
    for name in ("kiengiang", "hanoi", "xem"):
        assert page(users, name, url).status_code == 404, name
    for name in ("longan", "camau", "bantw"):
        assert page(users, name, url).status_code == 200, name


def test_another_units_officer_gets_404_for_a_draft_proposals_history(users, proposal):
    url = history_url(proposal)
    for name in ("kiengiang", "hanoi", "camau", "xem"):
        assert page(users, name, url).status_code == 404, name
    assert "Tạo đề nghị" in page(users, "longan", url).content.decode()
    assert page(users, "bantw", url).status_code == 200


def test_refused_and_missing_look_the_same(users, proposal):
    """404 for a proposal one may not see and for one that does not exist: nothing confirmed."""
    missing = reverse("web:object_history", args=["awards.proposal", "999999"])
    assert page(users, "hanoi", missing).status_code == 404
    assert page(users, "hanoi", history_url(proposal)).status_code == 404
    assert page(users, "bantw", missing).status_code == 404  # no entries, no object
    bad = reverse("web:object_history", args=["awards.proposal", "abc"])
    assert page(users, "bantw", bad).status_code == 404


def test_the_anonymous_visitor_is_sent_to_the_login_page(users, proposal):
    response = page(users, None, history_url(proposal))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_a_viewer_sees_a_persons_history_without_personal_data(users, person):
    before = {"national_id": "", "birth_date": None, "position": "Phó phòng"}
    after = {"national_id": NATIONAL_ID, "birth_date": "1980-02-03", "position": "Trưởng phòng"}
    record(SYSTEM, "awards.person.changed", person, before, after, via="cli")
    url = history_url(person)
    for name in ("xem", "hanoi", "kiengiang"):
        html = page(users, name, url).content.decode()
        assert "Trưởng phòng" in html, name  # the rest of the change is there
        assert NATIONAL_ID not in html and "03/02/1980" not in html, name
        assert "Số định danh cá nhân" not in html, name
        assert "2 trường dữ liệu cá nhân được ẩn" in html, name
    for name in ("longan", "bantw"):  # the proposing unit (its department's person), the board
        html = page(users, name, url).content.decode()
        assert NATIONAL_ID in html and "03/02/1980" in html, name
    assert page(users, None, url).status_code == 302


def test_the_person_page_links_to_the_history(users, person):
    record(SYSTEM, "awards.person.exported", person, None, {"sections": ["person"]})
    html = page(users, "xem", reverse("web:person", args=[person.pk])).content.decode()
    assert history_url(person) in html


def test_values_are_escaped(users, proposal):
    script = "<script>alert(1)</script>"
    awards.update_proposal(users["longan"], proposal, achievements=script)
    record(
        users["longan"],
        "awards.proposal.note",
        proposal,
        {script: "a"},
        {script: ["b", {"x": script}]},
        reason=script,
    )
    html = page(users, "longan", history_url(proposal)).content.decode()
    assert script not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Sửa đề nghị" in html


def test_the_number_of_queries_does_not_depend_on_the_number_of_entries(users, proposal):
    url = history_url(proposal)
    client = client_for(users, "longan")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    changes = [
        Change("awards.proposal.changed", proposal, {"year": 2024}, {"year": 2025})
        for _ in range(150)
    ]
    record_many(users["longan"], changes)
    assert queries() == few


def test_a_long_history_comes_in_pages_of_200(users, proposal):
    changes = [Change("test.bulk", proposal, {"n": i}, {"n": i + 1}, reason="") for i in range(230)]
    record_many(SYSTEM, changes)
    url = history_url(proposal)
    client = client_for(users, "bantw")
    first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()
    assert first.count(">test.bulk<") == 200
    assert second.count(">test.bulk<") == 30  # and the proposal's creation
    assert "Tạo đề nghị" in second and "Tạo đề nghị" not in first
    assert "Trang 1/2" in first


def test_a_batch_and_an_unruled_type_are_for_the_board_only(users, unit):
    record_many(
        SYSTEM,
        [
            Change(
                "awards.registry.imported",
                None,
                None,
                {"rows": 3},
                object_type="awards.registry",
                object_id="import",
            )
        ],
    )
    record(SYSTEM, "orgs.unit.renamed", unit("80"), {"name": "A"}, {"name": "B"})
    for url in (
        reverse("web:object_history", args=["awards.registry", "import"]),
        history_url(unit("80")),
    ):
        assert page(users, "bantw", url).status_code == 200, url
        for name in ("camau", "longan", "xem"):
            assert page(users, name, url).status_code == 404, (url, name)


def test_detail_pages_link_to_the_history_for_those_who_may_see_it(users, draft, proposal):
    report_page = page(users, "longan", reverse("web:report", args=[draft.pk])).content.decode()
    assert history_url(draft) in report_page
    proposal_page = page(users, "bantw", reverse("web:proposal", args=[proposal.pk]))
    assert history_url(proposal) in proposal_page.content.decode()


def test_a_vote_is_in_the_voters_history_only(users, tnb, unit):
    from datetime import timedelta

    from tests.ballot_keys import open_ballot
    from thidua.ballots import services as ballots
    from thidua.ballots.models import Elector

    session = ballots.create_session(
        users["camau"],
        tnb,
        2019,
        "Thử",
        timezone.now() + timedelta(1),
        candidates=[(unit("80"), 1)],
    )
    open_ballot(users["camau"], session)
    ballots.cast_vote(users["longan"], session, [])
    elector = Elector.objects.get(session=session, user=users["longan"])
    url = history_url(elector)
    assert "Đã bỏ phiếu" in page(users, "longan", url).content.decode()
    assert page(users, "camau", url).status_code == 404  # the head runs it, but not who voted
    assert page(users, "bantw", url).status_code == 200
    # The session's own history is the ballot page's rule.
    assert page(users, "xem", history_url(session)).status_code == 200
