"""One JSON shape per failure, whichever layer raised it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as RequestInvalid

from thidua.api.schemas import Error, ValidationErrors
from thidua.common.errors import Conflict, Issue, ValidationFailed
from thidua.common.periods import PeriodError

# Every operation may answer 401; the others are declared where they can happen.
_SCHEMAS = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    409: ValidationErrors,
    422: ValidationErrors,
    503: Error,
}


def responses(ok: dict[int, Any], *errors: int) -> dict[int, Any]:
    """The response map of an operation: its success shape plus the errors it can answer."""
    return ok | {code: _SCHEMAS[code] for code in (401, *errors)}


def install(api: NinjaAPI) -> None:
    handlers = {
        Conflict: _conflict,
        ValidationFailed: _validation_failed,
        RequestInvalid: _request_invalid,
        PermissionDenied: _permission_denied,
        PeriodError: _bad_period,
        AuthenticationError: _unauthenticated,
        RequestDataTooBig: _too_big,
    }
    for exc_class, handler in handlers.items():
        api.add_exception_handler(exc_class, _replying(api, handler))


def _replying(api: NinjaAPI, handler: Callable[[Any], tuple[int, Any]]):
    def reply(request: HttpRequest, exc: Exception) -> HttpResponse:
        status, detail = handler(exc)
        response = api.create_response(request, {"detail": detail}, status=status)
        if status == 401:  # RFC 9110: a 401 names the scheme to use
            response["WWW-Authenticate"] = 'Bearer realm="thidua"'
        return response

    return reply


def _conflict(exc: Conflict) -> tuple[int, Any]:
    return 409, [issue.as_dict() for issue in exc.issues]


def _validation_failed(exc: ValidationFailed) -> tuple[int, Any]:
    return 422, [issue.as_dict() for issue in exc.issues]


def _request_invalid(exc: RequestInvalid) -> tuple[int, Any]:
    return 422, [_issue(error) for error in exc.errors]


def _issue(error: dict) -> dict:
    # loc is ("body", "payload", "values", 0, "value"): the row is the index in the list and
    # the column the field, as in the service's own issues.
    loc = error.get("loc", ())
    rows = [part for part in loc if isinstance(part, int)]
    names = [part for part in loc if isinstance(part, str) and part not in ("body", "payload")]
    raw = error.get("input")
    return {
        "row": rows[0] if rows else None,
        "column": names[-1] if names else None,
        "value": raw if isinstance(raw, str) else None,
        "message": str(error.get("msg", "")).removeprefix("Value error, "),
        "cell": None,
    }


def _permission_denied(exc: PermissionDenied) -> tuple[int, Any]:
    return 403, str(exc) or _("Bạn không có quyền thực hiện thao tác này.")


def _bad_period(exc: PeriodError) -> tuple[int, Any]:
    return 400, str(exc)


def _unauthenticated(exc: AuthenticationError) -> tuple[int, Any]:
    return 401, _("Cần đăng nhập, hoặc gửi khóa API: Authorization: Bearer td_…")


def _too_big(exc: RequestDataTooBig) -> tuple[int, Any]:
    # Django's limit (DATA_UPLOAD_MAX_MEMORY_SIZE); its own answer would be an HTML 400 page.
    # The issue shape, as the 422s (and the upload limit's 413 at the door) answer.
    return 413, [Issue(_("Nội dung gửi lên quá lớn.")).as_dict()]
