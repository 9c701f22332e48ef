"""Django's authentication middleware, with the session store in reach of the back end."""

from __future__ import annotations

from django.contrib import auth
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoMiddleware
from django.utils.functional import SimpleLazyObject

from thidua.accounts.backends import current_session
from thidua.accounts.two_factor import gate


class AuthenticationMiddleware(DjangoMiddleware):
    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _user(request))


def _user(request):
    # Django's own get_user (backend, session hash, fallback keys); the back end takes the user
    # the session read joined (accounts.backends) instead of reading it again.
    token = current_session.set(request.session)
    try:
        return auth.get_user(request)
    finally:
        current_session.reset(token)


class TwoFactorMiddleware:
    """The second factor for every door (accounts.two_factor.gate); after django-otp's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return gate(request) or self.get_response(request)
