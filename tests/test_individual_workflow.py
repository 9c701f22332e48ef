"""Individuals through the workflow (issue 19 part 6): a proposal for a person reaches a
decision without a ballot where the rule in force asks for none, and through a secret ballot
with the person as candidate where it does (CSTĐ); each status names its next step."""

from datetime import date

import pytest

from tests.ballot_keys import count, open_ballot
from tests.test_proposals import TODAY, VOTERS, attach_required, checked, draft, person  # noqa: F401
from thidua.awards import council, selectors, services
from thidua.awards.catalogue import rule_for
from thidua.awards.models import AwardEntry, AwardRule, Proposal, ProposalStatus
from thidua.awards.next_step import next_step
from thidua.ballots import services as ballots
from thidua.ballots.models import Candidate
from thidua.common.errors import ValidationFailed

S = ProposalStatus


@pytest.fixture
def dept(db):
    from thidua.orgs.models import Unit

    return Unit.objects.get(code="80.STC")


def bang_khen(users, person):  # noqa: F811
    p = services.create_proposal(users["longan"], award="BK_BT", year=2025, person=person)
    services.submit_proposal(users["longan"], p, justification="Thành tích đột xuất", today=TODAY)
    return services.check_proposal(users["bantw"], p, today=TODAY)


def test_the_ballot_is_data_of_the_rule(db):
    on = date(2026, 3, 2)
    from thidua.awards.models import AwardType

    assert rule_for(AwardType.objects.get(code="CSTDBT"), 2025, on).council_ballot is True
    assert rule_for(AwardType.objects.get(code="BK_BT"), 2025, on).council_ballot is False


def test_a_bang_khen_for_a_person_goes_to_a_decision_without_a_ballot(users, person):  # noqa: F811
    p = bang_khen(users, person)
    step = next_step(p)
    assert (step.key, step.due_on) == ("vote", p.due_on)
    assert "không yêu cầu bỏ phiếu kín" in step.what
    p = services.record_council_vote(users["bantw"], p, None, today=TODAY)
    assert p.status == S.VOTED and p.council_result["ballot"] is False and p.ballot is None
    assert next_step(p).key == "decide"
    p = services.decide_proposal(
        users["bantw"], p, number="12/QĐ-UBND", decided_on=TODAY, signer="Chủ tịch", today=TODAY
    )
    assert p.registry_entry.person == person
    assert next_step(p).key == "registry"


def test_without_a_ballot_a_cstd_is_refused(users, checked):  # noqa: F811
    assert council.ballot_required(checked) is True
    with pytest.raises(ValidationFailed, match="bỏ phiếu kín"):
        services.record_council_vote(users["bantw"], checked, None, today=TODAY)
    assert Proposal.objects.get(pk=checked.pk).status == S.CHECKED


def test_the_rule_version_decides_not_the_award(users, checked):  # noqa: F811
    """A later version of the CSTĐ rule that asks for no ballot lets the council agree."""
    old = rule_for(checked.award_type, 2025, TODAY)
    fields = {f: getattr(old, f) for f in ("conditions", "verification", "legal_basis")}
    AwardRule.objects.create(
        award_type=checked.award_type, version=99, valid_from=old.valid_from, **fields
    )
    assert council.ballot_required(checked) is False
    p = services.record_council_vote(users["bantw"], checked, None, today=TODAY)
    assert p.status == S.VOTED


def test_a_cstd_goes_through_a_ballot_with_the_person_as_candidate(users, checked, person):  # noqa: F811
    assert next_step(checked).key == "ballot_new"
    session = council.open_council_ballot(users["bantw"], checked, _closes())
    candidate = session.candidates.get()
    assert (candidate.unit, candidate.person_ref, candidate.label) == (
        None,
        person.pk,
        person.full_name,
    )
    assert next_step(checked).key == "ballot" and next_step(checked).session == session
    with pytest.raises(ValidationFailed, match="Đã có phiên"):
        council.open_council_ballot(users["bantw"], checked, _closes())
    session = open_ballot(users["bantw"], session)
    for n, name in enumerate(VOTERS):
        ballots.cast_vote(users[name], session, [candidate.pk] if n < 11 else [])
    session = count(session)  # every elector voted: the session closed itself
    assert ballots.audit_board(session) == []
    row = session.result["candidates"][0]
    assert (row["person_ref"], row["votes"], row["unit_name"]) == (person.pk, 11, person.full_name)
    assert next_step(checked).key == "vote"
    p = services.record_council_vote(users["bantw"], checked, session, today=TODAY)
    assert p.council_result["votes"] == 11 and p.council_result["candidate_id"] == candidate.pk
    p = services.decide_proposal(
        users["bantw"], p, number="7/QĐ-UBND", decided_on=TODAY, signer="Chủ tịch", today=TODAY
    )
    assert AwardEntry.objects.get(pk=p.registry_entry_id).award_type.code == "CSTDBT"


