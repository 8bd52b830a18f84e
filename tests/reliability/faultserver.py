"""A fault-injecting HTTP/1.1 server on 127.0.0.1 for the reliability tests.

It runs its own asyncio loop in a daemon thread, so it serves the test's own `Service.refresh` (same
process, other loop) and a `tui-news refresh` subprocess alike. Each path maps to a coroutine that gets the
parsed request and the raw `StreamWriter`: it may sleep, dribble a body, lie about Content-Length, reset the
connection or never stop writing. A second listener speaks TLS with a self-signed certificate.

Every request is logged (`server.paths`), which is how the security tests prove that nothing was fetched.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
import ssl
import struct
import threading
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["FaultServer", "Request", "head", "gzip_bomb", "FAULTS"]


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    tls: bool


Handler = Callable[[Request, asyncio.StreamWriter], Awaitable[None]]


def head(status: int = 200, headers: dict[str, str] | None = None, reason: str = "X") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST (SO_LINGER 0), as a crashing server or a middlebox would."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def gzip_bomb(inflated: int = 256 * 1024 * 1024) -> bytes:
    """An RSS document whose description is `inflated` bytes of spaces, gzipped (~1/1000 of the size)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    parts = [comp.compress(b"<?xml version='1.0'?><rss version='2.0'><channel><title>bomb</title>"
                           b"<item><title>b</title><description>")]
    block = b" " * (1024 * 1024)
    for _ in range(inflated // len(block)):
        parts.append(comp.compress(block))
    parts.append(comp.compress(b"</description></item></channel></rss>"))
    parts.append(comp.flush())
    return b"".join(parts)


class FaultServer:
    """`with FaultServer() as server: server.route("/x", handler); server.url("/x")`."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self._tls_context = tls
        self._routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="faultserver", daemon=True)
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0
        self.tls_port = 0

    # -- lifecycle
    def __enter__(self) -> FaultServer:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _start(self) -> None:
        plain = await asyncio.start_server(lambda r, w: self._serve(r, w, False), "127.0.0.1", 0)
        self._servers.append(plain)
        self.port = plain.sockets[0].getsockname()[1]
        if self._tls_context is not None:
            secure = await asyncio.start_server(lambda r, w: self._serve(r, w, True), "127.0.0.1", 0,
                                                ssl=self._tls_context)
            self._servers.append(secure)
            self.tls_port = secure.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # -- routing
    def route(self, path: str, handler: Handler) -> str:
        self._routes[path] = handler
        return self.url(path)

    def static(self, path: str, body: bytes, headers: dict[str, str] | None = None, status: int = 200) -> str:
        async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
            hdrs = {"Content-Length": str(len(body)), **(headers or {})}
            writer.write(head(status, hdrs) + body)
            await writer.drain()

        return self.route(path, handler)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def tls_url(self, path: str) -> str:
        return f"https://127.0.0.1:{self.tls_port}{path}"

    @property
    def paths(self) -> list[str]:
        return [r.path for r in list(self.requests)]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, tls: bool) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            raw = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            lines = raw.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
            request = Request(method, target, headers, tls)
            self.requests.append(request)
            handler = self._routes.get(target.split("?", 1)[0])
            if handler is None:
                writer.write(head(404, {"Content-Length": "9"}, "Not Found") + b"not found")
                await writer.drain()
            else:
                await handler(request, writer)
        except (ConnectionError, asyncio.IncompleteReadError, TimeoutError, ssl.SSLError, OSError):
            pass
        finally:
            self._tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()


# -- the faults ----------------------------------------------------------------------------------------


def feed_xml(title: str, n: int = 3, prefix: str = "g") -> bytes:
    items = "".join(
        f"<item><guid>{prefix}-{i}</guid><title>{title} bài {i}</title><link>https://example.org/{prefix}/{i}</link>"
        f"<pubDate>Sun, 01 Nov 2026 0{i % 10}:00:00 GMT</pubDate><description>&lt;p&gt;nội dung {i}&lt;/p&gt;"
        "</description></item>"
        for i in range(n)
    )
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{title}</title>"
            f"<link>https://example.org/</link>{items}</channel></rss>").encode()


async def slow_headers(_req: Request, writer: asyncio.StreamWriter) -> None:
    await asyncio.sleep(60)


async def slow_body(_req: Request, writer: asyncio.StreamWriter) -> None:
    body = feed_xml("Slow")
    writer.write(head(200, {"Content-Length": str(len(body)), "Content-Type": "application/rss+xml"}))
    for byte in body:
        writer.write(bytes([byte]))
        await writer.drain()
        await asyncio.sleep(1.0)


async def reset_mid_body(_req: Request, writer: asyncio.StreamWriter) -> None:
    body = feed_xml("Reset", 50)
    writer.write(head(200, {"Content-Length": str(len(body))}) + body[: len(body) // 2])
    await writer.drain()
    await asyncio.sleep(0.05)
    reset(writer)


async def truncated_gzip(_req: Request, writer: asyncio.StreamWriter) -> None:
    packed = gzip.compress(feed_xml("Truncated gzip", 50))
    cut = packed[: len(packed) // 2]
    writer.write(head(200, {"Content-Length": str(len(cut)), "Content-Encoding": "gzip"}) + cut)
    await writer.drain()


async def wrong_content_length(_req: Request, writer: asyncio.StreamWriter) -> None:
    body = feed_xml("Liar", 5)
    writer.write(head(200, {"Content-Length": str(len(body) + 5000)}) + body)
    await writer.drain()


def status(code: int, extra: dict[str, str] | None = None) -> Handler:
    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        body = b"<html><body>go away</body></html>"
        writer.write(head(code, {"Content-Length": str(len(body)), "Content-Type": "text/html", **(extra or {})})
                     + body)
        await writer.drain()

    return handler


def redirect(location: str, code: int = 302) -> Handler:
    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(code, {"Location": location, "Content-Length": "0"}))
        await writer.drain()

    return handler


async def endless_body(_req: Request, writer: asyncio.StreamWriter) -> None:
    writer.write(head(200, {"Content-Type": "application/rss+xml"}))  # no length: read until close
    writer.write(b"<?xml version='1.0'?><rss version='2.0'><channel><title>endless</title>")
    chunk = b"<item><title>again</title><description>" + b"x" * 8000 + b"</description></item>"
    while True:
        writer.write(chunk)
        await writer.drain()


def serve_bytes(body: bytes, headers: dict[str, str]) -> Handler:
    async def handler(_req: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, {"Content-Length": str(len(body)), **headers}))
        for i in range(0, len(body), 256 * 1024):
            writer.write(body[i:i + 256 * 1024])
            await writer.drain()

    return handler


def read_sidecar(path: Path) -> dict[str, str]:
    """The headers of `<file>.http-headers` (one `Name: value` a line), or {} without a sidecar."""
    sidecar = path.with_name(path.name + ".http-headers")
    if not sidecar.is_file():
        return {}
    headers = {}
    for line in sidecar.read_text("utf-8").splitlines():
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip()] = value.strip()
    return headers


FAULTS = ("slow_headers", "slow_body", "reset_mid_body", "truncated_gzip", "wrong_content_length")
