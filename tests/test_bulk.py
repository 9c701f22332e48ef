"""Bulk writes: the SQLite page cache grown for a bulk write is given back afterwards (the
connection outlives the request: CONN_MAX_AGE)."""

import pytest
from django.db import connection

from thidua.common.bulk import insert_rows


def _one(cursor, sql: str):
    cursor.execute(sql)
    return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite pragma")
def test_the_page_cache_is_set_back_after_a_bulk_write(db):
    with connection.cursor() as cursor:
        before = _one(cursor, "PRAGMA cache_size")
        cursor.execute("CREATE TEMP TABLE thidua_bulk_probe (a INTEGER)")
    assert insert_rows("thidua_bulk_probe", ["a"], [(1,), (2,)]) == 2
    with connection.cursor() as cursor:
        assert _one(cursor, "PRAGMA cache_size") == before
        assert _one(cursor, "SELECT count(*) FROM thidua_bulk_probe") == 2
