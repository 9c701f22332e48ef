from decimal import Decimal

import pytest

from thidua.common.numbers import format_measure, format_vn
from thidua.common.text import name_key, unit_key


def test_name_key_drops_case_and_diacritics_and_maps_d_bar():
    assert name_key("Đặng  Đức ") == "dang duc"


@pytest.mark.parametrize(
    "typed",
    [
        "TP. Hồ Chí Minh",
        "Thành phố Hồ Chí Minh",
        "tp ho chi minh",
        "HỒ CHÍ MINH",
        "T.P. Hồ Chí Minh",
    ],
)
def test_unit_key_ignores_administrative_prefixes(typed):
    assert unit_key(typed) == "ho chi minh"


def test_unit_key_keeps_names_that_merely_start_like_a_prefix():
    assert unit_key("Tỉnh Tiền Giang") == "tien giang"
    assert unit_key("Tây Ninh") == "tay ninh"


def test_numbers_are_written_the_vietnamese_way():
    assert format_vn(Decimal("8.2"), 1) == "8,2"
    assert format_vn(Decimal("49630"), 0) == "49.630"
    assert format_vn(Decimal("1234567.891"), 2) == "1.234.567,89"
    assert format_measure(Decimal("8.2"), "%", 1) == "8,2%"
    assert format_measure(Decimal("49876"), "tỷ đồng", 0) == "49.876 tỷ đồng"