def test_a_correction_keeps_the_person_candidates(users, checked):  # noqa: F811
    session = council.open_council_ballot(users["bantw"], checked, _closes())
    session = open_ballot(users["bantw"], session)
    ballots.close_session(users["bantw"], session, reason="Không đủ người")
    session.refresh_from_db()
    again = ballots.correct(users["bantw"], session, "Họp lại", _closes())
    assert list(again.candidates.values_list("person_ref", flat=True)) == [checked.person_id]


def test_a_candidate_is_a_unit_or_a_person_never_both(users, checked, unit):  # noqa: F811
    from django.db import IntegrityError, transaction

    session = council.open_council_ballot(users["bantw"], checked, _closes())
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidate.objects.create(session=session, unit=unit("80"), person_ref=1, name="X")


def test_the_dossier_box_follows_the_rule_in_force(users, draft, person):  # noqa: F811
    box = selectors.dossier_checklist(draft)
    assert box["rule"] and box["missing"] and not box["complete"]
    attach_required(users["longan"], draft)
    box = selectors.dossier_checklist(draft)
    assert box["complete"] and not box["missing"]
    bk = services.create_proposal(users["longan"], award="BK_BT", year=2025, person=person)
    box = selectors.dossier_checklist(bk)
    assert box["rule"] and box["items"] == [] and not box["complete"]


def test_the_page_says_the_next_step_with_its_link(client, users, checked):  # noqa: F811
    client.force_login(users["bantw"])
    page = client.get(f"/awards/proposals/{checked.pk}/").content.decode()
    assert 'id="next-step"' in page and 'href="#ballot-form"' in page
    assert "Chưa có phiên bỏ phiếu nào đã kết thúc" not in page
    found = client.post(f"/awards/proposals/{checked.pk}/ballot/")
    session = council.session_of(checked)
    assert found.status_code == 302 and found["Location"].endswith(f"/ballots/{session.pk}/")
    page = client.get(f"/awards/proposals/{checked.pk}/").content.decode()
    assert f'href="/ballots/{session.pk}/"' in page


def test_the_page_of_a_bang_khen_offers_the_councils_agreement(client, users, person):  # noqa: F811
    p = bang_khen(users, person)
    client.force_login(users["bantw"])
    page = client.get(f"/awards/proposals/{p.pk}/").content.decode()
    assert "Ghi Hội đồng nhất trí" in page and 'id="ballot-form"' not in page
    assert "Đã đủ các thành phần hồ sơ" not in page
    client.post(f"/awards/proposals/{p.pk}/vote/", {"result": "", "expected_version": p.version})
    assert Proposal.objects.get(pk=p.pk).status == S.VOTED


def _closes():
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(days=1)


def test_the_api_records_the_councils_agreement_without_a_session(users, person, checked):  # noqa: F811
    import json

    from django.test import Client

    board = Client()
    board.force_login(users["bantw"])

    def vote(p):
        path = f"/api/v1/proposals/{p.pk}/vote"
        return board.post(path, json.dumps({}), content_type="application/json")

    refused = vote(checked)  # CSTĐ: the rule asks for a secret ballot
    assert refused.status_code == 422 and "bỏ phiếu kín" in refused.content.decode()
    agreed = vote(bang_khen(users, person))
    assert agreed.status_code == 200, agreed.content
    assert json.loads(agreed.content)["council_result"]["ballot"] is False
