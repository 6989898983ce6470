"""The visitor's address behind a reverse proxy.

Behind nginx or a load balancer, every request comes from the proxy's address: sign-in
limits (allauth reads `REMOTE_ADDR`), public-write limits and visit counts would then treat
the whole town as one visitor. `PALABRE_TRUSTED_PROXIES` lists the proxies' addresses or
networks (e.g. `127.0.0.1,10.0.0.0/8`). When a request comes from one of them, the
visitor's address is the right-most address of `X-Forwarded-For` that is not itself a
trusted proxy, and it replaces `REMOTE_ADDR` for the rest of the request. From any other
address, `X-Forwarded-For` is ignored: a visitor cannot choose their own address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(values: Iterable[str]) -> list[Network]:
    try:
        return [ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip()]
    except ValueError as error:
        raise ImproperlyConfigured(f"PALABRE_TRUSTED_PROXIES : {error}") from None


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def client_address(remote: str, forwarded_for: str, trusted: list[Network]) -> str:
    """The visitor's address: `remote` unless it is a trusted proxy, then the right-most
    untrusted address of the X-Forwarded-For chain (or `remote` if there is none)."""

    def is_trusted(address: object) -> bool:
        return address is not None and any(address in network for network in trusted)

    if not trusted or not is_trusted(_address(remote)):
        return remote
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            return remote  # a garbled chain: keep what the socket says
        if not is_trusted(address):
            return str(address)
    return remote


class ClientAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = trusted_networks(settings.PALABRE_TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.trusted:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR", ""),
                self.trusted,
            )
        return self.get_response(request)
