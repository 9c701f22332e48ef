"""The registry's name indexes read into the database's cache, so that the first searches after
a restart or an import meet the 20 ms target instead of waiting for the disk.

- PostgreSQL: `pg_prewarm` (the contrib package; `CREATE EXTENSION` needs a role allowed to
  create it). Without it, each index is read through an index-only scan instead, and the log says
  once why pg_prewarm was not used.
- SQLite: each index is read whole (`SELECT count(…) … INDEXED BY`): its pages land in the
  operating system's page cache, which every connection reads through.

`thidua serve` and `thidua demo` start `thidua registry warm` as a separate process next to the
server (`start_in_background`): the server answers at once, and no database connection is
opened in gunicorn's master before it forks its workers. `thidua registry import` warms after
the import's commit.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time

from django.db import DatabaseError, connection, transaction

from thidua.awards.models import AwardEntry, NameWord, Person, RegistryCount
from thidua.awards.name_search import NAME_KEYS

log = logging.getLogger(__name__)


def name_indexes() -> list[tuple[str, str, str]]:
    """(table, index, its first column) for the indexes the name search and the statistics read."""
    entry = AwardEntry._meta.db_table
    person = Person._meta.db_table
    words = NameWord._meta.db_table
    return [
        (entry, "entry_key_year", "name_key"),
        (entry, "entry_born_key", "birth_year"),
        (person, "person_key_born", "name_key"),
        (words, f"{words}_pkey", "word"),
        # The anywhere step's trigram index over the keys (PostgreSQL; on SQLite the keys'
        # unique index, which the registry's trigger probes on every insert).
        (NAME_KEYS, "namekey_trgm", "key"),
        (RegistryCount._meta.db_table, "registry_count_item", "dimension"),
    ]


def warm() -> dict:
    """Read the name indexes into the cache; {index: pages or rows read, …, "seconds": s,
    "method": …}. Never raises for a missing index or extension: warming is an optimisation."""
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        found = _warm_postgresql()
    else:
        found = _warm_sqlite()
    found["seconds"] = round(time.perf_counter() - started, 3)
    return found


def _warm_postgresql() -> dict:
    found: dict = {"method": "pg_prewarm"}
    if not _prewarm_available():
        found["method"] = "index-only scan"
    for table, index, column in name_indexes():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                if found["method"] == "pg_prewarm":
                    cursor.execute("SELECT pg_prewarm(%s::regclass)", [index])
                else:
                    cursor.execute("SET LOCAL enable_seqscan = off")
                    cursor.execute("SET LOCAL enable_bitmapscan = off")
                    qn = connection.ops.quote_name
                    cursor.execute(
                        f"SELECT count({qn(column)}) FROM {qn(table)} "
                        f"WHERE {qn(column)} IS NOT NULL"
                    )
                found[index] = cursor.fetchone()[0]
        except DatabaseError as exc:
            log.warning("thidua: không đọc trước được chỉ mục %s: %s", index, exc)
    return found


_said = False


def _prewarm_available() -> bool:
    global _said
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        return True
    except DatabaseError as exc:
        if not _said:
            _said = True
            log.warning(
                "thidua: pg_prewarm không dùng được (%s); đọc chỉ mục tên bằng truy vấn thay thế. "
                "Cài gói contrib của PostgreSQL và cho phép CREATE EXTENSION pg_prewarm.",
                str(exc).strip().splitlines()[0],
            )
        return False


def _warm_sqlite() -> dict:
    found: dict = {"method": "read index pages"}
    qn = connection.ops.quote_name
    for table, index, column in name_indexes():
        try:
            with connection.cursor() as cursor:
                index = _sqlite_index(cursor, table, index, column)
                sql = f"SELECT count({qn(column)}) FROM {qn(table)} INDEXED BY {qn(index)}"
                cursor.execute(sql)
                found[index] = cursor.fetchone()[0]
        except DatabaseError as exc:
            log.warning("thidua: không đọc trước được chỉ mục %s: %s", index, exc)
    return found


def _sqlite_index(cursor, table: str, name: str, column: str) -> str:
    """The index by its name, or (a primary key, a unique constraint: SQLite names those
    sqlite_autoindex_…) the one whose first column is `column`."""
    cursor.execute(f"PRAGMA index_list({connection.ops.quote_name(table)})")
    names = [row[1] for row in cursor.fetchall()]
    if name in names:
        return name
    for candidate in names:
        cursor.execute(f"PRAGMA index_info({connection.ops.quote_name(candidate)})")
        columns = [row[2] for row in cursor.fetchall()]
        if columns and columns[0] == column:
            return candidate
    return name


def start_in_background() -> subprocess.Popen | None:
    """`thidua registry warm` as its own process: returns at once. The environment (database,
    settings) is this process's."""
    if os.environ.get("THIDUA_WARM_ON_START", "true").lower() in ("0", "false", "no"):
        return None
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "thidua", "registry", "warm", "--quiet"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        log.warning("thidua: không chạy được việc đọc trước chỉ mục tên: %s", exc)
        return None
