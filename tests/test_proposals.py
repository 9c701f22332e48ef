"""Commendation proposals: each workflow step, who may take it, its audit, files and dossiers."""

import io
import json
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from docx import Document

from tests.ballot_keys import count, open_ballot
from thidua.accounts.models import AuditEntry
from thidua.awards import dossier_docs, files, privacy, selectors, services
from thidua.awards.deadlines import add_working_days
from thidua.awards.demo import DEMO_SOURCE, DEPARTMENTS, TNB
from thidua.awards.models import (
    AwardEntry,
    AwardRule,
    AwardType,
    BacklogCase,
    BacklogProgramme,
    Initiative,
    Person,
    Proposal,
    ProposalFile,
    ProposalStatus,
    Rating,
)
from thidua.ballots import services as ballots
from thidua.common.errors import ValidationFailed
from thidua.orgs.models import Unit

S = ProposalStatus
TODAY = date(2026, 3, 2)
VOTERS = (
    "angiang baclieu bentre camau dongthap haugiang kiengiang longan soctrang tiengiang "
    "travinh vinhlong"
).split()
PDF = b"%PDF-1.4\n% minh chung\n"
REQUIRED = (("to_trinh", "to-trinh.pdf"), ("bao_cao", "bao-cao.pdf"), ("bien_ban", "bb.pdf"))


@pytest.fixture
def dept(db):
    """A department of Long An (2019) from the demo registry."""
    return Unit.objects.get(code="80.STC")


@pytest.fixture
def person(dept):
    """Three CSTĐCS in a row and a province-scope initiative: eligible for CSTĐ tỉnh 2025."""
    p = Person.objects.create(
        full_name="Võ Thị Kiểm Thử",
        birth_year=1980,
        unit=dept,
        unit_name="Sở Tài chính tỉnh Long An",
        national_id="000000000001",
    )
    cstdcs = AwardType.objects.get(code="CSTDCS")
    for year in (2023, 2024, 2025):
        AwardEntry.objects.create(
            award_type=cstdcs, year=year, person=p, recipient_name=p.full_name, birth_year=1980
        )
    Initiative.objects.create(person=p, year=2024, title="Số hóa hồ sơ", scope="bo_tinh")
    return p


@pytest.fixture
def draft(users, person):
    return services.create_proposal(
        users["longan"], award="CSTDBT", year=2025, person=person, today=TODAY
    )


def attach_required(user, proposal):
    for kind, name in REQUIRED:
        services.attach_file(user, proposal, name=name, content=PDF, kind=kind)


@pytest.fixture
def checked(users, draft):
    attach_required(users["longan"], draft)
    services.submit_proposal(users["longan"], draft, today=TODAY)
    return services.check_proposal(users["bantw"], draft, today=TODAY)


def closed_ballot(users, tnb, unit, approvals: int, award_code: str = ""):
    session = ballots.create_session(
        users["camau"],
        tnb,
        2019,
        "Hội đồng xét đề nghị khen thưởng",
        timezone.now() + timedelta(days=1),
        candidates=[(unit("80"), 1)],
        award_code=award_code,
    )
    session = open_ballot(users["camau"], session)
    candidate = session.candidates.get().id
    for n, name in enumerate(VOTERS):
        ballots.cast_vote(users[name], session, [candidate] if n < approvals else [])
    return count(session)


@pytest.fixture
def voted(users, checked, tnb, unit):
    session = closed_ballot(users, tnb, unit, approvals=11)
    return services.record_council_vote(users["bantw"], checked, session, today=TODAY)


# Creating and editing


def test_an_officer_proposes_for_people_of_its_province_departments(users, person):
    proposal = services.create_proposal(users["longan"], award="CSTDBT", year=2025, person=person)
    assert proposal.status == S.DRAFT
    assert proposal.proposing_unit.code == "80" and proposal.proposing_unit.name == "Long An"
    assert AuditEntry.objects.filter(
        action="awards.proposal.created", object_id=str(proposal.pk)
    ).exists()


