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
import errno
import mimetypes
import os
import re
import socket
import ssl
import stat
import zlib
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit
from urllib.request import url2pathname

import httpx

from tui_news import __version__
from tui_news.models import CachingInfo, FetchResult, Settings

try:  # httpx[brotli] is a dependency, but keep working (without "br") if it is missing.
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

__all__ = ["Fetcher", "MAX_REDIRECTS", "USER_AGENT"]

MAX_REDIRECTS = 5
USER_AGENT = f"tui-news/{__version__} (+https://github.com/tui-news/tui-news)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
ACCEPT_ENCODING = "gzip, deflate, br" if brotli is not None else "gzip, deflate"

MAX_RETRY_AFTER = timedelta(days=7)
"""A Retry-After further away than this is clamped: a server cannot park a feed forever."""

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_PERMANENT_STATUSES = frozenset({301, 308})
_PIECE = 64 * 1024
"""Largest piece the decoders hand out at once: bounds memory while inflating."""

_FILE_TYPES = {
    ".json": "application/json",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
    ".opml": "text/x-opml",
}


class _FetchFailed(Exception):
    """Internal: ends one fetch with a user-facing message (never leaves this module)."""

    def __init__(self, message: str, *, status: int | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = headers or {}


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
                    url=url, error=f"file URL on another host not supported: {_clip(parts.netloc)}"
                )
            return await self._fetch_file(url, Path(url2pathname(parts.path)))
        if scheme == "" or (len(scheme) == 1 and os.name == "nt"):  # a plain path (or C: on Windows)
            try:
                path = Path(text).expanduser()
            except RuntimeError:  # "~someone" with no such user
                return FetchResult(url=url, error=f"cannot find the home directory in {_clip(text)}")
            return await self._fetch_file(url, path)
        return FetchResult(url=url, error=f"unsupported URL scheme {_clip(scheme, 40)!r}")

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
            except _FetchFailed as e:
                return FetchResult(url=url, status=e.status, headers=e.headers, error=e.message)
            except TimeoutError:
                return FetchResult(url=url, error=f"timed out after {_secs(total)} (total)")
            except httpx.TimeoutException as e:
                return FetchResult(url=url, error=self._timeout_message(e))
            except (httpx.InvalidURL, httpx.UnsupportedProtocol, UnicodeError) as e:
                # UnicodeError: idna rejects some host names (a bad "xn--" label) before httpx wraps it
                return FetchResult(url=url, error=f"invalid URL: {_one_line(e)}")
            except httpx.ConnectError as e:
                return FetchResult(url=url, error=_connect_message(e, host))
            except httpx.TransportError as e:  # read/write errors, protocol errors, proxy errors
                return FetchResult(url=url, error=_transport_message(e))
            except OSError as e:
                return FetchResult(url=url, error=_os_message(e))

    def _timeout_message(self, e: httpx.TimeoutException) -> str:
        s = self.settings
        if isinstance(e, httpx.ConnectTimeout):
            return f"timed out after {_secs(s.connect_timeout)} (connect)"
        if isinstance(e, httpx.ReadTimeout):
            return f"timed out after {_secs(s.read_timeout)} (read)"
        if isinstance(e, httpx.WriteTimeout):
            return f"timed out after {_secs(s.read_timeout)} (write)"
        return f"timed out after {_secs(s.total_timeout)} (waiting for a connection)"

    async def _follow(self, client: httpx.AsyncClient, url: str, caching: CachingInfo) -> FetchResult:
        """GET `url`, following redirects by hand; raises _FetchFailed or httpx errors."""
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
                            raise _FetchFailed(f"too many redirects (more than {MAX_REDIRECTS})", status=status)
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
                            error=_status_message(status),
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
                raise _FetchFailed(f"redirect to a non-http(s) URL refused ({_clip(str(e), 80)})") from None
        raise AssertionError("unreachable")  # pragma: no cover

    async def _read_body(self, resp: httpx.Response) -> bytes:
        """Read and decode the body, stopping as soon as the decoded size passes the cap."""
        cap = self.settings.max_bytes
        status, headers = resp.status_code, _headers(resp.headers)
        too_big = f"body exceeds the {_size(cap)} size cap"
        encodings = [e.strip().lower() for e in resp.headers.get("content-encoding", "").split(",")]
        encodings = [e for e in encodings if e and e != "identity"]
        if not encodings:
            length = resp.headers.get("content-length", "").strip()
            if length.isdigit() and int(length) > cap:
                raise _FetchFailed(too_big, status=status, headers=headers)
        decoder = _Pipeline(encodings, status=status, headers=headers)
        chunks: list[bytes] = []
        size = 0

        def take(pieces: Iterable[bytes]) -> None:
            nonlocal size
            for piece in pieces:
                size += len(piece)
                if size > cap:
                    raise _FetchFailed(too_big, status=status, headers=headers)
                chunks.append(piece)

        async for raw in resp.aiter_raw():
            take(decoder.feed(raw))
        take(decoder.finish())
        return b"".join(chunks)

    # -- files -----------------------------------------------------------------------------------------

    async def _fetch_file(self, url: str, path: Path) -> FetchResult:
        cap = self.settings.max_bytes
        try:
            async with asyncio.timeout(self.settings.total_timeout):
                body = await asyncio.to_thread(_read_file, path, cap)
        except TimeoutError:
            return FetchResult(url=url, error=f"timed out after {_secs(self.settings.total_timeout)} (total)")
        except _FetchFailed as e:
            return FetchResult(url=url, error=e.message)
        except FileNotFoundError:
            return FetchResult(url=url, error=f"no such file: {path}")
        except PermissionError:
            return FetchResult(url=url, error=f"permission denied: {path}")
        except NotADirectoryError:
            return FetchResult(url=url, error=f"no such file: {path} (a parent is not a directory)")
        except OSError as e:
            return FetchResult(url=url, error=f"cannot read {path}: {_os_message(e)}")
        return FetchResult(url=url, body=body, headers={"content-type": _file_type(path)})


