from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui_news.errors import CacheCorruptError, StoreError
from tui_news.models import CachingInfo, FeedConfig, ParsedArticle, ParsedFeed
from tui_news.store.repo import ArticleFilter, Repository
from tui_news.store.schema import SCHEMA_VERSION

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def art(guid: str, title: str = "", days_ago: int = 0, summary: str = "<p>x</p>") -> ParsedArticle:
    return ParsedArticle(guid=guid, title=title or guid, author=None, link=f"https://e.org/{guid}",
                         published=NOW - timedelta(days=days_ago), updated=None, summary_html=summary,
                         content_html=None)


def feed_of(*articles: ParsedArticle) -> ParsedFeed:
    return ParsedFeed(title="Feed", link="https://e.org/", articles=articles, format="rss20")


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    r = Repository.open(tmp_path / "cache.db")
    r.sync_feeds([FeedConfig("https://e.org/a.xml", "A", ("news",)), FeedConfig("https://e.org/b.xml", None)])
    yield r
    r.close()


def store(repo: Repository, url: str, *articles: ParsedArticle) -> tuple[int, int]:
    feed = repo.feed_by_url(url)
    assert feed is not None
    return repo.store_feed(feed.id, feed_of(*articles), caching=CachingInfo("e1", None, "h"), status="200",
                           now=NOW, next_refresh=None)


def test_schema_version_and_pragmas(repo: Repository, tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "cache.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_new_then_updated_then_same(repo: Repository) -> None:
    assert store(repo, "https://e.org/a.xml", art("1"), art("2")) == (2, 0)
    assert store(repo, "https://e.org/a.xml", art("1"), art("2", "changed")) == (0, 1)
    assert store(repo, "https://e.org/a.xml", art("1"), art("2", "changed")) == (0, 0)
    assert repo.count_articles() == 2


def test_flags_survive_refetch_of_same_and_changed_article(repo: Repository) -> None:
    store(repo, "https://e.org/a.xml", art("1"), art("2"))
    ids = {a.title: a.id for a in repo.articles()}
    repo.set_read([ids["1"]])
    repo.set_starred([ids["2"]])
    store(repo, "https://e.org/a.xml", art("1"), art("2"))
    store(repo, "https://e.org/a.xml", art("1", "1 changed"), art("2", "2 changed", summary="<p>new</p>"))
    flags = repo.flags()
    assert flags[("https://e.org/a.xml", "1")] == (True, False)
    assert flags[("https://e.org/a.xml", "2")] == (False, True)


def test_counts_filters_and_pages(repo: Repository) -> None:
    store(repo, "https://e.org/a.xml", *(art(str(i), days_ago=i) for i in range(25)))
    store(repo, "https://e.org/b.xml", art("b1"))
    a = repo.feed_by_url("https://e.org/a.xml")
    assert a is not None
    page = repo.articles(ArticleFilter(feed_id=a.id), offset=10, limit=5)
    assert [x.title for x in page] == ["10", "11", "12", "13", "14"]
    repo.set_read([page[0].id])
    feeds = {f.url: f for f in repo.feeds()}
    assert (feeds["https://e.org/a.xml"].unread, feeds["https://e.org/a.xml"].total) == (24, 25)
    assert repo.count_articles(ArticleFilter(unread=True)) == 25
    assert repo.count_articles(ArticleFilter(tag="news")) == 25
    assert repo.count_articles(ArticleFilter(tag="nope")) == 0
    assert repo.mark_all_read(ArticleFilter(feed_id=a.id)) == 24
    assert repo.unread_counts() == {feeds["https://e.org/b.xml"].id: 1}


def test_retention_never_deletes_starred(repo: Repository) -> None:
    store(repo, "https://e.org/a.xml", art("old", days_ago=400), art("old-star", days_ago=400), art("new"))
    starred = [a.id for a in repo.articles() if a.title == "old-star"]
    repo.set_starred(starred)
    # Within `days` of first being seen nothing goes, or the next refresh would bring it back as new.
    assert repo.apply_retention(NOW + timedelta(days=1), days=30, per_feed=None) == 0
    assert repo.apply_retention(NOW + timedelta(days=31), days=30, per_feed=None) == 2
    assert [a.title for a in repo.articles()] == ["old-star"]
    store(repo, "https://e.org/a.xml", art("new"))
    store(repo, "https://e.org/a.xml", *(art(f"n{i}", days_ago=i) for i in range(5)))
    repo.apply_retention(NOW, days=None, per_feed=2)
    titles = sorted(a.title for a in repo.articles())
    assert "old-star" in titles and len(titles) == 3


def test_removed_feed_is_hidden_but_kept(repo: Repository) -> None:
    store(repo, "https://e.org/b.xml", art("b1"))
    repo.sync_feeds([FeedConfig("https://e.org/a.xml")])
    assert [f.url for f in repo.feeds()] == ["https://e.org/a.xml"]
    assert len(repo.feeds(include_removed=True)) == 2
    repo.sync_feeds([FeedConfig("https://e.org/a.xml"), FeedConfig("https://e.org/b.xml")])
    assert repo.count_articles() == 1


def test_permanent_redirect_moves_fetch_url(repo: Repository) -> None:
    feed = repo.feed_by_url("https://e.org/a.xml")
    assert feed is not None
    repo.move_feed(feed.id, "https://new.example/a.xml")
    moved = repo.feed(feed.id)
    assert moved is not None and moved.fetch_url == "https://new.example/a.xml"
    repo.sync_feeds([FeedConfig("https://e.org/a.xml")])  # the config still says the old URL
    assert len(repo.feeds(include_removed=True)) == 2  # no duplicate feed was made


def test_writes_from_another_thread_are_visible(repo: Repository) -> None:
    t = threading.Thread(target=store, args=(repo, "https://e.org/a.xml", art("t")))
    t.start()
    t.join()
    assert [a.title for a in repo.articles()] == ["t"]


def test_transaction_rolls_back_on_error(repo: Repository) -> None:
    feed = repo.feed_by_url("https://e.org/a.xml")
    assert feed is not None
    bad = ParsedArticle("x", None, None, None, None, None, None, None)  # type: ignore[arg-type]
    with pytest.raises(StoreError):
        repo.store_feed(feed.id, feed_of(art("ok"), bad), caching=CachingInfo(), status="200", now=NOW,
                        next_refresh=None)
    assert repo.count_articles() == 0


def test_corrupt_cache_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "cache.db"
    junk = b"this is not sqlite at all" * 100
    path.write_bytes(junk)
    with pytest.raises(CacheCorruptError) as info:
        Repository.open(path)
    assert "move it aside" in str(info.value).lower()
    assert path.read_bytes() == junk


def test_foreign_sqlite_file_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE mine (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="did not create"):
        Repository.open(path)
