"""Who is acting: a signed-in user, or not (the CLI's SYSTEM, an anonymous visitor, None)."""

from __future__ import annotations


def signed_in(actor) -> bool:
    """Whether the actor is a signed-in user, whose account a write may name."""
    return actor is not None and bool(getattr(actor, "is_authenticated", False))


def user_or_none(actor):
    """The actor for a `…_by` column: the user, or None for the system and anonymous."""
    return actor if signed_in(actor) else None