def _read_file(path: Path, cap: int) -> bytes:
    """Runs in a thread: refuse anything but a regular file, and never read more than cap+1 bytes."""
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode):
        raise _FetchFailed(f"is a directory, not a feed file: {path}")
    if not stat.S_ISREG(mode):
        raise _FetchFailed(f"not a regular file: {path}")
    with path.open("rb") as f:
        body = f.read(cap + 1)
    if len(body) > cap:
        raise _FetchFailed(f"file exceeds the {_size(cap)} size cap: {path}")
    return body


def _file_type(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in _FILE_TYPES:
        return _FILE_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


# -- decoding ------------------------------------------------------------------------------------------


class _Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...
    def finish(self) -> Iterator[bytes]: ...


class _ZlibDecoder:
    """gzip or deflate (zlib-wrapped, or raw as some servers send it), in pieces of at most _PIECE bytes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._gzip = name in ("gzip", "x-gzip")
        self._d: zlib._Decompress | None = zlib.decompressobj(zlib.MAX_WBITS | 16) if self._gzip else None
        self._head = b""
        self._seen = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        self._seen = True
        if self._d is None:  # deflate: look at the first two bytes to tell zlib-wrapped from raw
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            cmf, flg = data[0], data[1]
            wrapped = cmf & 0x0F == 8 and (cmf * 256 + flg) % 31 == 0
            self._d = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        d = self._d
        while not d.eof:
            out = d.decompress(data, _PIECE)
            if out:
                yield out
            data = d.unconsumed_tail
            if not data and len(out) < _PIECE:
                break

    def finish(self) -> Iterator[bytes]:
        if not self._seen:
            return  # an empty body labelled gzip: nothing to decode
        if self._d is None:
            raise _DecodeError(f"the {self.name}-encoded body is truncated")
        tail = self._d.flush()
        if tail:
            yield tail
        if not self._d.eof:
            raise _DecodeError(f"the {self.name}-encoded body is truncated")


class _BrotliDecoder:
    def __init__(self) -> None:
        assert brotli is not None
        self._d = brotli.Decompressor()
        self._bounded = hasattr(self._d, "can_accept_more_data")  # brotli >= 1.2
        self._seen = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        self._seen = True
        if not self._bounded:  # pragma: no cover - old brotli: no output limit available
            yield self._d.process(data)
            return
        out: bytes = self._d.process(data, output_buffer_limit=_PIECE)
        if out:
            yield out
        while not self._d.is_finished() and (out or not self._d.can_accept_more_data()):
            out = self._d.process(b"", output_buffer_limit=_PIECE)
            if out:
                yield out

    def finish(self) -> Iterator[bytes]:
        if self._seen and not self._d.is_finished():
            raise _DecodeError("the br-encoded body is truncated")
        yield from ()


class _DecodeError(Exception):
    pass


def _make_decoder(name: str) -> _Decoder:
    if name in ("gzip", "x-gzip", "deflate"):
        return _ZlibDecoder(name)
    if name == "br" and brotli is not None:
        return _BrotliDecoder()
    raise _DecodeError(f"unsupported Content-Encoding {name!r}")


def _through(decoder: _Decoder, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from decoder.feed(piece)


class _Pipeline:
    """Undo `Content-Encoding: a, b` (b applied last, so undone first), lazily and in bounded pieces."""

    def __init__(self, encodings: list[str], *, status: int, headers: dict[str, str]) -> None:
        self._status, self._headers = status, headers
        try:
            self._decoders = [_make_decoder(name) for name in reversed(encodings)]
        except _DecodeError as e:
            raise _FetchFailed(str(e), status=status, headers=headers) from None

    def _run(self, start: int, pieces: Iterable[bytes]) -> Iterator[bytes]:
        it: Iterable[bytes] = pieces
        for decoder in self._decoders[start:]:
            it = _through(decoder, it)
        return self._guard(it)

    def _guard(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        try:
            yield from pieces
        except (_DecodeError, zlib.error) as e:
            raise _FetchFailed(
                f"cannot decode the body: {e}", status=self._status, headers=self._headers
            ) from None
        except Exception as e:
            if brotli is not None and isinstance(e, brotli.error):
                raise _FetchFailed(
                    f"cannot decode the body: bad br data ({e})", status=self._status, headers=self._headers
                ) from None
            raise

    def feed(self, raw: bytes) -> Iterator[bytes]:
        return self._run(0, [raw])

    def finish(self) -> Iterator[bytes]:
        for i, decoder in enumerate(self._decoders):
            yield from self._run(i + 1, self._guard(decoder.finish()))


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
        raise _FetchFailed(
            f"HTTP {resp.status_code} redirect without a Location header", status=resp.status_code
        )
    scheme = location.split(":", 1)[0].lower() if ":" in location.split("/", 1)[0] else ""
    if scheme and scheme not in ("http", "https"):  # httpx cannot even parse some (javascript:, data:)
        raise _FetchFailed(f"redirect to a non-http(s) URL refused: {_clip(location)}", status=resp.status_code)
    try:
        target = resp.url.join(location)
    except httpx.InvalidURL:
        raise _FetchFailed(f"invalid redirect target: {_clip(location)}", status=resp.status_code) from None
    if target.scheme not in ("http", "https"):
        raise _FetchFailed(
            f"redirect to a non-http(s) URL refused: {_clip(location)}", status=resp.status_code
        )
    return target


def _headers(headers: httpx.Headers) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items()}


def _status_message(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


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


def _chain(e: BaseException) -> Iterator[BaseException]:
    """The exception and everything it was raised from, breadth-first, each once."""
    seen: set[int] = set()
    todo: list[BaseException] = [e]
    while todo:
        cur = todo.pop(0)
        if id(cur) in seen:
            continue
        seen.add(id(cur))
        yield cur
        todo.extend(x for x in (cur.__cause__, cur.__context__) if x is not None)
        if isinstance(cur, BaseExceptionGroup):
            todo.extend(cur.exceptions)


def _connect_message(e: httpx.ConnectError, host: str) -> str:
    for cause in _chain(e):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS error: certificate verify failed ({cause.verify_message})"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {_ssl_reason(cause)}"
        if isinstance(cause, socket.gaierror):
            return f"cannot resolve host {_clip(host, 100)!r}"
    for cause in _chain(e):
        if isinstance(cause, OSError) and cause.errno is not None:
            return _os_message(cause)
    text = _one_line(e)
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
        return f"TLS error: {text}"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return f"cannot resolve host {_clip(host, 100)!r}"
    if "Connection refused" in text:
        return "connection refused"
    return f"cannot connect: {text}"


def _ssl_reason(e: ssl.SSLError) -> str:
    reason = getattr(e, "reason", None)
    if reason:
        return str(reason).replace("_", " ").lower()
    return _one_line(e)


def _transport_message(e: httpx.TransportError) -> str:
    for cause in _chain(e):
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {_ssl_reason(cause)}"
        if isinstance(cause, OSError) and cause.errno is not None:
            return _os_message(cause)
    text = _one_line(e)
    m = re.search(r"received (\d+) bytes, expected (\d+)", text)
    if m:
        return f"connection closed before the body was complete ({m[1]} of {m[2]} bytes)"
    if isinstance(e, httpx.RemoteProtocolError):
        if "without sending complete message body" in text or "incomplete chunked read" in text:
            return "connection closed before the body was complete"
        if "Server disconnected" in text:
            return "the server closed the connection without a response"
        return f"the server broke the HTTP protocol: {text}"
    if isinstance(e, httpx.ReadError):
        return f"connection error while reading: {text}" if text else "connection error while reading"
    if isinstance(e, httpx.ProxyError):
        return f"proxy error: {text}"
    return f"network error: {text}" if text else f"network error ({type(e).__name__})"


_ERRNO_MESSAGES = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset by peer",
    errno.ECONNABORTED: "connection aborted",
    errno.EPIPE: "connection closed by the server",
    errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ETIMEDOUT: "connection timed out",
}


def _os_message(e: OSError) -> str:
    if e.errno in _ERRNO_MESSAGES:
        return _ERRNO_MESSAGES[e.errno]
    if e.strerror:
        return e.strerror[:1].lower() + e.strerror[1:]
    return _one_line(e) or type(e).__name__


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())[:300]


def _clip(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _secs(value: float) -> str:
    return f"{value:g} s"


def _size(n: int) -> str:
    mb = 1024 * 1024
    if n >= mb:
        return f"{n / mb:g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} bytes"
