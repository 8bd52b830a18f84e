"""Fixtures for the fetch tests: fast Settings, Fetcher factories and a raw asyncio HTTP server for faults.

pytest-httpserver (`httpserver`) covers well-behaved responses. `raw_server` is a tiny HTTP/1.1 server on
127.0.0.1 that runs in the test's own event loop, so a handler can sleep, dribble a body, lie about
Content-Length or reset the connection without blocking anything, and is cancelled when the test ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import socket
import struct
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
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

MakeFetcher = Callable[..., Awaitable[Fetcher]]


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


@dataclass
class RawRequest:
    method: str
    target: str
    headers: dict[str, str]


Handler = Callable[[RawRequest, asyncio.StreamWriter], Awaitable[None]]


@dataclass
class RawServer:
    handler: Handler
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[RawRequest] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def url(self, path: str = "/feed") -> str:
        return f"http://{self.host}:{self.port}{path}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            request = RawRequest(method, target, headers)
            self.requests.append(request)
            await self.handler(request, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self._tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


MakeServer = Callable[..., Awaitable[RawServer]]


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


def http_head(status: int = 200, headers: dict[str, str] | None = None, reason: str = "OK") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def reset_connection(writer: asyncio.StreamWriter) -> None:
    """Close with RST (SO_LINGER 0) instead of FIN, as a crashing server or middlebox would."""
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port
