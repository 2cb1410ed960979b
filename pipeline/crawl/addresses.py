"""Refusing private, loopback and other non-public targets, at the moment of connecting.

The check sits in the connection layer (an httpcore network backend): the host name is
resolved once, every resolved address is checked, and the connection goes to an address
that was checked.  So redirects, robots.txt and sitemaps are covered too, and a host whose
DNS answer changes between a check and the connect (DNS rebinding) cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

import httpcore
import httpx

Resolver = Callable[[str, int], list[str]]
#: Decides whether one resolved address may be contacted.
AddressPolicy = Callable[[str], bool]


class AddressRefused(Exception):
    """The target resolves to an address the crawl may not contact."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to non-public address {address}")
        self.host = host
        self.address = address


def is_public_address(address: str) -> bool:
    """Whether an IP address is globally routable (not private, loopback, link-local ...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in resolver order, without duplicates."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def checked_addresses(host: str, port: int, resolver: Resolver = resolve,
                      allowed: AddressPolicy = is_public_address) -> list[str]:
    """The addresses of ``host``; raises :class:`AddressRefused` if any of them is not public.

    One private address among public ones is enough to refuse: the resolver could hand out
    either.
    """
    addresses = resolver(host.strip("[]"), port)
    for address in addresses:
        if not allowed(address):
            raise AddressRefused(host, address)
    return addresses


class GuardedBackend(httpcore.NetworkBackend):
    """An httpcore backend that connects only to checked public addresses."""

    def __init__(self, inner: httpcore.NetworkBackend, resolver: Resolver = resolve,
                 allowed: AddressPolicy = is_public_address) -> None:
        self._inner = inner
        self._resolver = resolver
        self._allowed = allowed

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            addresses = checked_addresses(host, port, self._resolver, self._allowed)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        last: Exception | None = None
        for address in addresses:
            try:
                return self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise AddressRefused("unix socket", "local")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def guarded_transport(resolver: Resolver = resolve, allowed: AddressPolicy = is_public_address,
                      **kwargs: Any) -> httpx.HTTPTransport:
    """An httpx transport whose every connection goes through :class:`GuardedBackend`."""
    transport = httpx.HTTPTransport(**kwargs)
    pool = transport._pool  # httpx keeps its httpcore pool here (checked by the tests)
    pool._network_backend = GuardedBackend(pool._network_backend, resolver, allowed)
    return transport