@pytest.mark.parametrize("who", ["kiengiang", "bantw", "xem", "hanoi"])
def test_nobody_else_proposes_for_a_unit(users, person, who):
    with pytest.raises(PermissionDenied):
        services.create_proposal(users[who], award="CSTDBT", year=2025, person=person)


def test_a_second_open_proposal_for_the_same_award_and_year_is_refused(users, draft, person):
    with pytest.raises(ValidationFailed, match="Đã có đề nghị"):
        services.create_proposal(users["longan"], award="CSTDBT", year=2025, person=person)


def test_an_award_for_collectives_only_is_refused_for_a_person(users, person):
    with pytest.raises(ValidationFailed, match="không xét cho cá nhân"):
        services.create_proposal(users["longan"], award="TTLDXS", year=2025, person=person)


def test_a_draft_is_edited_and_a_submitted_one_is_not(users, draft):
    services.update_proposal(users["longan"], draft, achievements="Hoàn thành xuất sắc")
    draft.refresh_from_db()
    assert draft.achievements == "Hoàn thành xuất sắc"
    services.submit_proposal(users["longan"], draft, today=TODAY)
    with pytest.raises(ValidationFailed, match="Chỉ sửa được"):
        services.update_proposal(users["longan"], draft, achievements="khác")
    with pytest.raises(PermissionDenied):
        services.update_proposal(users["kiengiang"], draft, achievements="khác")


def test_changing_the_year_to_one_already_proposed_is_refused(users, draft, person):
    other = services.create_proposal(users["longan"], award="CSTDBT", year=2024, person=person)
    with pytest.raises(ValidationFailed, match="Đã có đề nghị năm 2025"):
        services.update_proposal(users["longan"], other, year=2025)


# Submission and eligibility


def test_submitting_stores_the_eligibility_verdict_and_sets_the_check_deadline(users, draft):
    services.submit_proposal(users["longan"], draft, today=TODAY)
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert draft.eligibility["outcome"] == "to_verify"  # "tiêu biểu xuất sắc" is to verify
    assert (
        draft.eligibility["award"] == "CSTDBT" and draft.eligibility["person_id"] == draft.person_id
    )
    assert {c["rule"] for c in draft.eligibility["conditions"]} >= {"title_streak", "initiative"}
    assert draft.status_since == TODAY and draft.due_on == add_working_days(TODAY, 10)
    entry = AuditEntry.objects.get(action="awards.proposal.submitted", object_id=str(draft.pk))
    assert entry.before["status"] == "draft"
    assert entry.after["outcome"] == "chưa đủ căn cứ (cần xác minh)"


def test_an_ineligible_nominee_is_submitted_only_with_a_written_justification(users, dept):
    newcomer = Person.objects.create(full_name="Lê Văn Mới", birth_year=1999, unit=dept)
    proposal = services.create_proposal(users["longan"], award="CSTDBT", year=2025, person=newcomer)
    with pytest.raises(ValidationFailed) as refused:
        services.submit_proposal(users["longan"], proposal)
    assert "giải trình" in refused.value.issues[0].message
    assert any("Chiến sĩ thi đua cơ sở" in i.message for i in refused.value.issues[1:])
    proposal.refresh_from_db()
    assert proposal.status == S.DRAFT and proposal.eligibility is None
    services.submit_proposal(users["longan"], proposal, justification="Thành tích đột xuất.")
    proposal.refresh_from_db()
    assert proposal.eligibility["eligible"] is False
    assert proposal.justification == "Thành tích đột xuất."


@pytest.mark.parametrize("who", ["kiengiang", "bantw", "xem"])
def test_only_the_proposing_unit_submits(users, draft, who):
    with pytest.raises(PermissionDenied):
        services.submit_proposal(users[who], draft)


# The board's steps


def test_the_board_checks_a_complete_dossier(users, checked):
    assert checked.status == S.CHECKED
    assert checked.due_on == add_working_days(TODAY, 10)


