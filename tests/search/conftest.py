"""A real SQLite cache in tmp_path, filled through the repository the way a refresh fills it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui_news.models import CachingInfo, FeedConfig, ParsedArticle, ParsedFeed
from tui_news.store.repo import Repository

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
VI_URL = "https://vi.example/rss"
EN_URL = "https://en.example/rss"


def art(guid: str, title: str, body: str = "", *, days_ago: float = 1,
        author: str | None = None) -> ParsedArticle:
    return ParsedArticle(guid=guid, title=title, author=author, link=f"https://example.org/{guid}",
                         published=NOW - timedelta(days=days_ago), updated=None, summary_html=None,
                         content_html=f"<p>{body}</p>" if body else None)


@dataclass
class Cache:
    repo: Repository
    path: Path

    def store(self, url: str, *articles: ParsedArticle, title: str | None = None,
              body_forms: Sequence[tuple[str, str]] | None = None) -> None:
        feed = self.repo.feed_by_url(url)
        assert feed is not None
        parsed = ParsedFeed(title=title, link=None, articles=articles, format="rss20")
        self.repo.store_feed(feed.id, parsed, caching=CachingInfo(), status="200", now=NOW, next_refresh=None,
                             body_forms=body_forms)

    def id_of(self, guid: str) -> int:
        row = self.repo.db.connect().execute("SELECT id FROM articles WHERE guid = ?", (guid,)).fetchone()
        assert row is not None, guid
        return int(row[0])


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[Cache]:
    path = tmp_path / "c.db"
    repo = Repository.open(path)
    repo.sync_feeds([FeedConfig(url=VI_URL, name="Báo Hải Phòng", tags=("Việt Nam", "thời sự")),
                     FeedConfig(url=EN_URL, name="World Wire", tags=("world",))])
    yield Cache(repo, path)
    repo.close()
