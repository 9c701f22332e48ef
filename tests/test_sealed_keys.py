"""TOTP secrets sealed at rest (issue 16, finding 7): a read of the device table or a backup
gives no usable secret; the migration seals the devices stored before."""

from __future__ import annotations

import importlib
from binascii import hexlify

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice


def device_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="điện thoại", confirmed=True)


def _stored_key(device) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM otp_totp_totpdevice WHERE id = %s", [device.pk])
        return cursor.fetchone()[0]


def test_the_stored_secret_is_not_the_key(users):
    from thidua.accounts.two_factor import pending_device

    device = pending_device(users["bantw"])
    stored = _stored_key(device)
    clear = hexlify(device.bin_key).decode()
    assert len(device.bin_key) == 20 and clear not in stored and stored.startswith("sealed1:")
    device.refresh_from_db()
    assert hexlify(device.bin_key).decode() == clear  # and it still opens with the secret key


def test_a_secret_does_not_open_with_another_secret_key(users, settings):
    from thidua.accounts.sealed_keys import UnsealError

    device = device_for(users["bantw"])
    settings.SECRET_KEY = "another-" + "k" * 50
    with pytest.raises(UnsealError):
        device.bin_key  # noqa: B018
    settings.SECRET_KEY_FALLBACKS = ["test-only-key-" + "x" * 40]
    assert len(device.bin_key) == 20


def test_the_migration_seals_the_secrets_stored_in_clear(users):
    from django.apps import apps

    migration = importlib.import_module("thidua.accounts.migrations.0004_two_factor_sealed_keys")
    device = device_for(users["bantw"])
    clear = hexlify(device.bin_key).decode()
    TOTPDevice.objects.filter(pk=device.pk).update(key=clear)  # as stored before the fix
    migration.seal_all(apps, None)
    assert clear not in _stored_key(device)
    device.refresh_from_db()
    assert hexlify(device.bin_key).decode() == clear
    migration.open_all(apps, None)
    assert _stored_key(device) == clear


def test_a_pending_device_from_before_a_key_change_is_replaced_not_a_500(users, settings, client):
    from thidua.accounts.two_factor import pending_device

    old = pending_device(users["bantw"])
    settings.SECRET_KEY = "another-" + "k" * 50
    client.force_login(users["bantw"])
    page = client.get("/tai-khoan/xac-thuc-hai-buoc/")
    assert page.status_code == 200
    fresh = TOTPDevice.objects.get(user=users["bantw"], confirmed=False)
    assert fresh.pk != old.pk and len(fresh.bin_key) == 20
