"""Who a row of a file is: the same person when the name as written (diacritics and all), the
birth year and the unit agree, the unit compared through the lineage.

A unit that resolves is compared by its root (what it became after the 2025 merger), so
"Sở Tài chính tỉnh Long An" of 2024 and "Sở Tài chính tỉnh Tây Ninh" of 2025 are one place; a
unit text that names no known unit is compared as written (without diacritics or prefixes).
Candidates come in one query whatever the number of rows: the people under the file's name
keys with the units they worked in by year.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from thidua.awards.models import Person, PersonUnit
from thidua.common.bulk import rows_by_keys
from thidua.common.text import name_key, unit_key
from thidua.orgs.lineage import UnitResolver


def written(text: str) -> str:
    """A name as written: NFC, case and spacing aside; Ân is not An."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


class PeopleMatcher:
    def __init__(self, units: UnitResolver | None = None):
        self.units = units or UnitResolver()
        self._texts: dict[str, tuple] = {}

    def anchor(self, unit_id: int | None, unit_text: str) -> tuple:
        if unit_id is not None:
            return ("u", self.units.root(unit_id))
        return self.text_anchor(unit_text)

    def text_anchor(self, unit_text: str) -> tuple:
        """A unit written without a year (a person's record): the latest unit of that name."""
        found = self._texts.get(unit_text)
        if found is None:
            pk = self.units.find(unit_text) if unit_text.strip() else None
            found = ("u", self.units.root(pk)) if pk else ("t", unit_key(unit_text))
            self._texts[unit_text] = found
        return found

    def identity(self, full_name: str, born: int | None, anchor: tuple) -> tuple:
        return (written(full_name), born, anchor)

    def match(self, identities: Iterable[tuple]) -> dict[tuple, int]:
        """The existing person of each identity (the lowest id when records are already split:
        `people duplicates` lists those). One query: the people under the file's name keys,
        each with the units it worked in by year (the key table is filled once)."""
        wanted = set(identities)
        if not wanted:
            return {}
        people, years = Person._meta.db_table, PersonUnit._meta.db_table
        found: dict[tuple, int] = {}
        candidates = rows_by_keys(
            f"SELECT p.id, p.full_name, p.birth_year, p.unit_id, p.unit_name, y.unit_id, "
            f"y.unit_name FROM {people} p LEFT JOIN {years} y ON y.person_id = p.id "
            "WHERE p.merged_into_id IS NULL",
            "p.name_key",
            {name_key(w[0]) for w in wanted},
            order_by="p.id",
        )
        for pk, full_name, born, unit_id, unit_name, year_unit, year_text in candidates:
            who = (written(full_name), born)
            self._keep(found, wanted, (*who, self._anchor(unit_id, unit_name)), pk)
            if year_unit or year_text:
                self._keep(found, wanted, (*who, self._anchor(year_unit, year_text)), pk)
        return found

    def _anchor(self, unit_id: int | None, text: str | None) -> tuple:
        return self.anchor(unit_id, "") if unit_id else self.text_anchor(text or "")

    @staticmethod
    def _keep(found: dict, wanted: set, identity: tuple, pk: int) -> None:
        if identity in wanted and (identity not in found or pk < found[identity]):
            found[identity] = pk
