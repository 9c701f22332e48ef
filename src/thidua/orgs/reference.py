"""Reference data shipped with the package: provinces (before and after 2025) and lineage."""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources

from django.db import transaction

from thidua.orgs.models import Lineage, Unit, UnitKind

_KINDS = {"tỉnh": UnitKind.PROVINCE, "thành phố": UnitKind.CITY}


def read_csv(name: str) -> list[dict[str, str]]:
    text = resources.files("thidua.data").joinpath(name).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(text.splitlines()))


def _date(text: str) -> date | None:
    return date.fromisoformat(text) if text.strip() else None


@transaction.atomic
def load_provinces() -> int:
    units = list(Unit.objects.all())
    existing = {(u.code, u.valid_from): u for u in units}
    # A start date corrected in the data (Huế: 2025-07-01 → 2025-01-01) moves the stored unit
    # instead of adding a second one with the same code and name.
    current = {(u.code, u.name): u for u in units if u.valid_to is None}
    created = 0
    for row in read_csv("provinces.csv"):
        key = (row["code"], _date(row["valid_from"]))
        unit = existing.get(key)
        if unit is None and not row["valid_to"].strip():
            unit = current.get((row["code"], row["name"]))
        unit = unit or Unit(code=row["code"], valid_from=key[1])
        unit.valid_from = key[1]
        unit.name = row["name"]
        unit.kind = _KINDS.get(row["kind"], UnitKind.OTHER)
        unit.valid_to = _date(row["valid_to"])
        unit.note = row["note"]
        created += unit.pk is None
        unit.save()
    return created


def unit_on(code: str, day: date) -> Unit:
    return Unit.objects.valid_on(day).get(code=code)


@transaction.atomic
def load_lineage() -> int:
    created = 0
    for row in read_csv("lineage_2025.csv"):
        effective = date.fromisoformat(row["effective"])
        before = date.fromordinal(effective.toordinal() - 1)
        # One link per predecessor and successor: a corrected date updates it.
        _, made = Lineage.objects.update_or_create(
            predecessor=unit_on(row["old_code"], before),
            successor=unit_on(row["new_code"], effective),
            defaults={
                "effective": effective,
                "change": row["change"],
                "legal_basis": row["legal_basis"],
            },
        )
        created += made
    return created
