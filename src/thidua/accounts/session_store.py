"""Database sessions that bring their user and the write stamp in one read (SESSION_ENGINE).

Django's own `db` store on `accounts.Session`, which keeps the signed-in user's id beside the
data. The read every request makes is one prepared statement (`thidua.common.prepared`): the live
session, its user (joined) and the write stamp (`write_stamp`). The authentication middleware
hands the joined user to the back end (`accounts.backends`), so Django's checks (active account,
session hash after a password change) run on it without reading the user again. Writes, expiry,
key cycling and logout are Django's.

The table keeps the SHA-256 of the cookie's key (`Session.hash_key`), so whoever reads the
database or a backup cannot sign in with what they read: every look-up hashes the key first.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.core.exceptions import ValidationError
from django.utils import timezone

from thidua.accounts import write_stamp
from thidua.accounts.models import Session
from thidua.common.prepared import Prepared

_LIVE_SESSION = Prepared(
    Session, "session_key", "expire_date__gt", related=("user",), annotate=write_stamp.annotations
)


class SessionStore(DatabaseStore):
    row = None  # the row the last read found
    row_key = None  # the cookie's key it was read for

    @classmethod
    def get_model_class(cls):
        return Session

    def current_row(self) -> Session | None:
        """The row read for this session, with its `.user` (None if nobody or gone) and
        `write_stamp.of(row)`; None if it was not read, or the session was flushed or given a
        new key since."""
        row = self.row
        return row if row is not None and self.row_key == self.session_key else None

    def _get_session_from_db(self):
        # Django's own read also catches SuspiciousOperation; nothing on this path raises it.
        self.row_key = self.session_key
        self.row = _LIVE_SESSION.first(Session.hash_key(self.session_key), timezone.now())
        if self.row is None:
            self._session_key = None
        return self.row

    async def _aget_session_from_db(self):
        return await sync_to_async(self._get_session_from_db)()

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        session.session_key = Session.hash_key(session.session_key)
        session.user_id = user_id_in(data)
        return session

    async def acreate_model_instance(self, data):
        session = await super().acreate_model_instance(data)
        session.session_key = Session.hash_key(session.session_key)
        session.user_id = user_id_in(data)
        return session

    def exists(self, session_key):
        return super().exists(Session.hash_key(session_key))

    async def aexists(self, session_key):
        return await super().aexists(Session.hash_key(session_key))

    def delete(self, session_key=None):
        key = self.session_key if session_key is None else session_key
        if key is not None:
            super().delete(Session.hash_key(key))

    async def adelete(self, session_key=None):
        key = self.session_key if session_key is None else session_key
        if key is not None:
            await super().adelete(Session.hash_key(key))


def user_id_in(data: dict):
    """The signed-in user's id as the session data keeps it (a string), or None."""
    raw = data.get(SESSION_KEY)
    if raw is None:
        return None
    try:
        return get_user_model()._meta.pk.to_python(raw)
    except ValidationError:
        return None
