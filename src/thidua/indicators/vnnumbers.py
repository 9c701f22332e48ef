"""Numbers as Vietnamese officials type them: 8,2 – 9.360 – 81,4% – 1.234,5 – and plain 8.2.

A cell like "9.360" is 9360 in Vietnamese writing and 9.36 in English writing. The file's other
numbers decide first (`detect_style`), then the indicator (a rate cannot be 9360, an amount
far from the column's other values is implausible); a cell still unclear is rejected.

`settle` is that rule for a whole batch, and every door uses it: a file, the value form and
the API's strings are read by `read_cell` and settled by `settle`. Only the digits 0-9 are
numbers: Python's `Decimal()` and `int()` also take `1_000`, `１２` (full width) and `١٢`
(Arabic-Indic), which nobody types on purpose into a report.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from functools import cached_property
from typing import Protocol

from django.utils.translation import gettext as _

# The database keeps six decimals; binary noise beyond that (9.890000000000001) is dropped.
_STORED_PLACES = 6
_BLANKS = re.compile(r"[\s\u00a0\u2007\u202f]+")
_MINUS = "-−–"
_BODY = re.compile(r"[0-9.,]+")


class NumberStyle(Enum):
    VIETNAMESE = "vi"  # 1.234,5: comma is the decimal mark
    PLAIN = "plain"  # 1,234.5: dot is the decimal mark
    UNKNOWN = "unknown"


class NumberError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Reading:
    """One cell read: a certain `value`, or two readings of an ambiguous separator."""

    raw: str
    value: Decimal | None = None
    grouped: Decimal | None = None  # "9.360" read with a thousands separator: 9360
    decimal: Decimal | None = None  # "9.360" read with a decimal point: 9.36
    separator: str = ""  # the ambiguous separator, "." or ","
    percent: bool = False
    decimal_mark: str | None = None  # the mark this cell proves the writer uses, if any

    @property
    def ambiguous(self) -> bool:
        return self.value is None


@dataclass(frozen=True)
class Hint:
    """What is known of the indicator and of the column, to settle an ambiguous cell."""

    measure: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    peers: tuple[Decimal, ...] = ()

    @cached_property
    def typical_size(self) -> Decimal | None:
        """The median size of the non-zero peers; None with fewer than two.

        Computed once per hint: `settle` gives every cell of a column the same hint, so a
        column of n ambiguous cells costs one sort, not n.
        """
        sizes = sorted(abs(p) for p in self.peers if p)
        if len(sizes) < 2:
            return None
        return sizes[len(sizes) // 2]


def read_cell(cell) -> Reading | None:
    """A cell as calamine, openpyxl or csv give it; None when the cell is empty."""
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise NumberError(_not_a_number(str(cell)))
    if isinstance(cell, int):
        return Reading(raw=str(cell), value=Decimal(cell))
    if isinstance(cell, float):
        return _from_float(cell)
    if isinstance(cell, Decimal):
        return Reading(raw=str(cell), value=cell)
    if isinstance(cell, datetime | date | time | timedelta):
        raise NumberError(_("Ô chứa ngày, giờ chứ không phải số."))
    text = str(cell).strip()
    if not text:
        return None
    return read_number(text)


def _from_float(cell: float) -> Reading:
    if math.isnan(cell) or math.isinf(cell):
        raise NumberError(_not_a_number(str(cell)))
    if cell.is_integer():
        return Reading(raw=str(int(cell)), value=Decimal(int(cell)))
    value = Decimal(repr(cell))
    if value.as_tuple().exponent < -_STORED_PLACES:
        value = value.quantize(Decimal(1).scaleb(-_STORED_PLACES)).normalize()
    return Reading(raw=_plain(value), value=value)


def read_number(raw: str) -> Reading:
    """Read typed text; raise NumberError when it is not a number."""
    raw = raw.strip()
    text = _BLANKS.sub("", raw)
    percent = text.endswith("%")
    text = text.removesuffix("%")
    negative = text[:1] in _MINUS
    if text[:1] in _MINUS + "+":
        text = text[1:]
    if not _BODY.fullmatch(text) or not any(ch.isdigit() for ch in text):
        foreign = foreign_digits(text)
        raise NumberError(foreign_digits_message(raw) if foreign else _not_a_number(raw))
    reading = _read_body(raw, text)
    return _signed(reading, negative, percent)


def _read_body(raw: str, text: str) -> Reading:
    if "." in text and "," in text:
        mark = text[max(text.rfind("."), text.rfind(","))]
        return _with_mark(raw, text, mark)
    seps = [ch for ch in text if ch in ".,"]
    if not seps:
        return Reading(raw=raw, value=Decimal(text))
    sep = seps[0]
    if len(seps) > 1:
        return Reading(raw=raw, value=_grouped(raw, text, sep), decimal_mark=_other(sep))
    whole, frac = text.split(sep)
    if len(frac) == 3 and 1 <= len(whole) <= 3 and not whole.startswith("0"):
        return Reading(
            raw=raw,
            grouped=Decimal(whole + frac),
            decimal=Decimal(f"{whole}.{frac}"),
            separator=sep,
        )
    if not frac:
        return Reading(raw=raw, value=Decimal(whole))
    return Reading(raw=raw, value=Decimal(f"{whole or '0'}.{frac}"), decimal_mark=sep)


def _with_mark(raw: str, text: str, mark: str) -> Reading:
    whole, _sep, frac = text.rpartition(mark)
    if mark in whole or not frac:
        raise NumberError(_bad_separators(raw))
    thousands = _other(mark)
    return Reading(
        raw=raw,
        value=_grouped(raw, whole, thousands) + Decimal(f"0.{frac}"),
        decimal_mark=mark,
    )


def _grouped(raw: str, text: str, sep: str) -> Decimal:
    groups = text.split(sep)
    if not (1 <= len(groups[0]) <= 3) or any(len(g) != 3 for g in groups[1:]):
        raise NumberError(_bad_separators(raw))
    return Decimal("".join(groups))


def _signed(reading: Reading, negative: bool, percent: bool) -> Reading:
    def sign(x: Decimal | None) -> Decimal | None:
        return -x if (x is not None and negative) else x

    return Reading(
        raw=reading.raw,
        value=sign(reading.value),
        grouped=sign(reading.grouped),
        decimal=sign(reading.decimal),
        separator=reading.separator,
        percent=percent,
        decimal_mark=reading.decimal_mark,
    )


def _other(sep: str) -> str:
    return "," if sep == "." else "."


def detect_style(readings: Iterable[Reading | None]) -> NumberStyle:
    """The file's decimal mark, from its cells that leave no doubt; UNKNOWN when none or mixed."""
    marks = {r.decimal_mark for r in readings if r is not None and r.decimal_mark}
    if marks == {","}:
        return NumberStyle.VIETNAMESE
    if marks == {"."}:
        return NumberStyle.PLAIN
    return NumberStyle.UNKNOWN


