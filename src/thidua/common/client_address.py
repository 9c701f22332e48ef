"""The address of the client behind our own proxies (THIDUA_TRUSTED_PROXIES).

Behind nginx every request comes from nginx's address, so a limit or a lockout keyed on
REMOTE_ADDR would put every client in one bucket. X-Forwarded-For is written by the client,
though; only the part appended by proxies we trust is believed: when REMOTE_ADDR is a trusted
proxy, the client is the rightmost forwarded address that is not itself a trusted proxy. Used by
the look-up's rate limit (`web.ratelimit`) and the login lockout (AXES_CLIENT_IP_CALLABLE).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(request: HttpRequest) -> str:
    """The client's address as text, or "" when the request carries none."""
    address = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.THIDUA_TRUSTED_PROXIES
    if not proxies or not _is_trusted(address, proxies):
        return address
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([hop.strip() for hop in forwarded.split(",") if hop.strip()]):
        if _parsed(hop) is None:  # not written by a proxy of ours: stop at the last good hop
            return address
        address = hop
        if not _is_trusted(hop, proxies):
            return hop
    return address


def _is_trusted(address: str, proxies: Iterable[IPNetwork]) -> bool:
    parsed = _parsed(address)
    return parsed is not None and any(parsed in network for network in proxies)


def _parsed(address: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        return None