def test_an_incomplete_dossier_is_not_checked_and_says_what_is_missing(users, draft):
    services.attach_file(users["longan"], draft, name="tt.pdf", content=PDF, kind="to_trinh")
    services.submit_proposal(users["longan"], draft)
    with pytest.raises(ValidationFailed) as refused:
        services.check_proposal(users["bantw"], draft)
    missing = " ".join(i.message for i in refused.value.issues)
    assert "Báo cáo thành tích" in missing and "Biên bản" in missing and "Tờ trình" not in missing
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED


@pytest.mark.parametrize("who", ["longan", "camau", "xem"])
def test_officers_do_not_take_the_boards_steps(users, draft, who):
    attach_required(users["longan"], draft)
    services.submit_proposal(users["longan"], draft)
    for step in (
        lambda: services.check_proposal(users[who], draft),
        lambda: services.return_proposal(users[who], draft, "thiếu"),
        lambda: services.reject_proposal(users[who], draft, "không"),
        lambda: services.forward_proposal(users[who], draft, to="Thủ tướng Chính phủ"),
    ):
        with pytest.raises(PermissionDenied):
            step()


def test_a_returned_proposal_is_completed_and_sent_again(users, draft):
    services.submit_proposal(users["longan"], draft, today=TODAY)
    with pytest.raises(ValidationFailed, match="lý do"):
        services.return_proposal(users["bantw"], draft, ["  "])
    services.return_proposal(users["bantw"], draft, ["Thiếu báo cáo thành tích"], today=TODAY)
    draft.refresh_from_db()
    assert draft.status == S.RETURNED and draft.note == "Thiếu báo cáo thành tích"
    assert draft.due_on == add_working_days(TODAY, 10)
    services.update_proposal(users["longan"], draft, achievements="Đã bổ sung")
    services.submit_proposal(users["longan"], draft)
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED and draft.note == ""


def test_a_step_from_the_wrong_state_is_refused(users, draft):
    with pytest.raises(ValidationFailed, match="Đang soạn"):
        services.check_proposal(users["bantw"], draft)
    with pytest.raises(ValidationFailed):
        services.decide_proposal(
            users["bantw"], draft, number="1/QĐ", decided_on=TODAY, signer="x", today=TODAY
        )


def test_the_transitions_offered_depend_on_the_user_and_the_state(users, draft):
    assert services.available_transitions(users["longan"], draft) == ["submit"]
    assert services.available_transitions(users["bantw"], draft) == []
    services.submit_proposal(users["longan"], draft)
    draft.refresh_from_db()
    assert services.available_transitions(users["bantw"], draft) == ["check", "return", "reject"]
    assert services.available_transitions(users["longan"], draft) == []


# The council vote


def test_the_council_vote_links_a_closed_ballot(users, voted):
    assert voted.status == S.VOTED and voted.ballot is not None
    assert voted.council_result["votes"] == 11 and voted.council_result["passed"] is True
    assert voted.due_on == add_working_days(TODAY, 20)


def test_the_rules_vote_threshold_decides_when_it_has_one(users, checked, tnb, unit):
    AwardRule.objects.filter(award_type__code="CSTDBT").update(
        vote_threshold_pct=Decimal(90), vote_basis="electorate"
    )
    short = closed_ballot(users, tnb, unit, approvals=10)  # 83.33% of 12
    with pytest.raises(ValidationFailed, match="Không đạt tỷ lệ phiếu"):
        services.record_council_vote(users["bantw"], checked, short)
    enough = closed_ballot(users, tnb, unit, approvals=11)  # 91.67%
    voted = services.record_council_vote(users["bantw"], checked, enough)
    assert voted.council_result["threshold_from"] == "rule"
    assert voted.council_result["pct"] == "91.67"


