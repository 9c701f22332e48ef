"""Numbers as officers type them in a form: `8,2`, `49.630`, `1.234,5`, `-3`, `8.25`."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_THOUSANDS_ONLY = re.compile(r"^\d{1,3}(\.\d{3})+$")


class NumberInputError(ValueError):
    pass


def parse_vn_number(raw: str) -> Decimal | None:
    """Vietnamese first (comma decimal, dot thousands); a lone dot with other than 3 digits after
    it is read as a decimal point, because people paste figures from English spreadsheets."""
    text = _SPACES.sub("", str(raw)).replace("−", "-").removesuffix("%")
    if not text:
        return None
    sign, digits = ("-", text[1:]) if text[:1] in "+-" else ("", text)
    digits = digits.lstrip("+")
    normalised = _normalise(digits)
    try:
        value = Decimal(sign + normalised)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or not re.fullmatch(r"[\d.]+", normalised):
        raise NumberInputError(
            _("“%(raw)s” không phải là số. Viết như 8,2 hoặc 49.630.") % {"raw": raw}
        )
    return value


def _normalise(digits: str) -> str:
    if "," in digits:
        integer, _sep, fraction = digits.rpartition(",")
        integer = integer.replace(".", "")
        return f"{integer}.{fraction}" if "," not in integer else "x"
    if _THOUSANDS_ONLY.match(digits):
        return digits.replace(".", "")
    return digits
