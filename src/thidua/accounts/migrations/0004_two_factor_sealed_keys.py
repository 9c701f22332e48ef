"""Seal the TOTP secrets stored in clear text (accounts.sealed_keys); reversible."""

from binascii import hexlify

from django.db import migrations

from thidua.accounts import sealed_keys


def seal_all(apps, schema_editor):
    devices = apps.get_model("otp_totp", "TOTPDevice")
    for pk, key in devices.objects.exclude(key__startswith=sealed_keys.PREFIX).values_list(
        "pk", "key"
    ):
        devices.objects.filter(pk=pk).update(key=sealed_keys.seal_hex(key))


def open_all(apps, schema_editor):
    devices = apps.get_model("otp_totp", "TOTPDevice")
    for pk, key in devices.objects.filter(key__startswith=sealed_keys.PREFIX).values_list(
        "pk", "key"
    ):
        devices.objects.filter(pk=pk).update(key=hexlify(sealed_keys.unseal(key)).decode())


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_session_with_user"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(seal_all, open_all)]
