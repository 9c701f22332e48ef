"""The registry's counts by year, award and unit, kept as data (`RegistryCount`).

Every write to the registry changes them in its own transaction, set-based:

- the registry import tallies its new rows as it writes them (a GROUP BY in memory over the
  rows it inserts) and adds the tallies in one statement;
- a decision (a proposal decided, a backlog case awarded) adds its one entry (`add_entries`);
- a merge of two people moves entries between people only: year, award and unit stay, and so
  do the counts;
- loads that bypass these doors (the demo, the benchmark generator) call `recount()` at the end,
  inside their transaction.

A write that changes an entry's year, award or unit name, or deletes entries, must call
`add(tally, sign=-1)` for what it takes away and `add(tally)` for what it puts back.
`differences()` compares the stored counts with a full count (`thidua registry stats --verify`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection

from thidua.awards.models import AwardEntry, RegistryCount

DIMENSIONS = ("year", "award", "unit")

# A tally: (year, award_type_id, unit_name) → entries.
Tally = Counter


def _tables() -> tuple[str, str]:
    qn = connection.ops.quote_name
    return qn(RegistryCount._meta.db_table), qn(AwardEntry._meta.db_table)


def _full_count_sql() -> str:
    _counts, entries = _tables()
    return (
        f"SELECT 'year', CAST(year AS varchar(300)), COUNT(*) FROM {entries} GROUP BY year "
        f"UNION ALL SELECT 'award', CAST(award_type_id AS varchar(300)), COUNT(*) FROM {entries} "
        f"GROUP BY award_type_id "
        f"UNION ALL SELECT 'unit', unit_name, COUNT(*) FROM {entries} GROUP BY unit_name"
    )


def tally(rows: Iterable[tuple[int, int, str]]) -> Tally:
    """(year, award_type_id, unit_name) of each entry → the tally `add` takes."""
    return Counter(rows)


def add(counted: Tally, *, sign: int = 1) -> None:
    """Add (sign=1) or take away (sign=-1) a tally: one upsert statement whatever its size.

    Concurrent writers are safe: the upsert adds to the stored row under its row lock."""
    per_item: Counter = Counter()
    for (year, award, unit), n in counted.items():
        per_item["year", str(year)] += n
        per_item["award", str(award)] += n
        per_item["unit", unit or ""] += n
    rows = [(d, item, sign * n) for (d, item), n in sorted(per_item.items()) if n]
    if not rows:
        return
    counts, _entries = _tables()
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {counts} (dimension, item, entries) VALUES (%s, %s, %s) "
            f"ON CONFLICT (dimension, item) DO UPDATE SET entries = {counts}.entries + "
            "excluded.entries",
            rows,
        )


def add_entries(entries: Iterable[AwardEntry], *, sign: int = 1) -> None:
    add(tally((e.year, e.award_type_id, e.unit_name) for e in entries), sign=sign)


def recount() -> None:
    """The counts from a full count of the registry (two statements): after a load that
    bypassed the doors above. Run it in the load's transaction."""
    counts, _entries = _tables()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {counts}")
        cursor.execute(f"INSERT INTO {counts} (dimension, item, entries) {_full_count_sql()}")


def stored(dimension: str) -> dict[str, int]:
    """item → entries for one dimension, leaving out items counted down to nothing."""
    rows = RegistryCount.objects.filter(dimension=dimension, entries__gt=0)
    return dict(rows.values_list("item", "entries"))


def full_count() -> dict[tuple[str, str], int]:
    with connection.cursor() as cursor:
        cursor.execute(_full_count_sql())
        return {(d, item or ""): n for d, item, n in cursor.fetchall()}


def differences() -> list[dict]:
    """Every (dimension, item) whose stored count is not the full count's, in order."""
    kept = {
        (d, item): n
        for d, item, n in RegistryCount.objects.exclude(entries=0).values_list(
            "dimension", "item", "entries"
        )
    }
    counted = full_count()
    return [
        {"dimension": d, "item": item, "stored": kept.get((d, item), 0), "counted": n}
        for (d, item) in sorted(kept.keys() | counted.keys())
        if (n := counted.get((d, item), 0)) != kept.get((d, item), 0)
    ]
