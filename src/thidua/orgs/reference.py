"""Reference data shipped with the package: provinces (before and after 2025) and lineage."""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources

from django.db import transaction

from thidua.common.text import unit_key
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


_IN = {UnitKind.PROVINCE: "tỉnh", UnitKind.CITY: "thành phố"}


@transaction.atomic
def load_departments() -> int:
    """The departments of `departments.csv` under every province (before and after 2025), each
    valid as long as its province, and a lineage link between them wherever their provinces
    have one: "Sở Tài chính tỉnh Long An" (to 2025-06-30) → "Sở Tài chính tỉnh Tây Ninh".
    Written in bulk (it runs with every reference load); a second run changes nothing."""
    provinces = list(Unit.objects.filter(kind__in=list(_IN), parent=None))
    existing = {(u.code, u.valid_from): u for u in Unit.objects.filter(parent__in=provinces)}
    made, new, changed = {}, [], []
    rows = read_csv("departments.csv")
    for province in provinces:
        for row in rows:
            name = f"{row['name']} {_IN[province.kind]} {province.name}"
            code = _department_code(province, row["abbr"])
            unit = existing.get((code, province.valid_from))
            if unit is None:
                unit = Unit(code=code, valid_from=province.valid_from)
                new.append(unit)
            elif (unit.name, unit.parent_id, unit.valid_to) != (
                name,
                province.pk,
                province.valid_to,
            ):
                changed.append(unit)
            unit.name, unit.name_key = name, unit_key(name)
            unit.kind, unit.parent, unit.valid_to = UnitKind.DEPARTMENT, province, province.valid_to
            made[(province.pk, row["abbr"])] = unit
    Unit.objects.bulk_create(new)
    Unit.objects.bulk_update(changed, ["name", "name_key", "kind", "parent", "valid_to"])
    _department_lineage(made, {r["abbr"] for r in rows})
    return len(new)


def _department_code(province: Unit, abbr: str) -> str:
    """ "80.STC" for the department of Long An (to 2025-06-30); a province that began later
    (Tây Ninh from 2025-07-01, code 80 too) gives its departments its start year: "80.STC.2025",
    so a department's code names one unit whatever the day."""
    base = f"{province.code}.{abbr}"
    return f"{base}.{province.valid_from.year}" if province.valid_from else base


def _department_lineage(departments: dict, abbrs: set[str]) -> None:
    links = Lineage.objects.filter(predecessor__parent=None, successor__parent=None)
    have = set(Lineage.objects.values_list("predecessor_id", "successor_id", "effective"))
    new = []
    for link in links:
        for abbr in abbrs:
            before = departments.get((link.predecessor_id, abbr))
            after = departments.get((link.successor_id, abbr))
            if before and after and (before.pk, after.pk, link.effective) not in have:
                new.append(
                    Lineage(
                        predecessor=before,
                        successor=after,
                        effective=link.effective,
                        change=link.change,
                        legal_basis=link.legal_basis,
                    )
                )
    Lineage.objects.bulk_create(new)
