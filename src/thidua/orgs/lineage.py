"""A unit as written in a file, read as of a year and followed through the lineage.

"Sở Tài chính tỉnh Long An" in 2024 is the Long An department (valid to 2025-06-30); its
successor since the 2025 merger is "Sở Tài chính tỉnh Tây Ninh". Every unit has a root: the
unit it became (followed while there is exactly one successor), so units linked by the lineage
share a root and the people in them can be recognised as the same person. The units and the
links are read once (two queries); every look-up after that is in memory.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from thidua.common.text import name_key, unit_key
from thidua.orgs.models import Lineage, Unit

# Words that say what kind of province a name belongs to: "Sở Tài chính tỉnh Long An" and
# "Sở Tài chính Long An" are written for the same department.
_PLACE_WORDS = re.compile(r"\b(tinh|thanh pho truc thuoc trung uong|thanh pho|tp\.?|t\.p\.)(\s|$)")


def written_key(text: str) -> str:
    """The key a unit name is looked up by: no diacritics, case, prefixes or province words."""
    key = unit_key(text).replace(",", " ")
    return " ".join(_PLACE_WORDS.sub(" ", key).split())


class UnitResolver:
    def __init__(self):
        self.units: dict[int, tuple] = {}
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.by_code: dict[str, list[int]] = defaultdict(list)
        for pk, code, name, start, end, parent in Unit.objects.values_list(
            "pk", "code", "name", "valid_from", "valid_to", "parent_id"
        ):
            self.units[pk] = (name, start, end, parent)
            self.by_key[written_key(name)].append(pk)
            self.by_code[name_key(code)].append(pk)
        self.successors: dict[int, set[int]] = defaultdict(set)
        for before, after in Lineage.objects.values_list("predecessor_id", "successor_id"):
            if before != after:
                self.successors[before].add(after)
        self._roots: dict[int, int] = {}

    def find(self, text: str, year: int | None = None) -> int | None:
        """The unit a text (name or code) names in `year`: the one valid at the year's end,
        else the one valid last within it; with no year (or none valid in it), the latest."""
        found = self.by_code.get(name_key(text)) or self.by_key.get(written_key(text))
        if not found or not text.strip():
            return None
        return self._as_of(found, year)

    def _as_of(self, ids: list[int], year: int | None) -> int:
        def end(pk: int) -> date:
            return self.units[pk][2] or date.max

        if year is not None:
            first, last = date(year, 1, 1), date(year, 12, 31)
            within = [
                pk for pk in ids if (self.units[pk][1] or date.min) <= last and end(pk) >= first
            ]
            if within:
                return max(within, key=end)
        return max(ids, key=end)

    def root(self, pk: int) -> int:
        """What the unit became: followed through its successors while there is exactly one
        (a unit split in two stays itself)."""
        if pk in self._roots:
            return self._roots[pk]
        seen, current = {pk}, pk
        while len(self.successors.get(current, ())) == 1:
            (nxt,) = self.successors[current]
            if nxt in seen:
                break
            seen.add(nxt)
            current = nxt
        self._roots[pk] = current
        return current

    def linked(self, a: int, b: int) -> bool:
        return self.root(a) == self.root(b)

    def name(self, pk: int) -> str:
        return self.units[pk][0]

    def parent(self, pk: int) -> int | None:
        return self.units[pk][3]

    def within(self, pk: int, allowed: set[int]) -> bool:
        """Whether the unit, its root or one of their parents is among `allowed` (an officer's
        units): a department of 2024 belongs to the officer of its successor too."""
        for start in (pk, self.root(pk)):
            current, depth = start, 0
            while current is not None and depth < 6:
                if current in allowed:
                    return True
                current, depth = self.parent(current), depth + 1
        return False
