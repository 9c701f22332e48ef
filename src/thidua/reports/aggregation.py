"""Cluster figures for a period, computed in SQL: one statement for the member rows and their
ranks, one for the aggregates.

The members' current values are read in one pass: the cluster's members joined to their current
values in the cluster's reports, one column per indicator and period (`MAX(CASE …)`: a unit has at
most one current value per indicator and period). Derived indicators are their formula over
those columns. Totals, means, extremes, counts, threshold counts, weighted means and last year's
figures are aggregates over the member rows; ranks are `RANK()` windows over the same rows.

The statements are written out here rather than built with the ORM: building and compiling some
hundred ORM expressions per review cost several times more than running them. The few pieces
whose SQL Django knows best (the formulas: `indicators.formula`, with its SQLite division) are
compiled by Django once per formula and reused. Values come back through the same converters the
ORM would apply, so the figures are those of an ORM query.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.db import connections, router
from django.db.models import DecimalField, ExpressionWrapper
from django.db.models.expressions import RawSQL
from django.db.models.sql import Query

from thidua.common.numbers import quantize
from thidua.common.periods import Period, parse_period
from thidua.covenants.models import Target
from thidua.indicators import formula
from thidua.indicators.models import Aggregation, Direction, Indicator, Report, ReportStatus
from thidua.indicators.models import Value as StoredValue
from thidua.indicators.validation import value_period
from thidua.orgs.models import Cluster, Membership, Unit

DEC = DecimalField(max_digits=30, decimal_places=6)


@dataclass
class _Column:
    indicator: Indicator
    current: str  # column of this period's value
    previous: str  # column of the same period a year before
    target: str | None
    weight: str | None = None  # column of the weight (weighted means)


def review(
    cluster: Cluster, period: str, *, include_submitted: bool = False, exact: bool = False
) -> dict:
    """The cluster's figures, rounded for display (each indicator's decimals, means and cluster
    figures to at least 2); with `exact`, as computed, to the precision values are stored with."""
    return _settle(_review(cluster, period, include_submitted), exact)


def exact_and_shown(
    cluster: Cluster, period: str, *, include_submitted: bool = False
) -> tuple[dict, dict]:
    """Both from one reading: the exact figures for machines (JSON) and those a reader is shown
    (the narrative is written from these, as in the documents)."""
    raw = _review(cluster, period, include_submitted)
    return _settle(copy.deepcopy(raw), True), _settle(raw, False)


def _review(cluster: Cluster, period: str, include_submitted: bool) -> dict:
    p = parse_period(period)
    statuses = [ReportStatus.ACCEPTED] + ([ReportStatus.SUBMITTED] if include_submitted else [])
    indicators = {i.code: i for i in Indicator.objects.filter(active=True).select_related("weight")}
    targets = _targets(cluster, p)
    sql = _Statements(cluster, p, indicators, [str(s) for s in statuses], targets)
    rows, aggregates = sql.run()
    member_count = len(rows)
    result = {
        "cluster": {"code": cluster.code, "name": cluster.name},
        "period": p.code,
        "period_label": p.label(),
        "members": member_count,
        "member_noun": cluster.noun_for({r["unit__kind"] for r in rows}),
        "reported": aggregates.pop("reported"),
        "basis": "accepted+submitted" if include_submitted else "accepted",
        "indicators": {},
    }
    illustrative = {ind.code for ind in indicators.values() if aggregates[f"ill_{ind.pk}"]}
    for col in sql.columns:
        entry = _indicator_entry(col, aggregates, rows, indicators, member_count, targets)
        if entry is not None:
            entry["illustrative"] = col.indicator.code in illustrative or any(
                c in illustrative for c in _components(col.indicator)
            )
            result["indicators"][col.indicator.code] = entry
    return result


def _components(ind: Indicator) -> list[str]:
    return formula.referenced_codes(ind.formula) if ind.formula else []


def _targets(cluster: Cluster, p: Period) -> dict[str, dict]:
    """The covenant's targets for exactly this period: {indicator code: {unit_id|None: target}}."""
    found: dict[str, dict] = {}
    qs = Target.objects.filter(covenant__cluster=cluster, covenant__year=p.year, period=p.code)
    for t in qs.select_related("indicator"):
        found.setdefault(t.indicator.code, {})[t.unit_id] = t
    return found


