"""Database sessions, read through a prepared query (SESSION_ENGINE).

Django's own `db` store, but the read that every signed-in request makes skips building the ORM
query again (`thidua.common.prepared`); writes, expiry and logout are Django's.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from thidua.common.prepared import Prepared

_LIVE_SESSION = Prepared(Session, "session_key", "expire_date__gt")


class SessionStore(DatabaseStore):
    def _get_session_from_db(self):
        # Django's own read also catches SuspiciousOperation; nothing on this path raises it.
        found = _LIVE_SESSION.first(self.session_key, timezone.now())
        if found is None:
            self._session_key = None
        return found
