"""The indicator catalogue as data: load the shipped CSV or an operator's file, idempotently."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from thidua.accounts.audit import record
from thidua.indicators.models import Indicator, PlausibilityRule

_FIELDS = (
    "name_vi name_en short_vi measure direction decimals aggregation formula lineage_rule "
    "period_basis min_value max_value threshold position source"
).split()


def _clean(field: str, raw: str):
    raw = raw.strip()
    if field in ("min_value", "max_value", "threshold"):
        return Decimal(raw) if raw else None
    if field in ("decimals", "position"):
        return int(raw)
    return raw


@transaction.atomic
def load_catalogue(rows: list[dict[str, str]], rules: list[dict[str, str]], actor=None) -> int:
    """Create or update indicators; a changed definition bumps its version and is audited."""
    changed = 0
    for row in rows:
        data = {f: _clean(f, row.get(f, "")) for f in _FIELDS}
        ind = Indicator.objects.filter(code=row["code"]).first()
        before = {f: getattr(ind, f) for f in _FIELDS} if ind else None
        if ind and before == data:
            continue
        ind = ind or Indicator(code=row["code"])
        for f, v in data.items():
            setattr(ind, f, v)
        if before is not None:
            ind.version += 1
        ind.save()
        record(
            actor,
            "indicators.indicator.changed" if before else "indicators.indicator.created",
            ind,
            before,
            data,
            via="cli",
        )
        changed += 1
    by_code = {i.code: i for i in Indicator.objects.all()}
    for row in rows:
        if row.get("weight", "").strip():
            Indicator.objects.filter(code=row["code"]).update(weight=by_code[row["weight"].strip()])
    _load_rules(rules, by_code)
    return changed


def _load_rules(rules, by_code) -> None:
    for row in rules:
        other = by_code.get(row.get("other", "").strip())
        PlausibilityRule.objects.update_or_create(
            indicator=by_code[row["indicator"]],
            kind=row["kind"],
            other=other,
            defaults={"threshold": Decimal(row["threshold"]), "message": row.get("message", "")},
        )
