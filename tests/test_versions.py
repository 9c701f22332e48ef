"""Edits carry the version they were made from: a stale one is refused (Conflict, HTTP 409) with
a message naming the record, and nothing is overwritten. Manual scores and proposals, through
the services, the API and the pages.

Cast (see conftest): `longan` is Long An's (80) officer, `camau` runs TNB in 2019, `bantw` is
the central board.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from thidua.accounts.models import AuditEntry
from thidua.awards import services as awards
from thidua.awards.models import Person, Proposal, ProposalStatus
from thidua.common.errors import Conflict
from thidua.orgs.models import Unit
from thidua.scoring import services as scoring
from thidua.scoring.engine import current_regulation
from thidua.scoring.models import ManualScore

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
TNB = f"{V1}/clusters/TNB/years/2019"
S = ProposalStatus
PDF = b"%PDF-1.4\n% minh chung\n"
REQUIRED = (("to_trinh", "to-trinh.pdf"), ("bao_cao", "bao-cao.pdf"), ("bien_ban", "bb.pdf"))


@pytest.fixture
def as_user(users):
    def login(name: str) -> Client:
        client = Client()
        client.force_login(users[name])
        return client

    return login


def body(response) -> dict:
    return json.loads(response.content, parse_float=Decimal)


def put(client: Client, path: str, data: dict):
    return client.put(path, json.dumps(data), content_type="application/json")


def post(client: Client, path: str, data: dict | None = None):
    return client.post(path, json.dumps(data or {}), content_type="application/json")


def audit_count() -> int:
    return AuditEntry.objects.count()


# --- manual scores ------------------------------------------------------------------------


@pytest.fixture
def long_an(unit):
    return unit("80")


@pytest.fixture
def regulation(tnb):
    return current_regulation(tnb, 2019)


def stored(regulation, unit_obj, code: str) -> ManualScore:
    return ManualScore.objects.get(
        criterion__regulation=regulation, criterion__code=code, unit=unit_obj
    )


def snapshot(score: ManualScore) -> tuple:
    score.refresh_from_db()
    return (
        score.self_points,
        score.self_note,
        score.review_points,
        score.review_reason,
        score.version,
    )


def test_a_fresh_self_score_is_saved_and_raises_the_version(users, regulation, long_an):
    score = stored(regulation, long_an, "B3")
    before = score.version
    written = scoring.self_score(
        users["longan"],
        score.criterion,
        long_an,
        Decimal("9.5"),
        "14 mô hình",
        expected_version=before,
    )
    assert written.version == before + 1
    assert stored(regulation, long_an, "B3").self_points == Decimal("9.5")


def test_a_review_raises_the_same_version_as_a_self_score(users, regulation, long_an):
    score = stored(regulation, long_an, "B2")
    v = score.version
    scoring.review_score(
        users["camau"], score.criterion, long_an, Decimal(8), "Chậm", expected_version=v
    )
    # The officer's page was read before the review: its self score is now stale.
    with pytest.raises(Conflict):
        scoring.self_score(
            users["longan"], score.criterion, long_an, Decimal(9), "x", expected_version=v
        )
    assert stored(regulation, long_an, "B2").version == v + 1


def test_a_first_score_is_made_from_version_zero(users, regulation, long_an):
    score = stored(regulation, long_an, "B3")
    criterion = score.criterion
    score.delete()
    written = scoring.self_score(
        users["longan"], criterion, long_an, Decimal(7), "x", expected_version=0
    )
    assert written.version == 1
    # Someone else's first score came first: a page that saw none is refused.
    with pytest.raises(Conflict):
        scoring.self_score(users["longan"], criterion, long_an, Decimal(6), "y", expected_version=0)
    assert stored(regulation, long_an, "B3").self_points == 7


def test_a_stale_score_is_a_conflict_naming_the_score_and_nothing_changes(
    users, regulation, long_an
):
    score = stored(regulation, long_an, "B3")
    was, entries = snapshot(score), audit_count()
    with pytest.raises(Conflict) as caught:
        scoring.self_score(
            users["longan"],
            score.criterion,
            long_an,
            Decimal(1),
            "cũ",
            expected_version=score.version - 1,
        )
    message = caught.value.issues[0].message
    assert "Điểm tiêu chí B3 của" in message and f"phiên bản {score.version}" in message
    assert "tải lại trang" in message.lower()
    assert snapshot(score) == was and audit_count() == entries


def test_without_a_version_the_score_is_written_as_before(users, regulation, long_an):
    score = stored(regulation, long_an, "B3")
    v = score.version
    scoring.self_score(users["longan"], score.criterion, long_an, Decimal(8), "x")
    assert stored(regulation, long_an, "B3").version == v + 1


def test_the_api_shows_the_version_and_accepts_a_fresh_score(as_user, regulation, long_an):
    client = as_user("longan")
    sheet = body(client.get(f"{TNB}/scores/80"))
    b3 = next(c for c in sheet["criteria"] if c["code"] == "B3")
    assert b3["version"] == stored(regulation, long_an, "B3").version
    response = put(
        client,
        f"{TNB}/scores/80/criteria/B3/self",
        {"points": "9.5", "note": "14", "expected_version": b3["version"]},
    )
    assert response.status_code == 200
    assert body(response)["version"] == b3["version"] + 1


@pytest.mark.parametrize(
    ("who", "kind", "data"),
    [
        ("longan", "self", {"points": 1, "note": "x"}),
        ("camau", "review", {"points": 1, "reason": "x"}),
    ],
)
def test_a_stale_score_through_the_api_is_409_and_nothing_changes(
    as_user, regulation, long_an, who, kind, data
):
    score = stored(regulation, long_an, "B3")
    was, entries = snapshot(score), audit_count()
    response = put(
        as_user(who),
        f"{TNB}/scores/80/criteria/B3/{kind}",
        data | {"expected_version": score.version - 1},
    )
    assert response.status_code == 409
    assert "đã được người khác sửa" in body(response)["detail"][0]["message"]
    assert snapshot(score) == was and audit_count() == entries


def test_the_sheet_carries_the_version_in_each_form(as_user, regulation, long_an):
    page = (
        as_user("longan").get(reverse("web:sheet", args=["TNB", 2019, long_an.pk])).content.decode()
    )
    version = stored(regulation, long_an, "B3").version
    assert f'name="expected_version" value="{version}"' in page


def test_a_fresh_self_score_through_the_page_is_saved(as_user, regulation, long_an):
    score = stored(regulation, long_an, "B3")
    url = reverse("web:self_score", args=["TNB", 2019, long_an.pk])
    data = {"criterion": "B3", "points": "9,5", "note": "x", "expected_version": score.version}
    response = as_user("longan").post(url, data)
    assert response.status_code == 302
    assert stored(regulation, long_an, "B3").version == score.version + 1


def test_a_stale_score_on_the_page_is_409_with_the_message_and_the_input_kept(
    as_user, regulation, long_an
):
    score = stored(regulation, long_an, "B3")
    was, entries = snapshot(score), audit_count()
    client = as_user("longan")
    url = reverse("web:self_score", args=["TNB", 2019, long_an.pk])
    typed = {
        "criterion": "B3",
        "points": "7,5",
        "note": "Số của tôi",
        "expected_version": score.version - 1,
    }
    response = client.post(url, typed)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Điểm tiêu chí B3 của" in page and "đã được người khác sửa" in page
    assert 'value="7,5"' in page and "Số của tôi</textarea>" in page
    assert snapshot(score) == was and audit_count() == entries
    # The form now carries the current version: saving again, knowingly, goes through.
    assert f'name="expected_version" value="{score.version}"' in page
    again = client.post(url, typed | {"expected_version": score.version})
    assert again.status_code == 302
    assert stored(regulation, long_an, "B3").self_points == Decimal("7.5")


def test_a_stale_review_on_the_page_is_409(as_user, regulation, long_an):
    score = stored(regulation, long_an, "B2")
    was = snapshot(score)
    url = reverse("web:review_score", args=["TNB", 2019, long_an.pk])
    data = {
        "criterion": "B2",
        "points": "8",
        "note": "Lý do",
        "expected_version": score.version + 5,
    }
    response = as_user("camau").post(url, data)
    assert response.status_code == 409 and "Lý do</textarea>" in response.content.decode()
    assert snapshot(score) == was


# --- proposals ----------------------------------------------------------------------------


@pytest.fixture
def draft(users) -> Proposal:
    person = Person.objects.create(
        full_name="Trần Văn Phiên Bản",
        birth_year=1980,
        unit=Unit.objects.get(code="80.STC"),
        unit_name="Sở Tài chính tỉnh Long An",
    )
    return awards.create_proposal(users["longan"], award="CSTDBT", year=2025, person=person)


@pytest.fixture
def submitted(users, draft) -> Proposal:
    for kind, name in REQUIRED:
        awards.attach_file(users["longan"], draft, name=name, content=PDF, kind=kind)
    return awards.submit_proposal(users["longan"], draft, justification="Thành tích đột xuất.")


def fields(proposal: Proposal) -> tuple:
    proposal.refresh_from_db()
    return (proposal.status, proposal.achievements, proposal.year, proposal.note, proposal.version)


def test_a_new_proposal_is_version_one_and_every_step_raises_it(users, draft):
    assert draft.version == 1
    edited = awards.update_proposal(users["longan"], draft, achievements="Mới", expected_version=1)
    assert edited.version == 2
    for kind, name in REQUIRED:
        awards.attach_file(users["longan"], draft, name=name, content=PDF, kind=kind)
    sent = awards.submit_proposal(users["longan"], draft, justification="x", expected_version=2)
    assert sent.version == 3
    checked = awards.check_proposal(users["bantw"], sent, expected_version=3)
    assert (checked.status, checked.version) == (S.CHECKED, 4)


def test_an_edit_that_changes_nothing_keeps_the_version(users, draft):
    same = awards.update_proposal(
        users["longan"], draft, achievements=draft.achievements, expected_version=1
    )
    assert same.version == 1


def test_a_stale_edit_is_a_conflict_naming_the_proposal_and_nothing_changes(users, draft):
    awards.update_proposal(users["longan"], draft, achievements="Bản của người thứ nhất")
    was, entries = fields(draft), audit_count()
    with pytest.raises(Conflict) as caught:
        awards.update_proposal(users["longan"], draft, achievements="Bản cũ", expected_version=1)
    message = caught.value.issues[0].message
    assert f"Đề nghị #{draft.pk} (Trần Văn Phiên Bản, CSTDBT)" in message
    assert "phiên bản 2" in message
    assert fields(draft) == was and audit_count() == entries


@pytest.mark.parametrize("step", ["check", "return", "reject"])
def test_a_stale_step_is_a_conflict_and_the_status_stays(users, submitted, step):
    stale = submitted.version - 1
    was, entries = fields(submitted), audit_count()
    board = users["bantw"]
    with pytest.raises(Conflict):
        if step == "check":
            awards.check_proposal(board, submitted, expected_version=stale)
        elif step == "return":
            awards.return_proposal(board, submitted, "Thiếu", expected_version=stale)
        else:
            awards.reject_proposal(board, submitted, "Không", expected_version=stale)
    assert fields(submitted) == was and audit_count() == entries


def test_the_api_shows_the_version_and_accepts_a_fresh_edit(as_user, draft):
    client = as_user("longan")
    path = f"{V1}/proposals/{draft.pk}"
    assert body(client.get(path))["version"] == 1
    response = client.patch(
        path, json.dumps({"achievements": "Mới", "expected_version": 1}), "application/json"
    )
    assert response.status_code == 200 and body(response)["version"] == 2


def test_a_stale_edit_through_the_api_is_409_and_nothing_changes(as_user, users, draft):
    awards.update_proposal(users["longan"], draft, achievements="Người khác sửa")
    was, entries = fields(draft), audit_count()
    response = as_user("longan").patch(
        f"{V1}/proposals/{draft.pk}",
        json.dumps({"achievements": "Bản cũ", "expected_version": 1}),
        "application/json",
    )
    assert response.status_code == 409
    assert f"Đề nghị #{draft.pk}" in body(response)["detail"][0]["message"]
    assert fields(draft) == was and audit_count() == entries


def test_a_stale_step_through_the_api_is_409_and_a_fresh_one_passes(as_user, submitted):
    board = as_user("bantw")
    base = f"/proposals/{submitted.pk}"
    v = submitted.version
    was = fields(submitted)
    stale_return = post(
        board, V1 + base + "/return", {"reasons": "Thiếu", "expected_version": v - 1}
    )
    assert stale_return.status_code == 409
    # The check has no body: the version goes in the query.
    assert post(board, f"{V1}{base}/check?expected_version={v - 1}").status_code == 409
    assert fields(submitted) == was
    checked = post(board, f"{V1}{base}/check?expected_version={v}")
    assert checked.status_code == 200 and body(checked)["version"] == v + 1
    assert body(checked)["status"] == "checked"


def test_the_proposal_page_carries_the_version_in_each_form(as_user, draft):
    page = as_user("longan").get(reverse("web:proposal", args=[draft.pk])).content.decode()
    assert 'name="expected_version" value="1"' in page


def test_a_fresh_edit_through_the_page_is_saved(as_user, draft):
    url = reverse("web:proposal_edit", args=[draft.pk])
    data = {"year": "2025", "achievements": "Mới", "expected_version": "1"}
    assert as_user("longan").post(url, data).status_code == 302
    assert fields(draft)[1:] == ("Mới", 2025, "", 2)


def test_a_stale_edit_on_the_page_is_409_with_the_message_and_the_input_kept(as_user, users, draft):
    awards.update_proposal(users["longan"], draft, achievements="Người khác sửa")
    was, entries = fields(draft), audit_count()
    url = reverse("web:proposal_edit", args=[draft.pk])
    data = {"year": "2025", "achievements": "Thành tích tôi vừa gõ", "expected_version": "1"}
    response = as_user("longan").post(url, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert f"Đề nghị #{draft.pk}" in page and "phiên bản 2" in page
    assert "Thành tích tôi vừa gõ" in page
    assert 'name="expected_version" value="2"' in page
    assert fields(draft) == was and audit_count() == entries


def test_a_stale_step_on_the_page_is_409_and_the_status_stays(as_user, submitted):
    was = fields(submitted)
    url = reverse("web:proposal_return", args=[submitted.pk])
    data = {"return-reasons": "Thiếu xác nhận", "expected_version": str(submitted.version - 1)}
    response = as_user("bantw").post(url, data)
    assert response.status_code == 409
    assert "Thiếu xác nhận" in response.content.decode()
    assert fields(submitted) == was
    check = as_user("bantw").post(
        reverse("web:proposal_check", args=[submitted.pk]),
        {"expected_version": submitted.version - 1},
    )
    assert check.status_code == 409 and fields(submitted) == was
