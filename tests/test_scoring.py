"""Scoring under the cluster's regulation: the math, the explanations, who may see what."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from thidua.accounts.permissions import SYSTEM
from thidua.common.errors import ValidationFailed
from thidua.scoring import regulation_io, services
from thidua.scoring.engine import MemberScore, _by_attainment, current_regulation, rank, score
from thidua.scoring.models import Criterion, Method
from thidua.scoring.selectors import visible


@pytest.fixture
def regulation(tnb):
    return current_regulation(tnb, 2019)


@pytest.fixture
def results(regulation):
    return {r.unit_name: r for r in score(regulation)}


def test_every_member_is_scored_and_ranked_with_explanations(results):
    assert len(results) == 12
    long_an = results["Long An"]
    points = {c.code: c.points for c in long_an.criteria}
    assert points["A1"] == Decimal("19.00")  # second on GRDP growth
    assert points["A2"] == Decimal("20.00")  # 69,6% against the 55% mark, capped at 1
    assert points["C"] == Decimal("2.00")  # the head's review score, not the self score
    explanation = next(c.explanation for c in long_an.criteria if c.code == "C")
    assert "tự chấm 3,00" in explanation and "Chỉ được công nhận ở cấp sở" in explanation
    assert long_an.total == sum(c.points for c in long_an.criteria if c.parent is None)


def test_a_penalty_is_subtracted(results):
    an_giang = results["An Giang"]
    assert next(c.points for c in an_giang.criteria if c.code == "D") == Decimal("-1.00")


def test_a_threshold_gives_all_or_nothing(results):
    a3 = {name: next(c.points for c in r.criteria if c.code == "A3") for name, r in results.items()}
    assert a3["Long An"] == 10  # 97,8% ≥ 97%
    assert a3["Sóc Trăng"] == 0  # 95,9%


def test_ties_share_a_rank_unless_the_tie_break_separates_them():
    a, b = MemberScore(1, "01", "A", Decimal(80)), MemberScore(2, "02", "B", Decimal(80))
    assert [r.rank for r in rank([a, b], [])] == [1, 1]
    from thidua.scoring.engine import CriterionScore

    a.criteria = [CriterionScore("A", "", "section", Decimal(50), Decimal(60), "")]
    b.criteria = [CriterionScore("A", "", "section", Decimal(55), Decimal(60), "")]
    ordered = rank([a, b], ["section:A"])
    assert [(r.unit_name, r.rank) for r in ordered] == [("B", 1), ("A", 2)]


def test_no_total_exceeds_the_regulation_maximum(regulation, results):
    tops = Criterion.objects.filter(regulation=regulation, parent=None).exclude(
        method=Method.PENALTY
    )
    ceiling = sum(c.max_points for c in tops)
    assert all(r.total <= ceiling for r in results.values())


class _Ind:
    name_vi = "Chỉ tiêu"
    direction = "higher"


def _criterion(max_points, cap, direction="higher"):
    c = Criterion(code="X", name="X", method=Method.ATTAINMENT, max_points=max_points, cap=cap)
    ind = _Ind()
    ind.direction = direction
    c._state.fields_cache["indicator"] = ind
    return c


amounts = st.decimals(min_value=Decimal("0.1"), max_value=Decimal("1000"), places=2)


@given(amounts, amounts, amounts, st.sampled_from([Decimal(1), Decimal("1.2")]))
def test_points_never_fall_when_attainment_rises(actual, more, target, cap):
    c = _criterion(Decimal(20), cap)
    low, _ = _by_attainment(c, actual, target, "", "")
    high, _ = _by_attainment(c, actual + more, target, "", "")
    assert high >= low
    assert high <= Decimal(20) * cap


@given(amounts, amounts)
def test_lower_is_better_inverts_attainment(actual, target):
    c = _criterion(Decimal(20), Decimal(1), "lower")
    better, _ = _by_attainment(c, actual, target, "", "")
    worse, _ = _by_attainment(c, actual * 2, target, "", "")
    assert worse <= better


@given(st.decimals(min_value=Decimal(0), max_value=Decimal(5), places=2))
def test_penalty_caps_hold(points):
    from thidua.scoring.engine import _manual
    from thidua.scoring.models import ManualScore

    c = Criterion(code="D", name="D", method=Method.PENALTY, max_points=Decimal(5))
    result = _manual(c, ManualScore(self_points=points, review_points=None))
    assert Decimal(-5) <= result.points <= 0


def test_the_regulation_round_trips_through_yaml_and_excel(regulation):
    exported = regulation_io.export_yaml(regulation)
    again = services.import_regulation(SYSTEM, regulation_io.parse_yaml(exported))
    assert again.version == regulation.version + 1
    assert regulation_io.export_yaml(again) == exported
    from_excel = regulation_io.parse_xlsx(regulation_io.export_xlsx(regulation))
    assert from_excel == regulation_io.to_dict(regulation)


def test_a_new_year_starts_from_a_copy_of_last_year(users, regulation):
    with pytest.raises(PermissionDenied):
        # camau heads TNB in 2019 only; 2020's head is not known yet
        services.copy_to_year(users["camau"], regulation, 2020)
    copy = services.copy_to_year(users["bantw"], regulation, 2020)
    periods = set(copy.criteria.exclude(period="").values_list("period", flat=True))
    assert periods == {"2020H1", "2020"}


def test_a_bad_regulation_is_refused_with_the_criterion_at_fault(regulation):
    data = regulation_io.to_dict(regulation)
    data["criteria"][0]["children"][0]["indicator"] = "gdp_typo"
    with pytest.raises(ValidationFailed) as caught:
        regulation_io.validate(data)
    issue = caught.value.issues[0]
    assert (issue.row, issue.column, issue.value) == (2, "indicator", "A1")


def test_officers_self_score_their_own_unit_within_the_maximum(users, regulation, unit):
    b3 = regulation.criteria.get(code="B3")
    services.self_score(users["longan"], b3, unit("80"), Decimal("10"), "12 mô hình")
    with pytest.raises(PermissionDenied):
        services.self_score(users["longan"], b3, unit("91"), Decimal("10"), "x")
    with pytest.raises(ValidationFailed, match="từ 0 đến 10"):
        services.self_score(users["longan"], b3, unit("80"), Decimal("11"), "x")
    with pytest.raises(ValidationFailed, match="minh chứng"):
        services.self_score(users["longan"], b3, unit("80"), Decimal("9"), "")
    with pytest.raises(ValidationFailed, match="tự động"):
        services.self_score(
            users["longan"], regulation.criteria.get(code="A1"), unit("80"), Decimal(1)
        )


def test_a_review_score_that_differs_needs_a_reason(users, regulation, unit):
    b1 = regulation.criteria.get(code="B1")
    with pytest.raises(ValidationFailed, match="lý do"):
        services.review_score(users["camau"], b1, unit("80"), Decimal("8"))
    services.review_score(users["camau"], b1, unit("80"), Decimal("8"), "Thiếu biên bản")
    with pytest.raises(PermissionDenied):
        services.review_score(users["longan"], b1, unit("80"), Decimal("10"), "tự nâng")


def test_nobody_reviews_their_own_units_score(users, regulation, unit):
    # Issue 16, finding 9: camau staffs Cà Mau, the head unit.
    b3 = regulation.criteria.get(code="B3")
    before = b3.scores.get(unit=unit("96")).review_points
    with pytest.raises(PermissionDenied, match="chính đơn vị mình"):
        services.review_score(users["camau"], b3, unit("96"), Decimal("10"), "tự duyệt")
    assert b3.scores.get(unit=unit("96")).review_points == before
    services.review_score(users["bantw"], b3, unit("96"), Decimal("10"), "Ban thẩm định")


@pytest.mark.parametrize("name", ["camau", "bantw"])
def test_only_the_unit_writes_its_self_assessment(users, regulation, unit, name):
    # Issue 16, finding 9: the head (and the board) review a self-assessment, never write it.
    b3 = regulation.criteria.get(code="B3")
    before = b3.scores.get(unit=unit("80")).self_points
    with pytest.raises(PermissionDenied, match="tự chấm"):
        services.self_score(users[name], b3, unit("80"), Decimal("1"), "ghi đè")
    assert b3.scores.get(unit=unit("80")).self_points == before


def test_a_unit_sees_its_own_sheet_and_others_totals_only_after_publication(
    users, regulation, unit
):
    results = score(regulation)
    before = visible(users["longan"], regulation, results)
    assert [r["unit_name"] for r in before] == ["Long An"] and before[0]["criteria"]
    services.publish(users["camau"], regulation)
    after = visible(users["longan"], regulation, results)
    assert len(after) == 12
    assert all("criteria" not in r for r in after if r["unit_name"] != "Long An")
    assert visible(users["hanoi"], regulation, results) == []
    assert len(visible(users["camau"], regulation, results)) == 12
    with pytest.raises(ValidationFailed, match="đã công bố"):
        services.self_score(users["longan"], regulation.criteria.get(code="B2"), unit("80"), 9)


def test_the_score_command_prints_the_contract_json(db, capsys):
    call_command("score", "--cluster", "TNB", "--year", "2019", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["cluster"]["code"] == "TNB" and data["year"] == 2019
    first = data["ranking"][0]
    assert {"unit_code", "unit_name", "total", "rank", "criteria"} <= set(first)
    assert {"code", "points", "max", "explanation"} <= set(first["criteria"][0])
    assert [r["rank"] for r in data["ranking"]] == sorted(r["rank"] for r in data["ranking"])


def test_the_score_command_writes_excel(db, tmp_path):
    from openpyxl import load_workbook

    call_command(
        "score",
        "--cluster",
        "TNB",
        "--year",
        "2019",
        "--format",
        "xlsx",
        "-o",
        str(tmp_path / "s.xlsx"),
    )
    sheet = load_workbook(tmp_path / "s.xlsx")["Xếp hạng"]
    assert sheet["A2"].value == 1 and isinstance(sheet["D2"].value, int | float)
