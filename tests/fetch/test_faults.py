"""Fetcher against servers that misbehave: slow, huge, lying, resetting, rate limiting, refusing."""

from __future__ import annotations

import asyncio
import ssl
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import brotli
import pytest
from fetch_support import Handler, MakeFetcher, MakeServer, RawRequest, free_port, http_head, reset_connection
from pytest_httpserver import HTTPServer

from tui_news.fetch import Fetcher
from tui_news.models import CachingInfo, FetchResult

NO_CACHE = CachingInfo()
MB = 1024 * 1024


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """50 MB of zeros, gzipped to about 50 KB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(MB)
    body = b"".join(packer.compress(block) for _ in range(50)) + packer.flush()
    assert len(body) < 100_000
    return body


async def peak_memory_of(fetcher: Fetcher, url: str) -> tuple[FetchResult, int]:
    """Fetch `url` once untraced (lazy imports, first-time code paths), then again under tracemalloc.

    One-time costs don't grow with the body; what must stay bounded is the memory of each fetch.
    """
    await fetcher.fetch(url, NO_CACHE)
    tracemalloc.start()
    try:
        result = await fetcher.fetch(url, NO_CACHE)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


async def test_read_timeout(raw_server: MakeServer, fetcher: Fetcher) -> None:
    async def sleepy(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(5)

    server = await raw_server(sleepy)
    started = time.monotonic()
    result = await fetcher.fetch(server.url(), NO_CACHE)
    assert result.error == "timed out after 0.5 s (read)"
    assert result.status is None
    assert time.monotonic() - started < 1.5


async def test_slow_body_ends_at_total_timeout(raw_server: MakeServer, make_fetcher: MakeFetcher) -> None:
    async def dribble(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        writer.write(http_head(200, {"Content-Length": "1000"}))
        for _ in range(1000):  # one byte every 0.2 s: never trips the 0.5 s read timeout
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(0.2)

    server = await raw_server(dribble)
    fetcher = await make_fetcher(total_timeout=1.0)
    started = time.monotonic()
    result = await fetcher.fetch(server.url(), NO_CACHE)
    elapsed = time.monotonic() - started
    assert result.error == "timed out after 1 s (total)"
    assert result.body is None
    assert 0.9 <= elapsed < 1.8


async def test_gzip_bomb_stops_at_cap_quickly(server: HTTPServer, fetcher: Fetcher, gzip_bomb: bytes) -> None:
    server.expect_request("/bomb").respond_with_data(gzip_bomb, headers={"Content-Encoding": "gzip"})
    started = time.monotonic()
    result = await fetcher.fetch(server.url_for("/bomb"), NO_CACHE)
    assert time.monotonic() - started < 1.0
    assert result.error == "body exceeds the 1 MB size cap"
    assert result.body is None
    assert result.status == 200


def serve_bytes(body: bytes, headers: dict[str, str]) -> Handler:
    async def handler(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        writer.write(http_head(200, {**headers, "Content-Length": str(len(body))}) + body)
        await writer.drain()

    return handler


# The memory tests serve from the in-loop raw server, not pytest-httpserver: its thread's own allocations
# (werkzeug imports its traceback renderer the first time a client hangs up) would count in the peak.


async def test_gzip_bomb_memory_stays_bounded(
    raw_server: MakeServer, fetcher: Fetcher, gzip_bomb: bytes
) -> None:
    server = await raw_server(serve_bytes(gzip_bomb, {"Content-Encoding": "gzip"}))
    result, peak = await peak_memory_of(fetcher, server.url())
    assert result.error == "body exceeds the 1 MB size cap"
    assert peak < 3 * MB  # the cap plus a few 64 KB pieces, never the 50 MB


async def test_brotli_bomb_stops_at_cap_with_bounded_memory(raw_server: MakeServer, fetcher: Fetcher) -> None:
    bomb = brotli.compress(bytes(200 * MB), quality=1)  # 200 MB in about 40 KB
    assert len(bomb) < 100_000
    server = await raw_server(serve_bytes(bomb, {"Content-Encoding": "br"}))
    result, peak = await peak_memory_of(fetcher, server.url())
    assert result.error == "body exceeds the 1 MB size cap"
    assert peak < 3 * MB


async def test_body_at_the_cap_passes_one_byte_more_fails(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/exact").respond_with_data(b"a" * MB)
    server.expect_request("/over").respond_with_data(b"a" * (MB + 1))
    exact = await fetcher.fetch(server.url_for("/exact"), NO_CACHE)
    assert exact.error is None
    assert exact.body is not None and len(exact.body) == MB
    over = await fetcher.fetch(server.url_for("/over"), NO_CACHE)
    assert over.error == "body exceeds the 1 MB size cap"


async def test_content_length_over_cap_refused_early(raw_server: MakeServer, fetcher: Fetcher) -> None:
    sent: list[int] = []

    async def huge(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        writer.write(http_head(200, {"Content-Length": str(100 * MB)}))
        for _ in range(100):
            writer.write(bytes(MB))
            await writer.drain()
            sent.append(1)

    server = await raw_server(huge)
    result = await fetcher.fetch(server.url(), NO_CACHE)
    assert result.error == "body exceeds the 1 MB size cap"
    assert len(sent) < 50  # the client hung up long before the end


async def test_chunked_body_over_cap(raw_server: MakeServer, fetcher: Fetcher) -> None:
    async def chunked(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        writer.write(http_head(200, {"Transfer-Encoding": "chunked"}))
        piece = bytes(256 * 1024)
        for _ in range(40):
            writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            await writer.drain()
        writer.write(b"0\r\n\r\n")

    server = await raw_server(chunked)
    result = await fetcher.fetch(server.url(), NO_CACHE)
    assert result.error == "body exceeds the 1 MB size cap"


async def test_connection_reset_mid_body(raw_server: MakeServer, fetcher: Fetcher) -> None:
    async def crash(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        writer.write(http_head(200, {"Content-Length": "10000"}) + b"<rss>" * 20)
        await writer.drain()
        await asyncio.sleep(0.1)
        reset_connection(writer)

    server = await raw_server(crash)
    result = await fetcher.fetch(server.url(), NO_CACHE)
    assert result.error in ("connection reset by peer", "connection closed before the body was complete")
    assert result.body is None


async def test_short_body_against_content_length(raw_server: MakeServer, fetcher: Fetcher) -> None:
    async def liar(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        writer.write(http_head(200, {"Content-Length": "100"}) + b"0123456789")
        await writer.drain()

    server = await raw_server(liar)
    result = await fetcher.fetch(server.url(), NO_CACHE)
    assert result.error == "connection closed before the body was complete (10 of 100 bytes)"


async def test_garbage_instead_of_http(raw_server: MakeServer, fetcher: Fetcher) -> None:
    async def garbage(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        writer.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        await writer.drain()

    server = await raw_server(garbage)
    result = await fetcher.fetch(server.url(), NO_CACHE)
    assert result.error is not None and result.error.startswith("the server broke the HTTP protocol")


async def test_server_closes_without_response(raw_server: MakeServer, fetcher: Fetcher) -> None:
    async def hang_up(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        return

    server = await raw_server(hang_up)
    result = await fetcher.fetch(server.url(), NO_CACHE)
    assert result.error == "the server closed the connection without a response"


async def test_connection_refused(fetcher: Fetcher) -> None:
    result = await fetcher.fetch(f"http://127.0.0.1:{free_port()}/feed", NO_CACHE)
    assert result.error == "connection refused"
    assert result.status is None


async def test_429_retry_after_seconds(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/feed").respond_with_data(b"slow down", status=429, headers={"Retry-After": "120"})
    before = datetime.now(UTC)
    result = await fetcher.fetch(server.url_for("/feed"), NO_CACHE)
    assert result.error == "HTTP 429 Too Many Requests"
    assert result.status == 429
    assert result.retry_after is not None
    assert result.retry_after.tzinfo is not None
    assert before + timedelta(seconds=119) <= result.retry_after <= datetime.now(UTC) + timedelta(seconds=121)


async def test_503_retry_after_http_date(server: HTTPServer, fetcher: Fetcher) -> None:
    when = (datetime.now(UTC) + timedelta(hours=2)).replace(microsecond=0)
    server.expect_request("/feed").respond_with_data(
        b"", status=503, headers={"Retry-After": format_datetime(when, usegmt=True)}
    )
    result = await fetcher.fetch(server.url_for("/feed"), NO_CACHE)
    assert result.error == "HTTP 503 Service Unavailable"
    assert result.retry_after == when
    assert result.retry_after is not None and result.retry_after.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("soon", None),
        ("", None),
        ("-5", None),
        ("99999999999999999999", timedelta(days=7)),  # clamped, and no OverflowError
        ("Thu, 01 Jan 1970 00:00:00 GMT", timedelta(0)),  # in the past: now
    ],
)
async def test_retry_after_odd_values(
    server: HTTPServer, fetcher: Fetcher, header: str, expected: timedelta | None
) -> None:
    server.expect_request("/feed").respond_with_data(b"", status=429, headers={"Retry-After": header})
    before = datetime.now(UTC)
    result = await fetcher.fetch(server.url_for("/feed"), NO_CACHE)
    assert result.error == "HTTP 429 Too Many Requests"
    if expected is None:
        assert result.retry_after is None
    else:
        assert result.retry_after is not None
        assert abs(result.retry_after - (before + expected)) < timedelta(seconds=2)


async def test_per_host_bound(raw_server: MakeServer, make_fetcher: MakeFetcher) -> None:
    active = peak = 0

    async def counting(request: RawRequest, writer: asyncio.StreamWriter) -> None:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        try:
            await asyncio.sleep(0.15)
        finally:
            active -= 1
        writer.write(http_head(200, {"Content-Length": "2"}) + b"ok")
        await writer.drain()

    server = await raw_server(counting)
    fetcher = await make_fetcher(concurrency=16, per_host=2)
    results = await asyncio.gather(*(fetcher.fetch(server.url(f"/f{i}"), NO_CACHE) for i in range(8)))
    assert [r.body for r in results] == [b"ok"] * 8
    assert peak == 2
    assert len(server.requests) == 8


async def test_global_bound_across_hosts(raw_server: MakeServer, make_fetcher: MakeFetcher) -> None:
    active: dict[str, int] = {"all": 0}
    peaks: dict[str, int] = {}

    def counting(host: str):  # type: ignore[no-untyped-def]
        async def handler(request: RawRequest, writer: asyncio.StreamWriter) -> None:
            for key in ("all", host):
                active[key] = active.get(key, 0) + 1
                peaks[key] = max(peaks.get(key, 0), active[key])
            try:
                await asyncio.sleep(0.15)
            finally:
                for key in ("all", host):
                    active[key] -= 1
            writer.write(http_head(200, {"Content-Length": "2"}) + b"ok")
            await writer.drain()

        return handler

    one = await raw_server(counting("one"), host="127.0.0.1")
    two = await raw_server(counting("two"), host="127.0.0.2")
    fetcher = await make_fetcher(concurrency=3, per_host=2)
    urls = [s.url(f"/f{i}") for i in range(5) for s in (one, two)]
    results = await asyncio.gather(*(fetcher.fetch(url, NO_CACHE) for url in urls))
    assert all(r.body == b"ok" for r in results)
    assert peaks == {"all": 3, "one": 2, "two": 2}


async def test_self_signed_certificate_refused_unless_feed_says_verify_false(
    raw_server: MakeServer, fetcher: Fetcher, self_signed: ssl.SSLContext
) -> None:
    server = await raw_server(serve_bytes(b"<rss/>", {}), tls=self_signed)
    assert server.url().startswith("https://")

    checked = await fetcher.fetch(server.url(), NO_CACHE)
    assert checked.error == "TLS error: certificate verify failed (self-signed certificate)"
    assert checked.status is None

    unchecked = await fetcher.fetch(server.url(), NO_CACHE, verify=False)
    assert unchecked.error is None
    assert unchecked.body == b"<rss/>"

    again = await fetcher.fetch(server.url(), NO_CACHE)  # verify=False stayed with that one feed
    assert again.error == "TLS error: certificate verify failed (self-signed certificate)"


async def test_tls_handshake_never_answered_is_a_connect_timeout(
    raw_server: MakeServer, make_fetcher: MakeFetcher
) -> None:
    server = await raw_server(serve_bytes(b"<rss/>", {}))  # plain HTTP: it waits for a request, not a hello
    fetcher = await make_fetcher(connect_timeout=0.4)
    started = time.monotonic()
    result = await fetcher.fetch(server.url().replace("http://", "https://"), NO_CACHE)
    assert result.error == "timed out after 0.4 s (connect)"
    assert time.monotonic() - started < 1.5
