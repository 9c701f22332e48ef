"""Optional two-factor sign-in with a TOTP app (django-otp), offered to the board and heads.

A user who has confirmed a device must give the 6-digit code with the password; others sign in
with the password alone. Setting up and removing a device are audited.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from thidua.accounts.audit import record


def has_two_factor(user) -> bool:
    return any(True for _d in devices_for_user(user, confirmed=True))


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy("Tên đăng nhập hoặc mật khẩu không đúng."),
    }
    otp_token = forms.CharField(
        label=gettext_lazy("Mã xác thực"), required=False, max_length=8, strip=True
    )

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None or not has_two_factor(user):
            return cleaned
        token = (cleaned.get("otp_token") or "").replace(" ", "")
        if not token:
            raise forms.ValidationError(
                _("Tài khoản đã bật xác thực hai bước: hãy nhập mã 6 số từ ứng dụng xác thực."),
                code="otp_required",
            )
        device = match_token(user, token)
        if device is None:
            raise forms.ValidationError(_("Mã xác thực không đúng hoặc đã hết hạn."), code="otp")
        self.otp_device = device
        return cleaned


def pending_device(user) -> TOTPDevice:
    """The device being set up (unconfirmed), created on first visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="ứng dụng xác thực", confirmed=False)


def confirm(actor, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token.replace(" ", "")):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(actor, "accounts.two_factor.enabled", device, None, {"user": actor.get_username()})
    return True


def disable(actor) -> None:
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=actor).delete()[0]
        if removed:
            record(actor, "accounts.two_factor.disabled", actor, {"devices": removed}, None)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an inline SVG QR code (no network, no image files)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
