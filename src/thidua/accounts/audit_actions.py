"""Audit actions of accounts: API keys, two-factor, passwords, the audit chain; and
`declared()`, every app's actions with the label the history pages show (the log stores
the name)."""

from __future__ import annotations

import functools
import importlib
import importlib.util

from django.apps import apps
from django.utils.translation import gettext_lazy as _

TOKEN_CREATED = "accounts.token.created"
TOKEN_REVOKED = "accounts.token.revoked"
TWO_FACTOR_ENABLED = "accounts.two_factor.enabled"
TWO_FACTOR_DISABLED = "accounts.two_factor.disabled"
PASSWORD_CHANGED = "accounts.password.changed"
AUDIT_RECHAINED = "accounts.audit.rechained"

LABELS = {
    TOKEN_CREATED: _("Cấp khóa API"),
    TOKEN_REVOKED: _("Thu hồi khóa API"),
    TWO_FACTOR_ENABLED: _("Bật xác thực hai bước"),
    TWO_FACTOR_DISABLED: _("Tắt xác thực hai bước"),
    PASSWORD_CHANGED: _("Đổi mật khẩu"),
    AUDIT_RECHAINED: _("Nâng cấp chuỗi kiểm chứng nhật ký"),
}


def declared() -> dict[str, str]:
    """Every app's declared actions and their labels (each installed thidua app's
    `audit_actions.LABELS`; found by name, so accounts imports no app above it)."""
    return dict(_declared())


@functools.cache
def _declared() -> dict:
    labels: dict = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.audit_actions"
        if not config.name.startswith("thidua.") or importlib.util.find_spec(name) is None:
            continue
        labels.update(importlib.import_module(name).LABELS)
    return labels


def label(action: str) -> str:
    """The action's label in the active language; an undeclared action shows its name."""
    found = _declared().get(action)
    return str(found) if found is not None else action
