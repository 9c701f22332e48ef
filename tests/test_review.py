"""The cluster's figures, computed in SQL, on the demo and on fresh data."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from thidua.covenants.models import Covenant, Target
from thidua.indicators import services
from thidua.indicators.models import Report, ReportingWindow, Value
from thidua.indicators.services import ValueInput
from thidua.orgs.models import Membership
from thidua.reports.aggregation import review


@pytest.fixture
def h1(tnb):
    return review(tnb, "2019H1")


def test_the_demo_review_states_the_figures_of_the_article(h1):
    ind = h1["indicators"]
    assert h1["members"] == 12
    assert ind["grdp_growth"]["mean"] == Decimal("8.20")
    assert ind["budget_revenue"]["total"] == Decimal("49630")
    assert ind["hs_graduation_rate"]["mean"] == Decimal("97.00")
    pct = ind["budget_plan_pct"]
    assert (pct["threshold"]["count"], pct["threshold"]["of"]) == (12, 12)
    assert pct["threshold"]["value"] == Decimal("55")
    assert pct["ranking"][0]["unit_name"] == "Hậu Giang"
    assert pct["ranking"][0]["value"] == Decimal("81.4")


def test_standouts_come_first_in_the_ranking(h1):
    ranking = h1["indicators"]["grdp_growth"]["ranking"]
    assert [(r["unit_name"], r["value"], r["rank"]) for r in ranking[:2]] == [
        ("Trà Vinh", Decimal("17.00"), 1),
        ("Long An", Decimal("9.89"), 2),
    ]
    assert len(ranking) == 12


def test_a_ratio_is_recomputed_for_the_cluster_not_averaged(h1):
    pct = h1["indicators"]["budget_plan_pct"]
    assert pct["cluster_value"] == Decimal("61.68")  # 49 630 / 80 465
    assert pct["mean"] == Decimal("61.79")  # the plain mean of members' shares differs


def test_values_marked_illustrative_are_flagged(h1):
    assert h1["indicators"]["budget_revenue"]["illustrative"]
    assert h1["indicators"]["budget_plan_pct"]["illustrative"]


def test_only_accepted_reports_count_unless_asked(users, tnb, indicators, unit):
    item = ValueInput(unit("80"), indicators["grdp_growth"], "2019", Decimal("7.5"))
    services.write_values(users["longan"], tnb, "2019", [item])
    assert "grdp_growth" not in review(tnb, "2019")["indicators"]
    report = Report.objects.get(cluster=tnb, unit=unit("80"), period="2019")
    services.submit_report(users["longan"], report)
    preview = review(tnb, "2019", include_submitted=True)["indicators"]["grdp_growth"]
    assert (preview["mean"], preview["count"]) == (Decimal("7.50"), 1)
    services.accept_report(users["camau"], report)
    final = review(tnb, "2019")["indicators"]["grdp_growth"]
    assert final["missing"] and len(final["missing"]) == 11


def test_accepting_an_annual_report_leaves_the_mid_year_review_as_it_was(
    users, tnb, indicators, unit
):
    # Issue 16, finding 4: a yearly figure reported only in the annual report appeared in the
    # already-held mid-year review.
    before = review(tnb, "2019H1")
    item = ValueInput(unit("80"), indicators["poverty_rate_reduction"], "2019", Decimal("1.2"))
    services.write_values(users["longan"], tnb, "2019", [item])
    report = Report.objects.get(cluster=tnb, unit=unit("80"), period="2019")
    services.accept_report(users["camau"], services.submit_report(users["longan"], report))
    assert review(tnb, "2019H1") == before
    assert "poverty_rate_reduction" not in before["indicators"]
    assert review(tnb, "2019")["indicators"]["poverty_rate_reduction"]["count"] == 1


def test_the_year_end_review_takes_the_plan_from_the_mid_year_report(tnb):
    # The year's plan came with the accepted mid-year reports; no annual report repeats it.
    assert review(tnb, "2019")["indicators"]["budget_plan"]["total"] == Decimal("80465")


def test_a_value_stored_in_another_periods_report_stays_out_of_the_review(tnb, unit, indicators):
    # What an annual report could write before the service refused it: a mid-year figure.
    annual = Report.objects.create(cluster=tnb, unit=unit("80"), period="2019", status="accepted")
    Value.objects.filter(unit=unit("80"), indicator__code="grdp_growth").update(report=annual)
    growth = review(tnb, "2019H1")["indicators"]["grdp_growth"]
    assert (growth["count"], growth["missing"]) == (11, ["Long An"])


def test_per_member_targets_are_counted_against_each_member(tnb, indicators, unit):
    covenant = Covenant.objects.get(cluster=tnb, year=2019)
    Target.objects.create(
        covenant=covenant, indicator=indicators["grdp_growth"], period="2019H1", value=Decimal("7")
    )
    Target.objects.create(
        covenant=covenant,
        indicator=indicators["grdp_growth"],
        period="2019H1",
        unit=unit("84"),
        value=Decimal("18"),
    )
    threshold = review(tnb, "2019H1")["indicators"]["grdp_growth"]["threshold"]
    # ≥ 7: all but Vĩnh Long (5,79), Đồng Tháp (6,52), An Giang (6,91); Trà Vinh misses its 18.
    assert (threshold["count"], threshold["of"], threshold["per_member"]) == (8, 12, True)


def test_change_against_last_year_is_given_where_data_exists(users, tnb, indicators, unit):
    ReportingWindow.objects.create(
        cluster=tnb, period="2018H1", deadline="2018-07-15", entry_closes="2018-07-31"
    )
    for m in Membership.objects.filter(cluster=tnb, year=2019):
        Membership.objects.create(cluster=tnb, year=2018, unit=m.unit, role=m.role)
    item = ValueInput(unit("80"), indicators["budget_revenue"], "2018H1", Decimal("8000"))
    services.write_values(users["bantw"], tnb, "2018H1", [item])
    report = Report.objects.get(cluster=tnb, unit=unit("80"), period="2018H1")
    services.accept_report(users["bantw"], services.submit_report(users["bantw"], report))
    previous = review(tnb, "2019H1")["indicators"]["budget_revenue"]["previous"]
    assert previous["count"] == 1
    assert previous["value"] == Decimal("8000.00")


def test_the_review_takes_the_same_number_of_queries_for_any_cluster_size(tnb, tp5):
    with CaptureQueriesContext(connection) as big:
        review(tnb, "2019H1")
    with CaptureQueriesContext(connection) as small:
        review(tp5, "2019H1")
    assert len(big) == len(small) <= 4


def test_the_review_command_prints_the_contract_json(db, capsys):
    call_command("report", "review", "--cluster", "TNB", "--period", "2019H1", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["cluster"] == {"code": "TNB", "name": "Cụm thi đua các tỉnh Tây Nam Bộ"}
    assert (data["period"], data["members"]) == ("2019H1", 12)
    grdp = data["indicators"]["grdp_growth"]
    assert {
        "name",
        "measure",
        "total",
        "mean",
        "min",
        "max",
        "count",
        "ranking",
        "threshold",
    } <= set(grdp)
    assert grdp["mean"] == 8.2 and isinstance(grdp["mean"], float)
    assert data["indicators"]["budget_revenue"]["total"] == 49630
    assert data["indicators"]["budget_plan_pct"]["threshold"] == {
        **data["indicators"]["budget_plan_pct"]["threshold"],
        "value": 55,
        "count": 12,
        "of": 12,
    }
    assert set(grdp["ranking"][0]) >= {"unit_code", "unit_name", "value", "rank"}
