"""Ask before what cannot be undone (issue 20): each irreversible button carries a confirmation
that names what will happen, with the numbers; a ballot closes before its deadline only when
everyone has voted or the head gives a reason, which the audit keeps."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.ballot_keys import count, open_ballot
from thidua.accounts.models import AuditEntry
from thidua.awards import services as awards
from thidua.awards.models import Person
from thidua.ballots import services as ballots
from thidua.ballots.models import SessionStatus
from thidua.common.errors import ValidationFailed
from thidua.indicators import services as reports
from thidua.indicators.models import Report
from thidua.orgs.models import Unit

pytestmark = pytest.mark.django_db


def confirms(response) -> list[str]:
    """The texts of every data-confirm on the page, unescaped."""
    page = response.content.decode()
    return [html.unescape(t) for t in re.findall(r'data-confirm="([^"]*)"', page)]


@pytest.fixture
def opened(users, tnb, unit):
    created = ballots.create_session(
        users["camau"],
        tnb,
        2019,
        "Đề nghị Cờ thi đua của Chính phủ năm 2019",
        timezone.now() + timedelta(days=1),
        candidates=[(unit("84"), 1), (unit("80"), 2)],
        award_code="CO_TD_CP",
    )
    return open_ballot(users["camau"], created)


def vote(users, session, *names):
    candidate = session.candidates.first().id
    for name in names:
        ballots.cast_vote(users[name], session, [candidate])


# --- closing a ballot --------------------------------------------------------------------------


def test_a_ballot_cannot_close_before_its_deadline_without_a_reason(users, opened):
    vote(users, opened, "longan")
    with pytest.raises(ValidationFailed, match="1/12"):
        ballots.close_session(users["camau"], opened)
    opened.refresh_from_db()
    assert opened.status == SessionStatus.OPEN


def test_an_early_close_with_a_reason_is_counted_and_the_reason_is_kept(users, opened):
    # Six of the twelve (the quorum and the minimum): after the close the trustees count.
    vote(users, opened, "longan", "kiengiang", "tiengiang", "bentre", "travinh", "vinhlong")
    ballots.close_session(users["camau"], opened, reason="Hội nghị kết thúc sớm")
    opened.refresh_from_db()
    assert opened.status == SessionStatus.COUNTING
    entry = AuditEntry.objects.filter(action="ballots.session.closed").latest("id")
    assert entry.reason == "Hội nghị kết thúc sớm"
    counted = count(opened)
    assert counted.status == SessionStatus.CLOSED and not counted.result.get("withheld")


def test_an_early_close_below_the_minimum_gives_no_tally_and_keeps_the_reason(users, opened):
    ballots.close_session(users["camau"], opened, reason="Hội nghị kết thúc sớm")
    opened.refresh_from_db()
    assert opened.status == SessionStatus.CLOSED and opened.result["withheld"] is True
    entry = AuditEntry.objects.filter(action="ballots.session.closed").latest("id")
    assert entry.reason == "Hội nghị kết thúc sớm"


def test_a_ballot_past_its_deadline_closes_without_a_reason(users, opened):
    past = timezone.now() - timedelta(minutes=1)
    type(opened).objects.filter(pk=opened.pk).update(closes_at=past)
    opened.refresh_from_db()
    ballots.close_session(users["camau"], opened)
    opened.refresh_from_db()
    assert opened.status == SessionStatus.CLOSED


def test_the_close_button_names_the_turnout_and_asks_for_a_reason(as_user, users, opened):
    vote(users, opened, "longan", "kiengiang")
    response = as_user("camau").get(reverse("web:ballot", args=[opened.pk]))
    wanted = (
        "Kết thúc bỏ phiếu khi mới có 2/12 phiếu? Không nhận thêm phiếu, không mở lại được; "
        "sau đó người giữ khóa nhập mảnh khóa để kiểm phiếu."
    )
    assert wanted in confirms(response)
    assert 'name="reason" required' in response.content.decode()


def test_closing_early_on_the_page_without_a_reason_keeps_the_ballot_open(as_user, opened):
    client = as_user("camau")
    url = reverse("web:ballot_close", args=[opened.pk])
    response = client.post(url, follow=True)
    assert "muốn kết thúc sớm phải ghi lý do" in response.content.decode()
    opened.refresh_from_db()
    assert opened.status == SessionStatus.OPEN
    client.post(url, {"reason": "Đủ người có mặt, hết giờ họp"})
    opened.refresh_from_db()
    assert opened.status == SessionStatus.CLOSED


def test_the_api_closes_early_only_with_a_reason(as_user, opened):
    import json

    client = as_user("camau")
    url = f"/api/v1/ballots/{opened.pk}/close"
    refused = client.post(url, "{}", content_type="application/json")
    assert refused.status_code == 422
    body = json.dumps({"reason": "Hết giờ họp"})
    assert client.post(url, body, content_type="application/json").status_code == 200


# --- reports: submit, accept, return -----------------------------------------------------------


@pytest.fixture
def long_an(unit):
    return unit("80")


@pytest.fixture
def submitted(as_user, users, long_an):
    url = reverse("web:entry", args=["TNB", "2019", long_an.pk])
    as_user("longan").post(url, {"v_grdp_growth": "7,5", "save": "1"})
    report = Report.objects.get(cluster__code="TNB", unit=long_an, period="2019")
    return reports.submit_report(users["longan"], report)


def test_the_submit_button_names_the_period_the_unit_and_the_cluster(as_user, long_an):
    url = reverse("web:entry", args=["TNB", "2019", long_an.pk])
    texts = confirms(as_user("longan").get(url))
    assert any(t.startswith("Gửi báo cáo năm 2019 của Long An cho cụm TNB?") for t in texts)


def test_the_half_year_is_said_in_words_not_as_a_code():
    from django.utils import translation

    from thidua.web.templatetags.thidua_web import period_label

    assert period_label("2019H1") == "6 tháng đầu năm 2019"
    assert period_label("2019", "inner") == "năm 2019"
    assert period_label("không phải kỳ") == "không phải kỳ"
    with translation.override("en"):
        assert period_label("2019H1", "inner") == "the first half of 2019"


def test_accepting_and_returning_name_the_report_and_its_counts(as_user, submitted):
    texts = confirms(as_user("camau").get("/clusters/TNB/2019/worklist/"))
    wanted = "Tiếp nhận báo cáo năm 2019 của Long An (1 số liệu, 0 cảnh báo chưa giải trình)?"
    assert wanted in texts
    assert any(t.startswith("Trả lại báo cáo năm 2019 cho Long An để sửa?") for t in texts)


def test_the_confirmations_are_english_in_english_mode(as_user, long_an):
    client = as_user("longan")
    client.cookies["django_language"] = "en"
    url = reverse("web:entry", args=["TNB", "2019", long_an.pk])
    texts = confirms(client.get(url))
    assert any(t.startswith("Submit the report for the year 2019 of Long An") for t in texts)


# --- scores and proposals ----------------------------------------------------------------------


def test_publishing_names_the_year_the_cluster_and_the_number_of_units(as_user):
    texts = confirms(as_user("camau").get(reverse("web:ranking", args=["TNB", 2019])))
    assert any(
        re.match(r"Công bố kết quả chấm điểm năm 2019 của .+ \(12 đơn vị\)\?", t) for t in texts
    ), texts


def test_submitting_a_proposal_names_the_award_and_the_person(as_user, users):
    person = Person.objects.create(
        full_name="Võ Thị Kiểm Thử", birth_year=1980, unit=Unit.objects.get(code="80.STC")
    )
    proposal = awards.create_proposal(users["longan"], award="CSTDBT", year=2025, person=person)
    texts = confirms(as_user("longan").get(reverse("web:proposal", args=[proposal.pk])))
    assert any(
        t.startswith("Gửi đề nghị Chiến sĩ thi đua") and "năm 2025 cho Võ Thị Kiểm Thử?" in t
        for t in texts
    ), texts
