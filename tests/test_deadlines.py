"""Deadlines in working days: weekends and Vietnamese public holidays (Tết) do not count."""

import json
from datetime import date

import holidays
import pytest
from django.core.management import call_command

from thidua.awards import services
from thidua.awards.deadlines import (
    add_working_days,
    is_working_day,
    overdue,
    overdue_row,
    working_days_between,
)
from thidua.awards.models import AwardRule, Person, ProposalStatus
from thidua.orgs.models import Unit

TET_EVE = date(2026, 2, 13)  # the Friday before Tết Bính Ngọ (17 February 2026)


def test_the_holiday_calendar_has_tet_2026():
    tet = holidays.Vietnam(years=2026)
    assert all(date(2026, 2, d) in tet for d in (16, 17, 18, 19, 20))
    assert not is_working_day(date(2026, 2, 17))
    assert not is_working_day(date(2026, 9, 2)) and not is_working_day(date(2026, 5, 1))


def test_weekends_are_skipped():
    assert add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Friday → Monday
    assert add_working_days(date(2026, 3, 2), 5) == date(2026, 3, 9)
    assert add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 7)


def test_a_ten_day_deadline_crosses_tet_and_ends_a_week_later():
    # Without holidays it would be 27 February; the Tết week (16–20 February) is off.
    assert add_working_days(TET_EVE, 10) == date(2026, 3, 6)
    assert working_days_between(TET_EVE, date(2026, 3, 6)) == 10


def test_reunification_and_labour_day_are_skipped():
    assert add_working_days(date(2026, 4, 29), 1) == date(2026, 5, 4)


def test_a_negative_count_is_an_error():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)


@pytest.fixture
def nominee(db):
    return Person.objects.create(
        full_name="Đỗ Thị Hạn", birth_year=1985, unit=Unit.objects.get(code="80.SNV")
    )


def proposal_for(users, person, award="CSTDBT"):
    return services.create_proposal(users["longan"], award=award, year=2025, person=person)


def test_the_submission_deadline_comes_from_the_rules_step_days(users, nominee):
    AwardRule.objects.filter(award_type__code="CSTDBT").update(
        step_days={"check": 3, "council": 10, "decide": 20}
    )
    proposal = proposal_for(users, nominee)
    services.submit_proposal(users["longan"], proposal, justification="x", today=TET_EVE)
    proposal.refresh_from_db()
    assert proposal.due_on == date(2026, 2, 25)  # Mon 23, Tue 24, Wed 25 after Tết


def test_a_rule_without_a_step_falls_back_to_the_default(users, nominee):
    AwardRule.objects.filter(award_type__code="CSTDBT").update(step_days={})
    proposal = proposal_for(users, nominee)
    services.submit_proposal(users["longan"], proposal, justification="x", today=TET_EVE)
    proposal.refresh_from_db()
    assert proposal.due_on == date(2026, 3, 6)


@pytest.fixture
def late(users, nominee, dept_people):
    """One submitted (board acts) and one returned (Long An acts), both due 6 March 2026."""
    submitted = proposal_for(users, nominee)
    services.submit_proposal(users["longan"], submitted, justification="x", today=TET_EVE)
    returned = proposal_for(users, dept_people[0])
    services.submit_proposal(users["longan"], returned, justification="x", today=TET_EVE)
    services.return_proposal(users["bantw"], returned, "Thiếu hồ sơ", today=TET_EVE)
    submitted.refresh_from_db()
    returned.refresh_from_db()
    return submitted, returned


@pytest.fixture
def dept_people(db):
    unit = Unit.objects.get(code="80.SYT")
    return [Person.objects.create(full_name="Phan Văn Trễ", birth_year=1979, unit=unit)]


def test_nothing_is_overdue_on_the_due_date(users, late):
    day = date(2026, 3, 6)
    assert not set(late) & set(overdue(users["bantw"], day) + overdue(users["longan"], day))


def test_the_board_sees_the_steps_it_must_take_and_the_unit_its_returns(users, late):
    submitted, returned = late
    day = date(2026, 3, 9)
    board = overdue(users["bantw"], day)
    assert submitted in board and returned not in board
    unit = overdue(users["longan"], day)
    assert returned in unit and submitted not in unit
    assert all(p.status == ProposalStatus.RETURNED for p in unit)
    assert returned not in overdue(users["kiengiang"], day)
    assert overdue(users["xem"], day) == []
    row = overdue_row(submitted, day)
    assert row["due_on"] == "2026-03-06" and row["working_days_late"] == 1
    assert row["step"] == "check"


def test_the_cli_lists_overdue_proposals_as_json(users, late, capsys):
    call_command("proposals", "overdue", "--today", "2026-03-09", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} >= {p.pk for p in late}
    call_command("proposals", "overdue", "--today", "2026-03-09", "--user", "longan", "--json")
    mine = json.loads(capsys.readouterr().out)
    assert late[1].pk in {r["id"] for r in mine} and late[0].pk not in {r["id"] for r in mine}
