"""The audit chain's second scheme: every column inside the hash, keyed from the secret key.

Existing entries are checked under the first scheme, then re-chained under the second, and the
re-chaining is itself logged ("accounts.audit.rechained": how many entries, whether the former
chain held and where it first broke), so a break found now stays on record instead of being
washed out by the new hashes.
"""

import hashlib
import json

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

from thidua.accounts.audit import HASH_VERSION, entry_hash

BATCH = 2000


def v1_hash(entry) -> str:
    """The first scheme, frozen here: it is read nowhere else any more."""
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


def rechain(apps, schema_editor):
    entry_model = apps.get_model("accounts", "AuditEntry")
    old_prev, new_prev = "", ""
    first_broken = None
    count = 0
    batch = []
    for entry in entry_model.objects.order_by("id").iterator(chunk_size=BATCH):
        if first_broken is None and (entry.prev_hash != old_prev or v1_hash(entry) != entry.hash):
            first_broken = entry.pk
        old_prev = entry.hash
        entry.prev_hash, entry.hash_version = new_prev, HASH_VERSION
        entry.hash = new_prev = entry_hash(entry)
        batch.append(entry)
        count += 1
        if len(batch) >= BATCH:
            entry_model.objects.bulk_update(batch, ["prev_hash", "hash", "hash_version"])
            batch = []
    entry_model.objects.bulk_update(batch, ["prev_hash", "hash", "hash_version"])
    if not count:
        return
    note = entry_model(
        at=timezone.now(),
        actor_name="system",
        action="accounts.audit.rechained",
        object_type="accounts.audit",
        object_id="chain",
        after={
            "entries": count,
            "scheme": HASH_VERSION,
            "former_chain_intact": first_broken is None,
            "first_broken_entry": first_broken,
        },
        reason="accounts.0006_audit_hash_v2",
        via="cli",
        prev_hash=new_prev,
        hash_version=HASH_VERSION,
    )
    note.hash = entry_hash(note)
    note.save()
    if first_broken is not None:
        print(f"\n  Nhật ký cũ đã hỏng từ mục #{first_broken}; đã ghi lại trong nhật ký.")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_session_key_hashed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="auditentry",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=models.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(rechain, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry",
            name="hash_version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
    ]
