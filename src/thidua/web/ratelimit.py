"""A small fixed-window limit per client address (`common.client_address`), in Django's cache.

With the default local-memory cache each worker process counts on its own, so the real limit is
the setting times the number of workers: enough to stop a script harvesting names, never in a
person's way. A shared cache (CACHES) makes it exact.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest

from thidua.common.client_address import client_address


def allow(request: HttpRequest, scope: str, per_minute: int) -> bool:
    """Count this request; False once the address has made more than `per_minute` this minute."""
    window = int(time.time() // 60)
    # X-Forwarded-For only from proxies we trust (THIDUA_TRUSTED_PROXIES): a client writes it.
    key = f"thidua:rl:{scope}:{client_address(request) or 'unknown'}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    return count <= per_minute
