"""Vietnamese number format for documents and UI: 8,2%, 49.630 tỷ đồng."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import numberformat
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_noop as N_


def quantize(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def decimal_text(value: Decimal) -> str:
    """Plain notation without trailing zeros: 8.200000 → 8.2, 1E+2 → 100."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def format_vn(value: Decimal | int | None, decimals: int = 0) -> str:
    if value is None:
        return "–"
    value = quantize(Decimal(value), decimals)
    return numberformat.format(
        value,
        decimal_sep=",",
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=".",
        force_grouping=True,
    )


def format_measure(value: Decimal | None, measure: str, decimals: int) -> str:
    text = format_vn(value, decimals)
    if value is None:
        return text
    return f"{text}%" if measure == "%" else f"{text} {measure}"


def typed_decimals(value: Decimal, decimals: int) -> int:
    """The decimals to show a stored value with: the indicator's, or more when the value has
    them (21.345,6 typed for a whole-number indicator comes back as 21.345,6, not 21.346)."""
    exponent = Decimal(value).normalize().as_tuple().exponent
    stored = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return max(int(decimals), stored)


def format_number(value: Decimal | int | None, decimals: int = 0) -> str:
    """A number as the page's language writes it: 49.630,5 in Vietnamese (the default, and in
    every document), 49,630.5 when the user chose English."""
    if get_language() != "en" or value is None:
        return format_vn(value, decimals)
    return numberformat.format(
        quantize(Decimal(value), decimals),
        decimal_sep=".",
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=",",
        force_grouping=True,
    )


def measure_text(value: Decimal | None, measure: str, decimals: int) -> str:
    """A value with its unit as the page's language writes it: 8,20% / 49.630 tỷ đồng in
    Vietnamese, 8.20% / 49,630 billion VND in English mode."""
    text = format_number(value, int(decimals))
    if value is None:
        return text
    return f"{text}%" if measure == "%" else f"{text} {measure_label(measure)}"


# The catalogue's units of measure, translated in English mode; another unit is shown as it is.
MEASURES = {N_("tỷ đồng"), N_("triệu đồng"), N_("triệu USD"), N_("điểm %"), N_("xã"), N_("người")}


def measure_label(unit: str) -> str:
    """ "tỷ đồng" → "billion VND" in English mode (issue 20)."""
    return gettext(unit) if unit in MEASURES else unit
