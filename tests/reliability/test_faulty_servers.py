"""Faulty servers at the refresh level: one `Service.refresh` (and one `tui-news refresh`) over every fault at once.

The Fetcher-level behaviour of each fault is pinned in tests/fetch; here the point is the whole pipeline: the
refresh ends within its timeouts, each bad feed stores a readable error, the good feeds beside them refresh
normally, and memory stays bounded while a bomb and an endless body are being refused.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from tui_news.config import load_config
from tui_news.service import Service

from . import faultserver as fs
from .conftest import RssPeak, run_cli, write_config

SETTINGS = "connect_timeout = 1\nread_timeout = 1.5\ntotal_timeout = 3\nmax_bytes = 2097152\nrefresh_minutes = 1\n"
WALL_LIMIT = 8.0
"""total_timeout (3 s) + slack: every feed runs concurrently, so the slowest fault bounds the refresh."""
GOOD = ("good-1", "good-2", "good-3")


def _bad_feeds(server: fs.FaultServer, bomb: bytes) -> dict[str, tuple[str, str]]:
    """name -> (url, a fragment the stored error must contain)."""
    retry_date = format_datetime(datetime.now(UTC) + timedelta(hours=3), usegmt=True)
    routes: dict[str, tuple[fs.Handler, str]] = {
        "slow-headers": (fs.slow_headers, "timed out"),
        "slow-body": (fs.slow_body, "timed out"),
        "reset": (fs.reset_mid_body, "connection"),
        "truncated-gzip": (fs.truncated_gzip, "truncated"),
        "wrong-length": (fs.wrong_content_length, "closed before the body was complete"),
        "http-500": (fs.status(500), "HTTP 500"),
        "http-503": (fs.status(503, {"Retry-After": "7200"}), "HTTP 503"),
        "http-429": (fs.status(429, {"Retry-After": retry_date}), "HTTP 429"),
        "loop": (fs.redirect("/loop"), "too many redirects"),
        "to-file": (fs.redirect("file:///etc/passwd"), "non-http(s) URL refused"),
        "to-ftp": (fs.redirect("ftp://127.0.0.1/feed.xml", 301), "non-http(s) URL refused"),
        "endless": (fs.endless_body, "size cap"),
        "bomb": (fs.serve_bytes(bomb, {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}),
                 "size cap"),
    }
    feeds = {name: (server.route(f"/{name}", handler), fragment) for name, (handler, fragment) in routes.items()}
    server.static("/tls-strict.xml", fs.feed_xml("TLS strict"))
    feeds["tls-strict"] = (server.tls_url("/tls-strict.xml"), "TLS error: certificate verify failed")
    return feeds


Setup = tuple[Path, dict[str, tuple[str, str]], dict[str, str]]


def _setup(server: fs.FaultServer, tmp_path: Path, bomb: bytes) -> Setup:
    bad = _bad_feeds(server, bomb)
    good = {name: server.static(f"/{name}.xml", fs.feed_xml(name, 4, prefix=name),
                                {"Content-Type": "application/rss+xml"}) for name in GOOD}
    server.static("/tls-insecure.xml", fs.feed_xml("TLS insecure", 4, prefix="tls"))
    good["tls-insecure"] = server.tls_url("/tls-insecure.xml")
    local = tmp_path / "local.xml"
    local.write_bytes(fs.feed_xml("Local", 4, prefix="local"))
    good["local-file"] = local.as_uri()
    feeds: list[str | tuple[str, str]] = [url for url, _ in bad.values()]
    feeds += [(url, "verify = false") if name == "tls-insecure" else url for name, url in good.items()]
    return write_config(tmp_path / "feeds.toml", feeds, SETTINGS), bad, good


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return fs.gzip_bomb(128 * 1024 * 1024)


def readable(message: str | None) -> bool:
    return bool(message) and "\n" not in message and "Traceback" not in message and len(message) < 400 \
        and "internal error" not in message and message.isprintable()


async def test_one_refresh_over_every_fault(fault_server: fs.FaultServer, tmp_path: Path, bomb: bytes) -> None:
    config_path, bad, good = _setup(fault_server, tmp_path, bomb)
    service = Service.open(load_config(config_path), tmp_path / "cache.db", processes=1)
    try:
        before = datetime.now(UTC)
        with RssPeak() as memory:
            started = time.monotonic()
            outcomes = {o.url: o for o in await service.refresh()}
            elapsed = time.monotonic() - started
        assert elapsed < WALL_LIMIT, f"refresh took {elapsed:.1f} s"
        assert memory.growth < 200 * 1024 * 1024, f"RSS grew by {memory.growth / 2**20:.0f} MB"
        feeds = {f.url: f for f in service.feeds()}
        for name, (url, fragment) in bad.items():
            feed, outcome = feeds[url], outcomes[url]
            assert outcome.error is not None, name
            assert readable(feed.last_error), (name, feed.last_error)
            assert fragment in feed.last_error, (name, feed.last_error)
            assert feed.error_count == 1 and feed.unread == 0, name
        for name, url in good.items():
            feed = feeds[url]
            assert outcomes[url].error is None and outcomes[url].new == 4, (name, outcomes[url])
            assert feed.last_error is None and feed.unread == 4, name
        assert service.count_articles() == 4 * len(good)
        # Retry-After pushes the next attempt back past the ordinary (1 minute) back-off.
        after_503 = feeds[bad["http-503"][0]].next_refresh
        after_429 = feeds[bad["http-429"][0]].next_refresh
        after_500 = feeds[bad["http-500"][0]].next_refresh
        assert after_503 is not None and after_503 >= before + timedelta(seconds=7200 - 5)
        assert after_429 is not None and after_429 >= before + timedelta(hours=3, seconds=-5)
        assert after_500 is not None and after_500 <= datetime.now(UTC) + timedelta(minutes=1, seconds=5)
        assert service.repo.integrity_check() == "ok"
        # Due-only refresh (the app's timer) leaves the Retry-After feeds alone.
        fault_server.requests.clear()
        await service.refresh(due_only=True)
        assert "/http-503" not in fault_server.paths and "/http-429" not in fault_server.paths
    finally:
        service.close()


def test_cli_refresh_over_every_fault(fault_server: fs.FaultServer, tmp_path: Path, bomb: bytes) -> None:
    config_path, bad, good = _setup(fault_server, tmp_path, bomb)
    started = time.monotonic()
    proc = run_cli("refresh", "--config", str(config_path), "--db", str(tmp_path / "c.db"), cwd=tmp_path)
    elapsed = time.monotonic() - started
    assert elapsed < WALL_LIMIT + 10, f"tui-news refresh took {elapsed:.1f} s"  # + interpreter start-up
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stdout.splitlines()
    assert lines[-1] == f"{len(bad) + len(good)} feeds: {len(good)} ok, {len(bad)} failed"
    assert sum(line.startswith("FAILED") for line in lines) == len(bad)
    assert sum(line.startswith("ok ") and ": 4 new, 0 updated" in line for line in lines) == len(good)
