"""Fetcher against a well-behaved HTTP server on 127.0.0.1: bodies, headers, caching, encodings, redirects."""

from __future__ import annotations

import gzip
import zlib

import brotli
from pytest_httpserver import HTTPServer

from tui_news import __version__
from tui_news.fetch import Fetcher
from tui_news.models import CachingInfo, Settings

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Tin t\xe1\xbb\xa9c</title></channel></rss>'
NO_CACHE = CachingInfo()


async def test_200_returns_body_headers_and_validators(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/feed").respond_with_data(
        FEED,
        content_type="application/rss+xml; charset=utf-8",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 01 Jan 2025 10:00:00 GMT", "X-Custom": "yes"},
    )
    result = await fetcher.fetch(server.url_for("/feed"), NO_CACHE)

    assert result.error is None
    assert result.ok
    assert result.status == 200
    assert result.body == FEED
    assert result.url == server.url_for("/feed")
    assert result.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert result.headers["x-custom"] == "yes"
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 01 Jan 2025 10:00:00 GMT"
    assert result.permanent_url is None
    assert result.retry_after is None

    (request, _), *_ = server.log
    assert request.headers["User-Agent"] == f"tui-news/{__version__} (+https://github.com/tui-news/tui-news)"
    assert request.headers["Accept-Encoding"] == "gzip, deflate, br"
    assert "application/rss+xml" in request.headers["Accept"]
    assert "If-None-Match" not in request.headers
    assert "If-Modified-Since" not in request.headers


async def test_custom_user_agent(server: HTTPServer) -> None:
    server.expect_request("/feed").respond_with_data(FEED)
    async with Fetcher(Settings(), user_agent="probe/1") as fetcher:
        result = await fetcher.fetch(server.url_for("/feed"), NO_CACHE)
    assert result.status == 200
    assert server.log[0][0].headers["User-Agent"] == "probe/1"


