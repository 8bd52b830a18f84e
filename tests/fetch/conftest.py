"""Fixtures for the fetch tests: fast Settings, Fetcher factories, and two kinds of server on 127.0.0.1.

`server` is pytest-httpserver for well-behaved responses; `raw_server` (see fetch_support.py) is for faults.
"""

from __future__ import annotations

import contextlib
import dataclasses
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
    """`await raw_server(handler, host="127.0.0.1")` starts a RawServer; all are closed after the test."""
    servers: list[RawServer] = []

    async def make(handler: Handler, host: str = "127.0.0.1") -> RawServer:
        server = RawServer(handler, host)
        await server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        await server.close()
