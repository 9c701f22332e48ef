"""Cells written to spreadsheets: text that Excel would run as a formula is neutralised."""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value: object) -> object:
    """Text starting like a formula gets a leading apostrophe; numbers and dates pass as is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [safe(v) for v in values]
