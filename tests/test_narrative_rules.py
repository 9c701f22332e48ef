"""A narrative a secretariat would sign (issue 18, part 4): the rules of
`data/narrative_rules.json` on two clusters' data (TNB, TP5) and with members missing."""

import re
from decimal import Decimal

import pytest

from thidua.common.numbers import format_vn
from thidua.indicators import services
from thidua.indicators.models import Report
from thidua.indicators.services import ValueInput
from thidua.reports.aggregation import review
from thidua.reports.documents import ranking_summary, table_blocks
from thidua.reports.narrative import narrate, rules, standouts

# The five cities' mid-year figures: growth (mean 7,86%), revenue and the year's plan.
TP5 = {
    "01": ("6.85", "263000", "262000"),  # Hà Nội
    "31": ("11.00", "86000", "90000"),  # Hải Phòng: clearly above the mean
    "48": ("7.51", "27000", "27200"),  # Đà Nẵng: below the mean, never a standout
    "92": ("7.26", "11515", "11000"),  # Cần Thơ: 104,7% of its plan, the leader
    "79": ("6.68", "412000", "411000"),  # Hồ Chí Minh
}


def _enter_and_accept(actor, cluster, period, items, unit_codes):
    services.write_values(actor, cluster, period, items)
    for code in unit_codes:
        report = Report.objects.get(cluster=cluster, unit__code=code, period=period)
        report = services.submit_report(actor, report)
        services.accept_report(actor, report)


@pytest.fixture
def tp5_h1(users, tp5, indicators, unit):
    items = []
    for code, (growth, revenue, plan) in TP5.items():
        items += [
            ValueInput(unit(code), indicators["grdp_growth"], "2019H1", Decimal(growth)),
            ValueInput(unit(code), indicators["budget_revenue"], "2019H1", Decimal(revenue)),
            ValueInput(unit(code), indicators["budget_plan"], "2019", Decimal(plan)),
        ]
    _enter_and_accept(users["bantw"], tp5, "2019H1", items, TP5)
    return review(tp5, "2019H1")


@pytest.fixture
def tp5_text(tp5_h1, tp5):
    return narrate(tp5_h1, tp5)


@pytest.fixture
def tnb_h1(tnb):
    return review(tnb, "2019H1")


@pytest.fixture
def tnb_partial(users, tnb, indicators, unit):
    """The year-end review with only Long An's annual report accepted (1 of 12)."""
    items = [
        ValueInput(unit("80"), indicators["grdp_growth"], "2019", Decimal("11.6")),
        ValueInput(unit("80"), indicators["budget_revenue"], "2019", Decimal("18000")),
    ]
    services.write_values(users["longan"], tnb, "2019", items)
    report = Report.objects.get(cluster=tnb, unit=unit("80"), period="2019")
    services.accept_report(users["camau"], services.submit_report(users["longan"], report))
    return review(tnb, "2019")


def test_the_results_come_first(tnb_h1, tnb, tp5_text):
    text = narrate(tnb_h1, tnb)
    assert text.startswith("Trong 6 tháng đầu năm 2019, tốc độ tăng trưởng GRDP toàn cụm")
    assert tp5_text.startswith("Trong 6 tháng đầu năm 2019, tốc độ tăng trưởng GRDP toàn cụm")
    assert "đã gửi báo cáo" not in text and "đã có số liệu" not in text


def test_a_standout_is_only_a_member_clearly_above_the_mean(tp5_h1, tp5_text, tnb_h1, tnb):
    growth = tp5_h1["indicators"]["grdp_growth"]
    assert growth["cluster_value"] == Decimal("7.86")
    assert [r["unit_code"] for r in standouts(growth)] == ["31"]
    assert "riêng Thành phố Hải Phòng tăng 11%" in tp5_text
    assert "Đà Nẵng" not in tp5_text
    text = narrate(tnb_h1, tnb)
    assert "riêng Trà Vinh tăng 17%, Long An tăng gần 10%" in text  # the article's standouts
    margin = Decimal(rules()["standout"]["margin_of_stated"])
    for data in (tp5_h1, tnb_h1):
        entry = dict(data["indicators"]["grdp_growth"], code="grdp_growth")
        for row in standouts(entry):
            assert row["value"] >= entry["cluster_value"] * (1 + margin)


def test_a_standout_on_a_decline_is_below_the_mean(tp5_h1):
    entry = dict(tp5_h1["indicators"]["grdp_growth"], code="grdp_growth", direction="lower")
    entry["ranking"] = sorted(entry["ranking"], key=lambda r: r["value"])
    # Were lower better: Hồ Chí Minh (6,68) and Hà Nội (6,85) lie clearly below 7,86%.
    assert [r["unit_code"] for r in standouts(entry)] == ["79", "01"]


