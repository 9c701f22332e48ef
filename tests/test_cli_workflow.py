"""`thidua report submit|accept|return|reopen` and `thidua import --submit`: the web's services,
permissions and audit from the command line."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from thidua.accounts import tokens
from thidua.accounts.models import AuditEntry
from thidua.accounts.permissions import SYSTEM
from thidua.indicators import services
from thidua.indicators.models import Report, ReportStatus
from thidua.indicators.services import ValueInput

pytestmark = pytest.mark.django_db
P = "2019"  # the demo extends TNB's year-end window for every member to two weeks from today


def thidua(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*[str(a) for a in args], stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


@pytest.fixture
def drafts(tnb, indicators, unit):
    """Draft year-end reports of Long An (80) and Kiên Giang (91)."""
    items = [
        ValueInput(unit(code), indicators["grdp_growth"], P, Decimal(value))
        for code, value in (("80", "7.5"), ("91", "6.9"))
    ]
    services.write_values(SYSTEM, tnb, P, items)
    return {
        code: Report.objects.get(cluster=tnb, period=P, unit=unit(code)) for code in ("80", "91")
    }


def status(report):
    report.refresh_from_db()
    return report.status


def last(action):
    return AuditEntry.objects.filter(action=action).order_by("-id").first()


def test_an_officer_submits_its_own_unit_and_the_audit_names_the_officer(drafts):
    code, out = thidua(
        "report", "submit", "--cluster", "TNB", "--period", P, "--unit", "80", "--user", "longan"
    )
    assert code == 0, out
    assert "80 Long An: đã gửi" in out
    assert status(drafts["80"]) == ReportStatus.SUBMITTED
    assert status(drafts["91"]) == ReportStatus.DRAFT
    entry = last("indicators.report.submitted")
    assert (entry.actor_name, entry.via, entry.object_id) == ("longan", "cli", str(drafts["80"].pk))


def test_an_officer_may_not_submit_another_unit_exit_1_with_the_reason(drafts):
    before = AuditEntry.objects.count()
    code, out = thidua(
        "report", "submit", "--cluster", "TNB", "--period", P, "--unit", "91", "--user", "longan"
    )
    assert code == 1
    assert "91 Kiên Giang: từ chối – Bạn không có quyền" in out
    assert status(drafts["91"]) == ReportStatus.DRAFT
    assert AuditEntry.objects.count() == before


def test_without_user_the_system_submits_and_accepts_all_and_is_audited_as_system(drafts):
    assert thidua("report", "submit", "--cluster", "TNB", "--period", P, "--all")[0] == 0
    code, out = thidua("report", "accept", "--cluster", "TNB", "--period", P, "--all", "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["action"] == "accept" and data["actor"] == "system" and data["refused"] == []
    assert {d["unit"] for d in data["done"]} == {"80", "91"}
    assert {d["status"] for d in data["done"]} == {"accepted"}
    entry = last("indicators.report.accepted")
    assert (entry.actor_id, entry.actor_name, entry.via) == (None, "system", "cli")


def test_the_head_returns_with_a_comment_and_reopens_with_a_reason(drafts):
    thidua("report", "submit", "--cluster", "TNB", "--period", P, "--all")
    code, out = thidua(
        "report",
        "return",
        "--cluster",
        "TNB",
        "--period",
        P,
        "--unit",
        "80",
        "--user",
        "camau",
        "--comment",
        "Thiếu giải trình",
    )
    assert code == 0, out
    assert status(drafts["80"]) == ReportStatus.RETURNED
    assert last("indicators.report.returned").reason == "Thiếu giải trình"
    thidua("report", "accept", "--cluster", "TNB", "--period", P, "--unit", "91")
    code, out = thidua(
        "report",
        "reopen",
        "--cluster",
        "TNB",
        "--period",
        P,
        "--unit",
        "91",
        "--user",
        "camau",
        "--reason",
        "Sửa số liệu GRDP",
    )
    assert code == 0, out
    assert status(drafts["91"]) == ReportStatus.RETURNED
    assert last("indicators.report.reopened").actor_name == "camau"


def test_an_officer_may_not_accept_and_a_wrong_state_is_refused(drafts):
    thidua("report", "submit", "--cluster", "TNB", "--period", P, "--unit", "80")
    code, out = thidua(
        "report",
        "accept",
        "--cluster",
        "TNB",
        "--period",
        P,
        "--unit",
        "80",
        "91",
        "--user",
        "longan",
        "--json",
    )
    assert code == 1
    data = json.loads(out[: out.rindex("}") + 1])
    assert data["done"] == []
    reasons = {r["unit"]: r["reasons"][0] for r in data["refused"]}
    assert "không có quyền" in reasons["80"] and "không có quyền" in reasons["91"]
    code, out = thidua("report", "accept", "--cluster", "TNB", "--period", P, "--unit", "91")
    assert code == 1 and "đang ở trạng thái “Đang nhập”" in out


@pytest.mark.parametrize(
    "args",
    [
        ["return", "--cluster", "TNB", "--period", P, "--all"],  # no comment
        ["reopen", "--cluster", "TNB", "--period", P, "--unit", "80"],  # no reason
        ["submit", "--cluster", "XXX", "--period", P, "--all"],
        ["submit", "--cluster", "TNB", "--period", "2019H3", "--all"],
        ["submit", "--cluster", "TNB", "--period", P, "--unit", "01"],  # Hà Nội: not a member
        ["submit", "--cluster", "TNB", "--period", P, "--all", "--user", "nobody"],
    ],
)
def test_usage_errors_exit_2_and_change_nothing(drafts, args):
    before = AuditEntry.objects.count()
    assert thidua("report", *args)[0] == 2
    assert AuditEntry.objects.count() == before


def test_a_member_without_a_report_is_refused_by_name(drafts):
    code, out = thidua("report", "submit", "--cluster", "TNB", "--period", P, "--unit", "82")
    assert code == 1 and "82 Tiền Giang: từ chối – Chưa có báo cáo" in out


def test_all_with_nothing_to_do_changes_nothing_and_says_so(drafts):
    code, out = thidua("report", "accept", "--cluster", "TNB", "--period", P, "--all")
    assert code == 0 and "không có gì thay đổi" in out


def test_import_submit_sends_the_officers_own_report(tmp_path, unit, tnb):
    path = tmp_path / "long-an.csv"
    path.write_text("unit_code,indicator,period,value\n80,grdp_growth,2019,7.5\n", encoding="utf-8")
    code, out = thidua(
        "import", path, "--cluster", "TNB", "--period", P, "--user", "longan", "--submit"
    )
    assert code == 0, out
    assert "80 Long An: đã gửi" in out
    report = Report.objects.get(cluster=tnb, period=P, unit=unit("80"))
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by.username == "longan"
    assert last("indicators.report.submitted").via == "cli"


def test_import_submit_refused_keeps_the_values_and_exits_1_with_the_reason(tmp_path, unit, tnb):
    path = tmp_path / "f.csv"
    rows = "unit_code,indicator,period,value\n80,grdp_growth,2019,35\n82,grdp_growth,2019,7.1\n"
    path.write_text(rows, encoding="utf-8")
    code, out = thidua("import", path, "--cluster", "TNB", "--period", P, "--submit", "--json")
    assert code == 1
    data = json.loads(out[: out.rindex("}") + 1])
    assert data["written"] == 2
    assert [d["unit"] for d in data["submitted"]["done"]] == ["82"]
    refused = data["submitted"]["refused"]
    assert [r["unit"] for r in refused] == ["80"] and "cần giải trình" in refused[0]["reasons"][0]
    assert Report.objects.get(cluster=tnb, period=P, unit=unit("80")).values.count() == 1


def test_import_submit_with_dry_run_is_a_usage_error(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("unit_code,indicator,period,value\n80,grdp_growth,2019,7.5\n", encoding="utf-8")
    assert thidua("import", path, "--cluster", "TNB", "--submit", "--dry-run")[0] == 2


TP5_2019 = """unit_code,indicator,period,value
01,grdp_growth,2019,7.62
79,grdp_growth,2019,8.32
31,grdp_growth,2019,9.5
48,grdp_growth,2019,6.48
92,grdp_growth,2019,7.39
92,budget_revenue,2019,12560.4
92,budget_plan,2019,12000
"""


def test_a_year_imported_submitted_and_accepted_is_reviewed_with_exact_figures(tmp_path, users):
    path = tmp_path / "tp5-2019.csv"
    path.write_text(TP5_2019, encoding="utf-8")
    assert thidua("import", path, "--cluster", "TP5", "--period", P)[0] == 0
    _, out = thidua("report", "review", "--cluster", "TP5", "--period", P)
    assert "đã báo cáo: 0" in out  # drafts are not reviewed
    assert thidua("report", "submit", "--cluster", "TP5", "--period", P, "--all")[0] == 0
    assert thidua("report", "accept", "--cluster", "TP5", "--period", P, "--all")[0] == 0
    code, out = thidua("report", "review", "--cluster", "TP5", "--period", P, "--format", "json")
    assert code == 0, out
    assert '"mean": 7.862,' in out  # a JSON number with the data's precision, not 7.86
    data = json.loads(out, parse_float=Decimal)
    growth = data["indicators"]["grdp_growth"]
    assert (data["reported"], growth["mean"], growth["cluster_value"]) == (
        5,
        Decimal("7.862"),
        Decimal("7.862"),
    )
    share = {r["unit_code"]: r["value"] for r in data["indicators"]["budget_plan_pct"]["ranking"]}
    assert share["92"] == Decimal("104.67")
    assert "gần 8%" in data["narrative"]  # the text is written from the rounded figures
    _, text = thidua("report", "review", "--cluster", "TP5", "--period", P)
    assert "7,86%" in text  # display rounds
    key = tokens.create_token(SYSTEM, users["bantw"], "exact").key
    api = Client(headers={"Authorization": f"Bearer {key}"})
    answer = api.get(f"/api/v1/clusters/TP5/periods/{P}/review").content.decode()
    assert '"mean": 7.862,' in answer and '"value": 104.67,' in answer
