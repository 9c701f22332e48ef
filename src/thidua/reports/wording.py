"""Numbers as a secretary writes them: "gần 50 nghìn tỷ đồng", "trên 80%", "khoảng 97%".

A value is read at the coarsest precision (1, 2, 3… significant digits) whose rounding lies
within the near band; the word then says on which side the value lies, so it never contradicts
the number: "gần X" only below X, "trên X" only above, "khoảng X" within the small band either
side, and no word when the value is exactly X. Bands are settings (THIDUA_NARRATIVE_BANDS).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from thidua.common.numbers import format_vn

DEFAULT_BANDS = {"about": Decimal("0.25"), "near": Decimal("2")}  # percent of the value

WORDS = {
    "vi": {"below": "gần", "above": "trên", "about": "khoảng"},
    "en": {"below": "just under", "above": "over", "about": "about"},
}


@dataclass(frozen=True)
class Reading:
    value: Decimal  # the true value
    shown: Decimal  # the rounded number that is written
    side: str  # "exact", "below", "above" or "about"

    def words(self, language: str = "vi") -> str:
        return "" if self.side == "exact" else WORDS[language][self.side]


def bands() -> dict[str, Decimal]:
    custom = getattr(settings, "THIDUA_NARRATIVE_BANDS", {}) or {}
    return {k: Decimal(str(custom.get(k, v))) for k, v in DEFAULT_BANDS.items()}


def round_significant(value: Decimal, digits: int) -> Decimal:
    if value == 0:
        return Decimal(0)
    exponent = value.adjusted() - digits + 1
    return value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_UP)


def read(value: Decimal, max_decimals: int, *, about_only: bool = False) -> Reading:
    """The natural reading of `value`; `about_only` uses "khoảng" for any rounded reading."""
    value = Decimal(value)
    limits = bands()
    finest = value.quantize(Decimal(1).scaleb(-max_decimals), rounding=ROUND_HALF_UP)
    for digits in range(1, 16):
        shown = round_significant(value, digits)
        if shown.as_tuple().exponent < -max_decimals or shown == finest:
            shown = finest
        if shown == 0:
            continue
        gap = (value - shown) * 100 / abs(shown)
        if gap == 0:
            return Reading(value, shown, "about" if about_only else "exact")
        if abs(gap) <= limits["near"] or shown == finest:
            return Reading(value, shown, _side(gap, limits, about_only))
    return Reading(value, finest, "exact")


def _side(gap: Decimal, limits, about_only: bool) -> str:
    if about_only or abs(gap) <= limits["about"]:
        return "about"
    return "above" if gap > 0 else "below"


def number_text(shown: Decimal, language: str = "vi") -> str:
    decimals = max(0, -shown.normalize().as_tuple().exponent)
    if language == "en":
        return f"{shown:,.{decimals}f}"
    return format_vn(shown, decimals)


def phrase(
    value: Decimal,
    measure: str,
    max_decimals: int,
    language: str = "vi",
    *,
    about_only: bool = False,
    large: tuple[Decimal, str] | None = None,
) -> str:
    """'gần 50 nghìn tỷ đồng', '8,2%', 'trên 80%'. `large` = (size, name) of a bigger unit."""
    if large and abs(value) >= large[0]:
        value, measure = Decimal(value) / large[0], large[1]
        max_decimals += 3
    reading = read(value, max_decimals, about_only=about_only)
    number = number_text(reading.shown, language)
    text = f"{number}%" if measure == "%" else f"{number} {measure}".strip()
    words = reading.words(language)
    return f"{words} {text}" if words else text
