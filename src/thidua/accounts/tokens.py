"""API tokens: create (the key is shown once), revoke, and authenticate a presented key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from thidua.accounts import audit_actions
from thidua.accounts import permissions as perms
from thidua.accounts.actors import Actor
from thidua.accounts.audit import record
from thidua.accounts.models import ApiToken

KEY_PREFIX = "td_"
PREFIX_LENGTH = 8
# A busy client would otherwise write one row per request; a minute is precise enough to see
# which tokens are still in use.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(ValueError):
    pass


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str


def key_prefix(key: str) -> str:
    """The public part of a key shown in lists: the first characters after `td_`."""
    return key.removeprefix(KEY_PREFIX)[:PREFIX_LENGTH]


def _require_manage(actor: Actor, user) -> None:
    own = getattr(actor, "pk", None) is not None and actor.pk == user.pk
    perms.require(own or perms.is_board(actor), _("Bạn không có quyền quản lý khóa API này."))


def create_token(actor: Actor, user, name: str, unit=None) -> IssuedToken:
    """Issue a key for `user`, optionally limited to one unit; only its hash is kept."""
    _require_manage(actor, user)
    name = name.strip()
    if not name:
        raise TokenError(_("Cần đặt tên cho khóa API (ví dụ: tên hệ thống dùng khóa)."))
    if unit is not None and not any(a.unit_id == unit.pk for a in user.roles.all()):
        msg = _("Tài khoản %(u)s không có vai trò nào ở %(unit)s; không giới hạn khóa vào đó được.")
        raise TokenError(msg % {"u": user.get_username(), "unit": unit})
    key = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            unit=unit,
            prefix=key_prefix(key),
            key_hash=ApiToken.hash_key(key),
        )
        after = {"user": user.get_username(), "name": name, "prefix": token.prefix}
        after["unit"] = unit.code if unit else None
        record(actor, audit_actions.TOKEN_CREATED, token, None, after)
    return IssuedToken(token=token, key=key)


def revoke_token(actor: Actor, token: ApiToken) -> ApiToken:
    """Refuse the key from now on; revoking twice is an error so a typo is not silent."""
    _require_manage(actor, token.user)
    if token.revoked_at is not None:
        raise TokenError(_("Khóa %(prefix)s đã bị thu hồi trước đó.") % {"prefix": token.prefix})
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor,
            audit_actions.TOKEN_REVOKED,
            token,
            {"revoked_at": None},
            {"revoked_at": token.revoked_at, "name": token.name, "prefix": token.prefix},
        )
    return token


def find_by_prefix(prefix: str) -> ApiToken:
    """The one token whose prefix is `prefix` (with or without `td_`)."""
    prefix = key_prefix(prefix.strip())
    matches = list(ApiToken.objects.filter(prefix=prefix).select_related("user")[:2])
    if not matches:
        raise TokenError(_("Không có khóa API nào có tiền tố %(p)s.") % {"p": prefix})
    if len(matches) > 1:
        raise TokenError(
            _("Có nhiều khóa cùng tiền tố %(p)s; thu hồi trong trang quản trị.") % {"p": prefix}
        )
    return matches[0]


def authenticate(key: str):
    """The active user owning an unrevoked key, or None; notes when the key was last used."""
    if not key.startswith(KEY_PREFIX):
        return None
    token = (
        ApiToken.objects.filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    _touch(token)
    if token.unit_id:
        perms.limit_to_unit(token.user, token.unit_id)
    return token.user


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
