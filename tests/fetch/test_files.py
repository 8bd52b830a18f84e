"""Offline use: file:// URLs and plain paths, plus URLs the fetcher must refuse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fetch_support import MakeFetcher

from tui_news.fetch import Fetcher
from tui_news.models import CachingInfo, Settings

NO_CACHE = CachingInfo()
FEED = "<rss version='2.0'><channel><title>Báo chí</title></channel></rss>".encode()


@pytest.fixture
def feed_file(tmp_path: Path) -> Path:
    path = tmp_path / "tin tức.xml"  # a space and non-ASCII letters: the file URL is percent-encoded
    path.write_bytes(FEED)
    return path


async def test_file_url(fetcher: Fetcher, feed_file: Path) -> None:
    url = feed_file.as_uri()
    assert "%20" in url
    result = await fetcher.fetch(url, NO_CACHE)
    assert result.error is None
    assert result.body == FEED
    assert result.status is None
    assert result.url == url
    assert result.headers == {"content-type": "application/xml"}


async def test_file_url_with_localhost(fetcher: Fetcher, feed_file: Path) -> None:
    result = await fetcher.fetch(feed_file.as_uri().replace("file://", "file://localhost"), NO_CACHE)
    assert result.body == FEED


async def test_file_url_on_another_host_refused(fetcher: Fetcher) -> None:
    result = await fetcher.fetch("file://fileserver/share/feed.xml", NO_CACHE)
    assert result.error == "file URL on another host not supported: fileserver"


async def test_absolute_relative_and_home_paths(
    fetcher: Fetcher, feed_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    absolute = await fetcher.fetch(str(feed_file), NO_CACHE)
    assert absolute.body == FEED

    monkeypatch.chdir(feed_file.parent)
    relative = await fetcher.fetch(f"./{feed_file.name}", NO_CACHE)
    assert relative.body == FEED
    bare = await fetcher.fetch(feed_file.name, NO_CACHE)
    assert bare.body == FEED

    monkeypatch.setenv("HOME", str(feed_file.parent))
    home = await fetcher.fetch(f"~/{feed_file.name}", NO_CACHE)
    assert home.error is None
    assert home.body == FEED


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("feed.json", "application/json"),
        ("feed.rss", "application/rss+xml"),
        ("feed.atom", "application/atom+xml"),
        ("FEED.XML", "application/xml"),
        ("feed.html", "text/html"),
        ("feed", "application/octet-stream"),
    ],
)
async def test_content_type_from_suffix(
    fetcher: Fetcher, tmp_path: Path, name: str, content_type: str
) -> None:
    path = tmp_path / name
    path.write_bytes(b"{}")
    result = await fetcher.fetch(str(path), NO_CACHE)
    assert result.headers["content-type"] == content_type


async def test_missing_file(fetcher: Fetcher, tmp_path: Path) -> None:
    missing = tmp_path / "nope.xml"
    assert (await fetcher.fetch(str(missing), NO_CACHE)).error == f"no such file: {missing}"
    result = await fetcher.fetch(missing.as_uri(), NO_CACHE)
    assert result.error == f"no such file: {missing}"
    assert result.body is None
    assert result.status is None


async def test_directory_and_special_files_refused(fetcher: Fetcher, tmp_path: Path) -> None:
    directory = await fetcher.fetch(str(tmp_path), NO_CACHE)
    assert directory.error == f"is a directory, not a feed file: {tmp_path}"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    special = await fetcher.fetch(str(fifo), NO_CACHE)  # opening a FIFO would block forever
    assert special.error == f"not a regular file: {fifo}"


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads any file")
async def test_unreadable_file(fetcher: Fetcher, feed_file: Path) -> None:
    feed_file.chmod(0)
    try:
        result = await fetcher.fetch(str(feed_file), NO_CACHE)
    finally:
        feed_file.chmod(0o644)
    assert result.error == f"permission denied: {feed_file}"


async def test_file_size_cap(make_fetcher: MakeFetcher, tmp_path: Path) -> None:
    fetcher = await make_fetcher(max_bytes=1000)
    exact, over = tmp_path / "exact.xml", tmp_path / "over.xml"
    exact.write_bytes(b"a" * 1000)
    over.write_bytes(b"a" * 1001)
    assert (await fetcher.fetch(str(exact), NO_CACHE)).body == b"a" * 1000
    result = await fetcher.fetch(str(over), NO_CACHE)
    assert result.error == f"file exceeds the 1000 bytes size cap: {over}"
    assert result.body is None


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("javascript:alert(1)", "javascript"),
        ("ftp://example.com/feed.xml", "ftp"),
        ("data:text/xml,<rss/>", "data"),
        ("feed://example.com/rss", "feed"),
        ("HTTPX://example.com/rss", "httpx"),
    ],
)
async def test_unsupported_scheme(fetcher: Fetcher, url: str, scheme: str) -> None:
    result = await fetcher.fetch(url, NO_CACHE)
    assert result.error == f"unsupported URL scheme {scheme!r}"
    assert result.body is None


async def test_fetch_outside_context_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="outside"):
        await Fetcher(Settings()).fetch(str(tmp_path / "x.xml"), NO_CACHE)
