"""The review's hand-written statements give exactly the figures of the former ORM query
(tests/review_reference.py): on the demo, and on varied data that reaches every branch (weighted
means, a formula as weight, min/max, lower-is-better, ties, division by zero, year-basis values,
per-member and general targets of both comparators, other statuses, corrections, illustrative
values, values in another cluster's reports, inactive indicators, a cluster without members)."""

import random
from decimal import Decimal

import pytest

from tests import review_reference
from thidua.covenants.models import Covenant, Target
from thidua.indicators.models import Indicator, Report, ReportStatus, Value
from thidua.orgs.models import Cluster, Membership, Unit
from thidua.reports.aggregation import review

PERIODS_2025 = ("2025H1", "2025", "2024H1", "2024", "2025Q1")


def _strict(x):
    """Decimals by their text (8.2 and 8.20 differ), containers recursively."""
    if isinstance(x, Decimal):
        return ("decimal", str(x))
    if isinstance(x, dict):
        return {k: _strict(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_strict(v) for v in x]
    return x


def _same(cluster, period, include_submitted):
    new = review(cluster, period, include_submitted=include_submitted)
    old = review_reference.review(cluster, period, include_submitted=include_submitted)
    assert _strict(new) == _strict(old), (cluster.code, period, include_submitted)
    return new


def test_the_demo_reviews_are_those_of_the_former_query(db):
    compared = 0
    for cluster in Cluster.objects.all():
        for period in ("2019H1", "2019", "2018H1", "2019Q3"):
            for include_submitted in (False, True):
                compared += bool(_same(cluster, period, include_submitted)["indicators"])
    assert compared >= 4


def _indicator(code: str, position: int, **fields) -> Indicator:
    defaults = {"name_vi": code, "name_en": code, "measure": "%", "aggregation": "mean"}
    return Indicator.objects.create(code=code, position=position, **defaults | fields)


@pytest.fixture
def varied(db, indicators):
    rnd = random.Random(20250701)
    weight = _indicator("eq_weight", 200, aggregation="sum", decimals=0, measure="tỷ đồng")
    _indicator("eq_lowest", 201, aggregation="min", direction="lower", decimals=3)
    _indicator("eq_highest", 202, aggregation="max", decimals=0)
    _indicator("eq_yearly", 203, period_basis="year", decimals=1)
    ratio = _indicator("eq_ratio", 204, aggregation="formula", formula="eq_weight / eq_lowest")
    _indicator("eq_wmean", 205, aggregation="weighted_mean", weight=weight, decimals=2)
    _indicator("eq_wratio", 206, aggregation="weighted_mean", weight=ratio, decimals=2)
    _indicator("eq_shift", 207, aggregation="formula", formula="-eq_highest + 2.5 * eq_yearly")
    _indicator("eq_zero", 208, aggregation="formula", formula="eq_highest / (eq_lowest - 1)")
    gone = _indicator("eq_inactive", 209, active=False)
    stored = [
        i
        for i in Indicator.objects.filter(active=True, formula="")
        if i.code.startswith("eq_") or i.code in ("grdp_growth", "budget_revenue", "budget_plan")
    ]
    stored.append(gone)

    units = [
        Unit.objects.create(code=f"EQ{n:02d}", name=f"Đơn vị {n:02d}", kind=kind)
        for n, kind in enumerate(["province"] * 9 + ["city"] * 5)
    ]
    eq1 = Cluster.objects.create(code="EQ1", name="Cụm EQ1", kind="cum", organiser="central")
    eq2 = Cluster.objects.create(code="EQ2", name="Cụm EQ2", kind="cum", organiser="central")
    Cluster.objects.create(code="EQ0", name="Cụm trống", kind="cum", organiser="central")
    for year in (2024, 2025):
        for n, u in enumerate(units):
            if (year, n) not in ((2024, 0), (2025, 13)):  # one leaves, one joins
                Membership.objects.create(cluster=eq1, year=year, unit=u, role="member")
        for u in units[10:]:
            Membership.objects.create(cluster=eq2, year=year, unit=u, role="member")

    ties = [Decimal("1"), Decimal("7.5"), Decimal("0"), Decimal("-2.25"), Decimal("1.000001")]
    statuses = [ReportStatus.ACCEPTED] * 5 + [
        ReportStatus.SUBMITTED,
        ReportStatus.SUBMITTED,
        ReportStatus.DRAFT,
        ReportStatus.RETURNED,
    ]

    def value() -> Decimal:
        if rnd.random() < 0.4:
            return rnd.choice(ties)
        return Decimal(rnd.randint(-(10**9), 10**12)) / 10 ** rnd.choice([0, 2, 6])

    for period in ("2025H1", "2024H1", "2025", "2024"):
        for u in units[:13]:
            report = Report.objects.create(
                cluster=eq1, unit=u, period=period, status=rnd.choice(statuses)
            )
            for ind in stored:
                if rnd.random() < 0.2:
                    continue  # missing
                at = str(period[:4]) if ind.period_basis == "year" else period
                if Value.objects.filter(unit=u, indicator=ind, period=at, is_current=True).exists():
                    continue
                if rnd.random() < 0.3:  # a corrected value: the old row is no longer current
                    Value.objects.create(
                        unit=u, indicator=ind, period=at, value=value(), report=report,
                        is_current=False,
                    )  # fmt: skip
                Value.objects.create(
                    unit=u, indicator=ind, period=at, value=value(), report=report,
                    illustrative=rnd.random() < 0.1,
                )  # fmt: skip
        # A unit of both clusters reports grdp_growth to EQ2 only: EQ1 must not see it.
        other = Report.objects.create(
            cluster=eq2, unit=units[12], period=period, status=ReportStatus.ACCEPTED
        )
        Value.objects.filter(
            unit=units[12], indicator=indicators["grdp_growth"], period=period
        ).delete()
        Value.objects.create(
            unit=units[12],
            indicator=indicators["grdp_growth"],
            period=period,
            value=Decimal("99"),
            report=other,
            illustrative=True,
        )

    covenant = Covenant.objects.create(cluster=eq1, year=2025)
    by_code = {i.code: i for i in Indicator.objects.filter(code__startswith="eq_")}
    member_value = Value.objects.filter(
        indicator=by_code["eq_lowest"], period="2025H1", is_current=True
    ).first()

    def target(code, period, v, unit=None, comparator="gte"):
        Target.objects.create(
            covenant=covenant,
            indicator=by_code.get(code) or indicators[code],
            period=period,
            unit=unit,
            value=Decimal(v),
            comparator=comparator,
        )

    target("eq_wmean", "2025H1", "7.5")
    target("eq_lowest", "2025H1", member_value.value, comparator="lte")  # a member on the line
    target("eq_lowest", "2025H1", "0", unit=units[3], comparator="lte")
    target("eq_highest", "2025H1", "1", unit=units[4])  # per member only, no general target
    target("eq_highest", "2025H1", "-5", unit=units[5])
    target("eq_yearly", "2025", "1")
    target("eq_ratio", "2025", "1.000001", comparator="lte")
    target("grdp_growth", "2025H1", "7.5")
    return eq1


def test_varied_reviews_are_those_of_the_former_query(varied):
    with_figures = 0
    for cluster in Cluster.objects.filter(code__in=["EQ1", "EQ2", "EQ0", "TNB"]):
        for period in PERIODS_2025:
            for include_submitted in (False, True):
                data = _same(cluster, period, include_submitted)
                with_figures += bool(data["indicators"])
    data = review(varied, "2025H1", include_submitted=True)["indicators"]
    # The data reach the branches meant: weighted means, thresholds, last year, ties.
    assert data["eq_wmean"]["cluster_value"] is not None
    assert data["eq_wratio"]["cluster_value"] is not None
    assert data["eq_lowest"]["threshold"]["per_member"]
    assert data["eq_highest"]["threshold"]["value"] is None
    assert data["eq_wmean"]["previous"] is not None
    ranks = [r["rank"] for r in data["eq_wmean"]["ranking"]]
    assert len(set(ranks)) < len(ranks)
    assert any(e["illustrative"] for e in data.values())
    assert with_figures >= 10


def test_without_active_indicators_the_review_has_members_and_no_figures(tnb):
    Indicator.objects.update(active=False)
    data = _same(tnb, "2019H1", False)
    assert (data["members"], data["reported"], data["indicators"]) == (12, 12, {})
