"""The demo as loaded once per test process, put back in a fraction of a second.

A browser test needs the demo in committed rows (the live server reads them from its own
threads), and the transactional test before it flushed them away; loading the demo again takes
seconds. A copy taken right after the first load is restored instead: SQLite's backup API on
SQLite, COPY on PostgreSQL.
"""

from __future__ import annotations

import sqlite3

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


class DemoSnapshot:
    def __init__(self) -> None:
        self._sqlite: sqlite3.Connection | None = None
        self._tables: dict[str, bytes] = {}

    @classmethod
    def take(cls) -> DemoSnapshot:
        snapshot = cls()
        connection.ensure_connection()
        if connection.vendor == "sqlite":
            snapshot._sqlite = sqlite3.connect(":memory:", check_same_thread=False)
            connection.connection.backup(snapshot._sqlite)
        else:
            with connection.cursor() as cursor:
                for table in _tables():
                    with cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                        snapshot._tables[table] = b"".join(bytes(chunk) for chunk in copy)
        return snapshot

    def restore(self) -> None:
        connection.ensure_connection()
        if self._sqlite is not None:
            self._sqlite.backup(connection.connection)
            return
        with transaction.atomic(), connection.cursor() as cursor:
            # Foreign keys are deferred to the commit: the tables load in any order.
            connection.ops.execute_sql_flush(
                connection.ops.sql_flush(no_style(), list(self._tables), allow_cascade=True)
            )
            for table, rows in self._tables.items():
                with cursor.copy(f"COPY {connection.ops.quote_name(table)} FROM STDIN") as copy:
                    copy.write(rows)
            for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
                cursor.execute(sql)


def _tables() -> list[str]:
    return connection.introspection.django_table_names(only_existing=True, include_views=False)
