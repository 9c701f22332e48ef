"""The JSON rows of a PUT to the service's ValueInput, with the API's own errors per row.

`row` is the index in `values` (from 0) and `column` the JSON field, as in request errors.

A JSON number is exact (the codec reads it as a Decimal; JSON writes it with a decimal point
and the digits 0-9 only). A string is a cell typed by a person, and is read as a file's cell
and as the value form's field are: `vnnumbers.read_cell`, then `vnnumbers.settle` over the
batch (`9.360` next to `8,2` is 9360; alone, the indicator and the members' values decide).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from thidua.api.schemas import ValueIn
from thidua.common.errors import Issue, ValidationFailed
from thidua.common.periods import Period, PeriodError, parse_period
from thidua.indicators import vnnumbers
from thidua.indicators.models import Indicator
from thidua.indicators.selectors import peer_values
from thidua.indicators.services import ValueInput
from thidua.indicators.validation import storage_error, value_period
from thidua.orgs.models import Cluster, Membership, Unit


def to_inputs(
    cluster: Cluster, unit: Unit, report_period: Period, items: list[ValueIn]
) -> list[ValueInput]:
    catalogue = {i.code: i for i in Indicator.objects.filter(code__in={x.indicator for x in items})}
    values = _values(cluster, report_period, items, catalogue)
    inputs: list[ValueInput] = []
    issues: list[Issue] = []
    for row, item in enumerate(items):
        found = _one(unit, report_period, row, item, catalogue.get(item.indicator), values[row])
        if isinstance(found, Issue):
            issues.append(found)
        else:
            inputs.append(found)
    if issues:
        raise ValidationFailed(issues)
    return inputs


def _values(cluster, report_period: Period, items: list[ValueIn], catalogue) -> list:
    """Each item's value, or the message saying why it has none (None: unknown indicator)."""
    out: list[Decimal | str | None] = [None] * len(items)
    cells = []  # (row, reading, indicator) of the items that are numbers
    for row, item in enumerate(items):
        indicator = catalogue.get(item.indicator)
        if indicator is None:
            continue
        try:
            reading = vnnumbers.read_cell(item.value)
        except vnnumbers.NumberError as exc:
            out[row] = exc.message
            continue
        if reading is None:
            out[row] = _("Chưa nhập giá trị.")
        else:
            cells.append((row, reading, indicator))
    unclear = {ind.pk for _row, reading, ind in cells if reading.ambiguous}
    members = Unit.objects.filter(
        pk__in=Membership.objects.filter(cluster=cluster, year=report_period.year).values("unit")
    )
    stored = peer_values(members, unclear, report_period.year)
    settled = vnnumbers.settle([(r, ind) for _row, r, ind in cells], stored=stored)
    for (row, _reading, _ind), value in zip(cells, settled, strict=True):
        if isinstance(value, vnnumbers.NumberError):
            out[row] = value.message
        else:
            out[row] = storage_error(value) or value
    return out


def _one(unit, report_period, row, item: ValueIn, indicator, value) -> ValueInput | Issue:
    if indicator is None:
        msg = _("Không có chỉ tiêu mã “%(code)s” trong danh mục.") % {"code": item.indicator}
        return _issue(row, "indicator", item.indicator, msg)
    period = _period(row, item, indicator, report_period)
    if isinstance(period, Issue):
        return period
    if isinstance(value, str):
        return _issue(row, "value", str(item.value), value)
    return ValueInput(
        unit=unit,
        indicator=indicator,
        period=period,
        value=value,
        note=item.note.strip(),
        justification=item.justification.strip(),
        row=row,
        column="value",
        expected_version=item.version,
    )


def _period(row, item: ValueIn, indicator: Indicator, report_period: Period) -> str | Issue:
    if not item.period:
        return value_period(indicator, report_period.code)
    try:
        return parse_period(item.period).code
    except PeriodError as exc:
        return _issue(row, "period", item.period, str(exc))


def to_decimal(raw: Decimal | str) -> Decimal | str:
    """The exact value, or the message saying why it is not one (strings never pass a float).

    For the API's other numbers (manual scores): a dot is the decimal point; only 0-9.
    """
    if isinstance(raw, str) and vnnumbers.foreign_digits(raw):
        return vnnumbers.foreign_digits_message(raw)
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(raw.strip())
    except InvalidOperation:
        return _("“%(raw)s” không phải là số; dùng dấu chấm thập phân, ví dụ 8.2.") % {"raw": raw}
    return storage_error(value) or value


def _issue(row: int, column: str, value: str, message: str) -> Issue:
    return Issue(message, row=row, column=column, value=value)