def test_an_open_ballot_or_one_for_another_award_is_not_accepted(users, checked, tnb, unit):
    session = ballots.create_session(
        users["camau"],
        tnb,
        2019,
        "Hội đồng",
        timezone.now() + timedelta(days=1),
        candidates=[(unit("80"), 1)],
    )
    with pytest.raises(ValidationFailed, match="chưa kết thúc"):
        services.record_council_vote(users["bantw"], checked, session)
    other = closed_ballot(users, tnb, unit, approvals=12, award_code="CO_TD_CP")
    with pytest.raises(ValidationFailed, match="CO_TD_CP"):
        services.record_council_vote(users["bantw"], checked, other)
    with pytest.raises(PermissionDenied):
        services.record_council_vote(users["camau"], checked, other)
    opened = open_ballot(users["camau"], session)
    ballots.cast_vote(users[VOTERS[0]], opened, [opened.candidates.get().id])
    ballots.close_session(users["camau"], opened, reason="kết thúc sớm")  # one ballot: no tally
    with pytest.raises(ValidationFailed, match="không được kiểm"):
        services.record_council_vote(users["bantw"], checked, opened)


# Forwarding, decision, rejection


def test_forwarding_needs_the_level_it_goes_to(users, voted):
    with pytest.raises(ValidationFailed, match="cấp trình"):
        services.forward_proposal(users["bantw"], voted, to=" ")
    forwarded = services.forward_proposal(users["bantw"], voted, to="Chủ tịch UBND tỉnh")
    assert forwarded.status == S.FORWARDED and forwarded.forwarded_to == "Chủ tịch UBND tỉnh"


def test_the_decision_writes_the_award_into_the_registry(users, voted, person):
    decided = services.decide_proposal(
        users["bantw"],
        voted,
        number="123/QĐ-UBND",
        decided_on=TODAY,
        signer="Chủ tịch UBND tỉnh Long An",
        today=TODAY,
    )
    assert decided.status == S.DECIDED and decided.due_on is None
    entry = decided.registry_entry
    assert (entry.person, entry.award_type.code, entry.year) == (person, "CSTDBT", 2025)
    assert entry.decision_number == "123/QĐ-UBND" and entry.unit == person.unit
    assert entry.source == f"proposal #{decided.pk}"
    assert AuditEntry.objects.filter(action="awards.registry.entry_added").exists()


def test_a_decision_needs_number_signer_and_a_past_date(users, voted):
    with pytest.raises(ValidationFailed) as refused:
        services.decide_proposal(
            users["bantw"],
            voted,
            number="",
            decided_on=TODAY + timedelta(1),
            signer="",
            today=TODAY,
        )
    assert {i.column for i in refused.value.issues} == {"number", "signer", "decided_on"}
    with pytest.raises(PermissionDenied):
        services.decide_proposal(
            users["longan"], voted, number="1", decided_on=TODAY, signer="x", today=TODAY
        )


def test_a_rejection_needs_reasons_and_ends_the_workflow(users, checked):
    with pytest.raises(ValidationFailed, match="lý do"):
        services.reject_proposal(users["bantw"], checked, "")
    rejected = services.reject_proposal(users["bantw"], checked, "Không tiêu biểu")
    assert rejected.status == S.REJECTED and rejected.due_on is None
    assert services.available_transitions(users["bantw"], rejected) == []
    assert not services.available_transitions(users["longan"], rejected)


