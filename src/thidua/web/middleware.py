"""Vietnamese first: the UI is in Vietnamese unless the user chose English with the switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC with an
English browser would get English; here only the explicit choice (the language cookie) counts.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from thidua.common.errors import Issue
from thidua.common.text import NUL, nul_message


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.known else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override() restores the thread's previous language afterwards, so one request's
        # choice never leaks into the next work done on the same thread.
        with translation.override(language):
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", language)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
        return response


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The API's Swagger page starts itself with an inline script, which the policy would block.
CSP_EXEMPT = ("/api/docs",)


class ContentSecurityPolicyMiddleware:
    """Only our own scripts run: an injected <script> in user data cannot execute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(CSP_EXEMPT):
            response.headers.setdefault("Content-Security-Policy", CSP)
        return response


class NulCharacterMiddleware:
    """A NUL character (%00) in an address or a query is refused up front: PostgreSQL cannot
    store or compare text holding it and would fail with a server error, SQLite would keep it
    silently. Forms refuse it themselves (Django's CharField), API bodies too (`api.schemas`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = _nul_in(request)
        if found is None:
            return self.get_response(request)
        column, where = found
        message = nul_message(where)
        if request.path.startswith("/api/"):
            issue = Issue(message, column=column)  # the API's 422 shape (api.errors)
            return JsonResponse({"detail": [issue.as_dict()]}, status=422)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _nul_in(request) -> tuple[str | None, str] | None:
    """Where a NUL character is, as (the parameter's name, words for it); None when nowhere."""
    if NUL in request.path:
        return None, _("địa chỉ")
    if "%00" in request.META.get("QUERY_STRING", ""):
        for name, values in request.GET.lists():
            if NUL in name or any(NUL in value for value in values):
                name = name.replace(NUL, "")
                return name, _("tham số “%(name)s”") % {"name": name}
    return None
