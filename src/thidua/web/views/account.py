"""Sign-in (with the optional second factor) and the two-factor set-up page."""

from __future__ import annotations

from base64 import b32encode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from thidua.accounts import two_factor


class LoginView(auth_views.LoginView):
    form_class = two_factor.LoginForm
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        device = getattr(form, "otp_device", None)
        if device is not None:
            otp_login(self.request, device)
        return response


@login_required
def two_factor_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "disable" in request.POST:
        two_factor.disable(request.user)
        messages.success(request, _("Đã tắt xác thực hai bước."))
        return redirect("web:two_factor")
    enabled = two_factor.has_two_factor(request.user)
    device = None if enabled else two_factor.pending_device(request.user)
    if request.method == "POST" and device is not None:
        if two_factor.confirm(request.user, device, request.POST.get("token", "")):
            messages.success(request, _("Đã bật xác thực hai bước cho tài khoản."))
            return redirect("web:two_factor")
        messages.error(request, _("Mã chưa đúng; kiểm tra giờ trên điện thoại rồi thử lại."))
    context = {"enabled": enabled, "device": device}
    if device is not None:
        context["qr"] = two_factor.qr_svg(device)
        context["secret"] = b32encode(device.bin_key).decode()
    return render(request, "web/two_factor.html", context)
