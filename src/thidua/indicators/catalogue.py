"""The indicator catalogue as data: load the shipped CSV or an operator's file, idempotently."""

from __future__ import annotations

import csv
import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from thidua.accounts.actors import Actor
from thidua.accounts.audit import record
from thidua.common.errors import Issue, ValidationFailed
from thidua.indicators import audit_actions, formula
from thidua.indicators.models import Indicator, PlausibilityKind, PlausibilityRule

FIELDS = (
    "name_vi name_en short_vi measure direction decimals aggregation formula lineage_rule "
    "period_basis min_value max_value threshold position source"
).split()
COLUMNS = ["code", *FIELDS[:7], "weight", *FIELDS[7:]]


def _clean(field: str, raw: str):
    raw = (raw or "").strip()
    if field in ("min_value", "max_value", "threshold"):
        return Decimal(raw) if raw else None
    if field in ("decimals", "position"):
        return int(raw) if raw else (1 if field == "decimals" else 100)
    return raw


def parse_rows(rows: list[dict[str, str]]) -> list[Indicator]:
    """Check every row first; one bad row rejects the file with its row number."""
    issues, parsed = [], []
    known = {r.get("code", "").strip() for r in rows} | set(
        Indicator.objects.values_list("code", flat=True)
    )
    for number, row in enumerate(rows, start=2):
        try:
            ind = Indicator(
                code=row.get("code", "").strip(), **{f: _clean(f, row.get(f, "")) for f in FIELDS}
            )
            ind.full_clean(exclude=["weight", "version"], validate_unique=False)
            _check_references(ind, row, known)
            parsed.append(ind)
        except (ValueError, InvalidOperation):
            issues.append(Issue(_("Số không hợp lệ."), row=number, column="decimals/min/max"))
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                issues.append(Issue("; ".join(messages), row=number, column=column))
    if issues:
        raise ValidationFailed(issues)
    return parsed


def _check_references(ind: Indicator, row: dict, known: set[str]) -> None:
    weight = (row.get("weight") or "").strip()
    if weight and weight not in known:
        raise ValidationError({"weight": _("Không có chỉ tiêu mã “%(c)s”.") % {"c": weight}})
    if ind.formula:
        try:
            missing = [c for c in formula.referenced_codes(ind.formula) if c not in known]
        except formula.FormulaError as exc:
            raise ValidationError({"formula": str(exc)}) from exc
        if missing:
            msg = _("Công thức dùng mã chưa có: %(c)s.") % {"c": ", ".join(missing)}
            raise ValidationError({"formula": msg})


@transaction.atomic
def load_catalogue(
    rows: list[dict[str, str]], rules: list[dict[str, str]], actor: Actor | None = None
) -> int:
    """Create or update indicators; a changed definition bumps its version and is audited."""
    parsed = parse_rows(rows)
    changed = 0
    existing = {i.code: i for i in Indicator.objects.all()}
    for new in parsed:
        data = {f: getattr(new, f) for f in FIELDS}
        ind = existing.get(new.code)
        before = {f: getattr(ind, f) for f in FIELDS} if ind else None
        if ind and before == data:
            continue
        ind = ind or Indicator(code=new.code)
        for f, v in data.items():
            setattr(ind, f, v)
        if before is not None:
            ind.version += 1
        ind.save()
        action = audit_actions.INDICATOR_CHANGED if before else audit_actions.INDICATOR_CREATED
        record(actor, action, ind, before, data, via="cli")
        changed += 1
    by_code = {i.code: i for i in Indicator.objects.all()}
    for row in rows:
        weight = by_code.get((row.get("weight") or "").strip())
        Indicator.objects.filter(code=row["code"].strip()).exclude(weight=weight).update(
            weight=weight
        )
    _load_rules(rules, by_code)
    return changed


def _load_rules(rules, by_code) -> None:
    issues = []
    for number, row in enumerate(rules, start=2):
        if row.get("indicator") not in by_code or row.get("kind") not in PlausibilityKind.values:
            issues.append(Issue(_("Chỉ tiêu hoặc loại quy tắc không hợp lệ."), row=number))
    if issues:
        raise ValidationFailed(issues)
    for row in rules:
        other = by_code.get((row.get("other") or "").strip())
        PlausibilityRule.objects.update_or_create(
            indicator=by_code[row["indicator"]],
            kind=row["kind"],
            other=other,
            defaults={"threshold": Decimal(row["threshold"]), "message": row.get("message", "")},
        )


def export_catalogue() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for ind in Indicator.objects.select_related("weight").order_by("position", "code"):
        row = {f: getattr(ind, f) for f in FIELDS}
        row |= {"code": ind.code, "weight": ind.weight.code if ind.weight else ""}
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()
