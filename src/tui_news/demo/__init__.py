"""`tui-news --demo`: bundled demo feeds served from 127.0.0.1, so the real fetch path runs offline.

`demo_environment()` starts a `ThreadingHTTPServer` on a free port that serves the feeds in `feeds/` (RSS 2.0
in Vietnamese, Atom in English, a JSON Feed with both) with ETag and Last-Modified (conditional GETs get 304),
plus one address that answers 404 so the failed-feed marker shows. It yields a `Config` pointing at the server
and a cache path in a temporary directory; both go away on exit. No UI imports here.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

from tui_news.models import Config, FeedConfig, Settings

FEEDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    # (file, content type, name shown, tags)
    ("tin-trong-nuoc.xml", "application/rss+xml; charset=utf-8", "Tin trong nước", ("Tiếng Việt",)),
    ("world.atom", "application/atom+xml; charset=utf-8", "World desk", ("English",)),
    ("khoa-hoc.json", "application/feed+json; charset=utf-8", "Khoa học & Công nghệ",
     ("Tiếng Việt", "English")),
)
MISSING = "gone.xml"
"""Served as 404: the demo's failing feed."""
LAST_MODIFIED = formatdate(1741597200, usegmt=True)  # 2025-03-10 09:00 UTC, when the demo feeds were written


def feed_bytes(name: str) -> bytes:
    return (resources.files(__package__) / "feeds" / name).read_bytes()


class DemoServer:
    """The demo feeds over HTTP on 127.0.0.1 (port 0: a free one). `hits` counts requests per path."""

    def __init__(self) -> None:
        self.files = {f"/{name}": (feed_bytes(name), ctype) for name, ctype, _title, _tags in FEEDS}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path.split("?", 1)[0]
                server.hits[path] = server.hits.get(path, 0) + 1
                entry = server.files.get(path)
                if entry is None:
                    self.send_error(404, "Not Found")
                    return
                body, ctype = entry
                etag = '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag or (
                    self.headers.get("If-None-Match") is None
                    and self.headers.get("If-Modified-Since") == LAST_MODIFIED
                ):
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", LAST_MODIFIED)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="tui-news-demo", daemon=True)

    @property
    def base_url(self) -> str:
        port = self.httpd.server_address[1]
        return f"http://127.0.0.1:{port}"

    def start(self) -> DemoServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def demo_config(base_url: str) -> Config:
    feeds = [FeedConfig(url=f"{base_url}/{name}", name=title, tags=tags) for name, _ct, title, tags in FEEDS]
    feeds.append(FeedConfig(url=f"{base_url}/{MISSING}", name="Một nguồn đã ngừng (demo)", tags=("Demo",)))
    # full_text = "never": the demo items link to example.org placeholders, whose real page would stand in for the
    # seed article; `f` still fetches one on demand.
    return Config(path=None, feeds=tuple(feeds),
                  settings=Settings(refresh_minutes=60, concurrency=4, full_text="never"))


@contextmanager
def demo_environment() -> Iterator[tuple[Config, Path]]:
    """(config, cache path) for the demo; the server runs and the temporary directory lives until exit."""
    server = DemoServer().start()
    try:
        with tempfile.TemporaryDirectory(prefix="tui-news-demo-") as tmp:
            yield demo_config(server.base_url), Path(tmp) / "demo.sqlite3"
    finally:
        server.stop()
