"""Fixtures for the fetch tests: fast Settings, Fetcher factories, and two kinds of server on 127.0.0.1.

`server` is pytest-httpserver for well-behaved responses; `raw_server` (see fetch_support.py) is for faults.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from fetch_support import Handler, MakeFetcher, MakeServer, RawServer
from pytest_httpserver import HTTPServer

from tui_news.fetch import Fetcher
from tui_news.models import Settings

FAST = Settings(
    concurrency=8,
    per_host=4,
    connect_timeout=2.0,
    read_timeout=0.5,
    total_timeout=3.0,
    max_bytes=1024 * 1024,
)
"""Small timeouts and a 1 MB cap keep the folder fast."""


@pytest.fixture
async def make_fetcher() -> AsyncIterator[MakeFetcher]:
    """`await make_fetcher(read_timeout=0.2)`: an open Fetcher with FAST settings plus overrides."""
    async with contextlib.AsyncExitStack() as stack:

        async def make(**overrides: Any) -> Fetcher:
            return await stack.enter_async_context(Fetcher(dataclasses.replace(FAST, **overrides)))

        yield make


@pytest.fixture
async def fetcher(make_fetcher: MakeFetcher) -> Fetcher:
    return await make_fetcher()


@pytest.fixture(scope="session")
def _session_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.fixture
def server(_session_server: HTTPServer) -> HTTPServer:
    """pytest-httpserver bound to 127.0.0.1 (the plugin's default is "localhost"), cleared per test."""
    _session_server.clear()
    return _session_server


@pytest.fixture
async def raw_server() -> AsyncIterator[MakeServer]:
    """`await raw_server(handler, host=..., tls=...)` starts a RawServer; all are closed after the test."""
    servers: list[RawServer] = []

    async def make(handler: Handler, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> RawServer:
        server = RawServer(handler, host, tls)
        await server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        await server.close()


@pytest.fixture(scope="session")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> ssl.SSLContext:
    """A server TLS context with a fresh self-signed certificate for 127.0.0.1 (needs the openssl CLI)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a self-signed certificate")
    where = tmp_path_factory.mktemp("tls")
    cert, key = where / "cert.pem", where / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context
