"""The password back end: Django's ModelBackend, with the per-request user read prepared."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from thidua.common.prepared import Prepared

_USER_BY_ID = Prepared(get_user_model(), "pk")


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        user = _USER_BY_ID.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