@lru_cache(maxsize=512)
def _formula_sql(alias: str, text: str, columns: tuple[tuple[str, str], ...]) -> tuple[str, tuple]:
    """A formula over member columns ({code: quoted column}), compiled by Django.

    A pure function of its arguments (the formula text and the column names), hence cached.
    """
    refs = dict(columns)
    expression = formula.to_expression(text, lambda code: RawSQL(refs[code], (), output_field=DEC))
    return _compile(alias, expression)


@lru_cache(maxsize=512)
def _product_sql(alias: str, left: str, right: str) -> tuple[str, tuple]:
    """`left * right` as the ORM writes ExpressionWrapper(F(left) * F(right))."""
    expression = ExpressionWrapper(
        RawSQL(left, (), output_field=DEC) * RawSQL(right, (), output_field=DEC), DEC
    )
    return _compile(alias, expression)


def _compile(alias: str, expression) -> tuple[str, tuple]:
    query = Query(None)
    resolved = expression.resolve_expression(query, allow_joins=False)
    sql, params = query.get_compiler(using=alias).compile(resolved)
    return sql, tuple(params)


class _Statements:
    """The two statements of one review and the columns they name.

    `base` (one row per member: the stored values, one column per indicator and period) feeds
    `m` (the figures per member: values, derived values, last year's, weights, targets), over
    which the rows statement ranks and the aggregates statement aggregates.
    """

    def __init__(self, cluster: Cluster, p: Period, indicators, statuses, targets):
        self.alias = router.db_for_read(Membership)
        self.connection = connections[self.alias]
        self.sqlite = self.connection.vendor == "sqlite"
        self.qn = self.connection.ops.quote_name
        self.cluster, self.p, self.prev = cluster, p, p.previous_year()
        self.indicators, self.statuses, self.targets = indicators, statuses, targets
        self.stored: dict[tuple[int, str], str] = {}  # (indicator pk, period) → base column
        self.columns: list[_Column] = []
        self.member_sql: list[str] = []  # the figures per member (`m`)
        self.member_params: list = []
        for ind in indicators.values():
            self._add_column(ind)

    # The figures per member.

    def _add_column(self, ind: Indicator) -> None:
        k = ind.pk
        col = _Column(ind, f"v_{k}", f"p_{k}", None)
        self._member(col.current, *self._expression(ind, self.p))
        self._member(col.previous, *self._expression(ind, self.prev))
        if ind.code in self.targets:
            col.target = f"t_{k}"
            self._member(col.target, *self._target(self.targets[ind.code]))
        if ind.aggregation == Aggregation.WEIGHTED_MEAN and ind.weight:
            col.weight = f"w_{k}"
            self._member(col.weight, *self._expression(ind.weight, self.p))
        self.columns.append(col)

    def _member(self, name: str, sql: str, params) -> None:
        self.member_sql.append(f"{sql} AS {self.qn(name)}")
        self.member_params.extend(params)

    def _stored(self, ind: Indicator, period: Period) -> str:
        key = (ind.pk, value_period(ind, period.code))
        if key not in self.stored:
            self.stored[key] = f"b_{len(self.stored)}"
        return self.qn(self.stored[key])

    def _expression(self, ind: Indicator, period: Period) -> tuple[str, tuple]:
        if ind.formula:
            columns = tuple(
                (code, self._stored(self.indicators[code], period)) for code in _components(ind)
            )
            return _formula_sql(self.alias, ind.formula, columns)
        return self._stored(ind, period), ()

    def _decimal(self, value) -> tuple[str, list]:
        """A decimal parameter as the ORM writes Value(value, output_field=DEC)."""
        prepared = DEC.get_db_prep_value(value, connection=self.connection)
        sql, params = ("NULL", []) if prepared is None else ("%s", [prepared])
        return self._cast(sql), params

    def _target(self, by_unit: dict) -> tuple[str, list]:
        """The member's target: its own if it has one, else the one for all members."""
        general = by_unit.get(None)
        default, params = self._decimal(general.value if general else None)
        specific = [(u, t) for u, t in by_unit.items() if u]
        if not specific:
            return default, params
        whens, when_params = [], []
        for unit_id, t in specific:
            then, then_params = self._decimal(t.value)
            whens.append(f"WHEN {self.qn('unit_id')} = %s THEN {then}")
            when_params += [unit_id, *then_params]
        return self._cast(f"CASE {' '.join(whens)} ELSE {default} END"), when_params + params

    # The statements.

    def _with(self) -> tuple[str, list]:
        qn = self.qn
        value, report = qn(StoredValue._meta.db_table), qn(Report._meta.db_table)
        membership, unit = qn(Membership._meta.db_table), qn(Unit._meta.db_table)
        statuses = ", ".join(["%s"] * len(self.statuses))
        stored_sql, stored_params = [], []
        for (indicator_id, period), name in self.stored.items():
            # `r.status` is null for a value in another cluster's report, or in a report of a
            # period outside this one.
            stored_sql.append(
                f"MAX(CASE WHEN v.{qn('indicator_id')} = %s AND v.{qn('period')} = %s "
                f"AND r.{qn('status')} IN ({statuses}) THEN v.{qn('value')} END) AS {qn(name)}"
            )
            stored_params += [indicator_id, period, *self.statuses]
        # Values marked illustrative in any of the cluster's reports (any status) for the
        # period or its year (`r` is null for a value in another cluster's report, or in a
        # report of a period outside this one).
        shown = [self.p.code, str(self.p.year)]
        for ind in self.indicators.values():
            stored_sql.append(
                f"MAX(CASE WHEN v.{qn('indicator_id')} = %s AND v.{qn('illustrative')} "
                f"AND v.{qn('period')} IN (%s, %s) AND r.{qn('id')} IS NOT NULL "
                f"THEN 1 ELSE 0 END) AS {qn(f'i_{ind.pk}')}"
            )
            stored_params += [ind.pk, *shown]
        ids = sorted({i for i, _ in self.stored} | {i.pk for i in self.indicators.values()})
        periods = sorted({period for _, period in self.stored} | set(shown))
        # Only the reports of this period and of the periods within it (and likewise a year
        # before): a year's value reported in the annual report stays out of the mid-year review.
        within = self.p.within() + self.prev.within()
        join_params = [*ids, *periods, self.cluster.pk, *within]
        sql = (
            f"WITH base AS (SELECT mem.{qn('id')} AS mid, mem.{qn('unit_id')} AS {qn('unit_id')}, "
            f"u.{qn('code')} AS unit_code, u.{qn('name')} AS unit_name, "
            f"u.{qn('kind')} AS unit_kind"
            + "".join(f", {s}" for s in stored_sql)
            + f" FROM {membership} mem INNER JOIN {unit} u ON u.{qn('id')} = mem.{qn('unit_id')}"
            f" LEFT OUTER JOIN {value} v ON v.{qn('unit_id')} = mem.{qn('unit_id')}"
            f" AND v.{qn('is_current')}"
            f" AND {_in('v.' + qn('indicator_id'), len(ids))}"
            f" AND {_in('v.' + qn('period'), len(periods))}"
            f" LEFT OUTER JOIN {report} r"
            f" ON r.{qn('id')} = v.{qn('report_id')} AND r.{qn('cluster_id')} = %s"
            f" AND {_in('r.' + qn('period'), len(within))}"
            f" WHERE mem.{qn('cluster_id')} = %s AND mem.{qn('year')} = %s"
            f" GROUP BY mem.{qn('id')}, mem.{qn('unit_id')}, u.{qn('code')}, u.{qn('name')},"
            f" u.{qn('kind')}), "
            "m AS (SELECT mid, unit_code, unit_name, unit_kind"
            + "".join(f", {qn(f'i_{i.pk}')}" for i in self.indicators.values())
            + "".join(f", {s}" for s in self.member_sql)
            + " FROM base) "
        )
        params = stored_params + join_params + [self.cluster.pk, self.p.year]
        return sql, params + self.member_params

    def _rows_sql(self) -> str:
        qn = self.qn
        ranks = []
        for col in self.columns:
            order = "ASC" if col.indicator.direction == Direction.LOWER else "DESC"
            ranks.append(
                f"RANK() OVER (ORDER BY {qn(col.current)} {order} NULLS LAST) "
                f"AS {qn(f'r_{col.indicator.pk}')}"
            )
        return (
            "SELECT unit_code, unit_name, unit_kind"
            + "".join(f", {qn(c.current)}" for c in self.columns)
            + "".join(f", {r}" for r in ranks)
            + " FROM m ORDER BY unit_code, mid"
        )

    def _aggregate(self, fn: str, expression: str) -> str:
        return self._cast(f"{fn}({expression})")

    def _cast(self, sql: str) -> str:
        """SQLite: the CAST the ORM puts round every decimal expression (a no-op on numbers)."""
        return f"CAST({sql} AS NUMERIC)" if self.sqlite else sql

    def _aggregates_sql(self) -> tuple[str, list[str], list]:
        qn = self.qn
        names, parts, params = [], [], []

        def add(name: str, sql: str, sql_params=()) -> None:
            names.append(name)
            parts.append(f"{sql} AS {qn(name)}")
            params.extend(sql_params)

        for col in self.columns:
            k, v, pv = col.indicator.pk, qn(col.current), qn(col.previous)
            add(f"sum_{k}", self._aggregate("SUM", v))
            add(f"avg_{k}", self._aggregate("AVG", v))
            add(f"min_{k}", self._aggregate("MIN", v))
            add(f"max_{k}", self._aggregate("MAX", v))
            add(f"n_{k}", f"COUNT({v})")
            add(f"psum_{k}", self._aggregate("SUM", pv))
            add(f"pavg_{k}", self._aggregate("AVG", pv))
            add(f"pn_{k}", f"COUNT({pv})")
            if col.weight:
                w = qn(col.weight)
                product, product_params = _product_sql(self.alias, v, w)
                add(f"wsum_{k}", self._aggregate("SUM", product), product_params)
                when = f"CASE WHEN {v} IS NOT NULL THEN {w} ELSE NULL END"
                add(f"wtot_{k}", self._aggregate("SUM", self._cast(when)))
            if col.target:
                comparator = next(iter(self.targets[col.indicator.code].values())).comparator
                op = ">=" if comparator == "gte" else "<="
                add(f"meet_{k}", f"COUNT(mid) FILTER (WHERE {v} {op} ({qn(col.target)}))")
        for ind in self.indicators.values():
            add(f"ill_{ind.pk}", f"MAX({qn(f'i_{ind.pk}')})")
        report = qn(Report._meta.db_table)
        statuses = ", ".join(["%s"] * len(self.statuses))
        add(
            "reported",
            f"(SELECT COUNT(*) FROM {report} WHERE {qn('cluster_id')} = %s"
            f" AND {qn('period')} = %s AND {qn('status')} IN ({statuses}))",
            [self.cluster.pk, self.p.code, *self.statuses],
        )
        return "SELECT " + ", ".join(parts) + " FROM m", names, params

    def run(self) -> tuple[list[dict], dict]:
        """The member rows (with ranks) and the aggregates.

        Two statements rather than one joining both: SQLite would then materialise `m`, which
        drops the sign of a negative zero (-0,0 → 0) that the former ORM query kept; and on
        PostgreSQL the single statement was no faster.
        """
        with_sql, with_params = self._with()
        aggregates_sql, names, aggregates_params = self._aggregates_sql()
        with self.connection.cursor() as cursor:
            cursor.execute(with_sql + self._rows_sql(), with_params)
            records = cursor.fetchall()
            cursor.execute(with_sql + aggregates_sql, with_params + aggregates_params)
            totals = cursor.fetchone()
        convert = _decimal_converter(self.connection)
        currents = [c.current for c in self.columns]
        ranks = [f"r_{c.indicator.pk}" for c in self.columns]
        n = len(currents)
        rows = []
        for record in records:
            row = {"unit__code": record[0], "unit__name": record[1], "unit__kind": record[2]}
            row.update(zip(currents, map(convert, record[3 : 3 + n]), strict=True))
            row.update(zip(ranks, record[3 + n :], strict=True))
            rows.append(row)
        aggregates = {}
        for name, value in zip(names, totals, strict=True):
            counted = name.startswith(("n_", "pn_", "meet_", "ill_")) or name == "reported"
            aggregates[name] = (value or 0) if counted else convert(value)
        return rows, aggregates


