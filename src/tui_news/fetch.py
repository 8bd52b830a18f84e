"""Fetch feed bodies over HTTP(S) or from local files, returning a FetchResult per feed.

One `httpx.AsyncClient` serves every feed (a second one, with certificate checks off, exists only
for feeds configured with `verify = false`). `Fetcher.fetch` never raises for network, server or
file problems: it returns a `FetchResult` whose `error` is a one-line message meant for the user.

Limits enforced per feed:
- redirects are followed by hand: at most `MAX_REDIRECTS`, http(s) targets only;
- connect/read timeouts from httpx plus a wall-clock limit (`Settings.total_timeout`) around the whole fetch;
- the body is decompressed here, in bounded pieces, so a compression bomb stops at `Settings.max_bytes`
  having allocated at most about the cap;
- at most `Settings.concurrency` fetches overall and `Settings.per_host` per host run at once.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import httpx

from tui_news import __version__
from tui_news.decoding import ACCEPT_ENCODING, BodyDecoder, DecodeError, content_encodings
from tui_news.errors import FetchError
from tui_news.fetch_messages import (
    clip,
    connect_message,
    one_line,
    os_message,
    secs,
    size,
    status_message,
    transport_message,
)
from tui_news.localfile import read_file_within
from tui_news.models import CachingInfo, FetchResult, Settings

__all__ = ["Fetcher", "MAX_REDIRECTS", "USER_AGENT"]

MAX_REDIRECTS = 5
USER_AGENT = f"tui-news/{__version__} (+https://github.com/tui-news/tui-news)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)

MAX_RETRY_AFTER = timedelta(days=7)
"""A Retry-After further away than this is clamped: a server cannot park a feed forever."""

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_PERMANENT_STATUSES = frozenset({301, 308})

_FILE_TYPES = {
    ".json": "application/json",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
    ".opml": "text/x-opml",
}


class Fetcher:
    """Fetches feeds; use as `async with Fetcher(settings) as fetcher: await fetcher.fetch(url, caching)`."""

    def __init__(
        self,
        settings: Settings,
        *,
        user_agent: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.user_agent = user_agent or USER_AGENT
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._insecure_client: httpx.AsyncClient | None = None
        self._slots: asyncio.Semaphore | None = None
        self._host_slots: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        if self._client is not None:
            raise RuntimeError("this Fetcher is already open")
        self._slots = asyncio.Semaphore(max(1, self.settings.concurrency))
        self._host_slots = {}
        self._client = self._make_client(verify=True)
        return self

    async def __aexit__(self, *exc: object) -> None:
        clients = [c for c in (self._client, self._insecure_client) if c is not None]
        self._client = self._insecure_client = None
        self._slots = None
        for client in clients:
            await client.aclose()

    def _make_client(self, *, verify: bool) -> httpx.AsyncClient:
        s = self.settings
        timeout = httpx.Timeout(
            connect=s.connect_timeout, read=s.read_timeout, write=s.read_timeout, pool=s.total_timeout
        )
        limits = httpx.Limits(
            max_connections=max(1, s.concurrency) + 8,
            max_keepalive_connections=max(1, min(s.concurrency, 32)),
            keepalive_expiry=10.0,
        )
        headers = {"User-Agent": self.user_agent, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING}
        return httpx.AsyncClient(
            headers=headers,
            timeout=timeout,
            limits=limits,
            follow_redirects=False,
            http2=False,
            verify=verify,
            transport=self._transport,
        )

    def _client_for(self, verify: bool) -> httpx.AsyncClient:
        assert self._client is not None
        if verify:
            return self._client
        if self._insecure_client is None:  # no await between check and set: no race
            self._insecure_client = self._make_client(verify=False)
        return self._insecure_client

    async def fetch(self, url: str, caching: CachingInfo, *, verify: bool = True) -> FetchResult:
        """Fetch one feed. Never raises for network, server or file problems."""
        if self._client is None:
            raise RuntimeError("Fetcher.fetch() called outside 'async with Fetcher(...)'")
        text = url.strip()
        if not text:
            return FetchResult(url=url, error="empty URL")
        try:
            parts = urlsplit(text)
        except ValueError as e:
            return FetchResult(url=url, error=f"invalid URL: {e}")
        scheme = parts.scheme.lower()
        if scheme in ("http", "https"):
            return await self._fetch_http(self._client_for(verify), url, parts.hostname or "", caching)
        if scheme == "file":
            if parts.netloc not in ("", "localhost"):
                return FetchResult(
                    url=url, error=f"file URL on another host not supported: {clip(parts.netloc)}"
                )
            return await self._fetch_file(url, Path(url2pathname(parts.path)))
        if scheme == "" or (len(scheme) == 1 and os.name == "nt"):  # a plain path (or C: on Windows)
            try:
                path = Path(text).expanduser()
            except RuntimeError:  # "~someone" with no such user
                return FetchResult(url=url, error=f"cannot find the home directory in {clip(text)}")
            return await self._fetch_file(url, path)
        return FetchResult(url=url, error=f"unsupported URL scheme {clip(scheme, 40)!r}")

    # -- HTTP ------------------------------------------------------------------------------------------

    @asynccontextmanager
    async def _slot(self, host: str) -> AsyncIterator[None]:
        """Per-host slot first, then a global one: a feed waiting for its host holds no global slot."""
        assert self._slots is not None
        key = host.lower()
        host_slot = self._host_slots.get(key)
        if host_slot is None:
            host_slot = self._host_slots[key] = asyncio.Semaphore(max(1, self.settings.per_host))
        async with host_slot, self._slots:
            yield

    async def _fetch_http(
        self, client: httpx.AsyncClient, url: str, host: str, caching: CachingInfo
    ) -> FetchResult:
        total = self.settings.total_timeout
        async with self._slot(host):
            try:
                async with asyncio.timeout(total):
                    return await self._follow(client, url, caching)
            except FetchError as e:
                return FetchResult(url=url, status=e.status, headers=e.headers, error=e.message)
            except TimeoutError:
                return FetchResult(url=url, error=f"timed out after {secs(total)} (total)")
            except httpx.TimeoutException as e:
                return FetchResult(url=url, error=self._timeout_message(e))
            except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError) as e:
                # UnicodeError: idna rejects some host names (a bad "xn--" label) before httpx wraps it
                return FetchResult(url=url, error=f"invalid URL: {one_line(e)}")
            except httpx.ConnectError as e:
                return FetchResult(url=url, error=connect_message(e, host))
            except httpx.TransportError as e:  # read/write errors, protocol errors, proxy errors
                return FetchResult(url=url, error=transport_message(e))
            except OSError as e:
                return FetchResult(url=url, error=os_message(e))

    def _timeout_message(self, e: httpx.TimeoutException) -> str:
        s = self.settings
        if isinstance(e, httpx.ConnectTimeout):
            return f"timed out after {secs(s.connect_timeout)} (connect)"
        if isinstance(e, httpx.ReadTimeout):
            return f"timed out after {secs(s.read_timeout)} (read)"
        if isinstance(e, httpx.WriteTimeout):
            return f"timed out after {secs(s.read_timeout)} (write)"
        return f"timed out after {secs(s.total_timeout)} (waiting for a connection)"

    async def _follow(self, client: httpx.AsyncClient, url: str, caching: CachingInfo) -> FetchResult:
        """GET `url`, following redirects by hand; raises FetchError or httpx errors."""
        headers = _conditional_headers(caching)
        current = httpx.URL(url.strip())
        permanent = True
        for hop in range(MAX_REDIRECTS + 1):
            try:
                async with client.stream("GET", current, headers=headers) as resp:
                    status = resp.status_code
                    if status in _REDIRECT_STATUSES:
                        target = _redirect_target(resp)
                        if hop == MAX_REDIRECTS:
                            raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})", status=status)
                        permanent = permanent and status in _PERMANENT_STATUSES
                        current = target
                        continue
                    moved = str(resp.url) if hop > 0 and permanent else None
                    resp_headers = _headers(resp.headers)
                    if status == 304:
                        return FetchResult(
                            url=url,
                            status=304,
                            body=None,
                            headers=resp_headers,
                            etag=resp.headers.get("etag") or caching.etag,
                            last_modified=resp.headers.get("last-modified") or caching.last_modified,
                            permanent_url=moved,
                        )
                    if not 200 <= status < 300:
                        retry_after = (
                            _retry_after(resp.headers.get("retry-after")) if status in (429, 503) else None
                        )
                        return FetchResult(
                            url=url,
                            status=status,
                            headers=resp_headers,
                            retry_after=retry_after,
                            error=status_message(status),
                        )
                    body = await self._read_body(resp)
                    return FetchResult(
                        url=url,
                        status=status,
                        body=body,
                        headers=resp_headers,
                        etag=resp.headers.get("etag"),
                        last_modified=resp.headers.get("last-modified"),
                        permanent_url=moved,
                    )
            except httpx.InvalidURL as e:
                # httpx builds the next request of a redirect even when not following it, and cannot parse some
                # Locations (javascript:..., data:...): the URL asked for was fine, the redirect is not.
                raise FetchError(f"redirect to a non-http(s) URL refused ({clip(str(e), 80)})") from None
        raise AssertionError("unreachable")  # pragma: no cover

    async def _read_body(self, resp: httpx.Response) -> bytes:
        """Read and decode the body, stopping as soon as the decoded size passes the cap."""
        cap = self.settings.max_bytes
        status, headers = resp.status_code, _headers(resp.headers)
        too_big = f"body exceeds the {size(cap)} size cap"
        encodings = content_encodings(resp.headers.get("content-encoding", ""))
        length = resp.headers.get("content-length", "").strip()
        declared = int(length) if length.isdigit() and len(length) < 20 else None
        if not encodings and declared is not None and declared > cap:
            raise FetchError(too_big, status=status, headers=headers)
        try:
            decoder = BodyDecoder(encodings)
        except DecodeError as e:
            raise FetchError(str(e), status=status, headers=headers) from None
        chunks: list[bytes] = []
        size_so_far = 0

        def take(pieces: Iterable[bytes]) -> None:
            nonlocal size_so_far
            for piece in pieces:
                size_so_far += len(piece)
                if size_so_far > cap:
                    raise FetchError(too_big, status=status, headers=headers)
                chunks.append(piece)

        try:
            async for raw in resp.aiter_raw():
                take(decoder.feed(raw))
            take(decoder.finish())
        except DecodeError as e:
            raise FetchError(str(e), status=status, headers=headers) from None
        body = b"".join(chunks)
        return body

    # -- files -----------------------------------------------------------------------------------------

    async def _fetch_file(self, url: str, path: Path) -> FetchResult:
        total = self.settings.total_timeout
        try:
            body = await read_file_within(path, self.settings.max_bytes, total)
        except TimeoutError:
            return FetchResult(url=url, error=f"timed out after {secs(total)} (total)")
        except FetchError as e:
            return FetchResult(url=url, error=e.message)
        except FileNotFoundError:
            return FetchResult(url=url, error=f"no such file: {path}")
        except PermissionError:
            return FetchResult(url=url, error=f"permission denied: {path}")
        except NotADirectoryError:
            return FetchResult(url=url, error=f"no such file: {path} (a parent is not a directory)")
        except OSError as e:
            return FetchResult(url=url, error=f"cannot read {path}: {os_message(e)}")
        return FetchResult(url=url, body=body, headers={"content-type": _file_type(path)})


def _file_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in _FILE_TYPES:
        return _FILE_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


# -- small helpers -------------------------------------------------------------------------------------


def _conditional_headers(caching: CachingInfo) -> dict[bytes, bytes]:
    """If-None-Match / If-Modified-Since, skipping values no server could have meant (control characters)."""
    headers: dict[bytes, bytes] = {}
    for name, value in ((b"If-None-Match", caching.etag), (b"If-Modified-Since", caching.last_modified)):
        if value and not any(ord(c) < 0x20 and c != "\t" or ord(c) == 0x7F for c in value):
            try:
                headers[name] = value.encode("ascii")
            except UnicodeEncodeError:
                headers[name] = value.encode("utf-8")
    return headers


def _redirect_target(resp: httpx.Response) -> httpx.URL:
    location = resp.headers.get("location", "").strip()
    if not location:
        raise FetchError(
            f"HTTP {resp.status_code} redirect without a Location header", status=resp.status_code
        )
    scheme = location.split(":", 1)[0].lower() if ":" in location.split("/", 1)[0] else ""
    if scheme and scheme not in ("http", "https"):  # httpx cannot even parse some (javascript:, data:)
        raise FetchError(f"redirect to a non-http(s) URL refused: {clip(location)}", status=resp.status_code)
    try:
        target = resp.url.join(location)
    except httpx.InvalidURL:
        raise FetchError(f"invalid redirect target: {clip(location)}", status=resp.status_code) from None
    if target.scheme not in ("http", "https"):
        raise FetchError(
            f"redirect to a non-http(s) URL refused: {clip(location)}", status=resp.status_code
        )
    return target


def _headers(headers: httpx.Headers) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


def _retry_after(value: str | None, now: datetime | None = None) -> datetime | None:
    """Retry-After as an absolute UTC time (delta-seconds or an HTTP-date); None when absent or unreadable."""
    if not value:
        return None
    now = now or datetime.now(UTC)
    value = value.strip()
    if value.isdigit():
        delay = timedelta(seconds=min(int(value), int(MAX_RETRY_AFTER.total_seconds())))
        return now + delay
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" means UTC as well
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    return max(now, min(when, now + MAX_RETRY_AFTER))
