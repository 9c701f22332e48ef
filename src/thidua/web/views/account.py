"""Sign-in (with the second factor), the two-factor page and the password change page."""

from __future__ import annotations

from base64 import b32encode

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from thidua.accounts import services, two_factor
from thidua.notices import services as notices


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


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site signs in through the site's login: password and second factor alike."""
    target = request.GET.get("next") or reverse("admin:index")
    if request.user.is_authenticated:
        if not request.user.is_staff:
            raise PermissionDenied  # the admin sent a signed-in non-staff user here
        return redirect("admin:index")
    return auth_views.redirect_to_login(target, reverse("web:login"))


@login_required
def two_factor_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "disable" in request.POST:
        return _remove_device(request)
    enabled = two_factor.has_two_factor(request.user)
    device = None if enabled else two_factor.pending_device(request.user)
    if request.method == "POST" and device is not None:
        if two_factor.confirm(request.user, device, request.POST.get("token", "")):
            two_factor.signed_in_with(request, device)
            messages.success(request, _("Đã bật xác thực hai bước cho tài khoản."))
            return redirect("web:two_factor")
        messages.error(request, _("Mã chưa đúng; kiểm tra giờ trên điện thoại rồi thử lại."))
    required = two_factor.requires_two_factor(request.user)
    context = {"enabled": enabled, "device": device, "required": required}
    context["email_on"] = notices.email_preference(request.user)
    if device is not None:
        context["qr"] = two_factor.qr_svg(device)
        context["secret"] = b32encode(device.bin_key).decode()
    return render(request, "web/two_factor.html", context)


def _remove_device(request: HttpRequest) -> HttpResponse:
    if not two_factor.disable(request.user, request.POST.get("token", "")):
        messages.error(request, _("Cần mã 6 số đúng từ ứng dụng xác thực để gỡ thiết bị."))
        return redirect("web:two_factor")
    two_factor.refresh_state(request)
    if two_factor.requires_two_factor(request.user):
        message = _("Đã gỡ thiết bị. Tài khoản bắt buộc xác thực hai bước: hãy thêm thiết bị mới.")
        messages.warning(request, message)
    else:
        messages.success(request, _("Đã tắt xác thực hai bước."))
    return redirect("web:two_factor")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/password_change.html"
    success_url = reverse_lazy("web:two_factor")

    def form_valid(self, form):
        services.change_password(form)
        update_session_auth_hash(self.request, form.user)  # this session stays signed in
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return HttpResponseRedirect(self.get_success_url())
