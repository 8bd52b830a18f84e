"""Fetching article pages (issue 11): the feed fetcher's politeness, plus a guard against probing the user's network.

A feed names the pages its articles are on; fetching them must not let a feed make the reader request
addresses on the user's own machine or network. So a page is fetched only over http(s), and every connection
(the first one and the one after each redirect) is checked when it is made, on the address it is made to,
after DNS resolution: a loopback, private, link-local or otherwise non-public address (`BLOCKED_NETWORKS`) is
refused -- unless the feed itself is served from that very address (a feed on 127.0.0.1 may link to pages on
127.0.0.1, and the tests run that way). A host name that resolves to several addresses is refused if any of
them is refused. The connection is made to the address that was checked, so a DNS answer cannot change between
the check and the connect.

Each set of allowed addresses gets its own HTTP client (and connection pool): a kept-alive connection opened
for a feed on 127.0.0.1 is never reused for a page linked from a public feed.

Otherwise pages are fetched like feeds (`tui_news.fetch.Fetcher`): overall and per-host limits, connect/read
and total timeouts, a size cap (`Settings.page_max_bytes`), redirects followed by hand (at most
`MAX_REDIRECTS`, http(s) only), the app's User-Agent, and no cookies kept.

`TUI_NEWS_FEEDS_ARE_PUBLIC=1` in the environment makes every feed count as public (no address is its own):
it only removes the exemption, never adds one. The tests use it to show that a feed on a public address whose
article links to 127.0.0.1 causes no request there.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import os
import socket
import typing
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import urlsplit

import httpcore
import httpx

from tui_news.errors import FetchError
from tui_news.fetch import Fetcher
from tui_news.fetch_messages import clip
from tui_news.models import CachingInfo, FetchResult, Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ENV_PUBLIC = "TUI_NEWS_FEEDS_ARE_PUBLIC"
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml", "text/plain")
"""Content types a page may have; anything else is 'not HTML' (text/plain: servers mislabel pages)."""

BLOCKED_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8",          # "this network": connecting to 0.0.0.0 reaches the local machine
    "127.0.0.0/8",        # loopback
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",  # private
    "100.64.0.0/10",      # carrier-grade NAT: the provider's network
    "169.254.0.0/16",     # link-local, cloud metadata services (169.254.169.254)
    "224.0.0.0/4", "240.0.0.0/4",  # multicast, reserved, broadcast
    "::/128", "::1/128",  # unspecified, loopback
    "fc00::/7",           # unique local
    "fe80::/10",          # link-local
    "ff00::/8",           # multicast
))


def blocked(address: IPAddress) -> bool:
    """True for an address a page may not be fetched from (an IPv4-mapped IPv6 address counts as its IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in BLOCKED_NETWORKS if network.version == address.version)


