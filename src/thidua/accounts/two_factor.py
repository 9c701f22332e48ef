"""Two-factor sign-in with a TOTP app (django-otp): one gate for every way in.

- A user who has confirmed a device gives the 6-digit code with the password (the site's login;
  the admin site's login page sends there). A session that passed the password alone for such a
  user, by any other path, is signed out at its next request (`gate`, run by
  `accounts.middleware.TwoFactorMiddleware` for pages, the admin site and the API alike).
- The board, the heads' secretariats, council members, staff and superusers must have a device
  while THIDUA_REQUIRE_TWO_FACTOR is on (the default): after the password, every page but
  enrolment sends them to enrol, and the API answers 403.
- Enrolling and removing a device (which takes a current code) are audited.

Whether the account has a device or must enrol is decided at sign-in and kept in the session
(`STATE_KEY`), so a signed-in request pays no query for it. Enrolling signs the account's other
sessions out, granting a role that requires a device signs out an account without one, and an
account made staff or superuser is asked again at its next request, so no session keeps a stale
answer. (A device added for someone else in the admin site counts from that user's next
sign-in.)
"""

from __future__ import annotations

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from thidua.accounts import audit_actions
from thidua.accounts.actors import Actor
from thidua.accounts.audit import record
from thidua.accounts.models import Role, RoleAssignment, Session
from thidua.accounts.sealed_keys import UnsealError

STATE_KEY = "thidua_two_factor"
DEVICE = "device"  # the account has a device: the session must have passed its code
ENROL = "enrol"  # the account must have a device and has none: enrolment first
FREE = "free"  # neither

# Who must use a second factor (besides staff and superusers, who may open the admin site).
REQUIRED_ROLES = (Role.BOARD, Role.SECRETARIAT, Role.COUNCIL)


def has_two_factor(user) -> bool:
    return any(True for _d in devices_for_user(user, confirmed=True))


def requires_two_factor(user) -> bool:
    if not settings.THIDUA_REQUIRE_TWO_FACTOR:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return RoleAssignment.objects.filter(user=user, role__in=REQUIRED_ROLES).exists()


def sign_in_state(user) -> str:
    if has_two_factor(user):
        return DEVICE
    return ENROL if requires_two_factor(user) else FREE


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


# The gate


def gate(request: HttpRequest) -> HttpResponse | None:
    """None to let the request through (as whoever it is now), or the answer to give instead."""
    user = request.user
    if not user.is_authenticated:
        return None
    state = request.session.get(STATE_KEY)
    if state is None or _promoted(state, user):  # signed in before the gate, or since made staff
        state = request.session[STATE_KEY] = sign_in_state(user)
    if _through(state, user):
        return None
    if state == DEVICE:
        logout(request)  # the password alone, for an account with a device: worth nothing
        return None
    return None if request.path in _enrolment_paths() else _to_enrolment(request)


def _promoted(state: str, user) -> bool:
    """Made staff or superuser after a sign-in that needed no device (the flags are on the user
    row the session read joined: no query)."""
    required = settings.THIDUA_REQUIRE_TWO_FACTOR and (user.is_staff or user.is_superuser)
    return state == FREE and required


def passed(request: HttpRequest) -> bool:
    """Whether the session's user passed the gate (the API's session check asks again)."""
    user = request.user
    return user.is_authenticated and _through(request.session.get(STATE_KEY), user)


def _through(state: str | None, user) -> bool:
    if state == FREE or (state == ENROL and not settings.THIDUA_REQUIRE_TWO_FACTOR):
        return True
    return state is not None and user.is_verified()


def _enrolment_paths() -> set[str]:
    return {reverse("web:two_factor"), reverse("web:logout"), reverse("set_language")}


def _to_enrolment(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        message = _("Tài khoản phải bật xác thực hai bước trước khi dùng API: đăng nhập trang web.")
        return JsonResponse({"detail": message}, status=403)
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204, headers={"HX-Redirect": reverse("web:two_factor")})
    return redirect("web:two_factor")


def _on_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[STATE_KEY] = sign_in_state(user)


def _on_role_granted(sender, instance: RoleAssignment, **kwargs) -> None:
    # The role's requirement holds from the account's next sign-in, so sign it in anew.
    user = instance.user
    if instance.role in REQUIRED_ROLES and sign_in_state(user) == ENROL:
        Session.objects.filter(user_id=user.pk).delete()


def connect_signals() -> None:
    user_logged_in.connect(_on_sign_in, dispatch_uid="thidua_two_factor_state")
    post_save.connect(_on_role_granted, sender=RoleAssignment, dispatch_uid="thidua_2fa_role")


# Enrolling and removing


def pending_device(user) -> TOTPDevice:
    """The device being set up (unconfirmed), created on first visit. One whose secret no longer
    opens (the secret key changed since it was made) was never used: it is replaced."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is not None:
        try:
            device.bin_key  # noqa: B018 - opens the sealed secret
            return device
        except UnsealError:
            device.delete()
    return TOTPDevice.objects.create(user=user, name="ứng dụng xác thực", confirmed=False)


def confirm(actor: Actor, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token.replace(" ", "")):
        return False
    cache.delete(_qr_key(device))  # confirmed: the drawing of its secret is not kept
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record(
            actor, audit_actions.TWO_FACTOR_ENABLED, device, None, {"user": actor.get_username()}
        )
    return True


def signed_in_with(request: HttpRequest, device: TOTPDevice) -> None:
    """After enrolling: this session has passed the device; the account's others are ended."""
    otp_login(request, device)
    request.session[STATE_KEY] = DEVICE
    others = Session.objects.filter(user_id=request.user.pk)
    others.exclude(session_key=Session.hash_key(request.session.session_key)).delete()


def disable(actor: Actor, token: str) -> bool:
    """Remove the account's devices; only with a current code from one of them."""
    token = token.replace(" ", "")
    if not token or match_token(actor, token) is None:
        return False
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=actor).delete()[0]
        record(actor, audit_actions.TWO_FACTOR_DISABLED, actor, {"devices": removed}, None)
    return True


def refresh_state(request: HttpRequest) -> None:
    request.session[STATE_KEY] = sign_in_state(request.user)


# How long a drawn QR code is kept for reloads of the enrolment page.
QR_SECONDS = 3600


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// link as an inline SVG QR code (no network, no image files), drawn once per
    pending device and kept for reloads (drawing takes tens of milliseconds)."""
    key = _qr_key(device)
    svg = cache.get(key)
    if svg is None:
        svg = _draw_qr(device.config_url)
        cache.set(key, svg, QR_SECONDS)
    return svg


def _qr_key(device: TOTPDevice) -> str:
    """Named by a hash of the link, which holds the secret: never the secret in clear."""
    seen = f"{device.user_id}:{device.pk}:{device.config_url}"
    return f"two-factor-qr:{hashlib.sha256(seen.encode()).hexdigest()}"


def _draw_qr(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")
