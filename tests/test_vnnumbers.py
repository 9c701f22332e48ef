"""Numbers as Vietnamese officials type them, and the cases where the writing is ambiguous."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from thidua.indicators.vnnumbers import (
    Hint,
    NumberError,
    NumberStyle,
    detect_style,
    parse_decimal,
    read_cell,
    read_number,
    resolve,
    settle,
)


def value_of(text: str, style: NumberStyle = NumberStyle.UNKNOWN, hint: Hint | None = None):
    return resolve(read_number(text), style, hint)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8,2", "8.2"),
        ("81,45", "81.45"),
        ("1.234,5", "1234.5"),
        ("1.234.567", "1234567"),
        ("1.234.567,89", "1234567.89"),
        ("8.2", "8.2"),
        ("12.5", "12.5"),
        ("8.25", "8.25"),
        ("1,234.5", "1234.5"),
        ("1,234,567", "1234567"),
        ("9360", "9360"),
        ("0,360", "0.360"),
        ("0.360", "0.360"),
        ("12345.678", "12345.678"),
        ("-1,5", "-1.5"),
        ("−1,5", "-1.5"),
        ("+2,25", "2.25"),
        ("1 234,5", "1234.5"),
        ("9\u00a0360", "9360"),
        (" 7,07 ", "7.07"),
    ],
)
def test_unambiguous_writings_are_read_alike(text, expected):
    assert value_of(text) == Decimal(expected)


def test_a_percent_sign_is_dropped_and_remembered():
    reading = read_number("81,4%")
    assert reading.value == Decimal("81.4")
    assert reading.percent


@pytest.mark.parametrize("text", ["không có", "-", "x", "abc", "n/a", "1.2,3", "1..234", "8,2,1"])
def test_text_that_is_not_a_number_is_an_error(text):
    with pytest.raises(NumberError):
        read_number(text)


def test_a_number_with_three_digits_after_one_separator_alone_is_ambiguous():
    with pytest.raises(NumberError) as exc:
        value_of("9.360")
    assert exc.value.message == (
        "Giá trị “9.360” không rõ là 9360 hay 9,36: hãy ghi 9360 hoặc 9,36"
    )
    with pytest.raises(NumberError):
        value_of("1,234")


def test_a_file_writing_decimal_commas_reads_the_dot_as_thousands():
    style = detect_style([read_number("8,2"), read_number("9.360"), read_number("1.234,5")])
    assert style is NumberStyle.VIETNAMESE
    assert value_of("9.360", style) == Decimal("9360")
    assert value_of("1,234", style) == Decimal("1.234")


def test_a_file_writing_decimal_points_reads_the_dot_as_decimal_point():
    style = detect_style([read_number("8.25"), read_number("9.360"), read_number("12.5")])
    assert style is NumberStyle.PLAIN
    assert value_of("9.360", style) == Decimal("9.36")


def test_a_file_mixing_both_writings_or_without_evidence_has_no_style():
    assert detect_style([read_number("8,2"), read_number("8.25")]) is NumberStyle.UNKNOWN
    assert detect_style([read_number("9.360"), read_number("9360"), None]) is NumberStyle.UNKNOWN


def test_a_rate_bounded_by_100_cannot_be_thousands():
    assert value_of("97.800", hint=Hint(measure="%", max_value=Decimal(100))) == Decimal("97.8")


def test_a_growth_rate_in_percent_is_read_with_a_decimal_point():
    assert value_of("9.360", hint=Hint(measure="%", min_value=Decimal(-100))) == Decimal("9.36")


def test_an_amount_is_settled_by_the_other_values_of_its_column():
    peers = (Decimal(4750), Decimal(2980), Decimal(5620), Decimal(2290))
    assert value_of("9.360", hint=Hint(measure="tỷ đồng", peers=peers)) == Decimal(9360)
    small = (Decimal("8.5"), Decimal("12.1"), Decimal("6.9"))
    assert value_of("9.360", hint=Hint(measure="triệu USD", peers=small)) == Decimal("9.36")


def test_an_amount_with_too_few_or_scattered_peers_stays_ambiguous():
    with pytest.raises(NumberError):
        value_of("9.360", hint=Hint(measure="tỷ đồng", peers=(Decimal(4750),)))
    with pytest.raises(NumberError):
        value_of("9.360", hint=Hint(measure="tỷ đồng", peers=(Decimal(300), Decimal(300))))


def test_a_file_style_contradicted_by_the_indicator_is_rejected():
    hint = Hint(measure="%", max_value=Decimal(100))
    with pytest.raises(NumberError):
        value_of("97.800", NumberStyle.VIETNAMESE, hint)


def test_excel_numbers_are_taken_as_they_are_without_binary_noise():
    assert read_cell(9.89).value == Decimal("9.89")
    assert read_cell(9360.0).value == Decimal(9360)
    assert read_cell(9360).value == Decimal(9360)
    assert read_cell(0.1 + 0.2).value == Decimal("0.3")
    assert read_cell(Decimal("7.07")).value == Decimal("7.07")


@pytest.mark.parametrize("cell", [None, "", "   ", "\u00a0"])
def test_an_empty_cell_is_no_value(cell):
    assert read_cell(cell) is None


@pytest.mark.parametrize("cell", [True, date(2019, 6, 30), float("nan")])
def test_dates_and_booleans_are_not_numbers(cell):
    with pytest.raises(NumberError):
        read_cell(cell)


def test_a_single_typed_value_is_parsed_or_refused():
    assert parse_decimal("8,2") == Decimal("8.2")
    with pytest.raises(NumberError):
        parse_decimal("9.360")
    with pytest.raises(NumberError):
        parse_decimal("")


@pytest.mark.parametrize(
    "text", ["1_000", "1__0", "１２", "١٢", "۱۲", "२", "2²", "½", "1.000_5", "８,２"]
)
def test_only_the_digits_0_to_9_are_read(text):
    """Python's Decimal() and int() take 1_000 and other scripts' digits; a report does not."""
    with pytest.raises(NumberError, match="chỉ dùng các chữ số 0–9"):
        read_cell(text)


class _Ind:
    def __init__(self, pk, measure, min_value=None, max_value=None):
        self.pk, self.measure, self.name_vi = pk, measure, f"chỉ tiêu {pk}"
        self.min_value, self.max_value = min_value, max_value


def test_settle_reads_a_batch_as_a_file_is_read():
    amount, rate = _Ind(1, "tỷ đồng", Decimal(0)), _Ind(2, "%", Decimal(0), Decimal(100))
    cells = [(read_number(t), ind) for t, ind in [("9.360", amount), ("8,2", rate)]]
    assert settle(cells) == [Decimal(9360), Decimal("8.2")]
    plain = [(read_number(t), ind) for t, ind in [("9.360", amount), ("8.25", rate)]]
    assert settle(plain) == [Decimal("9.36"), Decimal("8.25")]


def test_settle_takes_the_writing_a_door_knows_it_shows():
    amount = _Ind(1, "tỷ đồng")
    [value] = settle([(read_number("9.360"), amount)], style=NumberStyle.VIETNAMESE)
    assert value == Decimal(9360)
    [alone] = settle([(read_number("9.360"), amount)])
    assert isinstance(alone, NumberError)


def test_settle_compares_an_amount_with_its_column_and_the_stored_values():
    amount = _Ind(1, "tỷ đồng")
    [value] = settle([(read_number("9.360"), amount)], stored={1: [Decimal(4750), Decimal(2980)]})
    assert value == Decimal(9360)


def test_settle_refuses_a_percent_for_an_indicator_not_in_percent():
    [value] = settle([(read_number("5%"), _Ind(1, "tỷ đồng"))])
    assert isinstance(value, NumberError) and "không phải %" in value.message
