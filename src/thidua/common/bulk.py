"""Bulk writes that bypass the ORM's per-object work: COPY on PostgreSQL, executemany on SQLite.

Callers pass plain tuples in column order; the caller owns the transaction (all or nothing).
Identifiers come from the caller's models, never from user input.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from django.db import connection

SQLITE_BATCH = 50_000
SQLITE_CACHE_KB = 256 * 1024
FETCH_CHUNK = 20_000


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Write `rows` into `table`; returns how many were written."""
    if connection.vendor == "postgresql":
        return _copy(table, columns, rows)
    return _executemany(table, columns, rows)


def _copy(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    qn = connection.ops.quote_name
    sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    written = 0
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            written += 1
    return written


def _executemany(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    qn = connection.ops.quote_name
    marks = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES ({marks})"
    written = 0
    connection.ensure_connection()
    raw = connection.connection  # the sqlite3 connection: its executemany takes "?" directly
    # Index pages of a big table do not fit SQLite's default 2 MB page cache: a bulk write into
    # a table with millions of rows and several indexes would re-read them again and again.
    # Set back afterwards: connections are kept (CONN_MAX_AGE), and a smaller size frees pages.
    (usual,) = raw.execute("PRAGMA cache_size").fetchone()
    raw.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")
    try:
        pending = iter(rows)
        while batch := list(islice(pending, SQLITE_BATCH)):
            raw.executemany(sql, batch)
            written += len(batch)
    finally:
        raw.execute(f"PRAGMA cache_size = {int(usual)}")
    return written


def refresh_statistics(*tables: str) -> None:
    """After a bulk load, the query planner's statistics of these tables.

    SQLite has none until ANALYZE runs, and without them it may walk the wrong index (a name's
    every record instead of that name and birth year); PostgreSQL's autovacuum would get there
    too, a minute later. Sampled (SQLite's analysis_limit), so it stays quick on large tables."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit = 2000")
        for table in tables:
            cursor.execute(f"ANALYZE {qn(table)}")


def reserve_ids(table: str, count: int) -> list[int]:
    """`count` fresh primary keys of `table`, so that rows written by COPY can be referenced.

    PostgreSQL takes them from the table's sequence; on SQLite the write transaction is already
    exclusive (IMMEDIATE), so the next ids after the current maximum are ours.
    """
    if count == 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [r[0] for r in cursor.fetchall()]
        # Past the highest id ever given (AUTOINCREMENT's sqlite_sequence), not only the
        # highest id present: ids of deleted rows are never reused.
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 0),"
            " COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def rows_by_keys(
    sql_select: str, key_column: str, keys: Iterable[str], order_by: str = ""
) -> Iterator[tuple]:
    """Rows of `sql_select` whose `key_column` is one of `keys`, in one query via a temp table,
    handed out in chunks: a caller that keeps few of them never holds them all.

    `sql_select` is a SELECT … FROM … [WHERE …] written by the caller; the keys are joined
    through a temporary table instead of an IN list of thousands of parameters.
    """
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bulk_keys")
        cursor.execute("CREATE TEMPORARY TABLE bulk_keys (k varchar(300) PRIMARY KEY)")
    insert_rows("bulk_keys", ["k"], ((k,) for k in set(keys)))
    where = " AND " if " where " in sql_select.lower() else " WHERE "
    order = f" ORDER BY {order_by}" if order_by else ""
    # A server-side cursor on PostgreSQL: a client-side one would receive every row at once.
    with connection.chunked_cursor() as cursor:
        cursor.execute(f"{sql_select}{where}{key_column} IN (SELECT k FROM bulk_keys){order}")
        while chunk := cursor.fetchmany(FETCH_CHUNK):
            yield from chunk
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bulk_keys")
