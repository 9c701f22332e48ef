"""A unit's time series, reaching back past a reorganisation through its predecessors.

Before a successor unit existed, its figures are derived from its predecessors' by the
indicator's lineage rule: amounts add up, ratios are recomputed from their added-up parts,
rates are averaged with the declared weight. Derived points say so and name their sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from thidua.common.periods import parse_period
from thidua.indicators import formula
from thidua.indicators.models import Indicator, LineageRule, ReportStatus, Value
from thidua.indicators.validation import value_period
from thidua.orgs.models import Lineage, Unit


@dataclass
class Point:
    period: str
    value: Decimal | None
    derived: bool = False
    sources: list[str] = field(default_factory=list)
    note: str = ""


def predecessors(unit: Unit) -> list[Unit]:
    links = Lineage.objects.filter(successor=unit).select_related("predecessor")
    return [link.predecessor for link in links]


def unit_series(unit: Unit, indicator: Indicator) -> list[Point]:
    """Reported points of `unit`, plus derived points for periods before it was created."""
    own = _stored({unit.pk}, _codes(indicator))
    points = {}
    for (_unit_id, code, period), value in own.items():
        if code == indicator.code:
            points[period] = Point(period, value)
    if indicator.formula:
        catalogue = _catalogue()
        for period in {p for (_, _, p) in own}:
            if period not in points:
                value = _combine_own(indicator, own, unit.pk, period, catalogue)
                if value is not None:
                    points[period] = Point(period, value)
    if unit.valid_from:
        for point in derived_points(unit, indicator):
            points.setdefault(point.period, point)
    return sorted(points.values(), key=lambda pt: parse_period(pt.period))


def derived_points(unit: Unit, indicator: Indicator) -> list[Point]:
    preds = predecessors(unit)
    if not preds or indicator.lineage_rule == LineageRule.NONE:
        return []
    stored = _stored({p.pk for p in preds}, _codes(indicator))
    periods = {p for (_, code, p) in stored if parse_period(p).end < unit.valid_from}
    names = [p.name for p in preds]
    catalogue = _catalogue()
    result = []
    for period in sorted(periods, key=parse_period):
        value, note = _derive(indicator, stored, [p.pk for p in preds], period, catalogue)
        if value is not None:
            result.append(Point(period, value, derived=True, sources=names, note=note))
    return result


def _codes(indicator: Indicator) -> set[str]:
    codes = {indicator.code}
    if indicator.formula:
        codes |= set(formula.referenced_codes(indicator.formula))
    if indicator.weight_id:
        codes.add(indicator.weight.code)
    return codes


def _stored(unit_ids: set[int], codes: set[str]) -> dict[tuple[int, str, str], Decimal]:
    rows = Value.objects.filter(
        unit_id__in=unit_ids,
        indicator__code__in=codes,
        is_current=True,
        report__status=ReportStatus.ACCEPTED,
    ).values_list("unit_id", "indicator__code", "period", "value")
    return {(u, c, p): v for u, c, p, v in rows}


def _combine_own(indicator, stored, unit_id, period, catalogue):
    parts = {
        code: stored.get((unit_id, code, value_period(catalogue[code], period)))
        for code in formula.referenced_codes(indicator.formula)
    }
    return formula.evaluate(indicator.formula, parts)


def _catalogue() -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.all()}


def _derive(indicator: Indicator, stored, unit_ids: list[int], period: str, catalogue):
    rule = indicator.lineage_rule
    values = [stored.get((u, indicator.code, period)) for u in unit_ids]
    if rule == LineageRule.RECOMPUTE and indicator.formula:
        parts = {}
        for code in formula.referenced_codes(indicator.formula):
            part_period = value_period(catalogue[code], period)
            got = [stored.get((u, code, part_period)) for u in unit_ids]
            parts[code] = None if None in got else sum(got, Decimal(0))
        return formula.evaluate(indicator.formula, parts), "tính lại từ số liệu cộng gộp"
    if None in values:
        return None, ""
    if rule == LineageRule.SUM:
        return sum(values, Decimal(0)), "cộng số liệu các đơn vị tiền thân"
    if rule == LineageRule.WEIGHTED_MEAN and indicator.weight_id:
        weights = [stored.get((u, indicator.weight.code, period)) for u in unit_ids]
        if None not in weights and sum(weights):
            total = sum((v * w for v, w in zip(values, weights, strict=True)), Decimal(0))
            return total / sum(weights), "bình quân gia quyền theo " + indicator.weight.name_vi
        return None, ""
    if rule in (LineageRule.MEAN, LineageRule.WEIGHTED_MEAN):
        return sum(values, Decimal(0)) / len(values), "bình quân các đơn vị tiền thân"
    return None, ""
