"""How fetch problems are worded for people: one line each, no traceback, no library jargon where we can help it.

httpx, httpcore, ssl and the OS each describe the same failure differently (and wrap each other's exceptions);
these functions dig out the cause that matters (a certificate, a name that does not resolve, a reset) and say
it plainly. Used by `fetch` and `localfile`.
"""

from __future__ import annotations

import errno
import re
import socket
import ssl
from collections.abc import Iterator
from http import HTTPStatus

import httpx

__all__ = ["clip", "connect_message", "one_line", "os_message", "secs", "size", "status_message",
           "transport_message"]


def status_message(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


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


def connect_message(e: httpx.ConnectError, host: str) -> str:
    for cause in _chain(e):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS error: certificate verify failed ({cause.verify_message})"
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {_ssl_reason(cause)}"
        if isinstance(cause, socket.gaierror):
            return f"cannot resolve host {clip(host, 100)!r}"
    for cause in _chain(e):
        if isinstance(cause, OSError) and cause.errno is not None:
            return os_message(cause)
    text = one_line(e)
    if "CERTIFICATE_VERIFY_FAILED" in text or "SSL" in text:
        return f"TLS error: {text}"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return f"cannot resolve host {clip(host, 100)!r}"
    if "Connection refused" in text:
        return "connection refused"
    return f"cannot connect: {text}"


def _ssl_reason(e: ssl.SSLError) -> str:
    reason = getattr(e, "reason", None)
    if reason:
        return str(reason).replace("_", " ").lower()
    return one_line(e)


def transport_message(e: httpx.TransportError) -> str:
    for cause in _chain(e):
        if isinstance(cause, ssl.SSLError):
            return f"TLS error: {_ssl_reason(cause)}"
        if isinstance(cause, OSError) and cause.errno is not None:
            return os_message(cause)
    text = one_line(e)
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


def os_message(e: OSError) -> str:
    if e.errno in _ERRNO_MESSAGES:
        return _ERRNO_MESSAGES[e.errno]
    if e.strerror:
        return e.strerror[:1].lower() + e.strerror[1:]
    return one_line(e) or type(e).__name__


def one_line(e: BaseException) -> str:
    return " ".join(str(e).split())[:300]


def clip(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def secs(value: float) -> str:
    return f"{value:g} s"


def size(n: int) -> str:
    mb = 1024 * 1024
    if n >= mb:
        return f"{n / mb:g} MB"
    if n >= 1024:
        return f"{n / 1024:g} KB"
    return f"{n} bytes"
