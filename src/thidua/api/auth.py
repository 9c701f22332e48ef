"""Who is calling: a machine with `Authorization: Bearer td_…`, or a browser with its session.

The bearer check runs first: it never raises, while the session check refuses an unsafe
request without a CSRF token before the next method could be tried.
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
    """The browser's session, only once it passed the second factor (accounts.two_factor)."""

    def authenticate(self, request: HttpRequest, key: str | None):
        return request.user if two_factor.passed(request) else None


token_auth = TokenAuth()
session_auth = VerifiedSessionAuth(csrf=True)
AUTH = [token_auth, session_auth]
