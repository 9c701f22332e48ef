"""The resistance-war backlog: cases added and moved (audited), progress and projected end."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from thidua.accounts.models import AuditEntry
from thidua.awards import backlog
from thidua.awards.backlog import CaseInput, add_case, move_case
from thidua.awards.backlog_selectors import progress
from thidua.awards.models import AwardEntry, AwardType, BacklogCase, BacklogProgramme
from thidua.common.errors import ValidationFailed

TODAY = date(2026, 6, 30)


@pytest.fixture
def programme(users):
    return backlog.create_programme(
        users["bantw"],
        code="KC-TEST",
        name="Khen thưởng tồn đọng (kiểm thử)",
        award="HC_KC",
        legal_basis="Điều 96 Luật Thi đua, khen thưởng 06/2022/QH15",
        target_date=date(2027, 6, 30),
    )


def case_input(unit, name="Nguyễn Văn Kháng", born=1940, **extra):
    return CaseInput(
        full_name=name,
        birth_year=born,
        unit=unit,
        war_period="chong_my",
        received_on=TODAY - timedelta(days=200),
        service_unit="Tiểu đoàn 307",
        service_start=date(1963, 1, 1),
        service_end=date(1970, 4, 30),
        **extra,
    )


def test_only_the_board_opens_a_programme(users):
    with pytest.raises(PermissionDenied):
        backlog.create_programme(
            users["longan"], code="X", name="X", award="HC_KC", legal_basis="Điều 96"
        )


def test_an_officer_adds_a_case_of_its_province_and_it_is_audited(users, programme, unit):
    added = add_case(users["longan"], programme, case_input(unit("80")))
    assert added.case.status == "received" and added.warnings == []
    assert added.case.name_key == "nguyen van khang"
    assert AuditEntry.objects.filter(
        action="awards.backlog.case_added", object_id=str(added.case.pk)
    ).exists()
    with pytest.raises(PermissionDenied):
        add_case(users["kiengiang"], programme, case_input(unit("80")))


def test_a_posthumous_case_names_the_next_of_kin(users, programme, unit):
    with pytest.raises(ValidationFailed, match="thân nhân"):
        add_case(users["longan"], programme, case_input(unit("80"), posthumous=True))
    added = add_case(
        users["longan"],
        programme,
        case_input(
            unit("80"),
            posthumous=True,
            next_of_kin_name="Nguyễn Thị Bé",
            next_of_kin_relation="con gái",
        ),
    )
    assert added.case.posthumous


def test_a_case_already_in_the_registry_is_warned_about_not_refused(users, programme, unit):
    AwardEntry.objects.create(
        award_type=AwardType.objects.get(code="HC_KC"),
        year=1988,
        recipient_name="Nguyễn Văn Kháng",
        birth_year=1940,
        decision_number="77/KT-HĐNN",
    )
    added = add_case(users["longan"], programme, case_input(unit("80"), name="NGUYỄN VĂN KHÁNG"))
    assert added.case.pk is not None
    assert any("77/KT-HĐNN" in w.message for w in added.warnings)
    again = add_case(users["longan"], programme, case_input(unit("80")))
    assert any("trùng tên và năm sinh" in w.message for w in again.warnings)
    other_born = add_case(users["longan"], programme, case_input(unit("80"), born=1941))
    assert other_born.warnings == []


def test_cases_move_forward_and_the_board_records_the_result(users, programme, unit):
    case = add_case(users["longan"], programme, case_input(unit("80"))).case
    case = move_case(users["longan"], case, "in_review", on=TODAY)
    with pytest.raises(PermissionDenied):
        move_case(users["longan"], case, "awarded", on=TODAY)
    decision = backlog.Decision("1/QĐ-CTN", TODAY, "Chủ tịch nước")
    case = move_case(users["bantw"], case, "awarded", on=TODAY, decision=decision)
    assert (case.status, case.decided_on) == ("awarded", TODAY)
    with pytest.raises(ValidationFailed, match="Không thể bắt đầu thẩm định"):
        move_case(users["bantw"], case, "in_review")
    actions = AuditEntry.objects.filter(object_type="awards.backlogcase", object_id=str(case.pk))
    assert actions.filter(action="awards.backlog.case_moved").count() == 2


def make_cases(programme, unit, statuses_and_days):
    cases = []
    for n, (status, days_ago) in enumerate(statuses_and_days):
        decided = TODAY - timedelta(days=days_ago) if days_ago is not None else None
        cases.append(
            BacklogCase(
                programme=programme,
                full_name=f"Người {n}",
                name_key=f"nguoi {n}",
                birth_year=1930 + n,
                unit=unit,
                war_period="chong_my",
                status=status,
                received_on=TODAY - timedelta(days=400),
                decided_on=decided,
            )
        )
    BacklogCase.objects.bulk_create(cases)


def test_progress_counts_by_unit_and_projects_the_end_at_the_recent_pace(programme, unit):
    # Six closed in the last six months (one a month), one closed long ago, six open.
    recent = [("awarded", 10), ("awarded", 40), ("rejected", 70), ("awarded", 100)]
    recent += [("awarded", 130), ("rejected", 160), ("awarded", 300)]
    make_cases(programme, unit("80"), recent + [("received", None)] * 4)
    make_cases(programme, unit("91"), [("in_review", None)] * 2)
    data = progress(programme, TODAY)
    by_unit = {u["unit"]: u for u in data["units"]}
    assert by_unit["Long An"]["awarded"] == 5 and by_unit["Long An"]["received"] == 4
    assert by_unit["Long An"]["open"] == 4 and by_unit["Kiên Giang"]["in_review"] == 2
    assert data["totals"]["total"] == 13 and data["totals"]["open"] == 6
    assert data["closed_last_months"] == 6 and data["pace_per_month"] == Decimal("1.00")
    assert data["projected_completion"] == TODAY + timedelta(days=183)  # 6 months of 30.44 days
    assert data["on_track"] is True


def test_no_pace_means_no_projected_date(programme, unit):
    make_cases(programme, unit("80"), [("received", None), ("awarded", 400)])
    data = progress(programme, TODAY)
    assert data["pace_per_month"] == 0 and data["projected_completion"] is None
    assert data["on_track"] is None


def test_a_finished_programme_is_complete_today(programme, unit):
    make_cases(programme, unit("80"), [("awarded", 400)])
    assert progress(programme, TODAY)["projected_completion"] == TODAY


def test_progress_takes_a_fixed_number_of_queries(programme, unit, django_assert_max_num_queries):
    make_cases(programme, unit("80"), [("received", None)] * 30 + [("awarded", 5)] * 10)
    with django_assert_max_num_queries(3):
        progress(programme, TODAY)


def test_the_demo_programme_and_the_cli(db, capsys):
    demo = BacklogProgramme.objects.get(code="HCKC-TNB")
    assert demo.cases.count() == 40
    assert len(set(demo.cases.values_list("status", flat=True))) == 4
    call_command("backlog", "progress", "HCKC-TNB", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["totals"]["total"] == 40 and data["award"] == "HC_KC"
    assert data["projected_completion"] is not None
    call_command("backlog", "progress", "HCKC-TNB")
    assert "Dự kiến hoàn thành" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("backlog", "progress", "NOPE")
