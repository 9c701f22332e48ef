"""The commendation pages and the public look-up, each for the role it serves and against the
roles it does not.

Cast (see conftest): `longan` is Long An's officer (its departments' people are its own), `camau`
is Cà Mau's officer (and TNB's head secretariat), `hanoi` an officer elsewhere, `bantw` the
central board, `xem` a viewer; the public has no login.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.ballot_keys import count, open_ballot
from thidua.accounts.models import AuditEntry
from thidua.awards import services
from thidua.awards.demo import BACKLOG_CODE
from thidua.awards.models import (
    AwardEntry,
    AwardRule,
    AwardType,
    Initiative,
    Person,
    Proposal,
    ProposalStatus,
    Verification,
)
from thidua.ballots import services as ballots
from thidua.orgs.models import Unit

pytestmark = pytest.mark.django_db

S = ProposalStatus
PDF = b"%PDF-1.4\n% minh chung\n"
REQUIRED = (("to_trinh", "to-trinh.pdf"), ("bao_cao", "bao-cao.pdf"), ("bien_ban", "bb.pdf"))
VOTERS = (
    "angiang baclieu bentre camau dongthap haugiang kiengiang longan soctrang tiengiang "
    "travinh vinhlong"
).split()
NATIONAL_ID = "079183000042"
BORN = 1901  # no demo person is this old: the number shows only if the birth year leaks


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def as_user(client, users):
    def login(name: str):
        client.force_login(users[name])
        return client

    return login


@pytest.fixture
def dept(db):
    return Unit.objects.get(code="80.STC")


@pytest.fixture
def person(dept):
    """Three CSTĐCS in a row and a province-scope initiative: eligible for CSTĐ tỉnh 2025."""
    p = Person.objects.create(
        full_name="Võ Thị Kiểm Thử",
        birth_year=BORN,
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
            birth_year=BORN,
            unit_name=p.unit_name,
            decision_number=f"{year - 2000}/QĐ-STC",
            decision_date=date(year + 1, 1, 15),
        )
    Initiative.objects.create(person=p, year=2024, title="Số hóa hồ sơ", scope="bo_tinh")
    return p


@pytest.fixture
def draft(users, person):
    return services.create_proposal(users["longan"], award="CSTDBT", year=2025, person=person)


def attach_required(user, proposal):
    for kind, name in REQUIRED:
        services.attach_file(user, proposal, name=name, content=PDF, kind=kind)


@pytest.fixture
def submitted(users, draft):
    attach_required(users["longan"], draft)
    return services.submit_proposal(users["longan"], draft)


@pytest.fixture
def checked(users, submitted):
    return services.check_proposal(users["bantw"], submitted)


def closed_ballot(users, tnb, unit, approvals: int = 11):
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
        ballots.cast_vote(users[name], session, [candidate] if n < approvals else [])
    return count(session)


@pytest.fixture
def voted(users, checked, tnb, unit):
    session = closed_ballot(users, tnb, unit)
    return services.record_council_vote(users["bantw"], checked, session)


def url(name: str, *args) -> str:
    return reverse(f"web:{name}", args=args)


def text(response) -> str:
    return response.content.decode()


# Who may open the pages


@pytest.mark.parametrize(
    "name", ["awards", "proposals", "proposal_new", "eligibility", "overdue", "registry"]
)
def test_the_officials_pages_send_the_public_to_the_login(client, name):
    response = client.get(url(name))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_header_links_to_commendation_for_officials_and_to_the_look_up_for_everyone(
    client, as_user
):
    public = text(client.get(url("lookup")))
    assert url("lookup") in public and f'href="{url("awards")}"' not in public
    page = text(as_user("longan").get(url("dashboard")))
    assert f'href="{url("awards")}"' in page and "Khen thưởng" in page


def test_the_dashboard_card_counts_what_waits_on_the_role(as_user, submitted):
    board = as_user("bantw").get(url("dashboard"))
    assert board.context["awards"]["waiting"] >= 1
    assert 'id="awards-card"' in text(board)
    viewer = as_user("xem").get(url("dashboard"))
    assert viewer.context["awards"] == {"proposing": False}


@pytest.mark.parametrize("who", ["xem"])
def test_a_viewer_has_no_proposal_pages(as_user, who):
    client = as_user(who)
    for name in ("proposals", "proposal_new", "eligibility", "overdue"):
        assert client.get(url(name)).status_code == 403, name
    assert client.get(url("awards")).status_code == 200


# The list


def test_an_officer_lists_only_its_own_units_proposals(as_user, draft):
    response = as_user("longan").get(url("proposals"))
    units = {p.proposing_unit.code for p, _name in response.context["rows"]}
    assert units == {"80"}
    assert f'id="proposal-{draft.pk}"' in text(response)


def test_the_board_lists_every_unit_and_filters_by_status_award_and_year(as_user, draft):
    client = as_user("bantw")
    everything = client.get(url("proposals"))
    assert {p.proposing_unit.code for p, _n in everything.context["rows"]} >= {"80", "91", "96"}
    drafts = client.get(url("proposals"), {"status": "draft", "award": "CSTDBT", "year": 2025})
    rows = [p for p, _n in drafts.context["rows"]]
    assert rows and all(
        p.status == S.DRAFT and p.award_type.code == "CSTDBT" and p.year == 2025 for p in rows
    )
    assert draft in rows


def test_the_list_reads_a_fixed_number_of_queries(as_user, django_assert_max_num_queries):
    client = as_user("bantw")
    client.get(url("proposals"))
    with django_assert_max_num_queries(12):
        client.get(url("proposals"))


# One proposal


@pytest.mark.parametrize("who", ["camau", "hanoi", "xem", "kiengiang"])
def test_an_officer_cannot_see_another_units_draft(as_user, draft, who):
    client = as_user(who)
    assert client.get(url("proposal", draft.pk)).status_code == 403
    assert client.post(url("proposal_dossier", draft.pk)).status_code == 403


def test_the_proposal_page_shows_verdict_records_basis_and_what_is_missing(as_user, draft):
    page = text(as_user("longan").get(url("proposal", draft.pk)))
    assert "Chưa đủ căn cứ: còn điều kiện cần xác minh" in page
    assert page.count('class="pass"') == 2 and 'class="attest"' in page and "✓" in page
    assert "Chiến sĩ thi đua cơ sở 2024 (QĐ 24/QĐ-STC)" in page  # a record the verdict used
    assert "Điều 22 Luật Thi đua, khen thưởng 06/2022/QH15" in page
    assert "đã đối chiếu văn bản" in page
    assert 'id="missing"' in page and "Tờ trình" in page and "Biên bản họp" in page
    assert 'id="submit-form"' in page and 'id="check-form"' not in page


def test_an_unverified_rule_is_shown_with_a_warning(as_user, draft):
    AwardRule.objects.filter(award_type__code="CSTDBT").update(verification=Verification.UNVERIFIED)
    page = text(as_user("longan").get(url("proposal", draft.pk)))
    assert 'role="alert"' in page and "Tiêu chuẩn chưa được đối chiếu với văn bản gốc." in page
    assert "chưa đối chiếu – cần kiểm tra" in page


def test_a_failed_condition_is_marked_and_submitting_needs_a_justification(as_user, users, dept):
    nobody = Person.objects.create(full_name="Lê Văn Chưa Đủ", birth_year=1985, unit=dept)
    proposal = services.create_proposal(users["longan"], award="CSTDBT", year=2025, person=nobody)
    client = as_user("longan")
    page = text(client.get(url("proposal", proposal.pk)))
    assert "Chưa đủ điều kiện theo dữ liệu" in page and 'class="fail"' in page
    response = client.post(url("proposal_submit", proposal.pk), follow=True)
    assert "cần giải trình" in text(response)
    assert Proposal.objects.get(pk=proposal.pk).status == S.DRAFT
    client.post(url("proposal_submit", proposal.pk), {"justification": "Thành tích đột xuất."})
    proposal.refresh_from_db()
    assert proposal.status == S.SUBMITTED and proposal.justification == "Thành tích đột xuất."


# Creating a proposal


def test_an_officer_finds_its_people_by_name_without_diacritics(as_user, person):
    response = as_user("longan").get(url("proposal_new"), {"q": "vo thi kiem thu"})
    assert person in response.context["people"]
    assert f"?person={person.pk}" in text(response)


def test_the_search_does_not_find_another_units_people(as_user, person):
    response = as_user("camau").get(url("proposal_new"), {"q": "vo thi kiem thu"})
    assert person not in response.context["people"]
    assert as_user("camau").get(url("proposal_new"), {"person": person.pk}).status_code == 403


def test_an_officer_creates_a_proposal_then_uploads_evidence(as_user, person):
    client = as_user("longan")
    form = client.get(url("proposal_new"), {"person": person.pk})
    assert 'id="proposal-form"' in text(form)
    response = client.post(
        url("proposal_new") + f"?person={person.pk}",
        {"award": "CSTDBT", "year": "2025", "achievements": "Hoàn thành xuất sắc."},
    )
    proposal = Proposal.objects.get(person=person, award_type__code="CSTDBT", year=2025)
    assert response.status_code == 302 and response["Location"] == url("proposal", proposal.pk)
    assert proposal.status == S.DRAFT and proposal.proposing_unit.code == "80"
    upload = SimpleUploadedFile("to-trinh.pdf", PDF, content_type="application/pdf")
    client.post(url("proposal_file", proposal.pk), {"kind": "to_trinh", "file": upload})
    assert proposal.files.get().original_name == "to-trinh.pdf"
    page = text(client.get(url("proposal", proposal.pk)))
    assert "to-trinh.pdf" in page and "Thêm tài liệu" in page and "Tạo đề nghị" in page


def test_an_officer_proposes_one_of_its_collectives(as_user, dept):
    client = as_user("longan")
    picker = client.get(url("proposal_new"))
    assert dept in picker.context["units"]
    client.post(url("proposal_new") + f"?unit={dept.pk}", {"award": "TTLDTT", "year": "2025"})
    assert Proposal.objects.filter(nominee_unit=dept, award_type__code="TTLDTT").exists()


def test_a_wrong_file_is_refused_with_a_message(as_user, draft):
    client = as_user("longan")
    upload = SimpleUploadedFile("virus.exe", b"MZ...", content_type="application/octet-stream")
    response = client.post(
        url("proposal_file", draft.pk), {"kind": "khac", "file": upload}, follow=True
    )
    assert "không được nhận" in text(response) and not draft.files.exists()


def test_the_board_does_not_propose(as_user, person):
    assert as_user("bantw").get(url("proposal_new")).status_code == 403


# The workflow through the pages


def test_officers_do_not_take_the_boards_steps_and_nothing_changes(as_user, submitted):
    client = as_user("longan")
    for step in ("check", "return", "vote", "forward", "decide", "reject"):
        assert client.post(url(f"proposal_{step}", submitted.pk)).status_code == 403, step
    assert Proposal.objects.get(pk=submitted.pk).status == S.SUBMITTED


def test_the_board_returns_with_reasons_and_the_unit_sees_them(as_user, submitted):
    board = as_user("bantw")
    response = board.post(url("proposal_return", submitted.pk), follow=True)
    assert Proposal.objects.get(pk=submitted.pk).status == S.SUBMITTED
    assert "Lý do" in text(response)
    board.post(url("proposal_return", submitted.pk), {"return-reasons": "Thiếu xác nhận."})
    page = text(as_user("longan").get(url("proposal", submitted.pk)))
    assert 'id="return-note"' in page and "Thiếu xác nhận." in page
    assert "Trả lại để bổ sung" in page  # the history


def test_the_board_checks_votes_forwards_and_decides(as_user, users, submitted, tnb, unit):
    board = as_user("bantw")
    board.post(url("proposal_check", submitted.pk))
    assert Proposal.objects.get(pk=submitted.pk).status == S.CHECKED
    session = closed_ballot(users, tnb, unit)
    page = board.get(url("proposal", submitted.pk))
    choice = f"{session.pk}:{session.candidates.get().pk}"
    assert choice in [c for c, _label in page.context["vote_form"].fields["result"].choices]
    board.post(url("proposal_vote", submitted.pk), {"result": choice})
    assert Proposal.objects.get(pk=submitted.pk).status == S.VOTED
    board.post(url("proposal_forward", submitted.pk), {"to": "Chủ tịch UBND tỉnh Long An"})
    day = timezone.localdate() - timedelta(days=3)
    response = board.post(
        url("proposal_decide", submitted.pk),
        {"number": "123/QĐ-UBND", "decided_on": day.strftime("%d/%m/%Y"), "signer": "Chủ tịch"},
        follow=True,
    )
    proposal = Proposal.objects.get(pk=submitted.pk)
    assert proposal.status == S.DECIDED and proposal.decision_date == day
    assert proposal.registry_entry.decision_number == "123/QĐ-UBND"
    page = text(response)
    assert 'id="decision"' in page and day.strftime("%d/%m/%Y") in page
    history = [e.action for e in AuditEntry.objects.filter(object_id=str(proposal.pk))]
    assert "awards.proposal.decided" in history


def test_a_decision_date_must_be_day_month_year(as_user, voted):
    response = as_user("bantw").post(
        url("proposal_decide", voted.pk),
        {"number": "1/QĐ", "decided_on": "2026-02-05", "signer": "Chủ tịch"},
        follow=True,
    )
    assert Proposal.objects.get(pk=voted.pk).status == S.VOTED
    assert "Ngày quyết định" in text(response)


def test_a_rejection_needs_reasons(as_user, checked):
    board = as_user("bantw")
    board.post(url("proposal_reject", checked.pk), {"reject-reasons": " "})
    assert Proposal.objects.get(pk=checked.pk).status == S.CHECKED
    board.post(url("proposal_reject", checked.pk), {"reject-reasons": "Chưa tiêu biểu."})
    assert Proposal.objects.get(pk=checked.pk).status == S.REJECTED


def _made_by_the_worker(client, response) -> bytes:
    """Follow a started job: the worker runs it, its page offers the file; the file."""
    from thidua.jobs.worker import run_queued

    assert response.status_code == 302 and "/viec/" in response["Location"], response
    assert run_queued() == 1
    page = client.get(response["Location"])
    assert "Tệp đã sẵn sàng" in text(page)
    download = client.get(response["Location"] + "tai-ve/")
    return b"".join(download.streaming_content)


def test_the_dossier_bundle_is_a_zip_of_documents_evidence_and_manifest(as_user, submitted):
    client = as_user("longan")
    data = _made_by_the_worker(client, client.post(url("proposal_dossier", submitted.pk)))
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "manifest.json" in names and "to-trinh.docx" in names
    assert any(n.startswith("minh-chung/") for n in names)


def test_a_batch_bundle_is_one_units_and_only_what_the_user_sees(as_user, submitted):
    board = as_user("bantw")
    other = Proposal.objects.exclude(proposing_unit=submitted.proposing_unit).first()
    mixed = board.post(url("proposals_dossier"), {"id": [submitted.pk, other.pk]}, follow=True)
    assert "cùng một đơn vị đề nghị" in text(mixed)
    one = board.post(url("proposals_dossier"), {"id": [submitted.pk]})
    assert zipfile.ZipFile(io.BytesIO(_made_by_the_worker(board, one))).namelist()
    refused = as_user("camau").post(url("proposals_dossier"), {"id": [submitted.pk]})
    assert refused.status_code == 403


# The eligibility checker, overdue steps, people


def test_the_eligibility_checker_gives_the_verdict_for_an_officers_person(as_user, person):
    client = as_user("longan")
    response = client.get(
        url("eligibility"), {"person": person.pk, "award": "CSTDBT", "year": 2025}
    )
    assert response.context["verdict"]["outcome"] == "to_verify"
    assert "Chiến sĩ thi đua Bộ, ban, ngành, tỉnh" in text(response)
    assert as_user("camau").get(url("eligibility"), {"person": person.pk}).status_code == 403


def test_the_checker_warns_for_an_unverified_rule_of_a_collective(as_user, dept):
    response = as_user("longan").get(
        url("eligibility"), {"unit": dept.pk, "award": "TTLDTT", "year": 2025}
    )
    assert response.context["unverified"] is True
    assert "Tiêu chuẩn chưa được đối chiếu với văn bản gốc." in text(response)


def test_the_overdue_list_is_the_boards_steps_and_the_units_returns(as_user):
    board = as_user("bantw").get(url("overdue"))
    statuses = {r["status"] for r in board.context["rows"]}
    assert statuses and statuses <= {"submitted", "checked", "voted", "forwarded"}
    unit = as_user("longan").get(url("overdue"))
    assert all(r["status"] == "returned" for r in unit.context["rows"])
    assert re.search(r'class="badge late">\d+<', text(board))


@pytest.mark.parametrize(
    ("who", "sees"),
    [("longan", True), ("bantw", True), ("hanoi", False), ("xem", False), ("camau", False)],
)
def test_the_person_page_shows_the_national_id_only_to_who_may_see_it(as_user, person, who, sees):
    response = as_user(who).get(url("person", person.pk))
    page = text(response)
    assert response.status_code == 200 and "Võ Thị Kiểm Thử" in page and str(BORN) in page
    assert (NATIONAL_ID in page) is sees
    assert "Số hóa hồ sơ" in page and "24/QĐ-STC" in page


def test_the_person_page_is_for_officials(client, person):
    assert "/login/" in client.get(url("person", person.pk))["Location"]


# The board's review of duplicates


def test_only_the_board_sees_the_duplicates_and_merges_with_a_reason(as_user):
    for who in ("longan", "camau", "xem"):
        assert as_user(who).get(url("duplicates")).status_code == 403
        assert as_user(who).post(url("duplicates_merge")).status_code == 403
    board = as_user("bantw")
    groups = board.get(url("duplicates")).context["groups"]
    assert groups
    keep, other = groups[0].people[0]["id"], groups[0].people[1]["id"]
    refused = board.post(url("duplicates_merge"), {"keep": keep, "other": other}, follow=True)
    assert "Lý do" in text(refused) and Person.objects.get(pk=other).merged_into_id is None
    board.post(url("duplicates_merge"), {"keep": keep, "other": other, "reason": "Cùng người."})
    assert Person.objects.get(pk=other).merged_into_id == keep


def test_the_backlog_page_shows_counts_by_unit_and_the_projection(as_user):
    response = as_user("xem").get(url("backlog", BACKLOG_CODE))
    data = response.context["data"]
    assert data["totals"]["total"] == 40 and data["units"]
    page = text(response)
    assert 'id="backlog-units"' in page and "Dự kiến hoàn thành" in page
    assert as_user("xem").get(url("backlog", "NOPE")).status_code == 404


# The registry for officials


def test_officials_search_the_registry_without_diacritics_and_see_the_birth_year(as_user, person):
    response = as_user("hanoi").get(url("registry"), {"q": "vo thi kiem thu"})
    rows = [r for _e, r in response.context["rows"]]
    assert len(rows) == 3 and all(r["born"] == BORN for r in rows)
    page = text(response)
    assert str(BORN) in page and url("person", person.pk) in page


def test_the_registry_says_when_it_shows_corrections_of_the_name(as_user, person):
    client = as_user("hanoi")
    exact = client.get(url("registry"), {"q": "vo thi kiem thu"})
    assert 'id="search-approximate"' not in text(exact)
    typo = client.get(url("registry"), {"q": "vo thi kiem thuu"})
    rows = [r for _e, r in typo.context["rows"]]
    assert rows and all(r["person"] == "Võ Thị Kiểm Thử" for r in rows)
    assert 'id="search-approximate"' in text(typo)
    # It names what was searched and asks "did you mean" (issue 20).
    assert "bắt đầu như “vo thi kiem thuu”; có phải bạn tìm" in text(typo)


def test_the_registry_filters_by_birth_year_award_year_and_unit(as_user, person):
    client = as_user("bantw")
    found = client.get(
        url("registry"), {"q": "kiem thu", "born": BORN, "award": "CSTDCS", "year": 2024}
    )
    assert [r["year"] for _e, r in found.context["rows"]] == [2024]
    none = client.get(url("registry"), {"q": "kiem thu", "born": BORN + 1})
    assert none.context["page"].paginator.count == 0
    by_unit = client.get(url("registry"), {"q": "kiem thu", "unit": "Sở Tài chính tỉnh Long An"})
    assert by_unit.context["page"].paginator.count == 3


def test_the_registry_is_paginated_and_exported_to_excel(as_user):
    client = as_user("bantw")
    response = client.get(url("registry"), {"q": "nguyen"})
    page = response.context["page"]
    assert page.paginator.count > 50 and len(page.object_list) == 50
    second = client.get(url("registry"), {"q": "nguyen", "page": 2}).context["page"]
    assert second.number == 2
    export = client.get(url("registry_xlsx"), {"q": "nguyen", "year": 2020})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Họ và tên / tập thể" and len(rows) > 1
    assert all(r[4] == 2020 and "nguyen" in r[0].lower().replace("ễ", "e") for r in rows[1:])


def test_the_statistics_count_by_year_award_and_unit_with_a_chart(as_user):
    client = as_user("xem")
    total = AwardEntry.objects.count()
    for by in ("year", "award", "unit"):
        response = client.get(url("award_statistics"), {"by": by})
        assert response.context["total"] == total
    chart = client.get(url("award_chart"), {"by": "award"})
    assert chart["Content-Type"] == "image/svg+xml" and b"<svg" in chart.content
    assert "Lao động tiên tiến" in chart.content.decode()


def test_the_registry_pages_are_not_for_the_public(client):
    for name in ("registry", "registry_xlsx", "award_statistics", "award_chart"):
        assert "/login/" in client.get(url(name))["Location"], name


# The public look-up


def test_the_public_finds_an_award_without_logging_in(client, person):
    response = client.get(url("lookup"), {"q": "vo thi kiem thu"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 3 and {r["award"] for r in rows} == {"Chiến sĩ thi đua cơ sở"}
    page = text(response)
    assert "Võ Thị Kiểm Thử" in page and "24/QĐ-STC" in page and "15/01/2025" in page
    assert response["X-Robots-Tag"].startswith("noindex")


def results_table(page: str) -> str:
    start = page.index('id="lookup-results"')
    return page[start : page.index("</table>", start)]


def test_the_public_page_never_shows_the_birth_year_or_the_id(client, person, draft):
    Person.objects.filter(pk=person.pk).update(national_id=NATIONAL_ID)
    for params in ({"q": "kiem thu"}, {"q": "kiem thu", "born": BORN}):
        response = client.get(url("lookup"), params)
        results = results_table(text(response))
        assert len(response.context["rows"]) == 3 and "Võ Thị Kiểm Thử" in results
        assert str(BORN) not in results and NATIONAL_ID not in text(response)
        for row in response.context["rows"]:
            assert set(row) <= {
                "person", "unit", "award", "award_code", "year", "decision", "decision_date",
                "decision_day",
            }  # fmt: skip
    assert "Hoàn thành" not in text(client.get(url("lookup"), {"q": "kiem thu"}))  # no ratings
    # Neither the birth year nor the ID is searched: they cannot be probed.
    assert client.get(url("lookup"), {"q": str(BORN)}).context["rows"] == []
    assert client.get(url("lookup"), {"q": NATIONAL_ID}).context["rows"] == []


def test_the_public_filters_by_year_and_award(client, person):
    rows = client.get(url("lookup"), {"q": "kiem thu", "year": 2023}).context["rows"]
    assert [r["year"] for r in rows] == [2023]
    none = client.get(url("lookup"), {"q": "kiem thu", "award": "BK_BT"}).context["rows"]
    assert none == []


def test_the_public_query_needs_two_letters_and_pages_are_bounded(client):
    short = client.get(url("lookup"), {"q": "a"})
    assert short.context["page"] is None and "ít nhất 2 ký tự" in text(short)
    big = client.get(url("lookup"), {"q": "nguyen", "size": 500})
    assert len(big.context["page"].object_list) == 50
    far = client.get(url("lookup"), {"q": "nguyen", "page": 999})
    assert far.context["page"].number <= 20


def test_the_public_look_up_is_rate_limited_per_address(client, settings):
    settings.THIDUA_LOOKUP_PER_MINUTE = 3
    codes = [client.get(url("lookup"), {"q": "tran"}).status_code for _i in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "quá nhiều lần" in text(client.get(url("lookup"), {"q": "tran"}))
    assert client.get(url("lookup")).status_code == 200  # the empty form is not counted


def test_the_public_page_is_vietnamese_first_and_switches_to_english(client):
    assert "Tra cứu khen thưởng" in text(client.get(url("lookup")))
    client.cookies["django_language"] = "en"
    assert "Look up awards" in text(client.get(url("lookup")))