def resolve(reading: Reading, style: NumberStyle, hint: Hint | None = None) -> Decimal:
    """The cell's value; an ambiguous cell is settled by the file's style and the indicator."""
    if reading.value is not None:
        return reading.value
    mark = {NumberStyle.VIETNAMESE: ",", NumberStyle.PLAIN: "."}.get(style)
    by_style = None
    if mark is not None:
        by_style = reading.decimal if reading.separator == mark else reading.grouped
    by_sense = _plausible(reading, hint or Hint())
    if by_style is not None and by_sense is not None and by_style != by_sense:
        raise NumberError(ambiguous_message(reading))
    choice = by_style if by_style is not None else by_sense
    if choice is None:
        raise NumberError(ambiguous_message(reading))
    return choice


def _plausible(reading: Reading, hint: Hint) -> Decimal | None:
    options = (reading.grouped, reading.decimal)
    fits = [x for x in options if _within(x, hint)]
    if len(fits) == 1:
        return fits[0]
    if "%" in hint.measure:
        # The grouped reading is at least 1000: no rate or growth in the catalogue gets there.
        return reading.decimal
    return _nearest_to_peers(reading, hint.typical_size)


def _within(x: Decimal, hint: Hint) -> bool:
    return (hint.min_value is None or x >= hint.min_value) and (
        hint.max_value is None or x <= hint.max_value
    )


