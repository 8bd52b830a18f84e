"""Every corpus file goes through parse AND store into a real SQLite file; what is stored is clean."""

from __future__ import annotations

import re
import unicodedata
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui_news.errors import ParseError
from tui_news.models import CachingInfo, FeedConfig
from tui_news.parse import parse_feed
from tui_news.store.repo import Repository

NOW = datetime(2026, 11, 25, tzinfo=UTC)
CAP = 20 * 1024 * 1024
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
GROUPS = ["feeds/wellformed", "feeds/illformed", "feeds/encoding", "feeds/entities", "feeds/json", "feeds/real",
          "hostile"]


def body_of(path: Path) -> tuple[bytes, str | None]:
    data = path.read_bytes()
    content_type = None
    sidecar = path.with_name(path.name + ".http-headers")
    if sidecar.is_file():
        headers = dict(line.split(":", 1) for line in sidecar.read_text("utf-8").splitlines() if ":" in line)
        headers = {k.strip().lower(): v.strip() for k, v in headers.items()}
        content_type = headers.get("content-type")
        if headers.get("content-encoding", "").lower() in ("gzip", "deflate"):
            try:  # as the fetcher does it: capped
                data = zlib.decompressobj(47).decompress(data, CAP)
            except zlib.error:
                pass
    return data, content_type


@pytest.mark.parametrize("group", GROUPS)
def test_parse_and_store_every_file(corpus: Path, tmp_path: Path, group: str) -> None:
    files = [p for p in sorted((corpus / group).rglob("*")) if p.is_file()
             and not p.name.endswith((".http-headers", ".txt", ".tsv", ".py", ".md"))]
    assert files
    repo = Repository.open(tmp_path / "cache.db")
    repo.sync_feeds([FeedConfig(p.as_uri()) for p in files])
    stored = 0
    try:
        for path in files:
            feed = repo.feed_by_url(path.as_uri())
            assert feed is not None
            body, content_type = body_of(path)
            try:
                parsed = parse_feed(body, url=path.as_uri(), content_type=content_type, now=NOW)
            except ParseError:
                continue
            new, _ = repo.store_feed(feed.id, parsed, caching=CachingInfo(), status="ok", now=NOW,
                                     next_refresh=None)
            stored += new
        assert repo.integrity_check() == "ok"
        conn = repo.db.connect()
        for title, author, summary, content in conn.execute("SELECT title, author, summary, content FROM articles"):
            assert not CONTROL.search(title), title
            for text in (title, author or "", summary or "", content or ""):
                assert unicodedata.is_normalized("NFC", text)
                assert "\x1b" not in text and "\x00" not in text
        assert repo.count_articles() == stored
    finally:
        repo.close()
    assert stored > 0
