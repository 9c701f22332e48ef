"""The audit log: every write records who, when, what, before and after, in a hash chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from thidua.accounts.models import AuditEntry

# Any fixed number works; it names the lock that serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK = 7_311_2022


@dataclass
class Change:
    action: str
    obj: Any  # a model instance, or None with object_type/object_id for a batch (an import)
    before: dict | None = None
    after: dict | None = None
    reason: str = ""
    object_type: str = ""
    object_id: str = ""

    def target(self) -> tuple[str, str]:
        if self.obj is None:
            return self.object_type, self.object_id
        return self.obj._meta.label_lower, str(self.obj.pk)


def _jsonable(data: dict | None) -> dict | None:
    if data is None:
        return None
    return json.loads(json.dumps(data, default=_default, ensure_ascii=False))


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def entry_hash(entry: AuditEntry) -> str:
    payload = json.dumps(
        [
            entry.prev_hash,
            entry.at.isoformat(),
            entry.actor_id,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.before,
            entry.after,
            entry.reason,
            entry.via,
        ],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(actor, action: str, obj, before=None, after=None, reason: str = "", via: str = "web"):
    return record_many(actor, [Change(action, obj, before, after, reason)], via=via)[0]


def record_many(actor, changes: Iterable[Change], via: str = "web") -> list[AuditEntry]:
    """Append entries in one statement; must run inside the caller's transaction."""
    changes = list(changes)
    if not changes:
        return []
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        prev = last or ""
        now = timezone.now()
        actor_id = actor.pk if actor is not None and actor.is_authenticated else None
        actor_name = actor.get_username() if actor_id else "system"
        entries = []
        for change in changes:
            entry = AuditEntry(
                at=now,
                actor_id=actor_id,
                actor_name=actor_name,
                action=change.action,
                object_type=change.target()[0],
                object_id=change.target()[1],
                before=_jsonable(change.before),
                after=_jsonable(change.after),
                reason=change.reason,
                via=via,
                prev_hash=prev,
            )
            entry.hash = entry_hash(entry)
            prev = entry.hash
            entries.append(entry)
        return AuditEntry.objects.bulk_create(entries, batch_size=200)


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
    # SQLite: transactions are IMMEDIATE (settings), so writers are already serialised.


def verify_chain() -> AuditEntry | None:
    """Return the first entry whose link is broken, or None when the chain holds."""
    prev = ""
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev or entry_hash(entry) != entry.hash:
            return entry
        prev = entry.hash
    return None
