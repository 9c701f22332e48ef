"""The password back end: Django's ModelBackend, taking the user the session read joined."""

from __future__ import annotations

from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from thidua.common.prepared import Prepared

_USER_BY_ID = Prepared(get_user_model(), "pk")

# The request's session store while Django's auth.get_user runs (accounts.middleware).
current_session: ContextVar = ContextVar("thidua_current_session", default=None)


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        user = _joined_user(user_id)
        if user is False:
            user = _USER_BY_ID.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def _joined_user(user_id):
    """The user read with this request's session (None if gone), or False if it was not."""
    store = current_session.get()
    row = store.current_row() if store is not None else None
    if row is None or row.user_id != user_id:
        return False
    return row.user
