"""Submitting with a blank required indicator asks first on every door (issue 20): the web asks
on the page; the API and the command line refuse, naming each blank indicator, unless the
caller confirms (`?confirm_blank=true`, `--confirm-blank`)."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from thidua.accounts.permissions import SYSTEM
from thidua.covenants.models import Covenant, Target
from thidua.indicators import services
from thidua.indicators.models import Report, ReportStatus
from thidua.indicators.services import ValueInput
from thidua.scoring.required import blank_required

pytestmark = pytest.mark.django_db
P = "2019"
SUBMIT = "/api/v1/clusters/TNB/periods/2019/reports/80/submit"


@pytest.fixture
def draft(tnb, indicators, unit):
    """Long An's year-end draft, the covenant pledging export and FDI figures it left blank."""
    covenant = Covenant.objects.get(cluster=tnb, year=2019)
    for code in ("export_value", "social_investment"):
        Target.objects.create(covenant=covenant, indicator=indicators[code], period=P, value=1)
    item = ValueInput(unit("80"), indicators["grdp_growth"], P, Decimal("7.5"))
    services.write_values(SYSTEM, tnb, P, [item])
    report = Report.objects.get(cluster=tnb, period=P, unit=unit("80"))
    blank = blank_required(tnb, P, [report.unit_id])[report.unit_id]
    assert {i.code for i in blank} == {"export_value", "social_investment"}
    return report, blank


@pytest.fixture
def longan(users) -> Client:
    client = Client()
    client.force_login(users["longan"])
    return client


def thidua(*args):
    out = io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def test_the_api_refuses_a_blank_submit_naming_each_blank_indicator(draft, longan, users):
    report, blank = draft
    other = Client()
    other.force_login(users["kiengiang"])
    assert other.post(SUBMIT).status_code == 403  # who may not submit is told that first
    refused = longan.post(SUBMIT)
    assert refused.status_code == 422
    issues = refused.json()["detail"]
    assert [i["column"] for i in issues] == [i.code for i in blank]
    assert blank[0].name_vi in issues[0]["message"]
    assert "confirm_blank=true" in issues[0]["message"]
    assert set(issues[0]) == {"row", "column", "value", "message", "cell"}
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    sent = longan.post(SUBMIT + "?confirm_blank=true")
    assert sent.status_code == 200, sent.content
    assert sent.json()["status"] == "submitted"


def test_the_cli_refuses_a_blank_submit_naming_them_exit_1(draft):
    report, blank = draft
    args = ["report", "submit", "--cluster", "TNB", "--period", P, "--unit", "80"]
    code, out = thidua(*args, "--user", "longan", "--json")
    assert code == 1
    [refused] = json.loads(out[: out.rindex("}") + 1])["refused"]
    assert len(refused["reasons"]) == len(blank)
    assert blank[0].name_vi in refused["reasons"][0] and "--confirm-blank" in out
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    code, out = thidua(*args, "--user", "longan", "--confirm-blank")
    assert code == 0, out
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_import_submit_keeps_the_values_and_refuses_a_blank_submit_until_confirmed(draft, tmp_path):
    report, blank = draft
    path = tmp_path / "long-an.csv"
    path.write_text("unit_code,indicator,period,value\n80,grdp_growth,2019,7.6\n", encoding="utf-8")
    args = ["import", str(path), "--cluster", "TNB", "--period", P, "--user", "longan", "--submit"]
    code, out = thidua(*args)
    assert code == 1 and blank[-1].name_vi in out
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.values.get(is_current=True, indicator__code="grdp_growth").value == Decimal("7.6")
    path.write_text("unit_code,indicator,period,value\n80,grdp_growth,2019,7.7\n", encoding="utf-8")
    code, out = thidua(*args, "--confirm-blank")
    assert code == 0, out
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
