"""Rendered parts of read-mostly pages, reused until anything is written.

Every write goes through the service layer, which appends to the audit log in the same
transaction; on PostgreSQL the chain lock (`accounts.audit`) is held until commit, so entries
become visible in the order of their ids, each together with its data. The admin site logs its
own writes to django_admin_log. The newest audit hash and the newest admin log id are therefore
a stamp of everything a page may show. Read the stamp *before* the data: a write that lands in
between makes the stored part newer than its stamp, never older, and the next request, seeing
the new stamp, renders again.

Writers that bypass the audit log (the demo loader, the benchmark generator, a shell) are
bounded by THIDUA_PAGE_CACHE_SECONDS (settings; 0 turns the cache off). The parts live in the
"pages" cache: per process by default, shared if the operator configures it so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.cache import caches
from django.db import connection

from thidua.accounts.models import AuditEntry

T = TypeVar("T")
Stamp = tuple


def enabled() -> bool:
    return settings.THIDUA_PAGE_CACHE_SECONDS > 0


def stamp() -> Stamp:
    """The newest audit entry's hash (it chains the whole history) and the newest admin log id."""
    audit, admin = AuditEntry._meta.db_table, LogEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT hash FROM {audit} ORDER BY id DESC LIMIT 1),"
            f" (SELECT id FROM {admin} ORDER BY id DESC LIMIT 1)"
        )
        return tuple(cursor.fetchone())


def get(key: str, now: Stamp):
    """The part stored under `key` with this stamp, or None."""
    if not enabled():
        return None
    held = caches["pages"].get(key)
    if held is None or held[0] != now:
        return None
    return held[1]


def put(key: str, now: Stamp, value) -> None:
    if enabled():
        caches["pages"].set(key, (now, value), settings.THIDUA_PAGE_CACHE_SECONDS)


def cached(key: str, now: Stamp, build: Callable[[], T]) -> T:
    value = get(key, now)
    if value is None:
        value = build()
        put(key, now, value)
    return value
