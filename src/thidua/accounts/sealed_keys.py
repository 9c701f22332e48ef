"""TOTP secrets sealed at rest: django-otp's `TOTPDevice.key` column holds AES-GCM ciphertext.

Anyone who reads the table or a backup gets no usable secret: the key that opens it is derived
(HKDF-SHA256) from THIDUA_SECRET_KEY, which lives in the environment, not in the database.
Keys from SECRET_KEY_FALLBACKS still open older seals while a secret key is being rotated.

django-otp reads the secret through `TOTPDevice.bin_key` only (verify_token, config_url), so
`install()` replaces that property and seals the column before every save; migration
`accounts.0004_two_factor_sealed_keys` sealed the devices stored before.
"""

from __future__ import annotations

import base64
import os
from binascii import unhexlify

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PREFIX = "sealed1:"  # 8 + 64 characters: fits django-otp's 80-character column
_INFO = b"thidua otp_totp.totpdevice.key"
_AAD = b"otp_totp.totpdevice"


class UnsealError(Exception):
    """The stored secret could not be opened (another secret key, or altered)."""


def _cipher(secret_key: str) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO)
    return AESGCM(hkdf.derive(secret_key.encode()))


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def seal(secret: bytes) -> str:
    nonce = os.urandom(12)
    sealed = nonce + _cipher(settings.SECRET_KEY).encrypt(nonce, secret, _AAD)
    return PREFIX + base64.urlsafe_b64encode(sealed).decode()


def unseal(stored: str) -> bytes:
    raw = base64.urlsafe_b64decode(stored.removeprefix(PREFIX))
    nonce, body = raw[:12], raw[12:]
    for secret_key in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return _cipher(secret_key).decrypt(nonce, body, _AAD)
        except InvalidTag:
            continue
    raise UnsealError("the TOTP secret does not open with THIDUA_SECRET_KEY")


def seal_hex(stored: str) -> str:
    """The column value to store: a hex key (django-otp's format) sealed, a seal kept."""
    return stored if is_sealed(stored) else seal(unhexlify(stored.encode()))


def bin_key(device) -> bytes:
    return unseal(device.key) if is_sealed(device.key) else unhexlify(device.key.encode())


def _seal_before_save(sender, instance, **kwargs) -> None:
    instance.key = seal_hex(instance.key)


def install() -> None:
    """Called from AccountsConfig.ready()."""
    from django.db.models.signals import pre_save
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.bin_key = property(bin_key)
    pre_save.connect(_seal_before_save, sender=TOTPDevice, dispatch_uid="thidua_seal_totp")
