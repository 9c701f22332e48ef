"""The audit log: every write records who, when, what, before and after, in a hash chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from thidua.accounts.actors import Actor, signed_in
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


# The scheme of `AuditEntry.hash`. Version 2: an HMAC-SHA256, keyed from the secret key, of
# every column as canonical JSON; version 1 (a plain SHA-256 of some columns, without the actor's
# name) was re-chained by migration accounts.0006 and is only read there.
HASH_VERSION = 2
_KEY_LABEL = b"thidua.audit.chain.v2"


def chain_keys() -> list[bytes]:
    """The chain key from SECRET_KEY, then from each of SECRET_KEY_FALLBACKS (a rotated key
    still verifies the entries written under it). Not stored anywhere in the database: whoever
    can only write the database cannot compute a valid hash."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [hmac.new(str(s).encode(), _KEY_LABEL, hashlib.sha256).digest() for s in secrets]


def _moment(at) -> str:
    """One fixed form for the time: UTC, microseconds, a Z."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(entry: AuditEntry) -> bytes:
    """Every column the history page shows or verify relies on, and the previous hash."""
    return json.dumps(
        {
            "v": HASH_VERSION,
            "prev": entry.prev_hash,
            "at": _moment(entry.at),
            "actor_id": entry.actor_id,
            "actor_name": entry.actor_name,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "before": entry.before,
            "after": entry.after,
            "reason": entry.reason,
            "via": entry.via,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def entry_hash(entry: AuditEntry, key: bytes | None = None) -> str:
    key = key if key is not None else chain_keys()[0]
    return hmac.new(key, canonical(entry), hashlib.sha256).hexdigest()


def _holds(entry: AuditEntry, keys: list[bytes]) -> bool:
    if entry.hash_version != HASH_VERSION:
        return False
    return any(hmac.compare_digest(entry_hash(entry, k), entry.hash) for k in keys)


def record(
    actor: Actor | None,
    action: str,
    obj: Any,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    via: str = "web",
) -> AuditEntry:
    return record_many(actor, [Change(action, obj, before, after, reason)], via=via)[0]


def record_many(
    actor: Actor | None, changes: Iterable[Change], via: str = "web"
) -> list[AuditEntry]:
    """Append entries in one statement; must run inside the caller's transaction."""
    changes = list(changes)
    if not changes:
        return []
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first()
        prev = last or ""
        now = timezone.now()
        actor_id = actor.pk if signed_in(actor) else None
        actor_name = actor.get_username() if actor_id else "system"  # type: ignore[union-attr]
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
                hash_version=HASH_VERSION,
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
    keys = chain_keys()
    prev = ""
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != prev or not _holds(entry, keys):
            return entry
        prev = entry.hash
    return None


# Checkpoints: the newest entry's id and hash, kept outside the database (printed, mailed, in
# each backup's .sha256). A log cut short, or re-chained by someone holding the secret key, no
# longer has that hash at that id.
_CHECKPOINT = re.compile(r"thidua-audit v(\d+) (\d+) ([0-9a-f]{64}|-) (\S+)")


@dataclass(frozen=True)
class Checkpoint:
    entry_id: int
    hash: str  # "-" for an empty log
    at: str

    def line(self) -> str:
        return f"thidua-audit v{HASH_VERSION} {self.entry_id} {self.hash} {self.at}"


def checkpoint() -> Checkpoint:
    last = AuditEntry.objects.order_by("-id").values_list("id", "hash", "at").first()
    if last is None:
        return Checkpoint(0, "-", _moment(timezone.now()))
    return Checkpoint(last[0], last[1], _moment(last[2]))


def parse_checkpoints(text: str) -> list[Checkpoint]:
    """Every checkpoint line in `text` (a line may sit behind a `#`, as in a .sha256 file)."""
    return [
        Checkpoint(int(m[2]), m[3], m[4])
        for m in _CHECKPOINT.finditer(text)
        if int(m[1]) == HASH_VERSION
    ]


def checkpoint_problems(checkpoints: Iterable[Checkpoint]) -> list[str]:
    """What no longer matches the checkpoints (one query). Run with `verify_chain`: the chain
    ties every earlier entry to the checkpointed one."""
    wanted = [c for c in checkpoints if c.entry_id]
    stored = dict(
        AuditEntry.objects.filter(pk__in={c.entry_id for c in wanted}).values_list("id", "hash")
    )
    problems = []
    for c in wanted:
        found = stored.get(c.entry_id)
        if found is None:
            problems.append(
                f"Mục #{c.entry_id} của điểm kiểm tra lúc {c.at} không còn trong nhật ký: "
                "nhật ký đã bị xóa bớt."
            )
        elif found != c.hash:
            problems.append(
                f"Mục #{c.entry_id} không còn mã băm đã ghi ở điểm kiểm tra lúc {c.at}: "
                "nhật ký đến mục này đã bị sửa rồi tính lại chuỗi, hoặc bị xóa rồi ghi tiếp."
            )
    return problems
