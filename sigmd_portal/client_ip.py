"""The one notion of the client's address, for rate limits (DRF and allauth) and the access log.

Behind `SIGMD_TRUSTED_PROXY_COUNT` proxies, each appending the address it saw to
`X-Forwarded-For`, the client is the entry that many places from the right: everything to its
left was written by the client itself and is not trusted. With no proxies (the default) the
socket's address is the client, and `X-Forwarded-For` is ignored entirely.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote_addr = request.META.get("REMOTE_ADDR") or None
    proxies = settings.SIGMD_TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies == 0 or not forwarded.strip():
        return _clean(remote_addr)
    hops = [hop.strip() for hop in forwarded.split(",")]
    # Fewer hops than proxies: the request bypassed a proxy; the leftmost hop is the best we have.
    return _clean(hops[-min(proxies, len(hops))]) or _clean(remote_addr)


def _clean(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address.strip().strip("[]")))
    except ValueError:
        return None
