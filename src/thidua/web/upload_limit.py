"""A request body above the upload limit is refused before Django reads it.

A file larger than THIDUA_MAX_UPLOAD_BYTES is refused at the door (web pages and the API
alike), except on the pages whose file the background worker imports (JOB_UPLOADS): there the
limit is THIDUA_JOB_UPLOAD_BYTES and the file is written to disk as it arrives. The forms
check the size too, but only after Django has written the whole body to a temporary file.
The declared length is enough for browsers and API clients; a body sent without one (chunked)
is still bounded by the forms and by `indicators.importing`, and should be by the proxy in
front (nginx: client_max_body_size).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from thidua.common.errors import Issue
from thidua.common.numbers import format_vn

# The form around the file: field names, the CSRF token, a reason.
FORM_MARGIN = 64 * 1024
# Pages whose upload goes to the background worker (thidua.jobs), by URL name.
JOB_UPLOADS = {"web:registry_import", "web:people_import", "web:eligibility_batch"}


class UploadSizeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.THIDUA_MAX_UPLOAD_BYTES
        if length <= limit + FORM_MARGIN:
            return self.get_response(request)
        if _job_upload(request.path_info):
            limit = settings.THIDUA_JOB_UPLOAD_BYTES
            if length <= limit + FORM_MARGIN:
                return self.get_response(request)
        mb = format_vn(Decimal(limit) / (1024 * 1024), 1 if limit % (1024 * 1024) else 0)
        message = _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": mb}
        if request.path.startswith("/api/"):
            issue = Issue(message, column="file")  # the API's issue shape (api.errors)
            return JsonResponse({"detail": [issue.as_dict()]}, status=413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")


def _job_upload(path: str) -> bool:
    try:
        return resolve(path).view_name in JOB_UPLOADS
    except Resolver404:
        return False