def test_every_step_is_audited_with_its_own_action(users, voted):
    services.forward_proposal(users["bantw"], voted, to="Thủ tướng Chính phủ")
    services.decide_proposal(
        users["bantw"], voted, number="9/QĐ-TTg", decided_on=TODAY, signer="TTg", today=TODAY
    )
    actions = list(
        AuditEntry.objects.filter(object_type="awards.proposal", object_id=str(voted.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert [a for a in actions if a != "awards.proposal.file_added"] == [
        "awards.proposal.created",
        "awards.proposal.submitted",
        "awards.proposal.checked",
        "awards.proposal.voted",
        "awards.proposal.forwarded",
        "awards.proposal.decided",
    ]


# Personal data and visibility


def test_the_national_id_is_for_the_board_and_the_proposing_units_officers(users, person, draft):
    assert privacy.can_see_personal_data(users["bantw"], person)
    assert privacy.can_see_personal_data(users["longan"], person)
    for who in ("kiengiang", "hanoi", "xem"):
        assert not privacy.can_see_personal_data(users[who], person)


def test_a_unit_sees_its_own_proposals_and_the_board_sees_all(users, draft):
    assert draft in selectors.proposals_for(users["longan"])
    assert draft in selectors.proposals_for(users["bantw"])
    assert draft not in selectors.proposals_for(users["kiengiang"])
    assert not selectors.proposals_for(users["xem"]).exists()


# Evidence files


def test_a_file_is_stored_under_a_generated_name_with_its_hash(users, draft):
    stored = services.attach_file(
        users["longan"], draft, name="../../etc/Báo cáo.pdf", content=PDF, kind="bao_cao"
    )
    assert stored.file.name.startswith(f"proposals/{draft.pk}/")
    assert "etc" not in stored.file.name and stored.file.name.endswith(".pdf")
    assert stored.original_name == "Báo cáo.pdf" and stored.size == len(PDF)
    assert AuditEntry.objects.filter(action="awards.proposal.file_added").exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ....", "Chỉ nhận tệp"),
        ("anh.gif", b"GIF89a", "Chỉ nhận tệp"),
        ("gia.pdf", b"<html>not a pdf</html>", "không phải .pdf"),
        ("anh.png", PDF, "không phải .png"),
        ("van-ban.docx", PDF, "không phải định dạng Office"),
        ("rong.pdf", b"", "rỗng"),
    ],
)
def test_files_of_the_wrong_type_are_refused(users, draft, name, content, message):
    with pytest.raises(ValidationFailed, match=message):
        services.attach_file(users["longan"], draft, name=name, content=content, kind="khac")
    assert not ProposalFile.objects.filter(proposal=draft).exists()


def office_zip(extra: dict[str, bytes], part: str = "word/document.xml") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(part, "<w:document/>")
        for name, data in extra.items():
            z.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_disguised_as_docx_is_refused(users, draft, monkeypatch):
    monkeypatch.setattr(files, "MAX_UNPACKED_BYTES", 1024 * 1024)
    bomb = office_zip({"word/media/zeros.bin": bytes(5 * 1024 * 1024)})
    assert len(bomb) < 20 * 1024  # tiny on the wire, huge unpacked
    with pytest.raises(ValidationFailed, match="giải nén ra quá lớn"):
        services.attach_file(users["longan"], draft, name="bc.docx", content=bomb, kind="bao_cao")


def test_an_archive_with_too_many_entries_is_refused(users, draft, monkeypatch):
    monkeypatch.setattr(files, "MAX_ZIP_ENTRIES", 10)
    many = office_zip({f"xl/x{i}.xml": b"<x/>" for i in range(20)}, part="xl/workbook.xml")
    with pytest.raises(ValidationFailed, match="quá nhiều thành phần"):
        services.attach_file(users["longan"], draft, name="ds.xlsx", content=many, kind="khac")


def test_a_real_docx_and_xlsx_are_accepted(users, draft):
    doc = io.BytesIO()
    Document().save(doc)
    services.attach_file(
        users["longan"], draft, name="bc.docx", content=doc.getvalue(), kind="bao_cao"
    )
    xlsx = office_zip({}, part="xl/workbook.xml")
    services.attach_file(users["longan"], draft, name="ds.xlsx", content=xlsx, kind="khac")
    assert draft.files.count() == 2


def test_an_oversized_file_is_refused_before_it_is_read(users, draft, monkeypatch):
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 10)
    with pytest.raises(ValidationFailed, match="quá lớn"):
        services.attach_file(users["longan"], draft, name="a.pdf", content=PDF, kind="khac")


def test_files_are_added_by_the_unit_while_editing_and_not_by_others(users, draft):
    with pytest.raises(PermissionDenied):
        services.attach_file(users["kiengiang"], draft, name="a.pdf", content=PDF, kind="khac")
    services.submit_proposal(users["longan"], draft)
    draft.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.attach_file(users["longan"], draft, name="a.pdf", content=PDF, kind="khac")
    services.attach_file(users["bantw"], draft, name="a.pdf", content=PDF, kind="khac")


# Dossier documents