def _nearest_to_peers(reading: Reading, median: Decimal | None) -> Decimal | None:
    if median is None:
        return None
    distances = [(abs((abs(x) / median).log10()), x) for x in (reading.grouped, reading.decimal)]
    (near, value), (far, _other_value) = sorted(distances)
    # The readings are 1000× apart: decide only when one sits within 10× of the column's
    # typical size and the other is at least 100× off.
    if near <= 1 and far >= 2:
        return value
    return None


def ambiguous_message(reading: Reading) -> str:
    return _(
        "Giá trị “%(raw)s” không rõ là %(grouped)s hay %(decimal)s: hãy ghi %(grouped)s "
        "hoặc %(decimal)s"
    ) % {
        "raw": reading.raw,
        "grouped": _plain(reading.grouped),
        "decimal": _plain(reading.decimal).replace(".", ","),
    }


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    return format(value.normalize(), "f")


def _not_a_number(raw: str) -> str:
    return _("“%(raw)s” không phải là số; nếu chưa có số liệu, hãy để trống ô.") % {"raw": raw}


def foreign_digits(text: str) -> bool:
    """Digits other than 0-9 (full-width, Arabic-Indic, superscript…) or Python's `1_000`."""
    return "_" in text or any(
        (ch.isdigit() or ch.isnumeric()) and ch not in "0123456789" for ch in text
    )


def foreign_digits_message(raw: str) -> str:
    return _(
        "“%(raw)s” có chữ số hoặc ký tự không dùng để ghi số: chỉ dùng các chữ số 0–9, dấu "
        "chấm ngăn hàng nghìn và dấu phẩy thập phân (ví dụ 1.234,5)."
    ) % {"raw": raw}


def _bad_separators(raw: str) -> str:
    return _(
        "“%(raw)s” viết sai dấu phân cách: dùng dấu phẩy cho phần thập phân và dấu chấm "
        "ngăn hàng nghìn (ví dụ 1.234,5)."
    ) % {"raw": raw}


def parse_decimal(text: str) -> Decimal:
    """Parse one value typed alone (a form field): ambiguous input is rejected, not guessed."""
    reading = read_cell(text)
    if reading is None:
        raise NumberError(_("Chưa nhập giá trị."))
    return resolve(reading, NumberStyle.UNKNOWN)


class Measured(Protocol):
    """What `settle` needs of an indicator."""

    pk: int
    name_vi: str
    measure: str
    min_value: Decimal | None
    max_value: Decimal | None


def settle(
    cells: Sequence[tuple[Reading, Measured]],
    *,
    style: NumberStyle | None = None,
    stored: Mapping[int, Sequence[Decimal]] | None = None,
) -> list[Decimal | NumberError]:
    """The value of each (reading, indicator), or the error saying why there is none.

    The one rule of every door. `style` is the writing the door knows it shows (the form:
    Vietnamese); without it the batch's own cells decide (`detect_style`), as in a file. An
    ambiguous cell is then settled by its indicator: its measure and bounds, and its peers —
    the batch's certain values of the same indicator and the `stored` ones (by indicator id).
    Linear: one hint per indicator, shared by its cells.
    """
    if style is None:
        style = detect_style(reading for reading, _ind in cells)
    certain: dict[int, list[Decimal]] = {}
    for reading, ind in cells:
        if not reading.ambiguous:
            certain.setdefault(ind.pk, []).append(reading.value)
    hints: dict[int, Hint] = {}
    out: list[Decimal | NumberError] = []
    for reading, ind in cells:
        hint = hints.get(ind.pk)
        if hint is None:
            peers = (*certain.get(ind.pk, ()), *(stored or {}).get(ind.pk, ()))
            hint = hints[ind.pk] = Hint(ind.measure, ind.min_value, ind.max_value, peers)
        out.append(_settled(reading, ind, style, hint))
    return out


def _settled(reading: Reading, ind: Measured, style: NumberStyle, hint: Hint):
    try:
        value = resolve(reading, style, hint)
    except NumberError as exc:
        return exc
    if reading.percent and "%" not in ind.measure:
        msg = _("%(name)s tính bằng %(measure)s, không phải %%.")
        return NumberError(msg % {"name": ind.name_vi, "measure": ind.measure})
    return value
