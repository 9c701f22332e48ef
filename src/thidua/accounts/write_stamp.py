"""A stamp of everything written: the newest audit entry's hash and the newest admin log id.

Every write goes through the service layer, which appends to the audit log in the same
transaction (the hash chains the whole history); the admin site logs its own writes to
django_admin_log. `thidua.web.page_cache` keys stored pages by it; the session read takes it in
the same statement (`session_store`), so a request that writes nothing needs no read of its own.
"""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.db import connection
from django.db.models import Subquery

from thidua.accounts.models import AuditEntry
from thidua.common.prepared import fetch

Stamp = tuple


def read() -> Stamp:
    audit, admin = AuditEntry._meta.db_table, LogEntry._meta.db_table
    sql = (
        f"SELECT (SELECT hash FROM {audit} ORDER BY id DESC LIMIT 1),"
        f" (SELECT id FROM {admin} ORDER BY id DESC LIMIT 1)"
    )
    return tuple(fetch(connection, sql)[0])


def annotations() -> dict:
    """The same two values as columns of another query (`stamp_audit`, `stamp_admin`)."""
    newest_audit = AuditEntry.objects.order_by("-id").values("hash")[:1]
    newest_admin = LogEntry.objects.order_by("-id").values("id")[:1]
    return {"stamp_audit": Subquery(newest_audit), "stamp_admin": Subquery(newest_admin)}


def of(row) -> Stamp:
    return (row.stamp_audit, row.stamp_admin)
