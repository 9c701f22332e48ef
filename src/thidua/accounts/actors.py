"""Who is acting: a signed-in user, or not (the CLI's SYSTEM, an anonymous visitor, None)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, TypeGuard

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from thidua.accounts.permissions import SystemActor

# Who a service acts for: a signed-in user, an anonymous visitor, or the CLI's SYSTEM.
Actor: TypeAlias = "User | AnonymousUser | SystemActor"


def signed_in(actor: Actor | None) -> TypeGuard[User]:
    """Whether the actor is a signed-in user, whose account a write may name."""
    return actor is not None and bool(getattr(actor, "is_authenticated", False))


def user_or_none(actor: Actor | None) -> User | None:
    """The actor for a `…_by` column: the user, or None for the system and anonymous."""
    return actor if signed_in(actor) else None
