"""Undo a response's Content-Encoding in bounded pieces, so a compression bomb costs at most about the size cap.

`BodyDecoder(["gzip", "br"])` undoes `Content-Encoding: gzip, br` (br applied last, so undone first). `feed`
takes raw bytes as they arrive and yields decoded pieces of at most `PIECE` bytes; `finish` flushes and checks
that every layer ended. Problems raise `DecodeError` with a message meant for the user.

The chain is bounded (`MAX_ENCODINGS`): real servers apply one encoding, rarely two; each layer is a generator
stacked on the previous one, and `Content-Encoding: gzip` repeated 3,000 times once ended in a RecursionError.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import Protocol

try:  # httpx[brotli] is a dependency, but keep working (without "br") if it is missing.
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

__all__ = ["ACCEPT_ENCODING", "BodyDecoder", "DecodeError", "MAX_ENCODINGS", "PIECE", "content_encodings"]

ACCEPT_ENCODING = "gzip, deflate, br" if brotli is not None else "gzip, deflate"
PIECE = 64 * 1024
"""Largest piece the decoders hand out at once: bounds memory while inflating."""
MAX_ENCODINGS = 4
"""More Content-Encoding layers than this are refused (we ask for one; nobody sends more than two)."""


class DecodeError(ValueError):
    """The body cannot be decoded; the message is meant for the user."""


def content_encodings(header: str) -> list[str]:
    """The codings a Content-Encoding header lists, lower-cased, without `identity` and empty items."""
    names = (name.strip().lower() for name in header.split(","))
    return [name for name in names if name and name != "identity"]


class _Decoder(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...
    def finish(self) -> Iterator[bytes]: ...


class _ZlibDecoder:
    """gzip or deflate (zlib-wrapped, or raw as some servers send it), in pieces of at most PIECE bytes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._gzip = name in ("gzip", "x-gzip")
        self._d: zlib._Decompress | None = zlib.decompressobj(zlib.MAX_WBITS | 16) if self._gzip else None
        self._head = b""
        self._seen = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        self._seen = True
        if self._d is None:  # deflate: look at the first two bytes to tell zlib-wrapped from raw
            self._head += data
            if len(self._head) < 2:
                return
            data, self._head = self._head, b""
            cmf, flg = data[0], data[1]
            wrapped = cmf & 0x0F == 8 and (cmf * 256 + flg) % 31 == 0
            self._d = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        d = self._d
        while not d.eof:
            out = d.decompress(data, PIECE)
            if out:
                yield out
            data = d.unconsumed_tail
            if not data and len(out) < PIECE:
                break

    def finish(self) -> Iterator[bytes]:
        if not self._seen:
            return  # an empty body labelled gzip: nothing to decode
        if self._d is None:
            raise _BadData(f"the {self.name}-encoded body is truncated")
        tail = self._d.flush()
        if tail:
            yield tail
        if not self._d.eof:
            raise _BadData(f"the {self.name}-encoded body is truncated")


class _BrotliDecoder:
    def __init__(self) -> None:
        assert brotli is not None
        self._d = brotli.Decompressor()
        self._bounded = hasattr(self._d, "can_accept_more_data")  # brotli >= 1.2
        self._seen = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not data:
            return
        self._seen = True
        if not self._bounded:  # pragma: no cover - old brotli: no output limit available
            yield self._d.process(data)
            return
        out: bytes = self._d.process(data, output_buffer_limit=PIECE)
        if out:
            yield out
        while not self._d.is_finished() and (out or not self._d.can_accept_more_data()):
            out = self._d.process(b"", output_buffer_limit=PIECE)
            if out:
                yield out

    def finish(self) -> Iterator[bytes]:
        if self._seen and not self._d.is_finished():
            raise _BadData("the br-encoded body is truncated")
        yield from ()


class _BadData(Exception):
    """Raised by a decoder; `_guard` words it for the user."""


def _make_decoder(name: str) -> _Decoder:
    if name in ("gzip", "x-gzip", "deflate"):
        return _ZlibDecoder(name)
    if name == "br" and brotli is not None:
        return _BrotliDecoder()
    raise DecodeError(f"unsupported Content-Encoding {name[:40]!r}")


def _through(decoder: _Decoder, pieces: Iterable[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        yield from decoder.feed(piece)


class BodyDecoder:
    """Undo `Content-Encoding: a, b` (b applied last, so undone first), lazily and in bounded pieces."""

    def __init__(self, encodings: list[str]) -> None:
        if len(encodings) > MAX_ENCODINGS:
            raise DecodeError(f"too many Content-Encodings ({len(encodings)}; at most {MAX_ENCODINGS} are undone)")
        self._decoders = [_make_decoder(name) for name in reversed(encodings)]

    def _run(self, start: int, pieces: Iterable[bytes]) -> Iterator[bytes]:
        it: Iterable[bytes] = pieces
        for decoder in self._decoders[start:]:
            it = _through(decoder, it)
        return _guard(it)

    def feed(self, raw: bytes) -> Iterator[bytes]:
        return self._run(0, [raw])

    def finish(self) -> Iterator[bytes]:
        for i, decoder in enumerate(self._decoders):
            yield from self._run(i + 1, _guard(decoder.finish()))


def _guard(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """Library errors (zlib, brotli) become DecodeError with a readable message."""
    try:
        yield from pieces
    except (_BadData, zlib.error) as e:
        raise DecodeError(f"cannot decode the body: {e}") from None
    except Exception as e:
        if brotli is not None and isinstance(e, brotli.error):
            raise DecodeError(f"cannot decode the body: bad br data ({e})") from None
        raise
