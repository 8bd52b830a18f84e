"""Read a local feed file (a path or a file:// URL) without ever waiting on it for longer than a deadline.

A feed path can name something that is not a plain file: a FIFO no one writes to, `/proc/kmsg` (a "regular"
file whose read waits for the next kernel message), a file another program holds a lease on (open waits up to
45 s). So:

- the file is opened non-blocking, and checked with fstat on the open descriptor (no race between a stat and
  the open): anything but a regular file is refused, and a read that would wait is refused too;
- the read runs in its own daemon thread, not in the event loop's default executor: when the deadline passes
  the caller gets a timeout and moves on, and a thread stuck in the kernel (a hung network mount) can neither
  hold up `asyncio.run`'s executor shutdown nor keep the process alive;
- at most `cap` + 1 bytes are read.
"""

from __future__ import annotations

import asyncio
import errno
import os
import stat
import threading
from pathlib import Path

from tui_news.errors import FetchError
from tui_news.fetch_messages import size

__all__ = ["read_file", "read_file_within"]

_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_WOULD_BLOCK = (errno.EAGAIN, errno.EWOULDBLOCK)


def read_file(path: Path, cap: int) -> bytes:
    """Blocking: the bytes of a regular file of at most `cap` bytes, or FetchError / OSError."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as e:
        if e.errno in _WOULD_BLOCK:  # a lease held by another program: open would wait for it
            message = f"cannot read {path}: another program holds it open (file lease); try again later"
            raise FetchError(message) from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise FetchError(f"is a directory, not a feed file: {path}")
        if not stat.S_ISREG(mode):
            raise FetchError(f"not a regular file: {path}")
        chunks: list[bytes] = []
        left = cap + 1
        while left > 0:
            try:
                data = os.read(fd, min(left, 1024 * 1024))
            except OSError as e:
                if e.errno in _WOULD_BLOCK:
                    raise FetchError(f"not a feed file: reading {path} waits for data that may never come") from None
                raise
            if not data:
                break
            chunks.append(data)
            left -= len(data)
    finally:
        os.close(fd)
    body = b"".join(chunks)
    if len(body) > cap:
        raise FetchError(f"file exceeds the {size(cap)} size cap: {path}")
    return body


async def read_file_within(path: Path, cap: int, timeout: float) -> bytes:
    """`read_file` in a daemon thread; TimeoutError after `timeout` seconds (the thread is left to finish)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[bytes] = loop.create_future()

    def deliver(result: bytes | None, error: BaseException | None) -> None:
        if future.done():  # the caller timed out or was cancelled
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result or b"")

    def work() -> None:
        try:
            result, error = read_file(path, cap), None
        except BaseException as e:  # noqa: BLE001 - handed to the waiting coroutine
            result, error = None, e
        try:
            loop.call_soon_threadsafe(deliver, result, error)
        except RuntimeError:  # the loop is closed: nobody is waiting any more
            pass

    threading.Thread(target=work, name="tui-news-file", daemon=True).start()
    async with asyncio.timeout(timeout):
        return await future
