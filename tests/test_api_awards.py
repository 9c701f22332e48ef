"""The commendation API: proposals and their steps, eligibility, people, overdue steps, backlog
progress and the registry, each for the role it serves and against the roles it does not.

Cast: `longan` is Long An's officer, `camau` Cà Mau's, `hanoi` an officer elsewhere, `bantw`
the board, `xem` a viewer.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tests.ballot_keys import count, open_ballot
from thidua.accounts.models import AuditEntry
from thidua.awards import services
from thidua.awards.demo import BACKLOG_CODE
from thidua.awards.models import AwardEntry, AwardType, Initiative, Person, Proposal
from thidua.ballots import services as ballots
from thidua.orgs.models import Unit

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
PDF = b"%PDF-1.4\n% minh chung\n"
REQUIRED = ("to_trinh", "bao_cao", "bien_ban")
VOTERS = (
    "angiang baclieu bentre camau dongthap haugiang kiengiang longan soctrang tiengiang "
    "travinh vinhlong"
).split()
NATIONAL_ID = "079183000042"


@pytest.fixture
def as_user(users):
    def login(username: str) -> Client:
        client = Client()
        client.force_login(users[username])
        return client

    return login


def body(response):
    return json.loads(response.content, parse_float=Decimal)


def post(client: Client, path: str, data: dict | None = None):
    return client.post(V1 + path, json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def dept(db):
    return Unit.objects.get(code="80.STC")


@pytest.fixture
def person(dept):
    p = Person.objects.create(
        full_name="Võ Thị Kiểm Thử",
        birth_year=1980,
        unit=dept,
        unit_name="Sở Tài chính tỉnh Long An",
        national_id=NATIONAL_ID,
    )
    cstdcs = AwardType.objects.get(code="CSTDCS")
    for year in (2023, 2024, 2025):
        AwardEntry.objects.create(
            award_type=cstdcs,
            year=year,
            person=p,
            recipient_name=p.full_name,
            birth_year=1980,
            unit_name=p.unit_name,
            decision_number=f"{year - 2000}/QĐ-STC",
            decision_date=date(year + 1, 1, 15),
        )
    Initiative.objects.create(person=p, year=2024, title="Số hóa hồ sơ", scope="bo_tinh")
    return p


@pytest.fixture
def draft(users, person):
    return services.create_proposal(users["longan"], award="CSTDBT", year=2025, person=person)


@pytest.fixture
def closed_session(users, tnb, unit):
    session = ballots.create_session(
        users["camau"],
        tnb,
        2019,
        "Hội đồng xét đề nghị khen thưởng",
        timezone.now() + timedelta(days=1),
        candidates=[(unit("80"), 1)],
    )
    session = open_ballot(users["camau"], session)
    candidate = session.candidates.get().id
    for n, name in enumerate(VOTERS):
        ballots.cast_vote(users[name], session, [candidate] if n < 11 else [])
    return count(session)


# Proposals


def test_the_proposals_are_for_officials_only(client):
    assert client.get(f"{V1}/proposals").status_code == 401


def test_an_officer_lists_its_own_units_proposals_and_the_board_all(as_user, draft):
    mine = body(as_user("longan").get(f"{V1}/proposals"))
    assert mine and {p["proposing_unit"] for p in mine} == {"Long An"}
    assert draft.pk in {p["id"] for p in mine}
    everything = body(as_user("bantw").get(f"{V1}/proposals", {"limit": 500}))
    assert len({p["proposing_unit"] for p in everything}) >= 3
    drafts = body(as_user("bantw").get(f"{V1}/proposals", {"status": "draft", "year": 2025}))
    assert drafts and all(p["status"] == "draft" and p["year"] == 2025 for p in drafts)
    assert as_user("xem").get(f"{V1}/proposals").status_code == 403


@pytest.mark.parametrize("who", ["camau", "hanoi", "kiengiang", "xem"])
def test_an_officer_cannot_read_another_units_draft(as_user, draft, who):
    client = as_user(who)
    assert client.get(f"{V1}/proposals/{draft.pk}").status_code == 403
    assert client.get(f"{V1}/proposals/{draft.pk}/dossier").status_code == 403


def test_a_proposal_carries_its_verdict_missing_documents_and_the_callers_steps(as_user, draft):
    data = body(as_user("longan").get(f"{V1}/proposals/{draft.pk}"))
    assert data["status"] == "draft" and data["nominee"] == "Võ Thị Kiểm Thử"
    assert data["transitions"] == ["submit"]
    assert len(data["missing_documents"]) == 3
    board = body(as_user("bantw").get(f"{V1}/proposals/{draft.pk}"))
    assert board["transitions"] == []
    assert as_user("bantw").get(f"{V1}/proposals/999999").status_code == 404


def test_an_officer_creates_a_proposal_for_its_person(as_user, person):
    response = post(
        as_user("longan"),
        "/proposals",
        {"award": "CSTDBT", "year": 2025, "person_id": person.pk, "achievements": "Tốt."},
    )
    assert response.status_code == 201, response.content
    data = body(response)
    assert data["status"] == "draft" and data["proposing_unit"] == "Long An"
    assert AuditEntry.objects.filter(
        action="awards.proposal.created", object_id=str(data["id"]), via="api"
    ).exists()


@pytest.mark.parametrize(("who", "code"), [("camau", 403), ("bantw", 403), ("xem", 403)])
def test_nobody_else_creates_a_proposal_for_that_person(as_user, person, who, code):
    response = post(
        as_user(who), "/proposals", {"award": "CSTDBT", "year": 2025, "person_id": person.pk}
    )
    assert response.status_code == code
    assert not Proposal.objects.filter(person=person).exists()


def test_a_nominee_is_one_person_or_one_collective_that_exists(as_user, person, dept):
    client = as_user("longan")
    neither = post(client, "/proposals", {"award": "CSTDBT", "year": 2025})
    assert neither.status_code == 422 and body(neither)["detail"][0]["column"] == "person_id"
    both = {"award": "CSTDBT", "year": 2025, "person_id": person.pk, "unit_id": dept.pk}
    assert post(client, "/proposals", both).status_code == 422
    unknown = post(client, "/proposals", {"award": "CSTDBT", "year": 2025, "person_id": 10**9})
    assert unknown.status_code == 404


def test_a_draft_is_edited_and_a_submitted_one_is_not(as_user, draft):
    client = as_user("longan")
    path = f"{V1}/proposals/{draft.pk}"
    changed = client.patch(path, json.dumps({"achievements": "Mới"}), "application/json")
    assert changed.status_code == 200 and body(changed)["achievements"] == "Mới"
    assert as_user("hanoi").patch(path, "{}", "application/json").status_code == 403
    for kind in REQUIRED:
        services.attach_file(draft.created_by, draft, name="a.pdf", content=PDF, kind=kind)
    assert post(client, f"/proposals/{draft.pk}/submit").status_code == 200
    refused = client.patch(path, json.dumps({"year": 2024}), "application/json")
    assert refused.status_code == 409  # the status no longer allows editing


def test_the_whole_workflow_through_the_api(as_user, draft, closed_session):
    officer, board = as_user("longan"), as_user("bantw")
    base = f"/proposals/{draft.pk}"
    for kind in REQUIRED:
        upload = io.BytesIO(PDF)
        upload.name = f"{kind}.pdf"
        added = officer.post(f"{V1}{base}/files", {"kind": kind, "file": upload})
        assert added.status_code == 201, added.content
    assert body(officer.get(V1 + base))["missing_documents"] == []
    submitted = body(post(officer, base + "/submit"))
    # Records meet every checkable condition; "tiêu biểu xuất sắc" is left to verify, so the
    # verdict is "chưa đủ căn cứ" (not eligible yet) and no justification is asked for.
    assert submitted["status"] == "submitted"
    assert submitted["eligibility"]["outcome"] == "to_verify"
    assert submitted["eligibility"]["eligible"] is False
    assert post(officer, base + "/check").status_code == 403
    assert body(post(board, base + "/check"))["status"] == "checked"
    assert (
        post(
            board, base + "/decide", {"number": "1", "date": "2020-01-01", "signer": "x"}
        ).status_code
        == 409
    )
    assert post(board, base + "/vote", {"session_id": 10**6}).status_code == 404
    voted = body(post(board, base + "/vote", {"session_id": closed_session.pk}))
    assert voted["status"] == "voted" and voted["council_result"]["passed"] is True
    assert body(post(board, base + "/forward", {"to": "Chủ tịch UBND tỉnh"}))["forwarded_to"]
    day = timezone.localdate() - timedelta(days=1)
    decided = body(
        post(
            board,
            base + "/decide",
            {"number": "77/QĐ-UBND", "date": day.isoformat(), "signer": "Chủ tịch UBND tỉnh"},
        )
    )
    assert decided["status"] == "decided" and decided["decision_date"] == day.isoformat()
    entry = AwardEntry.objects.get(pk=decided["registry_entry_id"])
    assert entry.decision_number == "77/QĐ-UBND" and entry.person_id == draft.person_id
    found = body(board.get(f"{V1}/registry", {"q": "vo thi kiem thu", "award": "CSTDBT"}))
    assert [r["decision"] for r in found] == ["77/QĐ-UBND"]


def test_returning_and_rejecting_need_reasons(as_user, draft):
    for kind in REQUIRED:
        services.attach_file(draft.created_by, draft, name="a.pdf", content=PDF, kind=kind)
    services.submit_proposal(draft.created_by, draft)
    board = as_user("bantw")
    base = f"/proposals/{draft.pk}"
    assert post(board, base + "/return", {"reasons": " "}).status_code == 422
    returned = post(board, base + "/return", {"reasons": "Thiếu xác nhận\nBổ sung"})
    assert body(returned)["note"] == "Thiếu xác nhận\nBổ sung"
    assert post(board, base + "/reject", {"reasons": "x"}).status_code == 409  # from returned


def test_the_dossier_is_a_zip(as_user, draft):
    response = as_user("longan").get(f"{V1}/proposals/{draft.pk}/dossier")
    assert response["Content-Type"] == "application/zip"
    assert "manifest.json" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


# Eligibility


def test_the_eligibility_of_one_nominee(as_user, person):
    response = post(
        as_user("longan"), "/eligibility", {"award": "CSTDBT", "year": 2025, "person_id": person.pk}
    )
    data = body(response)
    # Three CSTĐCS and the initiative are in the records; "tiêu biểu xuất sắc" is to verify.
    assert data["outcome"] == "to_verify" and data["eligible"] is False
    assert [c["status"] for c in data["conditions"]] == ["passed", "passed", "to_verify"]
    assert data["rule"]["verification"] == "VERIFIED"
    assert "Điều 22" in data["rule"]["legal_basis"] and "06/2022/QH15" in data["rule"]["decree"]
    assert any("Chiến sĩ thi đua cơ sở 2024" in r for c in data["conditions"] for r in c["records"])


def test_the_eligibility_of_a_batch_reads_each_nominee(as_user, person, dept):
    nominees = [
        {"award": "CSTDBT", "year": 2025, "person_id": person.pk},
        {"award": "CSTDBT", "year": 2024, "person_id": person.pk},
        {"award": "TTLDTT", "year": 2025, "unit_id": dept.pk},
    ]
    data = body(post(as_user("longan"), "/eligibility/batch", {"nominees": nominees}))
    assert [v["outcome"] for v in data][:2] == ["to_verify", "ineligible"]
    assert data[2]["unit_id"] == dept.pk and data[2]["rule"]["verification"] == "UNVERIFIED"


def test_an_officer_does_not_read_another_units_records(as_user, person):
    one = {"award": "CSTDBT", "year": 2025, "person_id": person.pk}
    assert post(as_user("camau"), "/eligibility", one).status_code == 403
    assert post(as_user("camau"), "/eligibility/batch", {"nominees": [one]}).status_code == 403
    assert post(as_user("xem"), "/eligibility", one).status_code == 403
    assert post(as_user("bantw"), "/eligibility", one).status_code == 200


def test_a_batch_names_the_rows_without_a_nominee_and_refuses_unknown_ones(as_user, person):
    one = {"award": "CSTDBT", "year": 2025, "person_id": person.pk}
    nobody = {"award": "CSTDBT", "year": 2025}
    response = post(as_user("bantw"), "/eligibility/batch", {"nominees": [one, nobody, nobody]})
    assert response.status_code == 422
    assert [i["row"] for i in body(response)["detail"]] == [1, 2]
    unknown = [one, {"award": "CSTDBT", "year": 2025, "person_id": 10**9}]
    assert post(as_user("bantw"), "/eligibility/batch", {"nominees": unknown}).status_code == 404


def test_a_step_the_status_does_not_allow_is_a_conflict(as_user, draft):
    response = post(as_user("bantw"), f"/proposals/{draft.pk}/check")
    assert response.status_code == 409 and "Đang soạn" in body(response)["detail"][0]["message"]
    services.submit_proposal(draft.created_by, draft)  # with no evidence attached
    incomplete = post(as_user("bantw"), f"/proposals/{draft.pk}/check")
    assert incomplete.status_code == 409 and body(incomplete)["detail"][0]["column"] == "files"
    assert Proposal.objects.get(pk=draft.pk).status == "submitted"


# People, overdue steps and the backlog


@pytest.mark.parametrize(
    ("who", "sees"),
    [("longan", True), ("bantw", True), ("hanoi", False), ("xem", False), ("camau", False)],
)
def test_a_persons_national_id_only_for_who_may_see_it(as_user, person, who, sees):
    data = body(as_user(who).get(f"{V1}/people/{person.pk}"))
    assert data["full_name"] == "Võ Thị Kiểm Thử" and data["personal_data"] is sees
    assert (data["national_id"] == NATIONAL_ID) is sees
    assert (data["national_id"] is None) is not sees
    assert [t["year"] for t in data["titles"]] == [2025, 2024, 2023]
    assert data["initiatives"][0]["title"] == "Số hóa hồ sơ"


def test_people_are_found_in_the_officers_own_units(as_user, person):
    assert person.pk in {p["id"] for p in body(as_user("longan").get(f"{V1}/people?q=kiem thu"))}
    assert person.pk not in {p["id"] for p in body(as_user("camau").get(f"{V1}/people?q=kiem"))}
    assert body(as_user("longan").get(f"{V1}/people?q=k")) == []


def test_the_overdue_list_is_each_roles_own(as_user):
    board = body(as_user("bantw").get(f"{V1}/overdue"))
    assert board and all(r["working_days_late"] > 0 for r in board)
    assert {r["status"] for r in board} <= {"submitted", "checked", "voted", "forwarded"}
    unit = body(as_user("longan").get(f"{V1}/overdue"))
    assert all(r["status"] == "returned" for r in unit)
    assert as_user("xem").get(f"{V1}/overdue").status_code == 403


def test_the_backlog_progress(as_user):
    data = body(as_user("xem").get(f"{V1}/backlog/{BACKLOG_CODE}"))
    assert data["totals"]["total"] == 40 and sum(u["total"] for u in data["units"]) == 40
    assert isinstance(data["pace_per_month"], Decimal)
    assert as_user("xem").get(f"{V1}/backlog/NOPE").status_code == 404


# The registry


def test_the_registry_search_gives_the_agreed_fields(as_user, person):
    rows = body(as_user("hanoi").get(f"{V1}/registry", {"q": "vo thi kiem thu", "born": 1980}))
    assert len(rows) == 3
    assert {"person", "born", "unit", "award", "year", "decision"} <= set(rows[0])
    assert rows[0]["born"] == 1980 and rows[0]["person"] == "Võ Thị Kiểm Thử"
    by_year = body(as_user("hanoi").get(f"{V1}/registry", {"q": "kiem thu", "year": 2024}))
    assert [r["year"] for r in by_year] == [2024]


def test_the_registry_api_is_not_for_the_public(client):
    assert client.get(f"{V1}/registry", {"q": "nguyen"}).status_code == 401


def test_the_registry_statistics(as_user):
    rows = body(as_user("xem").get(f"{V1}/registry/statistics", {"by": "award"}))
    assert sum(r["count"] for r in rows) == AwardEntry.objects.count()
    assert rows[0]["count"] >= rows[-1]["count"]
    assert as_user("xem").get(f"{V1}/registry/statistics", {"by": "x"}).status_code == 422
