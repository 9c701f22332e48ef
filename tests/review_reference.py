"""The review as `reports.aggregation` computed it until the statements were written out by
hand (one ORM subquery per indicator and member): kept to check that the rewrite gives the same
figures (tests/test_review_equivalence.py). Not used by the application."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg as _Avg
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Rank

from thidua.common.numbers import quantize
from thidua.common.periods import Period, parse_period
from thidua.covenants.models import Target
from thidua.indicators import formula
from thidua.indicators.models import Aggregation, Direction, Indicator, Report, ReportStatus
from thidua.indicators.models import Value as StoredValue
from thidua.indicators.validation import value_period
from thidua.orgs.models import Cluster, Membership

DEC = DecimalField(max_digits=30, decimal_places=6)


def Avg(expr):  # noqa: N802 - keeps the aggregate list readable
    return _Avg(expr, output_field=DEC)


@dataclass
class _Column:
    indicator: Indicator
    current: str  # annotation name of this period's value
    previous: str  # annotation name of the same period a year before
    target: str | None


def review(cluster: Cluster, period: str, *, include_submitted: bool = False) -> dict:
    p = parse_period(period)
    statuses = [ReportStatus.ACCEPTED] + ([ReportStatus.SUBMITTED] if include_submitted else [])
    indicators = {i.code: i for i in Indicator.objects.filter(active=True).select_related("weight")}
    members = Membership.objects.filter(cluster=cluster, year=p.year)
    targets = _targets(cluster, p)
    columns, annotations = _columns(cluster, p, indicators, statuses, targets)
    rows = members.annotate(**annotations)
    aggregates = rows.aggregate(**_aggregates(columns, indicators, targets))
    ranked = _ranked(rows, columns)
    member_count = aggregates.pop("n_members")
    result = {
        "cluster": {"code": cluster.code, "name": cluster.name},
        "period": p.code,
        "period_label": p.label(),
        "members": member_count,
        "member_noun": cluster.noun_for(set(members.values_list("unit__kind", flat=True))),
        "reported": _reported(cluster, p, statuses),
        "basis": "accepted+submitted" if include_submitted else "accepted",
        "indicators": {},
    }
    illustrative = _illustrative(cluster, p, members)
    for col in columns:
        entry = _indicator_entry(col, aggregates, ranked, indicators, member_count, targets)
        if entry is not None:
            entry["illustrative"] = col.indicator.code in illustrative or any(
                c in illustrative for c in _components(col.indicator)
            )
            result["indicators"][col.indicator.code] = entry
    return result


def _components(ind: Indicator) -> list[str]:
    return formula.referenced_codes(ind.formula) if ind.formula else []


def _value_subquery(cluster, ind: Indicator, period: str, statuses, within: list[str]):
    stored = StoredValue.objects.filter(
        unit=OuterRef("unit"),
        indicator=ind,
        period=period,
        is_current=True,
        report__cluster=cluster,
        report__status__in=statuses,
        report__period__in=within,
    ).values("value")[:1]
    return Subquery(stored, output_field=DEC)


def _expression(cluster, ind: Indicator, p: Period, indicators, statuses):
    if ind.formula:
        return formula.to_expression(
            ind.formula,
            lambda code: _value_subquery(
                cluster,
                indicators[code],
                value_period(indicators[code], p.code),
                statuses,
                p.within(),
            ),
        )
    return _value_subquery(cluster, ind, value_period(ind, p.code), statuses, p.within())


def _columns(cluster, p: Period, indicators, statuses, targets):
    columns, annotations = [], {}
    prev = p.previous_year()
    for ind in indicators.values():
        col = _Column(ind, f"v_{ind.pk}", f"p_{ind.pk}", None)
        annotations[col.current] = _expression(cluster, ind, p, indicators, statuses)
        annotations[col.previous] = _expression(cluster, ind, prev, indicators, statuses)
        if ind.code in targets:
            col.target = f"t_{ind.pk}"
            annotations[col.target] = _target_expression(targets[ind.code], ind)
        if ind.aggregation == Aggregation.WEIGHTED_MEAN and ind.weight:
            weight = _expression(cluster, ind.weight, p, indicators, statuses)
            annotations[f"w_{ind.pk}"] = weight
            annotations[f"vw_{ind.pk}"] = ExpressionWrapper(F(col.current) * F(f"w_{ind.pk}"), DEC)
        columns.append(col)
    return columns, annotations


def _targets(cluster: Cluster, p: Period) -> dict[str, dict]:
    """The covenant's targets for exactly this period: {indicator code: {unit_id|None: target}}."""
    found: dict[str, dict] = {}
    qs = Target.objects.filter(covenant__cluster=cluster, covenant__year=p.year, period=p.code)
    for t in qs.select_related("indicator"):
        found.setdefault(t.indicator.code, {})[t.unit_id] = t
    return found


def _target_expression(by_unit: dict, ind: Indicator):
    general = by_unit.get(None)
    default = Value(general.value if general else None, output_field=DEC)
    specific = [
        When(unit_id=u, then=Value(t.value, output_field=DEC)) for u, t in by_unit.items() if u
    ]
    return Case(*specific, default=default, output_field=DEC) if specific else default


def _meets(col: _Column, targets) -> Q:
    comparator = next(iter(targets[col.indicator.code].values())).comparator
    lookup = "gte" if comparator == "gte" else "lte"
    return Q(**{f"{col.current}__{lookup}": F(col.target)})


