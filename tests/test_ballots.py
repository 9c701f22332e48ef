"""Secret ballots: one vote each, nothing links a voter to a choice, the tally is verifiable."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from thidua.accounts.models import AuditEntry
from thidua.ballots import services
from thidua.ballots.models import Ballot, BallotSession, Elector, SessionStatus
from thidua.indicators.validation import ValidationFailed


@pytest.fixture
def session(users, tnb, unit):
    candidates = [(unit("80"), 1), (unit("82"), 2), (unit("84"), 4)]
    created = services.create_session(
        users["camau"],
        tnb,
        2019,
        "Đề nghị Cờ thi đua của Chính phủ: 1 suất",
        timezone.now() + timedelta(days=1),
        candidates=candidates,
        award_code="CO_TD_CP",
    )
    return services.open_session(users["camau"], created)


def ids(session, *codes):
    by_code = {c.unit.code: c.id for c in session.candidates.select_related("unit")}
    return [by_code[c] for c in codes]


def test_the_electorate_is_one_representative_per_member(session):
    assert session.electors.count() == 12


def test_only_the_head_opens_a_ballot(users, tnb, unit):
    with pytest.raises(PermissionDenied):
        services.create_session(
            users["longan"], tnb, 2019, "x", timezone.now(), candidates=[(unit("80"), 1)]
        )


def test_a_voter_gets_a_receipt_that_appears_in_the_published_tally(users, session):
    receipt = services.cast_vote(users["longan"], session, ids(session, "80"))
    services.close_session(users["camau"], session, reason="kết thúc sớm trong phép thử")
    session.refresh_from_db()
    published = {b["receipt"]: b["approved"] for b in session.result["receipts"]}
    assert published[receipt] == ["80"]


def test_double_voting_and_voting_outside_the_electorate_are_refused(users, session):
    services.cast_vote(users["longan"], session, ids(session, "80"))
    with pytest.raises(ValidationFailed, match="đã bỏ phiếu"):
        services.cast_vote(users["longan"], session, ids(session, "82"))
    with pytest.raises(PermissionDenied):
        services.cast_vote(users["hanoi"], session, ids(session, "80"))
    assert Ballot.objects.filter(session=session).count() == 1


def test_more_approvals_than_seats_is_an_invalid_ballot(users, session):
    with pytest.raises(ValidationFailed, match="quá số suất"):
        services.cast_vote(users["longan"], session, ids(session, "80", "82"))


def test_nothing_in_the_database_links_a_voter_to_a_choice(users, session):
    services.cast_vote(users["longan"], session, ids(session, "82"))
    services.cast_vote(users["kiengiang"], session, ids(session, "80"))
    # The ballot table has no column for a person, a unit or a time.
    columns = {f.column for f in Ballot._meta.get_fields() if hasattr(f, "column")}
    assert columns == {"id", "session_id", "receipt", "approved"}
    # No other table points at a ballot.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.concrete and field.is_relation and field.related_model is Ballot:
                pytest.fail(f"{model.__name__}.{field.name} links to a ballot")
    # The participation record says who voted, never what.
    assert {f.column for f in Elector._meta.get_fields() if hasattr(f, "column")} == {
        "id",
        "session_id",
        "user_id",
        "unit_id",
        "voted",
    }
    # The audit knows that longan voted, and nothing of the ballot.
    entries = AuditEntry.objects.filter(action="ballots.elector.voted")
    text = " ".join(str(e.before) + str(e.after) + e.reason for e in entries)
    receipts = Ballot.objects.values_list("receipt", flat=True)
    assert not any(r in text for r in receipts) and "approved" not in text


def test_closing_rewrites_the_ballots_so_keys_and_order_tell_nothing(users, session):
    services.cast_vote(users["longan"], session, ids(session, "82"))
    services.cast_vote(users["kiengiang"], session, ids(session, "80"))
    before = set(Ballot.objects.filter(session=session).values_list("id", flat=True))
    services.close_session(users["camau"], session, reason="kết thúc sớm trong phép thử")
    after = set(Ballot.objects.filter(session=session).values_list("id", flat=True))
    assert before.isdisjoint(after) and len(after) == 2


def test_the_tally_counts_passes_and_elects(users, session):
    voters = ["longan", "kiengiang", "tiengiang", "bentre", "travinh", "vinhlong", "dongthap"]
    for name in voters:
        services.cast_vote(users[name], session, ids(session, "80"))
    services.close_session(users["camau"], session, reason="kết thúc sớm trong phép thử")
    session.refresh_from_db()
    result = session.result
    assert (result["electorate"], result["present"], result["quorum_met"]) == (12, 7, True)
    long_an = next(c for c in result["candidates"] if c["unit_code"] == "80")
    assert (long_an["votes"], long_an["passed"], long_an["elected"]) == (7, True, True)
    assert Decimal(long_an["pct"]) == Decimal("58.33")  # 7 of the 12 electors: more than 50%


def test_a_quorum_not_met_elects_nobody(users, session):
    services.cast_vote(users["longan"], session, ids(session, "80"))
    services.close_session(users["camau"], session, reason="kết thúc sớm trong phép thử")
    session.refresh_from_db()
    assert session.result["quorum_met"] is False
    assert not any(c["elected"] for c in session.result["candidates"])


def test_a_tie_is_broken_by_the_score_rank(users, tnb, unit):
    rules = services.Rules(
        seats=1, quorum_pct=Decimal(10), pass_pct=Decimal(10), pass_basis="present"
    )
    session = services.create_session(
        users["camau"],
        tnb,
        2019,
        "Bằng khen",
        timezone.now() + timedelta(days=1),
        candidates=[(unit("82"), 3), (unit("84"), 2)],
        rules=rules,
    )
    services.open_session(users["camau"], session)
    services.cast_vote(users["longan"], session, ids(session, "82"))
    services.cast_vote(users["kiengiang"], session, ids(session, "84"))
    services.close_session(users["camau"], session, reason="kết thúc sớm trong phép thử")
    session.refresh_from_db()
    elected = [c["unit_code"] for c in session.result["candidates"] if c["elected"] is True]
    assert elected == ["84"] and session.result["tie"] is False


def test_an_unbroken_tie_is_reported(users, tnb, unit):
    rules = services.Rules(
        seats=1, quorum_pct=Decimal(10), pass_pct=Decimal(10), pass_basis="present"
    )
    session = services.create_session(
        users["camau"],
        tnb,
        2019,
        "Bằng khen",
        timezone.now() + timedelta(days=1),
        candidates=[(unit("82"), None), (unit("84"), None)],
        rules=rules,
    )
    services.open_session(users["camau"], session)
    services.cast_vote(users["longan"], session, ids(session, "82"))
    services.cast_vote(users["kiengiang"], session, ids(session, "84"))
    services.close_session(users["camau"], session, reason="kết thúc sớm trong phép thử")
    session.refresh_from_db()
    assert session.result["tie"] is True


def test_the_session_closes_by_itself_when_everyone_has_voted(users, session):
    for elector in session.electors.select_related("user"):
        services.cast_vote(elector.user, session, ids(session, "80"))
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED and session.result["present"] == 12


def test_a_closed_result_is_frozen_and_a_correction_is_a_new_session(users, session):
    services.cast_vote(users["longan"], session, ids(session, "80"))
    BallotSession.objects.filter(pk=session.pk).update(closes_at=timezone.now() - timedelta(1))
    with pytest.raises(ValidationFailed, match="không mở"):
        services.cast_vote(users["kiengiang"], session, ids(session, "80"))
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    with pytest.raises(ValidationFailed, match="lý do"):
        services.correct(users["camau"], session, "", timezone.now() + timedelta(days=1))
    again = services.correct(
        users["camau"], session, "Sai danh sách đề cử", timezone.now() + timedelta(days=1)
    )
    assert again.corrects_id == session.pk and again.candidates.count() == 3


def test_the_schema_has_no_voter_column_in_the_database(session):
    with connection.cursor() as cursor:
        columns = {
            c.name for c in connection.introspection.get_table_description(cursor, "ballots_ballot")
        }
    assert columns == {"id", "session_id", "receipt", "approved"}