def _in(column: str, n: int) -> str:
    """`column IN (%s, …)`; false for an empty list (PostgreSQL has no empty IN list)."""
    return f"{column} IN ({', '.join(['%s'] * n)})" if n else "1 = 0"


def _decimal_converter(connection):
    """What the ORM does to a decimal expression (DEC) read from this database."""
    probe = ExpressionWrapper(RawSQL("NULL", ()), output_field=DEC)
    converters = connection.ops.get_db_converters(probe) + probe.get_db_converters(connection)

    def convert(value):
        for converter in converters:
            value = converter(value, probe, connection)
        return value

    return convert


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


STORED_DECIMALS = StoredValue._meta.get_field("value").decimal_places


def _exact(value: Decimal | None, _decimals: int = 0) -> Decimal | None:
    """A computed figure to the precision of the data (a mean of 7.62, …, 7.39 is 7.862): the
    same on SQLite (whose AVG is a float) and PostgreSQL (whose AVG has 16 decimals)."""
    if value is None:
        return None
    value = quantize(Decimal(value), STORED_DECIMALS)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _settle(result: dict, exact: bool) -> dict:
    """Round each computed figure once, for display or to the data's precision."""
    fix = _exact if exact else _round
    for e in result["indicators"].values():
        d, wide = e["decimals"], max(e["decimals"], 2)
        e["total"], e["mean"] = fix(e["total"], d), fix(e["mean"], wide)
        e["min"], e["max"] = fix(e["min"], d), fix(e["max"], d)
        e["cluster_value"] = fix(e["cluster_value"], wide)
        for r in e["ranking"]:
            r["value"] = fix(r["value"], d)
        if e["previous"]:
            before = e["previous"]
            before["value"], before["change"] = (
                fix(before["value"], wide),
                fix(before["change"], wide),
            )
            before["change_pct"] = fix(before["change_pct"], 2)
    return result


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
        "total": aggregates[f"sum_{k}"] if ind.aggregation == Aggregation.SUM else None,
        "mean": aggregates[f"avg_{k}"],
        "min": aggregates[f"min_{k}"],
        "max": aggregates[f"max_{k}"],
        "count": count,
        "cluster_value": _cluster_value(ind, aggregates, indicators),
        "ranking": [
            {
                "unit_code": r["unit__code"],
                "unit_name": r["unit__name"],
                "value": r[col.current],
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
        change_pct = Decimal(change) * 100 / abs(Decimal(before))
    return {
        "value": before,
        "count": aggregates[f"pn_{k}"],
        "change": change,
        "change_pct": change_pct,
    }
