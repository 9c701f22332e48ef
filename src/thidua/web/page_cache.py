"""Rendered parts of read-mostly pages, reused until anything is written.

Every write goes through the service layer, which appends to the audit log in the same
transaction; on PostgreSQL the chain lock (`accounts.audit`) is held until commit, so entries
become visible in the order of their ids, each together with its data. The admin site logs its
own writes to django_admin_log. The newest audit hash and the newest admin log id
(`accounts.write_stamp`) are therefore a stamp of everything a page may show. Read the stamp
*before* the data: a write that lands in between makes the stored part newer than its stamp,
never older, and the next request, seeing the new stamp, renders again.

Writers that bypass the audit log (the demo loader, the benchmark generator, a shell) are
bounded by THIDUA_PAGE_CACHE_SECONDS (settings; 0 turns the cache off). The parts live in the
"pages" cache: per process by default, shared if the operator configures it so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.translation import get_language

from thidua.accounts import write_stamp
from thidua.accounts.write_stamp import Stamp
from thidua.web.csrf_token import masked_token

T = TypeVar("T")


def enabled() -> bool:
    return settings.THIDUA_PAGE_CACHE_SECONDS > 0


def stamp() -> Stamp:
    """The newest audit entry's hash (it chains the whole history) and the newest admin log id."""
    return write_stamp.read()


def request_stamp(request: HttpRequest) -> Stamp:
    """For a view that writes nothing: the stamp read with the session, which came before
    anything else the request reads (read now if the session was not read from the database)."""
    row = request.session.current_row()
    return stamp() if row is None else write_stamp.of(row)


def get(key: str, now: Stamp):
    """The part stored under `key` with this stamp, or None."""
    if not enabled():
        return None
    held = caches["pages"].get(key)
    if held is None or held[0] != now:
        return None
    return held[1]


# A part bigger than this is built for each request rather than held in the cache's memory.
MAX_STORED_BYTES = 20 * 1024 * 1024


def put(key: str, now: Stamp, value) -> None:
    if not enabled() or (isinstance(value, bytes | str) and len(value) > MAX_STORED_BYTES):
        return
    caches["pages"].set(key, (now, value), settings.THIDUA_PAGE_CACHE_SECONDS)


def cached(key: str, now: Stamp, build: Callable[[], T]) -> T:
    value = get(key, now)
    if value is None:
        value = build()
        put(key, now, value)
    return value


def built(request: HttpRequest, key: str, build: Callable[[], T]) -> T:
    """A download or image built on request (a review document, a chart), reused until anything
    is written. The caller checks access first: the key says what is built, not who may see it."""
    if not enabled():
        return build()
    return cached(key, request_stamp(request), build)


def download_key(kind: str, request: HttpRequest, *parts: object, reader: bool = False) -> str:
    """The key of a download built from `parts` (ids, the reader's choices), the active language
    and the query string (its filters and sort), with the reader's id when the content is the
    reader's own (`reader`: what they may see decides the rows). Hashed, so any filter text makes
    a valid key and none of it is kept in clear."""
    query = sorted((name, request.GET.getlist(name)) for name in request.GET)
    who = request.user.pk if reader else None
    what = repr((parts, get_language(), query, who))
    return f"download:{kind}:{hashlib.sha256(what.encode()).hexdigest()[:40]}"


# Stands for the CSRF token in a stored page: the token is the reader's, masked anew per request.
TOKEN = "thidua-csrf-token-placeholder"


def page_key(prefix: str, request: HttpRequest) -> str:
    """A whole page's key: the reader (name, staff link, what they may see) and the address
    (what is shown; the language form sends the reader back to it); hashed, so any address
    makes a valid cache key."""
    address = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"{prefix}:{request.user.pk}:{address}"


def has_messages(request: HttpRequest) -> bool:
    """Messages waiting for the reader: the page shows them once, so it is rendered, not reused."""
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def with_token(html: str, request: HttpRequest) -> str:
    return html.replace(TOKEN, masked_token(request))
