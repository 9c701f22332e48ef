"""The stored page's CSRF token: Django's mask and cipher, Django's middleware accepts it."""

from __future__ import annotations

from collections import Counter

from django.middleware.csrf import (
    CSRF_ALLOWED_CHARS,
    CSRF_SECRET_LENGTH,
    _get_new_csrf_string,
    _unmask_cipher_token,
)
from django.test import RequestFactory

from thidua.web.csrf_token import masked_token, random_indices


def _request(secret: str | None):
    request = RequestFactory().get("/")
    if secret is not None:
        request.META["CSRF_COOKIE"] = secret
    return request


def test_the_token_unmasks_to_the_cookies_secret_without_sending_the_cookie_again():
    secret = _get_new_csrf_string()
    request = _request(secret)
    tokens = {masked_token(request) for _ in range(50)}
    assert len(tokens) == 50  # a new mask every time (BREACH)
    for token in tokens:
        assert len(token) == 2 * CSRF_SECRET_LENGTH and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
    assert "CSRF_COOKIE_NEEDS_UPDATE" not in request.META


def test_without_a_cookie_a_new_secret_is_made_and_sent_as_the_cookie():
    secrets_made = set()
    for _ in range(50):
        request = _request(None)
        token = masked_token(request)
        secret = request.META["CSRF_COOKIE"]
        assert len(secret) == CSRF_SECRET_LENGTH and set(secret) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
        assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True  # Django's middleware sends it
        again = masked_token(request)  # the same secret, masked anew
        assert again != token and _unmask_cipher_token(again) == secret
        secrets_made.add(secret)
    assert len(secrets_made) == 50


def test_every_character_is_drawn_equally_often():
    counts = Counter(random_indices(62 * 10_000))  # 10,000 each expected, σ ≈ 100
    assert set(counts) == set(range(len(CSRF_ALLOWED_CHARS)))
    # 8 σ either way; a plain `byte % 62` would draw the first 8 positions ~12,100 times each.
    assert 9_200 < min(counts.values()) and max(counts.values()) < 10_800
