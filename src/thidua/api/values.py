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
from thidua.indicators.validation import Issue, ValidationFailed, value_period
from thidua.orgs.models import Unit

# The storage limits of Value.value (max_digits=20, decimal_places=6).
_MAX_INTEGER_DIGITS = 14
_MAX_DECIMALS = 6


def to_inputs(unit: Unit, report_period: Period, items: list[ValueIn]) -> list[ValueInput]:
    catalogue = {i.code: i for i in Indicator.objects.filter(code__in={x.indicator for x in items})}
    inputs: list[ValueInput] = []
    issues: list[Issue] = []
    seen: set[tuple[str, str]] = set()
    for row, item in enumerate(items):
        found = _one(unit, report_period, row, item, catalogue.get(item.indicator))
        if isinstance(found, Issue):
            issues.append(found)
        elif (found.indicator.code, found.period) in seen:
            msg = _("%(ind)s kỳ %(p)s xuất hiện hai lần.")
            issues.append(_issue(row, "indicator", item.indicator, msg % _name(found)))
        else:
            seen.add((found.indicator.code, found.period))
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
    )


def _period(row, item: ValueIn, indicator: Indicator, report_period: Period) -> str | Issue:
    if not item.period:
        return value_period(indicator, report_period.code)
    try:
        period = parse_period(item.period)
    except PeriodError as exc:
        return _issue(row, "period", item.period, str(exc))
    if period.year != report_period.year:
        msg = _("Kỳ %(p)s không thuộc năm của kỳ báo cáo %(r)s.")
        return _issue(row, "period", item.period, msg % {"p": period.code, "r": report_period.code})
    return period.code


def to_decimal(raw: Decimal | str) -> Decimal | str:
    """The exact value, or the message saying why it is not one (strings never pass a float)."""
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(raw.strip())
    except InvalidOperation:
        return _("“%(raw)s” không phải là số; dùng dấu chấm thập phân, ví dụ 8.2.") % {"raw": raw}
    if not value.is_finite():
        return _("“%(raw)s” không phải là số hữu hạn.") % {"raw": raw}
    sign, digits, exponent = value.normalize().as_tuple()
    if len(digits) + exponent > _MAX_INTEGER_DIGITS:
        return _("Giá trị %(raw)s quá lớn để lưu.") % {"raw": raw}
    if -exponent > _MAX_DECIMALS:
        return _("Giá trị %(raw)s có quá %(n)s chữ số thập phân.") % {
            "raw": raw,
            "n": _MAX_DECIMALS,
        }
    return value


def _issue(row: int, column: str, value: str, message: str) -> Issue:
    return Issue(message, row=row, column=column, value=value)


def _name(item: ValueInput) -> dict:
    return {"ind": item.indicator.code, "p": item.period}