async def resolve(host: str, port: int = 80) -> list[IPAddress]:
    """The addresses a host name (or address literal) stands for, as a connection would use them."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    out: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in out:
            out.append(address)
    return out


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def own_addresses(feed_url: str) -> frozenset[IPAddress]:
    """The non-public addresses a feed is served from: its article pages may be fetched from those.
    Empty for a feed on a public address, a local file, a host that does not resolve, or when
    `TUI_NEWS_FEEDS_ARE_PUBLIC=1`."""
    if os.environ.get(ENV_PUBLIC) == "1":
        return frozenset()
    try:
        parts = urlsplit(feed_url)
        host, port = parts.hostname, parts.port
    except ValueError:
        return frozenset()
    if parts.scheme.lower() not in ("http", "https") or not host:
        return frozenset()
    try:
        addresses = await resolve(host, port or 80)
    except (OSError, UnicodeError):
        return frozenset()
    return frozenset(a for a in addresses if blocked(a))


class AddressRefused(FetchError):
    """A page's host is (or resolves to) an address pages may not be fetched from."""


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, checking every address before connecting to it (see the module docstring)."""

    def __init__(self, allowed: frozenset[IPAddress]):
        self.allowed = allowed
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: typing.Iterable[typing.Any] | None = None,
                          ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"cannot resolve {host}")
        for address in addresses:
            if blocked(address) and address not in self.allowed:
                shown = "" if _literal(host) is not None else f" ({clip(host, 80)})"
                raise AddressRefused(f"refused: {address}{shown} is a local or private address")
        return await self._inner.connect_tcp(str(addresses[0]), port, timeout, local_address, socket_options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: typing.Iterable[typing.Any] | None = None,
                                  ) -> httpcore.AsyncNetworkStream:
        raise AddressRefused("refused: a Unix socket")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _no_cookies() -> CookieJar:
    """A jar that refuses every cookie (given to httpx as a CookieJar: a Cookies object would be copied into a
    jar with the default policy)."""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


class PageFetcher(Fetcher):
    """Fetches article pages: `async with PageFetcher(settings) as f: await f.fetch_page(url, allowed)`."""

    def __init__(self, settings: Settings, *, user_agent: str | None = None):
        super().__init__(dataclasses.replace(settings, max_bytes=settings.page_max_bytes), user_agent=user_agent)
        self._guarded: dict[frozenset[IPAddress], httpx.AsyncClient] = {}

    def _make_client(self, *, verify: bool) -> httpx.AsyncClient:
        return self._guarded_client(frozenset())

    def _guarded_client(self, allowed: frozenset[IPAddress]) -> httpx.AsyncClient:
        client = self._guarded.get(allowed)
        if client is None:
            s = self.settings
            pool = httpcore.AsyncConnectionPool(
                ssl_context=httpx.create_ssl_context(),
                max_connections=max(1, s.concurrency) + 8,
                max_keepalive_connections=max(1, min(s.concurrency, 32)),
                keepalive_expiry=10.0,
                network_backend=GuardedBackend(allowed),
            )
            transport = httpx.AsyncHTTPTransport()
            transport._pool = pool  # the one way to give httpx's transport a network backend
            self._transport = transport
            try:
                client = super()._make_client(verify=True)
            finally:
                self._transport = None
            client.headers["Accept"] = PAGE_ACCEPT
            client.cookies = _no_cookies()
            self._guarded[allowed] = client
        return client

    async def __aenter__(self) -> PageFetcher:
        await super().__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        clients, self._guarded = list(self._guarded.values()), {}
        self._client = None
        await super().__aexit__(*exc)
        for client in clients:
            await client.aclose()

    async def fetch_page(self, url: str, allowed: frozenset[IPAddress] = frozenset()) -> FetchResult:
        """Fetch one page. Never raises for network or server problems (see `Fetcher.fetch`); a page that is
        not http(s), or whose address is refused, is an error result too."""
        if self._client is None:
            raise RuntimeError("PageFetcher.fetch_page() called outside 'async with PageFetcher(...)'")
        try:
            parts = urlsplit(url.strip())
            host = parts.hostname or ""
        except ValueError as exc:
            return FetchResult(url=url, error=f"invalid URL: {exc}")
        if parts.scheme.lower() not in ("http", "https"):
            return FetchResult(url=url, error=f"not an http(s) link: {clip(parts.scheme or url, 40)!r}")
        if not host:
            return FetchResult(url=url, error="the link has no host")
        # The per-host limit counts host:port: two servers on one machine are two hosts (as in the benchmark).
        slot = host if parts.port is None else f"{host}:{parts.port}"
        return await self._fetch_http(self._guarded_client(allowed), url.strip(), slot, CachingInfo())


def content_type_problem(headers: dict[str, str]) -> str | None:
    """'not HTML: image/png' when a response's Content-Type says it is not a page; None when it may be one."""
    value = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not value or value in HTML_TYPES or value.endswith("+xml"):
        return None
    return f"not HTML: {clip(value, 60)}"
