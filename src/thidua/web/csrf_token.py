"""The CSRF token put into a stored page: masked exactly as Django masks it, with one draw of
randomness instead of 32.

Django's `get_token` draws its 32-character mask with 32 calls to `secrets.choice`, each a
`getrandom` system call: ~60 µs a page here, the dearest step of a stored page after its one
read. The mask and the cipher are Django's (`django.middleware.csrf`), so its middleware checks
the token as its own; the characters come from one `secrets.token_bytes`, each byte below 248
standing for one of the 62 characters (248 = 4 × 62: every character equally likely).

Unlike `get_token`, it does not send the cookie again only to renew its expiry (~0.05–0.09 ms a
page): the cookie lives a year (CSRF_COOKIE_AGE) and every sign-in sets a new one
(`rotate_token`), while a session lives a working day.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH

_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: i for i, char in enumerate(_CHARS)}
_EVEN = 256 - 256 % len(_CHARS)


def masked_token(request: HttpRequest) -> str:
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        # No cookie yet (a first visit): a new secret, which Django's middleware then sends as
        # the cookie, as its own `get_token` would (it would draw 32 more times for it).
        secret = "".join([_CHARS[i] for i in random_indices(CSRF_SECRET_LENGTH)])
        request.META.update({"CSRF_COOKIE": secret, "CSRF_COOKIE_NEEDS_UPDATE": True})
    mask = random_indices(CSRF_SECRET_LENGTH)
    n = len(_CHARS)
    cipher = [_CHARS[(_INDEX[s] + m) % n] for s, m in zip(secret, mask, strict=True)]
    return "".join([_CHARS[m] for m in mask] + cipher)


def random_indices(count: int) -> list[int]:
    """`count` positions in the 62 characters, each equally likely."""
    drawn: list[int] = []
    while len(drawn) < count:
        drawn += [b % len(_CHARS) for b in secrets.token_bytes(2 * count) if b < _EVEN]
    return drawn[:count]
