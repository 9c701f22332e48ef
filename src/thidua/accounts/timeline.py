"""One reader of the audit trail for every history page: an object's entries, in order, each
with its action's label (`audit_actions.declared()`). Served by the audit_by_object index."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Model, QuerySet

from thidua.accounts.audit_actions import label
from thidua.accounts.models import AuditEntry


@dataclass
class Event:
    at: datetime
    actor: str
    action: str
    label: str
    via: str
    reason: str
    after: dict = field(default_factory=dict)
    status: str = ""  # the label of the status the step led to, where the page shows it


def timeline(
    obj: Model | None = None,
    *,
    object_type: str = "",
    object_id: str = "",
    oldest_first: bool = False,
    prefix: str = "",
) -> QuerySet[AuditEntry]:
    """The entries of `obj` (or of object_type/object_id: the object may be gone), newest
    first unless `oldest_first`; `prefix` keeps the actions that start with it."""
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
    entries = AuditEntry.objects.filter(object_type=object_type, object_id=object_id)
    if prefix:
        entries = entries.filter(action__startswith=prefix)
    return entries.order_by("id" if oldest_first else "-id")


def events(
    obj: Model,
    *,
    oldest_first: bool = True,
    prefix: str = "",
    statuses: dict[str, str] | None = None,
) -> list[Event]:
    """The object's steps as a page lists them; `statuses` names the status each led to."""
    return [
        Event(
            at=e.at,
            actor=e.actor_name or "system",
            action=e.action,
            label=label(e.action),
            via=e.via,
            reason=e.reason,
            after=e.after or {},
            status=str(statuses.get((e.after or {}).get("status"), "")) if statuses else "",
        )
        for e in timeline(obj, oldest_first=oldest_first, prefix=prefix)
    ]
