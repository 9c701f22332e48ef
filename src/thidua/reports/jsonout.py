"""JSON for machines: Decimals become JSON numbers written exactly (7.862, not a float's
7.8619999…), dates ISO strings."""

from __future__ import annotations

import json
import re
import secrets
from decimal import Decimal
from typing import Any

from thidua.common.numbers import decimal_text

# Decimals are first written as marked strings and then unquoted; the random marker cannot
# appear in other text, so no string is ever turned into a number (as api.codec does).
_MARK = secrets.token_hex(8)
_MARKED = re.compile(rf'"{_MARK}(-?[0-9]+(?:\.[0-9]+)?)"')


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return _MARK + decimal_text(value) if value.is_finite() else None
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def dumps(data: Any, indent: int | None = 2) -> str:
    return _MARKED.sub(r"\1", json.dumps(plain(data), ensure_ascii=False, indent=indent))