def _aggregates(columns: list[_Column], indicators, targets) -> dict:
    aggs = {"n_members": Count("pk")}
    for col in columns:
        v, pv, k = col.current, col.previous, col.indicator.pk
        aggs |= {
            f"sum_{k}": Sum(v, output_field=DEC),
            f"avg_{k}": Avg(v),
            f"min_{k}": Min(v, output_field=DEC),
            f"max_{k}": Max(v, output_field=DEC),
            f"n_{k}": Count(v),
            f"psum_{k}": Sum(pv, output_field=DEC),
            f"pavg_{k}": Avg(pv),
            f"pn_{k}": Count(pv),
        }
        if col.indicator.aggregation == Aggregation.WEIGHTED_MEAN and col.indicator.weight:
            aggs[f"wsum_{k}"] = Sum(f"vw_{k}", output_field=DEC)
            aggs[f"wtot_{k}"] = Sum(
                Case(When(**{f"{v}__isnull": False}, then=F(f"w_{k}")), output_field=DEC),
                output_field=DEC,
            )
        if col.target:
            aggs[f"meet_{k}"] = Count("pk", filter=_meets(col, targets))
    return aggs


def _ranked(rows, columns: list[_Column]) -> list[dict]:
    windows = {}
    for col in columns:
        order = F(col.current).desc(nulls_last=True)
        if col.indicator.direction == Direction.LOWER:
            order = F(col.current).asc(nulls_last=True)
        windows[f"r_{col.indicator.pk}"] = Window(Rank(), order_by=order)
    names = ["unit__code", "unit__name"] + [c.current for c in columns] + list(windows)
    return list(rows.annotate(**windows).values(*names))


def _cluster_value(ind: Indicator, aggregates, indicators, prefix: str = "") -> Decimal | None:
    k = ind.pk
    if ind.aggregation == Aggregation.FORMULA and ind.formula:
        parts = {
            code: _cluster_value(indicators[code], aggregates, indicators, prefix)
            for code in _components(ind)
        }
        return formula.evaluate(ind.formula, parts)
    if ind.aggregation == Aggregation.SUM:
        return aggregates[f"{prefix}sum_{k}"] if aggregates[f"{prefix}n_{k}"] else None
    if ind.aggregation == Aggregation.WEIGHTED_MEAN and not prefix and aggregates.get(f"wtot_{k}"):
        return aggregates[f"wsum_{k}"] / aggregates[f"wtot_{k}"]
    if ind.aggregation in (Aggregation.MIN, Aggregation.MAX) and not prefix:
        return aggregates[f"{ind.aggregation}_{k}"]
    return aggregates[f"{prefix}avg_{k}"]


def _round(value: Decimal | None, decimals: int) -> Decimal | None:
    return None if value is None else quantize(Decimal(value), decimals)


def _indicator_entry(col, aggregates, ranked, indicators, member_count, targets) -> dict | None:
    ind, k = col.indicator, col.indicator.pk
    count = aggregates[f"n_{k}"]
    if not count:
        return None
    d = ind.decimals
    ranking = sorted((r for r in ranked if r[col.current] is not None), key=lambda r: r[f"r_{k}"])
    return {
        "name": ind.name_vi,
        "name_en": ind.name_en,
        "short_name": ind.short_vi or ind.name_vi,
        "measure": ind.measure,
        "decimals": d,
        "direction": ind.direction,
        "aggregation": ind.aggregation,
        "derived": ind.is_derived,
        "total": _round(aggregates[f"sum_{k}"], d) if ind.aggregation == Aggregation.SUM else None,
        "mean": _round(aggregates[f"avg_{k}"], max(d, 2)),
        "min": _round(aggregates[f"min_{k}"], d),
        "max": _round(aggregates[f"max_{k}"], d),
        "count": count,
        "cluster_value": _round(_cluster_value(ind, aggregates, indicators), max(d, 2)),
        "ranking": [
            {
                "unit_code": r["unit__code"],
                "unit_name": r["unit__name"],
                "value": _round(r[col.current], d),
                "rank": r[f"r_{k}"],
            }
            for r in ranking
        ],
        "missing": [r["unit__name"] for r in ranked if r[col.current] is None],
        "threshold": _threshold(col, aggregates, member_count, targets),
        "previous": _previous(col, aggregates, indicators),
    }


def _threshold(col, aggregates, member_count, targets) -> dict | None:
    if not col.target:
        return None
    by_unit = targets[col.indicator.code]
    general = by_unit.get(None)
    any_target = next(iter(by_unit.values()))
    return {
        "value": general.value if general else None,
        "comparator": any_target.comparator,
        "per_member": any(u is not None for u in by_unit),
        "description": general.description if general else "",
        "count": aggregates[f"meet_{col.indicator.pk}"],
        "of": member_count,
    }


def _previous(col, aggregates, indicators) -> dict | None:
    ind, k = col.indicator, col.indicator.pk
    if not aggregates[f"pn_{k}"]:
        return None
    now = _cluster_value(ind, aggregates, indicators)
    before = _cluster_value(ind, aggregates, indicators, prefix="p")
    change = None if now is None or before is None else now - before
    change_pct = None
    if change is not None and before:
        change_pct = _round(change * 100 / abs(before), 2)
    return {
        "value": _round(before, max(ind.decimals, 2)),
        "count": aggregates[f"pn_{k}"],
        "change": _round(change, max(ind.decimals, 2)),
        "change_pct": change_pct,
    }


def _reported(cluster, p: Period, statuses) -> int:
    return Report.objects.filter(cluster=cluster, period=p.code, status__in=statuses).count()


def _illustrative(cluster, p: Period, members) -> set[str]:
    return set(
        StoredValue.objects.filter(
            report__cluster=cluster,
            report__period__in=p.within(),
            unit__in=members.values("unit"),
            period__in=[p.code, str(p.year)],
            is_current=True,
            illustrative=True,
        )
        .values_list("indicator__code", flat=True)
        .distinct()
    )
