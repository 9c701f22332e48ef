"""Changes a user makes to their own account (the second factor is accounts.two_factor)."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction

from thidua.accounts import audit_actions
from thidua.accounts.audit import record


def change_password(form: PasswordChangeForm) -> None:
    """Save the new password (the form checked the old one and the rules) and audit it."""
    with transaction.atomic():
        user = form.save()
        record(user, audit_actions.PASSWORD_CHANGED, user, None, None)
