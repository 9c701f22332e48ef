"""The user's inbox (notices) and whether they also come by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from thidua.notices import services
from thidua.notices.models import Notice

SHOWN = 100


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    notices = list(
        Notice.objects.filter(user_id=request.user.pk).order_by("-created", "-id")[:SHOWN]
    )
    context = {
        "notices": notices,
        "unread": sum(not n.read for n in notices),
        "email_on": services.email_preference(request.user),
        "email_configured": settings.THIDUA_EMAIL_ENABLED,
    }
    return render(request, "web/inbox.html", context)


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("notice") if i.isdigit()]
    services.mark_read(request.user, ids or None)
    return redirect("web:inbox")


@login_required
def inbox_count(request: HttpRequest) -> HttpResponse:
    """The header's badge, fetched by htmx so that other pages make no extra query."""
    n = services.unread_count(request.user)
    return render(request, "web/_inbox_count.html", {"n": n})


@login_required
@require_POST
def notice_settings(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("email") == "on"
    services.set_email_preference(request.user, wanted)
    if wanted:
        messages.success(request, _("Thông báo sẽ được gửi cả qua e-mail."))
    else:
        messages.success(request, _("Đã tắt e-mail; thông báo chỉ hiện trong hộp thông báo."))
    return redirect("web:inbox")
