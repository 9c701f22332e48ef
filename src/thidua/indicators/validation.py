"""One validation per rule, used by the web form, the import and the API alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from thidua.common.numbers import format_vn
from thidua.common.periods import parse_period
from thidua.indicators.models import (
    Indicator,
    PeriodBasis,
    PlausibilityKind,
    PlausibilityRule,
    Value,
)


@dataclass
class Issue:
    """An error or warning with its place, so every door can point at the row and column."""

    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None
    cell: str | None = None  # the spreadsheet's reference ("H10") when the issue comes from a file

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "cell": self.cell,
        }


class ValidationFailed(Exception):
    def __init__(self, issues: list[Issue]):
        super().__init__("; ".join(i.message for i in issues[:5]))
        self.issues = issues


class Conflict(ValidationFailed):
    """Someone else changed the record since it was read: nothing is overwritten (HTTP 409)."""


# The storage limits of Value.value (max_digits=20, decimal_places=6).
MAX_INTEGER_DIGITS = 14
MAX_DECIMALS = 6


def storage_error(value: Decimal) -> str | None:
    if not value.is_finite():
        return _("“%(v)s” không phải là số hữu hạn.") % {"v": value}
    _sign, digits, exponent = value.normalize().as_tuple()
    if len(digits) + exponent > MAX_INTEGER_DIGITS:
        return _("Giá trị %(v)s quá lớn để lưu.") % {"v": value}
    if -exponent > MAX_DECIMALS:
        return _("Giá trị %(v)s có quá %(n)s chữ số thập phân.") % {"v": value, "n": MAX_DECIMALS}
    return None


def hard_error(indicator: Indicator, value: Decimal) -> str | None:
    """Impossible values reject: a rate above its maximum, a negative amount."""
    stored = storage_error(value)
    if stored:
        return stored
    if indicator.min_value is not None and value < indicator.min_value:
        if indicator.min_value == 0:
            return _("%(name)s không được âm (nhận được %(v)s).") % {
                "name": indicator.name_vi,
                "v": format_vn(value, indicator.decimals),
            }
        return _("%(name)s không được nhỏ hơn %(min)s (nhận được %(v)s).") % {
            "name": indicator.name_vi,
            "min": format_vn(indicator.min_value, indicator.decimals),
            "v": format_vn(value, indicator.decimals),
        }
    if indicator.max_value is not None and value > indicator.max_value:
        return _("%(name)s không được lớn hơn %(max)s (nhận được %(v)s).") % {
            "name": indicator.name_vi,
            "max": format_vn(indicator.max_value, indicator.decimals),
            "v": format_vn(value, indicator.decimals),
        }
    return None


def value_period(indicator: Indicator, period: str) -> str:
    """Plans and yearly rates belong to the year of the reporting period."""
    if indicator.period_basis == PeriodBasis.YEAR:
        return str(parse_period(period).year)
    return period


@dataclass
class Candidate:
    unit_id: int
    indicator: Indicator
    period: str
    value: Decimal
    warnings: list[str] = field(default_factory=list)


def add_warnings(candidates: list[Candidate]) -> None:
    """Fill each candidate's warnings from the plausibility rules, with set-based look-ups."""
    by_indicator: dict[int, list[PlausibilityRule]] = {}
    ids = {c.indicator.pk for c in candidates}
    for rule in PlausibilityRule.objects.filter(indicator_id__in=ids).select_related("other"):
        by_indicator.setdefault(rule.indicator_id, []).append(rule)
    if not by_indicator:
        return
    context = _context_values(candidates, by_indicator.values())
    for cand in candidates:
        for rule in by_indicator.get(cand.indicator.pk, []):
            message = _check_rule(rule, cand, context)
            if message:
                cand.warnings.append(message)


def _context_values(candidates, rule_lists: Iterable[list[PlausibilityRule]]):
    """Current stored values the rules compare against, overlaid with the batch's own values."""
    units = {c.unit_id for c in candidates}
    periods = set()
    for c in candidates:
        p = parse_period(c.period)
        periods |= {c.period, str(p.year), p.previous_year().code}
    other_ids = {r.other_id for rules in rule_lists for r in rules if r.other_id}
    indicator_ids = other_ids | {c.indicator.pk for c in candidates}
    stored = Value.objects.filter(
        unit_id__in=units, indicator_id__in=indicator_ids, period__in=periods, is_current=True
    ).values_list("unit_id", "indicator_id", "period", "value")
    context = {(u, i, p): v for u, i, p, v in stored}
    for c in candidates:
        context[(c.unit_id, c.indicator.pk, c.period)] = c.value
    return context


def _check_rule(rule: PlausibilityRule, cand: Candidate, context) -> str | None:
    ind = cand.indicator
    fmt = {"name": ind.name_vi, "v": format_vn(cand.value, ind.decimals)}
    if rule.kind == PlausibilityKind.ABOVE and cand.value > rule.threshold:
        fmt["t"] = format_vn(rule.threshold, ind.decimals)
        return rule.message or _("%(name)s = %(v)s cao bất thường (trên %(t)s).") % fmt
    if rule.kind == PlausibilityKind.BELOW and cand.value < rule.threshold:
        fmt["t"] = format_vn(rule.threshold, ind.decimals)
        return rule.message or _("%(name)s = %(v)s thấp bất thường (dưới %(t)s).") % fmt
    if rule.kind == PlausibilityKind.ABOVE_PCT_OF and rule.other_id:
        base = context.get((cand.unit_id, rule.other_id, value_period(rule.other, cand.period)))
        if base and base > 0 and cand.value * 100 / base > rule.threshold:
            fmt.update(t=format_vn(rule.threshold, 0), other=rule.other.name_vi)
            return rule.message or _("%(name)s = %(v)s vượt %(t)s%% %(other)s.") % fmt
    if rule.kind == PlausibilityKind.JUMP_VS_LAST_YEAR:
        last_period = parse_period(cand.period).previous_year().code
        last = context.get((cand.unit_id, ind.pk, last_period))
        if last is not None and last != 0:
            change = abs(cand.value - last) * 100 / abs(last)
            if change > rule.threshold:
                fmt.update(
                    last=format_vn(last, ind.decimals),
                    p=last_period,
                    t=format_vn(rule.threshold, 0),
                )
                return (
                    rule.message
                    or _(
                        "%(name)s = %(v)s chênh hơn %(t)s%% so với cùng kỳ năm trước "
                        "(%(p)s: %(last)s)."
                    )
                    % fmt
                )
    return None
