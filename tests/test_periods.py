from datetime import date

import pytest

from thidua.common.periods import CUMULATIVE, HALF, MONTH, QUARTER, YEAR, PeriodError, parse_period


@pytest.mark.parametrize(
    ("code", "kind", "number", "end"),
    [
        ("2019", YEAR, 0, date(2019, 12, 31)),
        ("2019H1", HALF, 1, date(2019, 6, 30)),
        ("2019h2", HALF, 2, date(2019, 12, 31)),
        ("2019Q3", QUARTER, 3, date(2019, 9, 30)),
        ("2019M09", MONTH, 9, date(2019, 9, 30)),
        ("2019M9", CUMULATIVE, 9, date(2019, 9, 30)),
        ("2020M02", MONTH, 2, date(2020, 2, 29)),
    ],
)
def test_every_period_code_parses_to_its_kind_and_end(code, kind, number, end):
    period = parse_period(code)
    assert (period.kind, period.number, period.end) == (kind, number, end)


def test_a_month_and_the_first_nine_months_are_different_periods():
    assert parse_period("2019M09") != parse_period("2019M9")
    assert parse_period("2019M09").start == date(2019, 9, 1)
    assert parse_period("2019M9").start == date(2019, 1, 1)


@pytest.mark.parametrize(
    "code", ["2019H3", "2019Q5", "2019M13", "2019M00", "19H1", "2019-H1", "", "2019M10x"]
)
def test_anything_else_is_rejected_with_the_accepted_forms(code):
    with pytest.raises(PeriodError, match="2019H1"):
        parse_period(code)


def test_codes_round_trip_and_know_last_year():
    for code in ["2019", "2019H1", "2019Q3", "2019M09", "2019M9"]:
        assert parse_period(code).code == code
    assert parse_period("2019H1").previous_year().code == "2018H1"


def test_the_periods_within_a_period_are_those_its_review_reads():
    assert parse_period("2019H1").within() == [
        "2019H1", "2019Q1", "2019Q2",
        *[f"2019M{m:02d}" for m in range(1, 7)],
        *[f"2019M{m}" for m in range(1, 7)],
    ]  # fmt: skip
    assert len(parse_period("2019").within()) == 28
    assert parse_period("2019Q3").within() == ["2019Q3", "2019M07", "2019M08", "2019M09"]
    assert "2019" not in parse_period("2019M9").within()
