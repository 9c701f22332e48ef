"""One path per job (issue 17): the doors call one service for each of these jobs."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from thidua.awards.models import AwardEntry
from thidua.awards.registry_excel import registry_workbook
from thidua.ballots import services as ballots
from thidua.common.errors import ValidationFailed
from thidua.scoring import regulation_io
from thidua.scoring import services as scoring
from thidua.scoring.engine import current_regulation
from thidua.scoring.models import Regulation
from thidua.scoring.wording import tie_break_labels, tie_break_sentence

pytestmark = pytest.mark.django_db


def _yaml(regulation, year: int | None = None) -> bytes:
    data = regulation_io.to_dict(regulation)
    if year is not None:
        data = regulation_io.shifted_to_year(data, year)
    return yaml.safe_dump(data, allow_unicode=True).encode()


def test_a_refused_caller_learns_nothing_of_the_file(users, tnb):
    # Not even that it is not a workbook: the permission is asked before the file is read.
    with pytest.raises(PermissionDenied):
        scoring.import_regulation_file(
            users["longan"], b"not a workbook", excel=True, target=(tnb, 2019)
        )


def test_a_damaged_workbook_is_one_clear_message_at_every_door(users, tnb):
    with pytest.raises(scoring.Unreadable) as caught:
        scoring.import_regulation_file(
            users["camau"], b"not a workbook", excel=True, target=(tnb, 2019)
        )
    assert "Không đọc được tệp Excel của quy định" in caught.value.issues[0].message


def test_the_cli_import_checks_the_target_it_is_given(tnb, tmp_path):
    path = tmp_path / "quy-dinh.yaml"
    path.write_bytes(_yaml(current_regulation(tnb, 2019), 2020))
    with pytest.raises(CommandError):
        call_command("regulation", "import", str(path), "--cluster", "TNB", "--year", "2019")
    assert not Regulation.objects.filter(year=2020).exists()
    call_command("regulation", "import", str(path), stdout=io.StringIO())
    assert current_regulation(tnb, 2020).version == 1


def test_the_cli_exits_2_on_a_damaged_workbook(tmp_path):
    path = tmp_path / "quy-dinh.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError) as caught:
        call_command("regulation", "import", str(path))
    assert caught.value.returncode == 2
    assert "Không đọc được tệp Excel của quy định" in str(caught.value)


def test_electors_are_named_by_username_with_the_unit_they_represent(tnb, users):
    chosen = ballots.electors_named(tnb, 2019, ["longan", "xem"])
    assert [u.get_username() for u, _unit in chosen] == ["longan", "xem"]
    assert chosen[0][1].code == "80" and chosen[1][1] is None
    with pytest.raises(ValidationFailed) as caught:
        ballots.electors_named(tnb, 2019, ["longan", "khong-co"])
    issue = caught.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (1, "electors", "khong-co")
    assert "Không có tài khoản “khong-co”." == issue.message


def test_the_tie_break_is_worded_once():
    rules = ["section:A", "full_points"]
    assert tie_break_labels(rules) == ["điểm nhóm A", "số tiêu chí đạt điểm tối đa"]
    assert tie_break_sentence(rules).startswith("xét lần lượt điểm nhóm A, số tiêu chí")
    assert tie_break_sentence([]) == "các đơn vị bằng điểm xếp cùng hạng"


def test_the_registry_workbook_holds_a_heading_and_a_row_per_entry():
    entries = list(AwardEntry.objects.select_related("award_type").order_by("id")[:3])
    sheet = load_workbook(io.BytesIO(registry_workbook(entries))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Họ và tên / tập thể" and len(rows) == 1 + len(entries)
    assert rows[1][0] == entries[0].recipient_name


# Report.year, the signed-in helper, the workflow tables -----------------------------------


def test_a_report_knows_its_year_from_the_one_period_parser(tnb, unit):
    from thidua.indicators.models import Report

    assert Report(cluster=tnb, unit=unit("80"), period="2019H1").year == 2019
    assert Report(cluster=tnb, unit=unit("80"), period="2020Q3").year == 2020


def test_signed_in_is_a_user_not_the_system_nor_anonymous(users):
    from django.contrib.auth.models import AnonymousUser

    from thidua.accounts.actors import signed_in, user_or_none
    from thidua.accounts.permissions import SYSTEM

    assert signed_in(users["longan"]) and user_or_none(users["longan"]) == users["longan"]
    for nobody in (SYSTEM, AnonymousUser(), None):
        assert not signed_in(nobody) and user_or_none(nobody) is None


def test_the_report_workflow_is_a_table_the_services_and_cli_share(tnb, unit, users):
    from thidua.indicators import services as reports
    from thidua.indicators.management.workflow import ACTIONS
    from thidua.indicators.models import Report, ReportStatus

    draft = Report(cluster=tnb, unit=unit("80"), period="2019", status=ReportStatus.DRAFT)
    assert reports.available_transitions(users["longan"], draft) == ["submit"]
    assert reports.available_transitions(users["xem"], draft) == []  # a viewer
    sent = Report(cluster=tnb, unit=unit("80"), period="2019", status=ReportStatus.SUBMITTED)
    assert reports.available_transitions(users["camau"], sent) == ["accept", "return"]
    assert reports.available_transitions(users["longan"], sent) == []
    for name, (_do, states, _text) in ACTIONS.items():
        assert states == reports.TRANSITIONS[name].sources


def test_the_backlog_steps_are_on_the_same_table_pattern():
    from thidua.awards import backlog_permissions as backlog
    from thidua.awards import services as proposals
    from thidua.common.transitions import Transition

    for table in (backlog.TRANSITIONS, proposals.TRANSITIONS):
        assert all(isinstance(t, Transition) and t.action for t in table.values())
    assert backlog.TRANSITIONS["award"].action == "awards.backlog.case_moved"
