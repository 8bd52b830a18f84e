"""Fetch edges that escaped the limits (issue 10, faults 3 and 13).

- a local "file" whose open or read would wait forever must not keep `tui-news refresh` alive past its total
  timeout (it was killed by `timeout` after 30 s, printing nothing);
- `Content-Encoding: gzip` 3,000 times ended in `internal error: RecursionError`;
- a Content-Length shorter than the body was stored as a success (`ok 0 new`).
"""

from __future__ import annotations

import asyncio
import gzip
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_news.fetch import Fetcher
from tui_news.models import CachingInfo, Settings

from .conftest import cli_env, run_cli, write_config
from .faultserver import FaultServer, Request, feed_xml, head

TOTAL = 3.0
GRACE = 5.0

# Holds a write lease on a file: any other open() of it waits until the lease is released or the kernel breaks
# it (/proc/sys/fs/lease-break-time, 45 s by default). SIGIO (sent when someone opens the file) is ignored.
LEASE_HOLDER = textwrap.dedent("""
    import fcntl, os, signal, sys
    signal.signal(signal.SIGIO, signal.SIG_IGN)
    fd = os.open(sys.argv[1], os.O_RDONLY)
    fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK)
    print("leased", flush=True)
    sys.stdin.read()
""")


@pytest.fixture
def leased_feed(tmp_path: Path) -> Iterator[Path]:
    if sys.platform != "linux":
        pytest.skip("file leases are Linux's")
    path = tmp_path / "leased.xml"
    path.write_bytes(feed_xml("Leased"))
    holder = subprocess.Popen([sys.executable, "-c", LEASE_HOLDER, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = holder.stdout.readline() if holder.stdout else ""
        if line.strip() != "leased":
            holder.kill()
            pytest.skip(f"cannot take a file lease here: {holder.stderr.read() if holder.stderr else ''}")
        yield path
    finally:
        if holder.stdin:
            holder.stdin.close()
        holder.wait(10)


def test_a_local_file_that_would_block_does_not_hold_refresh_past_its_total_timeout(
        tmp_path: Path, leased_feed: Path) -> None:
    """Like `/proc/kmsg` as root (whose read waits for the next kernel message), without reading the kernel log:
    opening a file another program holds a write lease on waits up to 45 s."""
    good = tmp_path / "good.xml"
    good.write_bytes(feed_xml("Good", 2))
    config = write_config(tmp_path / "feeds.toml", [str(leased_feed), str(good)], f"total_timeout = {TOTAL}\n")
    started = time.monotonic()
    try:
        proc = run_cli("refresh", "--config", str(config), "--db", str(tmp_path / "c.db"), cwd=tmp_path,
                       timeout=TOTAL + GRACE)
    except subprocess.TimeoutExpired:
        pytest.fail(f"tui-news refresh still running {TOTAL + GRACE:g} s after it started (total_timeout {TOTAL:g})")
    elapsed = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    (failed,) = [line for line in lines if line.startswith("FAILED")]
    assert "another program holds it open" in failed or "timed out" in failed, failed
    assert any(line.startswith("ok ") and "2 new" in line for line in lines), proc.stdout
    assert elapsed < TOTAL + GRACE


STUCK_READ = textwrap.dedent("""
    import asyncio, sys, threading
    from pathlib import Path
    from tui_news import fetch
    from tui_news.models import CachingInfo, Settings

    def stuck(*args):  # a read stuck in the kernel (a hung network mount): never returns
        threading.Event().wait()

    try:
        from tui_news import localfile
        localfile.read_file = stuck
    except ImportError:  # the code before localfile existed
        fetch._read_file = stuck

    async def main():
        async with fetch.Fetcher(Settings(total_timeout=float(sys.argv[2]))) as f:
            result = await f.fetch(sys.argv[1], CachingInfo())
        print(result.error, flush=True)

    asyncio.run(main())
""")


def test_a_read_stuck_in_the_kernel_does_not_keep_the_process_alive(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(feed_xml("Stuck"))
    started = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-c", STUCK_READ, str(feed), str(TOTAL)], capture_output=True,
                              text=True, timeout=TOTAL + GRACE, env=cli_env())
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"the process outlived its fetch by {GRACE:g} s (printed {e.stdout!r})")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"timed out after {TOTAL:g} s (total)"
    assert time.monotonic() - started < TOTAL + GRACE


# -- HTTP ------------------------------------------------------------------------------------------------


async def _fetch(url: str) -> tuple[str | None, bytes | None]:
    async with Fetcher(Settings(total_timeout=10, read_timeout=5, connect_timeout=5)) as fetcher:
        result = await fetcher.fetch(url, CachingInfo())
    return result.error, result.body


async def test_thousands_of_content_encodings_are_refused_with_a_reason(plain_server: FaultServer) -> None:
    body = gzip.compress(feed_xml("Layers"))

    async def layers(_req: Request, writer: asyncio.StreamWriter) -> None:
        lines = "".join("Content-Encoding: gzip\r\n" for _ in range(3000))
        writer.write(head(200, {"Content-Length": str(len(body))})[:-2] + lines.encode() + b"\r\n" + body)
        await writer.drain()

    async def two_layers(_req: Request, writer: asyncio.StreamWriter) -> None:
        twice = gzip.compress(body)
        writer.write(head(200, {"Content-Length": str(len(twice)), "Content-Encoding": "gzip, gzip"}) + twice)
        await writer.drain()

    error, _ = await _fetch(plain_server.route("/layers.xml", layers))
    assert error == "too many Content-Encodings (3000; at most 4 are undone)"
    error, got = await _fetch(plain_server.route("/two.xml", two_layers))  # a real (if odd) chain still works
    assert (error, got) == (None, feed_xml("Layers"))


@pytest.mark.xfail(strict=True, reason=(
    "not fixed: httpx stops at the announced length and keeps no public trace of the bytes after it, and the body "
    "it returns is byte for byte a truncated feed, which the project reads leniently (tests/integration/"
    "test_refresh.py::test_gzip_json_feed_and_malformed_xml); detecting it needs a transport that counts the "
    "bytes read from the socket"))
async def test_a_content_length_shorter_than_the_body_is_a_failure(plain_server: FaultServer) -> None:
    body = feed_xml("Short", 5)

    def served(length: int) -> object:
        async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
            writer.write(head(200, {"Content-Length": str(length), "Content-Type": "application/rss+xml"}) + body)
            await writer.drain()
        return handler

    error, got = await _fetch(plain_server.route("/exact.xml", served(len(body))))  # type: ignore[arg-type]
    assert (error, got) == (None, body)
    error, _ = await _fetch(plain_server.route("/short.xml", served(len(body) // 2)))  # type: ignore[arg-type]
    assert error is not None and "Content-Length" in error
