"""The session table keeps the SHA-256 of each session's key, not the key (accounts.Session).

Live sessions stay signed in: their keys are replaced by their hashes, which is what the session
store now looks up for the same cookie. Expired ones are dropped on the way. Going back cannot
recover the keys, so it signs everybody out.
"""

import hashlib

from django.db import migrations, models
from django.utils import timezone

HASHED_LENGTH = 64


def hash_key(key: str) -> str:  # accounts.Session.hash_key, as of this migration
    return hashlib.sha256(key.encode()).hexdigest()


def hash_live_keys(apps, schema_editor):
    session = apps.get_model("accounts", "Session")
    session.objects.filter(expire_date__lte=timezone.now()).delete()
    raw = [
        s
        for s in session.objects.only("session_key", "session_data", "expire_date", "user_id")
        if len(s.session_key) != HASHED_LENGTH  # a Django key has 32 characters
    ]
    for chunk in (raw[i : i + 2000] for i in range(0, len(raw), 2000)):
        session.objects.filter(session_key__in=[s.session_key for s in chunk]).delete()
        session.objects.bulk_create(
            session(
                session_key=hash_key(s.session_key),
                session_data=s.session_data,
                expire_date=s.expire_date,
                user_id=s.user_id,
            )
            for s in chunk
        )


def sign_everybody_out(apps, schema_editor):
    apps.get_model("accounts", "Session").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_two_factor_sealed_keys"),
    ]

    operations = [
        migrations.AlterField(
            model_name="session",
            name="session_key",
            field=models.CharField(
                max_length=64, primary_key=True, serialize=False, verbose_name="session key"
            ),
        ),
        migrations.RunPython(hash_live_keys, sign_everybody_out),
    ]