def test_the_leader_of_a_share_of_plan_indicator_is_named_without_a_target(tp5_h1, tp5_text):
    assert tp5_h1["indicators"]["budget_plan_pct"]["threshold"] is None
    assert "cao nhất là Thành phố Cần Thơ (104,7%)" in tp5_text


def test_units_are_named_by_their_official_names(tp5, tp5_h1):
    tp5_h1["indicators"]["budget_plan_pct"]["ranking"].sort(key=lambda r: r["unit_code"] != "79")
    text = narrate(tp5_h1, tp5)
    assert "Thành phố Hồ Chí Minh" in text
    assert not re.search(r"(?<!Thành phố )Hồ Chí Minh", text)
    summary = ranking_summary(
        tp5_h1["indicators"]["budget_revenue"], "thành phố", 5, _names(tp5_h1)
    )
    assert "cao nhất là Thành phố Hồ Chí Minh" in summary


def _names(data):
    from thidua.reports.narrative import official_names

    return official_names(data)


@pytest.mark.parametrize("cluster", ["tnb", "tp5"])
def test_the_text_states_the_tables_figure_with_the_same_rounding(
    cluster, tnb_h1, tp5_h1, tnb, tp5
):
    data, found = (tnb_h1, tnb) if cluster == "tnb" else (tp5_h1, tp5)
    entry = data["indicators"]["budget_plan_pct"]
    table = format_vn(entry["cluster_value"], entry["decimals"])
    block = next(b for b in table_blocks(data["indicators"], []) if table in b["totals"])
    assert block
    summary = ranking_summary(entry, data["member_noun"], data["members"])
    assert f"Toàn cụm {table}%" in summary
    assert format_vn(entry["mean"], entry["decimals"]) not in summary.split("cao nhất")[0] or (
        format_vn(entry["mean"], entry["decimals"]) == table
    )
    if cluster == "tp5":
        assert f"toàn cụm đạt {table}%" in narrate(data, found)


def test_no_needless_decimals(tp5_h1):
    summary = ranking_summary(tp5_h1["indicators"]["budget_revenue"], "thành phố", 5)
    assert "159.903 tỷ" in summary.replace("\u00a0", " ")  # 799 515 / 5, not 159.903,0
    assert not re.search(r"\d,0\D", summary.replace("\u00a0", " "))


def test_with_members_missing_coverage_is_said_and_no_figure_is_the_clusters(tnb_partial, tnb):
    text = narrate(tnb_partial, tnb)
    assert text.startswith("Trong năm 2019, 1/12 tỉnh đã có số liệu; ")
    growth = text.split("tăng trưởng GRDP", 1)[1].split(";", 1)[0]
    assert "của 1 tỉnh đã có số liệu" in growth and "11,6%" in growth
    assert "toàn cụm" not in growth.lower() and "riêng" not in text
    # A ratio of one member's revenue to all members' plans is nobody's: Long An's own share.
    assert "so với dự toán bình quân của 1 tỉnh đã có số liệu khoảng 134%" in text
    summary = ranking_summary(tnb_partial["indicators"]["grdp_growth"], "tỉnh", 12)
    assert summary.startswith("1/12 tỉnh đã có số liệu")
    assert "Toàn cụm" not in summary and "bình quân mỗi" not in summary
    revenue = ranking_summary(tnb_partial["indicators"]["budget_revenue"], "tỉnh", 12)
    assert "Toàn cụm" not in revenue and "tổng của các tỉnh này 18.000" in revenue.replace(
        "\u00a0", " "
    )


def test_an_assigned_plan_is_never_ranked_as_performance(tnb, tnb_h1, indicators):
    from thidua.reports.documents import _assignment_note
    from thidua.reports.models import NarrativeKind, NarrativeTemplate

    NarrativeTemplate.objects.create(
        kind=NarrativeKind.SUMMARY,
        indicator=indicators["budget_plan"],
        position=25,
        text_vi="dự toán thu ngân sách được giao {total}{items}",
        items_intro_vi=", cao nhất là ",
        item_vi="{unit} ({value})",
        item_count=1,
    )
    text = narrate(tnb_h1, tnb)
    assert "dự toán thu ngân sách được giao" in text
    assert "dự toán thu ngân sách được giao trên 80.000 tỷ đồng;" in text  # no member named
    assert "không phải kết quả thực hiện" in _assignment_note("budget_plan")
    assert _assignment_note("budget_revenue") == ""