async def test_304_after_etag_sends_if_none_match(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_oneshot_request("/feed").respond_with_data(FEED, headers={"ETag": '"abc"'})
    server.expect_oneshot_request("/feed", headers={"If-None-Match": '"abc"'}).respond_with_data(
        b"", status=304
    )

    first = await fetcher.fetch(server.url_for("/feed"), NO_CACHE)
    assert first.etag == '"abc"'
    second = await fetcher.fetch(server.url_for("/feed"), CachingInfo(etag=first.etag))

    assert second.error is None
    assert second.status == 304
    assert second.not_modified
    assert second.body is None
    assert second.etag == '"abc"'  # kept from the caching info: the 304 had no ETag
    assert server.log[1][0].headers["If-None-Match"] == '"abc"'
    assert "If-Modified-Since" not in server.log[1][0].headers
    server.check_assertions()


async def test_304_after_last_modified_sends_if_modified_since(server: HTTPServer, fetcher: Fetcher) -> None:
    stamp = "Tue, 07 Jan 2025 08:30:00 GMT"
    server.expect_oneshot_request("/feed").respond_with_data(FEED, headers={"Last-Modified": stamp})
    server.expect_oneshot_request("/feed", headers={"If-Modified-Since": stamp}).respond_with_data(
        b"", status=304, headers={"ETag": '"new"'}
    )

    first = await fetcher.fetch(server.url_for("/feed"), NO_CACHE)
    assert first.last_modified == stamp
    assert first.etag is None
    second = await fetcher.fetch(server.url_for("/feed"), CachingInfo(last_modified=first.last_modified))

    assert second.not_modified
    assert second.body is None
    assert second.last_modified == stamp
    assert second.etag == '"new"'  # the 304's own validator wins
    assert server.log[1][0].headers["If-Modified-Since"] == stamp
    assert "If-None-Match" not in server.log[1][0].headers
    server.check_assertions()


async def test_both_validators_sent_together(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/feed").respond_with_data(b"", status=304)
    caching = CachingInfo(etag='W/"x"', last_modified="Mon, 06 Jan 2025 00:00:00 GMT")
    result = await fetcher.fetch(server.url_for("/feed"), caching)
    assert result.not_modified
    assert (result.etag, result.last_modified) == (caching.etag, caching.last_modified)
    headers = server.log[0][0].headers
    assert headers["If-None-Match"] == 'W/"x"'
    assert headers["If-Modified-Since"] == "Mon, 06 Jan 2025 00:00:00 GMT"


async def test_validator_with_control_character_is_not_sent(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/feed").respond_with_data(FEED)
    result = await fetcher.fetch(server.url_for("/feed"), CachingInfo(etag='"a"\r\nX-Evil: 1'))
    assert result.status == 200
    assert "If-None-Match" not in server.log[0][0].headers
    assert "X-Evil" not in server.log[0][0].headers


async def test_gzip_body_is_decoded(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/feed").respond_with_data(
        gzip.compress(FEED * 100), headers={"Content-Encoding": "gzip"}
    )
    result = await fetcher.fetch(server.url_for("/feed"), NO_CACHE)
    assert result.error is None
    assert result.body == FEED * 100


async def test_deflate_zlib_wrapped_and_raw(server: HTTPServer, fetcher: Fetcher) -> None:
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_body = raw.compress(FEED) + raw.flush()
    server.expect_request("/wrapped").respond_with_data(
        zlib.compress(FEED), headers={"Content-Encoding": "deflate"}
    )
    server.expect_request("/raw").respond_with_data(raw_body, headers={"Content-Encoding": "deflate"})
    assert (await fetcher.fetch(server.url_for("/wrapped"), NO_CACHE)).body == FEED
    assert (await fetcher.fetch(server.url_for("/raw"), NO_CACHE)).body == FEED


async def test_brotli_body_is_decoded(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/feed").respond_with_data(
        brotli.compress(FEED * 50), headers={"Content-Encoding": "br"}
    )
    result = await fetcher.fetch(server.url_for("/feed"), NO_CACHE)
    assert result.error is None
    assert result.body == FEED * 50


async def test_stacked_encodings_are_undone_in_reverse(server: HTTPServer, fetcher: Fetcher) -> None:
    body = brotli.compress(gzip.compress(FEED))  # gzip first, then br
    server.expect_request("/feed").respond_with_data(body, headers={"Content-Encoding": "gzip, br"})
    assert (await fetcher.fetch(server.url_for("/feed"), NO_CACHE)).body == FEED


async def test_truncated_and_garbage_gzip_are_errors(server: HTTPServer, fetcher: Fetcher) -> None:
    packed = gzip.compress(FEED * 20)
    server.expect_request("/cut").respond_with_data(
        packed[: len(packed) // 2], headers={"Content-Encoding": "gzip"}
    )
    server.expect_request("/junk").respond_with_data(
        b"this is not gzip at all", headers={"Content-Encoding": "gzip"}
    )

    cut = await fetcher.fetch(server.url_for("/cut"), NO_CACHE)
    assert cut.error == "cannot decode the body: the gzip-encoded body is truncated"
    assert cut.body is None
    junk = await fetcher.fetch(server.url_for("/junk"), NO_CACHE)
    assert junk.error is not None and junk.error.startswith("cannot decode the body:")
    assert junk.status == 200


async def test_truncated_and_garbage_brotli_are_errors(server: HTTPServer, fetcher: Fetcher) -> None:
    packed = brotli.compress(bytes(range(256)) * 400)
    half = packed[: len(packed) // 2]
    server.expect_request("/cut").respond_with_data(half, headers={"Content-Encoding": "br"})
    server.expect_request("/junk").respond_with_data(b"\xff" * 64, headers={"Content-Encoding": "br"})
    cut = await fetcher.fetch(server.url_for("/cut"), NO_CACHE)
    assert cut.error == "cannot decode the body: the br-encoded body is truncated"
    junk = await fetcher.fetch(server.url_for("/junk"), NO_CACHE)
    assert junk.error is not None and junk.error.startswith("cannot decode the body: bad br data")


async def test_empty_body_labelled_gzip_is_empty(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/feed").respond_with_data(b"", headers={"Content-Encoding": "gzip"})
    result = await fetcher.fetch(server.url_for("/feed"), NO_CACHE)
    assert (result.error, result.body) == (None, b"")


async def test_unknown_content_encoding_is_an_error(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/feed").respond_with_data(b"xx", headers={"Content-Encoding": "zstd"})
    result = await fetcher.fetch(server.url_for("/feed"), NO_CACHE)
    assert result.error == "unsupported Content-Encoding 'zstd'"


async def test_permanent_redirect_chain_sets_permanent_url(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/old").respond_with_data(b"", status=301, headers={"Location": "/older/mid"})
    server.expect_request("/older/mid").respond_with_data(b"", status=308, headers={"Location": "final"})
    server.expect_request("/older/final").respond_with_data(FEED, headers={"ETag": '"e"'})

    result = await fetcher.fetch(server.url_for("/old"), NO_CACHE)

    assert result.error is None
    assert result.body == FEED
    assert result.url == server.url_for("/old")
    assert result.permanent_url == server.url_for("/older/final")  # relative Location resolved
    assert result.etag == '"e"'
    assert [r.path for r, _ in server.log] == ["/old", "/older/mid", "/older/final"]


async def test_temporary_hop_means_no_permanent_url(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/a").respond_with_data(b"", status=301, headers={"Location": "/b"})
    server.expect_request("/b").respond_with_data(b"", status=302, headers={"Location": "/feed"})
    server.expect_request("/feed").respond_with_data(FEED)
    result = await fetcher.fetch(server.url_for("/a"), NO_CACHE)
    assert result.status == 200
    assert result.body == FEED
    assert result.permanent_url is None


async def test_permanent_redirect_then_304_keeps_conditional_headers(
    server: HTTPServer, fetcher: Fetcher
) -> None:
    server.expect_request("/old").respond_with_data(b"", status=301, headers={"Location": "/new"})
    server.expect_request("/new", headers={"If-None-Match": '"z"'}).respond_with_data(b"", status=304)
    result = await fetcher.fetch(server.url_for("/old"), CachingInfo(etag='"z"'))
    assert result.not_modified
    assert result.permanent_url == server.url_for("/new")


async def test_five_redirects_ok_six_too_many(server: HTTPServer, fetcher: Fetcher) -> None:
    for i in range(6):
        server.expect_request(f"/r{i}").respond_with_data(b"", status=307, headers={"Location": f"/r{i + 1}"})
    server.expect_request("/r6").respond_with_data(FEED)

    five = await fetcher.fetch(server.url_for("/r1"), NO_CACHE)  # r1 -> ... -> r6: five hops
    assert five.error is None
    assert five.body == FEED

    six = await fetcher.fetch(server.url_for("/r0"), NO_CACHE)
    assert six.error == "too many redirects (more than 5)"
    assert six.body is None
    assert six.status == 307


async def test_redirect_loop_ends(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/loop").respond_with_data(b"", status=302, headers={"Location": "/loop"})
    result = await fetcher.fetch(server.url_for("/loop"), NO_CACHE)
    assert result.error == "too many redirects (more than 5)"
    assert len(server.log) == 6


async def test_redirect_to_ftp_is_refused(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/feed").respond_with_data(
        b"", status=302, headers={"Location": "ftp://files.example.com/feed.xml"}
    )
    result = await fetcher.fetch(server.url_for("/feed"), NO_CACHE)
    assert result.error == "redirect to a non-http(s) URL refused: ftp://files.example.com/feed.xml"
    assert result.status == 302


async def test_redirect_without_location(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/feed").respond_with_data(b"", status=301)
    result = await fetcher.fetch(server.url_for("/feed"), NO_CACHE)
    assert result.error == "HTTP 301 redirect without a Location header"


async def test_404_and_500_are_readable_errors(server: HTTPServer, fetcher: Fetcher) -> None:
    server.expect_request("/missing").respond_with_data(b"nope", status=404)
    server.expect_request("/broken").respond_with_data(b"boom", status=500)
    server.expect_request("/odd").respond_with_data(b"?", status=599)

    missing = await fetcher.fetch(server.url_for("/missing"), NO_CACHE)
    assert (missing.status, missing.error, missing.body) == (404, "HTTP 404 Not Found", None)
    assert not missing.ok
    broken = await fetcher.fetch(server.url_for("/broken"), NO_CACHE)
    assert (broken.status, broken.error) == (500, "HTTP 500 Internal Server Error")
    odd = await fetcher.fetch(server.url_for("/odd"), NO_CACHE)
    assert (odd.status, odd.error) == (599, "HTTP 599")
    assert missing.retry_after is None


async def test_invalid_urls_are_errors_not_exceptions(fetcher: Fetcher) -> None:
    for url in ("http:///feed.xml", "http://[::1", "https://xn--zz.example/", "http://example.com:abc/"):
        result = await fetcher.fetch(url, NO_CACHE)
        assert result.error is not None and result.error.startswith("invalid URL: "), (url, result.error)
    assert (await fetcher.fetch("  ", NO_CACHE)).error == "empty URL"
    assert (await fetcher.fetch("~nosuchuser9/feed.xml", NO_CACHE)).error == (
        "cannot find the home directory in ~nosuchuser9/feed.xml"
    )
