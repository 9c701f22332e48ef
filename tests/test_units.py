"""Units, codes reused in 2025, and a successor's history derived from its predecessors."""

from datetime import date
from decimal import Decimal

import pytest

from thidua.accounts.permissions import SYSTEM
from thidua.indicators import services
from thidua.indicators.models import Report, ReportingWindow
from thidua.indicators.series import unit_series
from thidua.orgs.models import Cluster, Lineage, Membership, Unit
from thidua.orgs.reference import load_lineage, load_provinces, unit_on


def test_the_reference_data_has_63_provinces_before_and_34_after_the_merger(db):
    provinces = Unit.objects.filter(kind__in=["province", "city"])  # not the demo's departments
    assert provinces.valid_on(date(2025, 6, 30)).count() == 63
    assert provinces.valid_on(date(2025, 7, 1)).count() == 34


def test_a_code_means_the_unit_valid_on_the_day(db):
    assert unit_on("80", date(2019, 1, 1)).name == "Long An"
    assert unit_on("80", date(2026, 1, 1)).name == "Tây Ninh"


def test_loading_the_reference_data_twice_changes_nothing(db):
    units, links = Unit.objects.count(), Lineage.objects.count()
    assert load_provinces() == 0 and load_lineage() == 0
    assert (Unit.objects.count(), Lineage.objects.count()) == (units, links)


def test_lineage_records_the_merger_into_tay_ninh(db):
    new = unit_on("80", date(2026, 1, 1))
    names = sorted(link.predecessor.name for link in Lineage.objects.filter(successor=new))
    assert names == ["Long An", "Tây Ninh"]


@pytest.fixture
def old_tay_ninh_reported(tnb, indicators):
    """Old Tây Ninh (72) reports 2019H1 in a cluster of its own, accepted."""
    old = unit_on("72", date(2019, 1, 1))
    cluster = Cluster.objects.create(
        code="DNB", name="Đông Nam Bộ", kind="cum", organiser="central"
    )
    Membership.objects.create(cluster=cluster, year=2019, unit=old, role="head")
    ReportingWindow.objects.create(
        cluster=cluster, period="2019H1", deadline="2019-07-15", entry_closes="2019-07-31"
    )
    values = {"budget_revenue": "5000", "budget_plan": "8000", "grdp_growth": "8.0"}
    items = [
        services.ValueInput(
            old, indicators[code], "2019H1" if code != "budget_plan" else "2019", Decimal(v)
        )
        for code, v in values.items()
    ]
    services.write_values(SYSTEM, cluster, "2019H1", items)
    report = Report.objects.get(cluster=cluster, unit=old)
    services.accept_report(SYSTEM, services.submit_report(SYSTEM, report))
    # Long An lies in TNB (the demo): revenue 9 360, plan 13 450, growth 9,89.


def test_a_successor_sums_amounts_of_its_predecessors_and_says_so(
    old_tay_ninh_reported, indicators
):
    new = unit_on("80", date(2026, 1, 1))
    points = {p.period: p for p in unit_series(new, indicators["budget_revenue"])}
    assert points["2019H1"].value == Decimal("14360")
    assert points["2019H1"].derived
    assert sorted(points["2019H1"].sources) == ["Long An", "Tây Ninh"]


def test_a_successor_recomputes_ratios_from_summed_parts(old_tay_ninh_reported, indicators):
    new = unit_on("80", date(2026, 1, 1))
    points = {p.period: p for p in unit_series(new, indicators["budget_plan_pct"])}
    expected = Decimal("14360") * 100 / Decimal("21450")
    assert abs(points["2019H1"].value - expected) < Decimal("0.0001")


def test_a_rate_with_a_declared_weight_needs_the_weights(old_tay_ninh_reported, indicators):
    new = unit_on("80", date(2026, 1, 1))
    # grdp_growth is a weighted mean by GRDP, and no GRDP was reported: nothing is made up.
    assert unit_series(new, indicators["grdp_growth"]) == []


def test_a_predecessor_keeps_its_own_history(old_tay_ninh_reported, indicators):
    long_an = unit_on("80", date(2019, 1, 1))
    points = unit_series(long_an, indicators["budget_revenue"])
    assert [(p.period, p.value, p.derived) for p in points] == [("2019H1", Decimal("9360"), False)]


def test_hue_became_a_centrally_run_city_on_1_january_2025(db):
    """Resolution 175/2024/QH15: Thừa Thiên Huế became the city Huế on 2025-01-01, code 46 kept,
    and the 2025-07-01 reorganisation left it unchanged."""
    assert unit_on("46", date(2024, 12, 31)).name == "Thừa Thiên Huế"
    hue = unit_on("46", date(2025, 1, 1))
    assert (hue.name, hue.kind, hue.valid_from) == ("Huế", "city", date(2025, 1, 1))
    assert unit_on("46", date(2025, 7, 1)) == hue
    link = Lineage.objects.get(successor=hue)
    assert link.predecessor.name == "Thừa Thiên Huế"
    assert (link.change, link.effective) == ("renamed", date(2025, 1, 1))
    assert "175/2024/QH15" in link.legal_basis


def test_reloading_moves_hue_stored_with_the_old_date_instead_of_adding_a_unit(db):
    """A database loaded from the old data (Huế from 2025-07-01) is corrected in place."""
    hue = unit_on("46", date(2025, 7, 1))
    Unit.objects.filter(pk=hue.pk).update(valid_from=date(2025, 7, 1))
    old = unit_on("46", date(2024, 1, 1))
    Unit.objects.filter(pk=old.pk).update(valid_to=date(2025, 6, 30))
    Lineage.objects.filter(successor=hue).update(effective=date(2025, 7, 1), change="unchanged")
    units, links = Unit.objects.count(), Lineage.objects.count()
    assert load_provinces() == 0 and load_lineage() == 0
    assert (Unit.objects.count(), Lineage.objects.count()) == (units, links)
    assert unit_on("46", date(2025, 3, 1)).pk == hue.pk
    assert Lineage.objects.get(successor=hue).effective == date(2025, 1, 1)
