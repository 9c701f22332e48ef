"""Who is calling: a machine with `Authorization: Bearer td_…`, or a browser with its session.

The bearer check runs first and never raises. The session counts only when someone is signed
in; only then is an unsafe request without a CSRF token refused (403). A caller with neither a
valid token nor a session gets 401 with `WWW-Authenticate` (`api.errors`), on writes too.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from thidua.accounts import tokens, two_factor


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = tokens.authenticate(token)
        if user is not None:
            request.user = user
        return user


class VerifiedSessionAuth(SessionAuth):
    """The browser's session, only once it passed the second factor (accounts.two_factor), and
    CSRF-checked on unsafe methods only for a signed-in user: a caller without a session is
    unauthenticated (401), not a failed CSRF check (403)."""

    def __call__(self, request: HttpRequest):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        return request.user if two_factor.passed(request) else None


token_auth = TokenAuth()
session_auth = VerifiedSessionAuth(csrf=True)
AUTH = [token_auth, session_auth]
