"""One history page for every audited object: its audit entries, newest first, with a diff.

Who may read it is `web.history_access` (the rule of the object's own page). Anyone else gets
404, as for an object that does not exist, so the URL confirms nothing.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from thidua.accounts.timeline import timeline
from thidua.web import history, history_access

_TYPE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_ID_MAX = 64  # AuditEntry.object_id


def _not_found() -> Http404:
    return Http404(_("Không có lịch sử thay đổi nào để xem."))


@login_required
def object_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    if not _TYPE.match(object_type) or not object_id or len(object_id) > _ID_MAX:
        raise _not_found()
    target = history_access.resolve(request.user, object_type, object_id)
    if not target.allowed:
        raise _not_found()
    page = Paginator(
        timeline(object_type=object_type, object_id=object_id), history.PAGE_SIZE
    ).get_page(request.GET.get("page"))
    if target.obj is None and page.paginator.count == 0:
        raise _not_found()
    context = {
        "target": target,
        "page": page,
        "rows": history.rows(page.object_list, object_type, personal=target.personal),
        "query": "",
    }
    return render(request, "web/history.html", context)