def test_the_bundle_holds_documents_evidence_and_a_manifest(users, voted):
    bundle = dossier_docs.dossier_bundle([voted])
    archive = zipfile.ZipFile(io.BytesIO(bundle.data))
    names = set(archive.namelist())
    assert {"to-trinh.docx", "danh-sach.docx", "bien-ban.docx", "manifest.json"} <= names
    evidence = [n for n in names if n.startswith("minh-chung/")]
    assert len(evidence) == 3 and all(n.endswith(".pdf") for n in evidence)
    manifest = json.loads(archive.read("manifest.json"))
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) == names - {"manifest.json"}
    for name, entry in listed.items():
        data = archive.read(name)
        assert entry["size"] == len(data)
        assert entry["sha256"] == __import__("hashlib").sha256(data).hexdigest()
    assert {f.get("original_name") for f in manifest["files"] if f["kind"] == "bien_ban"} == {
        "bb.pdf"
    }


def test_the_documents_follow_the_official_format(users, voted):
    data = dossier_docs.council_minutes_docx([voted])
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    header = doc.tables[0]
    left, right = (c.text for c in header.rows[0].cells)
    assert "ỦY BAN NHÂN DÂN TỈNH LONG AN" in left and "Số:" in left
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert doc.styles["Normal"].font.name == "Times New Roman"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BIÊN BẢN" in text
    votes = doc.tables[1].rows[1].cells
    assert votes[3].text == "11/12" and votes[4].text == "91,67%" and "Đạt" in votes[5].text


def test_the_list_of_nominees_never_prints_the_national_id(users, voted, person):
    doc = Document(io.BytesIO(dossier_docs.nominee_list_docx([voted])))
    cells = " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert person.full_name in cells and person.national_id not in cells


def test_pdf_copies_are_skipped_with_a_message_without_libreoffice(users, voted, monkeypatch):
    monkeypatch.setattr(dossier_docs, "soffice", lambda: None)
    bundle = dossier_docs.dossier_bundle([voted], pdf=True)
    assert bundle.notes == [dossier_docs.NO_PDF] and bundle.manifest["notes"] == bundle.notes
    names = zipfile.ZipFile(io.BytesIO(bundle.data)).namelist()
    assert not any(n.endswith(".pdf") and "/" not in n for n in names)


def test_a_batch_is_one_proposing_unit_and_visible_to_the_actor(users, voted):
    other = Proposal.objects.exclude(proposing_unit=voted.proposing_unit).first()
    with pytest.raises(ValidationFailed, match="cùng một đơn vị"):
        dossier_docs.check_batch(users["bantw"], [voted, other])
    with pytest.raises(PermissionDenied):
        dossier_docs.check_batch(users["kiengiang"], [voted])
    dossier_docs.check_batch(users["longan"], [voted])


# The demo registry


def test_the_demo_registry_has_about_three_thousand_people_and_every_state(db):
    # The demo's eight departments in each of the twelve TNB provinces: six of them from the
    # reference data (data/departments.csv, with the 2025 lineage), two the demo's own.
    codes = [f"{province}.{abbr}" for province in TNB for abbr, _name in DEPARTMENTS]
    depts = Unit.objects.filter(kind="department", code__in=codes)
    assert depts.count() == 96
    assert 2900 <= Person.objects.filter(unit__in=depts).count() <= 3100
    for status in S.values:
        assert Proposal.objects.filter(status=status).count() >= 3, status
    decided = Proposal.objects.filter(status=S.DECIDED)
    assert all(p.registry_entry_id for p in decided)
    assert all(p.eligibility for p in Proposal.objects.exclude(status=S.DRAFT))
    titles = set(
        AwardEntry.objects.filter(source=DEMO_SOURCE).values_list("award_type__code", flat=True)
    )
    assert {"LDTT", "CSTDCS", "CSTDBT", "BK_BT", "BK_TTG", "HCLD_III", "TTLDXS"} <= titles


def test_loading_the_demo_twice_adds_nothing(db):
    from thidua.demo import load_demo

    models = (Person, Rating, Initiative, AwardEntry, Proposal, BacklogCase, BacklogProgramme)
    counted = (*models, Unit, AuditEntry)
    before = [m.objects.count() for m in counted]
    load_demo()
    assert [m.objects.count() for m in counted] == before
