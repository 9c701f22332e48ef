"""JSON for machines: Decimals become JSON numbers, dates ISO strings."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and value.as_tuple().exponent >= 0
            else float(value)
        )
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def dumps(data: Any, indent: int | None = 2) -> str:
    return json.dumps(plain(data), ensure_ascii=False, indent=indent)
