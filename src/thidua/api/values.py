"""The JSON rows of a PUT to the service's ValueInput, with the API's own errors per row.

`row` is the index in `values` (from 0) and `column` the JSON field, as in request errors.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from thidua.api.schemas import ValueIn
from thidua.common.periods import Period, PeriodError, parse_period
from thidua.indicators.models import Indicator
from thidua.indicators.services import ValueInput
from thidua.indicators.validation import Issue, ValidationFailed, storage_error, value_period
from thidua.orgs.models import Unit


def to_inputs(unit: Unit, report_period: Period, items: list[ValueIn]) -> list[ValueInput]:
    catalogue = {i.code: i for i in Indicator.objects.filter(code__in={x.indicator for x in items})}
    inputs: list[ValueInput] = []
    issues: list[Issue] = []
    for row, item in enumerate(items):
        found = _one(unit, report_period, row, item, catalogue.get(item.indicator))
        if isinstance(found, Issue):
            issues.append(found)
        else:
            inputs.append(found)
    if issues:
        raise ValidationFailed(issues)
    return inputs


def _one(unit, report_period, row, item: ValueIn, indicator) -> ValueInput | Issue:
    if indicator is None:
        msg = _("Không có chỉ tiêu mã “%(code)s” trong danh mục.") % {"code": item.indicator}
        return _issue(row, "indicator", item.indicator, msg)
    period = _period(row, item, indicator, report_period)
    if isinstance(period, Issue):
        return period
    value = to_decimal(item.value)
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
    """The exact value, or the message saying why it is not one (strings never pass a float)."""
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(raw.strip())
    except InvalidOperation:
        return _("“%(raw)s” không phải là số; dùng dấu chấm thập phân, ví dụ 8.2.") % {"raw": raw}
    return storage_error(value) or value


def _issue(row: int, column: str, value: str, message: str) -> Issue:
    return Issue(message, row=row, column=column, value=value)
